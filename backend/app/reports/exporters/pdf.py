"""The PDF export: an A4 ReportLab document with a title page, contents, sections and page footers."""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import matplotlib
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    Image,
    KeepTogether,
    LongTable,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as GridTable
from reportlab.platypus.tableofcontents import TableOfContents

from app.reports.document import Chart, Figure, Origin, ReportDocument, Section, Table
from app.reports.exporters.charts import WIDTH_IN, default_height, render_png
from app.reports.exporters.values import NUMERIC_KINDS, format_datetime, format_value, plain

FONT, BOLD, ITALIC = "DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique"
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN, TOP, BOTTOM = 18 * mm, 18 * mm, 24 * mm
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN
INK, MUTED, RULE, ZEBRA, HEAD = (
    colors.HexColor(c) for c in ("#222222", "#6b7280", "#d1d5db", "#f3f6f9", "#1f2d3d")
)
CELL_SIZE = 7.5

_TITLE = ParagraphStyle("title", fontName=BOLD, fontSize=24, leading=30, textColor=INK, spaceAfter=6)
_SUBTITLE = ParagraphStyle("subtitle", fontName=FONT, fontSize=13, leading=17, textColor=MUTED)
_H1 = ParagraphStyle(
    "h1", fontName=BOLD, fontSize=16, leading=20, textColor=INK, spaceBefore=4, spaceAfter=8, keepWithNext=1
)
_H2 = ParagraphStyle(
    "h2", fontName=BOLD, fontSize=10.5, leading=13, textColor=INK, spaceBefore=8, spaceAfter=4, keepWithNext=1
)
_TABLE_TITLE = ParagraphStyle("table-title", parent=_H2, keepWithNext=0)
_BODY = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13.5, textColor=INK, spaceAfter=6)
_LABEL = ParagraphStyle("label", fontName=FONT, fontSize=7.5, leading=9.5, textColor=MUTED)
_VALUE = ParagraphStyle("value", fontName=BOLD, fontSize=12.5, leading=16, textColor=INK)
_CAPTION = ParagraphStyle("caption", fontName=FONT, fontSize=6.5, leading=8.5, textColor=MUTED, spaceBefore=2)
_CELL = ParagraphStyle("cell", fontName=FONT, fontSize=CELL_SIZE, leading=9.5, textColor=INK)
_HEADER = ParagraphStyle("header", fontName=BOLD, fontSize=CELL_SIZE, leading=9.5, textColor=colors.white)
_HEADER_RIGHT = ParagraphStyle("header-right", parent=_HEADER, alignment=TA_RIGHT)
_TOC = [
    ParagraphStyle("toc0", fontName=FONT, fontSize=11, leading=18, textColor=INK),
    ParagraphStyle("toc1", fontName=FONT, fontSize=9.5, leading=14, leftIndent=12, textColor=INK),
]


@functools.cache
def _register_fonts() -> None:
    # DejaVu ships with matplotlib: embedded, it prints €, — and non-Latin text with no font fetched.
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    for name, file in ((FONT, "DejaVuSans"), (BOLD, "DejaVuSans-Bold"), (ITALIC, "DejaVuSans-Oblique")):
        pdfmetrics.registerFont(TTFont(name, str(folder / f"{file}.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=ITALIC, boldItalic=BOLD)


def markup(text: str) -> str:
    """User text made safe for ReportLab's paragraph markup (which reads & < > as XML)."""
    return escape(text).replace("\n", "<br/>")


def _caption(origin: Origin | None, note: str | None = None) -> Paragraph | None:
    parts = ([markup(note)] if note else []) + ([f"Source: {markup(origin.caption())}"] if origin else [])
    return Paragraph("<br/>".join(parts), _CAPTION) if parts else None


def _heading(text: str, style: ParagraphStyle, level: int, key: str) -> Paragraph:
    paragraph = Paragraph(markup(text), style)
    paragraph.toc_entry = (level, text, key)  # read by _Doc.afterFlowable
    return paragraph


def _fitted(text: str, width: float) -> ParagraphStyle:
    """The value style, smaller when needed so a long number or time stays on one line."""
    size = _VALUE.fontSize
    while size > 7 and pdfmetrics.stringWidth(text, BOLD, size) > width:
        size -= 0.5
    return ParagraphStyle("value-fitted", parent=_VALUE, fontSize=size, leading=_VALUE.leading)


def _figures(figures: list[Figure], columns: int = 3) -> GridTable:
    width = FRAME_WIDTH / columns - 14  # the card's padding
    cells: list[Any] = []
    for figure in figures:
        value = format_value(figure.value, figure.kind)
        card: list[Any] = [
            Paragraph(markup(figure.label), _LABEL),
            Paragraph(markup(value), _fitted(value, width)),
        ]
        if (caption := _caption(figure.origin, figure.note)) is not None:
            card.append(caption)
        cells.append(card)
    rows = [cells[i : i + columns] for i in range(0, len(cells), columns)]
    rows[-1] += [""] * (columns - len(rows[-1]))
    style: list[tuple[Any, ...]] = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 6)]
    for index in range(len(cells)):
        cell = (index % columns, index // columns)
        style += [("BACKGROUND", cell, cell, ZEBRA), ("BOX", cell, cell, 3, colors.white)]
    return GridTable(rows, colWidths=[FRAME_WIDTH / columns] * columns, style=TableStyle(style))


def _column_widths(table: Table, texts: list[list[str]]) -> list[float]:
    """Natural widths when they fit; else text columns wrap, but never inside a word."""
    padding = 9.0
    natural, least = [], []
    for index, column in enumerate(table.columns):
        header = pdfmetrics.stringWidth(column.name, BOLD, CELL_SIZE)
        cells = [row[index] for row in texts]
        body = max((pdfmetrics.stringWidth(t, FONT, CELL_SIZE) for t in cells), default=0.0)
        natural.append(max(body, header) + padding)
        if column.kind == "text":
            words = (w for t in [*cells, column.name] for w in t.split())
            least.append(
                max((pdfmetrics.stringWidth(w, BOLD, CELL_SIZE) for w in words), default=0) + padding
            )
        else:
            least.append(natural[-1])
    spare = FRAME_WIDTH - sum(natural)
    if spare >= 0:
        # A short table stays compact, with a little air; it is not stretched to the full width.
        extra = min(spare, 12 * mm * len(natural)) / len(natural)
        return [w + extra for w in natural]
    slack = [n - m for n, m in zip(natural, least, strict=True)]
    room = FRAME_WIDTH - sum(least)
    if room <= 0 or not sum(slack):
        return [m * FRAME_WIDTH / sum(least) for m in least]
    return [m + room * s / sum(slack) for m, s in zip(least, slack, strict=True)]


def _table(table: Table) -> list[Flowable]:
    # Not kept with the table (a long table would then start on a new page): space for its first rows instead.
    flowables: list[Flowable] = [CondPageBreak(35 * mm), Paragraph(markup(table.title), _TABLE_TITLE)]
    if not table.rows:
        flowables.append(Paragraph("No rows.", _BODY))
    else:
        texts = [
            [format_value(v, c.kind) for v, c in zip(row, table.columns, strict=True)] for row in table.rows
        ]
        numeric = [i for i, column in enumerate(table.columns) if column.kind in NUMERIC_KINDS]
        header = [
            Paragraph(markup(c.name), _HEADER_RIGHT if i in numeric else _HEADER)
            for i, c in enumerate(table.columns)
        ]
        body = [
            [
                Paragraph(markup(t), _CELL) if c.kind == "text" and plain(v) is not None else t
                for t, v, c in zip(texts_row, row, table.columns, strict=True)
            ]
            for texts_row, row in zip(texts, table.rows, strict=True)
        ]
        style: list[tuple[Any, ...]] = [
            ("FONT", (0, 1), (-1, -1), FONT, CELL_SIZE),
            ("TEXTCOLOR", (0, 1), (-1, -1), INK),
            ("BACKGROUND", (0, 0), (-1, 0), HEAD),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, ZEBRA]),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LINEBELOW", (0, -1), (-1, -1), 0.5, RULE),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ] + [("ALIGN", (i, 1), (i, -1), "RIGHT") for i in numeric]
        widths = _column_widths(table, texts)
        grid = LongTable(
            [header, *body], colWidths=widths, repeatRows=1, style=TableStyle(style), hAlign="LEFT"
        )
        flowables.append(grid)
    if (caption := _caption(table.origin, table.note)) is not None:
        flowables.append(caption)
    return flowables


def _chart(chart: Chart) -> Flowable:
    height = FRAME_WIDTH * default_height(chart) / WIDTH_IN
    image = Image(io.BytesIO(render_png(chart, title=False)), width=FRAME_WIDTH, height=height)
    parts: list[Flowable] = [Paragraph(markup(chart.title), _H2), image]
    if (caption := _caption(chart.origin)) is not None:
        parts.append(caption)
    return KeepTogether(parts)


def _section(number: int, section: Section) -> list[Flowable]:
    flowables: list[Flowable] = [
        CondPageBreak(70 * mm),
        _heading(f"{number}. {section.title}", _H1, 0, f"section-{number}"),
    ]
    flowables += [Paragraph(markup(text), _BODY) for text in section.paragraphs]
    if section.figures:
        flowables += [_figures(section.figures), Spacer(1, 4 * mm)]
    flowables += [_chart(chart) for chart in section.charts]
    for table in section.tables:
        flowables += [*_table(table), Spacer(1, 4 * mm)]
    return flowables


def _title_page(document: ReportDocument) -> list[Flowable]:
    facts = [
        ("Report", document.report_type.title()),
        ("Report ID", document.report_id),
        ("Period", f"{format_datetime(document.period_start)} to {format_datetime(document.period_end)}"),
        ("Symbols", ", ".join(document.symbols) or "—"),
        *document.meta.items(),
        ("Generated", format_datetime(document.generated_at)),
    ]
    rows = [[Paragraph(markup(k), _LABEL), Paragraph(markup(v), _BODY)] for k, v in facts]
    grid = GridTable(rows, colWidths=[35 * mm, FRAME_WIDTH - 35 * mm], hAlign="LEFT")
    grid.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE)])
    )
    flowables: list[Flowable] = [Spacer(1, 45 * mm), Paragraph(markup(document.title), _TITLE)]
    if document.subtitle:
        flowables.append(Paragraph(markup(document.subtitle), _SUBTITLE))
    return [*flowables, Spacer(1, 14 * mm), grid, PageBreak()]


def _short(text: str, width: float, font: str, size: float) -> str:
    """The first sentence of `text`, cut at a word to fit `width`."""
    first = text.split(". ")[0].rstrip(".") + "."
    if pdfmetrics.stringWidth(first, font, size) <= width:
        return first
    words = first.split()
    while words and pdfmetrics.stringWidth(" ".join(words) + " …", font, size) > width:
        words.pop()
    return " ".join(words) + " …"


def _footer(document: ReportDocument) -> Callable[[Any, int, int], None]:
    left = f"Report {document.report_id} · Generated {format_datetime(document.generated_at)}"
    notice = _short(document.disclaimer, FRAME_WIDTH, FONT, 6.5) if document.disclaimer else ""

    def draw(canvas: Any, page: int, pages: int) -> None:
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, 17 * mm, PAGE_WIDTH - MARGIN, 17 * mm)
        canvas.setFillColor(MUTED)
        canvas.setFont(FONT, 7)
        canvas.drawString(MARGIN, 13 * mm, left)
        canvas.drawRightString(PAGE_WIDTH - MARGIN, 13 * mm, f"Page {page} of {pages}")
        canvas.setFont(FONT, 6.5)
        canvas.drawString(MARGIN, 9.5 * mm, notice)
        canvas.restoreState()

    return draw


def _numbered_canvas(footer: Callable[[Any, int, int], None]) -> type[Canvas]:
    """A canvas that holds its pages until the end, so each footer can say "Page N of M"."""

    class NumberedCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                footer(self, number, len(self._pages))
                super().showPage()
            super().save()

    return NumberedCanvas


class _Doc(BaseDocTemplate):  # type: ignore[misc]
    def afterFlowable(self, flowable: Flowable) -> None:
        entry = getattr(flowable, "toc_entry", None)
        if entry is not None:
            level, text, key = entry
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(text, key, level=level)
            self.notify("TOCEntry", (level, markup(text), self.page, key))


def render_pdf(document: ReportDocument) -> bytes:
    """The report as an A4 PDF: title page, contents, sections, the full disclaimer; "Page N of M" footers."""
    _register_fonts()
    buffer = io.BytesIO()
    doc = _Doc(
        buffer,
        pagesize=A4,
        title=document.title,
        author="Cryptomon",
        subject=f"{document.report_type.title()} report {document.report_id}",
        creator="Cryptomon reports",
    )
    frame = Frame(MARGIN, BOTTOM, FRAME_WIDTH, PAGE_HEIGHT - TOP - BOTTOM, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    contents = TableOfContents(levelStyles=_TOC, dotsMinLevel=0)
    story: list[Flowable] = [*_title_page(document), Paragraph("Contents", _H1), contents, PageBreak()]
    for number, section in enumerate(document.sections, start=1):
        story += _section(number, section)
    story += [
        CondPageBreak(40 * mm),
        _heading("Disclaimer", _H1, 0, "disclaimer"),
        Paragraph(markup(document.disclaimer), _BODY),
        Paragraph(f"Generated {format_datetime(document.generated_at)}.", _CAPTION),
    ]
    doc.multiBuild(story, canvasmaker=_numbered_canvas(_footer(document)))
    return buffer.getvalue()
