"""Opening Redis: a command meeting a connection Redis dropped (a restart) is sent again on a new one."""

from __future__ import annotations

import redis.asyncio as aioredis
import redis.exceptions


def connect(url: str, name: str | None = None, *, resend: bool = True) -> aioredis.Redis:
    """A client for `url` (`name`: what `CLIENT LIST` shows). redis-py retries only the errors it is told
    to: without `resend`, the first command on each pooled connection after a restart fails (found by
    bench/soak.py: events published then reached no client). Subscriptions take `resend=False`: their
    reconnecting silently would hide that messages were missed meanwhile (core.bus.listen catches up)."""
    retried = [redis.exceptions.ConnectionError] if resend else None
    return aioredis.Redis.from_url(url, client_name=name, retry_on_error=retried)
