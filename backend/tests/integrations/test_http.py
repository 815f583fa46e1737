"""The shared HTTP helper on MockTransport: retries, backoff, Retry-After, rate limiting, typed parsing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import TypeAdapter

from app.integrations.http import HttpClient, HttpError, backoff_delay, retry_after_seconds
from app.integrations.parsing import MalformedMessage
from tests.integrations.support import FakeSleep, Routes, body, connect_error, fixture_text, status

PRICE = fixture_text("coingecko", "simple_price_docs_example.json")
SIMPLE = TypeAdapter(dict[str, dict[str, float]])


def client(routes: Routes, sleep: FakeSleep, **options: float) -> HttpClient:
    return HttpClient(
        "https://api.example.test/api/v3",
        timeout=1.0,
        transport=routes.transport(),
        sleep=sleep,
        rng=lambda: 1.0,
        **options,
    )


async def test_typed_json_from_the_recorded_body() -> None:
    routes = Routes().add("/api/v3/simple/price", body(PRICE))
    async with client(routes, FakeSleep()) as http:
        data = await http.get_json("/simple/price", SIMPLE, params={"ids": "bitcoin"})
    assert data["bitcoin"]["usd"] == 67187.3358936566
    assert routes.requests[0].url.params["ids"] == "bitcoin"
    assert routes.requests[0].headers["User-Agent"] == "cryptomon"


async def test_429_waits_as_long_as_retry_after_says() -> None:
    sleep = FakeSleep()
    routes = Routes().add("/api/v3/simple/price", status(429, {"Retry-After": "7"}), body(PRICE))
    async with client(routes, sleep) as http:
        await http.get_json("/simple/price", SIMPLE)
    assert sleep.delays == [7.0]
    assert len(routes.requests) == 2


async def test_429_without_retry_after_backs_off() -> None:
    sleep = FakeSleep()
    routes = Routes().add("/api/v3/x", status(429), body(PRICE))
    async with client(routes, sleep, backoff_base=0.5) as http:
        await http.get_json("/x", SIMPLE)
    assert sleep.delays == [0.5]


async def test_429_asking_for_longer_than_we_wait_is_raised_with_the_delay() -> None:
    sleep = FakeSleep()
    routes = Routes().add("/api/v3/x", status(429, {"Retry-After": "600"}))
    async with client(routes, sleep, max_retry_after=120.0) as http:
        with pytest.raises(HttpError) as raised:
            await http.get_json("/x", SIMPLE)
    assert raised.value.status == 429
    assert raised.value.retry_after == 600.0
    assert sleep.delays == []


async def test_5xx_backs_off_exponentially_then_succeeds() -> None:
    sleep = FakeSleep()
    routes = Routes().add("/api/v3/x", status(502), status(503), body(PRICE))
    async with client(routes, sleep, backoff_base=0.5) as http:
        await http.get_json("/x", SIMPLE)
    assert sleep.delays == [0.5, 1.0]  # rng pinned at 1.0: the top of each jitter range
    assert len(routes.requests) == 3


async def test_connect_errors_are_retried() -> None:
    sleep = FakeSleep()
    routes = Routes().add("/api/v3/x", connect_error, body(PRICE))
    async with client(routes, sleep) as http:
        await http.get_json("/x", SIMPLE)
    assert len(sleep.delays) == 1


async def test_retries_run_out() -> None:
    sleep = FakeSleep()
    routes = Routes().add("/api/v3/x", status(500))
    async with client(routes, sleep, retries=2) as http:
        with pytest.raises(HttpError, match="HTTP 500") as raised:
            await http.get_json("/x", SIMPLE)
    assert raised.value.status == 500
    assert len(routes.requests) == 3
    assert len(sleep.delays) == 2


async def test_other_4xx_fail_at_once() -> None:
    sleep = FakeSleep()
    routes = Routes().add("/api/v3/x", status(401, text='{"status":{"error_message":"API key missing."}}'))
    async with client(routes, sleep) as http:
        with pytest.raises(HttpError, match="API key missing") as raised:
            await http.get_json("/x", SIMPLE)
    assert raised.value.status == 401
    assert len(routes.requests) == 1
    assert sleep.delays == []


async def test_a_body_of_the_wrong_shape_is_malformed() -> None:
    routes = Routes().add("/api/v3/x", body("<html>maintenance</html>"))
    async with client(routes, FakeSleep()) as http:
        with pytest.raises(MalformedMessage, match="GET /x"):
            await http.get_json("/x", SIMPLE)


async def test_rate_limiter_spaces_requests() -> None:
    sleep = FakeSleep()
    now = [100.0]
    routes = Routes().add("/api/v3/x", body(PRICE))
    http = HttpClient(
        "https://api.example.test/api/v3",
        timeout=1.0,
        min_interval=2.0,
        transport=routes.transport(),
        sleep=sleep,
        monotonic=lambda: now[0],
    )
    async with http:
        await http.get_json("/x", SIMPLE)
        now[0] += 0.5
        await http.get_json("/x", SIMPLE)
        now[0] += 10.0
        await http.get_json("/x", SIMPLE)
    assert sleep.delays == [1.5]


def test_backoff_delay_grows_and_is_capped() -> None:
    assert [backoff_delay(n, base=1.0, cap=60.0, rng=lambda: 1.0) for n in range(8)] == [
        1.0,
        2.0,
        4.0,
        8.0,
        16.0,
        32.0,
        60.0,
        60.0,
    ]
    assert backoff_delay(3, base=1.0, cap=60.0, rng=lambda: 0.0) == 4.0
    assert backoff_delay(500, base=1.0, cap=60.0) <= 60.0


def test_retry_after_forms() -> None:
    now = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)
    assert retry_after_seconds("30", now) == 30.0
    assert retry_after_seconds("Wed, 01 Jan 2025 12:00:45 GMT", now) == 45.0
    assert retry_after_seconds("Wed, 01 Jan 2025 11:00:00 GMT", now) == 0.0
    assert retry_after_seconds("soon", now) is None
    assert retry_after_seconds(None, now) is None
