"""The Excel export: a Summary sheet, then one sheet per section with typed cells and native charts."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from app.core.chart_theme import DOWN, PALETTE, UP
from app.reports.document import Chart, Figure, ReportDocument, Section, Series, Table, ValueKind
from app.reports.exporters.charts import has_data
from app.reports.exporters.values import FRACTION_KINDS, format_datetime, format_value, plain, utc

NUMBER_FORMATS: dict[str, str] = {
    "money": "#,##0.00",
    "percent": "0.00%",
    "ratio": "0.00%",
    "integer": "#,##0",
    "number": "#,##0.00",
    "datetime": "yyyy-mm-dd hh:mm",
    "date": "yyyy-mm-dd",
}
SMALL_FORMAT = "#,##0.00######"  # prices below 1 keep their significant digits
MAX_WIDTH = 60
_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_name(title: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name for `title` (≤ 31 characters, none of []:*?/\\), added to `taken`.

    >>> taken = {"summary"}
    >>> sheet_name("Summary", taken), sheet_name("Risk [1/2]: *what?*", taken), sheet_name("", taken)
    ('Summary (2)', 'Risk 1 2 what', 'Sheet')
    """
    base = " ".join(_FORBIDDEN.sub(" ", title).split()).strip("'")[:31].strip() or "Sheet"
    if base.lower() == "history":  # reserved by Excel
        base = "History (data)"
    name, number = base, 2
    while name.lower() in taken:
        suffix = f" ({number})"
        name, number = base[: 31 - len(suffix)].rstrip() + suffix, number + 1
    taken.add(name.lower())
    return name


@dataclass
class _Sheet:
    """A worksheet being written: the next free row, and the widest text seen in each column."""

    sheet: Worksheet
    name: str
    formats: dict[str, Format]
    row: int = 0
    widths: dict[int, int] = field(default_factory=dict)
    frozen: bool = False

    def fit(self, column: int, text: str) -> None:
        self.widths[column] = max(self.widths.get(column, 0), min(len(text), MAX_WIDTH))

    def cell(
        self, row: int, column: int, value: Any, kind: ValueKind = "text", style: str | None = None
    ) -> None:
        """A typed cell: numbers and times as Excel values with a number format, anything else as text."""
        value = plain(value)
        self.fit(column, "yyyy-mm-dd hh:mm" if isinstance(value, datetime) else format_value(value, kind))
        if value is None:
            self.sheet.write_blank(row, column, None, self.formats[style] if style else None)
        elif isinstance(value, date):
            # Excel has no time zones: naive UTC.
            moment = (
                utc(value).replace(tzinfo=None)
                if isinstance(value, datetime)
                else datetime(*value.timetuple()[:3])
            )
            style = "date" if kind == "date" or not isinstance(value, datetime) else "datetime"
            self.sheet.write_datetime(row, column, moment, self.formats[style])
        elif isinstance(value, int | float | Decimal) and not isinstance(value, bool) and kind != "text":
            number = float(value)
            small = kind == "money" or (kind == "number" and not isinstance(value, int))
            key = "small" if small and 0 < abs(number) < 1 else kind if kind in NUMBER_FORMATS else "number"
            self.sheet.write_number(row, column, number, self.formats[key])
        else:
            # write_string, never write: text such as "=1+1" stays text, not a formula.
            self.sheet.write_string(row, column, str(value), self.formats[style] if style else None)

    def header(self, names: list[str]) -> None:
        if not self.frozen:  # the sheet's first table: its header (and the titles above) stay in view
            self.sheet.freeze_panes(self.row + 1, 0)
            self.frozen = True
        for column, name in enumerate(names):
            self.sheet.write_string(self.row, column, name, self.formats["header"])
            self.fit(column, name)
        self.row += 1

    def title(self, text: str, style: str = "subtitle") -> None:
        self.sheet.write_string(self.row, 0, text, self.formats[style])
        self.row += 1

    def caption(self, text: str) -> None:
        self.sheet.write_string(self.row, 0, text, self.formats["caption"])
        self.row += 1


def _formats(book: Workbook) -> dict[str, Format]:
    formats = {kind: book.add_format({"num_format": code}) for kind, code in NUMBER_FORMATS.items()}
    formats["small"] = book.add_format({"num_format": SMALL_FORMAT})
    formats["title"] = book.add_format({"bold": True, "font_size": 16})
    formats["subtitle"] = book.add_format({"bold": True, "font_size": 12})
    formats["header"] = book.add_format({"bold": True, "bg_color": "#E8EEF4", "bottom": 1})
    formats["label"] = book.add_format({"bold": True, "valign": "top"})
    formats["caption"] = book.add_format({"italic": True, "font_color": "#6B7280"})
    formats["wrap"] = book.add_format({"text_wrap": True, "valign": "top"})
    return formats


def _figures(out: _Sheet, figures: list[Figure]) -> None:
    notes = any(f.note for f in figures)
    out.header(["Label", "Value", "Source", "As of", *(["Note"] if notes else [])])
    for figure in figures:
        out.cell(out.row, 0, figure.label)
        out.cell(out.row, 1, figure.value, figure.kind)
        if figure.origin is not None:
            mode = f" ({figure.origin.mode})" if figure.origin.mode else ""
            out.cell(out.row, 2, figure.origin.source + mode)
            out.cell(out.row, 3, figure.origin.as_of, "datetime")
        if notes:
            out.cell(out.row, 4, figure.note)
        out.row += 1


def _table(out: _Sheet, table: Table) -> None:
    out.header([column.name for column in table.columns])
    for row in table.rows:
        for index, (value, column) in enumerate(zip(row, table.columns, strict=True)):
            out.cell(out.row, index, value, column.kind)
        out.row += 1
    if table.note:
        out.caption(table.note)
    if table.origin:
        out.caption(f"Source: {table.origin.caption()}")


def _chart_type(series: Series) -> str:
    return {"line": "line", "area": "area", "bar": "column"}[series.style]


def _add_series(
    chart: Any, native_type: str, out: _Sheet, rows: tuple[int, int], column: int, series: Series, index: int
) -> None:
    first, last = rows
    values = [plain(v) for v in series.values]
    negative = [v is not None and v < 0 for v in values]
    below = series.style == "area" and all(v is None or v <= 0 for v in values)  # a drawdown
    colour = DOWN if below else PALETTE[index % 8]
    options: dict[str, Any] = {
        "name": [out.name, first - 1, column],
        "categories": [out.name, first, 0, last, 0],
        "values": [out.name, first, column, last, column],
    }
    if native_type == "line":
        options["line"] = {"color": colour, "width": 1.25}
    elif native_type == "pie":
        options["points"] = [{"fill": {"color": PALETTE[i % 8]}} for i in range(len(values))]
    elif native_type == "column" and any(negative):
        options["points"] = [{"fill": {"color": DOWN if n else UP}} for n in negative]
    else:
        options["fill"] = {"color": colour, "transparency": 60 if native_type == "area" else 0}
    chart.add_series(options)


def _axis_format(kind: ValueKind) -> str:
    return "0%" if kind in FRACTION_KINDS else "#,##0" if kind in ("money", "integer") else "General"


def _chart(book: Workbook, out: _Sheet, chart: Chart, anchor: tuple[int, int]) -> int:
    """Writes the chart's data under the tables and native charts at `anchor`; returns the rows they take."""
    time = chart.kind == "time"
    out.title(f"Chart data: {chart.title}")
    out.header(["Time (UTC)" if time else "Label", *(s.name for s in chart.series)])
    first = out.row
    for position, x in enumerate(chart.x):
        out.cell(out.row, 0, x, "datetime" if time else "text")
        for index, series in enumerate(chart.series, start=1):
            kind = chart.lower_kind if series.pane > 0 else chart.y_kind
            out.cell(out.row, index, series.values[position], kind)
        out.row += 1
    last = out.row - 1
    if chart.origin:
        out.caption(f"Source: {chart.origin.caption()}")
    out.row += 1
    if not has_data(chart):
        return 0
    row, column = anchor
    if chart.kind == "pie":
        pie = book.add_chart({"type": "pie"})
        _add_series(pie, "pie", out, (first, last), 1, chart.series[0], 0)
        pie.set_title({"name": chart.title})
        out.sheet.insert_chart(row, column, pie, {"x_scale": 1.3, "y_scale": 1.2})
        return 20
    panes: list[tuple[list[Series], ValueKind, float]] = [
        ([s for s in chart.series if s.pane == 0], chart.y_kind, 1.4),
        ([s for s in chart.series if s.pane > 0], chart.lower_kind, 0.8),
    ]
    taken = 0
    for pane, (members, kind, height) in enumerate(panes):
        if not members:
            continue
        # An Excel chart has one plot area: the lower pane (RSI, drawdown) is a second chart under the first.
        native_type = "column" if chart.kind == "bar" else "line" if pane == 0 else _chart_type(members[0])
        native = book.add_chart({"type": native_type})
        for series in members:
            index = chart.series.index(series)
            _add_series(native, native_type, out, (first, last), index + 1, series, index)
        native.set_title({"name": chart.title if pane == 0 else ", ".join(s.name for s in members)})
        native.set_y_axis({"num_format": _axis_format(kind), "major_gridlines": {"visible": True}})
        if time:
            native.set_x_axis({"date_axis": True, "num_format": "yyyy-mm-dd", "num_font": {"rotation": -45}})
        native.set_legend({"position": "bottom"} if len(members) > 1 else {"none": True})
        native.show_blanks_as("gap")
        out.sheet.insert_chart(row + taken, column, native, {"x_scale": 1.6, "y_scale": height})
        taken += int(15 * height) + 1
    return taken + 1


def _section(book: Workbook, out: _Sheet, section: Section) -> None:
    out.title(section.title, "title")
    blocks: list[Table | None] = ([None] if section.figures else []) + list(section.tables)
    for block in blocks:
        out.title("Key figures" if block is None else block.title)
        if block is None:
            _figures(out, section.figures)
        else:
            _table(out, block)
        out.row += 1
    widths = [4] + [len(t.columns) for t in section.tables] + [len(c.series) + 1 for c in section.charts]
    right = max(widths) + 1  # charts sit to the right of every table
    anchor = 1
    for chart in section.charts:
        anchor += _chart(book, out, chart, (anchor, right))
    if section.paragraphs:
        out.title("Commentary")
        _text(out, section.paragraphs, 5)


def _text(out: _Sheet, paragraphs: list[str], last_column: int, line_chars: int = 90) -> None:
    """Paragraphs in cells merged across columns A..last_column, each row as tall as its wrapped lines."""
    for text in paragraphs:
        out.sheet.merge_range(out.row, 0, out.row, last_column, text, out.formats["wrap"])
        out.sheet.set_row(out.row, 15 * (1 + len(text) // line_chars))
        out.row += 1


def _summary(out: _Sheet, document: ReportDocument, sheets: list[tuple[str, str]]) -> None:
    out.title(document.title, "title")
    if document.subtitle:
        out.title(document.subtitle)
    out.row += 1
    facts: list[tuple[str, Any, ValueKind]] = [
        ("Report", document.report_type.title(), "text"),
        ("Report ID", document.report_id, "text"),
        ("Period start", document.period_start, "datetime"),
        ("Period end", document.period_end, "datetime"),
        ("Symbols", ", ".join(document.symbols), "text"),
        *((label, value, "text") for label, value in document.meta.items()),
        ("Generated (UTC)", document.generated_at, "datetime"),
    ]
    for label, value, kind in facts:
        out.cell(out.row, 0, label, style="label")
        out.cell(out.row, 1, value, kind)
        out.row += 1
    out.row += 1
    out.title("Sections")
    for name, title in sheets:
        out.sheet.write_url(out.row, 0, f"internal:'{name.replace(chr(39), chr(39) * 2)}'!A1", string=title)
        out.fit(0, title)
        out.row += 1
    out.row += 1
    # Sections of text only (an executive summary) are read here rather than on a sheet of their own.
    for section in document.sections:
        if not (section.figures or section.tables or section.charts):
            out.title(section.title)
            _text(out, section.paragraphs, 1)
            out.row += 1
    out.title("Disclaimer")
    _text(out, [document.disclaimer], 1)
    out.row += 1
    out.caption(f"Generated {format_datetime(document.generated_at)}. Times are UTC.")


def _fit_columns(out: _Sheet, minimum: int = 8) -> None:
    for column, width in out.widths.items():
        out.sheet.set_column(column, column, max(minimum, width + 2))


def render_xlsx(document: ReportDocument) -> bytes:
    """The report as an .xlsx workbook: Summary, then a sheet per section with figures, tables and charts."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    book.set_properties(
        {
            "title": document.title,
            "subject": f"{document.report_type.title()} report",
            "author": "Cryptomon",
            "comments": document.report_id,
        }
    )
    formats = _formats(book)
    taken: set[str] = set()
    summary = _Sheet(book.add_worksheet(sheet_name("Summary", taken)), "Summary", formats)
    outs = []
    for section in document.sections:
        if not (section.figures or section.tables or section.charts):
            continue
        name = sheet_name(section.title, taken)
        outs.append((_Sheet(book.add_worksheet(name), name, formats), section))
    _summary(summary, document, [(out.name, section.title) for out, section in outs])
    summary.widths[1] = min(summary.widths.get(1, 0), 80)
    _fit_columns(summary)
    for out, section in outs:
        _section(book, out, section)
        _fit_columns(out)
    book.close()
    return buffer.getvalue()
