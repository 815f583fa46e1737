"""Risk-adjusted return ratios: Sharpe, Sortino (with its downside deviation) and Calmar."""

from __future__ import annotations

import math

import numpy as np

from app.quant.risk.arrays import ArrayLike, Floats, observed, spread
from app.quant.risk.drawdown import max_drawdown
from app.quant.risk.returns import cagr, excess_returns


def sharpe(returns: ArrayLike, periods_per_year: float, risk_free: float = 0.0) -> float:
    """Annualised Sharpe ratio: mean(e) / std(e, ddof=1) * sqrt(periods_per_year).

    e = returns - periodic_rate(risk_free, periods_per_year), risk_free being a yearly rate compounded per
    period. NaNs are dropped; NaN for fewer than two returns or zero deviation (all equal). As QuantStats'
    `sharpe`.

    >>> round(sharpe([-0.01, 0.01, 0.03], periods_per_year=4), 6)  # mean 0.01, std 0.02, times sqrt(4)
    1.0
    """
    x, mean = observed(excess_returns(returns, periods_per_year, risk_free))
    deviation = spread(x, mean)
    return mean / deviation * math.sqrt(periods_per_year) if deviation > 0 else math.nan


def downside_deviation(returns: ArrayLike) -> float:
    """Per-period downside deviation below zero: sqrt(mean(min(r, 0) ** 2)), the mean taken over ALL periods.

    Periods with a gain count as zeros (Sortino and Price's definition; QuantStats' `sortino` divides the same
    sum by len(returns) too). Not annualised. NaNs are dropped; NaN when none is left.

    >>> round(downside_deviation([-0.03, 0.01, 0.04, 0.0]), 6)  # sqrt(0.03 ** 2 / 4)
    0.015
    """
    x, _ = observed(returns)
    return _downside(x)


def sortino(returns: ArrayLike, periods_per_year: float, risk_free: float = 0.0) -> float:
    """Annualised Sortino ratio: mean(e) / downside_deviation(e) * sqrt(periods_per_year), e as in `sharpe`.

    NaNs are dropped; NaN for no returns or no downside (every e >= 0: QuantStats gives NaN too, some
    libraries inf). Equal to QuantStats' `sortino` (not its `adjusted_sortino`, which divides by sqrt(2)).

    >>> round(sortino([-0.01, 0.01, 0.03], periods_per_year=4), 6)  # 0.01 / (0.01 / sqrt(3)) * 2
    3.464102
    >>> sortino([0.01, 0.02], periods_per_year=365)
    nan
    """
    x, mean = observed(excess_returns(returns, periods_per_year, risk_free))
    downside = _downside(x)
    return mean / downside * math.sqrt(periods_per_year) if downside > 0 else math.nan


def calmar(marks: ArrayLike, periods_per_year: float) -> float:
    """Calmar ratio: cagr(marks, periods_per_year) / -max_drawdown(marks), over the marks (prices or equity).

    NaN when there is no drawdown or CAGR is undefined. QuantStats' `calmar` takes returns and compounds them
    from 1, so its drawdown can start at the first return; pass the starting value as the first mark for the
    same.

    >>> round(calmar([100.0, 80.0, 100.0, 121.0], periods_per_year=3), 6)  # CAGR 21% / 20% drawdown
    1.05
    """
    deepest = max_drawdown(marks)
    return cagr(marks, periods_per_year) / -deepest if deepest < 0 else math.nan


def _downside(x: Floats) -> float:
    return float(np.sqrt(np.mean(np.minimum(x, 0.0) ** 2))) if len(x) else math.nan
