"""Attribution against the portfolio's own targets: contributions and allocation effects, Carino-linked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from app.quant.risk.arrays import ArrayLike, Floats, floats

# Weights and targets must sum to 1 (or a day's weights to 0) within this; they are then divided by their sum
# so that the daily effects add up to the daily totals to float rounding.
TOLERANCE = 1e-6


@dataclass(frozen=True, slots=True)
class Attribution:
    """`attribute`'s result: period returns (fractions) and per-symbol effects that add up to them."""

    portfolio_return: float
    benchmark_return: float
    excess_return: float
    contribution: dict[str, float]
    allocation_effect: dict[str, float]


def attribute(
    symbols: Sequence[str], weights: ArrayLike, returns: ArrayLike, targets: ArrayLike
) -> Attribution:
    """Attribution of the portfolio's return over the days against its targets held at constant weight.

    `weights[t, i]` is asset i's share of the portfolio's value at the start of day t (each row sums to 1, or
    to 0 on a day with no value), `returns[t, i]` its return over day t and `targets[i]` its target weight
    (summing to 1; 0 for a symbol held without a target). With R_t = sum_i w[t, i] r[t, i] and
    B_t = sum_i b_i r[t, i]:

    - portfolio_return R = prod_t(1 + R_t) - 1; benchmark_return B = prod_t(1 + B_t) - 1, the targets
      rebalanced daily; excess_return = R - B;
    - contribution_i = sum_t (k_t / K) * w[t, i] r[t, i], with Carino's logarithmic linking
      k_t = ln(1 + R_t) / R_t and K = ln(1 + R) / R (1 where R_t or R is 0), so the contributions sum to R:
      sum_i contribution_i = sum_t k_t R_t / K = sum_t ln(1 + R_t) / K = ln(1 + R) / K = R;
    - allocation_effect_i = sum_t (k~_t / K~) * (w[t, i] - b_i) (r[t, i] - B_t), Carino's two-series form
      for an excess (D. R. Carino, "Combining Attribution Effects Over Time", Journal of Performance
      Measurement 3(4), 1999): k~_t = (ln(1 + R_t) - ln(1 + B_t)) / (R_t - B_t) and
      K~ = (ln(1 + R) - ln(1 + B)) / (R - B), computed as ln(1 + d / (1 + B)) / d for the excess d (exact
      near d = 0), with the limit 1 / (1 + B) where the two are equal. They sum to R - B the same way.

    Why allocation alone adds up to the excess: this is Brinson-Fachler at asset level, every asset its own
    sector. Its selection effect b_i (rp_i - rb_i) and interaction (w_i - b_i)(rp_i - rb_i) compare the
    portfolio's and the benchmark's returns inside a sector, and both hold the same asset: rp_i = rb_i = r_i,
    so both are 0. Each day, since sum_i w_i = sum_i b_i = 1,
    sum_i (w_i - b_i)(r_i - B_t) = sum_i w_i r_i - sum_i b_i r_i - B_t (sum_i w_i - sum_i b_i) = R_t - B_t.

    A day whose weights sum to 0 (no value) is left out of both the portfolio and the benchmark: there is
    nothing to attribute. Rows and targets are divided by their sums (within 1e-6 of 1). A NaN return
    counts as 0 for an asset neither held that day nor targeted (an asset not yet listed); elsewhere it is
    a ValueError naming the symbol, as are a daily return of -100% or less (nothing left to link), repeated
    symbols and disagreeing shapes.

    >>> a = attribute(["A", "B"], [[0.6, 0.4]], [[0.1, 0.0]], [0.5, 0.5])  # one day: no linking
    >>> round(a.portfolio_return, 6), round(a.benchmark_return, 6), round(a.excess_return, 6)
    (0.06, 0.05, 0.01)
    >>> {k: round(v, 6) for k, v in a.allocation_effect.items()}  # .1 * (.1 - .05), -.1 * (0 - .05)
    {'A': 0.005, 'B': 0.005}
    """
    names = list(symbols)
    w = np.asarray(weights, dtype=np.float64)
    r = np.asarray(returns, dtype=np.float64)
    b = floats(targets)
    if w.ndim != 2 or w.shape != r.shape or w.shape[1] != len(b) or len(b) != len(names):
        raise ValueError(
            f"weights {w.shape} and returns {r.shape} must be (days, {len(names)}) for {len(names)} symbols "
            f"and {len(b)} targets"
        )
    if len(set(names)) != len(names):
        raise ValueError(f"symbols repeat: {names}")
    b = b / _sum_to_one(float(b.sum()), "targets")
    w, r = _invested_days(w, r)
    r = _known_returns(names, w, r, b)

    daily = (w * r).sum(axis=1)
    benchmark = r @ b
    if len(daily) and min(float(daily.min()), float(benchmark.min())) <= -1.0:
        raise ValueError("a daily return of -100% or less leaves nothing to link")
    total = float(np.prod(1.0 + daily)) - 1.0
    bench_total = float(np.prod(1.0 + benchmark)) - 1.0

    link = _log_link(daily) / _log_link(np.array([total]))[0]
    excess_link = _excess_link(daily, benchmark) / _excess_link(np.array([total]), np.array([bench_total]))[0]
    contribution = link @ (w * r)
    allocation = excess_link @ ((w - b) * (r - benchmark[:, None]))
    return Attribution(
        portfolio_return=total,
        benchmark_return=bench_total,
        excess_return=total - bench_total,
        contribution=dict(zip(names, contribution.tolist(), strict=True)),
        allocation_effect=dict(zip(names, allocation.tolist(), strict=True)),
    )


def _sum_to_one(total: float, what: str) -> float:
    """The sum, checked to be 1 within TOLERANCE."""
    if not abs(total - 1.0) <= TOLERANCE:
        raise ValueError(f"{what} must sum to 1, got {total}")
    return total


def _invested_days(w: Floats, r: Floats) -> tuple[Floats, Floats]:
    """The days with value, their weights divided by their sums; ValueError for a row summing to neither."""
    sums = w.sum(axis=1)
    invested = ~(np.abs(sums) <= TOLERANCE)
    wrong = np.flatnonzero(invested & ~(np.abs(sums - 1.0) <= TOLERANCE))
    if len(wrong):
        _sum_to_one(float(sums[wrong[0]]), f"the weights of day {wrong[0]}")
    return w[invested] / sums[invested, None], r[invested]


def _known_returns(names: list[str], w: Floats, r: Floats, b: Floats) -> Floats:
    """The returns with a NaN set to 0 where the asset is neither held nor targeted; ValueError elsewhere."""
    if not np.isnan(r).any() and not np.isnan(w).any():
        return r
    if np.isnan(w).any():
        raise ValueError("weights contain NaN")
    idle = (w == 0.0) & (b == 0.0)[None, :]
    r = np.where(np.isnan(r) & idle, 0.0, r)
    unknown = np.flatnonzero(np.isnan(r).any(axis=0))
    if len(unknown):
        raise ValueError(f"no return for {names[int(unknown[0])]} on a day it is held or targeted")
    return r


def _log_link(x: Floats) -> Floats:
    """Carino's k = ln(1 + x) / x, with its limit 1 at x = 0."""
    zero = x == 0.0
    return np.where(zero, 1.0, np.log1p(x) / np.where(zero, 1.0, x))


def _excess_link(p: Floats, b: Floats) -> Floats:
    """Carino's (ln(1 + p) - ln(1 + b)) / (p - b) as ln(1 + d / (1 + b)) / d, d = p - b (no cancellation
    when p and b are close), with its limit 1 / (1 + b) at d = 0."""
    d = p - b
    zero = d == 0.0
    return np.where(zero, 1.0 / (1.0 + b), np.log1p(d / (1.0 + b)) / np.where(zero, 1.0, d))
