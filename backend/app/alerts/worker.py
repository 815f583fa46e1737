"""The alert worker: feeds the pure engine (engine.py) from the bus, loads and reloads the rules from the
database, and hands its decisions to the group-commit writer (writer.py).

Runs where the market pipeline runs (the embedded API process, or `cryptomon ingest` in the cluster) and
judges only consolidated prices (validated ticks). An alert's state (armed or re-arming, status) is in its
row, so a restart rebuilds the engine without firing anything twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.alerts import list_cache, operands, service
from app.alerts.bars import BarWatch
from app.alerts.engine import Evaluator, ReadingKey, Rule
from app.alerts.models import Alert
from app.alerts.rules import OUTSIDE_ENGINE
from app.alerts.shards import Ownership, ownership_for
from app.alerts.writer import ID_CHUNK, TriggerWriter
from app.core.bus import Message, barrier
from app.core.bus import messages as bus_messages
from app.core.bus.listen import listen_forever
from app.core.bus.messages import AlertChanged, BarsClosed, PriceTicks
from app.core.clock import utcnow
from app.core.errors import AppError
from app.core.marketdata import INTERVALS
from app.core.runtime import Runtime
from app.indicators import service as indicators_service
from app.quant.formula import Resolver

log = logging.getLogger(__name__)
# After skipping a price of a symbol, an engine that owns it (since) says it may have missed that symbol's
# pushed prices for this long, and the push sends them to be judged: beyond any lease change, short of noise.
SKIPS_REMEMBERED = 30.0
# A change is published after its commit, which may be this long after the row's updated_at was set.
CHANGE_PUBLISHED_WITHIN = 30.0


class AlertEngine:
    """Start with `start()`, stop with `stop()`; `on_price`/`on_bars` are what the bus messages call."""

    def __init__(self, runtime: Runtime, ownership: Ownership | None = None) -> None:
        self.runtime = runtime
        # Cluster: this worker judges only the symbols it holds a lease on (app.alerts.shards).
        self.ownership = ownership or ownership_for(runtime.settings)
        self._fresh: set[str] = set()  # loaded at start: the first lease on them needs no reload
        self._skipped: dict[str, float] = {}  # symbol -> when a price of it was last skipped (not owned)
        self.evaluator = Evaluator()
        self.bars = BarWatch(runtime.db, self.evaluator.bar_rules, self.evaluator.gated)
        self.writer = TriggerWriter(runtime)
        self._closes: asyncio.Queue[BarsClosed] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._bar_task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()

    @property
    def rules(self) -> dict[int, Rule]:
        return self.evaluator.rules

    async def start(self) -> None:
        async with self.runtime.db.session() as session:
            await self._load(session)
        self._fresh = self.symbols()
        await self.ownership.start(self)
        self._fresh = set()  # later leases: the rows may have moved on under another owner
        self._task = asyncio.create_task(self._listen(), name="alert-engine")
        self._bar_task = asyncio.create_task(self._bars_forever(), name="alert-bar-closes")
        self.writer.start()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._ready.wait(), 3.0)

    async def stop(self) -> None:
        await self.ownership.stop()
        for task in (self._task, self._bar_task):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        await self.writer.stop()

    async def flush(self) -> None:
        """Return once every trigger evaluated so far is committed."""
        await self.writer.flush()

    def symbols(self) -> set[str]:
        """The symbols this engine has rules on."""
        return self.evaluator.symbols()

    async def reload(self, alert_id: int) -> None:
        """An alert was created, changed or deleted: take its row as it is now."""
        previous = self.evaluator.rules.get(alert_id)
        self.evaluator.drop(alert_id)
        known = self.symbols()
        async with self.runtime.db.session() as session:
            alert = await session.get(Alert, alert_id)
            if alert is not None and alert.condition in OUTSIDE_ENGINE:
                return  # the portfolio watcher's, or the research series'

            if alert is not None and alert.status == service.ACTIVE:
                rule = self._add(alert, (await _resolvers(session, [alert])).get(alert.user_id))
                if rule is not None and previous is not None:
                    _carry_progress(previous, rule)
                await self._read([rule] if rule is not None else [])
        if alert is not None and alert.symbol not in known:
            await self.ownership.refresh()

    async def gained(self, symbol: str) -> None:
        """This worker now judges `symbol`: its rules as the database has them (the last owner's triggers
        are written before it lets go; a dead owner's last batch fires again: at least once)."""
        if symbol in self._fresh:
            self._fresh.discard(symbol)
            return
        self.evaluator.drop_symbol(symbol)
        async with self.runtime.db.session() as session:
            await self._load(session, Alert.symbol == symbol)

    async def _load(self, session: AsyncSession, *where: ColumnElement[bool]) -> None:
        """The ACTIVE alerts (matching `where`) into the engine."""
        alerts = list(
            await session.scalars(
                select(Alert).where(
                    Alert.status == service.ACTIVE, Alert.condition.not_in(OUTSIDE_ENGINE), *where
                )
            )
        )
        resolvers = await _resolvers(session, alerts)
        added = [self._add(alert, resolvers.get(alert.user_id)) for alert in alerts]
        await self._read([rule for rule in added if rule is not None])

    async def _read(self, rules: list[Rule]) -> None:
        """Confirmed price rules start from their indicator's latest closed bar, not from the next close."""
        gated = [rule for rule in rules if rule.confirm is not None]
        if gated:
            now = int(utcnow().timestamp())
            readings = await self.bars.read_latest(gated, now)
            self.evaluator.read(readings)
            await self._show(gated, readings, now)

    async def _show(self, rules: Iterable[Rule], readings: dict[ReadingKey, float], now: int) -> None:
        """Leave each confirmed rule's reading where the API shows it (none there: waiting for data). It
        lapses after two bars without a new one, so a stopped engine does not show a stale value."""
        owners = set()
        for rule in rules:
            value = readings.get(rule.reading_key)
            if value is None or rule.confirm is None:
                continue
            step = rule.confirm.step
            shown = {"value": None if math.isnan(value) else value, "barClosedAt": now - now % step}
            await self.runtime.cache.set(service.reading_key(rule.id), shown, ttl=2 * step + 60)
            owners.add(rule.user_id)
        await list_cache.changed(self.runtime.cache, owners)

    def _add(self, alert: Alert, resolve: Resolver | None) -> Rule | None:
        try:
            threshold = None if alert.threshold is None else float(alert.threshold)
            built = operands.build(alert.condition, threshold, alert.rule, alert.frequency, resolve)
        except AppError as exc:  # e.g. a custom indicator it used was deleted since
            log.warning("alert %s cannot be evaluated: %s", alert.id, exc.message)
            return None
        bar = built if isinstance(built, operands.BarRule) else None
        confirmed = built if isinstance(built, operands.Confirmed) else None
        # ONCE_PER_BAR: the bar is the confirming indicator's, else metadata.timeframe (default 1m)
        timeframe = str(alert.rule.get("timeframe", "1m"))
        bar_timeframe = confirmed.timeframe if confirmed is not None else timeframe
        rule = Rule(
            alert.id,
            alert.user_id,
            alert.symbol,
            alert.condition,
            bar.spec.level if bar is not None else float(alert.threshold or 0),
            alert.frequency,
            float(alert.cooldown_seconds),
            alert.expires_at,
            alert.triggered_at,
            list(alert.channels),
            INTERVALS.get(bar_timeframe, 60),
            alert.confirm_ticks,
            alert.confirm_seconds,
            bar,
            alert.updated_at or alert.created_at,
            alert.evaluated_at,
            confirmed,
        )
        self.evaluator.add(rule, armed=alert.armed, reference=alert.reference_price)
        return rule

    async def _listen(self) -> None:
        await listen_forever(
            self.runtime.bus,
            bus_messages.ALERTS_CHANGED,
            bus_messages.ALERTS_SYNC,
            patterns=(bus_messages.EVERY_PRICE, bus_messages.EVERY_BAR),
            handle=self.handle,
            ready=self._ready,
            what="alert engine",
            catch_up=self.catch_up,
        )

    async def catch_up(self, lost_at: float) -> None:
        """The bus was lost at `lost_at`: alerts created, changed or deleted meanwhile were announced to
        nobody. Reload those from their rows, once this engine's own decisions are committed (a row must not
        be read behind what was already judged)."""
        await self.writer.flush()
        since = datetime.fromtimestamp(lost_at - CHANGE_PUBLISHED_WITHIN, UTC)
        async with self.runtime.db.session() as session:
            changed = set(
                await session.scalars(
                    select(Alert.id).where(or_(Alert.created_at >= since, Alert.updated_at >= since))
                )
            )
            held = list(self.rules)
            present = set()
            for start in range(0, len(held), ID_CHUNK):
                chunk = held[start : start + ID_CHUNK]
                present |= set(await session.scalars(select(Alert.id).where(Alert.id.in_(chunk))))
        for alert_id in sorted(changed | (set(held) - present)):
            await self.reload(alert_id)
        log.info("alert engine caught up after losing the bus: %d alerts reloaded", len(changed))

    async def handle(self, message: Message) -> None:
        if message.channel == bus_messages.ALERTS_CHANGED:
            changed = AlertChanged.decode(message.data)
            if changed.portfolio_id is None:  # a portfolio's risk alert is the portfolio watcher's
                await self.reload(changed.alert_id)
        elif message.channel == bus_messages.ALERTS_SYNC:
            # Messages arrive in order: every price published before the request is judged by now.
            request = message.data
            answer = await self.sync(request)
            await self.writer.when_committed(lambda: barrier.answer(self.runtime.bus, request, answer))
        elif bus_messages.is_bars(message.channel):
            # Its own task: a candle read never holds up the ticks.
            self._closes.put_nowait(BarsClosed.decode(message.data))
        else:
            price = PriceTicks.decode(message.data)
            await self.on_price(price.symbol, price.price, price.ts, price.source)

    async def sync(self, request: dict[str, Any]) -> dict[str, list[str]]:
        """A push's barrier: judge the prices it says nobody judged (of symbols this engine owns now), then
        say which of its watched symbols this engine judged (`owned`) and which it may have skipped
        (`missed`: not owned, or owned only since it skipped a price of it: a lease changing hands)."""
        judged: set[str] = set()
        for symbol, price, ts, source in request.get("judge", []):
            if self.evaluator.watches(symbol) and self.ownership.owns(symbol):
                await self.on_price(symbol, price, ts, source)
                judged.add(symbol)
        recently = time.monotonic() - SKIPS_REMEMBERED
        owned: list[str] = []
        missed: list[str] = []
        for symbol in request.get("symbols", []):
            if not self.evaluator.watches(symbol):
                continue
            clean = symbol in judged or self._skipped.get(symbol, -math.inf) < recently
            (owned if self.ownership.owns(symbol) and clean else missed).append(symbol)
        return {"owned": owned, "missed": missed}

    async def on_price(self, symbol: str, price: float, ts: float, source: str) -> list[int]:
        """Evaluate one consolidated price; returns the ids of the alerts that fired."""
        evaluator = self.evaluator
        if not evaluator.watches(symbol):
            return []
        if not self.ownership.owns(symbol):
            self._skipped[symbol] = time.monotonic()  # another engine's, or no one's while a lease lapses
            return []
        decision = evaluator.on_price(symbol, price, ts, source, utcnow())
        if decision is None:
            return []
        self.writer.add(decision)
        return [rule.id for rule in decision.fired]

    async def _bars_forever(self) -> None:
        while True:
            closed = await self._closes.get()
            try:
                await self.on_bars(closed.symbol, closed.bars)
            except Exception:
                log.exception("bar rules of %s not evaluated", closed.symbol)

    async def on_bars(self, symbol: str, bars: dict[str, int]) -> list[int]:
        """Stored bars of `symbol` were announced: evaluate the rules whose bar they close; returns the ids
        of the alerts that fired."""
        fired: list[int] = []
        if not self.ownership.owns(symbol):
            return fired
        for timeframe, close in self.bars.due(symbol, bars):
            now = utcnow()
            rules, expired = self.evaluator.due_bar_rules(symbol, timeframe, now)
            firings, readings = await self.bars.evaluate(symbol, timeframe, close)
            self.evaluator.read(readings)
            gated = list(self.evaluator.gated.get((symbol, timeframe), {}).values())
            await self._show(gated, readings, close)
            for decision in self.evaluator.bar_closed(rules, expired, firings, close, now):
                self.writer.add(decision)
                fired += [rule.id for rule in decision.fired]
        return fired


def _carry_progress(previous: Rule, rule: Rule) -> None:
    """A reloaded rule keeps what the engine judged and fired that its writer may not have committed yet:
    from the row alone, bars already judged would fire again and a cooldown would restart."""
    if rule.armed_from != previous.armed_from:
        return  # changed or resumed: it starts again from then
    if previous.evaluated_at is not None and (
        rule.evaluated_at is None or previous.evaluated_at > rule.evaluated_at
    ):
        rule.evaluated_at = previous.evaluated_at
    if previous.last_fired is not None and (rule.last_fired is None or previous.last_fired > rule.last_fired):
        rule.last_fired = previous.last_fired


async def _resolvers(session: AsyncSession, alerts: list[Alert]) -> dict[int, Resolver]:
    """Per owner, what resolves the custom indicators their alerts' formulas use (one read for all)."""
    owners = {a.user_id for a in alerts if "indicator" in a.rule or "formula" in a.rule}
    return await indicators_service.resolvers_of(session, owners)
