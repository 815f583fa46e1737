"""A subscription that lasts: after Redis restarts or a handler fails, it resubscribes."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from app.core.bus.base import Bus, Message

log = logging.getLogger(__name__)
RESUBSCRIBE_AFTER = 1.0  # seconds: Redis usually answers again within one


async def listen_forever(
    bus: Bus,
    *channels: str,
    handle: Callable[[Message], Awaitable[None]],
    patterns: tuple[str, ...] = (),
    ready: asyncio.Event | None = None,
    what: str,
    catch_up: Callable[[float], Awaitable[None]] | None = None,
) -> None:
    """Hand every message of `channels`/`patterns` to `handle`, forever; `ready` is set once subscribed.

    `catch_up(lost_at)` runs once subscribed again after a loss (`lost_at`: epoch seconds), before any new
    message is handled: what was published meanwhile reached nobody, so the subscriber reads it from where
    it is stored."""
    lost_at: float | None = None
    while True:
        try:
            async with bus.subscribe(*channels, patterns=patterns) as messages:
                if ready is not None:
                    ready.set()
                if lost_at is not None and catch_up is not None:
                    await catch_up(lost_at)
                lost_at = None
                async for message in messages:
                    await handle(message)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("%s lost its subscription; subscribing again", what)
            lost_at = time.time() if lost_at is None else lost_at
            await asyncio.sleep(RESUBSCRIBE_AFTER)
