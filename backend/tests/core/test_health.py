"""Readiness checks the database, bus and cache, and says 503 in the envelope when one is down."""

from __future__ import annotations

import httpx

from app.config import Settings
from tests.conftest import assert_error, serve


async def test_ready_when_everything_answers(client: httpx.AsyncClient, deployment: str) -> None:
    body = (await client.get("/health/ready")).json()
    assert body["data"]["ready"] is True
    assert body["data"]["deployment"] == deployment
    assert body["data"]["checks"] == {"database": "ok", "bus": "ok", "cache": "ok"}


async def test_not_ready_when_redis_is_down(cluster_settings: Settings) -> None:
    broken = cluster_settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})
    async with serve(broken) as client:
        response = await client.get("/health/ready")
        live = await client.get("/health/live")
    body = assert_error(response, 503, "SERVICE_UNAVAILABLE")
    checks = {d["field"]: d["message"] for d in body["details"]}
    assert checks["database"] == "ok"
    assert checks["bus"].startswith("down") and checks["cache"].startswith("down")
    assert live.status_code == 200


async def test_metrics_are_exposed(client: httpx.AsyncClient) -> None:
    await client.get("/health/live")
    text = (await client.get("/metrics")).text
    assert 'cryptomon_http_requests_total{method="GET",route="/health/live",status="200"}' in text


async def test_api_docs_are_served_without_a_cdn(client: httpx.AsyncClient) -> None:
    page = (await client.get("/docs")).text
    assert "cdn" not in page.lower()
    script = next(part.split('"')[1] for part in page.split("<script src=")[1:])
    assert (await client.get(script)).status_code == 200
