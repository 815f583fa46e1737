"""A series against a benchmark: beta and correlation of paired per-period returns."""

from __future__ import annotations

import math

import numpy as np

from app.quant.risk.arrays import ArrayLike, Floats, floats, spread


def beta(returns: ArrayLike, benchmark: ArrayLike) -> float:
    """Beta: cov(r, b) / var(b), both with ddof=1 (the slope of r regressed on b by least squares).

    Pairs where either value is NaN are dropped (as QuantStats' `greeks`); NaN for fewer than two pairs or a
    constant benchmark (QuantStats reports 0 there); ValueError for different lengths.

    >>> round(beta([0.03, -0.01, 0.01, -0.01], [0.01, -0.01, 0.01, -0.01]), 6)  # cov 6e-4/3, var 4e-4/3
    1.5
    """
    r, b = _paired(returns, benchmark)
    variance = spread(b, _mean(b)) ** 2
    return _covariance(r, b) / variance if variance > 0 else math.nan


def correlation(returns: ArrayLike, benchmark: ArrayLike) -> float:
    """Pearson correlation: cov(r, b) / (std(r) * std(b)), in [-1, 1]. Pairs with a NaN dropped; NaN for fewer
    than two pairs or either series constant; ValueError for different lengths.

    >>> round(correlation([0.03, -0.01, 0.01, -0.01], [0.01, -0.01, 0.01, -0.01]), 6)  # 6 / sqrt(4 * 11)
    0.904534
    """
    r, b = _paired(returns, benchmark)
    scale = spread(r, _mean(r)) * spread(b, _mean(b))
    return float(np.clip(_covariance(r, b) / scale, -1.0, 1.0)) if scale > 0 else math.nan


def _paired(returns: ArrayLike, benchmark: ArrayLike) -> tuple[Floats, Floats]:
    r, b = floats(returns), floats(benchmark)
    if len(r) != len(b):
        raise ValueError(f"returns and benchmark differ in length: {len(r)} and {len(b)}")
    both = ~(np.isnan(r) | np.isnan(b))
    return (r, b) if both.all() else (r[both], b[both])


def _mean(x: Floats) -> float:
    return float(x.mean()) if len(x) else math.nan


def _covariance(r: Floats, b: Floats) -> float:
    if len(r) < 2:
        return math.nan
    return float(np.dot(r - r.mean(), b - b.mean()) / (len(r) - 1))
