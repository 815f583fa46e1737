"""The equity curve and drawdown of a backtest as a PNG (matplotlib Agg: offline)."""

from __future__ import annotations

import io

import matplotlib.dates as mdates
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from app.core.chart_theme import DOWN, FONT, GRID, PALETTE, TEXT


def equity_png(ts: list[int], equity: list[float], title: str, buy_hold: list[float] | None = None) -> bytes:
    values = np.asarray(equity, dtype=np.float64)
    when = mdates.date2num(np.asarray(ts, dtype="datetime64[s]"))  # type: ignore[no-untyped-call]
    drawdown = values / np.maximum.accumulate(values) - 1.0 if len(values) else values
    figure = Figure(figsize=(10, 6), dpi=100)
    FigureCanvasAgg(figure)
    top, bottom = figure.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 1]})
    top.plot(when, values, color=PALETTE[0], linewidth=1.2, label="strategy")
    if buy_hold is not None:
        top.plot(when, buy_hold, color=PALETTE[7], linewidth=0.9, label="buy and hold")
    top.set_title(title, fontsize=11, color=TEXT, fontfamily=FONT, loc="left")
    top.set_ylabel("equity", fontfamily=FONT)
    top.legend(loc="upper left", frameon=False, fontsize=8)
    bottom.fill_between(when, drawdown * 100, 0, color=DOWN, alpha=0.35, linewidth=0)
    bottom.set_ylabel("drawdown %", fontfamily=FONT)
    for ax in (top, bottom):
        ax.grid(color=GRID, linewidth=0.6)
        ax.xaxis_date()
    figure.autofmt_xdate()
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
