"""A client that reads nothing never delays the others, and what the server holds for it stays bounded."""

from __future__ import annotations

import asyncio
import base64
import os
import socket

import orjson

from app.realtime import events
from app.realtime.clients import CLOSE_TOO_SLOW, Client
from app.realtime.frames import ALERT_TRIGGERED
from app.realtime.metrics import STATS
from tests.realtime.conftest import Live, connected, frame, send

SYMBOLS = ["BTC-USD", "ETH-USD"]


def _masked(payload: bytes) -> bytes:
    mask = os.urandom(4)
    assert len(payload) < 126
    return bytes([0x81, 0x80 | len(payload)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


async def _stalled_client(live: Live, user_id: int, token: str) -> tuple[socket.socket, Client]:
    """Handshake and subscribe over a raw socket with a tiny receive buffer, then never read."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", live.port))
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        f"GET /ws/alerts/{user_id}?token={token} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    sock.sendall(request.encode())
    response = b""
    while b"\r\n\r\n" not in response:  # a client waits for the 101 before it sends frames
        response += await asyncio.to_thread(sock.recv, 1)
    assert response.startswith(b"HTTP/1.1 101")
    sock.sendall(_masked(orjson.dumps({"action": "subscribe", "symbols": SYMBOLS})))
    hub = live.app.state.hub
    for _ in range(500):
        clients = hub.by_user.get(user_id)
        if clients and next(iter(clients)).symbols:
            client = next(iter(clients))
            # The server's end of a saturated path: a small kernel send buffer (loopback would take MBs).
            server_end = client.sink._socket._protocol.transport.get_extra_info("socket")  # type: ignore[attr-defined]
            server_end.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
            return sock, client
        await asyncio.sleep(0.01)
    raise AssertionError("the stalled client never subscribed")


async def test_slow_client_is_coalesced_and_bounded_while_a_fast_one_gets_everything(live: Live) -> None:
    settings = live.runtime.settings
    settings.ws_write_buffer_bytes, settings.ws_max_pending_events = 2048, 20
    live.app.state.hub._interval = 0.0  # no per-symbol throttle: flood as fast as the bus goes
    fast, slow = await live.account(), await live.account()
    sock, stalled = await _stalled_client(live, slow.id, slow.tokens["accessToken"])
    coalesced_before = STATS.coalesced
    updates = 3000
    try:
        async with await connected(live, fast) as ws:
            await send(ws, {"action": "subscribe", "symbols": SYMBOLS})
            assert (await frame(ws))["type"] == "SUBSCRIBED"

            async def publish() -> None:
                for i in range(updates):
                    await live.publish_price(SYMBOLS[i % 2], 100.0 + i, padding="x" * 200)

            publisher = asyncio.create_task(publish())
            prices = [(await frame(ws))["price"] for _ in range(updates)]
            await publisher
            assert prices == [100.0 + i for i in range(updates)]  # every one, in order
            # The stalled client: its socket stopped taking data, so its prices were coalesced: at most
            # one per symbol is held, and the newest wins.
            # The stalled client took what the kernel buffers held; past that its socket paused and its
            # prices were coalesced: at most one per symbol held at any time, the newest winning.
            assert STATS.coalesced > coalesced_before
            assert len(stalled.prices) <= len(SYMBOLS) and not stalled.events
            last = 100.0 + updates - 1
            for round_ in range(200):  # keep the flood on until its buffers are full for good
                if not stalled.sink.ready():
                    break
                for i in range(50):
                    last = 10_000.0 + round_ * 50 + i
                    await live.publish_price(SYMBOLS[i % 2], last)
                for _ in range(50):
                    await frame(ws)
            assert not stalled.sink.ready() and len(stalled.prices) <= len(SYMBOLS)
            newest = max(orjson.loads(f.data)["price"] for f in stalled.prices.values())
            assert newest == last  # the last price published
            # Its user events queue (never coalesced) up to the bound, then it is closed so that it
            # resumes from storage with lastEventId. The kernel may still take a little now and then (a
            # receive queue being collapsed opens its window), letting the outbox drain, so events are sent
            # in rounds until one overflows it; without the bound none would.
            for _round in range(20):
                async with live.runtime.db.session() as session:
                    for i in range(settings.ws_max_pending_events + 1):
                        await events.emit(session, live.runtime.bus, slow.id, ALERT_TRIGGERED, {"alertId": i})
                for _ in range(200):  # the hub may still be working through the flood behind these events
                    if stalled.closed:
                        break
                    await asyncio.sleep(0.01)
                if stalled.closed:
                    break
            assert stalled.closed and STATS.closed[str(CLOSE_TOO_SLOW)] >= 1
            await send(ws, {"action": "ping"})
            assert (await frame(ws))["type"] == "PONG"
    finally:
        sock.close()


async def test_prices_are_throttled_per_symbol_and_the_latest_wins(live: Live) -> None:
    live.app.state.hub._interval = 1.0
    account = await live.account()
    throttled_before = STATS.throttled
    async with await connected(live, account) as ws:
        await send(ws, {"action": "subscribe", "symbols": ["XRP-USD"]})
        await frame(ws)
        for i in range(5):
            await live.publish_price("XRP-USD", 1.0 + i)
        assert (await frame(ws))["price"] == 1.0
        assert (await frame(ws, timeout=3))["price"] == 5.0  # the held ones were replaced by the newest
        await send(ws, {"action": "ping"})
        assert (await frame(ws))["type"] == "PONG"  # nothing else came between
    assert STATS.throttled - throttled_before >= 3
