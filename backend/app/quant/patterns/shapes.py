"""What a detected chart pattern is, and the view of the bars its rules read: as given, or mirrored."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from app.quant.patterns.swings import Array, Bar, IntArray, Line, Point, Swing, zigzag

Direction = Literal["bullish", "bearish"]


@dataclass(frozen=True, slots=True)
class Detection:
    """One completed pattern. `end` is the bar whose close completed it (the breakout, or the later bar
    confirming its last swing): nothing after `end` was used. `points` end with the breakout bar's close;
    `target` is the textbook measured move from `breakout_level`; `lines` are there to draw."""

    kind: str
    direction: Direction
    start: Bar
    end: Bar
    points: tuple[Point, ...]
    breakout_level: float
    target: float
    confidence: float
    lines: tuple[Line, ...]


@dataclass(frozen=True, slots=True)
class View:
    """The bars and swings as given (sign 1), or negated with highs and lows swapped (sign -1), so the rules
    written for tops find the bottoms too; every price leaving the view is multiplied back by `sign`."""

    sign: float
    ts: IntArray
    high: Array
    low: Array
    close: Array
    swings: tuple[Swing, ...]
    threshold: float
    tolerance: float

    def bar(self, index: int) -> Bar:
        return Bar(index, int(self.ts[index]))

    def point(self, index: int, price: float, label: str) -> Point:
        return Point(index, int(self.ts[index]), self.sign * float(price), label)

    def line(self, i1: int, p1: float, i2: int, p2: float, label: str) -> Line:
        return Line(int(self.ts[i1]), self.sign * p1, int(self.ts[i2]), self.sign * p2, label)

    def name(self, top: str, bottom: str) -> str:
        return top if self.sign > 0 else bottom

    def direction(self, up: bool) -> Direction:
        return "bullish" if up == (self.sign > 0) else "bearish"


def views(
    ts: IntArray, high: Array, low: Array, close: Array, threshold: float, tolerance: float
) -> tuple[View, View]:
    """The bars as given and mirrored, with the swings of `zigzag(high, low, threshold)`.

    >>> high, low = np.array([2.0, 3.0, 2.0]), np.array([1.0, 2.0, 1.0])
    >>> given, mirrored = views(np.arange(3), high, low, (high + low) / 2, 0.2, 0.01)
    >>> [(s.index, s.price, s.is_high) for s in given.swings]
    [(0, 1.0, False), (1, 3.0, True)]
    >>> [(s.index, s.price, s.is_high) for s in mirrored.swings], mirrored.high.tolist()
    ([(0, -1.0, True), (1, -3.0, False)], [-1.0, -2.0, -1.0])
    """
    swings = zigzag(high, low, threshold)
    mirrored = tuple(Swing(s.index, -s.price, not s.is_high, s.confirmed) for s in swings)
    return (
        View(1.0, ts, high, low, close, swings, threshold, tolerance),
        View(-1.0, ts, -low, -high, -close, mirrored, threshold, tolerance),
    )


def equal(a: float, b: float, tolerance: float) -> bool:
    """Both within `tolerance` of their mean.

    >>> equal(100.0, 102.0, 0.01), equal(100.0, 103.0, 0.01)
    (True, False)
    """
    return abs(a - b) <= tolerance * abs(a + b)


def symmetry(a: float, b: float, tolerance: float) -> float:
    """1 for equal prices, falling linearly to 0 at the edge of `equal`.

    >>> symmetry(100.0, 101.0, 0.01)
    0.5024875621890548
    """
    return max(0.0, 1.0 - abs(a - b) / (tolerance * abs(a + b)))


def balance(a: int, b: int) -> float:
    """Time symmetry of two spans of bars: the shorter over the longer.

    >>> balance(10, 8)
    0.8
    """
    return min(a, b) / max(a, b)


def break_below(
    v: View, after: int, bars: int, origin: int, level: float, slope: float, cap: float
) -> int | None:
    """The first of the `bars` bars after `after` closing below the line (origin, level) of `slope` per bar,
    provided no high up to and including it went above `cap` (the pattern's last top still holds).

    >>> close = np.array([5.0, 4.0, 3.0, 2.0, 1.0])
    >>> v = views(np.arange(5), close + 1, close, close, 0.1, 0.01)[0]
    >>> break_below(v, 0, 4, 0, 2.5, 0.0, 6.0), break_below(v, 0, 4, 0, 2.5, 0.0, 4.5)
    (3, None)
    """
    start, stop = after + 1, min(after + 1 + bars, len(v.close))
    if start >= stop:
        return None
    below = v.close[start:stop] < level + slope * (np.arange(start, stop) - origin)
    if not below.any():
        return None
    j = start + int(below.argmax())
    return None if (v.high[start : j + 1] > cap).any() else j
