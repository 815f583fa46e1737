"""A barrier over the bus: every subscriber of a channel confirms it has done what it received before.

The caller publishes a request carrying a reply channel and waits for as many answers as `publish` says
received it. A subscriber handles messages in order, so when it answers it has handled every message
published before the request (Redis delivers one publisher's messages to a subscriber in order; the
in-process bus is a queue). Used to answer a push only once its alert triggers are committed.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from app.core.bus.base import Bus

_REPLY = "reply:"
_WORKING = "__working__"


class BarrierTimeout(Exception):
    """Not every subscriber answered in time (one may have died or be stuck)."""


def reply_channel(token: str) -> str:
    return _REPLY + token


async def request(
    bus: Bus, channel: str, data: dict[str, Any], timeout: float, *, liveness: float | None = None
) -> list[dict[str, Any]]:
    """Publish `data` (plus `reply`) on `channel` and return the answers of every subscriber that got it.

    With `liveness`, the subscribers say `working` while they work (`working` below): silence that long
    means one died with the request, and it fails then instead of at `timeout`."""
    reply = reply_channel(uuid.uuid4().hex)
    answers: list[dict[str, Any]] = []
    async with bus.subscribe(reply) as subscription:
        expected = await bus.publish(channel, data | {"reply": reply})
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while len(answers) < expected:
            wait = deadline - loop.time()
            message = await subscription.get(max(0.0, wait if liveness is None else min(wait, liveness)))
            if message is None:
                silent = "" if loop.time() >= deadline else f" (silent for {liveness:g} s)"
                raise BarrierTimeout(f"{len(answers)} of {expected} answers on {channel}{silent}")
            if not message.data.get(_WORKING):
                answers.append(message.data)
    return answers


async def working(bus: Bus, request_data: dict[str, Any]) -> None:
    """Tell the requester this subscriber is alive and still on its request (see `liveness`)."""
    reply = request_data.get("reply")
    if isinstance(reply, str) and reply.startswith(_REPLY):
        await bus.publish(reply, {_WORKING: True})


async def answer(bus: Bus, request_data: dict[str, Any], data: dict[str, Any] | None = None) -> None:
    """Answer a request received on the bus (no-op for a message without a reply channel)."""
    reply = request_data.get("reply")
    if isinstance(reply, str) and reply.startswith(_REPLY):
        await bus.publish(reply, data or {})
