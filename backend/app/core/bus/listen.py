"""A subscription that lasts: after Redis restarts or a handler fails, it resubscribes."""

from __future__ import annotations

import asyncio
import logging
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
) -> None:
    """Hand every message of `channels`/`patterns` to `handle`, forever; `ready` is set once subscribed."""
    while True:
        try:
            async with bus.subscribe(*channels, patterns=patterns) as messages:
                if ready is not None:
                    ready.set()
                async for message in messages:
                    await handle(message)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("%s lost its subscription; subscribing again", what)
            await asyncio.sleep(RESUBSCRIBE_AFTER)
