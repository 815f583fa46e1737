"""Support and resistance levels from clustered swing prices, and trend lines and channels through swings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Literal

import numpy as np

from app.quant.patterns.swings import Array, Bar, IntArray, Line, Point, Swing

Side = Literal["support", "resistance"]


@dataclass(frozen=True, slots=True)
class Level:
    """A horizontal level where swings turned: `touches` are those swings, `first`/`last` the earliest and
    latest of them, `kind` its side of the last close and `strength` the recency-weighted touch count."""

    price: float
    kind: Side
    touches: tuple[Point, ...]
    first: Bar
    last: Bar
    strength: float


@dataclass(frozen=True, slots=True)
class TrendLine:
    """A rising support line through swing lows or a falling resistance line through swing highs, not
    crossed by any close from its first anchor to the last bar. `slope` is price per bar; `line` runs from
    the first anchor to the last bar, and `channel` is its parallel through the farthest opposite swing."""

    kind: Side
    anchors: tuple[Point, Point]
    touches: tuple[Point, ...]
    slope: float
    line: Line
    channel: Line | None


def _point(swing: Swing, ts: IntArray) -> Point:
    return Point(
        swing.index, int(ts[swing.index]), swing.price, "swing_high" if swing.is_high else "swing_low"
    )


def levels(
    swings: Sequence[Swing],
    ts: IntArray,
    last_close: float,
    tolerance: float,
    *,
    min_touches: int = 2,
    half_life: float = 20.0,
    limit: int = 10,
) -> tuple[Level, ...]:
    """The `limit` strongest levels of at least `min_touches` swings, strongest first.

    Swing prices (highs and lows alike: a broken resistance becomes support) are sorted and grouped
    greedily: a group opened at the lowest remaining price p takes every price up to p * (1 + 2 * tolerance),
    so each member is within about `tolerance` of the group's middle. A level's price is its members' mean;
    it is support below the last close (or at it) and resistance above. Strength = sum over touches of
    0.5 ** (age / half_life), where age counts the swings confirmed after the touch (the latest swing
    weighs 1, one `half_life` of swings earlier weighs 0.5).

    >>> from app.quant.patterns.swings import Swing
    >>> swings = [Swing(0, 100.0, True, 1), Swing(2, 90.0, False, 3), Swing(4, 100.5, True, 5),
    ...           Swing(6, 95.0, False, 7), Swing(8, 99.8, True, 9)]
    >>> [(round(lv.price, 2), lv.kind, len(lv.touches)) for lv in levels(swings, np.arange(10), 97.0, 0.01)]
    [(100.1, 'resistance', 3)]
    """
    count = len(swings)
    order = sorted(range(count), key=lambda k: swings[k].price)
    groups: list[list[int]] = []
    for k in order:
        if groups and swings[k].price <= swings[groups[-1][0]].price * (1 + 2 * tolerance):
            groups[-1].append(k)
        else:
            groups.append([k])
    found = [
        _level(group, swings, ts, last_close, half_life) for group in groups if len(group) >= min_touches
    ]
    found.sort(key=lambda level: (-level.strength, level.price))
    return tuple(found[:limit])


def _level(
    group: list[int], swings: Sequence[Swing], ts: IntArray, last_close: float, half_life: float
) -> Level:
    group = sorted(group)
    touches = tuple(_point(swings[k], ts) for k in group)
    price = sum(t.price for t in touches) / len(touches)
    strength = sum(0.5 ** ((len(swings) - 1 - k) / half_life) for k in group)
    first, last = touches[0], touches[-1]
    return Level(
        price=price,
        kind="support" if price <= last_close else "resistance",
        touches=touches,
        first=Bar(first.index, first.ts),
        last=Bar(last.index, last.ts),
        strength=round(strength, 6),
    )


def trend_lines(
    swings: Sequence[Swing],
    ts: IntArray,
    close: Array,
    tolerance: float,
    *,
    recent: int = 8,
    limit: int = 3,
) -> tuple[TrendLine, ...]:
    """Active trend lines: up to `limit` support and `limit` resistance lines, best first in each.

    A support line joins two of the last `recent` swing lows, the later one higher; a resistance line two
    of the last `recent` swing highs, the later one lower. It is kept only if no close from its first
    anchor to the last bar is beyond it (below a support, above a resistance). Its touches are the swings
    of its side from the first anchor on within `tolerance` (relative) of it, anchors included; lines are
    ranked by touches, then by the later second anchor, then by the longer span, and a line whose anchors
    both touch a better one is the same line and dropped. The channel is the
    parallel through the opposite swing (a high for support) between the anchors farthest from the line.

    >>> from app.quant.patterns.swings import Swing
    >>> swings = [Swing(0, 90.0, False, 1), Swing(3, 100.0, True, 4), Swing(6, 93.0, False, 7),
    ...           Swing(9, 103.0, True, 10), Swing(12, 96.0, False, 13)]
    >>> close = np.array([91, 94, 97, 99, 97, 95, 94, 97, 100, 102, 100, 98, 97, 99, 101.0])
    >>> found = trend_lines(swings, np.arange(15), close, 0.01)
    >>> [(t.kind, [p.index for p in t.touches], t.slope) for t in found]
    [('support', [0, 6, 12], 0.5)]
    >>> found[0].channel
    Line(ts1=0, price1=98.5, ts2=14, price2=105.5, label='channel')
    """
    found: list[TrendLine] = []
    for support in (True, False):
        side = [s for s in swings if s.is_high != support][-recent:]
        opposite = [s for s in swings if s.is_high == support]
        lines = [
            line
            for a, b in combinations(side, 2)
            if (b.price > a.price if support else b.price < a.price)
            and (line := _trend_line(a, b, side, opposite, ts, close, tolerance, support)) is not None
        ]
        lines.sort(key=lambda t: (-len(t.touches), -t.anchors[1].index, t.anchors[0].index))
        found.extend(_distinct(lines)[:limit])
    return tuple(found)


def _distinct(ranked: list[TrendLine]) -> list[TrendLine]:
    # Three collinear swings give three pairs drawing one line: keep the best ranked of them.
    kept: list[TrendLine] = []
    for line in ranked:
        if not any({p.index for p in line.anchors} <= {p.index for p in k.touches} for k in kept):
            kept.append(line)
    return kept


def _trend_line(
    a: Swing,
    b: Swing,
    side: Sequence[Swing],
    opposite: Sequence[Swing],
    ts: IntArray,
    close: Array,
    tolerance: float,
    support: bool,
) -> TrendLine | None:
    slope = (b.price - a.price) / (b.index - a.index)
    last = len(close) - 1
    bars = np.arange(a.index, last + 1)
    distance = close[a.index :] - (a.price + slope * (bars - a.index))
    if (distance < 0).any() if support else (distance > 0).any():
        return None

    def at(index: int) -> float:
        return a.price + slope * (index - a.index)

    touches = tuple(
        _point(s, ts)
        for s in side
        if s.index >= a.index and abs(s.price - at(s.index)) <= tolerance * abs(at(s.index))
    )
    between = [s.price - at(s.index) for s in opposite if a.index < s.index < b.index]
    channel = None
    if between:
        offset = max(between) if support else min(between)
        channel = Line(int(ts[a.index]), at(a.index) + offset, int(ts[last]), at(last) + offset, "channel")
    return TrendLine(
        kind="support" if support else "resistance",
        anchors=(_point(a, ts), _point(b, ts)),
        touches=touches,
        slope=slope,
        line=Line(int(ts[a.index]), a.price, int(ts[last]), at(last), "support" if support else "resistance"),
        channel=channel,
    )
