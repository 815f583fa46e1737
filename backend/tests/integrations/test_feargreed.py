"""Fear & Greed Index client against the recorded year of readings."""

from __future__ import annotations

import itertools
import json

import pytest

from app.integrations.feargreed import SOURCE, FearGreedClient, FearGreedReading
from app.integrations.http import HttpError
from app.integrations.parsing import MalformedMessage
from tests.integrations.support import (
    FakeSleep,
    Routes,
    body,
    fixture_text,
    make_settings,
)

YEAR = fixture_text("alternative_me", "fng_limit365.json")
PATH = "/fng/"


def client(routes: Routes, sleep: FakeSleep) -> FearGreedClient:
    return FearGreedClient(
        make_settings(), transport=routes.transport(), sleep=sleep, monotonic=sleep.monotonic
    )


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
    ],
)
async def test_malformed_bodies_are_rejected(content: str) -> None:
    routes = Routes().add(PATH, body(content))
    async with client(routes, FakeSleep()) as fng:
        with pytest.raises(MalformedMessage, match="GET /fng/"):
            await fng.readings()
    assert len(routes.requests) == 1  # a bad shape is not retried
