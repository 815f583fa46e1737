"""Scoped API keys: the route→scope rule over the real route table, and keys calling the API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from sqlalchemy import select

from app.config import Settings
from app.core.clock import FrozenClock, isoformat_z
from app.core.errors import AppError, ErrorCode
from app.main import create_app
from app.users import api_keys
from app.users.key_scopes import CATALOGUE, required_scope
from app.users.models import AuditEvent, User
from tests.conftest import Account, assert_error, make_admin, register


def _route_table() -> list[tuple[str, str]]:
    app = create_app(Settings(_env_file=None, secret_key="scopes-only-" + "x" * 32))
    table = []
    for route in iter_route_contexts(app.routes):
        for method in sorted(route.methods or ()):
            if route.path is not None:
                table.append((method, route.path))
    return table


ROUTES = _route_table()
NO_KEY_PREFIXES = ("/api/auth/", "/api/admin/", "/api/users/me/")


def test_the_route_table_is_the_apps() -> None:
    assert ("POST", "/api/alerts") in ROUTES and ("GET", "/api/agent/status") in ROUTES
    assert len(ROUTES) > 100


def _fits(method: str, path: str, scope: str | None) -> bool:
    """The rule's invariants, whatever routes are added later."""
    if scope is not None and scope not in CATALOGUE:
        return False
    if not path.startswith("/api/") or path.startswith(NO_KEY_PREFIXES):
        return scope is None
    if path.startswith("/api/agent"):
        return scope == "agent"
    if method in ("GET", "HEAD"):
        return scope in ("market:read", "account:read")
    # A write is never allowed by a read scope, except the market's own calculator.
    return scope in (None, "ingest", "alerts:write") or (method, path) == ("POST", "/api/indicators/evaluate")


def test_every_route_gets_a_decision() -> None:
    decisions = {(m, p): required_scope(m, p) for m, p in ROUTES}
    assert [(m, p, s) for (m, p), s in decisions.items() if not _fits(m, p, s)] == []
    assert set(decisions.values()) >= set(CATALOGUE)  # every scope opens some route


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("GET", "/api/market/prices", "market:read"),
        ("GET", "/api/market/symbols", "market:read"),
        ("POST", "/api/market/symbols", None),
        ("GET", "/api/data/historical", "market:read"),
        ("GET", "/api/data/historical/export", "market:read"),
        ("HEAD", "/api/data/historical", "market:read"),
        ("POST", "/api/data/ticks", "ingest"),
        ("POST", "/api/data/candles", "ingest"),
        ("GET", "/api/indicators", "market:read"),
        ("POST", "/api/indicators/evaluate", "market:read"),
        ("GET", "/api/indicators/custom", "account:read"),
        ("POST", "/api/indicators/custom", None),
        ("GET", "/api/patterns/{symbol}", "market:read"),
        ("GET", "/api/fundamentals/{symbol}", "market:read"),
        ("GET", "/api/onchain/{symbol}/whales", "market:read"),
        ("GET", "/api/sentiment/{symbol}", "market:read"),
        ("POST", "/api/sentiment/score", None),
        ("GET", "/api/charts/{token}.png", "market:read"),
        ("GET", "/api/alerts/{userId}", "account:read"),
        ("GET", "/api/alerts/{userId}/{alertId}", "account:read"),
        ("POST", "/api/alerts", "alerts:write"),
        ("PATCH", "/api/alerts/{userId}/{alertId}", "alerts:write"),
        ("DELETE", "/api/alerts/{userId}/{alertId}", "alerts:write"),
        ("POST", "/api/alerts/{userId}/{alertId}/pause", "alerts:write"),
        ("POST", "/api/portfolios/{portfolioId}/alerts", "alerts:write"),
        ("GET", "/api/portfolios/{portfolioId}", "account:read"),
        ("POST", "/api/portfolios", None),
        ("GET", "/api/reports", "account:read"),
        ("GET", "/api/jobs/{jobId}", "account:read"),
        ("GET", "/api/users/me", "account:read"),
        ("GET", "/api/users/{userId}", "account:read"),
        ("PATCH", "/api/users/me", None),
        ("PUT", "/api/users/{userId}/role", None),
        ("GET", "/api/users/me/api-keys", None),
        ("POST", "/api/users/me/api-keys", None),
        ("GET", "/api/users/me/sessions", None),
        ("GET", "/api/users/me/audit", None),
        ("POST", "/api/users/me/2fa/enable", None),
        ("POST", "/api/auth/logout", None),
        ("GET", "/api/admin/audit", None),
        ("GET", "/api/agent/status", "agent"),
        ("POST", "/api/agent/conversations/{conversationId}/messages", "agent"),
        ("DELETE", "/api/agent/conversations/{conversationId}", "agent"),
        ("GET", "/health/live", None),
        ("GET", "/metrics", None),
        ("GET", "/api/marketing", "account:read"),  # a prefix counts only as a whole segment
    ],
)
def test_route_scope_table(method: str, path: str, expected: str | None) -> None:
    assert required_scope(method, path) == expected


# -- keys calling the API (both deployments) -------------------------------------------------------------


async def _create(
    client: httpx.AsyncClient, owner: Account, scopes: list[str], **extra: Any
) -> httpx.Response:
    return await client.post(
        "/api/users/me/api-keys", json={"name": "script", "scopes": scopes, **extra}, headers=owner.headers
    )


async def _key(client: httpx.AsyncClient, owner: Account, *scopes: str, **extra: Any) -> str:
    created = await _create(client, owner, list(scopes), **extra)
    assert created.status_code == 201, created.text
    secret: str = created.json()["data"]["key"]
    return secret


def _as_key(secret: str) -> dict[str, str]:
    return {"X-API-Key": secret}


def _as_bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


ALERT = {"symbol": "BTC-USD", "condition": "PRICE_ABOVE", "threshold": 50000, "channels": ["IN_APP"]}


async def test_scope_catalogue(client: httpx.AsyncClient) -> None:
    me = await register(client)
    listed = (await client.get("/api/users/me/api-keys/scopes", headers=me.headers)).json()["data"]
    assert [s["scope"] for s in listed] == ["market:read", "ingest", "account:read", "alerts:write", "agent"]
    assert [s["scope"] for s in listed if s["adminOnly"]] == ["ingest"]
    assert all(s["title"] and s["description"].endswith(".") for s in listed)
    assert_error(await client.get("/api/users/me/api-keys/scopes"), 401, "UNAUTHORIZED")


async def test_market_read_key_reads_the_market_and_nothing_of_the_account(client: httpx.AsyncClient) -> None:
    me = await register(client)
    key = await _key(client, me, "market:read")
    for headers in (_as_key(key), _as_bearer(key)):
        symbols = await client.get("/api/market/symbols", headers=headers)
        assert symbols.status_code == 200, symbols.text
        assert (await client.get("/api/indicators", headers=headers)).status_code == 200
        assert (await client.get("/api/patterns", headers=headers)).status_code == 200  # a Caller route
    custom = await client.get("/api/indicators/custom", headers=_as_key(key))
    assert assert_error(custom, 403, "FORBIDDEN")["message"] == "This API key lacks the account:read scope"
    refused = assert_error(await client.get(f"/api/alerts/{me.id}", headers=_as_key(key)), 403, "FORBIDDEN")
    assert refused["message"] == "This API key lacks the account:read scope" and refused["field"] == "scope"


async def test_account_read_key_reads_its_owners_data_only(client: httpx.AsyncClient) -> None:
    me, other = await register(client), await register(client)
    key = await _key(client, me, "account:read")
    for headers in (_as_key(key), _as_bearer(key)):
        mine = await client.get(f"/api/alerts/{me.id}", headers=headers)
        assert mine.status_code == 200, mine.text
        theirs = assert_error(await client.get(f"/api/alerts/{other.id}", headers=headers), 403, "FORBIDDEN")
        assert theirs["message"] == f"userId {other.id} is not yours"
        assert (await client.get("/api/users/me", headers=headers)).json()["data"]["id"] == me.id
    write = await client.post("/api/alerts", json={**ALERT, "userId": me.id}, headers=_as_key(key))
    body = assert_error(write, 403, "FORBIDDEN")
    assert body["message"] == "This API key lacks the alerts:write scope" and body["field"] == "scope"
    agent = assert_error(await client.get("/api/agent/status", headers=_as_key(key)), 403, "FORBIDDEN")
    assert agent["message"] == "This API key lacks the agent scope"


async def test_alerts_write_key_manages_its_owners_alerts(client: httpx.AsyncClient) -> None:
    me, other = await register(client), await register(client)
    key = await _key(client, me, "alerts:write", "account:read")
    created = await client.post("/api/alerts", json={**ALERT, "userId": me.id}, headers=_as_key(key))
    assert created.status_code == 201, created.text
    alert_id = created.json()["data"]["id"]
    paused = await client.post(f"/api/alerts/{me.id}/{alert_id}/pause", headers=_as_bearer(key))
    assert paused.json()["data"]["status"] == "PAUSED"
    listed = (await client.get(f"/api/alerts/{me.id}", headers=_as_key(key))).json()["data"]
    assert [a["id"] for a in listed["alerts"]] == [alert_id]
    foreign = await client.post("/api/alerts", json={**ALERT, "userId": other.id}, headers=_as_key(key))
    assert_error(foreign, 403, "FORBIDDEN")
    deleted = await client.delete(f"/api/alerts/{me.id}/{alert_id}", headers=_as_key(key))
    assert deleted.status_code == 204


async def test_agent_key_uses_the_agent(client: httpx.AsyncClient) -> None:
    me = await register(client)
    key = await _key(client, me, "agent")
    status = await client.get("/api/agent/status", headers=_as_key(key))
    assert status.status_code == 200, status.text
    assert_error(await client.get("/api/market/symbols", headers=_as_key(key)), 403, "FORBIDDEN")


async def test_no_key_may_touch_the_accounts_security(settings: Settings, client: httpx.AsyncClient) -> None:
    me = await register(client)
    await make_admin(settings, me.id)
    key = await _key(client, me, *CATALOGUE)
    calls = [
        ("PATCH", "/api/users/me", {"displayName": "Mallory"}, "PATCH /api/users/me"),
        ("POST", "/api/users/me/api-keys", {"name": "x", "scopes": ["agent"]}, "POST /api/users/me/api-keys"),
        ("GET", "/api/users/me/api-keys", None, "GET /api/users/me/api-keys"),
        ("DELETE", "/api/users/me/api-keys/1", None, "DELETE /api/users/me/api-keys/{keyId}"),
        ("POST", "/api/auth/logout-all", None, "POST /api/auth/logout-all"),
        ("PUT", f"/api/users/{me.id}/role", {"role": "user"}, "PUT /api/users/{userId}/role"),
    ]
    for method, url, body, named in calls:
        response = await client.request(method, url, json=body, headers=_as_key(key))
        refused = assert_error(response, 403, "FORBIDDEN")
        assert refused["message"] == f"API keys cannot call {named}: sign in with your password"
    assert (await client.get("/api/users/me", headers=me.headers)).json()["data"]["displayName"] is None
    assert len((await client.get("/api/users/me/api-keys", headers=me.headers)).json()["data"]) == 1


async def test_expiry(client: httpx.AsyncClient, clock: FrozenClock) -> None:
    me = await register(client)
    for when in (clock.now() - timedelta(seconds=1), clock.now() + timedelta(days=366)):
        refused = await _create(client, me, ["market:read"], expiresAt=isoformat_z(when))
        assert assert_error(refused, 422, "VALIDATION_ERROR")["field"] == "expiresAt"
    expires = clock.now() + timedelta(hours=1)
    created = await _create(client, me, ["market:read"], expiresAt=isoformat_z(expires))
    assert created.json()["data"]["expiresAt"] == isoformat_z(expires)
    key = created.json()["data"]["key"]
    lasting = await _create(
        client, me, ["market:read"], expiresAt=isoformat_z(clock.now() + timedelta(days=365))
    )
    assert lasting.status_code == 201, lasting.text
    assert (await client.get("/api/market/symbols", headers=_as_key(key))).status_code == 200
    clock.advance(3600)
    expired = assert_error(
        await client.get("/api/market/symbols", headers=_as_key(key)), 401, "INVALID_TOKEN"
    )
    assert expired["message"] == "API key is unknown, revoked or expired"
    still = await client.get("/api/market/symbols", headers=_as_key(lasting.json()["data"]["key"]))
    assert still.status_code == 200


async def test_revoked_unknown_and_forged_keys_are_401(client: httpx.AsyncClient) -> None:
    me, other = await register(client), await register(client)
    created = (await _create(client, me, ["market:read"])).json()["data"]
    assert created["expiresAt"] is None
    assert_error(
        await client.delete(f"/api/users/me/api-keys/{created['id']}", headers=other.headers),
        404,
        "NOT_FOUND",
    )
    assert (await client.get("/api/market/symbols", headers=_as_key(created["key"]))).status_code == 200
    revoked = await client.delete(f"/api/users/me/api-keys/{created['id']}", headers=me.headers)
    assert revoked.json()["data"]["revokedAt"] is not None
    forged = created["key"][:-4] + "AAAA"
    for secret in (created["key"], forged, "cmk_nothing_here", "cmk_"):
        for headers in (_as_key(secret), _as_bearer(secret)):
            response = await client.get("/api/market/symbols", headers=headers)
            assert_error(response, 401, "INVALID_TOKEN")


async def test_scopes_are_checked_at_creation(client: httpx.AsyncClient) -> None:
    me = await register(client)
    unknown = assert_error(await _create(client, me, ["market:write"]), 422, "VALIDATION_ERROR")
    assert unknown["field"] == "scopes.0"
    assert assert_error(await _create(client, me, []), 422, "VALIDATION_ERROR")["field"] == "scopes"
    ingest = assert_error(await _create(client, me, ["market:read", "ingest"]), 403, "FORBIDDEN")
    assert ingest["field"] == "scopes"
    assert (await client.get("/api/users/me/api-keys", headers=me.headers)).json()["data"] == []
    created = (await _create(client, me, ["agent", "market:read", "agent"])).json()["data"]
    assert created["scopes"] == ["agent", "market:read"]


async def test_the_service_refuses_what_the_schema_would(app: FastAPI, client: httpx.AsyncClient) -> None:
    me = await register(client)
    async with app.state.runtime.db.session() as session:
        user = await session.get(User, me.id)
        assert user is not None
        for scopes in (["nope"], []):
            with pytest.raises(AppError) as caught:
                await api_keys.create(session, user, "x", scopes)
            assert (caught.value.code, caught.value.field) == (ErrorCode.VALIDATION_ERROR, "scopes")


async def test_create_and_revoke_are_audited_without_the_secret(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    me = await register(client)
    created = (await _create(client, me, ["market:read"])).json()["data"]
    await client.delete(f"/api/users/me/api-keys/{created['id']}", headers=me.headers)
    await client.delete(f"/api/users/me/api-keys/{created['id']}", headers=me.headers)  # no second event
    async with app.state.runtime.db.session() as session:
        events = list(
            await session.scalars(
                select(AuditEvent).where(AuditEvent.user_id == me.id, AuditEvent.action.like("api_key.%"))
            )
        )
    expected = {
        "keyId": created["id"],
        "name": "script",
        "prefix": created["prefix"],
        "scopes": ["market:read"],
    }
    assert [(e.action, e.details) for e in sorted(events, key=lambda e: e.id)] == [
        ("api_key.created", expected),
        ("api_key.revoked", expected),
    ]
    assert all(e.actor_id == me.id for e in events)
    assert created["key"] not in repr([e.details for e in events])


async def test_last_used_is_written_at_most_once_a_minute(
    client: httpx.AsyncClient, clock: FrozenClock
) -> None:
    me = await register(client)
    key = await _key(client, me, "market:read")

    async def last_used() -> str | None:
        used: str | None = (await client.get("/api/users/me/api-keys", headers=me.headers)).json()["data"][0][
            "lastUsedAt"
        ]
        return used

    assert await last_used() is None
    await client.get("/api/market/symbols", headers=_as_key(key))
    first = await last_used()
    assert first == isoformat_z(clock.now())
    clock.advance(30)
    await client.get("/api/market/symbols", headers=_as_key(key))
    assert await last_used() == first
    clock.advance(31)
    await client.get("/api/market/symbols", headers=_as_key(key))
    assert await last_used() == isoformat_z(clock.now())


@pytest.mark.usefixtures("ingest")
async def test_ingest_key_of_an_admin_pushes_and_no_other_scope_does(
    settings: Settings, client: httpx.AsyncClient, clock: FrozenClock
) -> None:
    admin = await register(client)
    await make_admin(settings, admin.id)
    ingest, other = (
        await _key(client, admin, "ingest"),
        await _key(client, admin, "market:read", "account:read"),
    )
    batch = {
        "ticks": [
            {"symbol": "BTC-USD", "price": 50250.5, "volume": 0.3, "timestamp": isoformat_z(clock.now())}
        ]
    }
    pushed = await client.post("/api/data/ticks", json=batch, headers=_as_bearer(ingest))
    assert pushed.status_code == 200, pushed.text
    lacking = assert_error(
        await client.post("/api/data/ticks", json=batch, headers=_as_key(other)), 403, "FORBIDDEN"
    )
    assert lacking["message"] == "This API key lacks the ingest scope"
    assert_error(await client.get("/api/market/symbols", headers=_as_key(ingest)), 403, "FORBIDDEN")
