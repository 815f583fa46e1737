"""Report exporters: a ReportDocument to the bytes of a PDF, XLSX, HTML, CSV or JSON file, with no I/O."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.reports.document import ReportDocument
from app.reports.exporters.html import render_html
from app.reports.exporters.pdf import render_pdf
from app.reports.exporters.tabular import render_csv, render_json
from app.reports.exporters.xlsx import render_xlsx


@dataclass(frozen=True)
class Exporter:
    """How to render one format, and how to serve it: `extension` has no dot ("pdf")."""

    render: Callable[[ReportDocument], bytes]
    content_type: str
    extension: str


EXPORTERS: dict[str, Exporter] = {
    "PDF": Exporter(render_pdf, "application/pdf", "pdf"),
    "XLSX": Exporter(
        render_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"
    ),
    "HTML": Exporter(render_html, "text/html; charset=utf-8", "html"),
    "CSV": Exporter(render_csv, "text/csv; charset=utf-8", "csv"),
    "JSON": Exporter(render_json, "application/json", "json"),
}

__all__ = ["EXPORTERS", "Exporter"]
