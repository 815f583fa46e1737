"""Value at Risk and Expected Shortfall (CVaR) of per-period returns, historical and Gaussian; loss > 0."""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np

from app.quant.risk.arrays import ArrayLike, observed, spread

_NORMAL = NormalDist()


def historical_var(returns: ArrayLike, confidence: float = 0.95) -> float:
    """Historical VaR: -q, q the (1 - confidence) quantile of the returns, numpy's default linear
    interpolation between order statistics (Hyndman-Fan type 7, as pandas' `quantile`). A LOSS IS POSITIVE:
    0.02 means a 2% loss per period is exceeded with probability 1 - confidence (negative when even that
    quantile is a gain).

    Per period, not scaled to a horizon. NaNs are dropped; NaN when none is left; ValueError unless
    0 < confidence < 1. QuantStats has no historical VaR (its `var` is the Gaussian one, as a negative
    return).

    >>> round(historical_var([-0.04, -0.02, 0.0, 0.02, 0.04], confidence=0.75), 6)
    0.02
    """
    tail = _tail(confidence)
    x, _ = observed(returns)
    return -float(np.quantile(x, tail)) if len(x) else math.nan


def historical_cvar(returns: ArrayLike, confidence: float = 0.95) -> float:
    """Historical CVaR (Expected Shortfall): -mean(r[r <= q]), q as in `historical_var`, so the mean loss in
    the worst (1 - confidence) of periods, positive as a loss, >= historical_var. Never empty (the lowest
    return is <= q). NaN and confidence handling as `historical_var`. QuantStats' `cvar` averages the returns
    below its Gaussian VaR instead (a mixed definition), as a negative number.

    >>> round(historical_cvar([-0.04, -0.02, 0.0, 0.02, 0.04], confidence=0.75), 6)  # mean of -0.04, -0.02
    0.03
    """
    tail = _tail(confidence)
    x, _ = observed(returns)
    if not len(x):
        return math.nan
    threshold = np.quantile(x, tail)
    return -float(x[x <= threshold].mean())


def parametric_var(returns: ArrayLike, confidence: float = 0.95) -> float:
    """Gaussian (variance-covariance) VaR: -(mu - z * sigma) = z * sigma - mu, mu the mean and sigma the
    sample standard deviation (ddof=1) of the returns, z the standard normal's confidence quantile
    (1.644854 at 95%).

    Positive as a loss, per period. NaNs dropped; NaN under two returns; ValueError unless 0 < confidence < 1.
    The negative of QuantStats' `value_at_risk(returns, sigma=1, confidence)`.

    >>> r = [-0.04, -0.02, 0.0, 0.02, 0.04]  # mu 0, sigma sqrt(0.001) = 0.0316228
    >>> round(parametric_var(r, confidence=0.95), 6)  # 1.644854 * 0.0316228
    0.052015
    """
    tail = _tail(confidence)
    x, mean = observed(returns)
    return _NORMAL.inv_cdf(1.0 - tail) * spread(x, mean) - mean


def parametric_cvar(returns: ArrayLike, confidence: float = 0.95) -> float:
    """Gaussian Expected Shortfall: sigma * phi(z) / (1 - confidence) - mu, phi the standard normal density
    and z, mu, sigma as in `parametric_var`: the mean loss beyond the Gaussian VaR, positive as a loss.

    NaN and confidence handling as `parametric_var`. QuantStats has no closed-form one (see
    `historical_cvar`).

    >>> r = [-0.04, -0.02, 0.0, 0.02, 0.04]
    >>> round(parametric_cvar(r, confidence=0.95), 6)  # 0.0316228 * 0.103136 / 0.05
    0.065229
    """
    tail = _tail(confidence)
    x, mean = observed(returns)
    return spread(x, mean) * _NORMAL.pdf(_NORMAL.inv_cdf(1.0 - tail)) / tail - mean


def _tail(confidence: float) -> float:
    """The tail probability 1 - confidence, checked."""
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be strictly between 0 and 1, got {confidence}")
    return 1.0 - confidence
