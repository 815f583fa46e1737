"""Static report charts (time series with an optional lower pane, pie, bar) as PNG, drawn with Agg."""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from datetime import UTC

import matplotlib.dates as mdates
import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter
from numpy.typing import NDArray
from PIL import Image

from app.core.chart_theme import DOWN, FONT, GRID, PALETTE, TEXT, UP
from app.reports.document import Chart, Series, ValueKind
from app.reports.exporters.values import FRACTION_KINDS, format_value, plain, utc

WIDTH_IN = 7.0
DPI = 200  # crisp when the PDF shows the image at its natural 7 inches

Floats = NDArray[np.float64]


class _AxisFormatter(Formatter):
    """Tick labels by value kind, with as many decimals as the tick step needs (percent as %)."""

    def __init__(self, kind: ValueKind) -> None:
        self.kind = kind
        self.step = 1.0

    def set_locs(self, locs: list[float]) -> None:
        self.step = abs(locs[1] - locs[0]) if len(locs) > 1 else 1.0

    def __call__(self, x: float, pos: int | None = None) -> str:
        scale = 100.0 if self.kind in FRACTION_KINDS else 1.0
        step = self.step * scale
        decimals = min(8, max(0, -math.floor(math.log10(step)))) if step > 0 else 0
        return f"{x * scale:,.{decimals}f}" + ("%" if scale == 100.0 else "")


def default_height(chart: Chart) -> float:
    """The height in inches a chart is drawn at by default, for a 7-inch width."""
    if chart.kind == "time":
        return 4.4 if any(s.pane > 0 for s in chart.series) else 3.2
    return 3.0


def _floats(values: Sequence[object]) -> Floats:
    return np.array([np.nan if (v := plain(x)) is None else float(v) for x in values], dtype=np.float64)


def _style(ax: Axes, kind: ValueKind) -> None:
    ax.set_facecolor("white")
    ax.grid(True, color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    ax.tick_params(labelsize=7.5, colors=TEXT)
    ax.yaxis.set_major_formatter(_AxisFormatter(kind))
    for spine in ax.spines.values():
        spine.set_color("#bdbdbd")


def _legend(ax: Axes) -> None:
    if count := len(ax.get_legend_handles_labels()[0]):
        ax.legend(loc="upper left", framealpha=0.85, ncols=min(count, 4), prop={"family": FONT, "size": 7})


def _draw_series(ax: Axes, x: Floats, series: Series, values: Floats, colour: str, width: float) -> None:
    finite = np.isfinite(values)
    if series.style == "bar":
        ax.bar(x[finite], values[finite], width=width, color=colour, label=series.name, linewidth=0)
        return
    ax.plot(x, values, color=colour, linewidth=1.1, label=series.name)
    if series.style == "area" and finite.any():
        low, high = float(np.nanmin(values)), float(np.nanmax(values))
        # Fill to zero when zero is in (or above) the range, e.g. a drawdown; otherwise to the lowest value.
        base = 0.0 if low <= 0.0 else low
        ax.fill_between(x, values, base, where=finite, color=colour, alpha=0.22, linewidth=0)
        if high <= 0.0:
            ax.set_ylim(top=0.0)


def _time(figure: Figure, chart: Chart) -> None:
    # matplotlib.dates has no type stubs: hence the ignores on its calls.
    x = np.asarray(mdates.date2num([utc(t) for t in chart.x]), dtype=np.float64)  # type: ignore[no-untyped-call]
    steps = np.diff(x)
    width = float(np.median(steps[steps > 0])) * 0.8 if (steps > 0).any() else 0.8
    lower = [s for s in chart.series if s.pane > 0]
    grid = figure.add_gridspec(2 if lower else 1, 1, height_ratios=[3.0, 1.0] if lower else [1.0])
    main = figure.add_subplot(grid[0])
    axes = [main] + ([figure.add_subplot(grid[1], sharex=main)] if lower else [])
    for index, series in enumerate(chart.series):
        values = _floats(series.values)
        if len(values) != len(x):
            raise ValueError(f"{chart.title}/{series.name}: {len(values)} values for {len(x)} times")
        colour = (
            DOWN if series.style == "area" and np.nanmax(values, initial=-1.0) <= 0 else PALETTE[index % 8]
        )
        _draw_series(axes[min(series.pane, 1)], x, series, values, colour, width)
    _style(main, chart.y_kind)
    _legend(main)
    if lower:
        _style(axes[1], chart.lower_kind)
        # A label, not a legend: a legend would hide the start of a drawdown or an RSI line.
        axes[1].set_ylabel(", ".join(s.name for s in lower), fontsize=7.5, color=TEXT, fontfamily=FONT)
        if all(s.name.upper().startswith("RSI") for s in lower):
            axes[1].axhline(70.0, color=DOWN, linewidth=0.7, linestyle="--")
            axes[1].axhline(30.0, color=UP, linewidth=0.7, linestyle="--")
            axes[1].set_ylim(0.0, 100.0)
        main.tick_params(labelbottom=False)
    if len(x):
        main.set_xlim(x[0] - width, x[-1] + width)
    locator = mdates.AutoDateLocator(tz=UTC)  # type: ignore[no-untyped-call]
    axes[-1].xaxis.set_major_locator(locator)
    axes[-1].xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, tz=UTC))  # type: ignore[no-untyped-call]
    axes[-1].set_xlabel("Time (UTC)", fontsize=7.5, color=TEXT, fontfamily=FONT)


def _pie(figure: Figure, chart: Chart) -> None:
    values = _floats(chart.series[0].values)
    keep = [(str(label), v) for label, v in zip(chart.x, values, strict=True) if np.isfinite(v) and v > 0]
    labels, sizes = [k[0] for k in keep], np.array([k[1] for k in keep])
    colours = (
        list(PALETTE) if len(keep) <= len(PALETTE) else [colormaps["tab20"](i % 20) for i in range(len(keep))]
    )
    ax = figure.add_subplot()
    total = float(sizes.sum())
    wedges, _texts, *_ = ax.pie(
        sizes,
        colors=colours[: len(keep)],
        startangle=90,
        counterclock=False,
        wedgeprops={"width": 0.45, "edgecolor": "white", "linewidth": 1},
        autopct=lambda pct: f"{pct:.0f}%" if pct >= 5 else "",
        pctdistance=0.78,
        textprops={"fontsize": 7, "color": "white", "fontfamily": FONT},
    )
    ax.set_aspect("equal")
    legend = [f"{label}  {size / total:.1%}" for label, size in zip(labels, sizes, strict=True)]
    ax.legend(
        wedges,
        legend,
        loc="center left",
        bbox_to_anchor=(1.0, 0.5),
        frameon=False,
        prop={"family": FONT, "size": 7.5},
        ncols=1 if len(keep) <= 12 else 2,
    )


def _bar(figure: Figure, chart: Chart) -> None:
    ax = figure.add_subplot()
    labels = [str(label) for label in chart.x]
    positions = np.arange(len(labels), dtype=np.float64)
    width = 0.8 / max(1, len(chart.series))
    for index, series in enumerate(chart.series):
        values = _floats(series.values)
        if len(chart.series) == 1 and (values < 0).any():
            colours: str | list[str] = [UP if v >= 0 else DOWN for v in np.nan_to_num(values)]
        else:
            colours = PALETTE[index % len(PALETTE)]
        offset = (index - (len(chart.series) - 1) / 2) * width
        bars = ax.bar(
            positions + offset, np.nan_to_num(values), width=width, color=colours, label=series.name
        )
        if len(labels) <= 12:
            texts = [format_value(v, chart.y_kind) if np.isfinite(v) else "" for v in values]
            ax.bar_label(bars, labels=texts, fontsize=6.5, padding=2, color=TEXT)
    ax.axhline(0.0, color="#9e9e9e", linewidth=0.6)
    ax.set_xticks(positions, labels)
    if sum(len(label) for label in labels) > 70:
        ax.tick_params(axis="x", labelrotation=30)
        for text in ax.get_xticklabels():
            text.set_horizontalalignment("right")
    ax.margins(y=0.15)
    _style(ax, chart.y_kind)
    if len(chart.series) > 1:
        _legend(ax)


def has_data(chart: Chart) -> bool:
    """Whether a chart has anything to draw: at least one x and one finite value."""
    return bool(chart.x) and any(plain(v) is not None for s in chart.series for v in s.values)


def render_png(
    chart: Chart,
    *,
    width_in: float = WIDTH_IN,
    height_in: float | None = None,
    dpi: int = DPI,
    title: bool = True,
) -> bytes:
    """PNG bytes of `chart`, `width_in` x `height_in` inches at `dpi`; a placeholder when it has no data.

    Safe to call from worker threads: it uses its own Figure and canvas, never pyplot's global state.
    """
    height = height_in if height_in is not None else default_height(chart)
    figure = Figure(figsize=(width_in, height), dpi=dpi, facecolor="white", layout="constrained")
    canvas = FigureCanvasAgg(figure)
    if title:
        figure.suptitle(chart.title, fontsize=10, fontweight="bold", color=TEXT, fontfamily=FONT)
    if not has_data(chart):
        ax = figure.add_subplot()
        ax.set_axis_off()
        ax.text(0.5, 0.5, "No data", ha="center", va="center", fontsize=10, color="#757575")
    elif chart.kind == "time":
        _time(figure, chart)
    elif chart.kind == "pie":
        _pie(figure, chart)
    else:
        _bar(figure, chart)
    # Drawn on our own canvas, not savefig (whose global savefig.* rcParams could change the size), and
    # saved as RGB: an opaque chart needs no alpha channel, and the PDF would embed it as a second image.
    canvas.draw()  # type: ignore[no-untyped-call]
    pixels = canvas.buffer_rgba()  # type: ignore[no-untyped-call]
    buffer = io.BytesIO()
    Image.frombuffer("RGBA", canvas.get_width_height(), pixels).convert("RGB").save(buffer, "png")
    return buffer.getvalue()
