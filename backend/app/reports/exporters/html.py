"""The HTML export: one self-contained page (inline CSS, plotly.js inlined once) from the Jinja2 templates."""

from __future__ import annotations

import functools
import html
from dataclasses import dataclass
from typing import Any

import plotly.io as pio
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup
from plotly.offline import get_plotlyjs

from app.core.chart_theme import DOWN, GRID, PALETTE, TEXT, UP
from app.reports.document import Chart, Origin, ReportDocument, Section, Series, ValueKind
from app.reports.exporters.charts import has_data
from app.reports.exporters.values import (
    FRACTION_KINDS,
    NUMERIC_KINDS,
    format_datetime,
    format_value,
    iso_z,
    plain,
    utc,
)

TEMPLATES = {
    kind: f"{kind.lower()}.html.j2"
    for kind in ("DAILY", "WEEKLY", "MONTHLY", "COMPREHENSIVE", "PORTFOLIO", "BACKTEST")
}
_CONFIG = {"displaylogo": False, "responsive": True}
_FONT = "system-ui, -apple-system, Segoe UI, Roboto, DejaVu Sans, sans-serif"


@dataclass(frozen=True)
class _Figure:
    label: str
    value: str
    missing: bool
    note: str | None
    source: str | None


@dataclass(frozen=True)
class _Table:
    title: str
    columns: list[tuple[str, bool]]  # name, numeric
    rows: list[list[tuple[str, bool]]]  # text, numeric
    note: str | None
    source: str | None


@dataclass(frozen=True)
class _Chart:
    title: str
    html: Markup
    source: str | None


@dataclass(frozen=True)
class _Section:
    anchor: str
    number: int
    title: str
    paragraphs: list[str]
    figures: list[_Figure]
    tables: list[_Table]
    charts: list[_Chart]


@functools.cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("app.reports", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@functools.cache
def _plotly_js() -> Markup:
    # Read once per process (4.8 MB); it has no "</script" in it, so it can sit inside a <script> element.
    return Markup(get_plotlyjs())


def _source(origin: Origin | None) -> str | None:
    return f"Source: {origin.caption()}" if origin else None


def _label(text: str) -> str:
    """Text for plotly.js, which reads a few HTML tags (<a href>, <b>) in titles and names: shown as typed."""
    return html.escape(text, quote=False)


def _tickformat(kind: ValueKind) -> str:
    return ",.1%" if kind in FRACTION_KINDS else ",d" if kind == "integer" else ","


def _hoverformat(kind: ValueKind) -> str:
    return ",.2%" if kind in FRACTION_KINDS else ",d" if kind == "integer" else ",.6~f"


def _numbers(values: list[Any]) -> list[float | None]:
    return [None if (v := plain(value)) is None else float(v) for value in values]


def _trace(series: Series, x: list[Any], colour: str, lower: bool) -> dict[str, Any]:
    values = _numbers(series.values)
    axes = {"xaxis": "x2", "yaxis": "y2"} if lower else {"xaxis": "x", "yaxis": "y"}
    name = _label(series.name)
    if series.style == "bar":
        return {"type": "bar", "name": name, "x": x, "y": values, "marker": {"color": colour}, **axes}
    trace = {
        "type": "scatter",
        "mode": "lines",
        "name": name,
        "x": x,
        "y": values,
        "connectgaps": False,
        "line": {"color": colour, "width": 1.5},
        **axes,
    }
    if series.style == "area" and min((v for v in values if v is not None), default=0.0) <= 0:
        trace |= {"fill": "tozeroy", "fillcolor": colour + "38"}  # fill to zero: a drawdown
    return trace


def _time_figure(chart: Chart) -> dict[str, Any]:
    x = [f"{utc(t):%Y-%m-%d %H:%M:%S}" for t in chart.x]  # plotly.js shows times as given: UTC
    lower = [s for s in chart.series if s.pane > 0]
    traces = []
    for index, series in enumerate(chart.series):
        values = _numbers(series.values)
        below = series.style == "area" and all(v is None or v <= 0 for v in values)
        traces.append(_trace(series, x, DOWN if below else PALETTE[index % 8], series.pane > 0))
    time_axis = {"type": "date", "gridcolor": GRID, "title": {"text": "Time (UTC)"}}
    layout: dict[str, Any] = {
        "xaxis": time_axis | ({"showticklabels": False, "title": None, "anchor": "y"} if lower else {}),
        "yaxis": {
            "domain": [0.3, 1.0] if lower else [0.0, 1.0],
            "tickformat": _tickformat(chart.y_kind),
            "hoverformat": _hoverformat(chart.y_kind),
            "gridcolor": GRID,
        },
        "height": 540 if lower else 400,
        "hovermode": "x unified",
    }
    if lower:
        layout["xaxis2"] = time_axis | {"anchor": "y2", "matches": "x"}
        layout["yaxis2"] = {
            "domain": [0.0, 0.22],
            "tickformat": _tickformat(chart.lower_kind),
            "hoverformat": _hoverformat(chart.lower_kind),
            "gridcolor": GRID,
            "title": {"text": _label(", ".join(s.name for s in lower))},
        }
        if all(s.name.upper().startswith("RSI") for s in lower):
            layout["yaxis2"]["range"] = [0, 100]
            layout["shapes"] = [
                {
                    "type": "line",
                    "xref": "x2 domain",
                    "x0": 0,
                    "x1": 1,
                    "yref": "y2",
                    "y0": level,
                    "y1": level,
                    "line": {"color": colour, "width": 1, "dash": "dash"},
                }
                for level, colour in ((70, DOWN), (30, UP))
            ]
    return {"data": traces, "layout": layout}


def _category_figure(chart: Chart) -> dict[str, Any]:
    labels = [_label(str(x)) for x in chart.x]
    if chart.kind == "pie":
        pie = {
            "type": "pie",
            "labels": labels,
            "values": _numbers(chart.series[0].values),
            "hole": 0.45,
            "sort": False,
            "direction": "clockwise",
            "marker": {"colors": list(PALETTE)},
            "textinfo": "percent",
        }
        return {"data": [pie], "layout": {"height": 380}}
    traces = []
    for index, series in enumerate(chart.series):
        values = _numbers(series.values)
        colour: str | list[str] = PALETTE[index % 8]
        if len(chart.series) == 1 and any(v is not None and v < 0 for v in values):
            colour = [DOWN if v is not None and v < 0 else UP for v in values]
        texts = [format_value(v, chart.y_kind) for v in values]
        traces.append(
            {
                "type": "bar",
                "name": _label(series.name),
                "x": labels,
                "y": values,
                "text": texts,
                "textposition": "outside",
                "marker": {"color": colour},
            }
        )
    layout = {
        "height": 380,
        "showlegend": len(traces) > 1,
        "yaxis": {"tickformat": _tickformat(chart.y_kind), "gridcolor": GRID, "zerolinecolor": "#9e9e9e"},
    }
    return {"data": traces, "layout": layout}


def plotly_figure(chart: Chart) -> dict[str, Any]:
    """A plotly figure (as a dict) for `chart`: time series with an optional lower pane, pie or bar.

    It has no title: the page shows the chart's title as the caption of its figure.
    """
    figure = _time_figure(chart) if chart.kind == "time" else _category_figure(chart)
    figure["layout"] |= {
        "font": {"family": _FONT, "color": TEXT, "size": 12},
        "colorway": list(PALETTE),
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "margin": {"l": 64, "r": 24, "t": 36, "b": 48},
        "legend": {"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom"},
    }
    return figure


def _chart_html(chart: Chart, div_id: str) -> Markup:
    if not has_data(chart):
        return Markup('<p class="empty">No data.</p>')
    # validate=False: the dict is built above; plotly's JSON escapes < > / so names cannot close the script.
    page = pio.to_html(
        plotly_figure(chart),
        config=_CONFIG,
        full_html=False,
        include_plotlyjs=False,
        div_id=div_id,
        validate=False,
    )
    return Markup(page)


def _section(number: int, section: Section, chart_ids: list[int]) -> _Section:
    figures = [
        _Figure(f.label, format_value(f.value, f.kind), plain(f.value) is None, f.note, _source(f.origin))
        for f in section.figures
    ]
    tables = []
    for table in section.tables:
        numeric = [c.kind in NUMERIC_KINDS for c in table.columns]
        rows = [
            [(format_value(v, c.kind), n) for v, c, n in zip(row, table.columns, numeric, strict=True)]
            for row in table.rows
        ]
        columns = [(c.name, n) for c, n in zip(table.columns, numeric, strict=True)]
        tables.append(_Table(table.title, columns, rows, table.note, _source(table.origin)))
    charts = []
    for chart in section.charts:
        chart_ids.append(len(chart_ids) + 1)
        charts.append(
            _Chart(chart.title, _chart_html(chart, f"chart-{chart_ids[-1]}"), _source(chart.origin))
        )
    return _Section(f"section-{number}", number, section.title, section.paragraphs, figures, tables, charts)


def template_name(report_type: str) -> str:
    """The template of a report type; an unknown type gets the comprehensive layout."""
    return TEMPLATES.get(report_type.upper(), TEMPLATES["COMPREHENSIVE"])


def render_html(document: ReportDocument) -> bytes:
    """The report as one self-contained HTML page (UTF-8): nothing is loaded from outside the file."""
    chart_ids: list[int] = []
    sections = [_section(n, s, chart_ids) for n, s in enumerate(document.sections, start=1)]
    plotted = any(has_data(c) for s in document.sections for c in s.charts)
    page = (
        _environment()
        .get_template(template_name(document.report_type))
        .render(
            title=document.title,
            subtitle=document.subtitle,
            report_type=document.report_type.title(),
            report_id=document.report_id,
            period=f"{format_datetime(document.period_start)} to {format_datetime(document.period_end)}",
            symbols=", ".join(document.symbols) or "—",
            meta=list(document.meta.items()),
            generated=format_datetime(document.generated_at),
            generated_iso=iso_z(document.generated_at),
            sections=sections,
            disclaimer=document.disclaimer,
            plotly_js=_plotly_js() if plotted else None,
        )
    )
    return page.encode("utf-8")
