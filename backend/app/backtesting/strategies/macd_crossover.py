"""MACD Crossover: long when the MACD line crosses above its signal line, out when it crosses below."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.backtesting.strategies.base import Signals, Strategy, crossed_above, indicator, ordered, period
from app.quant.indicators.spec import Series


def _signals(series: Series, p: Mapping[str, Any]) -> Signals:
    out = indicator(
        "MACD",
        series,
        fast_period=p["fastPeriod"],
        slow_period=p["slowPeriod"],
        signal_period=p["signalPeriod"],
    )
    macd, signal = out["macd"], out["signal"]
    return Signals(crossed_above(macd, signal), crossed_above(signal, macd))


STRATEGY = Strategy(
    name="MACD Crossover",
    description="Buy when MACD crosses above its signal line, sell when it crosses below",
    params=(period("fastPeriod", 12), period("slowPeriod", 26), period("signalPeriod", 9)),
    compute=_signals,
    lookback=lambda p: int(p["slowPeriod"]) + int(p["signalPeriod"]),
    check=ordered("fastPeriod", "slowPeriod"),
)
