"""Moving-average crossovers (SMA and EMA): long when the fast average crosses above the slow one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.backtesting.strategies.base import Signals, Strategy, crossed_above, indicator, ordered, period
from app.quant.indicators.spec import Series


def _crossover(average: str) -> Strategy:
    def signals(series: Series, p: Mapping[str, Any]) -> Signals:
        fast = indicator(average, series, period=p["fastPeriod"])["value"]
        slow = indicator(average, series, period=p["slowPeriod"])["value"]
        return Signals(crossed_above(fast, slow), crossed_above(slow, fast))

    return Strategy(
        name=f"{average} Crossover",
        description=f"Buy when the fast {average} crosses above the slow one, sell when it crosses below",
        params=(period("fastPeriod", 12), period("slowPeriod", 26)),
        compute=signals,
        lookback=lambda p: int(p["slowPeriod"]),
        check=ordered("fastPeriod", "slowPeriod"),
    )


SMA_CROSSOVER = _crossover("SMA")
EMA_CROSSOVER = _crossover("EMA")
