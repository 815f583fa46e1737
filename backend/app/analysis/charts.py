"""Offline PNG candlestick charts (price, overlays, volume, indicator panels) drawn with matplotlib Agg."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC

import matplotlib.dates as mdates
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.ticker import EngFormatter
from numpy.typing import NDArray

from app.core.chart_theme import DOWN, DPI, FONT, GRID, NEUTRAL, PALETTE, TEXT, UP

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]

_SECONDS_PER_DAY = 86_400.0
_DEFAULT_SPACING = 3_600.0  # candle spacing assumed for a single bar
MARGIN_LEFT_PX, MARGIN_RIGHT_PX, MARGIN_TOP_PX, MARGIN_BOTTOM_PX = 90, 20, 45, 55


def _bars(
    ax: Axes, x: Floats, bottom: Floats, top: Floats, width: float, colors: NDArray[np.str_], label: str
) -> None:
    """Vertical bars as one PolyCollection (fast for thousands of bars); rows with a NaN are skipped."""
    keep = np.isfinite(bottom) & np.isfinite(top)
    x, bottom, top, colors = x[keep], bottom[keep], top[keep], colors[keep]
    left, right = x - width / 2, x + width / 2
    verts = np.stack(
        [np.column_stack(pair) for pair in ((left, bottom), (left, top), (right, top), (right, bottom))],
        axis=1,
    )
    collection = PolyCollection(
        list(verts), facecolors=list(colors), edgecolors=list(colors), linewidths=0.5, label=label
    )
    ax.add_collection(collection, autolim=True)


def _style(ax: Axes, ylabel: str) -> None:
    ax.set_facecolor("white")
    ax.grid(True, color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    ax.set_ylabel(ylabel, fontsize=9, color=TEXT, fontfamily=FONT)
    ax.tick_params(labelsize=8, colors=TEXT)
    for spine in ax.spines.values():
        spine.set_color("#bdbdbd")


def _legend(ax: Axes) -> None:
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        ax.legend(
            handles,
            labels,
            loc="upper left",
            framealpha=0.85,
            ncols=min(len(handles), 4),
            prop={"family": FONT, "size": 8},
        )


@dataclass(frozen=True, slots=True)
class Marker:
    """A candlestick pattern on bar `ts`: a triangle under the low (bullish) or over the high (bearish), a
    diamond over the high (neutral)."""

    ts: int
    direction: str
    label: str


@dataclass(frozen=True, slots=True)
class Shape:
    """A chart pattern: its key points (ts, price) joined, its lines (ts1, price1, ts2, price2) dashed."""

    direction: str
    label: str
    points: tuple[tuple[int, float], ...]
    lines: tuple[tuple[int, float, int, float], ...]


_MARKER_STYLE = {"bullish": ("^", UP), "bearish": ("v", DOWN), "neutral": ("D", NEUTRAL)}
_MAX_MARKER_LABELS = 15  # more titles than this would cover the candles


def _dates(seconds: Sequence[int] | NDArray[np.int64]) -> Floats:
    # matplotlib.dates has no type stubs: hence the ignore.
    stamps = np.asarray(seconds, dtype=np.int64).astype("datetime64[s]")
    return np.asarray(mdates.date2num(stamps), dtype=np.float64)  # type: ignore[no-untyped-call]


def _patterns(
    ax: Axes,
    seconds: NDArray[np.int64],
    high: Floats,
    low: Floats,
    markers: Sequence[Marker],
    shapes: Sequence[Shape],
) -> None:
    """Candlestick patterns as markers beside their bar, chart patterns as their points and lines."""
    finite = np.concatenate([high[np.isfinite(high)], low[np.isfinite(low)]])
    pad = 0.015 * float(np.ptp(finite)) if finite.size else 0.0
    placed: dict[str, tuple[list[float], list[float], list[str]]] = {}
    stacked: dict[tuple[int, bool], int] = {}  # markers already beside a bar, below or above it
    for m in markers:
        i = int(np.searchsorted(seconds, m.ts))
        if i >= len(seconds) or seconds[i] != m.ts or m.direction not in _MARKER_STYLE:
            continue  # not a drawn bar
        below = m.direction == "bullish"
        k = stacked[i, below] = stacked.get((i, below), 0) + 1
        y = low[i] - k * pad if below else high[i] + k * pad
        xs, ys, labels = placed.setdefault(m.direction, ([], [], []))
        xs.append(float(_dates([m.ts])[0]))
        ys.append(float(y))
        labels.append(m.label)
    for direction, (xs, ys, labels) in placed.items():
        symbol, colour = _MARKER_STYLE[direction]
        ax.scatter(xs, ys, marker=symbol, color=colour, s=36, zorder=4, label=f"{direction} candle pattern")
        if len(markers) <= _MAX_MARKER_LABELS:
            for x_, y_, text in zip(xs, ys, labels, strict=True):
                below = direction == "bullish"
                ax.annotate(
                    text,
                    (x_, y_),
                    xytext=(0, -9 if below else 9),
                    textcoords="offset points",
                    ha="center",
                    va="top" if below else "bottom",
                    fontsize=6,
                    color=colour,
                    fontfamily=FONT,
                )
    for shape in shapes:
        colour = UP if shape.direction == "bullish" else DOWN
        if shape.points:
            xs_ = _dates([p[0] for p in shape.points])
            ys_ = [p[1] for p in shape.points]
            ax.plot(
                xs_, ys_, color=colour, linewidth=1.4, marker="o", markersize=3, zorder=4, label=shape.label
            )
            ax.annotate(
                shape.label,
                (float(xs_[-1]), shape.points[-1][1]),
                xytext=(4, 0),
                textcoords="offset points",
                fontsize=7,
                color=colour,
                fontfamily=FONT,
                fontweight="bold",
            )
        for ts1, p1, ts2, p2 in shape.lines:
            ax.plot(_dates([ts1, ts2]), [p1, p2], color=colour, linewidth=1.0, linestyle="--", zorder=3)


def _check(name: str, values: NDArray[np.float64], n: int) -> Floats:
    array = np.asarray(values, dtype=np.float64)
    if array.shape != (n,):
        raise ValueError(f"{name}: expected shape ({n},), got {array.shape}")
    return array


def render_chart(
    title: str,
    ts: Ints,
    open: Floats,
    high: Floats,
    low: Floats,
    close: Floats,
    volume: Floats,
    *,
    overlays: Mapping[str, Floats] = {},
    panels: Mapping[str, Mapping[str, Floats]] = {},
    markers: Sequence[Marker] = (),
    shapes: Sequence[Shape] = (),
    width_px: int = 1200,
    height_px: int = 800,
) -> bytes:
    """PNG bytes of a candlestick chart of `width_px` x `height_px`.

    `ts` are candle open times (epoch seconds, shown in UTC); `overlays` are lines on the price panel
    (e.g. SMA, Bollinger bands); `panels` adds one panel per entry, each a legend label -> series
    (a label containing "hist" is drawn as bars). Every series has one value per bar; NaNs are skipped.
    `markers` (candlestick patterns) and `shapes` (chart patterns) are drawn on the price panel.
    """
    n = len(ts)
    if n == 0:
        raise ValueError("no bars to draw")
    if width_px <= 0 or height_px <= 0:
        raise ValueError("width_px and height_px must be positive")
    o, h, lo = _check("open", open, n), _check("high", high, n), _check("low", low, n)
    c, v = _check("close", close, n), _check("volume", volume, n)
    lines = {name: _check(name, values, n) for name, values in overlays.items()}
    extra = {
        panel: {name: _check(f"{panel}/{name}", values, n) for name, values in series.items()}
        for panel, series in panels.items()
    }

    seconds = np.asarray(ts, dtype=np.int64)
    # matplotlib.dates has no type stubs: hence the ignores on its calls.
    x = np.asarray(mdates.date2num(seconds.astype("datetime64[s]")), dtype=np.float64)  # type: ignore[no-untyped-call]
    steps = np.diff(seconds)
    steps = steps[steps > 0]
    spacing = (float(np.median(steps)) if steps.size else _DEFAULT_SPACING) / _SECONDS_PER_DAY
    width = spacing * 0.7

    figure = Figure(figsize=(width_px / DPI, height_px / DPI), dpi=DPI, facecolor="white")
    canvas = FigureCanvasAgg(figure)
    ratios = [4.0, 1.0] + [1.5] * len(extra)
    # Fixed margins in pixels, not constrained layout: measuring every label would be half the render time.
    grid = figure.add_gridspec(
        len(ratios),
        1,
        height_ratios=ratios,
        left=MARGIN_LEFT_PX / width_px,
        right=1 - MARGIN_RIGHT_PX / width_px,
        top=1 - MARGIN_TOP_PX / height_px,
        bottom=MARGIN_BOTTOM_PX / height_px,
        hspace=0.12,
    )
    price = figure.add_subplot(grid[0])
    axes = [price] + [figure.add_subplot(grid[i], sharex=price) for i in range(1, len(ratios))]
    figure.suptitle(title, fontsize=13, fontweight="bold", color=TEXT, fontfamily=FONT)

    # Price: wicks in one vlines call, bodies in one PolyCollection.
    up = c >= o
    colors = np.where(up, UP, DOWN)
    valid = np.isfinite(o) & np.isfinite(h) & np.isfinite(lo) & np.isfinite(c)
    price.vlines(x[valid], lo[valid], h[valid], colors=list(colors[valid]), linewidths=0.8)
    _bars(price, x[valid], np.minimum(o, c)[valid], np.maximum(o, c)[valid], width, colors[valid], "OHLC")
    for index, (name, values) in enumerate(lines.items()):
        price.plot(x, values, label=name, color=PALETTE[index % len(PALETTE)], linewidth=1.2)
    if markers or shapes:
        _patterns(price, seconds, h, lo, markers, shapes)
    price.ticklabel_format(axis="y", style="plain", useOffset=False)
    _style(price, "Price")
    _legend(price)

    # Volume, coloured like its candle.
    _bars(axes[1], x, np.zeros(n), v, width, np.where(valid, colors, NEUTRAL), "Volume")
    axes[1].yaxis.set_major_formatter(EngFormatter())
    _style(axes[1], "Volume")
    _legend(axes[1])

    for ax, (panel, series) in zip(axes[2:], extra.items(), strict=True):
        colour = 0
        for name, values in series.items():
            if "hist" in name.lower():
                _bars(ax, x, np.zeros(n), values, width, np.where(values >= 0, UP, DOWN), name)
                ax.axhline(0.0, color="#9e9e9e", linewidth=0.6)
            else:
                ax.plot(x, values, label=name, color=PALETTE[colour % len(PALETTE)], linewidth=1.2)
                colour += 1
        if panel.upper() == "RSI":
            ax.axhline(70.0, color=DOWN, linewidth=0.7, linestyle="--")
            ax.axhline(30.0, color=UP, linewidth=0.7, linestyle="--")
            ax.set_ylim(0.0, 100.0)
        _style(ax, panel)
        _legend(ax)

    for ax in axes:
        ax.autoscale_view()
    price.set_xlim(x[0] - spacing, x[-1] + spacing)
    locator = mdates.AutoDateLocator(tz=UTC)  # type: ignore[no-untyped-call]
    axes[-1].xaxis.set_major_locator(locator)
    axes[-1].xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, tz=UTC))  # type: ignore[no-untyped-call]
    axes[-1].set_xlabel("Time (UTC)", fontsize=9, color=TEXT, fontfamily=FONT)
    for ax in axes[:-1]:
        ax.tick_params(labelbottom=False)

    buffer = io.BytesIO()
    # Not savefig: that would apply the global savefig.* rcParams (e.g. a tight bbox changes the size).
    canvas.print_png(buffer)  # type: ignore[no-untyped-call]
    return buffer.getvalue()
