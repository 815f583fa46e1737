"""The data exports: CSV in one long (tidy) table, and JSON of the whole document with camelCase keys."""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import orjson

from app.reports.document import Origin, ReportDocument, ValueKind
from app.reports.exporters.values import iso_z, plain

CSV_COLUMNS = ("section", "table", "row", "column", "value", "kind", "source", "as_of", "mode")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: Any) -> str:
    """A value as CSV text: Decimal exactly, floats round-trip, times ISO-8601 with Z, missing empty.

    >>> csv_text(Decimal("0.000012345")), csv_text(0.1), csv_text(None), csv_text(float("nan"))
    ('0.000012345', '0.1', '', '')
    """
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, datetime):
        return iso_z(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")  # never 1E-7
    if isinstance(value, int | float):
        return repr(value)
    return str(value)


def _defused(text: str) -> str:
    """Text that a spreadsheet would run as a formula ("=cmd|...") is prefixed with an apostrophe."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _record(
    section: str, table: str, row: int, column: str, value: Any, kind: ValueKind, origin: Origin | None
) -> list[str]:
    text = csv_text(value)
    # Numbers keep their sign ("-0.5"); only text can be a formula.
    if kind == "text" or not isinstance(plain(value), int | float | Decimal | datetime | date):
        text = _defused(text)
    return [
        _defused(section),
        _defused(table),
        str(row),
        _defused(column),
        text,
        kind,
        _defused(origin.source) if origin else "",
        iso_z(origin.as_of) if origin and origin.as_of else "",
        (origin.mode or "") if origin else "",
    ]


def _records(document: ReportDocument) -> Iterator[list[str]]:
    for section in document.sections:
        for index, figure in enumerate(section.figures):
            yield _record(
                section.key, "figures", index, figure.label, figure.value, figure.kind, figure.origin
            )
        for table in section.tables:
            for index, row in enumerate(table.rows):
                for value, column in zip(row, table.columns, strict=True):
                    yield _record(
                        section.key, table.title, index, column.name, value, column.kind, table.origin
                    )
        for chart in section.charts:
            x_kind: ValueKind = "datetime" if chart.kind == "time" else "text"
            for index, x in enumerate(chart.x):
                yield _record(section.key, chart.title, index, "x", x, x_kind, chart.origin)
                for series in chart.series:
                    kind = chart.lower_kind if series.pane > 0 else chart.y_kind
                    yield _record(
                        section.key, chart.title, index, series.name, series.values[index], kind, chart.origin
                    )


def render_csv(document: ReportDocument) -> bytes:
    """Every figure, table cell and chart point as one CSV row (long format: see CSV_COLUMNS), in UTF-8."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    writer.writerows(_records(document))
    return buffer.getvalue().encode("utf-8")


def camel(name: str) -> str:
    """snake_case to camelCase.

    >>> camel("as_of"), camel("report_id"), camel("x")
    ('asOf', 'reportId', 'x')
    """
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def to_json_value(value: Any) -> Any:
    """Dataclasses as camelCase dicts, Decimal as a string (keeping its precision), times ISO Z, NaN null.

    Plain dict keys (a report's `meta` labels) are data, not field names: they are kept as they are.
    """
    value = plain(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {camel(f.name): to_json_value(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(key): to_json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_json_value(item) for item in value]
    if isinstance(value, datetime):
        return iso_z(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def render_json(document: ReportDocument) -> bytes:
    """The whole document as JSON (UTF-8), camelCase keys as in the API."""
    return orjson.dumps(to_json_value(document))
