"""The digest's market mood: breadth of the day's moves and the BULLISH / BEARISH / NEUTRAL rule."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

UNCHANGED = 0.001  # a move smaller than 0.1 % either way counts as unchanged
THRESHOLD = 0.2

Mood = Literal["BULLISH", "BEARISH", "NEUTRAL"]


@dataclass(frozen=True, slots=True)
class BreadthCount:
    advancers: int
    decliners: int
    unchanged: int
    mean_change: float | None  # equal-weighted mean of the 24h changes


def breadth(changes: Sequence[float]) -> BreadthCount:
    """How many assets rose, fell or held (|change| < 0.1 %) over 24 hours, and their mean change.

    >>> breadth([0.05, -0.02, 0.0004, 0.01])
    BreadthCount(advancers=2, decliners=1, unchanged=1, mean_change=0.0101)
    """
    up = sum(1 for c in changes if c >= UNCHANGED)
    down = sum(1 for c in changes if c <= -UNCHANGED)
    mean = round(sum(changes) / len(changes), 6) if changes else None
    return BreadthCount(up, down, len(changes) - up - down, mean)


def mood_score(count: BreadthCount, fear_greed: int | None) -> float | None:
    """0.5 x breadth + 0.5 x (Fear & Greed - 50) / 50, where breadth = (advancers - decliners) / assets;
    breadth alone without a Fear & Greed reading; None with neither. In [-1, 1].

    >>> mood_score(BreadthCount(6, 2, 2, 0.01), 70)
    0.4
    >>> mood_score(BreadthCount(1, 4, 0, -0.02), None)
    -0.6
    """
    assets = count.advancers + count.decliners + count.unchanged
    if not assets:
        return None if fear_greed is None else round((fear_greed - 50) / 50, 6)
    spread = (count.advancers - count.decliners) / assets
    if fear_greed is None:
        return round(spread, 6)
    return round(0.5 * spread + 0.5 * (fear_greed - 50) / 50, 6)


def mood(score: float | None) -> Mood:
    """BULLISH at a score of 0.2 or more, BEARISH at -0.2 or less, else (or without a score) NEUTRAL.

    >>> mood(0.2), mood(-0.25), mood(0.1), mood(None)
    ('BULLISH', 'BEARISH', 'NEUTRAL', 'NEUTRAL')
    """
    if score is None:
        return "NEUTRAL"
    if score >= THRESHOLD:
        return "BULLISH"
    if score <= -THRESHOLD:
        return "BEARISH"
    return "NEUTRAL"
