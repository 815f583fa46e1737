"""The remembered sign-in check: fewer queries, and a signed-out or revoked token is still refused at once."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from fastapi import FastAPI

from app.users import service as user_service
from app.users.auth_cache import AuthCache, Caller
from tests.alerts.test_list import statements
from tests.conftest import assert_error, register


async def _remembered(client: httpx.AsyncClient, url: str, headers: dict[str, str]) -> None:
    for _ in range(2):  # the second answer comes from the remembered check
        assert (await client.get(url, headers=headers)).status_code == 200


@pytest.mark.parametrize("path", ["/api/alerts/{id}", "/api/data/historical?symbol=BTC-USD&interval=1h"])
async def test_signed_out_token_is_refused_at_once(client: httpx.AsyncClient, path: str) -> None:
    alice = await register(client)
    url = path.format(id=alice.id)
    await _remembered(client, url, alice.headers)
    assert (await client.post("/api/auth/logout", headers=alice.headers)).status_code == 200
    assert_error(await client.get(url, headers=alice.headers), 401, "INVALID_TOKEN")


async def test_sign_out_everywhere_and_password_change_are_refused_at_once(client: httpx.AsyncClient) -> None:
    bob = await register(client, password="first-password")
    url = f"/api/alerts/{bob.id}"
    await _remembered(client, url, bob.headers)
    assert (await client.post("/api/auth/logout-all", headers=bob.headers)).status_code == 200
    assert_error(await client.get(url, headers=bob.headers), 401, "INVALID_TOKEN")

    login = {"email": bob.user["email"], "password": "first-password"}
    tokens = (await client.post("/api/auth/login", json=login)).json()["data"]["tokens"]
    headers = {"Authorization": f"Bearer {tokens['accessToken']}"}
    await _remembered(client, url, headers)
    change = {"password": "second-password", "currentPassword": "first-password"}
    assert (await client.patch("/api/users/me", json=change, headers=headers)).status_code == 200
    assert_error(await client.get(url, headers=headers), 401, "INVALID_TOKEN")


async def test_another_users_id_is_still_forbidden(client: httpx.AsyncClient) -> None:
    alice, mallory = await register(client), await register(client)
    await _remembered(client, f"/api/alerts/{mallory.id}", mallory.headers)
    assert_error(await client.get(f"/api/alerts/{alice.id}", headers=mallory.headers), 403, "FORBIDDEN")


def test_a_check_that_raced_a_sign_out_is_not_kept() -> None:
    cache = AuthCache(ttl=60)
    caller = Caller(7, "user", "s1")
    generation = cache.generation(7)  # a request reads the database...
    cache.forget(7)  # ...while the user signs out
    cache.put(caller, 0, generation)
    assert cache.get(7, "s1", 0) is None
    cache.put(caller, 0, cache.generation(7))
    assert cache.get(7, "s1", 0) == caller
    assert cache.get(7, "s1", 1) is None and cache.get(7, "s2", 0) is None and cache.get(7, "s1", "0") is None


def test_entries_expire_after_the_window() -> None:
    now = [1000.0]
    cache = AuthCache(ttl=2.0, clock=lambda: now[0])
    cache.put(Caller(1, "admin", None), 3, 0)
    now[0] += 1.9
    assert cache.get(1, None, 3) == Caller(1, "admin", None)
    now[0] += 0.2
    assert cache.get(1, None, 3) is None
    off = AuthCache(ttl=0)
    off.put(Caller(1, "user", None), 0, 0)
    assert off.get(1, None, 0) is None


async def test_a_cached_historical_page_makes_no_query(app: FastAPI, client: httpx.AsyncClient) -> None:
    """Before: the token's user was read on every request (one SELECT even for a page served from cache)."""
    alice = await register(client)
    url = "/api/data/historical?symbol=BTC-USD&interval=1h&from=2025-01-01T00:00:00Z&to=2025-01-02T00:00:00Z"
    await _remembered(client, url, alice.headers)
    with statements(app) as seen:
        assert (await client.get(url, headers=alice.headers)).status_code == 200
    assert [s for s in seen if s not in ("BEGIN", "COMMIT", "ROLLBACK")] == []


async def test_requests_in_flight_when_a_check_lapses_read_the_database_once(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    """Before: when the remembered check lapsed under load, every request in flight with that token read the
    user (50 clients: 50 reads queued on the database at once, every `auth_cache_seconds`)."""
    bob = await register(client)
    url = "/api/data/historical?symbol=BTC-USD&interval=1h&from=2025-01-01T00:00:00Z&to=2025-01-02T00:00:00Z"
    await _remembered(client, url, bob.headers)
    user_service.auth_cache(app.state.runtime).forget(bob.id)  # lapsed
    with statements(app) as seen:
        answers = await asyncio.gather(*(client.get(url, headers=bob.headers) for _ in range(20)))
    assert [a.status_code for a in answers] == [200] * 20
    assert [s for s in seen if s not in ("BEGIN", "COMMIT", "ROLLBACK")] == ["SELECT"]


async def test_a_check_that_fails_fails_every_request_waiting_on_it() -> None:
    cache, started = AuthCache(ttl=2.0), asyncio.Event()

    async def revoked() -> Caller:
        started.set()
        await asyncio.sleep(0.01)
        raise PermissionError("revoked")

    leader = asyncio.create_task(cache.once((1, None, 0), revoked))
    await started.wait()
    waiters = [asyncio.create_task(cache.once((1, None, 0), revoked)) for _ in range(3)]
    results = await asyncio.gather(leader, *waiters, return_exceptions=True)
    assert all(isinstance(r, PermissionError) for r in results)


async def test_a_cancelled_check_lets_a_waiting_request_check_for_itself() -> None:
    cache, started, calls = AuthCache(ttl=2.0), asyncio.Event(), []

    async def slow() -> Caller:
        calls.append(1)
        started.set()
        await asyncio.sleep(0.05)
        return Caller(1, "user", None)

    leader = asyncio.create_task(cache.once((1, None, 0), slow))
    await started.wait()
    waiter = asyncio.create_task(cache.once((1, None, 0), slow))
    await asyncio.sleep(0)
    leader.cancel()
    assert await waiter == Caller(1, "user", None) and len(calls) == 2
