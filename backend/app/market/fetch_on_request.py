"""A historical page asked of CoinGecko whose candles are not stored yet: they are fetched from CoinGecko and
stored while the request waits (at most `history_fetch_seconds`), as `cryptomon backfill` would store them."""

from __future__ import annotations

import asyncio
from datetime import UTC, timedelta
from typing import Final

import httpx
import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.cached_json import CachedJson
from app.core.clock import utcnow
from app.core.errors import AppError
from app.core.runtime import Runtime
from app.integrations.http import HttpError
from app.market import service as market_service
from app.market.backfill import backfill
from app.market.service import HistoryQuery

SOURCE: Final = "coingecko"
FETCHED_INTERVAL = "4h"  # what CoinGecko's OHLC endpoint gives for its last 30 days; 1d is rolled up from it
WINDOW = timedelta(days=30)
INTERVALS = ("4h", "1d")
RETRY_AFTER = 300.0  # seconds a failed fetch of a symbol is not tried again (every request would wait)


def wanted(runtime: Runtime, query: HistoryQuery) -> bool:
    return (
        runtime.settings.history_fetch_seconds > 0
        and (query.source or "").lower() == SOURCE
        and query.interval in INTERVALS
        and query.cursor is None
    )


def _failed_key(symbol: str) -> str:
    return f"history-fetch-failed:{SOURCE}:{symbol}"


async def fetched(
    runtime: Runtime, session: AsyncSession, query: HistoryQuery, page: CachedJson
) -> CachedJson:
    """`page` (empty) again once CoinGecko's candles of its range are stored; `page` with the reason in its
    note when they could not be fetched; `page` as it is when CoinGecko has nothing for the range."""
    asset = await market_service.resolve(session, query.symbol)
    now = utcnow()
    start = max(query.start or now - WINDOW, now - WINDOW + timedelta(hours=4))
    end = min(query.end or now, now)
    if not asset.coingecko_id or start >= end:
        return page  # the note already says what CoinGecko gives
    failure = await runtime.cache.get(_failed_key(asset.symbol))
    if isinstance(failure, str):
        return _with_reason(page, failure)
    # End the request's transaction first: its reads hold locks a new month's candle partition waits for
    # (PostgreSQL), and SQLite would answer the page again from the snapshot taken before the fetch.
    await session.commit()
    try:
        async with asyncio.timeout(runtime.settings.history_fetch_seconds):
            await backfill(runtime, asset.symbol, FETCHED_INTERVAL, start, end, SOURCE)
    except (TimeoutError, HttpError, httpx.HTTPError, AppError, ValueError) as exc:
        retry_at = (now + timedelta(seconds=RETRY_AFTER)).astimezone(UTC)
        reason = (
            f"CoinGecko could not be reached just now ({_describe(exc)}); "
            f"it is asked again after {retry_at:%H:%M} UTC."
        )
        await runtime.cache.set(_failed_key(asset.symbol), reason, ttl=RETRY_AFTER)
        return _with_reason(page, reason)
    return await market_service.historical_json(session, runtime.cache, query)


def _describe(exc: Exception) -> str:
    if isinstance(exc, TimeoutError):
        return "no answer in time"
    return str(exc) or type(exc).__name__


def _with_reason(page: CachedJson, reason: str) -> CachedJson:
    body = orjson.loads(page.text)
    body["note"] = f"{body.get('note', '')} {reason}".strip()
    return CachedJson(orjson.dumps(body).decode(), None)


def is_empty(page: CachedJson) -> bool:
    """A page without candles (small: it is read to tell)."""
    return len(page.text) < 4096 and orjson.loads(page.text).get("dataPoints") == 0
