"""Backfill: store a symbol's candles for a time range from a source; idempotent and resumable."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from app.core.clock import utcnow
from app.core.errors import AppError, ErrorCode
from app.core.marketdata import Candle, align
from app.core.runtime import Runtime
from app.integrations.binance import BinanceClient
from app.integrations.coingecko import CoinGeckoClient
from app.integrations.http import HttpOptions
from app.market import repository
from app.market import service as market_service
from app.market.repository import CandleRow
from app.market.symbols import Asset

BackfillSource = Literal["replay", "binance", "coingecko"]
WINDOW = 1000  # candles fetched and stored per step: the unit of progress and of resumption
Progress = Callable[[int, int], None]
Fetch = Callable[[int, int], Awaitable[list[Candle]]]


@dataclass(frozen=True)
class BackfillResult:
    symbol: str
    interval: str
    source: str
    resumed_from: datetime
    stored: int


async def _fetcher(
    runtime: Runtime, asset: Asset, interval: str, source: BackfillSource, options: HttpOptions
) -> tuple[Fetch, Callable[[], Awaitable[None]]]:
    """A function returning the closed candles opening in [start, end), and one to release it."""

    async def nothing() -> None:
        return None

    if source == "replay":
        from app.market.replay_clock import history
        from app.market.replay_seed import load_anchor

        anchor = await load_anchor(runtime)

        async def from_replay(start: int, end: int) -> list[Candle]:
            return history(asset.symbol, interval, start, end, anchor)

        return from_replay, nothing
    if source == "binance":
        if not asset.binance_pair:
            raise AppError(ErrorCode.BAD_REQUEST, f"{asset.symbol} has no Binance pair", field="symbol")
        client = BinanceClient(runtime.settings, **options)

        async def from_binance(start: int, end: int) -> list[Candle]:
            return [
                c
                for c in await client.klines(asset.binance_pair or "", interval, start, end - 1)
                if start <= c.ts < end
            ]

        return from_binance, client.aclose
    if not asset.coingecko_id:
        raise AppError(ErrorCode.BAD_REQUEST, f"{asset.symbol} has no CoinGecko id", field="symbol")
    if interval != "4h":
        raise AppError(
            ErrorCode.INVALID_INTERVAL,
            "CoinGecko's OHLC endpoint gives 4h candles (last 30 days); "
            "use --source binance for other intervals",
            field="interval",
        )
    gecko = CoinGeckoClient(runtime.settings, **options)

    async def from_coingecko(start: int, end: int) -> list[Candle]:
        days = 30 if utcnow().timestamp() - start > 7 * 86400 else 7
        return [c for c in await gecko.ohlc(asset.coingecko_id or "", days) if start <= c.ts < end]

    return from_coingecko, gecko.aclose


async def backfill(
    runtime: Runtime,
    symbol: str,
    interval: str,
    start: datetime,
    end: datetime | None,
    source: BackfillSource,
    progress: Progress | None = None,
    options: HttpOptions | None = None,
) -> BackfillResult:
    """Store candles opening in [start, end) (end: the last closed bar). Re-running stores nothing twice,
    and a run that stopped half-way continues after the newest candle it stored."""
    step = market_service.parse_interval(interval)
    async with runtime.db.session() as session:
        asset = await market_service.resolve(session, symbol)
    first = align(start.timestamp(), interval)
    last = align((end or utcnow()).timestamp(), interval)  # the bar open at `end` is not closed yet
    if first >= last:
        raise AppError(ErrorCode.INVALID_RANGE, "from must be before to", field="from")
    async with runtime.db.session() as session:
        newest = await repository.latest_open_time(session, asset.symbol, interval, source, before=last)
    if newest is not None and newest.timestamp() >= first:
        first = int(newest.timestamp()) + step
    fetch, release = await _fetcher(runtime, asset, interval, source, options or {})
    windows = list(range(first, last, WINDOW * step))
    stored = 0
    try:
        for done, window_start in enumerate(windows, start=1):
            window_end = min(window_start + WINDOW * step, last)
            candles = await fetch(window_start, window_end)
            rows = [CandleRow.of(asset.symbol, interval, source, c) for c in candles]
            async with runtime.db.session() as session:
                stored += await repository.upsert_candles(session, rows)
            if progress is not None:
                progress(done, len(windows))
    finally:
        await release()
        await market_service.bump_history_version(runtime.cache, {asset.symbol})
    return BackfillResult(asset.symbol, interval, source, datetime.fromtimestamp(first, UTC), stored)
