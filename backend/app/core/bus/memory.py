"""In-process bus for the embedded deployment: asyncio queues, glob patterns like Redis."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from fnmatch import fnmatchcase
from typing import Any

from app.core.bus.base import Message


class MemorySubscription:
    def __init__(self, channels: tuple[str, ...], patterns: tuple[str, ...]) -> None:
        self.channels = frozenset(channels)
        self.patterns = patterns
        self.queue: asyncio.Queue[Message] = asyncio.Queue()

    def matches(self, channel: str) -> bool:
        return channel in self.channels or any(fnmatchcase(channel, p) for p in self.patterns)

    async def get(self, timeout: float | None = None) -> Message | None:
        try:
            return await asyncio.wait_for(self.queue.get(), timeout)
        except TimeoutError:
            return None

    async def __aiter__(self) -> AsyncIterator[Message]:
        while True:
            yield await self.queue.get()


class MemoryBus:
    def __init__(self) -> None:
        self._subscriptions: set[MemorySubscription] = set()

    async def publish(self, channel: str, data: dict[str, Any]) -> int:
        message = Message(channel, data)
        receivers = [s for s in self._subscriptions if s.matches(channel)]
        for subscription in receivers:
            subscription.queue.put_nowait(message)
        return len(receivers)

    @asynccontextmanager
    async def subscribe(
        self, *channels: str, patterns: tuple[str, ...] = ()
    ) -> AsyncIterator[MemorySubscription]:
        subscription = MemorySubscription(channels, patterns)
        self._subscriptions.add(subscription)
        try:
            yield subscription
        finally:
            self._subscriptions.discard(subscription)

    async def ping(self) -> None:
        return None

    async def close(self) -> None:
        self._subscriptions.clear()
