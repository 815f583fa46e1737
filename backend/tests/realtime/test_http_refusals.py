"""Requests the HTTP parser refuses before the app sees them still get the error envelope."""

from __future__ import annotations

import asyncio

import orjson

from app.realtime.server import MAX_URL_BYTES
from tests.realtime.conftest import Live


async def _raw(port: int, request_line: bytes) -> tuple[bytes, dict[str, object]]:
    # httpx refuses to send URLs this long, so the request is written by hand.
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request_line + b"\r\nHost: t\r\nConnection: close\r\n\r\n")
    await writer.drain()
    head, _, body = (await reader.read()).partition(b"\r\n\r\n")
    writer.close()
    return head, orjson.loads(body)


async def test_a_url_over_the_parser_limit_gets_the_envelope(live: Live) -> None:
    head, body = await _raw(live.port, b"GET /api/market/symbols?q=" + b"a" * MAX_URL_BYTES + b" HTTP/1.1")
    assert head.startswith(b"HTTP/1.1 400 ") and b"content-type: application/json" in head
    assert body["status"] == "error" and body["code"] == "BAD_REQUEST"
    assert body["message"] == f"The URL is over {MAX_URL_BYTES} bytes; send long inputs in a POST body"
    head, body = await _raw(live.port, b"GET /a b c HTTP/1.1")
    assert head.startswith(b"HTTP/1.1 400 ") and body["code"] == "BAD_REQUEST"
    # Just under the limit, the app answers itself.
    head, body = await _raw(live.port, b"GET /api/nope?q=" + b"a" * (MAX_URL_BYTES - 20) + b" HTTP/1.1")
    assert head.startswith(b"HTTP/1.1 404 ") and body["code"] == "NOT_FOUND"
