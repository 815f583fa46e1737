"""Nobody reads or changes another user's data: every route naming a userId is checked for user B."""

from __future__ import annotations

import re

import httpx
from fastapi import FastAPI

from app.config import Settings
from tests.conftest import assert_error, make_admin, register

# A valid body for each route that takes a userId in its body, so that the ownership check, not
# validation, is what answers. A new such route must add one here (the test says so).
EXAMPLE_BODIES: dict[str, dict[str, object]] = {
    "/api/indicators/custom": {"name": "Custom RSI Divergence", "formula": "RSI(14) - RSI(28)"},
    "/api/community/posts": {"title": "BTC bullish divergence spotted", "content": "4h RSI divergence"},
    "/api/portfolios": {"name": "Cash", "riskProfile": "LOW", "targetAllocations": {"USD": 1}},
    "/api/reports/generate": {"reportType": "DAILY", "symbols": ["BTC-USD"], "format": "JSON"},
    "/api/alerts": {
        "symbol": "BTC-USD",
        "condition": "PRICE_ABOVE",
        "threshold": 50000,
        "channels": ["IN_APP"],
    },
}


def _routes_naming_a_user(app: FastAPI) -> list[tuple[str, str]]:
    """Every operation of the published API with a userId in its path or its request body."""
    found = []
    for path, operations in app.openapi()["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            ref = body.get("schema", {}).get("$ref", "")
            body_fields = (
                app.openapi()["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {}).get("properties", {})
            )
            if "{userId}" in path or "userId" in body_fields:
                found.append((method.upper(), path))
    return found


async def test_user_b_gets_403_on_every_route_naming_user_a(app: FastAPI, client: httpx.AsyncClient) -> None:
    alice, bob = await register(client), await register(client)
    routes = _routes_naming_a_user(app)
    assert routes, "no route names a userId"
    for method, path in routes:
        url = re.sub(r"\{userId\}", str(alice.id), path)
        url = re.sub(r"\{[^}]+\}", "1", url)
        body_example = EXAMPLE_BODIES.get(path, {}) if "{userId}" not in path else {}
        if method in ("POST", "PUT", "PATCH") and "{userId}" not in path:
            assert path in EXAMPLE_BODIES, f"add a valid example body for {method} {path} to EXAMPLE_BODIES"
        response = await client.request(
            method, url, headers=bob.headers, json={**body_example, "userId": alice.id}
        )
        assert_error(response, 403, "FORBIDDEN")
        assert str(alice.user["email"]) not in response.text


async def test_self_and_admin_may_read(settings: Settings, client: httpx.AsyncClient) -> None:
    alice, admin = await register(client), await register(client)
    assert (await client.get(f"/api/users/{alice.id}", headers=alice.headers)).status_code == 200
    assert_error(await client.get(f"/api/users/{alice.id}", headers=admin.headers), 403, "FORBIDDEN")
    await make_admin(settings, admin.id)
    response = await client.get(f"/api/users/{alice.id}", headers=admin.headers)
    assert response.json()["data"]["email"] == alice.user["email"]
    assert_error(await client.get("/api/users/999999", headers=admin.headers), 404, "NOT_FOUND")


async def test_jobs_of_others_are_forbidden(settings: Settings, client: httpx.AsyncClient) -> None:
    admin, other = await register(client), await register(client)
    await make_admin(settings, admin.id)
    job = (await client.post("/api/system/diagnostics", headers=admin.headers)).json()["data"]
    assert_error(await client.get(f"/api/jobs/{job['jobId']}", headers=other.headers), 403, "FORBIDDEN")
    assert_error(
        await client.post(f"/api/jobs/{job['jobId']}/cancel", headers=other.headers), 403, "FORBIDDEN"
    )
    assert_error(await client.post("/api/system/diagnostics", headers=other.headers), 403, "FORBIDDEN")
