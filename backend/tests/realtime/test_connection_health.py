"""Connections that cannot be served are let go: silent peers (no pong), trickled request headers."""

from __future__ import annotations

import asyncio
import base64
import os
import socket

import pytest

from app.config import Settings
from app.realtime.server import HeaderDeadlineProtocol
from tests.conftest import register
from tests.realtime.conftest import live_server


async def _read_until_closed(sock: socket.socket, limit: float) -> bytes:
    """Everything the server sends until it closes the connection (or `limit` seconds pass)."""
    sock.setblocking(False)
    loop = asyncio.get_running_loop()
    received = b""
    async with asyncio.timeout(limit):
        while chunk := await loop.sock_recv(sock, 65536):
            received += chunk
    return received


async def test_a_peer_that_never_answers_pings_is_dropped(embedded_settings: Settings) -> None:
    embedded_settings.ws_ping_interval = embedded_settings.ws_ping_timeout = 0.3
    async with live_server(embedded_settings) as live:
        account = await register(live.http)
        sock = socket.create_connection(("127.0.0.1", live.port))
        key = base64.b64encode(os.urandom(16)).decode()
        sock.sendall(
            (
                f"GET /ws/alerts/{account.id}?token={account.tokens['accessToken']} HTTP/1.1\r\n"
                f"Host: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                "Sec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        try:
            received = await _read_until_closed(sock, 10)  # reads, but never answers the pings
        finally:
            sock.close()
        assert received.startswith(b"HTTP/1.1 101") and b"CONNECTED" in received
        assert b"\x89" in received  # a ping frame came, unanswered
        await asyncio.sleep(0.1)
        assert account.id not in live.app.state.hub.by_user


async def test_request_headers_must_arrive_in_time(
    embedded_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(HeaderDeadlineProtocol, "header_timeout", 0.3)
    async with live_server(embedded_settings) as live:
        sock = socket.create_connection(("127.0.0.1", live.port))
        try:
            sock.sendall(b"GET /health/live HTTP/1.1\r\nHost: x\r\n")  # ... and the rest never comes
            assert await _read_until_closed(sock, 5) == b""
        finally:
            sock.close()
        # A prompt request on the same server is served as ever.
        assert (await live.http.get("/health/live")).status_code == 200
