"""Sign-in limits per account and address, the account backoff, and X-Forwarded-For from trusted proxies."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from ipaddress import ip_network

import httpx
import pytest
from fastapi import FastAPI

from app.config import Settings
from app.core.clock import FrozenClock
from app.main import create_app
from tests.conftest import assert_error, lifespan, register

OWNER = "owner@example.com"
PASSWORD = "correct-horse"
PROXY = "10.0.0.1"

Client = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
async def tuned_app(settings: Settings) -> AsyncIterator[FastAPI]:
    """The app behind one trusted proxy."""
    settings.trusted_proxies = (ip_network(PROXY),)
    application = create_app(settings)
    async with lifespan(application):
        yield application


@pytest.fixture
def quick_backoff(settings: Settings) -> None:
    """A backoff that engages after 5 failures of the account (10 s, doubling); read on every sign-in."""
    settings.login_backoff_after = 5
    settings.login_backoff_base_seconds = 10


@pytest.fixture
def at(tuned_app: FastAPI) -> Client:
    """`at("203.0.113.1")`: a client whose connection comes from that address."""

    @asynccontextmanager
    async def connect(address: str) -> AsyncIterator[httpx.AsyncClient]:
        transport = httpx.ASGITransport(app=tuned_app, client=(address, 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http

    return connect


async def login(http: httpx.AsyncClient, password: str, forwarded: str | None = None) -> httpx.Response:
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return await http.post("/api/auth/login", json={"email": OWNER, "password": password}, headers=headers)


async def fail(http: httpx.AsyncClient, times: int) -> list[int]:
    """The status codes of `times` sign-ins with a wrong password."""
    return [(await login(http, f"guess-{i}")).status_code for i in range(times)]


async def test_a_stranger_elsewhere_cannot_lock_the_owner_out(at: Client, clock: FrozenClock) -> None:
    async with at("198.51.100.1") as owner, at("203.0.113.66") as stranger:
        await register(owner, OWNER, PASSWORD)
        assert await fail(stranger, 12) == [401] * 10 + [429] * 2
        assert (await login(owner, PASSWORD)).status_code == 200


async def test_the_same_address_is_limited_even_with_the_password(at: Client, clock: FrozenClock) -> None:
    async with at("203.0.113.66") as http:
        await register(http, OWNER, PASSWORD)
        assert await fail(http, 10) == [401] * 10
        response = await login(http, PASSWORD)
        body = assert_error(response, 429, "RATE_LIMITED")
        assert body["message"].startswith("Too many failed sign-ins for this account from this address")
        assert 0 < int(response.headers["retry-after"]) <= 900
        clock.advance(900)
        assert (await login(http, PASSWORD)).status_code == 200


async def test_a_successful_sign_in_resets_the_address_count(at: Client, clock: FrozenClock) -> None:
    async with at("198.51.100.1") as http:
        await register(http, OWNER, PASSWORD)
        assert await fail(http, 9) == [401] * 9
        assert (await login(http, PASSWORD)).status_code == 200
        assert await fail(http, 3) == [401] * 3  # counted afresh: 9 + 3 would pass the limit of 10


async def test_forwarded_for_is_ignored_from_an_untrusted_peer(at: Client, clock: FrozenClock) -> None:
    async with at("203.0.113.66") as http:
        await register(http, OWNER, PASSWORD)
        # Each request claims another address; the peer is not a proxy, so all count as 203.0.113.66.
        codes = [(await login(http, "wrong", f"192.0.2.{i}")).status_code for i in range(11)]
        assert codes == [401] * 10 + [429]


async def test_forwarded_for_is_honoured_from_a_trusted_proxy(at: Client, clock: FrozenClock) -> None:
    async with at(PROXY) as proxy:
        await register(proxy, OWNER, PASSWORD)
        # The stranger writes a header of their own; the proxy appends the address it saw (nginx's
        # $proxy_add_x_forwarded_for), and the rightmost untrusted hop is the one that counts.
        for i in range(10):
            assert (await login(proxy, "wrong", f"198.51.100.{i}, 203.0.113.66")).status_code == 401
        assert (await login(proxy, PASSWORD, "198.51.100.1, 203.0.113.66")).status_code == 429
        assert (await login(proxy, PASSWORD, "198.51.100.1")).status_code == 200


async def test_the_access_log_names_the_client_address(
    at: Client, clock: FrozenClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="app.access")
    async with at(PROXY) as proxy, at("203.0.113.66") as direct:
        await proxy.get("/health/live", headers={"X-Forwarded-For": "198.51.100.7"})
        await direct.get("/health/live", headers={"X-Forwarded-For": "198.51.100.8"})
    assert [r.client for r in caplog.records if r.name == "app.access"] == ["198.51.100.7", "203.0.113.66"]


@pytest.mark.usefixtures("quick_backoff")
async def test_the_account_backoff_slows_many_addresses_but_not_the_owner(
    at: Client, clock: FrozenClock
) -> None:
    async with at("198.51.100.1") as owner:
        await register(owner, OWNER, PASSWORD)
    async with at("203.0.113.1") as stranger:  # below the threshold of 5 nobody waits
        assert await fail(stranger, 4) == [401] * 4
    # The 5th failure puts the account in backoff: an address that has just failed waits 10 s.
    async with at("203.0.113.50") as stranger:
        assert (await login(stranger, "wrong")).status_code == 401
        held = await login(stranger, PASSWORD)
        assert assert_error(held, 429, "RATE_LIMITED")["message"].startswith(
            "Too many failed sign-ins for this account; try again in"
        )
        assert held.headers["retry-after"] == "10"
        clock.advance(10)
        assert (await login(stranger, "wrong")).status_code == 401
    # An address's first attempt is never held back, so the owner gets in from anywhere.
    async with at("192.0.2.200") as owner_elsewhere:
        assert (await login(owner_elsewhere, PASSWORD)).status_code == 200
    # After a typo the owner waits the current delay, then gets in; the success clears the wait.
    async with at("198.51.100.1") as owner:
        assert (await login(owner, "typo")).status_code == 401
        assert (await login(owner, PASSWORD)).status_code == 429
        clock.advance(10)
        assert (await login(owner, PASSWORD)).status_code == 200
    # The wait doubles every 10 failures past the threshold: failures 15..24 wait 20 s.
    for i in range(7):
        async with at(f"192.0.2.{i}") as stranger:
            assert (await login(stranger, "wrong")).status_code == 401
    async with at("192.0.2.99") as stranger:
        assert (await login(stranger, "wrong")).status_code == 401  # the 15th failure
        assert (await login(stranger, "wrong")).headers["retry-after"] == "20"
