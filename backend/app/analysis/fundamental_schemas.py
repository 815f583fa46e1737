"""Request and response bodies of the fundamental analysis (the seed's POST /api/analysis/fundamental)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from app.core.schemas import ApiModel, DecimalNumber, RequestModel, UtcDateTime

Source = Literal["COINGECKO", "COINMARKETCAP", "ETHERSCAN", "ESPLORA", "DEFILLAMA"]
MarketSource = Literal["COINGECKO", "COINMARKETCAP"]
SOURCES: tuple[Source, ...] = ("COINGECKO", "COINMARKETCAP", "ETHERSCAN", "ESPLORA", "DEFILLAMA")
Status = Literal["COMPLETE", "PENDING", "FAILED"]
Label = Literal["BULLISH", "BEARISH", "NEUTRAL"]


class FundamentalIn(RequestModel):
    symbol: Annotated[str, StringConstraints(min_length=1, max_length=30)]
    sources: list[Source] = Field(default_factory=lambda: list(SOURCES), min_length=1, max_length=5)
    include_on_chain: bool = True
    include_sentiment: bool = True
    timeframe: str = Field(default="30d", description="1d to 365d (also 1w..52w, 1y)")


class SourceOut(ApiModel):
    source: str
    as_of: UtcDateTime
    cached: bool
    mode: Literal["live", "snapshot"]


class MissingOut(ApiModel):
    source: str
    reason: str
    fields: list[str] = []


class ConflictValue(ApiModel):
    source: str
    value: float | None
    as_of: UtcDateTime


class ConflictOut(ApiModel):
    """Two sources' figures for one field: the one used, each value, and (max - min) / used."""

    field: str
    used: str
    values: list[ConflictValue]
    spread: float | None
    note: str | None = None


class FundamentalsOut(ApiModel):
    price: float | None = None
    rank: int | None = None
    circulating_supply: float | None = None
    total_supply: float | None = None
    max_supply: float | None = None
    fully_diluted_valuation: float | None = None
    market_cap_to_tvl: float | None = None


class WhaleOut(ApiModel):
    hash: str
    time: UtcDateTime
    from_: str | None = Field(alias="from")
    to: str | None
    from_label: str | None = None
    to_label: str | None = None
    amount: DecimalNumber
    asset: str
    usd_value: DecimalNumber
    direction: Literal["TO_EXCHANGE", "FROM_EXCHANGE", "BETWEEN_EXCHANGES", "OTHER"]
    explorer_url: str


class TvlPoint(ApiModel):
    time: int = Field(description="The day, UTC epoch seconds")
    tvl: float


class TvlOf(ApiModel):
    kind: Literal["chain", "protocol"]
    name: str


class GasOut(ApiModel):
    safe_gwei: DecimalNumber
    propose_gwei: DecimalNumber
    fast_gwei: DecimalNumber
    base_fee_gwei: DecimalNumber
    last_block: int


class OnChainOut(ApiModel):
    active_addresses: int | None = None
    whale_movements: int | None = None
    tvl: float | None = None
    tvl_of: TvlOf | None = None
    tvl_history: list[TvlPoint] = []
    exchange_inflow_usd: DecimalNumber | None = None
    exchange_outflow_usd: DecimalNumber | None = None
    whales: list[WhaleOut] = []
    gas: GasOut | None = None


class SocialPostOut(ApiModel):
    source: str
    outlet: str | None
    title: str | None
    text: str
    url: str
    author: str | None
    published_at: UtcDateTime
    score: float
    label: Label


class FearGreedPoint(ApiModel):
    time: int
    value: int


class SentimentOut(ApiModel):
    score: float | None = Field(default=None, description="0 bearish, 0.5 neutral, 1 bullish")
    label: Label | None = None
    fear_greed_index: int | None = None
    fear_greed_classification: str | None = None
    social_volume: int | None = None
    social_volume_by_source: dict[str, int] = {}
    posts: list[SocialPostOut] = []
    fear_greed_series: list[FearGreedPoint] = []


class ComponentOut(ApiModel):
    name: str
    raw_value: float | None
    score: float | None = Field(description="Normalised to [-1, 1]; null: no data")
    weight: float
    contribution: float
    rule: str
    note: str | None = None


class Thresholds(ApiModel):
    buy: float = Field(description="BUY when recommendationScore >= this")
    sell: float = Field(description="SELL when recommendationScore <= this")


class FundamentalAnalysisOut(ApiModel):
    """The seed's fields first; the rest say where each number came from and how the call was reached."""

    analysis_id: str
    status: Status
    symbol: str
    timeframe: str
    market_cap: float | None = None
    volume_24h: float | None = Field(default=None, alias="volume24h")
    on_chain_metrics: OnChainOut | None = None
    sentiment: SentimentOut | None = None
    recommendation: Literal["BUY", "HOLD", "SELL"] | None = None
    confidence: float | None = None
    generated_at: UtcDateTime | None = None
    recommendation_score: float | None = Field(
        default=None, description="The weighted total of the components, in [-1, 1]"
    )
    thresholds: Thresholds | None = None
    fundamentals: FundamentalsOut | None = None
    components: list[ComponentOut] = []
    sources: dict[str, SourceOut] = {}
    conflicts: list[ConflictOut] = []
    unavailable: list[MissingOut] = []
    mode: Literal["live", "snapshot"]
    disclaimer: str | None = None
    job_id: str | None = None
    error: str | None = None


class AnalysisList(ApiModel):
    analyses: list[FundamentalAnalysisOut]
    count: int


class Provenance(ApiModel):
    sources: dict[str, SourceOut] = {}
    unavailable: list[MissingOut] = []
    mode: Literal["live", "snapshot"]


class FundamentalsPart(Provenance):
    """GET /api/fundamentals/{symbol}: the market figures alone."""

    symbol: str
    market_cap: float | None = None
    volume_24h: float | None = Field(default=None, alias="volume24h")
    fundamentals: FundamentalsOut
    conflicts: list[ConflictOut] = []


class WhalesPart(Provenance):
    """GET /api/onchain/{symbol}/whales: the large transfers of the labelled exchange wallets."""

    symbol: str
    timeframe: str
    threshold_usd: float
    whale_movements: int | None = None
    exchange_inflow_usd: DecimalNumber | None = None
    exchange_outflow_usd: DecimalNumber | None = None
    whales: list[WhaleOut] = []


class DailySentiment(ApiModel):
    date: str
    score: float
    posts: int


class SentimentPart(Provenance, SentimentOut):
    """GET /api/sentiment/{symbol}: the score per day of the posts, and the Fear & Greed series."""

    symbol: str
    timeframe: str
    daily: list[DailySentiment] = []
