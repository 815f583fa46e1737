"""The score scale and the labels every analyser answers with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Label = Literal["BULLISH", "BEARISH", "NEUTRAL"]
LABELS: tuple[Label, ...] = ("BULLISH", "BEARISH", "NEUTRAL")

# VADER's own cut-offs on its compound score (+-0.05), moved onto the [0, 1] scale: (compound + 1) / 2.
BULLISH_FROM = 0.525
BEARISH_TO = 0.475


@dataclass(frozen=True, slots=True)
class Scored:
    """A text's score: 0 = certainly bearish, 0.5 = no direction, 1 = certainly bullish; and its label."""

    score: float
    label: Label


def label_of(score: float) -> Label:
    """The label of a score on the [0, 1] scale.

    >>> label_of(0.8), label_of(0.5), label_of(0.2)
    ('BULLISH', 'NEUTRAL', 'BEARISH')
    """
    if score >= BULLISH_FROM:
        return "BULLISH"
    if score <= BEARISH_TO:
        return "BEARISH"
    return "NEUTRAL"
