"""Redis cache for the cluster: shared by every API process and worker."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
import redis.asyncio as aioredis


class RedisCache:
    def __init__(self, url: str, namespace: str) -> None:
        self._redis = aioredis.Redis.from_url(url)
        self._prefix = f"{namespace}:cache:"

    async def get(self, key: str) -> Any | None:
        raw = await self._redis.get(self._prefix + key)
        return orjson.loads(raw) if raw is not None else None

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

    async def incr(self, key: str, ttl: float) -> int:
        full = self._prefix + key
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(full)
            # NX: the window starts with the first hit and is not extended by later ones.
            pipe.pexpire(full, int(ttl * 1000), nx=True)
            count, _ = await pipe.execute()
        return int(count)

    async def ping(self) -> None:
        await self._redis.ping()

    async def close(self) -> None:
        await self._redis.aclose()
