"""Fixed-window rate limits on the shared cache (Redis in the cluster, in-process embedded)."""

from __future__ import annotations

from app.core.cache import Cache
from app.core.clock import utcnow
from app.core.errors import AppError, ErrorCode


def _window(key: str, window_seconds: int) -> tuple[str, int]:
    now = utcnow().timestamp()
    index = int(now // window_seconds)
    return f"ratelimit:{key}:{index}", max(1, int((index + 1) * window_seconds - now))


def _limited(what: str, retry_after: int) -> AppError:
    return AppError(
        ErrorCode.RATE_LIMITED,
        f"Too many {what}; try again in {retry_after} s",
        headers={"Retry-After": str(retry_after)},
    )


async def hit(cache: Cache, key: str, limit: int, window_seconds: int, what: str = "requests") -> None:
    """Count one event under `key`; raise RATE_LIMITED once more than `limit` fall in the window."""
    counter, retry_after = _window(key, window_seconds)
    if await cache.incr(counter, ttl=window_seconds) > limit:
        raise _limited(what, retry_after)


async def ensure_below(cache: Cache, key: str, limit: int, window_seconds: int, what: str) -> None:
    """Raise RATE_LIMITED if `limit` events were already recorded in this window; count nothing."""
    counter, retry_after = _window(key, window_seconds)
    if int(await cache.get(counter) or 0) >= limit:
        raise _limited(what, retry_after)


async def record(cache: Cache, key: str, window_seconds: int) -> None:
    """Count one event under `key` without judging it (e.g. a failed sign-in)."""
    counter, _ = _window(key, window_seconds)
    await cache.incr(counter, ttl=window_seconds)


async def take(cache: Cache, key: str, limit: int, window_seconds: int) -> int:
    """Count one event under `key`: 0 when it is within `limit` for the window, else the seconds until the
    window ends (for callers that wait instead of refusing, e.g. a notification to a rate-limited webhook)."""
    counter, retry_after = _window(key, window_seconds)
    return 0 if await cache.incr(counter, ttl=window_seconds) <= limit else retry_after
