"""BUY / HOLD / SELL from a transparent weighted score of five components, and how confident it is.

Each component's raw value is mapped to a score in [-1, 1] (-1 bearish, +1 bullish) by a fixed rule,
weighted, and summed over the components that have data: total = sum(w_i * s_i) / sum(w_i). BUY when
total >= 0.2, SELL when total <= -0.2, else HOLD. Confidence = coverage * agreement, where coverage is the
share of the weights that had data and agreement = 1 - the weighted mean absolute distance of the
components' scores from the total (two equal components at opposite ends give 0). Not financial
advice: a summary of the figures above it, with every step shown."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

Action = Literal["BUY", "HOLD", "SELL"]
THRESHOLD = 0.2
WEIGHTS: dict[str, float] = {
    "valuation": 0.20,
    "momentum": 0.30,
    "onChain": 0.20,
    "sentiment": 0.15,
    "fearGreed": 0.15,
}
RULES: dict[str, str] = {
    "valuation": "market cap / TVL: 1 - log10(ratio), clipped to [-1, 1] (1x -> 1, 10x -> 0, 100x -> -1)",
    "momentum": "technical vote on daily candles (RSI, MACD, Bollinger Bands): score / readings (neutral: 0)",
    "onChain": "(exchange outflow - inflow) / (outflow + inflow) of the whale transfers",
    "sentiment": "2 * score - 1 (score in [0, 1] from the posts)",
    "fearGreed": "contrarian: (50 - index) / 50 (extreme fear -> +1, extreme greed -> -1)",
}
DISCLAIMER = (
    "Not financial advice: a mechanical summary of the figures above, with each component, its weight and "
    "its contribution shown. Do your own research."
)


@dataclass(frozen=True, slots=True)
class Component:
    name: str
    raw_value: float | None
    score: float | None  # normalised, in [-1, 1]; None: no data
    weight: float
    contribution: float
    rule: str
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Recommendation:
    action: Action
    confidence: float
    total: float
    components: list[Component]


def _clip(x: float) -> float:
    return max(-1.0, min(1.0, x))


def valuation_score(market_cap: float | None, tvl: float | None) -> tuple[float | None, float | None]:
    if not market_cap or not tvl or tvl <= 0 or market_cap <= 0:
        return None, None
    ratio = market_cap / tvl
    return ratio, _clip(1 - math.log10(ratio))


def momentum_score(summary_score: int | None, readings: int | None) -> float | None:
    if summary_score is None or not readings:
        return None
    return _clip(summary_score / readings)


def flow_score(inflow: float | None, outflow: float | None) -> tuple[float | None, float | None]:
    if inflow is None or outflow is None or inflow + outflow <= 0:
        return None, None
    net = outflow - inflow
    return net, _clip(net / (outflow + inflow))


def sentiment_score(score: float | None) -> float | None:
    return None if score is None else _clip(2 * score - 1)


def fear_greed_score(index: float | None) -> float | None:
    return None if index is None else _clip((50 - index) / 50)


@dataclass(frozen=True, slots=True)
class Reading:
    """A component's input: its raw value, its score in [-1, 1] (None: no data), and a note."""

    raw_value: float | None
    score: float | None
    note: str | None = None


def recommend(readings: dict[str, Reading]) -> Recommendation:
    """The action, confidence and every component's part in them (components missing from `readings`
    count as having no data)."""
    scores = {n: r.score for n, r in readings.items() if r.score is not None and n in WEIGHTS}
    weight_sum = sum(WEIGHTS[n] for n in scores)
    total = sum(WEIGHTS[n] * s for n, s in scores.items()) / weight_sum if weight_sum else 0.0
    components = []
    for name, weight in WEIGHTS.items():
        reading = readings.get(name, Reading(None, None))
        score = scores.get(name)
        components.append(
            Component(
                name=name,
                raw_value=reading.raw_value,
                score=None if score is None else round(score, 4),
                weight=weight,
                contribution=0.0 if score is None else round(weight * score / weight_sum, 4),
                rule=RULES[name],
                note=reading.note,
            )
        )
    coverage = weight_sum / sum(WEIGHTS.values())
    if scores:
        distance = sum(WEIGHTS[n] * abs(s - total) for n, s in scores.items()) / weight_sum
        agreement = max(0.0, 1.0 - distance)
    else:
        agreement = 0.0
    action: Action = "BUY" if total >= THRESHOLD else "SELL" if total <= -THRESHOLD else "HOLD"
    return Recommendation(action, round(coverage * agreement, 4), round(total, 4), components)
