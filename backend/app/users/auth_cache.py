"""Sign-in checks remembered for a moment: who a token is for, without a database query on every request."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

MAX_ENTRIES = 50_000  # past this, expired entries are swept, and if none were, everything is forgotten


@dataclass(frozen=True, slots=True)
class Caller:
    """The signed-in caller as most routes need it: the id and role, not the account row."""

    id: int
    role: str
    session_id: str | None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"  # Role.ADMIN, without importing the models here


Key = tuple[int, str | None, int]  # user id, session id, token version


class AuthCache:
    """Tokens found valid in the database during the last `ttl` seconds, by (user, session, token version).

    A sign-out or sign-out-everywhere in this process calls `forget` after its commit, so it holds at once
    here; other API processes (cluster) hold it within `ttl`. A check that read the database before such a
    `forget` is not stored (the per-user generation moved), so a revoked token cannot be put back by a request
    that raced the sign-out."""

    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self._clock = clock
        self._entries: dict[Key, tuple[float, Caller]] = {}
        self._generations: dict[int, int] = {}
        self._running: dict[Key, asyncio.Future[Caller]] = {}

    def get(self, user_id: int, session_id: str | None, version: object) -> Caller | None:
        if not isinstance(version, int):
            return None
        entry = self._entries.get((user_id, session_id, version))
        if entry is None:
            return None
        if entry[0] <= self._clock():
            self._entries.pop((user_id, session_id, version), None)
            return None
        return entry[1]

    async def once(self, key: Key, check: Callable[[], Awaitable[Caller]]) -> Caller:
        """`check()` of a token not remembered, run once for the requests that present it meanwhile: when a
        check lapses under load, every request in flight with that token would read the database at once."""
        running = self._running.get(key)
        if running is not None:
            try:
                return await asyncio.shield(running)
            except asyncio.CancelledError:
                if not running.cancelled():
                    raise  # this request was cancelled
                # the request checking it was cancelled: check here
        future: asyncio.Future[Caller] = asyncio.get_running_loop().create_future()
        future.add_done_callback(_retrieved)
        self._running[key] = future
        try:
            caller = await check()
        except Exception as exc:
            future.set_exception(exc)
            raise
        except BaseException:
            future.cancel()
            raise
        else:
            future.set_result(caller)
            return caller
        finally:
            if self._running.get(key) is future:
                del self._running[key]

    def generation(self, user_id: int) -> int:
        return self._generations.get(user_id, 0)

    def put(self, caller: Caller, version: int, generation: int) -> None:
        """Remember `caller` as valid, unless a `forget` of the user came since `generation` was read."""
        if self.ttl <= 0 or self.generation(caller.id) != generation:
            return
        if len(self._entries) >= MAX_ENTRIES:
            now = self._clock()
            self._entries = {k: v for k, v in self._entries.items() if v[0] > now}
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.clear()
        self._entries[(caller.id, caller.session_id, version)] = (self._clock() + self.ttl, caller)

    def forget(self, user_id: int) -> None:
        """Every remembered check of the user is dropped, and checks under way are not stored."""
        self._generations[user_id] = self.generation(user_id) + 1
        for key in [k for k in self._entries if k[0] == user_id]:
            del self._entries[key]


def _retrieved(future: asyncio.Future[Caller]) -> None:
    """A check's error goes to the request that made it; those waiting on it may be none."""
    if not future.cancelled():
        future.exception()
