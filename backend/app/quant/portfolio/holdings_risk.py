"""Risk of the current holdings held unchanged over a lookback: their value series, its risk and its split."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from app.quant.risk import (
    beta,
    calmar,
    correlation,
    downside_deviation,
    historical_cvar,
    historical_var,
    max_drawdown,
    parametric_cvar,
    parametric_var,
    simple_returns,
    volatility,
)
from app.quant.risk.arrays import ArrayLike, Floats, floats, observed

CONFIDENCE = 0.95
DAYS_PER_YEAR = 365


@dataclass(frozen=True, slots=True)
class RiskMetrics:
    """`risk_metrics`' figures: `var95` in currency (negative for a loss), `max_drawdown` in percent (<= 0),
    `sharpe_ratio` and `volatility` annualised (volatility a fraction, 0.35 for 35%); NaN when undefined."""

    var95: float
    max_drawdown: float
    sharpe_ratio: float
    volatility: float


@dataclass(frozen=True, slots=True)
class ExtendedRisk:
    """`extended_risk`'s figures: currency amounts negative for a loss, ratios annualised, NaN when undefined;
    the per-asset dicts are keyed by symbol in the order given."""

    parametric_var95: float
    cvar95: float
    parametric_cvar95: float
    sortino_ratio: float
    calmar_ratio: float
    beta: float
    correlation: float
    asset_volatility: dict[str, float]
    risk_contribution: dict[str, float]
    correlation_matrix: dict[str, dict[str, float]]
    concentration_hhi: float


def carried_closes(closes: ArrayLike) -> Floats:
    """Daily closes, shape (days, n_assets), with every missing close (NaN) filled per asset: a gap takes the
    previous day's close, and the days before an asset's first close take that first close (back-filled).

    Back-filling values the current holding at its first known price before it had one, so the value series
    neither jumps when an asset starts trading inside the window (a 0 there would read as a huge gain) nor
    loses the days before. An asset with no close at all in the window has no value to carry: ValueError
    naming its column (the caller leaves it out and reports it). ValueError unless `closes` is 2-D.

    >>> nan = math.nan
    >>> carried_closes([[nan, 10.0], [2.0, nan], [nan, 12.0]]).tolist()
    [[2.0, 10.0], [2.0, 10.0], [2.0, 12.0]]
    """
    c = np.asarray(closes, dtype=np.float64)
    if c.ndim != 2:
        raise ValueError(f"expected closes of shape (days, assets), got shape {c.shape}")
    missing = np.isnan(c)
    if not missing.any():
        return c
    empty = np.flatnonzero(missing.all(axis=0))
    if len(empty):
        raise ValueError(f"asset column(s) {empty.tolist()} have no close in the window")
    first = np.argmax(~missing, axis=0)
    # Each missing cell points at its column's first close; the running maximum of the row indices then
    # picks the last known close at or before each day (the first one before it).
    rows = np.arange(len(c))[:, None]
    source = np.maximum.accumulate(np.where(missing, first[None, :], rows), axis=0)
    return np.take_along_axis(c, source, axis=0)


def value_series(quantities: ArrayLike, closes: ArrayLike) -> Floats:
    """The value of today's quantities on each day of the window: V[t] = sum_i quantities[i] * close[t, i].

    `quantities` has shape (n_assets,), `closes` shape (days, n_assets); missing closes are filled as in
    `carried_closes` (carried forward, back-filled before an asset's first close; ValueError for an asset
    with none). ValueError when the shapes disagree.

    >>> value_series([2.0, 10.0], [[100.0, 5.0], [math.nan, 6.0], [90.0, math.nan]]).tolist()
    [250.0, 260.0, 240.0]
    """
    q = floats(quantities)
    c = carried_closes(closes)
    if c.shape[1] != len(q):
        raise ValueError(f"{len(q)} quantities for {c.shape[1]} columns of closes")
    return c @ q


def risk_metrics(
    values: ArrayLike, total_value: float, risk_free: float = 0.0, periods_per_year: int = 365
) -> RiskMetrics:
    """Risk of a value series V (positive, oldest first), with r[t] = V[t] / V[t-1] - 1 (len(V) - 1 returns):

    - volatility = std(r, ddof=1) * sqrt(periods_per_year), a fraction; 0.0 for a constant series;
    - sharpe_ratio = (mean(r) * periods_per_year - risk_free) / volatility: the mean annualised by simple
      multiplication and the yearly `risk_free` subtracted as is (so it equals `risk.sharpe` only when
      risk_free is 0; that one compounds the rate per period);
    - var95 = q * total_value, q = np.percentile(r, 5) (linear interpolation, numpy's default): the 5%
      quantile of one day's return on today's value, in currency and negative when a loss;
    - max_drawdown = min_t(V[t] / max(V[0..t]) - 1) * 100, in percent (<= 0; 0.0 for one value).

    NaN when undefined: volatility and Sharpe under two returns, Sharpe at zero volatility, var95 without a
    return, max_drawdown without a value. A NaN or non-positive value (nothing held) is no value: the
    returns next to it are dropped and the drawdown carries the last value over it.

    >>> m = risk_metrics([100.0, 110.0, 99.0, 108.9], total_value=1000.0, periods_per_year=1)  # r .1 -.1 .1
    >>> round(m.var95, 6), round(m.max_drawdown, 6), round(m.volatility, 6), round(m.sharpe_ratio, 6)
    (-80.0, -10.0, 0.11547, 0.288675)
    """
    v = _worth(values)
    r, mean = observed(simple_returns(v))
    deviation = volatility(r, periods_per_year)
    return RiskMetrics(
        var95=_money(-historical_var(r, CONFIDENCE), total_value),
        max_drawdown=max_drawdown(v) * 100.0 if not np.isnan(v).all() else math.nan,
        sharpe_ratio=_annual_ratio(mean, risk_free, deviation, periods_per_year),
        volatility=deviation,
    )


def extended_risk(
    symbols: Sequence[str],
    quantities: ArrayLike,
    closes: ArrayLike,
    benchmark_closes: ArrayLike | None,
    total_value: float,
    risk_free: float = 0.0,
) -> ExtendedRisk:
    """The further risk of today's holdings over the window, with V = value_series(quantities, closes), r its
    daily returns as in `risk_metrics` (annualised over 365 days) and 95% confidence:

    - parametric_var95 = (mean(r) - 1.644854 * std(r, ddof=1)) * total_value (Gaussian);
    - cvar95 = mean(r[r <= q]) * total_value, q = np.percentile(r, 5) (historical Expected Shortfall);
    - parametric_cvar95 = (mean(r) - std(r, ddof=1) * phi(1.644854) / 0.05) * total_value (Gaussian ES);
    - sortino_ratio = (mean(r) * 365 - risk_free) / (d * sqrt(365)), d = sqrt(mean(min(r, 0) ** 2)) the
      downside deviation with the mean over ALL returns (gains count as 0); NaN with no loss;
    - calmar_ratio = CAGR(V) / |max drawdown of V as a fraction|,
      CAGR = (V[-1] / V[0]) ** (365 / (len(V) - 1)) - 1; NaN without a drawdown;
    - beta = cov(r, b) / var(b) and correlation = Pearson(r, b), b the benchmark's (BTC-USD) daily close
      returns, day by day, pairs with a NaN dropped (a missing benchmark close loses the returns on both
      sides of it); NaN without a benchmark (None);
    - asset_volatility[i] = std(R[:, i], ddof=1) * sqrt(365), R[t, i] = c[t+1, i] / c[t, i] - 1 over the
      closes filled as in `carried_closes` (the same closes V is made of, so a missing day is a 0 return);
    - risk_contribution[i] = w_i * (S w)_i / (w' S w), S the sample covariance (ddof=1) of R's columns and
      w_i = quantities[i] * c[-1, i] / V[-1] today's value weights: each asset's share of the portfolio
      variance, summing to 1 (negative for a hedge);
    - correlation_matrix[i][j] = S_ij / sqrt(S_ii * S_jj) (1.0 on the diagonal; NaN for a constant asset);
    - concentration_hhi = sum_i w_i ** 2, from 1/n (equal weights) to 1 (one asset).

    Currency amounts are negative for a loss. NaN where undefined (too few days, no variance, no value); a day
    V is not positive is missing, as in `risk_metrics`. ValueError when the shapes disagree, a symbol repeats
    or an asset has no close.

    >>> closes = [[100.0, 82.5], [110.0, 99.0], [99.0, 79.2]]  # A moves +-10%, B +-20%: variances .02, .08
    >>> e = extended_risk(["A", "B"], [1.0, 1.25], closes, None, total_value=198.0)  # 99 in each today
    >>> e.concentration_hhi, {k: round(v, 6) for k, v in e.risk_contribution.items()}  # .015, .03 of .045
    (0.5, {'A': 0.333333, 'B': 0.666667})
    >>> round(e.correlation_matrix["A"]["B"], 6), math.isnan(e.beta)
    (1.0, True)
    """
    names = list(symbols)
    q = floats(quantities)
    c = carried_closes(closes)
    if not len(names) == len(q) == c.shape[1]:
        raise ValueError(f"{len(names)} symbols, {len(q)} quantities and {c.shape[1]} columns of closes")
    if len(set(names)) != len(names):
        raise ValueError(f"symbols repeat: {names}")
    values = _worth(c @ q)
    returns = simple_returns(values)
    r, mean = observed(returns)
    if benchmark_closes is None:
        to_benchmark = math.nan, math.nan
    else:
        bench = simple_returns(benchmark_closes)
        to_benchmark = beta(returns, bench), correlation(returns, bench)
    downside = downside_deviation(r) * math.sqrt(DAYS_PER_YEAR)

    with np.errstate(divide="ignore", invalid="ignore"):
        asset_returns = c[1:] / c[:-1] - 1.0
        held = c[-1] * q if len(c) else np.full(len(q), math.nan)
        weights = held / held.sum()
        covariance = _covariance(asset_returns)
    return ExtendedRisk(
        parametric_var95=_money(-parametric_var(r, CONFIDENCE), total_value),
        cvar95=_money(-historical_cvar(r, CONFIDENCE), total_value),
        parametric_cvar95=_money(-parametric_cvar(r, CONFIDENCE), total_value),
        sortino_ratio=_annual_ratio(mean, risk_free, downside, DAYS_PER_YEAR),
        calmar_ratio=calmar(values, DAYS_PER_YEAR),
        beta=to_benchmark[0],
        correlation=to_benchmark[1],
        asset_volatility={
            name: volatility(asset_returns[:, i], DAYS_PER_YEAR) for i, name in enumerate(names)
        },
        risk_contribution=dict(zip(names, _risk_shares(weights, covariance).tolist(), strict=True)),
        correlation_matrix={
            name: dict(zip(names, row, strict=True))
            for name, row in zip(names, _correlations(covariance).tolist(), strict=True)
        },
        concentration_hhi=float(np.sum(weights**2)) if len(weights) else math.nan,
    )


def _worth(values: ArrayLike) -> Floats:
    """The values with every non-positive one made NaN (missing), as no value has no return."""
    v = floats(values)
    return v if (v > 0).all() else np.where(v > 0, v, math.nan)


def _money(fraction: float, total_value: float) -> float:
    """A return as currency on the total value; + 0.0 turns a -0.0 into 0.0."""
    return fraction * total_value + 0.0


def _annual_ratio(mean: float, risk_free: float, deviation: float, periods_per_year: float) -> float:
    """(mean * periods_per_year - risk_free) / deviation (already annualised); NaN unless deviation > 0."""
    return (mean * periods_per_year - risk_free) / deviation if deviation > 0 else math.nan


def _covariance(returns: Floats) -> Floats:
    """Sample covariance (ddof=1) of the columns; all NaN under two rows."""
    n = returns.shape[1]
    if len(returns) < 2:
        return np.full((n, n), math.nan)
    return np.atleast_2d(np.cov(returns, rowvar=False, ddof=1)).astype(np.float64)


def _risk_shares(weights: Floats, covariance: Floats) -> Floats:
    """w_i * (S w)_i / (w' S w): the Euler split of the portfolio variance; NaN when it is not positive."""
    marginal = covariance @ weights
    variance = float(weights @ marginal)
    if not variance > 0:
        return np.full(len(weights), math.nan)
    return weights * marginal / variance


def _correlations(covariance: Floats) -> Floats:
    """S_ij / sqrt(S_ii S_jj), clipped to [-1, 1], 1.0 on the diagonal, NaN next to a zero variance."""
    deviations = np.sqrt(np.diag(covariance))
    scale = np.outer(deviations, deviations)
    with np.errstate(divide="ignore", invalid="ignore"):
        result = np.where(scale > 0, np.clip(covariance / scale, -1.0, 1.0), math.nan)
    np.fill_diagonal(result, np.where(deviations > 0, 1.0, math.nan))
    return result
