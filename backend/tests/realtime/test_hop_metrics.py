"""Tick-to-client latency: a tick through the embedded pipeline shows in the hop histograms at /metrics."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import httpx
import orjson
import pytest
from fastapi import FastAPI
from prometheus_client import REGISTRY

from app.config import Settings
from app.core.marketdata import Tick
from app.main import create_app
from app.realtime.metrics import HOP_NAMES
from tests.conftest import lifespan


@pytest.fixture
async def app(embedded_settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(embedded_settings)
    async with lifespan(application):
        yield application


def _value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def _ingest(app: FastAPI, tick: Tick) -> None:
    """Through the pipeline, then until the hub (its own task) has framed the price."""
    framed = _value("cryptomon_tick_latency_seconds_count")
    assert await app.state.market.pipeline.ingest([tick]) == [None]
    for _ in range(100):
        if _value("cryptomon_tick_latency_seconds_count") > framed:
            return
        await asyncio.sleep(0)


async def test_a_tick_is_timed_on_every_hop(app: FastAPI) -> None:
    before = {hop: _value("cryptomon_tick_hop_seconds_count", hop=hop) for hop in HOP_NAMES}
    lag_before = _value("cryptomon_tick_hop_seconds_sum", hop="source_to_received")
    total_before = _value("cryptomon_tick_latency_seconds_count")
    now = time.time()
    await _ingest(app, Tick("ETH-USD", 2500.0, 1.0, now - 0.25, "webhook", now))
    for hop in HOP_NAMES:
        assert _value("cryptomon_tick_hop_seconds_count", hop=hop) == before[hop] + 1, hop
    assert _value("cryptomon_tick_latency_seconds_count") == total_before + 1
    lag = _value("cryptomon_tick_hop_seconds_sum", hop="source_to_received") - lag_before
    assert abs(lag - 0.25) < 1e-6
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        exported = (await http.get("/metrics")).text
    assert 'cryptomon_tick_hop_seconds_bucket{hop="published_to_sent",le="0.005"}' in exported
    assert "cryptomon_tick_latency_seconds_bucket" in exported


async def test_hops_stay_off_the_client_frame(app: FastAPI) -> None:
    """The hop times travel on the bus only: PRICE_UPDATE keeps the seed's fields (and the source label)."""
    now = time.time()
    await _ingest(app, Tick("ETH-USD", 2500.0, 1.0, now, "webhook", now))
    frame = orjson.loads(app.state.hub.latest["ETH-USD"].data)
    assert set(frame) == {
        "type",
        "eventId",
        "serverTime",
        "symbol",
        "price",
        "change24h",
        "volume24h",
        "source",
        "timestamp",
    }
    assert frame["source"] == "webhook"
