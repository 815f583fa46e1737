"""Binance spot: combined-stream WebSocket messages (aggTrade, trade, kline) and REST klines for backfill."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Literal, Unpack

from pydantic import BeforeValidator, Field, FiniteFloat, TypeAdapter

from app.core.marketdata import INTERVALS, Candle, Tick
from app.integrations.http import ApiClient, HttpOptions, interval
from app.integrations.parsing import MalformedMessage, Shape, parse_json

if TYPE_CHECKING:
    from app.config import Settings

SOURCE = "binance"
KLINES_MAX_LIMIT = 1000


class _AggTrade(Shape):
    event: Literal["aggTrade"] = Field(alias="e")
    pair: str = Field(alias="s")
    id: int = Field(alias="a")
    price: FiniteFloat = Field(alias="p")
    quantity: FiniteFloat = Field(alias="q")
    time_ms: int = Field(alias="T")


class _Trade(Shape):
    event: Literal["trade"] = Field(alias="e")
    pair: str = Field(alias="s")
    id: int = Field(alias="t")
    price: FiniteFloat = Field(alias="p")
    quantity: FiniteFloat = Field(alias="q")
    time_ms: int = Field(alias="T")


class _Kline(Shape):
    open_ms: int = Field(alias="t")
    interval: str = Field(alias="i")
    open: FiniteFloat = Field(alias="o")
    high: FiniteFloat = Field(alias="h")
    low: FiniteFloat = Field(alias="l")
    close: FiniteFloat = Field(alias="c")
    volume: FiniteFloat = Field(alias="v")
    quote_volume: FiniteFloat | None = Field(default=None, alias="q")
    closed: bool = Field(alias="x")


class _KlineEvent(Shape):
    event: Literal["kline"] = Field(alias="e")
    pair: str = Field(alias="s")
    kline: _Kline = Field(alias="k")


class _Envelope(Shape):
    stream: str
    data: Annotated[_AggTrade | _Trade | _KlineEvent, Field(discriminator="event")]


def _ours(row: Any) -> Any:
    # A kline row has 12 columns: open time, OHLCV, close time, quote asset volume, trades, taker volumes,
    # ignore. Ours are open time, OHLCV and the quote volume (absent from some archives: None).
    if not isinstance(row, list):
        return row
    return [*row[:6], row[7] if len(row) > 7 else None]


_KlineRow = Annotated[
    tuple[int, FiniteFloat, FiniteFloat, FiniteFloat, FiniteFloat, FiniteFloat, FiniteFloat | None],
    BeforeValidator(_ours),
]
_ENVELOPE = TypeAdapter(_Envelope)
_KLINES = TypeAdapter(list[_KlineRow])


@dataclass(frozen=True, slots=True)
class TradeMessage:
    """A trade as a Tick, plus its id as a number: aggregate trade ids are contiguous per pair."""

    pair: str
    seq: int
    tick: Tick


@dataclass(frozen=True, slots=True)
class ClosedKline:
    pair: str
    symbol: str
    interval: str
    candle: Candle


def streams_url(base_url: str, pairs: Iterable[str], *, kline_interval: str = "1m") -> str:
    """The combined-stream URL for the aggregate trades and klines of `pairs` (stream names are lower case).

    >>> streams_url("wss://stream.binance.com:9443", ["BTCUSDT"])
    'wss://stream.binance.com:9443/stream?streams=btcusdt@aggTrade/btcusdt@kline_1m'
    """
    streams = [f"{pair.lower()}@{kind}" for pair in pairs for kind in ("aggTrade", f"kline_{kline_interval}")]
    return f"{base_url.rstrip('/')}/stream?streams={'/'.join(streams)}"


def parse_stream_message(
    raw: str | bytes, symbols: Mapping[str, str], *, received: float
) -> TradeMessage | ClosedKline | None:
    """One combined-stream message: a trade, a closed kline, or None for a kline still open.

    `symbols` maps Binance pairs (`BTCUSDT`) to canonical symbols; anything else is a `MalformedMessage`.
    """
    data = parse_json(_ENVELOPE, raw, "binance stream message").data
    symbol = symbols.get(data.pair)
    if symbol is None:
        raise MalformedMessage(f"binance stream message for unexpected pair {data.pair!r}")
    if isinstance(data, _KlineEvent):
        k = data.kline
        if not k.closed:
            return None
        candle = Candle(k.open_ms // 1000, k.open, k.high, k.low, k.close, k.volume, k.quote_volume)
        return ClosedKline(data.pair, symbol, k.interval, candle)
    tick = Tick(symbol, data.price, data.quantity, data.time_ms / 1000, SOURCE, received, str(data.id))
    return TradeMessage(data.pair, data.id, tick)


def parse_klines(raw: str | bytes) -> list[Candle]:
    """A `/api/v3/klines` body: `[openTime, open, high, low, close, volume, closeTime, quoteVolume, ...]`."""
    return _candles(parse_json(_KLINES, raw, "binance klines"))


def _candles(rows: list[tuple[int, float, float, float, float, float, float | None]]) -> list[Candle]:
    return [Candle(t // 1000, o, h, low, c, v, q) for t, o, h, low, c, v, q in rows]


class BinanceClient(ApiClient):
    """Binance spot REST (public market data only)."""

    def __init__(self, settings: Settings, **options: Unpack[HttpOptions]) -> None:
        # klines weigh 2 of the 6000/min request weight: the default 10 calls a second stays far inside it.
        rate = interval(settings.binance_requests_per_minute)
        super().__init__(settings.binance_rest_url, settings, min_interval=rate, **options)

    async def klines(
        self,
        pair: str,
        interval: str,
        start: float,
        end: float | None = None,
        *,
        limit: int = KLINES_MAX_LIMIT,
    ) -> list[Candle]:
        """Candles of `pair` opening in [start, end] (epoch seconds), oldest first, fetched `limit` per page.

        The newest candle may still be open when `end` is now: callers that store bars drop it.
        """
        if interval not in INTERVALS:
            raise ValueError(f"unknown interval {interval!r}")
        step_ms = INTERVALS[interval] * 1000
        cursor, end_ms = int(start * 1000), None if end is None else int(end * 1000)
        candles: list[Candle] = []
        while end_ms is None or cursor <= end_ms:
            params: dict[str, str | int] = {
                "symbol": pair,
                "interval": interval,
                "startTime": cursor,
                "limit": limit,
            }
            if end_ms is not None:
                params["endTime"] = end_ms
            page = _candles(await self.http.get_json("/api/v3/klines", _KLINES, params=params))
            candles.extend(page)
            if len(page) < limit:
                break
            cursor = page[-1].ts * 1000 + step_ms
        return candles
