"""Signing out ends one sign-in session; signing out everywhere ends them all; the record outlives the
process and prunes itself."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select

from app.config import Settings
from app.core.clock import FrozenClock
from app.users.models import RevokedSession
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


async def test_expired_records_are_pruned(
    app: FastAPI, client: httpx.AsyncClient, settings: Settings, clock: FrozenClock
) -> None:
    account = await register(client)
    later = await _login(client, account)
    assert (await client.post("/api/auth/logout", headers=account.headers)).status_code == 200
    clock.advance(settings.refresh_token_ttl_seconds + 1)  # every token of that session has expired
    fresh = await _login(client, account)
    assert_error(await client.get("/api/users/me", headers=_bearer(later)), 401, "TOKEN_EXPIRED")
    assert (await client.post("/api/auth/logout", headers=_bearer(fresh))).status_code == 200
    async with app.state.runtime.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(RevokedSession)) == 1
