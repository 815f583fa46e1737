"""Sign-in limits: per address, per account from one address, and a slower backoff per account.

The exact rule is in docs/API.md ("Rate limits"). Failures are counted per account *and* address, so a
stranger elsewhere cannot lock the owner out; the per-account backoff only makes an address that has just
failed wait, so the owner's first attempt from any address is never held back by someone else's failures.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from ipaddress import IPv6Address, ip_address, ip_network

from app.config import Settings
from app.core import ratelimit
from app.core.cache import Cache
from app.core.clock import utcnow
from app.core.errors import AppError

# Past the threshold, the wait doubles every this many further failures of the account.
DOUBLING_EVERY = 10


def address_key(address: str) -> str:
    """The unit an address is counted by: an IPv4 address, or an IPv6 /64 (one host usually owns all of it).

    >>> address_key("203.0.113.7"), address_key("2001:db8:1:2:aaaa::1"), address_key("unknown")
    ('203.0.113.7', '2001:db8:1:2::/64', 'unknown')
    """
    try:
        parsed = ip_address(address)
    except ValueError:
        return address
    return str(ip_network(f"{parsed}/64", strict=False)) if isinstance(parsed, IPv6Address) else address


def backoff_delay(failures: int, after: int, base: int, maximum: int) -> int:
    """Seconds an address waits after a failed sign-in, once the account has `failures` in the window.

    0 below `after`; then `base`, doubled every DOUBLING_EVERY further failures, at most `maximum`.

    >>> [backoff_delay(f, 50, 10, 900) for f in (49, 50, 59, 60, 70, 80, 110, 120, 10**6)]
    [0, 10, 10, 20, 40, 80, 640, 900, 900]
    """
    if failures < after:
        return 0
    doublings = min((failures - after) // DOUBLING_EVERY, 32)
    return int(min(maximum, base * 2**doublings))


def _pair(email: str, address: str) -> str:
    return f"{email}:{address_key(address)}"


async def limit_address(cache: Cache, settings: Settings, address: str) -> None:
    """Every register and login request counts against its address; over the limit: RATE_LIMITED."""
    await ratelimit.hit(
        cache,
        f"auth:ip:{address_key(address)}",
        settings.login_ip_limit,
        settings.login_ip_window_seconds,
        "sign-in attempts from this address",
    )


async def check(cache: Cache, settings: Settings, email: str, address: str) -> None:
    """Refuse (RATE_LIMITED) a sign-in for `email` from `address` that must not be tried now."""
    await ratelimit.ensure_below(
        cache,
        f"auth:fail:{_pair(email, address)}",
        settings.login_account_limit,
        settings.login_account_window_seconds,
        "failed sign-ins for this account from this address",
    )
    wait_until = await cache.get(f"auth:wait:{_pair(email, address)}")
    left = float(wait_until) - utcnow().timestamp() if wait_until is not None else 0.0
    if left > 0:
        raise ratelimit.limited("failed sign-ins for this account", max(1, math.ceil(left)))


async def failed(cache: Cache, settings: Settings, email: str, address: str) -> None:
    """Count a failed sign-in for the pair and for the account; past the threshold, make the address wait."""
    pair = _pair(email, address)
    await ratelimit.record(cache, f"auth:fail:{pair}", settings.login_account_window_seconds)
    failures = await ratelimit.record(cache, f"auth:account:{email}", settings.login_backoff_window_seconds)
    delay = backoff_delay(
        failures,
        settings.login_backoff_after,
        settings.login_backoff_base_seconds,
        settings.login_backoff_max_seconds,
    )
    if delay:
        await cache.set(f"auth:wait:{pair}", utcnow().timestamp() + delay, ttl=delay + 1)


async def succeeded(cache: Cache, settings: Settings, email: str, address: str) -> None:
    """The owner is in: forget this address's failures and wait (the account's total stays)."""
    pair = _pair(email, address)
    await ratelimit.reset(cache, f"auth:fail:{pair}", settings.login_account_window_seconds)
    await cache.delete(f"auth:wait:{pair}")


@asynccontextmanager
async def attempt(cache: Cache, settings: Settings, email: str, address: str) -> AsyncIterator[None]:
    """Around one password check: refused if limited, then counted as a failure (AppError) or success."""
    await check(cache, settings, email, address)
    try:
        yield
    except AppError:
        await failed(cache, settings, email, address)
        raise
    await succeeded(cache, settings, email, address)
