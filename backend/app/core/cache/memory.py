"""In-process TTL cache for the embedded deployment; expiry follows the injectable clock."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from app.core.clock import get_clock


class MemoryCache:
    def __init__(self, max_entries: int = 100_000) -> None:
        self._data: dict[str, tuple[float | None, Any]] = {}
        self._max_entries = max_entries

    def _alive(self, key: str) -> tuple[float | None, Any] | None:
        entry = self._data.get(key)
        if entry is None:
            return None
        expires, _ = entry
        if expires is not None and expires <= get_clock().monotonic():
            del self._data[key]
            return None
        return entry

    def _evict(self) -> None:
        if len(self._data) < self._max_entries:
            return
        now = get_clock().monotonic()
        for key in [k for k, (exp, _) in self._data.items() if exp is not None and exp <= now]:
            del self._data[key]
        while len(self._data) >= self._max_entries:
            del self._data[next(iter(self._data))]

    async def get(self, key: str) -> Any | None:
        entry = self._alive(key)
        # A copy, so a caller mutating what it read cannot change what the next caller reads (as Redis).
        return copy.deepcopy(entry[1]) if entry else None

    async def get_page(self, key: str) -> str | None:
        entry = self._alive(key)
        return entry[1] if entry and isinstance(entry[1], str) else None  # str is immutable: no copy

    async def set_page(self, key: str, text: str, ttl: float) -> None:
        await self.set(key, text, ttl)

    async def get_many(self, keys: Sequence[str]) -> list[Any | None]:
        return [await self.get(key) for key in keys]

    async def set(self, key: str, value: Any, ttl: float | None = None) -> None:
        self._evict()
        expires = get_clock().monotonic() + ttl if ttl else None
        self._data[key] = (expires, copy.deepcopy(value))

    async def delete(self, key: str) -> None:
        self._data.pop(key, None)

    async def incr(self, key: str, ttl: float, amount: int = 1) -> int:
        entry = self._alive(key)
        if entry is None:
            self._evict()
            self._data[key] = (get_clock().monotonic() + ttl, amount)
            return amount
        expires, count = entry
        self._data[key] = (expires, int(count) + amount)
        return int(count) + amount

    async def ping(self) -> None:
        return None

    async def close(self) -> None:
        self._data.clear()
