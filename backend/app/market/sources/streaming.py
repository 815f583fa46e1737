"""The shared life of a WebSocket market source: connect, subscribe, read, batch, detect gaps, reconnect."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, WebSocketException

from app.core.marketdata import Tick
from app.integrations.http import Sleep, backoff_delay
from app.integrations.parsing import MalformedMessage
from app.market.sources.base import TickSink
from app.market.sources.live import LiveSource

if TYPE_CHECKING:
    from app.config import Settings
    from app.market.symbols import Asset

log = logging.getLogger(__name__)

RECONNECT_BASE_SECONDS = 1.0
RECONNECT_CAP_SECONDS = 60.0


class SequenceTracker:
    """The last id seen per key (pair, product), for feeds whose ids are contiguous."""

    def __init__(self) -> None:
        self._last: dict[str, int] = {}

    def observe(self, key: str, seq: int) -> int:
        """How many ids were skipped before `seq`: 0 in order (or first seen), > 0 a gap, < 0 a repeat
        or an out-of-order message (which the caller drops; the last id is not moved back)."""
        last = self._last.get(key)
        if last is not None and seq <= last:
            return seq - last - 1
        self._last[key] = seq
        return 0 if last is None else seq - last - 1

    def reset(self) -> None:
        self._last.clear()


class StreamSource(LiveSource):
    """Base of the WebSocket sources. Subclasses say what to follow, where to connect, what to send
    first and how to read a message; this class owns the connection's life and the counters below,
    which the status page and tests read."""

    name = "stream"

    def __init__(
        self,
        settings: Settings,
        *,
        sleep: Sleep = asyncio.sleep,
        rng: Callable[[], float] = random.random,
        ping_interval: float = 20.0,
        batch_size: int = 200,
        flush_seconds: float = 0.05,
        healthy_seconds: float = 30.0,
    ) -> None:
        super().__init__(settings)
        self.stale_after = settings.stale_after_seconds
        self._sleep = sleep
        self._rng = rng
        self._ping_interval = ping_interval
        self._batch_size = batch_size
        self._flush_seconds = flush_seconds
        self._healthy_seconds = healthy_seconds
        self.sequences = SequenceTracker()
        self.connections = 0
        self.reconnects = 0
        self.gaps = 0
        self.missed = 0  # ids skipped across all gaps
        self.out_of_order = 0
        self.malformed = 0
        self.ticks = 0

    # --- what subclasses provide -------------------------------------------------------------------

    def targets(self, assets: Sequence[Asset]) -> dict[str, str]:
        """Exchange ids to follow, mapped to canonical symbols."""
        raise NotImplementedError

    def url(self, targets: Mapping[str, str]) -> str:
        raise NotImplementedError

    async def on_open(self, ws: ClientConnection, targets: Mapping[str, str]) -> None:
        """Called once per connection before reading (send the subscription here)."""

    async def handle(self, raw: str | bytes, sink: TickSink, targets: Mapping[str, str]) -> list[Tick]:
        """The ticks in one message; raise `MalformedMessage` for anything unreadable."""
        raise NotImplementedError

    # --- the loop ----------------------------------------------------------------------------------

    async def run(self, sink: TickSink, assets: Sequence[Asset]) -> None:
        targets = self.targets(assets)
        if not targets:
            self.report(sink, connected=False, error=f"no assets have a {self.name} market; not connecting")
            return
        attempt = 0
        while True:
            loop = asyncio.get_running_loop()
            started, delivered = loop.time(), False
            try:
                async with connect(
                    self.url(targets),
                    open_timeout=self.settings.http_timeout_seconds,
                    ping_interval=self._ping_interval,
                    ping_timeout=self._ping_interval,
                    close_timeout=5,
                    max_size=2**22,
                ) as ws:
                    self.connections += 1
                    self.sequences.reset()  # ids jump across an outage; that is the reconnect, not a gap
                    await self.on_open(ws, targets)
                    self.report(sink, connected=True)
                    error, delivered = await self._read(ws, sink, targets)
            except (OSError, TimeoutError, WebSocketException) as exc:
                error = f"{type(exc).__name__}: {exc}"
            except Exception as exc:
                # A bug here must not end the feed for good; it is logged with its stack and retried.
                log.exception("%s: unexpected error", self.name)
                error = f"{type(exc).__name__}: {exc}"
            if delivered and loop.time() - started >= self._healthy_seconds:
                attempt = 0
            delay = backoff_delay(
                attempt, base=RECONNECT_BASE_SECONDS, cap=RECONNECT_CAP_SECONDS, rng=self._rng
            )
            attempt += 1
            self.reconnects += 1
            self.report(sink, connected=False, error=error)
            log.warning("%s disconnected (%s); reconnecting in %.1fs", self.name, error, delay)
            await self._sleep(delay)

    async def _read(
        self, ws: ClientConnection, sink: TickSink, targets: Mapping[str, str]
    ) -> tuple[str, bool]:
        """Read until the connection ends or goes silent; returns why, and whether any tick arrived."""
        loop = asyncio.get_running_loop()
        batch: list[Tick] = []
        delivered = False
        flush_at = stale_at = loop.time() + self.stale_after
        while True:
            try:
                async with asyncio.timeout(max(0.0, (flush_at if batch else stale_at) - loop.time())):
                    raw = await ws.recv()
            except TimeoutError:
                if batch:
                    await self._flush(sink, batch)
                    continue
                return f"no message for {self.stale_after:g}s", delivered
            except ConnectionClosed as exc:
                await self._flush(sink, batch)
                return f"connection closed ({exc})", delivered
            stale_at = loop.time() + self.stale_after
            try:
                ticks = await self.handle(raw, sink, targets)
            except MalformedMessage as exc:
                self._skip(exc)
                continue
            if ticks:
                if not batch:
                    flush_at = loop.time() + self._flush_seconds
                batch += ticks
                delivered = True
                if len(batch) >= self._batch_size:
                    await self._flush(sink, batch)

    async def _flush(self, sink: TickSink, batch: list[Tick]) -> None:
        if batch:
            self.ticks += len(batch)
            await sink.submit(list(batch))
            batch.clear()

    def in_sequence(self, sink: TickSink, key: str, seq: int) -> bool:
        """Track `seq` for `key`: gaps are counted and reported (the message is kept); repeats and
        out-of-order ids are counted and the message dropped (False)."""
        skipped = self.sequences.observe(key, seq)
        if skipped < 0:
            self.out_of_order += 1
            return False
        if skipped:
            self.gaps += 1
            self.missed += skipped
            error = f"sequence gap on {key}: {skipped} missing before {seq} ({self.gaps} gaps so far)"
            log.warning("%s: %s", self.name, error)
            self.report(sink, connected=True, error=error)
        return True

    def _skip(self, exc: MalformedMessage) -> None:
        self.malformed += 1
        # A changed message format would otherwise log thousands of lines a second.
        if self.malformed <= 10 or self.malformed % 1000 == 0:
            log.warning("%s: skipped malformed message #%d: %s", self.name, self.malformed, exc)
