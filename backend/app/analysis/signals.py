"""Signals from indicator values: what the latest bar says (pure functions, numpy in, labels out)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np  # noqa: F401  (the doctests use it)

from app.quant.indicators.spec import Array

RSI_OVERBOUGHT, RSI_OVERSOLD = 70.0, 30.0
STOCH_OVERBOUGHT, STOCH_OVERSOLD = 80.0, 20.0


def last(values: Array) -> float | None:
    value = float(values[-1]) if len(values) else math.nan
    return None if math.isnan(value) else value


def _previous(values: Array) -> float | None:
    return last(values[:-1]) if len(values) > 1 else None


def rsi(outputs: Mapping[str, Array], close: Array) -> dict[str, Any]:
    """
    >>> rsi({"value": np.array([55.0, 71.2])}, np.array([1.0, 2.0]))["signal"]
    'OVERBOUGHT'
    """
    value = last(outputs["value"])
    signal = (
        None
        if value is None
        else ("OVERBOUGHT" if value > RSI_OVERBOUGHT else "OVERSOLD" if value < RSI_OVERSOLD else "NEUTRAL")
    )
    return {"value": value, "signal": signal}


def macd(outputs: Mapping[str, Array], close: Array) -> dict[str, Any]:
    """Trend from the histogram's sign; a cross when its sign changed on the last bar."""
    histogram, before = last(outputs["histogram"]), _previous(outputs["histogram"])
    trend = None if histogram is None else ("BULLISH" if histogram > 0 else "BEARISH")
    cross = None
    if histogram is not None and before is not None:
        if before <= 0 < histogram:
            cross = "BULLISH_CROSS"
        elif before >= 0 > histogram:
            cross = "BEARISH_CROSS"
    return {
        "value": last(outputs["macd"]),
        "signal": last(outputs["signal"]),
        "histogram": histogram,
        "trend": trend,
        "cross": cross,
    }


def bollinger(outputs: Mapping[str, Array], close: Array) -> dict[str, Any]:
    """Where the close sits in the bands (%B): above/near upper, middle, near/below lower."""
    upper, middle, lower, price = (
        last(outputs["upper"]),
        last(outputs["middle"]),
        last(outputs["lower"]),
        last(close),
    )
    position = None
    if None not in (upper, lower, price) and upper != lower:
        percent_b = (price - lower) / (upper - lower)  # type: ignore[operator]
        position = (
            "ABOVE_UPPER"
            if percent_b > 1
            else "NEAR_UPPER"
            if percent_b >= 0.8
            else "BELOW_LOWER"
            if percent_b < 0
            else "NEAR_LOWER"
            if percent_b <= 0.2
            else "MIDDLE"
        )
    return {"upper": upper, "middle": middle, "lower": lower, "position": position}


def stochastic(outputs: Mapping[str, Array], close: Array) -> dict[str, Any]:
    k, d = last(outputs["k"]), last(outputs["d"])
    signal = (
        None
        if k is None
        else ("OVERBOUGHT" if k > STOCH_OVERBOUGHT else "OVERSOLD" if k < STOCH_OVERSOLD else "NEUTRAL")
    )
    return {"k": k, "d": d, "signal": signal}


def generic(outputs: Mapping[str, Array], close: Array, overlay: bool) -> dict[str, Any]:
    """Latest value of every output; for indicators drawn over price, where the close is relative to it."""
    values: dict[str, Any] = {name: last(series) for name, series in outputs.items()}
    first, price = next(iter(values.values())), last(close)
    if overlay and first is not None and price is not None:
        values["position"] = "ABOVE" if price > first else "BELOW" if price < first else "AT"
    return values


RULES = {"RSI": rsi, "MACD": macd, "BBANDS": bollinger, "STOCH": stochastic, "STOCHF": stochastic}

# How a reading leans: +1 bullish, -1 bearish, for the summary.
LEANS = {
    "OVERSOLD": 1,
    "OVERBOUGHT": -1,
    "BULLISH": 1,
    "BEARISH": -1,
    "BULLISH_CROSS": 1,
    "BEARISH_CROSS": -1,
    "NEAR_LOWER": 1,
    "BELOW_LOWER": 1,
    "NEAR_UPPER": -1,
    "ABOVE_UPPER": -1,
    "ABOVE": 1,
    "BELOW": -1,
}


LEANING_KEYS = ("signal", "trend", "cross", "position")


def opinions(readings: Mapping[str, Mapping[str, Any]]) -> int:
    """How many leaning readings there are, the neutral ones (which `summary` leaves out of its votes) too."""
    return sum(1 for reading in readings.values() for key in LEANING_KEYS if reading.get(key) is not None)


def summary(readings: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """A vote of the readings' leanings: BULLISH, BEARISH or NEUTRAL, with the score and votes cast."""
    score = votes = 0
    for reading in readings.values():
        for key in LEANING_KEYS:
            lean = LEANS.get(str(reading.get(key)))
            if lean:
                score += lean
                votes += 1
    signal = "BULLISH" if score > 0 else "BEARISH" if score < 0 else "NEUTRAL"
    return {"signal": signal, "score": score, "votes": votes}
