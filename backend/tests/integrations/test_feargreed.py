"""Fear & Greed Index client against the recorded year of readings."""

from __future__ import annotations

import itertools
import json

import httpx
import pytest

from app.integrations.feargreed import SOURCE, FearGreedClient, FearGreedReading
from app.integrations.http import HttpError
from app.integrations.parsing import MalformedMessage
from tests.integrations.support import (
    FakeSleep,
    Handler,
    Routes,
    body,
    connect_error,
    fixture_text,
    make_settings,
    status,
)

YEAR = fixture_text("alternative_me", "fng_limit365.json")
PATH = "/fng/"


def client(routes: Routes, sleep: FakeSleep) -> FearGreedClient:
    return FearGreedClient(
        make_settings(), transport=routes.transport(), sleep=sleep, monotonic=sleep.monotonic
    )


def timeout(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("timed out", request=request)


def reading(**fields: str) -> str:
    """A one-reading body in the recorded shape, with `fields` replacing the recorded ones."""
    row = {"value": "47", "value_classification": "Neutral", "timestamp": "1745280000", **fields}
    return json.dumps({"name": "Fear and Greed Index", "data": [row], "metadata": {"error": None}})


async def test_recorded_year_becomes_readings() -> None:
    routes = Routes().add(PATH, body(YEAR))
    async with client(routes, FakeSleep()) as fng:
        readings = await fng.readings(limit=365)
    assert SOURCE == "alternative.me"
    assert len(readings) == 365
    # Newest first, as recorded: 2025-04-22 back to 2024-04-22.
    assert readings[0] == FearGreedReading(ts=1745280000, value=47, classification="Neutral")
    assert readings[1] == FearGreedReading(ts=1745193600, value=39, classification="Fear")
    assert readings[-1] == FearGreedReading(ts=1713744000, value=73, classification="Greed")
    assert all(r.ts % 86400 == 0 for r in readings)  # each is stamped at 00:00 UTC
    assert all(a.ts > b.ts for a, b in itertools.pairwise(readings))
    # The API skipped 2024-10-26; the gap is passed on, not filled.
    assert 1729900800 not in {r.ts for r in readings}
    assert (min(r.value for r in readings), max(r.value for r in readings)) == (10, 94)
    assert {r.classification for r in readings} == {
        "Extreme Fear",
        "Fear",
        "Neutral",
        "Greed",
        "Extreme Greed",
    }
    (request,) = routes.requests
    assert request.url.path == PATH
    assert dict(request.url.params) == {"limit": "365", "format": "json"}


async def test_default_is_the_latest_reading_and_zero_is_the_whole_history() -> None:
    routes = Routes().add(PATH, body(reading()))
    async with client(routes, FakeSleep()) as fng:
        assert await fng.readings() == [FearGreedReading(1745280000, 47, "Neutral")]
        await fng.readings(limit=0)
    assert [r.url.params["limit"] for r in routes.requests] == ["1", "0"]


async def test_negative_limit_is_refused_without_a_request() -> None:
    routes = Routes().add(PATH, body(YEAR))
    async with client(routes, FakeSleep()) as fng:
        with pytest.raises(ValueError, match="limit"):
            await fng.readings(limit=-1)
    assert routes.requests == []


async def test_metadata_error_is_an_error() -> None:
    error = json.dumps({"name": "Fear and Greed Index", "data": [], "metadata": {"error": "Invalid limit"}})
    routes = Routes().add(PATH, body(error))
    async with client(routes, FakeSleep()) as fng:
        with pytest.raises(HttpError, match="Invalid limit"):
            await fng.readings(limit=10)
    assert len(routes.requests) == 1


async def test_429_waits_for_retry_after_then_succeeds() -> None:
    sleep = FakeSleep()
    routes = Routes().add(PATH, status(429, {"Retry-After": "3"}), body(YEAR))
    async with client(routes, sleep) as fng:
        readings = await fng.readings(limit=365)
    assert len(readings) == 365
    assert sleep.delays == [3.0]
    assert len(routes.requests) == 2


async def test_5xx_is_retried_then_raised() -> None:
    sleep = FakeSleep()
    routes = Routes().add(PATH, status(503))
    async with client(routes, sleep) as fng:
        with pytest.raises(HttpError) as raised:
            await fng.readings()
    assert raised.value.status == 503
    assert len(routes.requests) == 4  # the first try and three retries
    assert len(sleep.delays) == 3
    assert all(delay >= 1.0 for delay in sleep.delays)  # never sooner than the 1 s rate limit


async def test_5xx_then_success() -> None:
    routes = Routes().add(PATH, status(502), body(reading()))
    async with client(routes, FakeSleep()) as fng:
        assert len(await fng.readings()) == 1
    assert len(routes.requests) == 2


async def test_4xx_is_raised_at_once() -> None:
    sleep = FakeSleep()
    routes = Routes().add(PATH, status(404))
    async with client(routes, sleep) as fng:
        with pytest.raises(HttpError) as raised:
            await fng.readings()
    assert raised.value.status == 404
    assert len(routes.requests) == 1
    assert sleep.delays == []


@pytest.mark.parametrize("failure", [connect_error, timeout], ids=["connect-error", "timeout"])
async def test_transport_failures_are_retried(failure: Handler) -> None:
    sleep = FakeSleep()
    routes = Routes().add(PATH, failure, body(YEAR))
    async with client(routes, sleep) as fng:
        assert len(await fng.readings(limit=365)) == 365
    assert len(routes.requests) == 2
    assert len(sleep.delays) == 1


@pytest.mark.parametrize(
    "content",
    [
        pytest.param("[]", id="not-an-object"),
        pytest.param('{"data": {"value": "47"}}', id="data-not-a-list"),
        pytest.param('{"name": "Fear and Greed Index", "metadata": {"error": null}}', id="no-data"),
        pytest.param('{"data": [{"value": "47", "timestamp": "1745280000"}]}', id="no-classification"),
        pytest.param('{"data": [{"value_classification": "Fear", "timestamp": "1"}]}', id="no-value"),
        pytest.param(reading(value="101"), id="value-above-100"),
        pytest.param(reading(value="-1"), id="value-below-0"),
        pytest.param(reading(value="forty"), id="value-not-a-number"),
        pytest.param(reading(value="47.5"), id="value-not-an-integer"),
        pytest.param(reading(timestamp="2025-04-22"), id="timestamp-not-epoch"),
        pytest.param("not json", id="not-json"),
    ],
)
async def test_malformed_bodies_are_rejected(content: str) -> None:
    routes = Routes().add(PATH, body(content))
    async with client(routes, FakeSleep()) as fng:
        with pytest.raises(MalformedMessage, match="GET /fng/"):
            await fng.readings()
    assert len(routes.requests) == 1  # a bad shape is not retried
