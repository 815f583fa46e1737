"""WebSocket /ws/alerts/{userId}: subscribe, unsubscribe, ping, prices, errors, on both deployments."""

from __future__ import annotations

import asyncio

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from app.config import Settings
from tests.realtime.conftest import Live, connected, frame, live_server, send


async def test_subscribe_receive_prices_unsubscribe_ping(live: Live) -> None:
    account = await live.account()
    async with await connected(live, account) as ws:
        await send(ws, {"action": "subscribe", "symbols": ["BTC-USD", "eth-usd"]})
        ack = await frame(ws)
        assert ack["type"] == "SUBSCRIBED" and ack["symbols"] == ["BTC-USD", "ETH-USD"]
        await live.publish_price("BTC-USD", 50250.5, ts=1_780_000_000.25, change24h=0.021, volume24h=1234.5)
        update = await frame(ws)
        assert update["type"] == "PRICE_UPDATE" and update["symbol"] == "BTC-USD"
        assert update["price"] == 50250.5 and update["change24h"] == 0.021 and update["volume24h"] == 1234.5
        assert update["timestamp"] == "2026-05-28T20:26:40.250000Z"
        assert update["eventId"] and update["serverTime"].endswith("Z")
        await send(ws, {"action": "unsubscribe", "symbols": ["BTC-USD"]})
        gone = await frame(ws)
        assert gone["type"] == "UNSUBSCRIBED" and gone["subscriptions"] == ["ETH-USD"]
        await live.publish_price("BTC-USD", 50300.0)
        await live.publish_price("ETH-USD", 3000.0)
        assert (await frame(ws))["symbol"] == "ETH-USD"  # BTC-USD no longer arrives
        await send(ws, {"action": "ping"})
        assert (await frame(ws))["type"] == "PONG"


async def test_a_new_subscriber_gets_the_latest_price_at_once(live: Live) -> None:
    account = await live.account()
    await live.publish_price("SOL-USD", 150.0)
    await asyncio.sleep(0.05)
    async with await connected(live, account) as ws:
        await send(ws, {"action": "subscribe", "symbols": ["SOL-USD"]})
        first, second = await frame(ws), await frame(ws)
        assert first["type"] == "SUBSCRIBED" and second["type"] == "PRICE_UPDATE"
        assert second["price"] == 150.0


@pytest.mark.parametrize(
    ("message", "code", "field"),
    [
        ("{not json", "BAD_JSON", None),
        ("[1, 2]", "BAD_MESSAGE", "action"),
        ('{"action": "dance"}', "UNKNOWN_ACTION", "action"),
        ('{"action": "subscribe", "symbols": ["BTC-USD", "NOPE-USD"]}', "UNKNOWN_SYMBOL", "symbols"),
        ('{"action": "subscribe", "symbols": "BTC-USD"}', "BAD_MESSAGE", "symbols"),
        ('{"action": "subscribe", "symbols": []}', "BAD_MESSAGE", "symbols"),
        ('{"action": "auth", "token": "x"}', "BAD_MESSAGE", "action"),
    ],
)
async def test_bad_messages_get_an_error_frame_and_change_nothing(
    live: Live, message: str, code: str, field: str | None
) -> None:
    account = await live.account()
    async with await connected(live, account) as ws:
        await ws.send(message)
        error = await frame(ws)
        assert error["type"] == "ERROR" and error["code"] == code and error.get("field") == field
        assert error["message"]
        # Still connected, and nothing was subscribed.
        await send(ws, {"action": "ping"})
        assert (await frame(ws))["type"] == "PONG"
        await live.publish_price("BTC-USD", 1.0)
        await send(ws, {"action": "ping"})
        assert (await frame(ws))["type"] == "PONG"


async def test_subscription_cap(live: Live) -> None:
    live.runtime.settings.ws_max_subscriptions = 2
    account = await live.account()
    async with await connected(live, account) as ws:
        await send(ws, {"action": "subscribe", "symbols": ["BTC-USD", "ETH-USD"]})
        assert (await frame(ws))["type"] == "SUBSCRIBED"
        await send(ws, {"action": "subscribe", "symbols": ["SOL-USD"]})
        error = await frame(ws)
        assert error["code"] == "TOO_MANY_SUBSCRIPTIONS" and error["field"] == "symbols"


async def test_inbound_rate_limit_then_close_on_abuse(live: Live) -> None:
    settings = live.runtime.settings
    settings.ws_inbound_rate, settings.ws_inbound_burst, settings.ws_abuse_limit = 1.0, 3, 5
    account = await live.account()
    async with await connected(live, account) as ws:
        for _ in range(3):
            await send(ws, {"action": "ping"})
        await send(ws, {"action": "ping"})
        kinds = [(await frame(ws))["type"] for _ in range(4)]
        assert kinds == ["PONG", "PONG", "PONG", "ERROR"]
        for _ in range(10):
            await send(ws, {"action": "ping"})
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                await frame(ws)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008


async def test_metrics_and_readiness_count_connections(live: Live) -> None:
    account = await live.account()
    async with await connected(live, account) as ws:
        await send(ws, {"action": "subscribe", "symbols": ["BTC-USD", "ETH-USD"]})
        await frame(ws)
        ready = (await live.http.get("/health/ready")).json()["data"]["realtime"]
        assert ready["connections"] == 1 and ready["subscriptions"] == 2 and ready["framesOut"] >= 2
        metrics = (await live.http.get("/metrics")).text
        assert "cryptomon_ws_connections 1.0" in metrics and "cryptomon_ws_subscriptions 2.0" in metrics
    async with connect(live.ws_url(account.id, token="bad")) as ws:
        with pytest.raises(ConnectionClosed):
            await frame(ws)


async def test_any_asgi_server_gets_the_same_protocol(settings: Settings) -> None:
    """Without `cryptomon serve`'s direct path, frames go through the framework (a writer task per client)."""
    async with live_server(settings, plain=True) as live:
        account = await live.account()
        async with await connected(live, account) as ws:
            await send(ws, {"action": "subscribe", "symbols": ["BTC-USD"]})
            assert (await frame(ws))["type"] == "SUBSCRIBED"
            await live.publish_price("BTC-USD", 42.0)
            assert (await frame(ws))["price"] == 42.0
            await send(ws, {"action": "nope"})
            assert (await frame(ws))["code"] == "UNKNOWN_ACTION"
        async with connect(live.ws_url(account.id, token="bad")) as ws:
            with pytest.raises(ConnectionClosed) as closed:
                await frame(ws)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401


async def test_many_clients_subscribing_at_once_all_succeed(live: Live) -> None:
    accounts = [await live.account() for _ in range(5)]
    sockets = await asyncio.gather(*(connected(live, a) for a in accounts for _ in range(6)))
    await asyncio.gather(
        *(send(ws, {"action": "subscribe", "symbols": ["AVAX-USD", "DOT-USD"]}) for ws in sockets)
    )
    replies = await asyncio.gather(*(frame(ws) for ws in sockets))
    assert {r["type"] for r in replies} == {"SUBSCRIBED"}
    await asyncio.gather(*(ws.close() for ws in sockets))
