"""A backtest's metrics from its trades and equity, in one pure function (365-day years: crypto never closes).

Returns are per bar of the equity marked at each close, starting from the initial capital; Sharpe and
Sortino are annualised with sqrt(bars per year) and take the risk-free rate (yearly) per bar. Drawdowns are
from the running peak of that equity; the longest one counts bars from a peak until equity is back above it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from app.backtesting.engine import Floats, Run, trade_returns

YEAR = 365 * 86400


def _ratio(value: float) -> float | None:
    return round(value, 6) if math.isfinite(value) else None


def compute(
    run: Run,
    opens: Floats,
    closes: Floats,
    capital: float,
    bar_seconds: int,
    risk_free: float = 0.0,
) -> dict[str, Any]:
    equity = run.equity
    bars = len(equity)
    marks = np.concatenate(([capital], equity))
    returns = marks[1:] / marks[:-1] - 1.0
    per_year = YEAR / bar_seconds
    rf = (1.0 + risk_free) ** (1.0 / per_year) - 1.0
    excess = returns - rf
    spread = float(np.std(excess, ddof=1)) if bars > 1 else 0.0
    downside = float(np.sqrt(np.mean(np.minimum(excess, 0.0) ** 2))) if bars else 0.0
    mean = float(np.mean(excess)) if bars else 0.0
    final = float(equity[-1]) if bars else capital
    years = bars * bar_seconds / YEAR
    peaks = np.maximum.accumulate(marks)
    drawdowns = marks / peaks - 1.0
    trade_ret = trade_returns(run)
    pnl = run.units * (run.exit_price - run.entry_price) - run.fees
    wins, losses = pnl[pnl > 0], pnl[pnl <= 0]
    won = trade_ret[trade_ret > 0]
    lost = trade_ret[trade_ret <= 0]
    trades = len(run)
    underwater = _longest_underwater(marks)
    return {
        "totalReturn": _ratio(final / capital - 1.0),
        "cagr": _ratio((final / capital) ** (1.0 / years) - 1.0) if years > 0 and final > 0 else None,
        "sharpeRatio": _ratio(mean / spread * math.sqrt(per_year)) if spread > 0 else None,
        "sortinoRatio": _ratio(mean / downside * math.sqrt(per_year)) if downside > 0 else None,
        "maxDrawdown": _ratio(float(drawdowns.min())) if bars else 0.0,
        "maxDrawdownBars": underwater,
        "maxDrawdownDays": round(underwater * bar_seconds / 86400, 4),
        "winRate": _ratio(len(wins) / trades) if trades else None,
        "totalTrades": trades,
        "profitFactor": _ratio(float(wins.sum()) / abs(float(losses.sum()))) if losses.sum() < 0 else None,
        "expectancy": _ratio(float(pnl.mean())) if trades else None,
        "averageWin": _ratio(float(won.mean())) if len(won) else None,
        "averageLoss": _ratio(float(lost.mean())) if len(lost) else None,
        "bestTrade": _ratio(float(trade_ret.max())) if trades else None,
        "worstTrade": _ratio(float(trade_ret.min())) if trades else None,
        "exposure": _ratio(float(np.mean(run.position != 0))) if bars else 0.0,
        "buyAndHoldReturn": _ratio(float(closes[-1] / opens[0] - 1.0)) if bars else None,
        "feesPaid": _ratio(float(run.fees.sum())),
        "finalEquity": _ratio(final),
        "bars": bars,
    }


def _longest_underwater(marks: Floats) -> int:
    """The most bars spent below a previous peak in one stretch."""
    under = np.concatenate(([False], marks < np.maximum.accumulate(marks), [False])).astype(np.int8)
    edges = np.diff(under)
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    return int((ends - starts).max()) if len(starts) else 0
