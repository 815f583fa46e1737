"""The live Coinbase source against a local WebSocket server replaying the recorded real feed."""

from __future__ import annotations

import json
from collections import Counter

from app.market.sources import get_factory
from app.market.sources.coinbase import CoinbaseSource
from app.market.symbols import Asset
from tests.integrations.support import FakeSleep, fixture_lines, make_settings
from tests.market.live_support import RecordingSink, ReplayServer, Script, running

TICKERS = fixture_lines("coinbase", "exchange_ws_ticker.jsonl")
SUBSCRIPTIONS = fixture_lines("coinbase", "exchange_ws_subscriptions.jsonl")
PRODUCTS = sorted({json.loads(line)["product_id"] for line in TICKERS})
# The recording has none of our built-in products; these assets follow the recorded ones.
ASSETS = [Asset(product, product, coinbase_product=product) for product in PRODUCTS]


def source(url: str, sleep: FakeSleep | None = None) -> CoinbaseSource:
    settings = make_settings(coinbase_ws_url=url)
    return CoinbaseSource(settings, sleep=sleep or FakeSleep(), rng=lambda: 1.0, flush_seconds=0.01)


def feed(lines: list[str], **script: object) -> Script:
    """The server's side of a session: wait for the subscribe request, acknowledge it, replay `lines`."""
    return Script([SUBSCRIPTIONS[1], *lines], await_first=True, **script)  # type: ignore[arg-type]


async def test_subscribes_and_replays_tickers() -> None:
    sink = RecordingSink()
    async with ReplayServer([feed(TICKERS)]) as server:
        cb = source(server.url)
        async with running(cb, sink, ASSETS):
            await sink.wait_for(lambda: len(sink.ticks) == 107)
    (subscribe,) = server.received[0]
    assert json.loads(subscribe) == {
        "type": "subscribe",
        "product_ids": PRODUCTS,
        "channels": ["ticker", "heartbeat"],
    }
    assert Counter(t.symbol for t in sink.ticks)["SKL-USD"] == 53
    assert (sink.ticks[0].symbol, sink.ticks[0].price, sink.ticks[0].volume) == ("BAND-GBP", 14.7775, 0.04)
    assert sink.prices("SKL-USD")[-1] == 0.7902
    assert {t.source for t in sink.ticks} == {"coinbase"}
    # `sequence` jumps between every pair of tickers here (it counts book events): no gap from that.
    assert (cb.gaps, cb.out_of_order, cb.malformed, cb.reconnects) == (0, 0, 0, 0)
    assert sink.reports == [("coinbase", True, None)]


async def test_missing_ticker_is_a_trade_id_gap() -> None:
    skl = [i for i, line in enumerate(TICKERS) if '"product_id":"SKL-USD"' in line]
    removed = TICKERS[skl[10]]
    lines = [line for line in TICKERS if line != removed]
    sink = RecordingSink()
    async with ReplayServer([feed(lines)]) as server:
        cb = source(server.url)
        async with running(cb, sink, ASSETS):
            await sink.wait_for(lambda: len(sink.ticks) == 106)
    assert (cb.gaps, cb.missed) == (1, 1)
    trade_id = json.loads(removed)["trade_id"]
    assert any(error and f"SKL-USD: 1 missing before {trade_id + 1}" in error for _, _, error in sink.reports)


async def test_repeated_ticker_is_dropped() -> None:
    lines = [*TICKERS[:30], TICKERS[20], *TICKERS[30:]]
    sink = RecordingSink()
    async with ReplayServer([feed(lines)]) as server:
        cb = source(server.url)
        async with running(cb, sink, ASSETS):
            await sink.wait_for(lambda: len(sink.ticks) == 107 and cb.out_of_order == 1)
    assert cb.gaps == 0


async def test_dropped_connection_resubscribes_and_continues() -> None:
    sleep = FakeSleep()
    sink = RecordingSink()
    async with ReplayServer([feed(TICKERS[:50], end="drop"), feed(TICKERS[50:])]) as server:
        cb = source(server.url, sleep)
        async with running(cb, sink, ASSETS):
            await sink.wait_for(lambda: len(sink.ticks) == 107)
    assert [len(messages) for messages in server.received] == [1, 1]  # subscribed again
    assert cb.reconnects == 1
    assert sleep.delays == [1.0]
    assert [connected for _, connected, _ in sink.reports] == [True, False, True]


async def test_garbage_and_control_messages_are_handled() -> None:
    extra = [
        "garbage",
        '{"type":"ticker"}',
        '{"type":"heartbeat","sequence":90,"last_trade_id":20,"product_id":"SKL-USD","time":"2021-04-17T16:44:00Z"}',
        '{"type":"error","message":"Failed to subscribe","reason":"XYZ-USD is not a valid product"}',
    ]
    sink = RecordingSink()
    async with ReplayServer([feed(extra + TICKERS)]) as server:
        cb = source(server.url)
        async with running(cb, sink, ASSETS):
            await sink.wait_for(lambda: len(sink.ticks) == 107)
    assert cb.malformed == 2
    assert cb.last_error == "Failed to subscribe: XYZ-USD is not a valid product"
    assert ("coinbase", True, "Failed to subscribe: XYZ-USD is not a valid product") in sink.reports


def test_registered_under_its_name() -> None:
    assert isinstance(get_factory("coinbase")(make_settings()), CoinbaseSource)
