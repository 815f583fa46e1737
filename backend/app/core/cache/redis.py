"""Redis cache for the cluster: shared by every API process and worker."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import orjson

from app.core import redis_client
from app.core.clock import get_clock

# Pages (versioned texts) kept in the process: a hot page is read from Redis once a second, not on every
# request (the second round trip and the transfer of up to 70 KB were an eighth of a request's CPU).
NEAR_SECONDS = 1.0
NEAR_PAGES = 64


class RedisCache:
    def __init__(self, url: str, namespace: str) -> None:
        self._redis = redis_client.connect(url)
        self._prefix = f"{namespace}:cache:"
        self._near: OrderedDict[str, tuple[float, str]] = OrderedDict()  # key -> (held until, text)

    async def get(self, key: str) -> Any | None:
        raw = await self._redis.get(self._prefix + key)
        return orjson.loads(raw) if raw is not None else None

    async def get_page(self, key: str) -> str | None:
        now = get_clock().monotonic()
        near = self._near.get(key)
        if near is not None and near[0] > now:
            return near[1]
        found = await self.get(key)
        if not isinstance(found, str):
            return None
        self._hold(key, found, now + NEAR_SECONDS)
        return found

    async def set_page(self, key: str, text: str, ttl: float) -> None:
        await self.set(key, text, ttl)
        self._hold(key, text, get_clock().monotonic() + min(ttl, NEAR_SECONDS))

    def _hold(self, key: str, text: str, until: float) -> None:
        self._near[key] = (until, text)
        self._near.move_to_end(key)
        while len(self._near) > NEAR_PAGES:
            self._near.popitem(last=False)

    async def get_many(self, keys: Sequence[str]) -> list[Any | None]:
        if not keys:  # MGET needs at least one key
            return []
        raws = await self._redis.mget([self._prefix + key for key in keys])
        return [orjson.loads(raw) if raw is not None else None for raw in raws]

    async def set(self, key: str, value: Any, ttl: float | None = None) -> None:
        px = int(ttl * 1000) if ttl else None
        await self._redis.set(self._prefix + key, orjson.dumps(value), px=px)

    async def delete(self, key: str) -> None:
        await self._redis.delete(self._prefix + key)

    async def incr(self, key: str, ttl: float, amount: int = 1) -> int:
        full = self._prefix + key
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incrby(full, amount)
            # NX: the window starts with the first hit and is not extended by later ones.
            pipe.pexpire(full, int(ttl * 1000), nx=True)
            count, _ = await pipe.execute()
        return int(count)

    async def ping(self) -> None:
        await self._redis.ping()

    async def close(self) -> None:
        await self._redis.aclose()
