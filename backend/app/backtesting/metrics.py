"""A backtest's metrics from its trades and equity, in one pure function (365-day years: crypto never closes).

Returns are per bar of the equity marked at each close, starting from the initial capital; the risk maths
(total return, CAGR, Sharpe, Sortino, drawdowns, exact definitions) is `app.quant.risk`'s, with bars per year
as the annualisation and the yearly risk-free rate compounded per bar. `maxDrawdownBars` is the longest
stretch below a previous peak, which need not be the deepest drawdown's.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from app.backtesting.engine import Floats, Run, trade_returns
from app.quant import risk

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
    returns = risk.simple_returns(marks)
    per_year = YEAR / bar_seconds
    drawdowns = risk.drawdown_summary(marks)
    trade_ret = trade_returns(run)
    pnl = run.units * (run.exit_price - run.entry_price) - run.fees
    wins, losses = pnl[pnl > 0], pnl[pnl <= 0]
    won = trade_ret[trade_ret > 0]
    lost = trade_ret[trade_ret <= 0]
    trades = len(run)
    underwater = drawdowns.longest.bars if drawdowns.longest else 0
    return {
        "totalReturn": _ratio(risk.total_return(marks)),
        "cagr": _ratio(risk.cagr(marks, per_year)),
        "sharpeRatio": _ratio(risk.sharpe(returns, per_year, risk_free)),
        "sortinoRatio": _ratio(risk.sortino(returns, per_year, risk_free)),
        "maxDrawdown": _ratio(drawdowns.max_drawdown),
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
        "finalEquity": _ratio(float(marks[-1])),
        "bars": bars,
    }
