"""The shared life of a REST-polling market source: poll on a schedule, deliver stats and price ticks."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Generic, TypeVar, Unpack

from app.core.marketdata import MarketStats, Tick
from app.integrations.http import ApiClient, HttpError, HttpOptions
from app.integrations.parsing import MalformedMessage, wall_time
from app.market.sources.base import TickSink
from app.market.sources.live import LiveSource

if TYPE_CHECKING:
    from app.config import Settings
    from app.market.symbols import Asset

log = logging.getLogger(__name__)

C = TypeVar("C", bound=ApiClient)


def ticks_from_stats(stats: Sequence[MarketStats], received: float) -> list[Tick]:
    """A price tick per snapshot, stamped with the aggregator's own time; aggregators report no trades,
    so the volume is 0."""
    return [Tick(s.symbol, s.price, 0.0, s.ts, s.source, received) for s in stats]


class PollingSource(LiveSource, Generic[C]):
    """Base of the REST pollers. A failed poll is reported and retried at the next interval (or later,
    when the API asked for a longer pause); the client already retried transient errors."""

    name = "poller"

    def __init__(self, settings: Settings, **options: Unpack[HttpOptions]) -> None:
        super().__init__(settings)
        self.http_options = options
        self.sleep = options.get("sleep", asyncio.sleep)
        self.disabled = False
        self.polls = 0
        self.failures = 0

    # --- what subclasses provide -------------------------------------------------------------------

    @property
    def interval(self) -> float:
        raise NotImplementedError

    def disabled_reason(self, assets: Sequence[Asset]) -> str | None:
        """Why this source cannot run at all (no key, nothing to follow), or None."""
        return None

    def open_client(self) -> C:
        raise NotImplementedError

    async def fetch(self, client: C, assets: Sequence[Asset]) -> list[MarketStats]:
        raise NotImplementedError

    # --- the loop ----------------------------------------------------------------------------------

    async def run(self, sink: TickSink, assets: Sequence[Asset]) -> None:
        reason = self.disabled_reason(assets)
        if reason:
            self.disabled = True
            self.report(sink, connected=False, error=reason)
            log.warning("%s disabled: %s", self.name, reason)
            return
        async with self.open_client() as client:
            while True:
                await self.sleep(await self.poll_once(sink, client, assets))

    async def poll_once(self, sink: TickSink, client: C, assets: Sequence[Asset]) -> float:
        """One poll; returns how long to wait before the next."""
        try:
            stats = await self.fetch(client, assets)
        except (HttpError, MalformedMessage) as exc:
            return self._failed(sink, str(exc), getattr(exc, "retry_after", None))
        except Exception as exc:
            # A bug must not end polling for good; it is logged with its stack and tried again.
            log.exception("%s: unexpected error", self.name)
            return self._failed(sink, f"{type(exc).__name__}: {exc}", None)
        self.polls += 1
        if stats:
            await sink.submit_stats(stats)
            await sink.submit(ticks_from_stats(stats, wall_time()))
        self.report(sink, connected=True)
        return self.interval

    def _failed(self, sink: TickSink, error: str, retry_after: float | None) -> float:
        self.failures += 1
        self.report(sink, connected=False, error=error)
        log.warning("%s poll failed: %s", self.name, error)
        return max(self.interval, retry_after or 0.0)
