"""Continuation chart patterns: ascending, descending and symmetrical triangles, and bull and bear flags."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from app.quant.patterns.shapes import Detection, View
from app.quant.patterns.swings import Swing

TRIANGLE_SWINGS = (6, 5)  # Lo, Mamaysky & Wang's triangles have five extrema
POLE_BARS = 20
FLAG_BARS = (3, 20)
FLAG_RETRACE = 0.5
FLAG_SLOPE = 0.5
FLAG_TOUCH = 0.25


@dataclass(frozen=True, slots=True)
class _Triangle:
    kind: str
    upper: tuple[float, float]  # price at the first swing's bar, slope per bar
    lower: tuple[float, float]
    apex: float  # bars after the first swing where the lines meet
    fit: float


def triangles(v: View) -> list[Detection]:
    """Ascending, descending and symmetrical triangles; the side the close broke out of gives the direction.

    - Swings: the longest window of 6 or 5 consecutive swings with a triangle's shape (so 3 on one side and
      2 or 3 on the other; 4 swings would be a double top or bottom too). Highs are "flat" when all are
      within `tolerance` of their mean, "falling" when each is below the one before and they are not flat;
      lows "flat" or "rising" alike. Ascending = flat highs and rising lows, descending = falling highs and
      flat lows, symmetrical = falling highs and rising lows.
    - Lines: a flat side's is the mean of its swings, a sloping side's the least-squares line through them.
      Every swing is within `tolerance` of its line, and every close from the first swing to the last is
      between the lines widened by `tolerance`.
    - Breakout: the first close above the upper line (bullish) or below the lower one (bearish) after the
      last swing, before the lines meet and no later than the bar confirming the next swing. Completed at
      the later of the breakout and the last swing's confirmation.
    - Target: the breakout level +- the triangle's height at its first swing.
    - Confidence = 0.4 * touches ((swings - 3) / 3) + 0.4 * fit (1 - mean distance of the swings from their
      lines / tolerance) + 0.2 * position (1 at 70% of the way from the first swing to the apex, falling
      linearly to 0 at 0% and 140%).

    >>> from app.quant.patterns.shapes import views
    >>> bars, prices = [0, 10, 20, 30, 40, 50, 60, 70], [95.0, 110.0, 88.0, 106.0, 92.0, 102.0, 96.5, 110.0]
    >>> close = np.interp(np.arange(71), bars, prices)
    >>> given, _ = views(np.arange(71), close + 0.1, close - 0.1, close, 0.03, 0.015)
    >>> [(d.kind, d.direction, d.end.index, round(d.breakout_level, 2)) for d in triangles(given)]
    [('symmetrical_triangle', 'bullish', 63, 99.5)]
    """
    found = []
    n = len(v.close)
    for k in range(3, len(v.swings)):
        stop = v.swings[k + 1].confirmed if k + 1 < len(v.swings) else n - 1
        for size in TRIANGLE_SWINGS:
            window = v.swings[max(0, k - size + 1) : k + 1]
            shape = _triangle(v, window) if len(window) == size else None
            if shape is not None:
                detection = _triangle_breakout(v, window, shape, stop)
                if detection is not None:
                    found.append(detection)
                break
    return found


def _triangle(v: View, window: Sequence[Swing]) -> _Triangle | None:
    highs = [s for s in window if s.is_high]
    lows = [s for s in window if not s.is_high]
    flat_high, flat_low = _flat(highs, v.tolerance), _flat(lows, v.tolerance)
    falling = not flat_high and all(b.price < a.price for a, b in pairwise(highs))
    rising = not flat_low and all(b.price > a.price for a, b in pairwise(lows))
    if flat_high and rising:
        kind = "ascending_triangle"
    elif falling and flat_low:
        kind = "descending_triangle"
    elif falling and rising:
        kind = "symmetrical_triangle"
    else:
        return None
    origin = window[0].index
    upper, lower = _fit(highs, origin, flat_high), _fit(lows, origin, flat_low)
    misses = [
        abs(s.price - line[0] - line[1] * (s.index - origin)) / abs(line[0] + line[1] * (s.index - origin))
        for line, side in ((upper, highs), (lower, lows))
        for s in side
    ]
    if max(misses) > v.tolerance or lower[1] <= upper[1] or lower[0] >= upper[0]:
        return None
    x = np.arange(window[-1].index + 1 - origin)
    closes = v.close[origin : window[-1].index + 1]
    if (closes > (upper[0] + upper[1] * x) * (1 + v.tolerance)).any():
        return None
    if (closes < (lower[0] + lower[1] * x) * (1 - v.tolerance)).any():
        return None
    apex = (upper[0] - lower[0]) / (lower[1] - upper[1])
    return _Triangle(kind, upper, lower, apex, 1.0 - sum(misses) / len(misses) / v.tolerance)


def _flat(side: Sequence[Swing], tolerance: float) -> bool:
    mean = sum(s.price for s in side) / len(side) if side else 0.0
    return len(side) >= 2 and all(abs(s.price - mean) <= tolerance * abs(mean) for s in side)


def _fit(side: Sequence[Swing], origin: int, flat: bool) -> tuple[float, float]:
    """(price at `origin`, slope per bar): the mean if `flat`, else the least-squares line."""
    xs = [s.index - origin for s in side]
    ys = [s.price for s in side]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    if flat or len(side) < 2:
        return my, 0.0
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)
    return my - slope * mx, slope


def _triangle_breakout(v: View, window: Sequence[Swing], shape: _Triangle, stop: int) -> Detection | None:
    first, last = window[0], window[-1]
    origin = first.index
    start, end = last.index + 1, min(stop + 1, origin + int(np.ceil(shape.apex)), len(v.close))
    if start >= end:
        return None
    x = np.arange(start, end) - origin
    above = v.close[start:end] > shape.upper[0] + shape.upper[1] * x
    below = v.close[start:end] < shape.lower[0] + shape.lower[1] * x
    out = above | below
    if not out.any():
        return None
    j = start + int(out.argmax())
    up = bool(above[j - start])
    line = shape.upper if up else shape.lower
    level = line[0] + line[1] * (j - origin)
    height = shape.upper[0] - shape.lower[0]
    position = max(0.0, 1.0 - abs((j - origin) / shape.apex - 0.7) / 0.7)
    confidence = 0.4 * (len(window) - 3) / 3 + 0.4 * shape.fit + 0.2 * position
    touches = tuple(v.point(s.index, s.price, "upper_touch" if s.is_high else "lower_touch") for s in window)
    return Detection(
        kind=shape.kind,
        direction="bullish" if up else "bearish",
        start=v.bar(origin),
        end=v.bar(max(j, last.confirmed)),
        points=(*touches, v.point(j, v.close[j], "breakout")),
        breakout_level=level,
        target=level + height if up else level - height,
        confidence=round(confidence, 3),
        lines=tuple(
            v.line(origin, price, j, price + slope * (j - origin), label)
            for (price, slope), label in ((shape.upper, "upper"), (shape.lower, "lower"))
        ),
    )


def _runs(touching: npt.NDArray[np.bool_]) -> npt.NDArray[np.int64]:
    """Per row, the number of runs of consecutive True: separate touches of a line."""
    starts = touching.copy()
    starts[:, 1:] &= ~touching[:, :-1]
    counts: npt.NDArray[np.int64] = starts.sum(axis=1)
    return counts


def flags(v: View) -> list[Detection]:
    """Bull flags (and, in the mirrored view, bear flags): a sharp pole, then a short channel against it.

    - Pole: from a swing low to the highest high since it (the pole's end), a rise of at least twice the
      threshold within POLE_BARS (20) bars, with no low below its start. Its end moves to each new high
      while within POLE_BARS of the start; one flag per pole.
    - Flag: the bars after the pole's end up to the one before the breakout, 3 to 20 of them (FLAG_BARS),
      none above the pole's end nor below FLAG_RETRACE (50%) of the pole. Channel: the least-squares line
      of the bars' midpoints ((high + low) / 2), flat or sloping down at most FLAG_SLOPE (half) as steeply
      as the pole rose, moved up to the highest high (upper line) and down to the lowest low (lower line).
      Each line is touched twice or more: separate runs of bars within FLAG_TOUCH (a quarter of the
      channel's height) of it, so a V or a straight slide is not a flag.
    - Breakout: the first close above the upper line at its bar. Completed there (the pole's start is
      confirmed by then).
    - Target: the breakout level + the pole's height.
    - Confidence = mean of the pole's size (rise / (4 * threshold), capped at 1), the shallowness (1 -
      retracement / 50%) and the tightness (1 - channel height / (50% of the pole)).

    >>> from app.quant.patterns.shapes import views
    >>> bars = [0, 10, 18, 20, 22, 24, 26, 28, 32]
    >>> close = np.interp(np.arange(33), bars, [100.0, 99, 115, 114, 114.5, 113, 113.5, 112.5, 120])
    >>> given, mirrored = views(np.arange(33), close + 0.1, close - 0.1, close, 0.03, 0.015)
    >>> [(d.kind, [(p.label, p.index) for p in d.points], round(d.breakout_level, 2)) for d in flags(given)]
    [('bull_flag', [('pole_start', 10), ('pole_end', 18), ('breakout', 29)], 113.19)]
    >>> flags(mirrored)
    []
    """
    found = []
    highs, lows = v.high.tolist(), v.low.tolist()
    for base in v.swings:
        if base.is_high:
            continue
        peak = -np.inf
        for t in range(base.index + 1, min(len(highs), base.index + POLE_BARS + 1)):
            if lows[t] < base.price:
                break
            if highs[t] <= peak:
                continue
            peak = highs[t]
            if peak - base.price < 2 * v.threshold * abs(base.price):
                continue
            detection = _flag(v, base, t)
            if detection is not None:
                found.append(detection)
                break
    return found


def _flag(v: View, base: Swing, t: int) -> Detection | None:
    """The first flag after the pole base -> t that broke out, if any (rules in `flags`)."""
    shortest, longest = FLAG_BARS
    first, peak, pole = t + 1, float(v.high[t]), float(v.high[t]) - base.price
    stop = min(len(v.close), first + longest + 1)
    if stop - first <= shortest or (v.high[first : first + shortest] > peak).any():
        return None  # no room for a flag, or the pole goes on
    high, low, close = v.high[first:stop], v.low[first:stop], v.close[first:stop]
    spoilt = (high > peak) | (low < peak - FLAG_RETRACE * pole)
    last = int(spoilt.argmax()) if spoilt.any() else len(high) - 1  # the last bar that can break out
    sizes = np.arange(shortest, last + 1)  # flag bars before a breakout at first + size
    if not len(sizes):
        return None
    x = np.arange(last, dtype=np.float64)
    mid = (high[:last] + low[:last]) / 2
    sx, sy, sxy, sxx = (np.cumsum(values)[sizes - 1] for values in (x, mid, x * mid, x * x))
    slope = (sizes * sxy - sx * sy) / (sizes * sxx - sx * sx)
    inside = x[None, :] < sizes[:, None]
    above = high[None, :last] - slope[:, None] * x  # each bar's high above a line of the flag's slope
    below = low[None, :last] - slope[:, None] * x
    tops = np.where(inside, above, -np.inf).max(axis=1)
    bottoms = np.where(inside, below, np.inf).min(axis=1)
    near = FLAG_TOUCH * (tops - bottoms)[:, None]
    touches = np.minimum(
        _runs(inside & (tops[:, None] - above <= near)), _runs(inside & (below - bottoms[:, None] <= near))
    )
    upper_at = tops + slope * sizes
    steepest = -FLAG_SLOPE * pole / (t - base.index)
    ok = (slope <= 0) & (slope >= steepest) & (touches >= 2) & (close[sizes] > upper_at)
    if not ok.any():
        return None
    m = int(ok.argmax())
    size, b, top, bottom, level = (
        int(sizes[m]),
        float(slope[m]),
        float(tops[m]),
        float(bottoms[m]),
        float(upper_at[m]),
    )
    j = first + size
    retrace = (peak - float(low[:size].min())) / pole
    scores = (
        min(1.0, pole / abs(base.price) / (4 * v.threshold)),
        1 - retrace / FLAG_RETRACE,
        1 - (top - bottom) / (FLAG_RETRACE * pole),
    )
    return Detection(
        kind=v.name("bull_flag", "bear_flag"),
        direction=v.direction(True),
        start=v.bar(base.index),
        end=v.bar(max(j, base.confirmed)),
        points=(
            v.point(base.index, base.price, "pole_start"),
            v.point(t, peak, "pole_end"),
            v.point(j, v.close[j], "breakout"),
        ),
        breakout_level=v.sign * level,
        target=v.sign * (level + pole),
        confidence=round(sum(max(0.0, score) for score in scores) / 3, 3),
        lines=(
            v.line(base.index, base.price, t, peak, "pole"),
            v.line(first, top, j, level, "flag_upper"),
            v.line(first, bottom, j, bottom + b * size, "flag_lower"),
        ),
    )
