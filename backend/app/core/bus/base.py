"""The bus interface every implementation satisfies; product code sees only this."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class Message:
    channel: str
    data: dict[str, Any]


class Subscription(Protocol):
    async def get(self, timeout: float | None = None) -> Message | None:
        """The next message, or None when `timeout` seconds pass without one."""
        ...

    def __aiter__(self) -> AsyncIterator[Message]: ...


class Bus(Protocol):
    async def publish(self, channel: str, data: dict[str, Any]) -> int:
        """Send `data` to every current subscriber of `channel`; returns how many received it."""
        ...

    def subscribe(
        self, *channels: str, patterns: tuple[str, ...] = ()
    ) -> AbstractAsyncContextManager[Subscription]:
        """Receive messages on `channels` and on channels matching glob `patterns` (`user:*`)."""
        ...

    async def ping(self) -> None: ...

    async def close(self) -> None: ...
