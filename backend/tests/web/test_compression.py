"""API responses are gzip-compressed for clients that accept it, except small ones and the SSE stream."""

from __future__ import annotations

import asyncio
import gzip

import httpx
import orjson

from app.config import Settings
from app.core.precompressed import accepts
from tests.conftest import register
from tests.realtime.conftest import live_server


async def _raw(client: httpx.AsyncClient, path: str, encoding: str, **headers: str) -> httpx.Response:
    """The response with its body as sent (not decoded), for `Accept-Encoding: encoding`."""
    async with client.stream("GET", path, headers={"Accept-Encoding": encoding, **headers}) as response:
        response._content = b"".join([chunk async for chunk in response.aiter_raw()])
    return response


async def test_a_large_json_response_is_gzipped_for_a_client_that_accepts_it(
    client: httpx.AsyncClient,
) -> None:
    account = await register(client)
    plain = await _raw(client, "/api/market/symbols", "identity", **account.headers)
    packed = await _raw(client, "/api/market/symbols", "br, gzip;q=0.8", **account.headers)
    assert "content-encoding" not in plain.headers and len(plain.content) > 1024
    assert packed.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in packed.headers["vary"].lower()
    assert int(packed.headers["content-length"]) == len(packed.content) < len(plain.content) / 3
    assert orjson.loads(gzip.decompress(packed.content))["data"] == orjson.loads(plain.content)["data"]
    assert packed.headers["x-request-id"]  # the request-id middleware still wraps the answer


async def test_a_small_response_is_sent_as_is(client: httpx.AsyncClient) -> None:
    response = await _raw(client, "/health/live", "gzip")
    assert "content-encoding" not in response.headers and orjson.loads(response.content)


async def test_server_sent_events_leave_one_by_one_even_when_gzip_is_accepted(settings: Settings) -> None:
    async with live_server(settings) as live:
        account = await live.account()
        headers = {**account.headers, "Accept-Encoding": "gzip, br"}
        async with live.http.stream("GET", "/api/stream?symbols=BTC-USD", headers=headers) as response:
            assert "content-encoding" not in response.headers
            lines = response.aiter_lines()
            assert await asyncio.wait_for(anext(lines), 5) == "retry: 3000"
            await asyncio.sleep(0.05)
            for price in (101.5, 102.5):
                await live.publish_price("BTC-USD", price)
                while not (line := await asyncio.wait_for(anext(lines), 5)).startswith("data: "):
                    pass
                assert orjson.loads(line.removeprefix("data: "))["price"] == price


def test_accept_encoding_is_read_with_its_q_values() -> None:
    assert accepts("gzip, deflate, br", "br") and accepts("GZIP", "gzip")
    assert not accepts("gzip", "br") and not accepts("", "gzip") and not accepts("br;q=0, gzip", "br")
    assert accepts("*", "br") and not accepts("*, br;q=0", "br") and not accepts("gzip;q=x", "gzip")
