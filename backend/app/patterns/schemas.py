"""Response bodies of the pattern routes: the catalogue, what a symbol's bars show, and a pattern's record."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from app.core.schemas import ApiModel, UtcDateTime

Signal = Literal["bullish", "bearish", "neutral"]
Side = Literal["support", "resistance"]


class CandlePatternInfo(ApiModel):
    name: str = Field(description="TA-Lib's function name, e.g. CDLHAMMER")
    title: str
    direction: Literal["bullish", "bearish", "both", "neutral"] = Field(
        description="What the signal's sign means: `both` patterns are bullish when positive"
    )
    candles: int = Field(description="Bars the rule compares, ending at the signal bar")
    description: str


class ChartKindInfo(ApiModel):
    kind: str
    title: str
    direction: Literal["bullish", "bearish", "both"] = Field(
        description="`both`: the direction of its breakout (symmetrical triangle)"
    )


class PatternCatalog(ApiModel):
    candles: list[CandlePatternInfo]
    chart: list[ChartKindInfo]


class TimePrice(ApiModel):
    time: UtcDateTime
    price: float


class CandleFound(ApiModel):
    pattern: str
    title: str
    direction: Signal = Field(description="A `both` pattern's from its signal's sign")
    signal: int = Field(
        description="TA-Lib's value: +-100, +-80 for a level end, +-200 for a confirmed hikkake"
    )
    time: UtcDateTime = Field(description="Open time of the signal bar")
    price: float = Field(description="The signal bar's close")


class ChartPoint(ApiModel):
    time: UtcDateTime
    price: float
    label: str


class ChartLine(ApiModel):
    label: str
    from_: TimePrice = Field(alias="from")
    to: TimePrice


class ChartFound(ApiModel):
    kind: str
    title: str
    direction: Literal["bullish", "bearish"]
    start: UtcDateTime
    end: UtcDateTime = Field(description="Open time of the bar whose close completed the pattern")
    breakout_level: float
    target: float = Field(description="The measured move from breakoutLevel")
    confidence: float = Field(description="0..1, per kind as in the docstrings of app.quant.patterns")
    points: list[ChartPoint]
    lines: list[ChartLine]


class LevelOut(ApiModel):
    price: float
    kind: Side = Field(description="Below (or at) the last close: support; above: resistance")
    touches: int
    strength: float = Field(description="Touches weighted by recency (the latest swing weighs 1)")
    first_touch: UtcDateTime
    last_touch: UtcDateTime


class Segment(ApiModel):
    from_: TimePrice = Field(alias="from")
    to: TimePrice


class TrendLineOut(ApiModel):
    kind: Side
    touches: int
    from_: TimePrice = Field(alias="from", description="Its first anchor")
    to: TimePrice = Field(description="Where it is at the last bar")
    channel: Segment | None = Field(description="The parallel through the farthest opposite swing")


class PatternsOut(ApiModel):
    symbol: str
    interval: str
    from_: UtcDateTime = Field(alias="from", description="Open time of the first bar of the range")
    to: UtcDateTime = Field(description="End of the range (exclusive)")
    bars: int = Field(description="Bars in the range")
    source: str = Field(description="The candles' source (upper case), MIXED, or NONE without candles")
    as_of: UtcDateTime | None = Field(description="Close time of the last bar; null without candles")
    note: str | None = Field(description="Why there are no chart patterns, levels or lines, when known")
    candles: list[CandleFound]
    chart: list[ChartFound]
    levels: list[LevelOut]
    trend_lines: list[TrendLineOut]


class HorizonOut(ApiModel):
    bars: int
    count: int = Field(description="Occurrences with that many bars after them")
    followed: float | None = Field(
        description="Share of them whose move went the pattern's way (up: neutral)"
    )
    median_move: float | None = Field(description="Median move, signed: positive is the pattern's way")


class PatternStatsOut(ApiModel):
    symbol: str
    pattern: str
    title: str
    direction: Literal["bullish", "bearish", "both", "neutral"]
    interval: str
    bars: int = Field(description="Bars of stored history the figures are computed on")
    from_: UtcDateTime = Field(alias="from")
    to: UtcDateTime
    count: int = Field(description="Occurrences")
    horizons: list[HorizonOut]
    computed_at: UtcDateTime


class StatsJob(ApiModel):
    """Not computed yet: the job that computes it. The same GET answers 200 once the job is DONE."""

    job_id: str
    status: str
    job_url: str
