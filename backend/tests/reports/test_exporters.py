"""The exporters: each format of the sample report, read back with an independent reader (pdftoppm, pypdf,
openpyxl, html.parser, csv, orjson)."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import subprocess
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import openpyxl
import orjson
import pytest
from PIL import Image
from pypdf import PdfReader

from app.reports.document import Chart, Column, Figure, Origin, ReportDocument, Section, Series, Table
from app.reports.exporters import EXPORTERS
from app.reports.exporters.charts import render_png
from app.reports.exporters.html import render_html
from app.reports.exporters.pdf import render_pdf
from app.reports.exporters.tabular import CSV_COLUMNS, render_csv, render_json
from app.reports.exporters.xlsx import render_xlsx
from tests.reports.sample_document import (
    BTC_PRICE,
    DISCLAIMER,
    INJECTION,
    SMALL_PRICE,
    SPECIAL,
    build_sample_document,
)

SECTION_SHEETS = [
    "Market overview",
    "Technical analysis",
    "Sentiment & news",
    "Portfolio",
    "Backtest SMA crossover",
]


def squash(text: str) -> str:
    return " ".join(text.split())


def tiny_document(sections: list[Section], report_type: str = "DAILY") -> ReportDocument:
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    return ReportDocument(
        "rpt_tiny", "Tiny", report_type, moment, moment, moment, ["BTC-USD"], sections, "Not advice."
    )


@pytest.fixture(scope="module")
def document() -> ReportDocument:
    return build_sample_document()


@pytest.fixture(scope="module")
def pdf(document: ReportDocument) -> bytes:
    return render_pdf(document)


@pytest.fixture(scope="module")
def pages(pdf: bytes) -> list[str]:
    return [squash(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture(scope="module")
def xlsx(document: ReportDocument) -> bytes:
    return render_xlsx(document)


@pytest.fixture(scope="module")
def workbook(xlsx: bytes) -> Any:
    return openpyxl.load_workbook(io.BytesIO(xlsx))


@pytest.fixture(scope="module")
def page(document: ReportDocument) -> str:
    return render_html(document).decode("utf-8")


# --- PDF --------------------------------------------------------------------------------------------------


def test_every_pdf_page_renders_to_a_non_blank_image(pdf: bytes, pages: list[str], tmp_path: Path) -> None:
    (tmp_path / "report.pdf").write_bytes(pdf)
    subprocess.run(["/usr/bin/pdftoppm", "-r", "40", "-png", "report.pdf", "page"], cwd=tmp_path, check=True)
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == len(pages) >= 8  # the 120-row table alone takes three pages
    for path in images:
        with Image.open(path) as image:
            grey = image.convert("L")
            dark = sum(grey.histogram()[:200])
            assert dark > 0.002 * grey.width * grey.height, f"{path.name} is blank"


def test_pdf_title_page(pages: list[str]) -> None:
    title = pages[0]
    for text in (
        "Comprehensive report: BTC-USD & ETH-USD",
        'Prepared for "Research desk" — € reporting',
        "Report ID rpt_01HZX3K9QF",
        "Period 2025-08-14 00:00 UTC to 2026-03-01 00:00 UTC",
        "Symbols BTC-USD, ETH-USD",
        "Prepared for Research desk <internal>",
        "Generated 2026-03-01 06:30 UTC",
    ):
        assert text in title


def test_pdf_contents_list_each_section_on_its_page(document: ReportDocument, pages: list[str]) -> None:
    contents = pages[1]
    assert contents.startswith("Contents")
    # pypdf reads an entry's dot leader and page number before its title.
    entries = {
        title: int(number)
        for number, title in re.findall(r"\.\s(\d+) (\d\. [^.]+?|Disclaimer)(?= \.| Report)", contents)
    }
    expected = [f"{n}. {s.title}" for n, s in enumerate(document.sections, start=1)] + ["Disclaimer"]
    assert list(entries) == expected
    for title, number in entries.items():
        assert title in pages[number - 1], f"{title} is not on page {number}"


def test_every_pdf_page_has_the_footer(pages: list[str]) -> None:
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
        assert "Report rpt_01HZX3K9QF · Generated 2026-03-01 06:30 UTC" in text
        assert "This report is for information only and is not financial advice." in text


def test_a_long_pdf_table_repeats_its_header_on_each_page(pages: list[str]) -> None:
    first = next(i for i, text in enumerate(pages) if "TKN001-USD" in text)
    last = next(i for i, text in enumerate(pages) if "TKN120-USD" in text)
    assert last > first
    for text in pages[first + 1 : last + 1]:
        assert re.search(r"Symbol Quantity Price Value Weight Opened Note TKN\d{3}-USD", text), text[:200]


def test_pdf_sources_missing_values_disclaimer_and_special_characters(pages: list[str]) -> None:
    text = " ".join(pages)
    assert "BTC-USD price 67,432.15 Source: CoinGecko, as of 2026-03-01 06:00 UTC (live)" in text
    assert "PEPE-USD price 0.00001235" in text  # a small price keeps its digits
    assert "Social volume — Provider rate-limited; retried next run" in text
    assert "Source: sentiment analysis, as of 2026-03-01 05:45 UTC (snapshot)" in text
    assert squash(SPECIAL) in text
    assert INJECTION in text  # shown as typed: not read as markup
    assert squash(DISCLAIMER) in pages[-1]


# --- XLSX -------------------------------------------------------------------------------------------------


def rows_by_label(sheet: Any) -> dict[str, tuple[Any, ...]]:
    """Each row by its column A text; the first wins (the figure "Trades" before the table "Trades")."""
    rows: dict[str, tuple[Any, ...]] = {}
    for row in sheet.iter_rows():
        if isinstance(row[0].value, str):
            rows.setdefault(row[0].value, row)
    return rows


def test_xlsx_sheets(workbook: Any) -> None:
    assert workbook.sheetnames == ["Summary", *SECTION_SHEETS]
    summary = rows_by_label(workbook["Summary"])
    assert summary["Generated (UTC)"][1].value == datetime(2026, 3, 1, 6, 30)
    assert summary["Disclaimer"] is not None
    assert any(row[0].value == DISCLAIMER for row in workbook["Summary"].iter_rows())
    assert summary[INJECTION][0].value == INJECTION  # a text-only section is read on the Summary sheet


def test_xlsx_cells_are_typed(workbook: Any) -> None:
    market = rows_by_label(workbook["Market overview"])
    price = market["BTC-USD price"]
    assert price[1].value == float(BTC_PRICE) and price[1].number_format == "#,##0.00"
    assert price[2].value == "CoinGecko (live)"
    assert price[3].value == datetime(2026, 3, 1, 6, 0) and price[3].is_date
    change = market["BTC-USD 24h change"][1]
    assert change.value == pytest.approx(0.0234) and change.number_format == "0.00%"
    assert market["PEPE-USD price"][1].value == pytest.approx(float(SMALL_PRICE))
    trades = rows_by_label(workbook["Backtest SMA crossover"])["Trades"][1]
    assert trades.value == 20 and trades.number_format == "#,##0"
    positions = rows_by_label(workbook["Portfolio"])
    tkn = positions["TKN003-USD"]
    assert isinstance(tkn[5].value, datetime) and tkn[5].number_format == "yyyy-mm-dd hh:mm"
    assert tkn[6].value == INJECTION and isinstance(tkn[6].value, str)
    assert [cell.value for cell in positions["Symbol"]] == [
        "Symbol", "Quantity", "Price", "Value", "Weight", "Opened", "Note",
    ]  # fmt: skip
    assert positions["Symbol"][0].font.b


def test_xlsx_freezes_the_first_header_and_has_native_charts(workbook: Any, xlsx: bytes) -> None:
    for name in SECTION_SHEETS:
        assert workbook[name].freeze_panes == "A4"
    assert [len(workbook[name]._charts) for name in SECTION_SHEETS] == [0, 2, 1, 1, 2]
    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        charts = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/charts/chart")]
    kinds = sorted(re.search(r"<c:(\w+Chart)>", xml).group(1) for xml in charts)  # type: ignore[union-attr]
    assert kinds == ["areaChart", "barChart", "lineChart", "lineChart", "lineChart", "pieChart"]
    assert any('<c:barDir val="col"/>' in xml for xml in charts)


def test_xlsx_sheet_names_are_valid_and_unique() -> None:
    figure = [Figure("x", 1)]
    titles = [
        "Risk [1/2]: *what?*",
        "Risk [1/2]: *what?*",
        "A title much longer than thirty-one characters",
        "Summary",
    ]
    book = openpyxl.load_workbook(
        io.BytesIO(render_xlsx(tiny_document([Section("k", t, figures=figure) for t in titles])))
    )
    assert book.sheetnames == [
        "Summary",
        "Risk 1 2 what",
        "Risk 1 2 what (2)",
        "A title much longer than thirty",
        "Summary (2)",
    ]


# --- HTML -------------------------------------------------------------------------------------------------


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.text: list[str] = []
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._open = tag if tag in ("script", "style") else None
        if tag == "script":
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        self._open = None

    def handle_data(self, data: str) -> None:
        if self._open == "script":
            self.scripts[-1] += data
        elif self._open == "style":
            self.styles.append(data)
        else:
            self.text.append(data)


@pytest.fixture(scope="module")
def parsed(page: str) -> Page:
    parser = Page()
    parser.feed(page)
    return parser


def test_html_loads_nothing_from_outside(parsed: Page) -> None:
    for tag, attrs in parsed.tags:
        assert tag not in ("link", "img", "iframe", "object", "embed")
        for name in ("src", "href", "action", "data", "poster", "srcset"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value.startswith(("http:", "https:", "//")), (tag, name, value)
        assert "url(" not in (attrs.get("style") or "")
    css = "".join(parsed.styles)
    assert "@import" not in css and "url(" not in css and "@font-face" not in css


def test_html_inlines_plotly_once_with_a_plot_per_chart(parsed: Page, document: ReportDocument) -> None:
    assert sum("plotly.js v" in script for script in parsed.scripts[:1]) == 1
    assert sum("plotly.js v" in script for script in parsed.scripts) == 1
    charts = sum(len(s.charts) for s in document.sections)
    plots = [a for t, a in parsed.tags if t == "div" and "plotly-graph-div" in (a.get("class") or "")]
    assert len(plots) == charts == 4
    assert len(parsed.scripts) == 1 + charts  # plotly.js, then one Plotly.newPlot per chart: nothing injected


def test_html_escapes_text_and_shows_sources(parsed: Page, page: str) -> None:
    text = squash(" ".join(parsed.text))
    assert INJECTION in text and squash(SPECIAL) in text
    assert not any(tag == "b" for tag, _ in parsed.tags)
    assert not any("alert(1)" in script for script in parsed.scripts)
    assert "Source: CoinGecko, as of 2026-03-01 06:00 UTC (live)" in text
    assert "Provider rate-limited; retried next run" in text
    assert squash(DISCLAIMER) in text and "Generated 2026-03-01 06:30 UTC" in text
    assert page.count("<table>") == 3


@pytest.mark.parametrize(
    "report_type", ["DAILY", "WEEKLY", "MONTHLY", "COMPREHENSIVE", "PORTFOLIO", "BACKTEST"]
)
def test_html_template_follows_the_report_type(report_type: str) -> None:
    page = render_html(tiny_document([Section("summary", "Summary", ["Text."])], report_type)).decode()
    assert f'<body data-template="{report_type.lower()}">' in page
    assert f'<p class="kind">{report_type.title()} report</p>' in page
    assert "<script" not in page  # no chart, no plotly.js


# --- CSV and JSON -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def csv_rows(document: ReportDocument) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(render_csv(document).decode("utf-8"), newline=""))
    assert tuple(reader.fieldnames or ()) == CSV_COLUMNS
    return list(reader)


def test_csv_keeps_decimals_exactly_and_sources(csv_rows: list[dict[str, str]]) -> None:
    cells = {(r["section"], r["table"], r["row"], r["column"]): r for r in csv_rows}
    price = cells["market", "figures", "0", "BTC-USD price"]
    assert Decimal(price["value"]) == BTC_PRICE and price["kind"] == "money"
    assert (price["source"], price["as_of"], price["mode"]) == ("CoinGecko", "2026-03-01T06:00:00Z", "live")
    assert Decimal(cells["portfolio", "Positions", "6", "Price"]["value"]) == SMALL_PRICE
    assert cells["portfolio", "Positions", "2", "Note"]["value"] == INJECTION
    assert cells["technical", "BTC-USD price, SMA(20) and Bollinger bands", "0", "SMA(20)"]["value"] == ""
    assert cells["backtest", "Trades", "0", "Opened"]["value"] == "2025-08-14T00:00:00Z"
    unsourced = {r["table"] for r in csv_rows if not r["source"]}
    assert unsourced == {"Allocation"}  # the one chart without an origin
    assert all(r["as_of"].endswith("Z") for r in csv_rows if r["source"])


def test_csv_defuses_formulas_but_not_negative_numbers() -> None:
    table = Table("T", [Column("Text"), Column("Money", "money")], [["=HYPERLINK(1)", Decimal("-0.50")]])
    rows = list(
        csv.DictReader(io.StringIO(render_csv(tiny_document([Section("k", "K", tables=[table])])).decode()))
    )
    assert [r["value"] for r in rows] == ["'=HYPERLINK(1)", "-0.50"]


def test_json_is_camel_case_with_decimals_as_strings(document: ReportDocument) -> None:
    data = orjson.loads(render_json(document))
    assert set(data) == {
        "reportId", "title", "reportType", "generatedAt", "periodStart", "periodEnd", "symbols", "sections",
        "disclaimer", "subtitle", "meta",
    }  # fmt: skip
    assert data["generatedAt"] == "2026-03-01T06:30:00Z"
    assert data["meta"] == {"Prepared for": "Research desk <internal>", "Base currency": "USD"}
    price = data["sections"][1]["figures"][0]
    assert price["value"] == "67432.15" and Decimal(price["value"]) == BTC_PRICE
    assert price["origin"] == {"source": "CoinGecko", "asOf": "2026-03-01T06:00:00Z", "mode": "live"}
    chart = data["sections"][2]["charts"][0]
    assert {"yKind", "lowerKind"} <= set(chart) and chart["series"][4]["pane"] == 1
    assert chart["x"][0] == "2025-08-14T00:00:00Z"


def test_json_writes_nan_and_infinity_as_null() -> None:
    chart = Chart("c", "bar", ["a", "b", "c"], [Series("s", [1.5, float("nan"), float("inf")])])
    data = orjson.loads(render_json(tiny_document([Section("k", "K", charts=[chart])])))
    assert data["sections"][0]["charts"][0]["series"][0]["values"] == [1.5, None, None]


# --- Charts and the registry ------------------------------------------------------------------------------


def test_chart_pngs_have_their_size_and_render_from_threads(document: ReportDocument) -> None:
    charts = [chart for section in document.sections for chart in section.charts]
    bar = next(chart for chart in charts if chart.kind == "bar")
    with ThreadPoolExecutor(max_workers=4) as pool:
        images = list(pool.map(lambda c: render_png(c, width_in=5.0, height_in=3.0, dpi=100), [*charts, bar]))
    assert images[-1] == images[charts.index(bar)]  # the same bytes, whichever thread drew them
    for png in images:
        with Image.open(io.BytesIO(png)) as image:
            assert image.size == (500, 300) and image.mode == "RGB"
    empty = Chart("Nothing yet", "time", [], [Series("s", [])])
    with Image.open(io.BytesIO(render_png(empty, dpi=50))) as image:
        assert image.size == (350, 160)


def every_kind() -> Iterator[Section]:
    origin = Origin("test", None)
    yield Section("a", "Empty")
    yield Section(
        "b", "Only a missing figure", figures=[Figure("n/a", None, "money", origin, "not reported")]
    )
    yield Section(
        "c",
        "An empty table and chart",
        tables=[Table("t", [Column("c")], [])],
        charts=[Chart("p", "pie", [], [Series("w", [])])],
    )


def test_every_exporter_renders_an_edge_case_document() -> None:
    assert set(EXPORTERS) == {"PDF", "XLSX", "HTML", "CSV", "JSON"}
    assert (
        EXPORTERS["XLSX"].content_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert EXPORTERS["HTML"].content_type == "text/html; charset=utf-8"
    document = dataclasses.replace(tiny_document(list(every_kind())), meta={"A & B": "<x>"})
    for name, exporter in EXPORTERS.items():
        data = exporter.render(document)
        assert data, name
        assert exporter.extension == name.lower()
    assert render_pdf(document).startswith(b"%PDF-")
