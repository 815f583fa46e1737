"""Request and response bodies of the analysis routes (the seed's technical analysis)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from app.core.schemas import ApiModel, RequestModel, UtcDateTime

IndicatorName = Annotated[str, StringConstraints(min_length=1, max_length=40)]
Timeframe = Annotated[str, StringConstraints(min_length=2, max_length=3)]
# An indicator's latest outputs by name (RSI: value, signal; MACD: value, signal, histogram, trend, cross...):
# numbers, or labels such as OVERBOUGHT; null while the indicator is still warming up.
Reading = dict[str, float | str | None]


class TechnicalIn(RequestModel):
    symbol: Annotated[str, StringConstraints(min_length=1, max_length=30)]
    indicators: list[IndicatorName] = Field(min_length=1, max_length=12)
    timeframes: list[Timeframe] = Field(default_factory=lambda: ["1d"], min_length=1, max_length=6)
    period: str = "90d"
    to: datetime | None = Field(default=None, description="End of the period; default: the latest candle")
    pattern_bars: int = Field(
        default=0,
        ge=0,
        le=100,
        description="Also list and draw the candlestick and chart patterns of each timeframe's last N bars",
    )


class Summary(ApiModel):
    """A vote of the readings' leanings, with the score and the votes cast."""

    signal: Literal["BULLISH", "BEARISH", "NEUTRAL"]
    score: int
    votes: int


class PatternMark(ApiModel):
    """A pattern found in the last `patternBars` bars (GET /api/patterns/{symbol} has their details)."""

    name: str = Field(description="A CDL name (candlestick pattern) or a chart kind")
    title: str
    direction: Literal["bullish", "bearish", "neutral"]
    time: UtcDateTime = Field(description="Open time of its signal bar (chart pattern: its completion bar)")


class TimeframeOut(ApiModel):
    timeframe: str
    candle_time: UtcDateTime
    close: float
    indicators: dict[str, Reading]
    summary: Summary
    chart_url: str
    patterns: list[PatternMark] | None = Field(default=None, description="Null unless patternBars > 0")


class TechnicalOut(ApiModel):
    """The seed's response for the coarsest timeframe, and every timeframe under `timeframes`."""

    symbol: str
    timeframe: str
    indicators: dict[str, Reading]
    summary: Summary
    chart_url: str
    period: str
    timeframes: dict[str, TimeframeOut]
    timestamp: UtcDateTime
