"""Which symbols' alerts this engine evaluates: all of them (embedded), or its share of leases in Redis.

Cluster: every engine process hears every price, but a symbol's rules are evaluated by the one worker that
holds its lease (`<ns>:alerts:lease:<symbol>`, a key with a TTL renewed every third of it). Workers announce
themselves in a sorted set scored by expiry; each takes at most its fair share (symbols / live workers) and
lets go of the excess, so a new worker gets symbols and a dead worker's symbols are taken over once its
leases lapse. A worker stops evaluating a symbol a safety margin before its lease could lapse unseen (a
paused process does not judge ticks it no longer owns), and flushes its pending triggers before it releases
one, so the next owner reads the rules' state from the database as it left them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
import socket
import time
import uuid
from typing import Protocol

from app.config import Settings
from app.core import redis_client

log = logging.getLogger(__name__)

_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end
return 0
"""
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""
SAFETY = 0.8  # of the TTL: local ownership ends before the lease can lapse in Redis


class Ownership(Protocol):
    def owns(self, symbol: str) -> bool: ...

    async def start(self, engine: Sharded) -> None: ...

    async def refresh(self) -> None: ...

    async def stop(self) -> None: ...


class Sharded(Protocol):
    """What leases need of the engine."""

    def symbols(self) -> set[str]: ...

    async def gained(self, symbol: str) -> None: ...

    async def flush(self) -> None: ...


class EverySymbol:
    """One engine evaluates everything (the embedded deployment)."""

    def owns(self, symbol: str) -> bool:
        return True

    async def start(self, engine: Sharded) -> None:
        return None

    async def refresh(self) -> None:
        return None

    async def stop(self) -> None:
        return None


class RedisLeases:
    def __init__(self, url: str, namespace: str, ttl: float = 10.0, worker: str | None = None) -> None:
        self.redis = redis_client.connect(url, f"{namespace}:alerts")
        self.prefix = f"{namespace}:alerts:"
        self.ttl = ttl
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.owned: dict[str, float] = {}  # symbol -> monotonic time until which this worker may judge it
        self._task: asyncio.Task[None] | None = None
        self._engine: Sharded | None = None
        self._renew = self.redis.register_script(_RENEW)
        self._release = self.redis.register_script(_RELEASE)
        self.rounds = 0
        self._lock = asyncio.Lock()

    def owns(self, symbol: str) -> bool:
        until = self.owned.get(symbol)
        return until is not None and time.monotonic() < until

    async def start(self, engine: Sharded) -> None:
        self._engine = engine
        await self.round()
        self._task = asyncio.create_task(self._forever(), name="alert-leases")

    async def stop(self) -> None:
        """Hand every symbol back (after the pending triggers are written) so others take over at once."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        symbols, self.owned = list(self.owned), {}
        if self._engine is not None:
            await self._engine.flush()
        for symbol in symbols:
            await self._release(keys=[self._key(symbol)], args=[self.worker])
        await self.redis.zrem(self.prefix + "workers", self.worker)
        await self.redis.aclose()

    def _key(self, symbol: str) -> str:
        return f"{self.prefix}lease:{symbol}"

    async def _forever(self) -> None:
        while True:
            await asyncio.sleep(self.ttl / 3)
            try:
                await self.round()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("alert lease round failed; evaluation of owned symbols stops at their deadline")

    async def refresh(self) -> None:
        """A symbol may be new (an alert on it was created): take part in it now, not a round later."""
        await self.round()

    async def round(self) -> None:
        async with self._lock:
            await self._round()

    async def _round(self) -> None:
        """Renew what is held, give back the excess, take unowned symbols up to the fair share."""
        assert self._engine is not None
        engine, ttl_ms = self._engine, int(self.ttl * 1000)
        now_ms = int(time.time() * 1000)
        workers = self.prefix + "workers"
        await self.redis.zadd(workers, {self.worker: now_ms + ttl_ms})
        await self.redis.zremrangebyscore(workers, "-inf", now_ms)
        alive = max(1, int(await self.redis.zcard(workers)))
        symbols = sorted(engine.symbols())
        share = math.ceil(len(symbols) / alive) if symbols else 0
        started = time.monotonic()
        until = started + self.ttl * SAFETY
        for symbol in list(self.owned):
            if symbol not in symbols or len(self.owned) > share:
                await self._give_back(engine, symbol)
            elif await self._renew(keys=[self._key(symbol)], args=[self.worker, ttl_ms]):
                self.owned[symbol] = until
            else:
                del self.owned[symbol]  # lapsed (this process stalled): someone else may hold it now
        for symbol in symbols:
            if len(self.owned) >= share:
                break
            if symbol in self.owned:
                continue
            if await self.redis.set(self._key(symbol), self.worker, nx=True, px=ttl_ms):
                await engine.gained(symbol)  # its rules loaded before it counts as owned
                self.owned[symbol] = until
        self.rounds += 1

    async def _give_back(self, engine: Sharded, symbol: str) -> None:
        del self.owned[symbol]
        await engine.flush()
        await self._release(keys=[self._key(symbol)], args=[self.worker])


def ownership_for(settings: Settings) -> Ownership:
    if settings.redis_url:
        return RedisLeases(settings.redis_url, settings.namespace, settings.alert_lease_seconds)
    return EverySymbol()
