"""Redis pub/sub bus for the cluster: any process publishes, every subscribed process receives."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import orjson
from redis.asyncio.client import PubSub

from app.core import redis_client
from app.core.bus.base import Message

# A wait for a message wakes at least this often, so that a swallowed cancellation is noticed (see `get`).
WAKE_SECONDS = 1.0


class RedisSubscription:
    def __init__(self, pubsub: PubSub, prefix: str) -> None:
        self._pubsub = pubsub
        self._prefix = prefix

    def _decode(self, raw: dict[str, Any]) -> Message:
        channel = raw["channel"].decode() if isinstance(raw["channel"], bytes) else raw["channel"]
        return Message(channel.removeprefix(self._prefix), orjson.loads(raw["data"]))

    async def get(self, timeout: float | None = None) -> Message | None:
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while True:
            left = WAKE_SECONDS if deadline is None else deadline - loop.time()
            remaining = max(0.0, min(WAKE_SECONDS, left))
            raw = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=remaining)
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                # redis-py can swallow a cancellation that lands inside get_message's own timeout, and
                # the caller (e.g. a service being stopped) would then run on for ever.
                raise asyncio.CancelledError
            # None also means "a subscribe confirmation was skipped": keep waiting until the deadline.
            if raw and raw["type"] in ("message", "pmessage"):
                return self._decode(raw)
            if deadline is not None and loop.time() >= deadline:
                return None

    async def __aiter__(self) -> AsyncIterator[Message]:
        # Through `get`, not redis-py's listen(): that swallowed the cancellation of a stopping service too
        # (the portfolio watcher ran on for a minute until a read timed out).
        while True:
            message = await self.get()
            if message is not None:
                yield message


class RedisBus:
    def __init__(self, url: str, namespace: str) -> None:
        # Named, so `CLIENT LIST` tells which deployment's bus a connection is.
        self._redis = redis_client.connect(url, f"{namespace}:bus")
        self._listening = redis_client.connect(url, f"{namespace}:bus", resend=False)
        # Pub/sub channels are global across Redis databases, so every channel carries the namespace.
        self._prefix = f"{namespace}:bus:"

    async def publish(self, channel: str, data: dict[str, Any]) -> int:
        return int(await self._redis.publish(self._prefix + channel, orjson.dumps(data)))

    @asynccontextmanager
    async def subscribe(
        self, *channels: str, patterns: tuple[str, ...] = ()
    ) -> AsyncIterator[RedisSubscription]:
        pubsub = self._listening.pubsub()
        try:
            if channels:
                await pubsub.subscribe(*(self._prefix + c for c in channels))
            if patterns:
                await pubsub.psubscribe(*(self._prefix + p for p in patterns))
            yield RedisSubscription(pubsub, self._prefix)
        finally:
            await pubsub.aclose()  # type: ignore[no-untyped-call]

    async def ping(self) -> None:
        await self._redis.ping()

    async def close(self) -> None:
        await self._redis.aclose()
        await self._listening.aclose()
