"""Binance parsing and REST klines against recorded real messages and responses."""

from __future__ import annotations

import itertools
import json

import httpx
import pytest

from app.core.marketdata import Candle, align
from app.integrations.binance import (
    BinanceClient,
    ClosedKline,
    TradeMessage,
    parse_klines,
    parse_stream_message,
    streams_url,
)
from app.integrations.parsing import MalformedMessage
from tests.integrations.support import (
    FakeSleep,
    fixture_json,
    fixture_lines,
    fixture_text,
    make_settings,
)

SYMBOLS = {"BTCUSDT": "BTC-USD", "ETHUSDT": "ETH-USD"}


def parse_all(name: str) -> list[TradeMessage | ClosedKline | None]:
    return [parse_stream_message(line, SYMBOLS, received=1.0) for line in fixture_lines("binance", name)]


def test_agg_trades_become_ticks() -> None:
    messages = parse_all("ws_combined_btcusdt@aggTrade.jsonl")
    trades = [m for m in messages if isinstance(m, TradeMessage)]
    assert len(trades) == 300
    first, last = trades[0].tick, trades[-1].tick
    assert (first.symbol, first.price, first.volume, first.source) == (
        "BTC-USD",
        58001.03,
        0.086205,
        "binance",
    )
    assert first.ts == 1617566591.314  # T (trade time), not E (event time)
    assert first.trade_id == "665076760"
    assert first.received == 1.0
    assert last.price == 58013.57
    ids = [m.seq for m in trades]
    assert ids == list(range(665076760, 665076760 + 300))  # recorded ids are contiguous


def test_eth_agg_trades() -> None:
    ticks = [m.tick for m in parse_all("ws_combined_ethusdt@aggTrade.jsonl") if isinstance(m, TradeMessage)]
    assert len(ticks) == 150
    assert {t.symbol for t in ticks} == {"ETH-USD"}
    assert (ticks[0].price, ticks[-1].price) == (2064.74, 2065.07)


def test_only_closed_klines_become_candles() -> None:
    messages = parse_all("ws_combined_btcusdt@kline_1m.jsonl")
    assert len(messages) == 44
    closed = [m for m in messages if m is not None]
    assert closed == [
        ClosedKline(
            "BTCUSDT",
            "BTC-USD",
            "1m",
            # The kline's own quote asset volume ("q"), not an estimate.
            Candle(1617566580, 57994.6, 58018.03, 57974.41, 57999.99, 23.067122, 1337913.58654308),
        )
    ]
    assert align(closed[0].candle.ts, "1m") == closed[0].candle.ts


def test_raw_trade_stream_payload() -> None:
    # The documentation's `<symbol>@trade` payload, in the envelope the combined stream puts around it.
    data = fixture_json("binance", "ws_trade_docs_example.json")
    message = parse_stream_message(
        json.dumps({"stream": "bnbbtc@trade", "data": data}), {"BNBBTC": "BNB-BTC"}, received=0
    )
    assert isinstance(message, TradeMessage)
    assert (message.seq, message.tick.trade_id, message.tick.price, message.tick.volume) == (
        12345,
        "12345",
        0.001,
        100,
    )
    assert message.tick.ts == 1672515782.136


@pytest.mark.parametrize(
    "raw",
    [
        "not json",
        "{}",
        '{"result": null, "id": 1}',
        '{"stream":"btcusdt@depth","data":{"e":"depthUpdate","s":"BTCUSDT"}}',
        '{"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","s":"BTCUSDT","a":1,"p":"x","q":"1","T":1}}',
        '{"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","s":"BTCUSDT","a":1,"p":"NaN","q":"1","T":1}}',
        '{"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","s":"BTCUSDT","p":"1","q":"1","T":1}}',
        '{"stream":"dogeusdt@aggTrade","data":{"e":"aggTrade","s":"DOGEUSDT","a":1,"p":"1","q":"1","T":1}}',
        b"\x00\xff\xfe",
    ],
)
def test_malformed_messages_raise(raw: str | bytes) -> None:
    with pytest.raises(MalformedMessage):
        parse_stream_message(raw, SYMBOLS, received=0)


def test_streams_url() -> None:
    assert streams_url("wss://stream.binance.com:9443/", ["BTCUSDT", "ETHUSDT"]) == (
        "wss://stream.binance.com:9443/stream?streams="
        "btcusdt@aggTrade/btcusdt@kline_1m/ethusdt@aggTrade/ethusdt@kline_1m"
    )


@pytest.mark.parametrize(
    ("name", "interval", "count", "first", "last"),
    [
        (
            "api_v3_klines_BTCUSDT_1h.json",
            "1h",
            1000,
            Candle(1588280400, 8819.15, 8849.8, 8734.5, 8761.92, 3089.560545, 27174569.16633405),
            Candle(1591876800, 9787.58, 9796.29, 9675.0, 9721.37, 3702.025746, 36075076.15189109),
        ),
        (
            "api_v3_klines_BTCUSDT_5m.json",
            "5m",
            24,
            Candle(1586987400, 6733.55, 6737.79, 6726.61, 6727.14, 121.201391, 815879.49416818),
            Candle(1586994300, 6624.74, 6628.89, 6622.38, 6625.84, 50.705591, 335940.61968591),
        ),
        (
            "api_v3_klines_BTCUSDT_1d.json",
            "1d",
            366,
            Candle(1546300800, 3701.23, 3810.16, 3642.0, 3797.14, 23741.687033, 88149249.09230461),
            Candle(1577836800, 7195.24, 7255.0, 7175.15, 7200.85, 16792.388165, 121214452.11606228),
        ),
    ],
)
def test_rest_klines_parse(name: str, interval: str, count: int, first: Candle, last: Candle) -> None:
    candles = parse_klines(fixture_text("binance", name))
    assert (len(candles), candles[0], candles[-1]) == (count, first, last)
    assert all(align(c.ts, interval) == c.ts for c in candles)
    assert all(b.ts > a.ts for a, b in itertools.pairwise(candles))


def klines_server(rows: list[list[object]]) -> httpx.MockTransport:
    """Serves the recorded rows as Binance does: open time >= startTime (and <= endTime), `limit` at most."""

    def handle(request: httpx.Request) -> httpx.Response:
        params = request.url.params
        start, limit = int(params["startTime"]), int(params["limit"])
        end = int(params.get("endTime", 2**62))
        page = [row for row in rows if start <= int(str(row[0])) <= end][:limit]
        return httpx.Response(200, json=page)

    return httpx.MockTransport(handle)


async def test_rest_klines_paginate_by_start_time() -> None:
    rows = fixture_json("binance", "api_v3_klines_BTCUSDT_1h.json")
    seen: list[httpx.Request] = []
    inner = klines_server(rows)

    async def spy(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return await inner.handle_async_request(request)

    async with BinanceClient(
        make_settings(), transport=httpx.MockTransport(spy), sleep=FakeSleep()
    ) as client:
        candles = await client.klines("BTCUSDT", "1h", start=1588280400, end=1591880400, limit=400)
    assert candles == parse_klines(json.dumps(rows))
    assert [int(r.url.params["startTime"]) for r in seen] == [
        1588280400000,
        1588280400000 + 400 * 3_600_000,
        1588280400000 + 800 * 3_600_000,
    ]
    assert {r.url.path for r in seen} == {"/api/v3/klines"}
    assert {r.url.params["symbol"] for r in seen} == {"BTCUSDT"}


async def test_rest_klines_stop_at_end() -> None:
    rows = fixture_json("binance", "api_v3_klines_BTCUSDT_5m.json")
    async with BinanceClient(make_settings(), transport=klines_server(rows), sleep=FakeSleep()) as client:
        candles = await client.klines("BTCUSDT", "5m", start=1586987400, end=1586987400 + 5 * 300, limit=3)
    assert [c.ts for c in candles] == [1586987400 + i * 300 for i in range(6)]
