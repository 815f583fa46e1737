"""Gateway auth (query token or first message, close codes) and resuming with lastEventId."""

from __future__ import annotations

import asyncio

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from app.config import Settings
from app.realtime import events
from app.realtime.frames import ALERT_TRIGGERED, ANALYSIS_COMPLETE, PORTFOLIO_UPDATE
from tests.conftest import Account, drop_bus_subscriptions
from tests.realtime.conftest import Live, connected, frame, frame_of, live_server, send


async def _close_code(url: str, first: str | None = None) -> int:
    async with connect(url) as ws:
        if first is not None:
            await ws.send(first)
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                await frame(ws)
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code


async def test_close_codes(live: Live) -> None:
    alice, bob = await live.account(), await live.account()
    assert await _close_code(live.ws_url(alice.id, token="not-a-token")) == 4401
    assert await _close_code(live.ws_url(alice.id, token=alice.tokens["refreshToken"])) == 4401
    assert await _close_code(live.ws_url(alice.id, token=bob.tokens["accessToken"])) == 4403
    assert await _close_code(live.ws_url("me", token=alice.tokens["accessToken"])) == 4403
    assert await _close_code(live.ws_url(alice.id), '{"action": "subscribe"}') == 4401
    live.runtime.settings.ws_auth_timeout = 0.2
    assert await _close_code(live.ws_url(alice.id)) == 4401  # silent: never authenticates


async def test_token_in_the_first_message(live: Live) -> None:
    account = await live.account()
    async with connect(live.ws_url(account.id)) as ws:
        await send(ws, {"action": "auth", "token": account.tokens["accessToken"]})
        assert (await frame(ws))["type"] == "CONNECTED"
        await send(ws, {"action": "ping"})
        assert (await frame(ws))["type"] == "PONG"


async def test_connections_per_user_are_capped(live: Live) -> None:
    live.runtime.settings.ws_max_connections_per_user = 2
    account = await live.account()
    async with await connected(live, account), await connected(live, account):
        assert await _close_code(live.ws_url(account.id, token=account.tokens["accessToken"])) == 4429
    async with await connected(live, account):  # closed ones no longer count
        pass


async def _emit(live: Live, account: Account, type_: str, **fields: object) -> int:
    async with live.runtime.db.session() as session:
        return await events.emit(session, live.runtime.bus, account.id, type_, dict(fields))


async def test_user_events_are_stored_then_sent_and_replayed_after_a_reconnect(live: Live) -> None:
    account, other = await live.account(), await live.account()
    async with await connected(live, account) as ws, await connected(live, other) as theirs:
        first = await _emit(
            live,
            account,
            ALERT_TRIGGERED,
            alertId=101,
            symbol="BTC-USD",
            currentPrice=50250,
            threshold=50000,
            timestamp="2025-11-13T12:15:30Z",
        )
        alert = await frame(ws)
        assert alert == {
            "type": "ALERT_TRIGGERED",
            "eventId": str(first),
            "serverTime": alert["serverTime"],
            "alertId": 101,
            "symbol": "BTC-USD",
            "currentPrice": 50250,
            "threshold": 50000,
            "timestamp": "2025-11-13T12:15:30Z",
        }
        await send(theirs, {"action": "ping"})
        assert (await frame(theirs))["type"] == "PONG"  # another user's event never reaches them
    # Offline: two more events happen.
    second = await _emit(live, account, ANALYSIS_COMPLETE, analysisId="an_1", url="/api/analysis/an_1")
    third = await _emit(
        live,
        account,
        ALERT_TRIGGERED,
        alertId=102,
        symbol="ETH-USD",
        currentPrice=3000,
        threshold=2900,
        timestamp="2025-11-13T12:20:00Z",
    )
    async with await connected(live, account, lastEventId=first) as ws:
        missed = [await frame(ws), await frame(ws)]
        assert [m["eventId"] for m in missed] == [str(second), str(third)]
        assert missed[0]["type"] == "ANALYSIS_COMPLETE" and missed[0]["url"] == "/api/analysis/an_1"
        live_one = await _emit(
            live,
            account,
            ALERT_TRIGGERED,
            alertId=103,
            symbol="SOL-USD",
            currentPrice=1,
            threshold=2,
            timestamp="2025-11-13T12:30:00Z",
        )
        assert (await frame(ws))["eventId"] == str(live_one)
    async with await connected(live, account, lastEventId=third) as ws:
        assert (await frame(ws))["eventId"] == str(live_one)  # only what came after
        await send(ws, {"action": "ping"})
        assert (await frame(ws))["type"] == "PONG"


async def test_rolled_back_events_are_never_sent(live: Live) -> None:
    account = await live.account()
    async with await connected(live, account) as ws:
        with pytest.raises(RuntimeError):
            async with live.runtime.db.session() as session:
                await events.emit(session, live.runtime.bus, account.id, ALERT_TRIGGERED, {"alertId": 1})
                raise RuntimeError("the trigger failed")
        await send(ws, {"action": "ping"})
        assert (await frame(ws))["type"] == "PONG"
    async with await connected(live, account, lastEventId=0) as ws:
        await send(ws, {"action": "ping"})
        assert (await frame(ws))["type"] == "PONG"  # nothing stored to replay


async def test_replay_is_bounded_and_says_so(live: Live) -> None:
    live.runtime.settings.ws_replay_limit = 3
    account = await live.account()
    ids = [await _emit(live, account, ALERT_TRIGGERED, alertId=i) for i in range(5)]
    async with await connected(live, account, lastEventId=0) as ws:
        got = [await frame(ws) for _ in range(4)]
        assert [g["eventId"] for g in got[:3]] == [str(i) for i in ids[:3]]
        assert got[3]["code"] == "REPLAY_TRUNCATED" and f"lastEventId={ids[2]}" in got[3]["message"]
    async with await connected(live, account, lastEventId="abc") as ws:
        assert (await frame_of(ws, "ERROR"))["field"] == "lastEventId"


async def test_events_published_while_replaying_are_not_lost_or_doubled(live: Live) -> None:
    account = await live.account()
    first = await _emit(live, account, ALERT_TRIGGERED, alertId=0)
    backlog = [await _emit(live, account, ALERT_TRIGGERED, alertId=i) for i in range(1, 40)]
    ws_task = asyncio.create_task(connected(live, account, lastEventId=first))
    during = [await _emit(live, account, ALERT_TRIGGERED, alertId=100 + i) for i in range(10)]
    async with await ws_task as ws:
        received = [int((await frame(ws))["eventId"]) for _ in range(len(backlog) + len(during))]
    assert received == sorted(backlog + during)


async def test_events_stored_together_arrive_in_order_to_their_users_only(live: Live) -> None:
    account, other = await live.account(), await live.account()
    stored = [
        (account.id, PORTFOLIO_UPDATE, {"portfolioId": 1, "totalValue": 100.0}),
        (other.id, PORTFOLIO_UPDATE, {"portfolioId": 2, "totalValue": 200.0}),
        (account.id, PORTFOLIO_UPDATE, {"portfolioId": 3, "totalValue": 300.0}),
    ]
    async with await connected(live, account) as ws:
        async with live.runtime.db.session() as session:
            ids = await events.emit_many(session, live.runtime.bus, stored)
        assert ids == sorted(ids) and len(set(ids)) == 3
        got = [await frame(ws), await frame(ws)]
        assert [(g["eventId"], g["portfolioId"]) for g in got] == [(str(ids[0]), 1), (str(ids[2]), 3)]
    async with await connected(live, other, lastEventId=0) as ws:
        assert (await frame(ws))["portfolioId"] == 2  # stored, and replayed to its user


async def test_a_client_that_saw_no_event_resumes_from_the_cursor_of_connected(live: Live) -> None:
    """CONNECTED carries the newest eventId ("0" before any): a client dropped before its first event
    resumes from it and gets what happened while it was away, once."""
    account = await live.account()
    token = account.tokens["accessToken"]
    async with connect(live.ws_url(account.id, token=token)) as ws:
        hello = await frame(ws)
    assert hello["type"] == "CONNECTED" and hello["lastEventId"] == "0"
    away = await _emit(live, account, ANALYSIS_COMPLETE, analysisId="an_9", url="/api/analysis/an_9")
    async with connect(live.ws_url(account.id, token=token, lastEventId=hello["lastEventId"])) as ws:
        again = await frame(ws)
        missed = await frame(ws)
    assert again["lastEventId"] == str(away)
    assert missed["type"] == "ANALYSIS_COMPLETE" and missed["eventId"] == str(away)


async def test_connected_clients_get_what_was_published_while_their_hub_was_off_the_bus(
    cluster_settings: Settings,
) -> None:
    """Redis restarting drops every subscription: an event committed then is published to nobody. The hub,
    subscribed again, gives each connected client what it missed from the store, once, in order, before the
    live events that follow."""
    async with live_server(cluster_settings) as live:
        account = await live.account()
        async with await connected(live, account) as ws, await connected(live, account) as other:
            first = await _emit(live, account, ALERT_TRIGGERED, alertId=1)
            assert [(await frame(c))["eventId"] for c in (ws, other)] == [str(first)] * 2
            assert await drop_bus_subscriptions(cluster_settings.namespace) >= 1
            missed = [await _emit(live, account, ALERT_TRIGGERED, alertId=i) for i in (2, 3)]
            got = [[(await frame(c, timeout=10))["eventId"] for _ in missed] for c in (ws, other)]
            assert got == [[str(i) for i in missed]] * 2
            after = await _emit(live, account, PORTFOLIO_UPDATE, portfolioId=1)
            for c in (ws, other):
                assert (await frame(c))["eventId"] == str(after)
                await send(c, {"action": "ping"})
                assert (await frame(c))["type"] == "PONG"  # nothing doubled in between
