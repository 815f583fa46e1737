"""Reversal chart patterns: double tops and bottoms, head and shoulders and inverse head and shoulders."""

from __future__ import annotations

from app.quant.patterns.shapes import Detection, View, balance, break_below, equal, symmetry


def double_tops(v: View) -> list[Detection]:
    """Double tops (and, in the mirrored view, double bottoms): two equal tops, then a close below the trough.

    - Swings: consecutive low0, top1, trough, top2; the tops within `tolerance` of their mean; low0 below
      the trough (price rose into the pattern). Neckline: the trough's low.
    - Breakout: the first close below the neckline within (top2 - top1) bars after top2, with no high
      above top2 up to it. Completed at the later of the breakout and top2's confirmation.
    - Target: neckline - (higher top - neckline).
    - Confidence = 0.5 * price symmetry of the tops (1 equal, 0 at the tolerance) + 0.25 * time symmetry
      (shorter / longer of top1 -> trough and trough -> top2) + 0.25 * depth (the fall from the higher top
      to the trough over twice the threshold, capped at 1).

    >>> import numpy as np
    >>> from app.quant.patterns.shapes import views
    >>> close = np.interp(np.arange(61), [0, 20, 30, 40, 60], [120.0, 100.0, 110.0, 99.5, 120.0])
    >>> given, mirrored = views(np.arange(61), close + 0.1, close - 0.1, close, 0.03, 0.015)
    >>> double_tops(given)
    []
    >>> [(d.kind, d.end.index, d.breakout_level, round(d.target, 2)) for d in double_tops(mirrored)]
    [('double_bottom', 51, 110.1, 120.8)]
    """
    found = []
    kind, labels = v.name("double_top", "double_bottom"), v.name("top", "bottom")
    for k in range(3, len(v.swings)):
        low0, top1, trough, top2 = v.swings[k - 3 : k + 1]
        if not top2.is_high or low0.price >= trough.price or not equal(top1.price, top2.price, v.tolerance):
            continue
        j = break_below(v, top2.index, top2.index - top1.index, trough.index, trough.price, 0.0, top2.price)
        if j is None:
            continue
        top = max(top1.price, top2.price)
        height = top - trough.price
        confidence = (
            0.5 * symmetry(top1.price, top2.price, v.tolerance)
            + 0.25 * balance(trough.index - top1.index, top2.index - trough.index)
            + 0.25 * min(1.0, height / abs(top) / (2 * v.threshold))
        )
        found.append(
            Detection(
                kind=kind,
                direction=v.direction(False),
                start=v.bar(top1.index),
                end=v.bar(max(j, top2.confirmed)),
                points=(
                    v.point(top1.index, top1.price, f"first_{labels}"),
                    v.point(trough.index, trough.price, "neckline"),
                    v.point(top2.index, top2.price, f"second_{labels}"),
                    v.point(j, v.close[j], "breakout"),
                ),
                breakout_level=v.sign * trough.price,
                target=v.sign * (trough.price - height),
                confidence=round(confidence, 3),
                lines=(
                    v.line(top1.index, trough.price, j, trough.price, "neckline"),
                    v.line(top1.index, top1.price, top2.index, top2.price, f"{labels}s"),
                ),
            )
        )
    return found


def head_and_shoulders(v: View) -> list[Detection]:
    """Head and shoulders tops (and, in the mirrored view, inverse ones): Lo, Mamaysky & Wang's shape,
    Bulkowski's breakout.

    - Swings: consecutive low0, left shoulder, trough1, head, trough2, right shoulder; the head above both
      shoulders; the shoulders within `tolerance` of their mean, and so are the troughs; low0 below both
      troughs (a rise into the pattern). Neckline: the line through the troughs' lows, extended.
    - Breakout: the first close below the neckline within (right - left shoulder) bars after the right
      shoulder, with no high above the right shoulder up to it. Completed at the later of the breakout and
      the right shoulder's confirmation.
    - Target: the neckline at the breakout - (head - the neckline under the head).
    - Confidence = 0.3 * shoulder price symmetry + 0.2 * trough price symmetry (each 1 equal, 0 at the
      tolerance) + 0.3 * time symmetry (shorter / longer of left -> head and head -> right) + 0.2 * head
      prominence (3 * (head - higher shoulder) / (head - neckline under it), capped at 1).

    >>> import numpy as np
    >>> from app.quant.patterns.shapes import views
    >>> bars, prices = [0, 15, 25, 35, 45, 55, 75], [80.0, 100.0, 92.0, 108.0, 92.5, 100.5, 80.0]
    >>> close = np.interp(np.arange(76), bars, prices)
    >>> given, _ = views(np.arange(76), close + 0.1, close - 0.1, close, 0.03, 0.015)
    >>> [(d.kind, d.end.index, round(d.breakout_level, 2), d.confidence) for d in head_and_shoulders(given)]
    [('head_and_shoulders', 63, 92.85, 0.914)]
    >>> [(p.label, p.index) for p in head_and_shoulders(given)[0].points][2:]
    [('head', 35), ('neckline_right', 45), ('right_shoulder', 55), ('breakout', 63)]
    """
    found = []
    for k in range(5, len(v.swings)):
        low0, left, trough1, head, trough2, right = v.swings[k - 5 : k + 1]
        if not right.is_high or head.price <= max(left.price, right.price):
            continue
        if low0.price >= min(trough1.price, trough2.price):
            continue
        if not (
            equal(left.price, right.price, v.tolerance) and equal(trough1.price, trough2.price, v.tolerance)
        ):
            continue
        slope = (trough2.price - trough1.price) / (trough2.index - trough1.index)
        j = break_below(
            v, right.index, right.index - left.index, trough1.index, trough1.price, slope, right.price
        )
        if j is None:
            continue

        level = trough1.price + slope * (j - trough1.index)
        height = head.price - (trough1.price + slope * (head.index - trough1.index))
        confidence = (
            0.3 * symmetry(left.price, right.price, v.tolerance)
            + 0.2 * symmetry(trough1.price, trough2.price, v.tolerance)
            + 0.3 * balance(head.index - left.index, right.index - head.index)
            + 0.2 * min(1.0, 3 * (head.price - max(left.price, right.price)) / height)
        )
        found.append(
            Detection(
                kind=v.name("head_and_shoulders", "inverse_head_and_shoulders"),
                direction=v.direction(False),
                start=v.bar(left.index),
                end=v.bar(max(j, right.confirmed)),
                points=(
                    v.point(left.index, left.price, "left_shoulder"),
                    v.point(trough1.index, trough1.price, "neckline_left"),
                    v.point(head.index, head.price, "head"),
                    v.point(trough2.index, trough2.price, "neckline_right"),
                    v.point(right.index, right.price, "right_shoulder"),
                    v.point(j, v.close[j], "breakout"),
                ),
                breakout_level=v.sign * level,
                target=v.sign * (level - height),
                confidence=round(confidence, 3),
                lines=(
                    v.line(
                        left.index, trough1.price + slope * (left.index - trough1.index), j, level, "neckline"
                    ),
                ),
            )
        )
    return found
