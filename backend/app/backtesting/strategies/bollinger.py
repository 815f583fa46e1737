"""Bollinger Bands strategies: mean reversion (buy below the lower band), breakout (buy above the upper)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.backtesting.strategies.base import Param, Signals, Strategy, indicator, period
from app.quant.indicators.spec import Array, Series

PARAMS = (period("period", 20), Param("stdDev", 2.0, 0.1, 10.0, False, "band width in standard deviations"))


def _bands(series: Series, p: Mapping[str, Any]) -> dict[str, Array]:
    width = p["stdDev"]
    return indicator("BBANDS", series, period=p["period"], up_multiplier=width, down_multiplier=width)


def _reversion(series: Series, p: Mapping[str, Any]) -> Signals:
    bands = _bands(series, p)
    return Signals(series.close < bands["lower"], series.close > bands["middle"])


def _breakout(series: Series, p: Mapping[str, Any]) -> Signals:
    bands = _bands(series, p)
    return Signals(series.close > bands["upper"], series.close < bands["middle"])


MEAN_REVERSION = Strategy(
    name="Bollinger Mean Reversion",
    description="Buy when the close falls below the lower band, sell when it is back above the middle band",
    params=PARAMS,
    compute=_reversion,
    lookback=lambda p: int(p["period"]),
)
BREAKOUT = Strategy(
    name="Bollinger Breakout",
    description="Buy when the close breaks above the upper band, sell when it falls below the middle band",
    params=PARAMS,
    compute=_breakout,
    lookback=lambda p: int(p["period"]),
)
