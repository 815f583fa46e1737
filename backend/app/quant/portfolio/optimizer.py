"""Proposed long-only weights from daily returns: minimum variance, maximum Sharpe, HRP or risk parity."""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]

PERIODS_PER_YEAR = 365  # crypto trades every day
MIN_LOOKBACK_DAYS = 30
# Bound sums this close to 1 are still feasible: five maximums of 0.2 add up to 1 only within rounding.
_SLACK = 1e-9
# Solver residue, not a decision: a weight this close to one of its bounds (or past it) is put on the bound.
_SNAP = 1e-6
# Clarabel's default tolerances (1e-8) leave up to ~5e-5 of error in the weights, 1e-9 ~2e-5; when a solve at
# 1e-9 stops short of optimal (rare) the defaults are tried.
_ATTEMPTS: tuple[dict[str, float] | None, ...] = (
    {"tol_gap_abs": 1e-9, "tol_gap_rel": 1e-9, "tol_feas": 1e-9, "tol_ktratio": 1e-7},
    None,
)
# _fit reads the solver's status itself and retries: skfolio's warning of a solve that stopped short is noise.
warnings.filterwarnings("ignore", "Solution may be inaccurate", UserWarning, r"skfolio\.")


class Method(StrEnum):
    """How the weights are chosen; the exact problems are in `optimize`'s docstring."""

    MIN_VARIANCE = "MIN_VARIANCE"
    MAX_SHARPE = "MAX_SHARPE"
    HRP = "HRP"
    RISK_PARITY = "RISK_PARITY"


@dataclass(frozen=True, slots=True)
class Proposal:
    """Proposed weights and the in-sample statistics of the portfolio they make, daily rebalanced.

    `weights`: symbol -> weight in the order of the symbols given, each >= 0 and within its bounds, summing to
    1 (to 1e-9). With p = returns @ weights the proposed portfolio's daily returns:
    `expected_return` = mean(p) * 365 (arithmetic, not compounded), `volatility` = std(p, ddof=1) * sqrt(365),
    `sharpe_ratio` = (expected_return - risk_free) / volatility (NaN for a zero volatility).
    """

    method: Method
    weights: dict[str, float]
    expected_return: float
    volatility: float
    sharpe_ratio: float


class OptimizeError(ValueError):
    """The request cannot be optimised; `field` is the request field at fault ("bounds", "symbols", ...)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def optimize(
    symbols: Sequence[str],
    returns: npt.ArrayLike,
    method: Method,
    *,
    bounds: Mapping[str, tuple[float, float]] | None = None,
    default_bounds: tuple[float, float] = (0.0, 1.0),
    risk_free: float = 0.0,
) -> Proposal:
    """The weights `method` proposes for `symbols`, long only (fully invested, no shorts, no leverage).

    `returns`: (days, len(symbols)) daily simple returns, column j for symbols[j], aligned by the caller (no
    NaN), at least 30 days. `bounds`: symbol -> (minimum, maximum) weight, 0 <= minimum <= maximum <= 1;
    symbols not in it take `default_bounds`. `risk_free`: a yearly rate, r_f = risk_free / 365 a day (simple,
    matching the arithmetic `expected_return`; app.quant.risk.sharpe compounds it instead).

    With mu the mean daily returns, S their sample covariance (ddof=1) and w within the bounds, sum(w) = 1:
    - MIN_VARIANCE: argmin w'Sw.
    - MAX_SHARPE: argmax (mu'w - r_f) / sqrt(w'Sw), the tangency portfolio (solved by the Charnes-Cooper
      transformation). OptimizeError when no w has mu'w > r_f: field "riskFree" if some w has mu'w > 0,
      else "method".
    - HRP: Lopez de Prado's Hierarchical Risk Parity as skfolio 1.12 computes it: Pearson distance
      sqrt((1 - corr) / 2), Ward linkage with optimal leaf ordering, then recursive bisection giving each half
      1 - v / (v + v_other) of its parent, v the variance of the half's inverse-variance portfolio; the bounds
      clamp each split so that every cluster stays within the sums of its members' bounds.
    - RISK_PARITY: equal risk contributions w_i (Sw)_i, i.e. y / sum(y) for y = argmin y'Sy subject to
      sum(log y) >= 0 (Spinu's convex form, skfolio's RiskBudgeting); with the bounds on y / sum(y) the
      contributions are equal only where no bound binds.
    Bounds that leave one portfolio (the minimums or the maximums summing to 1) give it, whatever the method.
    Assets whose maximum is 0 take no part. The solver's residue is cleaned: a weight within 1e-6 of a bound
    (or past it, as a tiny negative) is put on the bound and the gap to a sum of 1 is spread over the weights
    inside their bounds in proportion to their room, so the result is exactly feasible.
    Deterministic: no step is random (the clustering and the interior-point solves depend on the input only).

    OptimizeError fields: "symbols" (fewer than 2, repeated, or one whose returns never change), "returns"
    (wrong shape or not finite), "lookbackDays" (under 30 days), "method", "riskFree" (not finite),
    "bounds" and "defaultBounds" (a pair outside 0 <= min <= max <= 1, bounds for an unknown symbol, minimums
    summing above 1 or maximums below 1). RuntimeError if the solver fails on feasible input (a bug).

    skfolio (with scikit-learn, cvxpy and plotly) is imported on the first call, which takes seconds.

    >>> a = np.tile([0.02, -0.01, 0.01, -0.02], 10)  # 40 days
    >>> r = np.column_stack([a, 2 * np.roll(a, 1)])  # the second twice as volatile
    >>> p = optimize(["BTC-USD", "ETH-USD"], r, Method.RISK_PARITY)  # two assets: weights 1 / sigma
    >>> {symbol: round(weight, 4) for symbol, weight in p.weights.items()}
    {'BTC-USD': 0.6667, 'ETH-USD': 0.3333}
    >>> capped = optimize(["BTC-USD", "ETH-USD"], r, Method.RISK_PARITY, bounds={"BTC-USD": (0.0, 0.6)})
    >>> {symbol: round(weight, 4) for symbol, weight in capped.weights.items()}
    {'BTC-USD': 0.6, 'ETH-USD': 0.4}
    """
    names = _symbols(symbols)
    x = _returns(returns, len(names))
    try:
        method = Method(method)
    except ValueError:
        raise OptimizeError("method", f"unknown method {method!r}: one of {', '.join(Method)}") from None
    if not math.isfinite(risk_free):
        raise OptimizeError("riskFree", f"the risk-free rate must be a finite number, got {risk_free}")
    lo, hi = _bounds(names, bounds, default_bounds)
    flat = [name for name, column in zip(names, x.T, strict=True) if np.ptp(column) == 0]
    if flat:
        raise OptimizeError("symbols", f"the returns of {', '.join(flat)} never change over the lookback")
    weights = _clean(_solve(method, x, lo, hi, risk_free), lo, hi)
    daily = x @ weights
    expected = float(daily.mean()) * PERIODS_PER_YEAR
    volatility = float(daily.std(ddof=1)) * math.sqrt(PERIODS_PER_YEAR)
    sharpe = (expected - risk_free) / volatility if volatility > 0 else math.nan
    return Proposal(method, dict(zip(names, weights.tolist(), strict=True)), expected, volatility, sharpe)


def _symbols(symbols: Sequence[str]) -> list[str]:
    """The symbols as a list, at least two and none twice."""
    names = [str(symbol) for symbol in symbols]
    if len(names) < 2:
        raise OptimizeError("symbols", f"a portfolio needs at least 2 symbols, got {len(names)}")
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise OptimizeError("symbols", f"symbols given more than once: {', '.join(repeated)}")
    return names


def _returns(returns: npt.ArrayLike, n_assets: int) -> Floats:
    """The returns as a finite (days, n_assets) float64 array of at least MIN_LOOKBACK_DAYS rows."""
    try:
        x = np.asarray(returns, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise OptimizeError("returns", f"returns must be a (days, symbols) array of numbers: {exc}") from None
    if x.ndim != 2 or x.shape[1] != n_assets:
        raise OptimizeError("returns", f"returns must have shape (days, {n_assets}), got {x.shape}")
    if x.shape[0] < MIN_LOOKBACK_DAYS:
        raise OptimizeError(
            "lookbackDays", f"at least {MIN_LOOKBACK_DAYS} days of returns are needed, got {x.shape[0]}"
        )
    if not np.isfinite(x).all():
        raise OptimizeError("returns", "returns must be finite (align the symbols' days: no NaN)")
    return x


def _bounds(
    names: list[str], bounds: Mapping[str, tuple[float, float]] | None, default: tuple[float, float]
) -> tuple[Floats, Floats]:
    """Per-asset minimum and maximum weights, checked one by one and for a fully invested portfolio."""
    lo = np.empty(len(names))
    hi = np.empty(len(names))
    lo[:], hi[:] = _pair(default, "defaultBounds", "the default bounds")
    position = {name: i for i, name in enumerate(names)}
    for symbol, pair in (bounds or {}).items():
        if symbol not in position:
            raise OptimizeError("bounds", f"bounds are given for {symbol}, which is not among the symbols")
        lo[position[symbol]], hi[position[symbol]] = _pair(pair, "bounds", symbol)
    if lo.sum() > 1 + _SLACK:
        raise OptimizeError(
            "bounds", f"the minimum weights add up to {lo.sum():.6g}, more than 1: lower some minimums"
        )
    if hi.sum() < 1 - _SLACK:
        raise OptimizeError(
            "bounds",
            f"the maximum weights add up to {hi.sum():.6g}, less than 1: the portfolio cannot be fully "
            "invested; raise some maximums or add symbols",
        )
    return lo, hi


def _pair(pair: tuple[float, float], field: str, whose: str) -> tuple[float, float]:
    """One (minimum, maximum) weight pair, 0 <= minimum <= maximum <= 1 (long only, no leverage)."""
    try:
        low, high = (float(value) for value in pair)
    except (TypeError, ValueError):
        raise OptimizeError(
            field, f"{whose}: bounds must be a (minimum, maximum) pair, got {pair!r}"
        ) from None
    if not 0.0 <= low <= high <= 1.0:
        raise OptimizeError(
            field, f"{whose}: bounds must satisfy 0 <= minimum <= maximum <= 1, got ({low:g}, {high:g})"
        )
    return low, high


def _solve(method: Method, x: Floats, lo: Floats, hi: Floats, risk_free: float) -> Floats:
    """The method's raw weights (before `_clean`), on the assets whose maximum is above 0."""
    if hi.sum() <= 1 + _SLACK:
        return hi.copy()
    if lo.sum() >= 1 - _SLACK:
        return lo.copy()
    daily_rf = risk_free / PERIODS_PER_YEAR
    if method is Method.MAX_SHARPE:
        best = _best_return(x.mean(axis=0), lo, hi)
        if best <= daily_rf:
            raise OptimizeError(
                "riskFree" if best > 0 else "method",
                f"no portfolio within the bounds returned more than the risk-free rate over the lookback "
                f"(at best {best * PERIODS_PER_YEAR:.2%} a year against {risk_free:.2%}), so there is no "
                "positive Sharpe ratio to maximise; choose another method, lookback or risk-free rate",
            )
    active = hi > 0
    # Unit-scale returns suit the solver's absolute tolerances; every method's answer is scale-invariant.
    scale = float(x[:, active].std(axis=0, ddof=1).mean())
    weights = np.zeros(len(hi))
    weights[active] = _fit(method, x[:, active] / scale, lo[active], hi[active], daily_rf / scale)
    return weights


def _best_return(mu: Floats, lo: Floats, hi: Floats) -> float:
    """max mu'w over the bounds and sum(w) = 1: the minimums, then the rest to the best assets in turn."""
    weights = lo.copy()
    left = 1.0 - lo.sum()
    for i in np.argsort(-mu, kind="stable"):
        weights[i] += min(hi[i] - lo[i], left)
        left -= hi[i] - lo[i]
        if left <= 0:
            break
    return float(mu @ weights)


def _fit(method: Method, x: Floats, lo: Floats, hi: Floats, risk_free: float) -> Floats:
    """Raw skfolio weights from the first of `_ATTEMPTS` the solver reports optimal (else from the last)."""
    from skfolio.exceptions import OptimizationError

    failure: Exception | None = None
    for attempt, solver_params in enumerate(_ATTEMPTS, start=1):
        try:
            estimator = _estimator(method, lo, hi, risk_free, solver_params).fit(x)
        except OptimizationError as exc:
            failure = exc
            continue
        problem = getattr(estimator, "problem_", None)  # HRP solves no problem
        if problem is None or problem.status == "optimal" or attempt == len(_ATTEMPTS):
            return np.asarray(estimator.weights_, dtype=np.float64)
    raise RuntimeError(f"{method} failed on feasible input: {failure}")


def _estimator(
    method: Method, lo: Floats, hi: Floats, risk_free: float, solver_params: dict[str, float] | None
) -> Any:
    """The skfolio estimator of `method` (imported here: it takes seconds, and only optimisation needs it)."""
    from skfolio.measures import RiskMeasure
    from skfolio.optimization import HierarchicalRiskParity, MeanRisk, ObjectiveFunction, RiskBudgeting

    common: dict[str, Any] = {"risk_measure": RiskMeasure.VARIANCE, "min_weights": lo, "max_weights": hi}
    convex: dict[str, Any] = {"solver_params": solver_params, "save_problem": True, **common}
    match method:
        case Method.MIN_VARIANCE:
            return MeanRisk(objective_function=ObjectiveFunction.MINIMIZE_RISK, **convex)
        case Method.MAX_SHARPE:
            return MeanRisk(
                objective_function=ObjectiveFunction.MAXIMIZE_RATIO, risk_free_rate=risk_free, **convex
            )
        case Method.HRP:
            return HierarchicalRiskParity(**common)
        case Method.RISK_PARITY:
            return RiskBudgeting(**convex)


def _clean(weights: Floats, lo: Floats, hi: Floats) -> Floats:
    """Feasible weights from a solver's: each weight within 1e-6 of a bound, or past it, put on the bound
    (tiny negatives become 0), then the gap to a sum of 1 spread in proportion to the room to the bound it
    moves them towards, over the weights strictly inside their bounds (else the nonzero ones, else all) if
    they have room enough. Proportional to the room, no weight passes its bound."""
    weights = np.where(weights - lo < _SNAP, lo, np.where(hi - weights < _SNAP, hi, weights))
    gap = 1.0 - float(weights.sum())
    room = hi - weights if gap > 0 else weights - lo
    for movable in ((weights > lo) & (weights < hi), weights > 0):
        if (share := np.where(movable, room, 0.0)).sum() >= abs(gap):
            room = share
            break
    if gap and room.sum() > 0:
        weights = weights + gap * room / room.sum()
    return np.clip(weights, lo, hi) + 0.0
