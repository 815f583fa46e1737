"""Returns from marks (prices or equity), the per-period risk-free rate, total return, CAGR and volatility."""

from __future__ import annotations

import math

import numpy as np

from app.quant.risk.arrays import ArrayLike, Floats, floats, observed, spread


def simple_returns(marks: ArrayLike) -> Floats:
    """Simple returns r[t] = m[t+1] / m[t] - 1, one fewer than the marks (empty for fewer than two).

    A NaN mark makes the returns on either side of it NaN (the statistics then drop them); marks must be
    positive (a zero mark gives inf or NaN). Same as pandas' `pct_change(fill_method=None)` minus its first
    NaN.

    >>> simple_returns([100.0, 110.0, 99.0]).round(6).tolist()
    [0.1, -0.1]
    """
    m = floats(marks)
    with np.errstate(divide="ignore", invalid="ignore"):
        return m[1:] / m[:-1] - 1.0


def log_returns(marks: ArrayLike) -> Floats:
    """Log returns r[t] = ln(m[t+1] / m[t]); NaN and zero marks as in `simple_returns`.

    >>> log_returns([1.0, math.e, 1.0]).round(6).tolist()
    [1.0, -1.0]
    """
    m = floats(marks)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.diff(np.log(m))


def periodic_rate(risk_free: float, periods_per_year: float) -> float:
    """A yearly rate as the rate per period that compounds to it:
    (1 + risk_free) ** (1 / periods_per_year) - 1.

    The same de-annualisation as QuantStats' `to_excess_returns(returns, rf, nperiods)`.

    >>> round(periodic_rate(0.21, 2), 6)
    0.1
    """
    return float((1.0 + risk_free) ** (1.0 / periods_per_year) - 1.0)


def excess_returns(returns: ArrayLike, periods_per_year: float, risk_free: float = 0.0) -> Floats:
    """Returns minus the per-period risk-free rate `periodic_rate(risk_free, periods_per_year)`.

    With risk_free == 0 the input array itself is returned (no copy).

    >>> excess_returns([0.2, 0.0], periods_per_year=2, risk_free=0.21).round(6).tolist()
    [0.1, -0.1]
    """
    r = floats(returns)
    return r - periodic_rate(risk_free, periods_per_year) if risk_free else r


def total_return(marks: ArrayLike) -> float:
    """Growth from the first to the last mark: m[-1] / m[0] - 1; 0.0 for one mark, NaN for none.

    NaN marks are carried forward (the last known value), leading ones take the first known value.

    >>> round(total_return([100.0, 80.0, 121.0]), 6)
    0.21
    """
    first, last, _ = _ends(marks)
    return last / first - 1.0


def cagr(marks: ArrayLike, periods_per_year: float) -> float:
    """Compound annual growth rate: (m[-1] / m[0]) ** (1 / years) - 1,
    with years = (len(marks) - 1) / periods_per_year.

    NaN for fewer than two marks or a non-positive growth m[-1] / m[0] (QuantStats takes abs() of the growth
    instead); NaN marks as `total_return`. QuantStats' `cagr(returns, periods=p)` over the n - 1 returns gives
    the same number (it takes returns, so its years are len(returns) / p).

    >>> round(cagr([100.0, 110.0, 121.0], periods_per_year=1), 6)  # two years, 21% in all
    0.1
    >>> round(cagr([100.0, 110.0, 121.0], periods_per_year=2), 6)  # one year
    0.21
    """
    first, last, count = _ends(marks)
    years = (count - 1) / periods_per_year
    growth = last / first
    if not years > 0 or not growth > 0:
        return math.nan
    return float(growth ** (1.0 / years) - 1.0)


def volatility(returns: ArrayLike, periods_per_year: float) -> float:
    """Annualised volatility: std(r, ddof=1) * sqrt(periods_per_year), the sample standard deviation.

    NaNs are dropped; NaN for fewer than two returns; 0.0 when all are equal. As QuantStats' `volatility`.

    >>> round(volatility([-0.01, 0.01, 0.03], periods_per_year=4), 6)  # std 0.02, times sqrt(4)
    0.04
    """
    x, mean = observed(returns)
    return spread(x, mean) * math.sqrt(periods_per_year)


def _ends(marks: ArrayLike) -> tuple[float, float, int]:
    """The first and last known marks (NaN when none is) and how many marks there are."""
    m = floats(marks)
    if not len(m):
        return math.nan, math.nan, 0
    first, last = float(m[0]), float(m[-1])
    if math.isnan(first) or math.isnan(last):
        known = m[~np.isnan(m)]
        if len(known):
            first, last = float(known[0]), float(known[-1])
    return first, last, len(m)
