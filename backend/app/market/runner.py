"""Runs the market data of one process: the pipeline, its sources, and the periodic candle flush."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from pydantic.alias_generators import to_camel

from app.core.bus.messages import MARKET_PUSH, PushedTicks
from app.core.clock import isoformat_z, utcnow
from app.core.runtime import Runtime
from app.market import service as market_service
from app.market.ingest import IngestPipeline
from app.market.sources import get_factory
from app.market.sources.base import Source
from app.market.symbols import Asset

log = logging.getLogger(__name__)
DAY = 24 * 3600

ASSET_REFRESH_SECONDS = 60.0
SOURCE_COUNTERS = (
    "connections",
    "reconnects",
    "gaps",
    "missed",
    "out_of_order",
    "malformed",
    "ticks",
    "failures",
    "disabled",
)


class MarketRunner:
    """Start with `start()`, stop with `stop()`; `pipeline` is the sink the push API also feeds."""

    def __init__(self, runtime: Runtime, source_names: list[str] | None = None) -> None:
        self.runtime = runtime
        self.source_names = runtime.settings.market_sources if source_names is None else source_names
        self.pipeline = IngestPipeline(runtime)
        self.sources: dict[str, Source] = {}
        self.assets: list[Asset] = []
        self._tasks: list[asyncio.Task[None]] = []
        self.seeding: dict[str, dict[str, Any]] = {}

    async def _reload_assets(self) -> None:
        async with self.runtime.db.session() as session:
            self.assets = await market_service.list_assets(session)
        self.pipeline.set_known_symbols({a.symbol for a in self.assets})

    async def start(self, *, consume_pushes: bool = False) -> None:
        await self._reload_assets()
        await self._prime_day()
        for name in self.source_names:
            source = get_factory(name)(self.runtime.settings)
            self.sources[name] = source
            await self._prepare(source)
            self._tasks.append(asyncio.create_task(self._run_source(source), name=f"source-{name}"))
        self._tasks.append(asyncio.create_task(self._flush_forever(), name="candle-flush"))
        if consume_pushes:
            self._tasks.append(asyncio.create_task(self._consume_pushes(), name="push-consumer"))

    async def _prepare(self, source: Source) -> None:
        """The replay needs its stored anchor before it runs, and stores its history in the background."""
        if source.name != "replay":
            return
        from app.market import replay_seed
        from app.market.sources.replay import ReplaySource, replayed_symbols

        assert isinstance(source, ReplaySource)
        source.symbols = replayed_symbols(self.runtime.settings, self.assets)
        progress = await replay_seed.prepare(self.runtime, self.pipeline, source)
        self.seeding["replay"] = progress
        task = asyncio.create_task(self._seed(source, progress), name="replay-history")
        self._tasks.append(task)

    async def _prime_day(self) -> None:
        """24 h change and volume from the stored hourly candles, until live ticks cover a day."""
        end = int(utcnow().timestamp())
        async with self.runtime.db.session() as session:
            for asset in self.assets:
                _, raw = await market_service.load_candles(session, asset.symbol, "1h", end - DAY, end)
                self.pipeline.day.prime(asset.symbol, zip(raw.ts, raw.open, raw.volume, strict=True))

    async def _seed(self, source: Source, progress: dict[str, Any]) -> None:
        from app.market import replay_seed
        from app.market.sources.replay import ReplaySource

        assert isinstance(source, ReplaySource) and source.anchor is not None and source.start is not None
        try:
            await replay_seed.seed_history(
                self.runtime, source.symbols, source.anchor, progress, source.start
            )
            await self._prime_day()
        except Exception as exc:
            log.exception("could not store the replay's history")
            progress["error"] = f"{type(exc).__name__}: {exc}"

    async def _run_source(self, source: Source) -> None:
        while True:
            try:
                await source.run(self.pipeline, self.assets)
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                # A source must handle its own failures; if one escapes, log it and start the source again.
                log.exception("market source %s stopped; restarting in 5 s", source.name)
                self.pipeline.report(source.name, connected=False, error=f"{type(exc).__name__}: {exc}")
                await asyncio.sleep(5)

    async def _flush_forever(self) -> None:
        every = self.runtime.settings.candle_flush_seconds
        refreshed = utcnow().timestamp()
        while True:
            await asyncio.sleep(every)
            if utcnow().timestamp() - refreshed >= ASSET_REFRESH_SECONDS:
                # Symbols an admin added through any API process become known here too.
                refreshed = utcnow().timestamp()
                await self._reload_assets()
            self.pipeline.close_quiet_bars()
            await self.pipeline.flush()
            # Shared so API processes that run no source can answer GET /api/market/status.
            await self.runtime.cache.set("market:status", self.status(), ttl=max(60.0, 5 * every))

    async def _consume_pushes(self) -> None:
        """Cluster: ticks pushed to any API process reach the one pipeline that builds their candles."""
        async with self.runtime.bus.subscribe(MARKET_PUSH) as subscription:
            async for message in subscription:
                await self.pipeline.ingest(PushedTicks.decode(message.data).ticks)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.pipeline.close_quiet_bars()
        await self.pipeline.flush()

    def status(self) -> dict[str, Any]:
        status = self.pipeline.status()
        status["checkedAt"] = isoformat_z(utcnow())
        status["running"] = sorted(self.sources)
        details: dict[str, Any] = {}
        for name, source in self.sources.items():
            describe = getattr(source, "describe", None)
            if describe is not None:
                details[name] = describe()
            else:
                # Live sources keep their connection counters on themselves (streaming.py, polling.py).
                details[name] = {
                    to_camel(k): getattr(source, k) for k in SOURCE_COUNTERS if hasattr(source, k)
                }
        status["details"] = details
        status["history"] = self.seeding
        return status
