"""The normalised market data every domain shares: trades/price ticks, OHLCV candles, intervals, snapshots."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from app.quant.indicators.spec import Series

INTERVALS: dict[str, int] = {"1m": 60, "5m": 300, "15m": 900, "1h": 3600, "4h": 14400, "1d": 86400}


@dataclass(slots=True, frozen=True)
class Tick:
    """One observed trade or price. Times are epoch seconds (UTC); prices and volumes float64.

    `volume` is in base units (0 when the source reports only prices); `received` is when we got it,
    so `received - ts` is the feed's lag; `trade_id` de-duplicates when the source has one.
    """

    symbol: str
    price: float
    volume: float
    ts: float
    source: str
    received: float
    trade_id: str | None = None


@dataclass(slots=True)
class Candle:
    """An OHLCV bar; `ts` is its open time in epoch seconds, aligned to the interval in UTC.

    `quote_volume` is the USD traded: the source's own figure, or the sum of price x quantity of the trades
    that built the bar; None when the source has neither (recorded or simulated paths, price-only feeds).
    """

    ts: int
    open: float
    high: float
    low: float
    close: float
    volume: float
    quote_volume: float | None = None


def align(ts: float, interval: str) -> int:
    """The open time of the `interval` bar containing `ts` (UTC; days start at 00:00).

    >>> align(1700000123.5, "1m")
    1700000100
    >>> align(1700000123.5, "1d")
    1699920000
    """
    step = INTERVALS[interval]
    return int(ts // step) * step


@dataclass(slots=True, frozen=True)
class MarketStats:
    """An aggregator's snapshot of one asset (CoinGecko, CoinMarketCap): USD figures, UTC epoch `ts`."""

    symbol: str
    source: str
    ts: float
    price: float
    market_cap: float | None = None
    volume_24h: float | None = None
    change_24h: float | None = None  # fraction: 0.08 = +8 %


class RawCandles(NamedTuple):
    """Columns of candles in time order, plus the source of each row."""

    ts: list[int]
    open: list[float]
    high: list[float]
    low: list[float]
    close: list[float]
    volume: list[float]
    source: list[str]
    quote_volume: list[float | None] | None = None  # None: not read (every point unknown)


def to_series(raw: RawCandles) -> Series:
    """The candles as the float64/int64 arrays the indicator library computes on."""
    return Series(
        np.asarray(raw.ts, dtype=np.int64),
        *(np.asarray(c, dtype=np.float64) for c in (raw.open, raw.high, raw.low, raw.close, raw.volume)),
    )
