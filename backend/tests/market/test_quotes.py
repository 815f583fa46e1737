"""latest_quotes: the live price, else the newest stored close (1m, then 1h, then 1d; recent ones first), in
few round trips."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event

from app.config import Settings
from app.core.bootstrap import build_runtime
from app.core.clock import FrozenClock
from app.market import repository, service
from app.market.repository import CandleRow
from app.market.service import Quote

T = 1_767_225_600  # 2026-01-01T00:00:00Z


def _candle(symbol: str, interval: str, source: str, ts: int, close: float) -> CandleRow:
    return CandleRow(symbol, interval, source, ts, close, close, close, close, 1.0)


def _at(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


async def test_live_price_else_newest_stored_close(settings: Settings, clock: FrozenClock) -> None:
    clock.set(_at(T + 3600))  # the candles are recent
    rows = [
        # BTC: candles, but a live price, which wins
        _candle("BTC-USD", "1m", "binance", T, 49_000.0),
        # ETH: 1m wins over a 1h and a 1d that close later; of the 1m, the newest, and at that time three
        # sources (written out of name order): the first by name
        _candle("ETH-USD", "1m", "push", T - 60, 3_000.0),
        _candle("ETH-USD", "1m", "push", T, 3_001.0),
        _candle("ETH-USD", "1m", "coinbase", T, 3_002.0),
        _candle("ETH-USD", "1m", "binance", T, 3_003.25),
        _candle("ETH-USD", "1m", "binance", T - 120, 2_999.0),
        _candle("ETH-USD", "1h", "binance", T + 3600, 3_100.0),
        _candle("ETH-USD", "1d", "coingecko", T + 86400, 3_200.0),
        # SOL: no 1m, so its newest 1h (another source's older 1h does not matter), over a later 1d
        _candle("SOL-USD", "1h", "coinbase", T - 7200, 140.0),
        _candle("SOL-USD", "1h", "binance", T - 3600, 150.5),
        _candle("SOL-USD", "1d", "coingecko", T + 86400, 160.0),
        # ADA: only 1d
        _candle("ADA-USD", "1d", "coingecko", T - 86400, 0.5),
        _candle("ADA-USD", "1d", "coingecko", T - 2 * 86400, 0.4),
        # XRP: a cached entry without a price, so its stored 1d close
        _candle("XRP-USD", "1d", "coingecko", T - 86400, 2.25),
        # LTC: only 5m candles, which are not read: left out like DOGE, which has nothing
        _candle("LTC-USD", "5m", "binance", T, 99.0),
        # a symbol not asked for
        _candle("BNB-USD", "1m", "binance", T, 700.0),
    ]
    async with build_runtime(settings, role="cli") as runtime:
        async with runtime.db.session() as session:
            await repository.upsert_candles(session, rows)
        await runtime.cache.set("price:BTC-USD", {"price": 50_250.5, "ts": T + 30.5, "source": "coinbase"})
        await runtime.cache.set("price:XRP-USD", {"price": None, "ts": T, "source": "binance"})

        statements: list[str] = []

        def count(*args: Any) -> None:
            statements.append(args[2])

        asked = ["XRP-USD", "DOGE-USD", "BTC-USD", "LTC-USD", "SOL-USD", "ETH-USD", "ADA-USD"]
        event.listen(runtime.db.engine.sync_engine, "before_cursor_execute", count)
        try:
            async with runtime.db.session() as session:
                quotes = await service.latest_quotes(session, runtime.cache, asked)
        finally:
            event.remove(runtime.db.engine.sync_engine, "before_cursor_execute", count)

    assert quotes == {
        "XRP-USD": Quote("XRP-USD", 2.25, "coingecko", _at(T)),
        "BTC-USD": Quote("BTC-USD", 50_250.5, "coinbase", datetime(2026, 1, 1, 0, 0, 30, 500_000, UTC)),
        "SOL-USD": Quote("SOL-USD", 150.5, "binance", _at(T)),
        "ETH-USD": Quote("ETH-USD", 3_003.25, "binance", _at(T + 60)),
        "ADA-USD": Quote("ADA-USD", 0.5, "coingecko", _at(T)),
    }
    assert list(quotes) == [s for s in asked if s in quotes]  # in the order asked, as before
    # one query per interval for every symbol still without a price (a BEGIN may precede them): recent ones,
    # then, for DOGE and LTC which have none, however old
    assert len([s for s in statements if "price_history" in s]) == 6


async def test_a_minute_series_that_stopped_long_ago_does_not_hide_a_recent_daily_close(
    settings: Settings, clock: FrozenClock
) -> None:
    clock.set(_at(T + 100 * 86400))
    rows = [
        _candle("ETH-USD", "1m", "binance", T, 3_000.0),  # 100 days ago
        _candle("ETH-USD", "1d", "coingecko", T + 98 * 86400, 3_500.0),  # closed yesterday
        _candle("SOL-USD", "1m", "binance", T, 150.0),  # nothing newer: still its price
    ]
    async with build_runtime(settings, role="cli") as runtime, runtime.db.session() as session:
        await repository.upsert_candles(session, rows)
        quotes = await service.latest_quotes(session, runtime.cache, ["ETH-USD", "SOL-USD"])
    assert quotes["ETH-USD"] == Quote("ETH-USD", 3_500.0, "coingecko", _at(T + 99 * 86400))
    assert quotes["SOL-USD"] == Quote("SOL-USD", 150.0, "binance", _at(T + 60))


async def test_no_query_when_every_symbol_is_live(settings: Settings) -> None:
    async with build_runtime(settings, role="cli") as runtime:
        for symbol, price in (("BTC-USD", 50_000.0), ("ETH-USD", 3_000.0)):
            await runtime.cache.set(f"price:{symbol}", {"price": price, "ts": T, "source": "binance"})
        statements: list[str] = []

        def count(*args: Any) -> None:
            statements.append(args[2])

        event.listen(runtime.db.engine.sync_engine, "before_cursor_execute", count)
        try:
            async with runtime.db.session() as session:
                quotes = await service.latest_quotes(session, runtime.cache, ["BTC-USD", "ETH-USD"])
                assert await service.latest_quotes(session, runtime.cache, []) == {}
        finally:
            event.remove(runtime.db.engine.sync_engine, "before_cursor_execute", count)
    assert {s: q.price for s, q in quotes.items()} == {"BTC-USD": 50_000.0, "ETH-USD": 3_000.0}
    assert not [s for s in statements if "price_history" in s]
