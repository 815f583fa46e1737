"""Zig-zag swing highs and lows, and the points and lines chart patterns are described and drawn with."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: its position in the input arrays and its open time (epoch seconds)."""

    index: int
    ts: int


@dataclass(frozen=True, slots=True)
class Point:
    """A key point of a pattern, level or line: bar `index` (open time `ts`), `price` and what it is."""

    index: int
    ts: int
    price: float
    label: str


@dataclass(frozen=True, slots=True)
class Line:
    """A segment to draw, from (ts1, price1) to (ts2, price2); straight in bars (not in time across gaps)."""

    ts1: int
    price1: float
    ts2: int
    price2: float
    label: str


@dataclass(frozen=True, slots=True)
class Swing:
    """A zig-zag extreme: the high (or low) of bar `index`, known as a swing once bar `confirmed` closed."""

    index: int
    price: float
    is_high: bool
    confirmed: int


def zigzag(high: Array, low: Array, threshold: float) -> tuple[Swing, ...]:
    """Alternating swing highs and lows: each extreme is confirmed once price reverses `threshold` from it.

    Rules, one pass over the bars: while rising, the candidate is the highest high since the last swing low;
    it becomes a swing high at the first later bar whose low is at or below candidate * (1 - threshold),
    and that bar's low is the first candidate low. Falling mirrors it: a swing low is confirmed by a high at
    or above candidate * (1 + threshold). A bar that makes a new extreme does not also confirm it (the order
    of high and low inside a bar is unknown). Before the first swing both extremes are tracked and the
    earlier one is confirmed first. So a swing depends only on bars up to `confirmed` (> `index`), and the
    last, unconfirmed extreme is not returned.

    >>> high = np.array([10.0, 11.0, 12.0, 10.5, 9.5, 10.0, 11.5])
    >>> low = np.array([9.5, 10.5, 11.5, 10.0, 9.0, 9.5, 11.0])
    >>> [(s.index, s.price, s.is_high, s.confirmed) for s in zigzag(high, low, 0.1)]
    [(0, 9.5, False, 1), (2, 12.0, True, 3), (4, 9.0, False, 5)]
    """
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"threshold must be between 0 and 1 (a fraction), got {threshold}")
    highs, lows = high.tolist(), low.tolist()
    first = _first_swing(highs, lows, threshold)
    if first is None:
        return ()
    swing, extreme, at = first
    swings = [swing]
    up, down = 1.0 + threshold, 1.0 - threshold
    rising = not swing.is_high
    for i in range(swing.confirmed + 1, len(highs)):
        if rising:
            if highs[i] > extreme:
                extreme, at = highs[i], i
            elif lows[i] <= extreme * down:
                swings.append(Swing(at, extreme, True, i))
                rising, extreme, at = False, lows[i], i
        elif lows[i] < extreme:
            extreme, at = lows[i], i
        elif highs[i] >= extreme * up:
            swings.append(Swing(at, extreme, False, i))
            rising, extreme, at = True, highs[i], i
    return tuple(swings)


def _first_swing(highs: list[float], lows: list[float], threshold: float) -> tuple[Swing, float, int] | None:
    """The first swing, with the opposite candidate extreme after it (price, bar), or None if there is none.

    Both extremes are tracked; a bar reversing from both confirms the earlier one. The candidate left is the
    opposite extreme since the swing (the bars between did not reverse from it, so it is this bar's, unless
    the other tracked extreme came after the swing and goes further).
    """
    up, down = 1.0 + threshold, 1.0 - threshold
    if not highs:
        return None
    hi, hi_i, lo, lo_i = highs[0], 0, lows[0], 0
    for i in range(1, len(highs)):
        fell, rose = lows[i] <= hi * down, highs[i] >= lo * up
        if fell and (not rose or hi_i < lo_i):
            low_after = lo_i > hi_i and lo < lows[i]
            return Swing(hi_i, hi, True, i), *((lo, lo_i) if low_after else (lows[i], i))
        if rose:
            high_after = hi_i > lo_i and hi > highs[i]
            return Swing(lo_i, lo, False, i), *((hi, hi_i) if high_after else (highs[i], i))
        if highs[i] > hi:
            hi, hi_i = highs[i], i
        if lows[i] < lo:
            lo, lo_i = lows[i], i
    return None
