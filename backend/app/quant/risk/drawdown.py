"""Drawdowns of marks (prices or equity): the curve, the maximum, and the deepest and longest episodes."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from app.quant.risk.arrays import ArrayLike, Floats, carried, floats


@dataclass(frozen=True, slots=True)
class Drawdown:
    """One stretch below a previous peak: `peak` is the last index at the peak before it, `trough` the lowest
    mark in it (the first if tied), `recovery` the first index back at or above the peak (None if it never
    is), `bars` the number of marks below the peak (recovery - peak - 1, or up to the end), and
    `depth` = m[trough] / m[peak] - 1.
    """

    depth: float
    peak: int
    trough: int
    recovery: int | None
    bars: int


@dataclass(frozen=True, slots=True)
class Drawdowns:
    """`drawdown_summary`'s result: the maximum drawdown and its episode, and the longest episode."""

    max_drawdown: float
    deepest: Drawdown | None
    longest: Drawdown | None


def drawdown_series(marks: ArrayLike) -> Floats:
    """Drawdown at each mark: d[t] = m[t] / max(m[0..t]) - 1, so 0 at a new peak and negative below one.

    NaN marks are carried forward (the last known value; leading ones take the first), so a gap neither sets a
    peak nor ends a drawdown (QuantStats fills missing returns with 0, which is the same). The first mark is
    the first peak: to count a loss on the first return, put the starting value first (QuantStats adds a
    phantom baseline mark for that). All-NaN marks give NaN.

    >>> drawdown_series([100.0, 120.0, 90.0, 120.0, 132.0]).round(6).tolist()
    [0.0, 0.0, -0.25, 0.0, 0.0]
    """
    m, peaks = _peaks(floats(marks))
    return m / peaks - 1.0


def max_drawdown(marks: ArrayLike) -> float:
    """The lowest drawdown, min(drawdown_series(marks)): a negative fraction (-0.25 for a 25% fall), 0.0 when
    the marks never fall below a previous peak, for empty or all-NaN marks. As QuantStats' `max_drawdown`
    (negative too).

    >>> max_drawdown([100.0, 120.0, 90.0, 130.0, 117.0])
    -0.25
    """
    d = drawdown_series(marks)
    low = float(d.min()) if len(d) else 0.0
    return 0.0 if math.isnan(low) else low


def drawdown_summary(marks: ArrayLike) -> Drawdowns:
    """The maximum drawdown (as `max_drawdown`), the episode it falls in and the longest episode by `bars`
    (the first of equals), in one pass over the running peak. NaN marks as `drawdown_series`.

    QuantStats' `drawdown_details` counts an episode's days from its first day below the peak to its last,
    inclusive, which equals `bars` here for bars of one day.

    >>> s = drawdown_summary([100.0, 75.0, 100.0, 87.5, 95.0, 99.0, 100.0, 90.0])
    >>> s.max_drawdown, s.deepest
    (-0.25, Drawdown(depth=-0.25, peak=0, trough=1, recovery=2, bars=1))
    >>> s.longest
    Drawdown(depth=-0.125, peak=2, trough=3, recovery=6, bars=3)
    """
    m, peaks = _peaks(floats(marks))
    if not len(m) or math.isnan(peaks[-1]):
        return Drawdowns(0.0, None, None)
    under = np.concatenate(([False], m < peaks, [False])).astype(np.int8)
    edges = np.diff(under)
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    if not len(starts):
        return Drawdowns(0.0, None, None)
    # The marks between two stretches are new peaks, above the earlier stretch: each reduceat segment's
    # minimum is its stretch's, with no full-length array of drawdowns built.
    depths = np.minimum.reduceat(m, starts) / m[starts - 1] - 1.0
    deepest, longest = int(np.argmin(depths)), int(np.argmax(ends - starts))
    return Drawdowns(
        float(depths[deepest]),
        _episode(m, int(starts[deepest]), int(ends[deepest])),
        _episode(m, int(starts[longest]), int(ends[longest])),
    )


def _peaks(m: Floats) -> tuple[Floats, Floats]:
    """The marks (NaNs carried) and their running maximum."""
    peaks = np.maximum.accumulate(m) if len(m) else m
    if len(m) and math.isnan(peaks[-1]):  # np.maximum propagates NaN: the last peak is NaN iff any mark is
        m = carried(m)
        peaks = np.maximum.accumulate(m)
    return m, peaks


def _episode(m: Floats, start: int, end: int) -> Drawdown:
    """The stretch of marks below their peak m[start - 1] from index `start` up to, not including, `end`."""
    trough = start + int(np.argmin(m[start:end]))
    depth = float(m[trough] / m[start - 1] - 1.0)
    return Drawdown(depth, start - 1, trough, end if end < len(m) else None, end - start)
