"""The chart pattern scan: every kind over one series of bars, with its levels, trend lines and swings."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from app.quant.patterns.continuations import flags, triangles
from app.quant.patterns.levels import Level, TrendLine, levels, trend_lines
from app.quant.patterns.reversals import double_tops, head_and_shoulders
from app.quant.patterns.shapes import Detection, views
from app.quant.patterns.swings import Point

KINDS = (
    "double_top",
    "double_bottom",
    "head_and_shoulders",
    "inverse_head_and_shoulders",
    "ascending_triangle",
    "descending_triangle",
    "symmetrical_triangle",
    "bull_flag",
    "bear_flag",
)
MIN_BARS = 30
THRESHOLD = 0.03  # zig-zag reversal: 3%, about a day's range of BTC on 1h bars
TOLERANCE = 0.015  # "equal" prices: within 1.5% of their mean, as in Lo, Mamaysky & Wang (2000)


class PatternError(ValueError):
    """A bad argument to `detect`; `field` names it (kinds, threshold, tolerance or bars)."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class ChartScan:
    """`detect`'s result: patterns by completion bar, then levels, trend lines and swings as of the last
    bar, and `note` saying why there is nothing to find (too few bars or swings), else None."""

    detections: tuple[Detection, ...]
    levels: tuple[Level, ...]
    trend_lines: tuple[TrendLine, ...]
    swings: tuple[Point, ...]
    note: str | None = None


def detect(
    ts: npt.ArrayLike,
    open_: npt.ArrayLike,
    high: npt.ArrayLike,
    low: npt.ArrayLike,
    close: npt.ArrayLike,
    kinds: Iterable[str] | None = None,
    threshold: float = THRESHOLD,
    tolerance: float = TOLERANCE,
) -> ChartScan:
    """Every pattern of `kinds` (default: all of KINDS) completed in the bars, oldest first.

    Swings are `zigzag(high, low, threshold)`; "equal" prices are within `tolerance` of their mean. Each
    kind's rules, target and confidence formula are in the docstring of `reversals.double_tops`,
    `reversals.head_and_shoulders`, `continuations.triangles` or `continuations.flags`. A pattern is
    reported once its last swing is confirmed and a close has broken out, using only bars up to that one,
    so a scan of the first k bars finds exactly the patterns of a longer scan that end before bar k. When
    several patterns of a kind (any triangle counts as one kind) break out on the same bar, the one
    completed first is kept (then the most confident). No rule reads `open_` (it keeps the OHLC signature).

    >>> bars = [(0, 80.0), (20, 100.0), (30, 90.0), (40, 100.5), (60, 80.0)]
    >>> close = np.interp(np.arange(61), *zip(*bars))
    >>> scan = detect(np.arange(61) * 3600, close, close + 0.1, close - 0.1, close)
    >>> [(d.kind, d.direction, d.end.index, round(d.breakout_level, 2)) for d in scan.detections]
    [('double_top', 'bearish', 51, 89.9)]
    >>> [(p.label, p.index) for p in scan.detections[0].points]
    [('first_top', 20), ('neckline', 30), ('second_top', 40), ('breakout', 51)]
    >>> detect([0], [1.0], [1.0], [1.0], [1.0]).note
    '1 bars: chart patterns need at least 30'
    """
    wanted = _wanted(kinds)
    if not 0.0 < threshold < 1.0:
        raise PatternError(f"threshold must be a fraction between 0 and 1, got {threshold}", "threshold")
    if not 0.0 < tolerance < 1.0:
        raise PatternError(f"tolerance must be a fraction between 0 and 1, got {tolerance}", "tolerance")
    times = np.asarray(ts, dtype=np.int64)
    h, lo, c = (np.asarray(values, dtype=np.float64) for values in (high, low, close))
    if not len(times) == len(np.asarray(open_)) == len(h) == len(lo) == len(c):
        raise PatternError("ts, open, high, low and close must have the same length", "bars")
    if len(c) < MIN_BARS:
        return ChartScan((), (), (), (), f"{len(c)} bars: chart patterns need at least {MIN_BARS}")
    given, mirrored = views(times, h, lo, c, threshold, tolerance)
    found: list[Detection] = []
    for view in (given, mirrored):
        found += double_tops(view) if wanted & {"double_top", "double_bottom"} else []
        found += (
            head_and_shoulders(view) if wanted & {"head_and_shoulders", "inverse_head_and_shoulders"} else []
        )
        found += flags(view) if wanted & {"bull_flag", "bear_flag"} else []
    found += triangles(given) if any(kind.endswith("triangle") for kind in wanted) else []
    swings = given.swings
    chosen = sorted(
        (d for d in _first_per_breakout(found) if d.kind in wanted),
        key=lambda d: (d.end.index, d.start.index, KINDS.index(d.kind)),
    )
    note = None
    if not chosen and len(swings) < 4:
        note = (
            f"{len(swings)} swings of {threshold:.1%}: patterns need 4 or more (a lower threshold finds more)"
        )
    return ChartScan(
        detections=tuple(chosen),
        levels=levels(swings, times, float(c[-1]), tolerance),
        trend_lines=trend_lines(swings, times, c, tolerance),
        swings=tuple(
            given.point(s.index, s.price, "swing_high" if s.is_high else "swing_low") for s in swings
        ),
        note=note,
    )


def _wanted(kinds: Iterable[str] | None) -> set[str]:
    if kinds is None:
        return set(KINDS)
    wanted = set(kinds) if not isinstance(kinds, str) else {kinds}
    unknown = sorted(wanted - set(KINDS))
    if unknown:
        raise PatternError(
            f"unknown chart pattern kind {', '.join(unknown)}; known: {', '.join(KINDS)}", "kinds"
        )
    return wanted


def _first_per_breakout(found: list[Detection]) -> list[Detection]:
    # Ranked by completion first, so a later scan never swaps a kept pattern for one it could not know yet.
    best: dict[tuple[str, int], Detection] = {}
    for d in found:
        key = ("triangle" if d.kind.endswith("triangle") else d.kind, d.points[-1].index)
        rank = (d.end.index, -d.confidence, -len(d.points), d.start.index)
        kept = best.get(key)
        if kept is None or rank < (kept.end.index, -kept.confidence, -len(kept.points), kept.start.index):
            best[key] = d
    return list(best.values())
