"""RSI Mean Reversion (the seed's): long while RSI is below buyThreshold, out once above sellThreshold."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.backtesting.strategies.base import Param, Signals, Strategy, indicator, ordered, period
from app.quant.indicators.spec import Series


def _signals(series: Series, p: Mapping[str, Any]) -> Signals:
    rsi = indicator("RSI", series, period=p["rsiPeriod"])["value"]
    return Signals(rsi < p["buyThreshold"], rsi > p["sellThreshold"])


STRATEGY = Strategy(
    name="RSI Mean Reversion",
    description="Buy while RSI is below buyThreshold (oversold), sell once it is above sellThreshold",
    params=(
        period("rsiPeriod", 14, "RSI window in bars"),
        Param("buyThreshold", 30, 1, 99, False, "enter below this RSI"),
        Param("sellThreshold", 70, 1, 99, False, "exit above this RSI"),
    ),
    compute=_signals,
    lookback=lambda p: int(p["rsiPeriod"]),
    check=ordered("buyThreshold", "sellThreshold"),
)
