"""A cached page's envelope, gzipped from its compressed prefix: each response a whole gzip stream with its
own timestamp, the same JSON as identity, and identity for clients that refuse gzip or small pages."""

from __future__ import annotations

import gzip
import json
from typing import Any

import httpx
import pytest

from app.core import cached_json
from app.core.cached_json import CachedJson, cached_json_ok
from app.core.clock import FrozenClock
from tests.conftest import register

PAGE = json.dumps(
    {"data": [{"timestamp": f"2026-01-01T{h:02d}:00:00Z", "close": 100.0 + h} for h in range(24)]}
)


def _decoded(body: bytes) -> dict[str, Any]:
    decoded: dict[str, Any] = json.loads(gzip.decompress(body))
    return decoded


def test_each_response_is_a_whole_gzip_stream_with_its_own_timestamp(clock: FrozenClock) -> None:
    page = CachedJson(PAGE, "page-1")
    first = cached_json_ok(page, "gzip, deflate, br")
    clock.advance(1.5)
    second = cached_json_ok(page, "gzip")
    assert first.headers["content-encoding"] == "gzip" and first.headers["vary"] == "Accept-Encoding"
    one, two = _decoded(bytes(first.body)), _decoded(bytes(second.body))
    assert one["status"] == two["status"] == "success" and one["data"] == two["data"] == json.loads(PAGE)
    assert one["timestamp"] != two["timestamp"]
    assert len(first.body) < len(PAGE) / 3


def test_a_new_text_under_the_same_key_is_compressed_again() -> None:
    cached_json_ok(CachedJson(PAGE, "page-2"), "gzip")
    other = PAGE.replace("100.0", "200.0")
    assert _decoded(bytes(cached_json_ok(CachedJson(other, "page-2"), "gzip").body))["data"] == json.loads(
        other
    )


@pytest.mark.parametrize(
    ("page", "accept"),
    [
        (CachedJson(PAGE, "page-3"), "identity"),
        (CachedJson(PAGE, "page-3"), "gzip;q=0, br"),
        (CachedJson(PAGE, None), "gzip"),  # not served again: the middleware compresses it
        (CachedJson('{"small": true}', "page-4"), "gzip"),
    ],
)
def test_identity_when_gzip_is_refused_or_does_not_pay(page: CachedJson, accept: str) -> None:
    response = cached_json_ok(page, accept)
    assert "content-encoding" not in response.headers
    assert json.loads(bytes(response.body))["data"] == json.loads(page.text)


def test_the_compressed_pages_kept_are_bounded() -> None:
    for i in range(cached_json.SLOTS + 5):
        cached_json_ok(CachedJson(PAGE, f"bounded-{i}"), "gzip")
    assert len(cached_json._prefixes) == cached_json.SLOTS


async def test_routes_answer_the_same_json_gzipped_or_not(client: httpx.AsyncClient) -> None:
    trader = await register(client)
    body = {
        "userId": trader.id,
        "symbol": "BTC-USD",
        "condition": "PRICE_ABOVE",
        "threshold": 1,
        "channels": ["IN_APP"],
    }
    for i in range(12):  # enough to pass MIN_BYTES
        created = await client.post("/api/alerts", json={**body, "threshold": i + 1}, headers=trader.headers)
        assert created.status_code == 201, created.text
    url = f"/api/alerts/{trader.id}"
    plain = await client.get(url, headers={**trader.headers, "Accept-Encoding": "identity"})
    zipped = await client.get(url, headers={**trader.headers, "Accept-Encoding": "gzip"})
    again = await client.get(url, headers={**trader.headers, "Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip" and "content-encoding" not in plain.headers
    assert plain.json()["data"] == zipped.json()["data"] == again.json()["data"]
    assert len(zipped.json()["data"]["alerts"]) == 12
