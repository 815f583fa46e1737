"""One connected client as the hub sees it: subscriptions, and a bounded outbox in front of its socket.

Prices for a client that cannot keep up are coalesced (the latest per symbol wins); its user events are
queued, never dropped, up to a bound past which the client is closed: they are stored, and it resumes
with `lastEventId`. Nothing a slow client does can make the hub wait.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from typing import Protocol

from app.realtime.frames import Frame
from app.realtime.metrics import STATS

CLOSE_TOO_SLOW = 4408


class Sink(Protocol):
    """Where a client's frames go: straight onto its socket, or to a writer task."""

    def ready(self) -> bool:
        """A frame may be written now without waiting."""
        ...

    def write(self, frame: Frame) -> None: ...

    def wake(self) -> None:
        """Frames were queued: deliver them when the sink can."""
        ...

    def close(self, code: int, reason: str) -> None: ...


class Client:
    __slots__ = (
        "closed",
        "events",
        "kind",
        "last_event_id",
        "max_events",
        "prices",
        "replaying",
        "sink",
        "symbols",
        "user_id",
    )

    def __init__(self, user_id: int, sink: Sink, max_events: int) -> None:
        self.user_id = user_id
        self.sink = sink
        self.symbols: set[str] = set()
        self.prices: dict[str, Frame] = {}
        self.events: deque[Frame] | None = None  # made when first needed: most clients never queue
        self.max_events = max_events
        self.replaying: list[Frame] | None = None  # live user events held while missed ones are replayed
        self.last_event_id = 0  # the newest stored event it has been given (or that existed when it came)
        self.closed = False

    @property
    def queued(self) -> int:
        return len(self.prices) + len(self.events or ())

    def offer_price(self, symbol: str, frame: Frame) -> None:
        if not self.prices and not self.events and self.sink.ready():
            self.sink.write(frame)
            STATS.frames_out[frame.type] += 1
            return
        if symbol in self.prices:
            STATS.coalesced += 1
        self.prices[symbol] = frame
        self.sink.wake()

    def offer_event(self, frame: Frame) -> None:
        """A user event or a reply: in order, never coalesced; stored events wait while a resume replays."""
        if self.replaying is not None and frame.persistent:
            self.replaying.append(frame)
            return
        self._deliver(frame)

    def resume(self, missed: list[Frame]) -> None:
        """Send the stored events a reconnecting client missed, then the live ones held meanwhile."""
        last = 0
        for frame in missed:
            self._deliver(frame)
            last = int(frame.event_id)
        held, self.replaying = self.replaying or [], None
        for frame in held:
            if int(frame.event_id) > last:
                self._deliver(frame)

    def _deliver(self, frame: Frame) -> None:
        if self.closed:
            return
        if frame.persistent:
            self.last_event_id = max(self.last_event_id, int(frame.event_id))
        if not self.events and not self.prices and self.sink.ready():
            self.sink.write(frame)
            STATS.frames_out[frame.type] += 1
            return
        if self.events is None:
            self.events = deque()
        self.events.append(frame)
        if len(self.events) > self.max_events:
            self.close(CLOSE_TOO_SLOW, "Too slow to keep up: reconnect with lastEventId")
            return
        self.sink.wake()

    def next_frame(self) -> Frame | None:
        """The next queued frame: user events before prices."""
        if self.events:
            return self.events.popleft()
        if self.prices:
            symbol = next(iter(self.prices))
            return self.prices.pop(symbol)
        return None

    def flush(self) -> None:
        """Write what is queued while the socket takes it (called when a paused socket drains)."""
        while self.sink.ready():
            frame = self.next_frame()
            if frame is None:
                return
            self.sink.write(frame)
            STATS.frames_out[frame.type] += 1

    def close(self, code: int, reason: str) -> None:
        if not self.closed:
            self.closed = True
            STATS.closed[str(code)] += 1
            self.sink.close(code, reason)


class QueueSink:
    """For transports that must be awaited (SSE, or an ASGI server without the direct path): the consumer
    iterates `frames()` and sends each, so while one send waits, newer prices coalesce in the outbox."""

    def __init__(self) -> None:
        self._wakeup = asyncio.Event()
        self.closed_with: tuple[int, str] | None = None  # the close code and reason, once closed

    def ready(self) -> bool:
        return False

    def write(self, frame: Frame) -> None:  # pragma: no cover - never ready, so never written directly
        raise RuntimeError("QueueSink frames go through frames()")

    def wake(self) -> None:
        self._wakeup.set()

    def close(self, code: int, reason: str) -> None:
        self.closed_with = (code, reason)
        self._wakeup.set()

    async def frames(self, client: Client, idle: float | None = None) -> AsyncIterator[Frame | None]:
        """The client's frames as they come, until it closes; None after `idle` quiet seconds (keep-alive)."""
        while not client.closed:
            try:
                await asyncio.wait_for(self._wakeup.wait(), idle)
            except TimeoutError:
                yield None
                continue
            self._wakeup.clear()
            while not client.closed and (frame := client.next_frame()) is not None:
                STATS.frames_out[frame.type] += 1
                yield frame
