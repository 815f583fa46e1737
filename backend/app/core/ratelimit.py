"""Fixed-window rate limits on the shared cache (Redis in the cluster, in-process embedded)."""

from __future__ import annotations

from app.core.cache import Cache
from app.core.clock import utcnow
from app.core.errors import AppError, ErrorCode


def _window(key: str, window_seconds: int) -> tuple[str, int]:
    now = utcnow().timestamp()
    index = int(now // window_seconds)
    return f"ratelimit:{key}:{index}", max(1, int((index + 1) * window_seconds - now))


def limited(what: str, retry_after: int) -> AppError:
    """The 429 RATE_LIMITED error, with its Retry-After header."""
    return AppError(
        ErrorCode.RATE_LIMITED,
        f"Too many {what}; try again in {retry_after} s",
        headers={"Retry-After": str(retry_after)},
    )


async def hit(cache: Cache, key: str, limit: int, window_seconds: int, what: str = "requests") -> None:
    """Count one event under `key`; raise RATE_LIMITED once more than `limit` fall in the window."""
    counter, retry_after = _window(key, window_seconds)
    if await cache.incr(counter, ttl=window_seconds) > limit:
        raise limited(what, retry_after)


async def ensure_below(cache: Cache, key: str, limit: int, window_seconds: int, what: str) -> None:
    """Raise RATE_LIMITED if `limit` events were already recorded in this window; count nothing."""
    counter, retry_after = _window(key, window_seconds)
    if int(await cache.get(counter) or 0) >= limit:
        raise limited(what, retry_after)


async def record(cache: Cache, key: str, window_seconds: int) -> int:
    """Count one event under `key` without judging it (e.g. a failed sign-in); returns the window's count."""
    counter, _ = _window(key, window_seconds)
    return await cache.incr(counter, ttl=window_seconds)


async def reset(cache: Cache, key: str, window_seconds: int) -> None:
    """Forget the events counted under `key` in this window (e.g. failures before a successful sign-in)."""
    counter, _ = _window(key, window_seconds)
    await cache.delete(counter)


async def take(cache: Cache, key: str, limit: int, window_seconds: int) -> int:
    """Count one event under `key`: 0 when it is within `limit` for the window, else the seconds until the
    window ends (for callers that wait instead of refusing, e.g. a notification to a rate-limited webhook)."""
    counter, retry_after = _window(key, window_seconds)
    return 0 if await cache.incr(counter, ttl=window_seconds) <= limit else retry_after
