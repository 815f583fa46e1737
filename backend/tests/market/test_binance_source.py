"""The live Binance source against a local WebSocket server replaying the recorded real stream."""

from __future__ import annotations

import contextlib
import socket
from typing import Any

from app.market.sources import get_factory
from app.market.sources.binance import BinanceSource
from app.market.symbols import BUILTIN_ASSETS, Asset
from tests.integrations.support import FakeSleep, Stop, fixture_lines, make_settings
from tests.market.live_support import RecordingSink, ReplayServer, Script, running

BTC_TRADES = fixture_lines("binance", "ws_combined_btcusdt@aggTrade.jsonl")
ETH_TRADES = fixture_lines("binance", "ws_combined_ethusdt@aggTrade.jsonl")
BTC_KLINES = fixture_lines("binance", "ws_combined_btcusdt@kline_1m.jsonl")
ETH_KLINES = fixture_lines("binance", "ws_combined_ethusdt@kline_1m.jsonl")
BTC_ETH = [a for a in BUILTIN_ASSETS if a.symbol in ("BTC-USD", "ETH-USD")]


def source(url: str, sleep: FakeSleep | None = None, **options: Any) -> BinanceSource:
    stale = options.pop("stale_after_seconds", 30.0)
    options.setdefault("flush_seconds", 0.01)
    settings = make_settings(binance_ws_url=url, stale_after_seconds=stale)
    return BinanceSource(settings, sleep=sleep or FakeSleep(), rng=lambda: 1.0, **options)


async def test_replayed_stream_becomes_ticks_and_candles() -> None:
    lines = BTC_KLINES[:20] + BTC_TRADES + ETH_TRADES + BTC_KLINES[20:] + ETH_KLINES
    sink = RecordingSink()
    async with ReplayServer([Script(lines)]) as server:
        feed = source(server.url)
        async with running(feed, sink, BTC_ETH):
            await sink.wait_for(lambda: len(sink.ticks) == 450 and len(sink.candles) == 2)
    assert server.paths == [
        "/stream?streams=btcusdt@aggTrade/btcusdt@kline_1m/ethusdt@aggTrade/ethusdt@kline_1m"
    ]
    btc, eth = sink.prices("BTC-USD"), sink.prices("ETH-USD")
    assert (len(btc), btc[0], btc[-1]) == (300, 58001.03, 58013.57)
    assert (len(eth), eth[0], eth[-1]) == (150, 2064.74, 2065.07)
    assert {t.source for t in sink.ticks} == {"binance"}
    assert [(source, symbol, interval, c.ts, c.close) for source, symbol, interval, c in sink.candles] == [
        ("binance", "BTC-USD", "1m", 1617566580, 57999.99),
        ("binance", "ETH-USD", "1m", 1617566580, 2065.0),
    ]
    assert sink.reports[0] == ("binance", True, None)
    assert max(sink.batches) <= 200  # delivered in batches, not one call per tick nor one huge call
    assert (feed.gaps, feed.malformed, feed.reconnects, feed.ticks) == (0, 0, 0, 450)


async def test_dropped_connection_reconnects_and_continues() -> None:
    sleep = FakeSleep()
    sink = RecordingSink()
    scripts = [Script(BTC_TRADES[:100], end="drop"), Script(BTC_TRADES[100:])]
    async with ReplayServer(scripts) as server:
        feed = source(server.url, sleep)
        async with running(feed, sink, BTC_ETH):
            await sink.wait_for(lambda: len(sink.ticks) == 300)
    assert len(server.paths) == 2
    assert sink.prices("BTC-USD") == [float(line.split('"p":"')[1].split('"')[0]) for line in BTC_TRADES]
    assert feed.reconnects == 1
    assert feed.connections == 2
    assert sleep.delays == [1.0]  # first backoff step (jitter pinned at its top)
    states = [connected for _, connected, _ in sink.reports]
    assert states == [True, False, True]
    assert "connection closed" in (sink.reports[1][2] or "")
    assert feed.gaps == 0  # ids continue across the reconnect here; an outage is not a gap


async def test_garbage_lines_are_skipped_and_counted() -> None:
    garbage = [
        "not json",
        "{}",
        '{"stream":"btcusdt@aggTrade","data":{"e":"aggTrade"}}',
        '{"result":null,"id":1}',
    ]
    lines = BTC_TRADES[:50] + garbage + BTC_TRADES[50:]
    sink = RecordingSink()
    async with ReplayServer([Script(lines)]) as server:
        feed = source(server.url)
        async with running(feed, sink, BTC_ETH):
            await sink.wait_for(lambda: len(sink.ticks) == 300)
    assert feed.malformed == len(garbage)
    assert feed.reconnects == 0
    assert feed.connected


async def test_sequence_gap_is_detected_and_reported() -> None:
    lines = BTC_TRADES[:150] + BTC_TRADES[153:]
    sink = RecordingSink()
    async with ReplayServer([Script(lines)]) as server:
        feed = source(server.url)
        async with running(feed, sink, BTC_ETH):
            await sink.wait_for(lambda: len(sink.ticks) == 297)
    assert (feed.gaps, feed.missed) == (1, 3)
    errors = [error for _, connected, error in sink.reports if error]
    assert errors == ["sequence gap on BTCUSDT: 3 missing before 665076913 (1 gaps so far)"]
    assert feed.connected


async def test_repeated_trade_is_dropped() -> None:
    lines = BTC_TRADES[:10] + BTC_TRADES[5:6] + BTC_TRADES[10:20]
    sink = RecordingSink()
    async with ReplayServer([Script(lines)]) as server:
        feed = source(server.url)
        async with running(feed, sink, BTC_ETH):
            await sink.wait_for(lambda: len(sink.ticks) == 20)
    assert feed.out_of_order == 1
    assert [t.trade_id for t in sink.ticks] == [str(665076760 + i) for i in range(20)]


async def test_silent_connection_is_dropped_as_stale() -> None:
    sleep = FakeSleep()
    sink = RecordingSink()
    scripts = [Script(BTC_TRADES[:10]), Script(BTC_TRADES[10:20])]  # the first goes quiet and stays open
    async with ReplayServer(scripts) as server:
        feed = source(server.url, sleep, stale_after_seconds=0.2)
        async with running(feed, sink, BTC_ETH):
            await sink.wait_for(lambda: len(sink.ticks) == 20)
    assert len(server.paths) == 2
    assert feed.reconnects == 1
    assert sink.reports[1] == ("binance", False, "no message for 0.2s")


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


async def test_unreachable_server_backs_off_exponentially_to_the_cap() -> None:
    sleep = FakeSleep(stop_after=9)
    sink = RecordingSink()
    feed = source(f"ws://127.0.0.1:{closed_port()}", sleep)
    with contextlib.suppress(Stop):
        await feed.run(sink, BTC_ETH)
    assert sleep.delays == [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 60.0, 60.0]
    assert feed.reconnects == 9
    assert not feed.connected
    assert all(not connected and error for _, connected, error in sink.reports)


async def test_backoff_resets_after_a_healthy_connection() -> None:
    sleep = FakeSleep()
    sink = RecordingSink()
    scripts = [Script(BTC_TRADES[i : i + 50], end="drop") for i in range(0, 200, 50)]
    async with ReplayServer(scripts) as server:
        feed = source(server.url, sleep, healthy_seconds=0.0)
        async with running(feed, sink, BTC_ETH):
            await sink.wait_for(lambda: len(sink.ticks) == 200 and feed.reconnects == 4)
    assert sleep.delays == [1.0, 1.0, 1.0, 1.0]


async def test_without_binance_markets_it_reports_and_returns() -> None:
    sink = RecordingSink()
    await source("ws://127.0.0.1:9").run(sink, [Asset("USDT", "Tether", coinbase_product="USDT-USD")])
    assert sink.reports == [("binance", False, "no assets have a binance market; not connecting")]


def test_registered_under_its_name() -> None:
    assert isinstance(get_factory("binance")(make_settings()), BinanceSource)
