"""Coinbase Exchange feed parsing against the recorded real feed."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime

import pytest

from app.integrations.coinbase import (
    FeedError,
    Heartbeat,
    Subscriptions,
    TickerMessage,
    parse_message,
    subscribe_message,
)
from app.integrations.parsing import MalformedMessage
from tests.integrations.support import fixture_lines

TICKERS = fixture_lines("coinbase", "exchange_ws_ticker.jsonl")
PRODUCTS = sorted({json.loads(line)["product_id"] for line in TICKERS})
SYMBOLS = {product: product for product in PRODUCTS}


def test_subscribe_message_has_the_recorded_shape() -> None:
    recorded = [
        json.loads(line) for line in fixture_lines("coinbase", "exchange_ws_subscribe_requests.jsonl")
    ]
    ours = subscribe_message(PRODUCTS)
    assert all(set(ours) == set(request) for request in recorded)
    assert ours == {"type": "subscribe", "product_ids": PRODUCTS, "channels": ["ticker", "heartbeat"]}
    assert recorded[1]["channels"] == ["ticker"]


def test_tickers_become_ticks() -> None:
    messages = [parse_message(line, SYMBOLS, received=5.0) for line in TICKERS]
    assert all(isinstance(m, TickerMessage) for m in messages)
    tickers = [m for m in messages if isinstance(m, TickerMessage)]
    assert len(tickers) == 107
    first = tickers[0]
    assert (first.product, first.sequence, first.trade_id) == ("BAND-GBP", 333938798, 881613)
    tick = first.tick
    assert (tick.symbol, tick.price, tick.volume, tick.source, tick.trade_id) == (
        "BAND-GBP",
        14.7775,
        0.04,
        "coinbase",
        "881613",
    )
    assert tick.ts == datetime(2021, 4, 17, 16, 43, 30, 244075, tzinfo=UTC).timestamp()
    assert tick.received == 5.0
    assert Counter(m.product for m in tickers)["SKL-USD"] == 53
    skl = [m for m in tickers if m.product == "SKL-USD"]
    assert (skl[0].tick.price, skl[-1].tick.price, skl[0].tick.volume) == (0.7904, 0.7902, 1338.3)


def test_subscriptions_are_recognised() -> None:
    messages = [
        parse_message(line, SYMBOLS, received=0)
        for line in fixture_lines("coinbase", "exchange_ws_subscriptions.jsonl")
    ]
    assert all(isinstance(m, Subscriptions) for m in messages)
    last = messages[-1]
    assert isinstance(last, Subscriptions)
    assert [c.name for c in last.channels] == ["ticker", "matches", "level2"]
    assert sorted(last.channels[0].product_ids) == PRODUCTS


def test_heartbeat_and_error_are_recognised() -> None:
    # Shapes from the Coinbase Exchange WebSocket documentation (heartbeat and error examples).
    heartbeat = parse_message(
        '{"type":"heartbeat","sequence":90,"last_trade_id":20,"product_id":"BTC-USD",'
        '"time":"2014-11-07T08:19:28.464459Z"}',
        SYMBOLS,
        received=0,
    )
    assert isinstance(heartbeat, Heartbeat)
    assert (heartbeat.product_id, heartbeat.sequence, heartbeat.last_trade_id) == ("BTC-USD", 90, 20)
    error = parse_message(
        '{"type":"error","message":"Failed to subscribe","reason":"BTC-XYZ is not a valid product"}',
        SYMBOLS,
        received=0,
    )
    assert isinstance(error, FeedError)
    assert error.reason == "BTC-XYZ is not a valid product"


def test_ticker_without_trade_fields_is_a_price() -> None:
    recorded = json.loads(TICKERS[0])
    for key in ("time", "trade_id", "last_size", "side"):
        del recorded[key]
    message = parse_message(json.dumps(recorded), SYMBOLS, received=7.0)
    assert isinstance(message, TickerMessage)
    assert (message.trade_id, message.tick.volume, message.tick.ts, message.tick.trade_id) == (
        None,
        0.0,
        7.0,
        None,
    )


@pytest.mark.parametrize(
    "raw",
    [
        "garbage",
        "[]",
        '{"type":"l2update","product_id":"SKL-USD"}',
        '{"type":"ticker","product_id":"SKL-USD","sequence":1}',
        '{"type":"ticker","product_id":"SKL-USD","sequence":1,"price":"inf"}',
        '{"type":"ticker","product_id":"BTC-EUR","sequence":1,"price":"1"}',
    ],
)
def test_malformed_messages_raise(raw: str) -> None:
    with pytest.raises(MalformedMessage):
        parse_message(raw, SYMBOLS, received=0)
