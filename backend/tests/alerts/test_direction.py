"""ALERT_TRIGGERED carries the move's direction (as stored on the trigger) on WebSocket, SSE and replay."""

from __future__ import annotations

import asyncio

import orjson

from app.alerts.worker import AlertEngine
from app.config import Settings
from tests.conftest import Account
from tests.realtime.conftest import Live, connected, frame_of, live_server
from tests.realtime.test_sse_and_processes import _sse_events

TS = 1_780_000_000.0
SEED_FIELDS = {"alertId", "symbol", "currentPrice", "threshold", "timestamp"}


async def _below(live: Live, account: Account) -> int:
    body = {
        "userId": account.id,
        "symbol": "BTC-USD",
        "condition": "PRICE_BELOW",
        "threshold": 40000,
        "channels": ["IN_APP"],
    }
    response = await live.http.post("/api/alerts", json=body, headers=account.headers)
    assert response.status_code == 201, response.text
    alert_id: int = response.json()["data"]["id"]
    return alert_id


async def _fire(live: Live, symbol: str, price: float) -> list[int]:
    engine = AlertEngine(live.runtime)
    await engine.start()
    try:
        fired = await engine.on_price(symbol, price, TS, "binance")
        await engine.flush()
    finally:
        await engine.stop()
    return fired


async def test_a_fall_is_sent_as_down_live_over_sse_and_on_replay(settings: Settings) -> None:
    async with live_server(settings) as live:
        await _a_fall_is_sent_as_down(live)


async def _a_fall_is_sent_as_down(live: Live) -> None:
    account = await live.account()
    alert_id = await _below(live, account)
    headers = {"Authorization": f"Bearer {account.tokens['accessToken']}"}
    async with (
        await connected(live, account) as ws,
        live.http.stream("GET", "/api/stream", headers=headers) as response,
    ):
        stream = _sse_events(response)
        assert (await anext(stream)) == {"retry": "3000"}
        assert await _fire(live, "BTC-USD", 39_500.0) == [alert_id]
        frame = await frame_of(ws, "ALERT_TRIGGERED", timeout=10)
        sse = await asyncio.wait_for(anext(stream), 10)
    assert SEED_FIELDS | {"direction"} <= frame.keys()
    assert frame["alertId"] == alert_id and frame["currentPrice"] == 39_500.0
    assert frame["threshold"] == 40_000.0 and frame["direction"] == "DOWN"
    assert sse["event"] == "ALERT_TRIGGERED" and orjson.loads(sse["data"])["direction"] == "DOWN"
    # A client that resumes from before it gets the stored event with the same direction.
    async with await connected(live, account, lastEventId=0) as ws:
        replayed = await frame_of(ws, "ALERT_TRIGGERED", timeout=10)
    assert replayed["eventId"] == frame["eventId"] and replayed["direction"] == "DOWN"
    history = await live.http.get(f"/api/alerts/{account.id}/history", headers=account.headers)
    assert [t["direction"] for t in history.json()["data"]["triggers"]] == ["DOWN"]
