"""Input conventions every risk function shares: float64 arrays, dropped NaN returns, carried NaN marks."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]
ArrayLike = npt.ArrayLike

# A standard deviation this small next to the mean is numpy's rounding residue, not dispersion.
_RESIDUE = 1e-12


def floats(values: ArrayLike) -> Floats:
    """The values as a 1-D float64 array (no copy when they already are one); ValueError for other shapes.

    >>> floats([1, 2]).dtype.name
    'float64'
    """
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1:
        raise ValueError(f"expected a 1-D series, got shape {array.shape}")
    return array


def observed(returns: ArrayLike) -> tuple[Floats, float]:
    """The returns without NaNs (a missing period is no observation) and their mean (NaN when none is left).

    The mean is computed anyway, and is NaN exactly when a NaN is present, so clean input costs no extra pass.

    >>> x, mean = observed([0.01, math.nan, 0.03])
    >>> x.tolist(), round(mean, 6)
    ([0.01, 0.03], 0.02)
    """
    x = floats(returns)
    mean = float(x.mean()) if len(x) else math.nan
    if math.isnan(mean) and len(x):
        x = x[~np.isnan(x)]
        mean = float(x.mean()) if len(x) else math.nan
    return x, mean


def spread(x: Floats, mean: float) -> float:
    """Sample standard deviation (ddof=1) of NaN-free `x`: NaN under two values, 0.0 if all are equal.

    >>> float(np.std([0.1] * 7, ddof=1)) > 0, spread(np.array([0.1] * 7), 0.1)
    (True, 0.0)
    """
    if len(x) < 2:
        return math.nan
    deviation = float(np.std(x, ddof=1))
    if 0.0 < deviation <= _RESIDUE * abs(mean) and x.min() == x.max():
        return 0.0
    return deviation


def carried(marks: Floats) -> Floats:
    """Marks with each NaN replaced by the last value before it, leading NaNs by the first; all-NaN stays.

    >>> carried(np.array([math.nan, 2.0, math.nan, 3.0, math.nan])).tolist()
    [2.0, 2.0, 2.0, 3.0, 3.0]
    """
    missing = np.isnan(marks)
    if missing.all() or not missing.any():
        return marks
    index = np.arange(len(marks))
    first = int(np.argmax(~missing))
    return marks[np.maximum.accumulate(np.where(missing, first, index))]
