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

    async def get_page(self, key: str) -> str | None:
        """A text stored with `set_page`: one that never changes under its key (the key names a version).
        A shared cache keeps it in the process as well, for at most a second past its TTL."""
        ...

    async def set_page(self, key: str, text: str, ttl: float) -> None: ...

    async def delete(self, key: str) -> None: ...

    async def incr(self, key: str, ttl: float, amount: int = 1) -> int:
        """Add `amount` (one; negative to give back) to a counter, creating it with `ttl` seconds to live;
        returns the new count."""
        ...

    async def ping(self) -> None: ...

    async def close(self) -> None: ...
