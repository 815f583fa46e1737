"""Runs the market data of one process: the pipeline, its sources, the pushed ticks, the candle flush."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from pydantic.alias_generators import to_camel

from app.config import Settings
from app.core.bus import Message, barrier
from app.core.bus.listen import listen_forever
from app.core.bus.messages import ALERTS_SYNC, MARKET_PUSH, PushedTicks, PushVerdicts
from app.core.clock import isoformat_z, utcnow
from app.core.marketdata import Tick, align
from app.core.runtime import Runtime
from app.integrations import budget
from app.market import service as market_service
from app.market.ingest import IngestPipeline
from app.market.journal import Key, TickJournal, key
from app.market.sources import get_factory
from app.market.sources.base import Source
from app.market.sources.polling import PollingSource
from app.market.symbols import Asset
from app.market.validation import Reason

log = logging.getLogger(__name__)
DAY = 24 * 3600

ASSET_REFRESH_SECONDS = 60.0
PUSH_SYNC_RETRY = 0.25  # seconds between barrier rounds while a symbol's prices wait for an engine to own it


def push_commit_timeout(settings: Settings) -> float:
    """Seconds a push waits for the alert engines to commit what its prices caused: beyond a dead engine's
    lease lapsing and another taking the symbol over (two lease lengths), so a handover is waited out."""
    return 2 * settings.alert_lease_seconds + 5.0


JOURNAL_DAYS = 2  # pushed ticks are kept this long (their bars are stored; a day rebuilds the open 1d bar)
PRUNE_EVERY = 3600.0
# Seconds between "still working" messages to the API process awaiting a push (push.PUSH_LIVENESS).
PUSH_WORKING_EVERY = 2.0
MAX_UNSTORED = 100_000  # keys of judged-but-unstored pushed ticks remembered for their retry
# What the validator says of a tick it judged in an attempt that then failed before storing it.
SEEN_BEFORE = (Reason.DUPLICATE, Reason.OUT_OF_ORDER)
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


def budgeted(source: Source, name: str, runtime: Runtime) -> Source:
    """A REST poller of a provider with an allowance spends it in the shared cache, with the research's
    calls (integrations.budget); other sources are returned as they are."""
    if isinstance(source, PollingSource) and name in budget.LIMITS:
        source.http_options["budget"] = budget.budget_for(name, runtime.settings, runtime.cache)
    return source


class MarketRunner:
    """Start with `start()`, stop with `stop()`; `pipeline` is the sink the push API also feeds."""

    def __init__(self, runtime: Runtime, source_names: list[str] | None = None) -> None:
        self.runtime = runtime
        self.source_names = runtime.settings.market_sources if source_names is None else source_names
        self.pipeline = IngestPipeline(runtime)
        self.sources: dict[str, Source] = {}
        self.assets: list[Asset] = []
        self.journal = TickJournal(runtime.db)
        self._tasks: list[asyncio.Task[None]] = []
        self._replies: set[asyncio.Task[None]] = set()
        self._unstored: set[Key] = set()  # pushed ticks judged, then not stored (their push answered 503)
        self.seeding: dict[str, dict[str, Any]] = {}

    async def _reload_assets(self) -> None:
        async with self.runtime.db.session() as session:
            self.assets = await market_service.list_assets(session)
        self.pipeline.set_known_symbols({a.symbol for a in self.assets})

    async def start(self, *, consume_pushes: bool = False) -> None:
        await self._reload_assets()
        await self._prime_day()
        # Today's pushed ticks: the open bars of the webhook feed are whole again after a restart.
        self.pipeline.restore(await self.journal.since(float(align(utcnow().timestamp(), "1d"))))
        for name in self.source_names:
            source = budgeted(get_factory(name)(self.runtime.settings), name, self.runtime)
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

    async def accept(self, ticks: list[Tick]) -> list[str | None]:
        """Pushed ticks, each with its rejection reason (None: accepted). Validated and published at once
        (price frames do not wait for the database); returns only once the accepted ticks and every alert
        trigger their prices caused are committed. A tick already stored (a request sent again because its
        answer was lost) is accepted without being judged twice. Raises `barrier.BarrierTimeout` when the
        alert engines do not confirm in time (then nothing of this push is stored: send it again)."""
        stored = await self.journal.stored(ticks)
        fresh = [t for t in ticks if key(t) not in stored]
        try:
            verdicts = iter(await self.pipeline.ingest(fresh))
        except (
            BaseException
        ):  # validated, then publishing failed (Redis restarting): the retry must store them
            self._remember_unstored(fresh)
            raise
        reasons: list[str | None] = []
        accepted: list[Tick] = []
        taken: set[Key] = set()
        for tick in ticks:
            if key(tick) in stored:
                reasons.append(None)
                continue
            reason = next(verdicts)
            if reason in SEEN_BEFORE and key(tick) in self._unstored and key(tick) not in taken:
                # An earlier attempt judged it, then failed before storing it (its answer a 503): the
                # validator calls it a duplicate of itself (or out of order). Stored now; not judged again.
                reason = None
            reasons.append(None if reason is None else reason.value)
            if reason is None:
                accepted.append(tick)
                taken.add(key(tick))
        if accepted:
            # Ticks after triggers: a crash between the two leaves the ticks unstored, so the client's retry
            # is judged again, and the alerts' committed state keeps a trigger from firing twice.
            try:
                await self._judged(accepted)
                await self.journal.store(accepted)
            except BaseException:
                self._remember_unstored(accepted)
                raise
            self._unstored.difference_update(taken)
        return reasons

    def _remember_unstored(self, ticks: list[Tick]) -> None:
        if len(self._unstored) > MAX_UNSTORED:
            self._unstored.clear()  # a long outage: retries that old are stale anyway
        self._unstored.update(key(t) for t in ticks)

    async def _judged(self, ticks: list[Tick]) -> None:
        """Return once every alert engine committed what these ticks' prices caused. A price that no engine
        judged (its symbol's lease was changing hands: a dead engine's lapsing, or taken over just now) is
        sent again to be judged, round after round, until an engine owns its symbol."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + push_commit_timeout(self.runtime.settings)
        request: dict[str, Any] = {"symbols": sorted({t.symbol for t in ticks})}
        while True:
            answers = await barrier.request(
                self.runtime.bus, ALERTS_SYNC, request, max(0.1, deadline - loop.time())
            )
            owned = {s for answer in answers for s in answer.get("owned", [])}
            unjudged = {s for answer in answers for s in answer.get("missed", [])} - owned
            if not unjudged:
                return
            if loop.time() >= deadline:
                raise barrier.BarrierTimeout(f"no alert engine owns {', '.join(sorted(unjudged))}")
            await asyncio.sleep(PUSH_SYNC_RETRY)
            judge = [[t.symbol, t.price, t.ts, t.source] for t in ticks if t.symbol in unjudged]
            request = {"symbols": sorted(unjudged), "judge": judge}

    async def _flush_forever(self) -> None:
        every = self.runtime.settings.candle_flush_seconds
        refreshed = pruned = utcnow().timestamp()
        while True:
            await asyncio.sleep(every)
            now = utcnow().timestamp()
            self.journal.forget()
            if now - pruned >= PRUNE_EVERY:
                pruned = now
                await self.journal.prune(now - JOURNAL_DAYS * DAY)
            if now - refreshed >= ASSET_REFRESH_SECONDS:
                # Symbols an admin added through any API process become known here too.
                refreshed = now
                await self._reload_assets()
            self.pipeline.close_quiet_bars()
            await self.pipeline.flush()
            # Shared so API processes that run no source can answer GET /api/market/status.
            await self.runtime.cache.set("market:status", self.status(), ttl=max(60.0, 5 * every))

    async def _consume_pushes(self) -> None:
        """Cluster: ticks pushed to any API process reach the one pipeline that builds their candles; the
        API process answers its client when this process replies (after the commits, see `accept`)."""
        await listen_forever(self.runtime.bus, MARKET_PUSH, handle=self._start_reply, what="push consumer")

    async def _start_reply(self, message: Message) -> None:
        # Concurrently: one push waiting for its commits does not hold up the next.
        task = asyncio.create_task(self._reply(message.data), name="push-reply")
        self._replies.add(task)
        task.add_done_callback(self._replies.discard)

    async def _reply(self, request: dict[str, Any]) -> None:
        alive = asyncio.create_task(self._say_working(request), name="push-working")
        try:
            reasons = await self.accept(PushedTicks.decode(request).ticks)
        except Exception as exc:
            log.exception("pushed ticks not accepted")
            await barrier.answer(self.runtime.bus, request, {"error": f"{type(exc).__name__}: {exc}"})
            return
        finally:
            alive.cancel()
        await barrier.answer(self.runtime.bus, request, PushVerdicts(reasons).encode())

    async def _say_working(self, request: dict[str, Any]) -> None:
        """While a push waits for its commits: the API process waiting on it learns soon if this one dies."""
        while True:
            await barrier.working(self.runtime.bus, request)
            await asyncio.sleep(PUSH_WORKING_EVERY)

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
