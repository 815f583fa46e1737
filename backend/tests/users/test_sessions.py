"""Signing out ends one sign-in session; signing out everywhere ends them all; the record outlives the
process and prunes itself."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select

from app.config import Settings
from app.core.clock import FrozenClock
from app.core.tasks.registry import JobContext
from app.users.models import UserSession
from app.users.tasks import prune_security_history
from tests.conftest import Account, assert_error, register, serve


async def _login(client: httpx.AsyncClient, account: Account) -> dict[str, Any]:
    body = {"email": account.user["email"], "password": "correct-horse"}
    response = await client.post("/api/auth/login", json=body)
    assert response.status_code == 200, response.text
    tokens: dict[str, Any] = response.json()["data"]["tokens"]
    return tokens


def _bearer(tokens: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['accessToken']}"}


async def _works(client: httpx.AsyncClient, tokens: dict[str, Any]) -> bool:
    return (await client.get("/api/users/me", headers=_bearer(tokens))).status_code == 200


async def _refreshed(client: httpx.AsyncClient, tokens: dict[str, Any]) -> httpx.Response:
    return await client.post("/api/auth/refresh", json={"refreshToken": tokens["refreshToken"]})


async def test_logout_ends_this_session_only(client: httpx.AsyncClient) -> None:
    account = await register(client)
    web, cli = account.tokens, await _login(client, account)
    renewed = (await _refreshed(client, web)).json()["data"]["tokens"]  # same session, new pair
    response = await client.post("/api/auth/logout", headers=_bearer(renewed))
    assert response.status_code == 200 and response.json()["data"] == {"signedOut": True}
    for tokens in (web, renewed):
        assert_error(await client.get("/api/users/me", headers=_bearer(tokens)), 401, "INVALID_TOKEN")
    assert_error(await _refreshed(client, renewed), 401, "INVALID_TOKEN")
    # The other sign-in is untouched: its access token works and its refresh token renews it.
    assert await _works(client, cli)
    cli_renewed = await _refreshed(client, cli)
    assert cli_renewed.status_code == 200 and await _works(client, cli_renewed.json()["data"]["tokens"])
    # The ended session cannot even sign out again.
    assert_error(await client.post("/api/auth/logout", headers=_bearer(renewed)), 401, "INVALID_TOKEN")


async def test_logout_all_ends_every_session(client: httpx.AsyncClient) -> None:
    account = await register(client)
    web, cli = account.tokens, await _login(client, account)
    other = await register(client)
    response = await client.post("/api/auth/logout-all", headers=_bearer(web))
    assert response.status_code == 200 and response.json()["data"] == {"signedOut": True}
    for tokens in (web, cli):
        assert_error(await client.get("/api/users/me", headers=_bearer(tokens)), 401, "INVALID_TOKEN")
        assert_error(await _refreshed(client, tokens), 401, "INVALID_TOKEN")
    assert await _works(client, other.tokens)  # other users are not affected
    assert await _works(client, await _login(client, account))  # and signing in again works


async def test_a_signed_out_session_stays_out_on_another_process(settings: Settings) -> None:
    async with serve(settings) as first:
        account = await register(first)
        cli = await _login(first, account)
        assert (await first.post("/api/auth/logout", headers=account.headers)).status_code == 200
    async with serve(settings) as second:  # a restart, or another API process on the same database
        assert_error(await second.get("/api/users/me", headers=account.headers), 401, "INVALID_TOKEN")
        assert_error(await _refreshed(second, account.tokens), 401, "INVALID_TOKEN")
        assert await _works(second, cli)


async def test_ended_and_expired_sessions_are_pruned_after_the_retention(
    app: FastAPI, client: httpx.AsyncClient, settings: Settings, clock: FrozenClock
) -> None:
    account = await register(client)
    later = await _login(client, account)
    assert (await client.post("/api/auth/logout", headers=account.headers)).status_code == 200
    # Past the retention after every token of both sessions expired; a sign-in now is live.
    clock.advance(settings.refresh_token_ttl_seconds + settings.audit_retention_days * 86400 + 1)
    fresh = await _login(client, account)
    assert_error(await client.get("/api/users/me", headers=_bearer(later)), 401, "TOKEN_EXPIRED")
    assert await _works(client, fresh)
    result = await prune_security_history(JobContext(app.state.runtime, "j", None))
    assert result["sessions"] == 2  # the ended one and the expired one, not the live one
    async with app.state.runtime.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(UserSession)) == 1


async def test_sessions_are_listed_and_ended_one_by_one(
    client: httpx.AsyncClient, clock: FrozenClock
) -> None:
    account = await register(client)
    phone = await client.post(
        "/api/auth/login",
        json={"email": account.user["email"], "password": "correct-horse"},
        headers={"User-Agent": "Mozilla/5.0 (iPhone) Mobile Safari"},
    )
    phone_tokens = phone.json()["data"]["tokens"]
    clock.advance(120)
    assert await _works(client, phone_tokens)  # seen later than the first sign-in
    listed = (await client.get("/api/users/me/sessions", headers=account.headers)).json()["data"]
    assert [s["current"] for s in listed] == [True, False]
    assert listed[1]["userAgent"] == "Mozilla/5.0 (iPhone) Mobile Safari" and listed[1]["ip"] == "127.0.0.1"
    assert listed[1]["lastSeenAt"] > listed[1]["createdAt"]
    other = await register(client)
    # Someone else's session, or an unknown one: 404, and nothing ends.
    for headers, sid in ((other.headers, listed[1]["id"]), (account.headers, "0" * 32)):
        assert_error(await client.delete(f"/api/users/me/sessions/{sid}", headers=headers), 404, "NOT_FOUND")
    assert await _works(client, phone_tokens)
    ended = await client.delete(f"/api/users/me/sessions/{listed[1]['id']}", headers=account.headers)
    assert ended.status_code == 200 and ended.json()["data"] == {"ended": True}
    assert_error(await client.get("/api/users/me", headers=_bearer(phone_tokens)), 401, "INVALID_TOKEN")
    assert_error(await _refreshed(client, phone_tokens), 401, "INVALID_TOKEN")
    assert await _works(client, account.tokens)
    await _login(client, account)
    await _login(client, account)
    others = await client.post("/api/users/me/sessions/end-others", headers=account.headers)
    assert others.json()["data"] == {"ended": 2}
    remaining = (await client.get("/api/users/me/sessions", headers=account.headers)).json()["data"]
    assert [s["current"] for s in remaining] == [True]
