"""Request and response bodies of the market and data routes."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, StringConstraints

from app.core.schemas import ApiModel, JsonObject, RequestModel, UtcDateTime
from app.market.symbols import SYMBOL_PATTERN

MAX_PUSH = 10_000
Interval = Literal["1m", "5m", "15m", "1h", "4h", "1d"]


class AssetOut(ApiModel):
    symbol: str
    name: str
    coingecko_id: str | None
    coinmarketcap_id: int | None
    binance_pair: str | None
    coinbase_product: str | None
    stablecoin: bool


class AssetIn(RequestModel):
    # Upper-cased before the pattern is checked, so `pepe-usd` is accepted as `PEPE-USD`.
    symbol: Annotated[
        str,
        BeforeValidator(lambda v: v.strip().upper() if isinstance(v, str) else v),
        StringConstraints(pattern=SYMBOL_PATTERN.pattern, max_length=20),  # the VARCHAR(20) it is stored in
    ]
    name: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    coingecko_id: Annotated[str, StringConstraints(max_length=100)] | None = None
    coinmarketcap_id: int | None = Field(default=None, gt=0, le=2**31 - 1)  # an INTEGER column
    binance_pair: Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{2,20}$")] | None = None
    coinbase_product: (
        Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{1,10}-[A-Z0-9]{1,10}$", max_length=20)] | None
    ) = None
    stablecoin: bool = False


class Candle(ApiModel):
    timestamp: str
    open: float
    high: float
    low: float
    close: float
    volume: float = Field(description="Base-asset volume (BTC for BTC-USD), as the source reported it")
    quote_volume: float | None = Field(
        default=None,
        description="Quote (USD) volume: the source's own figure (Binance klines, pushed candles), or "
        "the sum of price x quantity of the trades that built the bar (live feeds, pushed ticks); where "
        "neither is stored (recorded replay, simulator, price-only feeds, older bars) volume x typical price "
        "(high + low + close) / 3, and the page's quoteVolumeEstimated is true",
    )


class Historical(ApiModel):
    symbol: str
    interval: str
    source: str = Field(description="The source of every point, MIXED when merged by priority")
    sources: list[str]
    from_: str = Field(alias="from")
    to: str
    data: list[Candle]
    data_points: int
    resampled_from: str | None
    quote_volume_estimated: bool = Field(
        default=True,
        description="True when any point's quoteVolume is estimated (volume x typical price), not stored",
    )
    next_cursor: str | None
    available_sources: list[str] | None = Field(
        default=None,
        description="Only on an empty page: the sources that hold candles of this symbol at this interval "
        "(or a finer one it is resampled from) at any time; ask one of them, or widen the range",
    )
    note: str | None = Field(default=None, description="Only on an empty page: why, and what to do")


class ExportFile(ApiModel):
    """The json export's file (no envelope): the range's metadata and every candle."""

    symbol: str
    interval: str
    source: str
    from_: str = Field(alias="from")
    to: str
    data_points: int
    data: list[Candle]


class PushTicksIn(RequestModel):
    ticks: list[Any] = Field(max_length=MAX_PUSH, description="{symbol, price, volume?, timestamp}")


class PushCandlesIn(RequestModel):
    symbol: str
    interval: Interval
    candles: list[Any] = Field(max_length=MAX_PUSH, description="{timestamp, open, high, low, close, volume}")


class Rejection(ApiModel):
    index: int
    reason: str


class PushResult(ApiModel):
    accepted: int
    rejected: list[Rejection]


class LatestPrice(ApiModel):
    symbol: str
    price: float | None
    timestamp: UtcDateTime | None
    source: str | None


class FeedStatus(ApiModel):
    """One source's counters as the ingest pipeline sees them."""

    connected: bool
    stale: bool
    error: str | None
    accepted: int
    rejected: dict[str, int] = Field(description="Rejected ticks by reason")
    rejected_total: int
    last_tick_at: float | None = Field(description="Unix seconds")
    lag_seconds: float | None
    candles_received: int


class MarketStatus(ApiModel):
    """Per source: connection, accepted and rejected ticks by reason, lag; the replay says what it replays."""

    sources: dict[str, FeedStatus]
    pending_candles: int
    symbols_with_prices: int
    checked_at: UtcDateTime
    running: list[str]
    # Free-form: each kind of source reports its own (the replay its recordings, live feeds their counters).
    details: dict[str, JsonObject] = Field(description="Per running source, what that kind of source reports")
    history: dict[str, JsonObject] = Field(description="Per source, the progress of storing its history")
