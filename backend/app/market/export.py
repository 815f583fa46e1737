"""Candles as downloadable files: CSV, JSON, XLSX and Parquet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from typing import Any, Literal

ExportFormat = Literal["csv", "json", "xlsx", "parquet"]
COLUMNS = ("timestamp", "open", "high", "low", "close", "volume")
MEDIA_TYPES: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
}


def filename(symbol: str, interval: str, first: str, last: str, fmt: str) -> str:
    """`BTC-USD_1h_20250101T0000Z_20251231T2300Z.csv`: what, how fine, and which span."""

    def compact(iso: str) -> str:
        return iso.replace("-", "").replace(":", "")[:13] + "Z"

    return f"{symbol}_{interval}_{compact(first)}_{compact(last)}.{fmt}"


def csv_chunks(pages: Iterator[Sequence[dict[str, Any]]]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for page in pages:
        writer.writerows([row[c] for c in COLUMNS] for row in page)
        yield buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()
    tail = buffer.getvalue()
    if tail:
        yield tail.encode()


def json_chunks(pages: Iterator[Sequence[dict[str, Any]]], meta: dict[str, Any]) -> Iterator[bytes]:
    import orjson

    head = orjson.dumps(meta)[:-1]  # the metadata object, left open for "data"
    yield head + b',"data":['
    first = True
    for page in pages:
        for row in page:
            yield (b"" if first else b",") + orjson.dumps(row)
            first = False
    yield b"]}"


def xlsx_bytes(rows: Sequence[dict[str, Any]], sheet: str) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
    worksheet = workbook.add_worksheet(sheet[:31])
    bold = workbook.add_format({"bold": True})
    worksheet.write_row(0, 0, COLUMNS, bold)
    for i, row in enumerate(rows, start=1):
        worksheet.write_string(i, 0, row["timestamp"])
        worksheet.write_row(i, 1, [row[c] for c in COLUMNS[1:]])
    worksheet.set_column(0, 0, 22)
    workbook.close()
    return buffer.getvalue()


def parquet_bytes(rows: Sequence[dict[str, Any]], meta: dict[str, str]) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "timestamp": pa.array([r["timestamp"] for r in rows], pa.string()).cast(
                pa.timestamp("s", tz="UTC")
            ),
            **{c: pa.array([r[c] for r in rows], pa.float64()) for c in COLUMNS[1:]},
        }
    ).replace_schema_metadata({k.encode(): v.encode() for k, v in meta.items()})
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd")
    return buffer.getvalue()
