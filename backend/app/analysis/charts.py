"""Offline PNG candlestick charts (price, overlays, volume, indicator panels) drawn with matplotlib Agg."""

from __future__ import annotations

import io
from collections.abc import Mapping
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
    width_px: int = 1200,
    height_px: int = 800,
) -> bytes:
    """PNG bytes of a candlestick chart of `width_px` x `height_px`.

    `ts` are candle open times (epoch seconds, shown in UTC); `overlays` are lines on the price panel
    (e.g. SMA, Bollinger bands); `panels` adds one panel per entry, each a legend label -> series
    (a label containing "hist" is drawn as bars). Every series has one value per bar; NaNs are skipped.
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
