"""Fixed-window rate limits on the shared cache (Redis in the cluster, in-process embedded)."""

from __future__ import annotations

from app.core.cache import Cache
from app.core.clock import utcnow
from app.core.errors import AppError, ErrorCode


async def hit(cache: Cache, key: str, limit: int, window_seconds: int, what: str = "requests") -> None:
    """Count one event under `key`; raise RATE_LIMITED once more than `limit` fall in the window."""
    now = utcnow().timestamp()
    window = int(now // window_seconds)
    count = await cache.incr(f"ratelimit:{key}:{window}", ttl=window_seconds)
    if count > limit:
        retry_after = max(1, int((window + 1) * window_seconds - now))
        raise AppError(
            ErrorCode.RATE_LIMITED,
            f"Too many {what}; try again in {retry_after} s",
            headers={"Retry-After": str(retry_after)},
        )
