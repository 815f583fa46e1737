"""The cache interface: JSON values with a TTL, and atomic counters for rate limits."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol


class Cache(Protocol):
    async def get(self, key: str) -> Any | None: ...

    async def get_many(self, keys: Sequence[str]) -> list[Any | None]:
        """`get` of each key in one round trip: the values in the order of `keys`, None where missing."""
        ...

    async def set(self, key: str, value: Any, ttl: float | None = None) -> None: ...

    async def delete(self, key: str) -> None: ...

    async def incr(self, key: str, ttl: float) -> int:
        """Add one to a counter, creating it with `ttl` seconds to live; returns the new count."""
        ...

    async def ping(self) -> None: ...

    async def close(self) -> None: ...
