"""Evaluates the alert rules on every consolidated price (validated ticks only) and records each trigger:
the alert's new state, a trigger row with the tick's price, time and source, and a notification per channel,
all in one transaction.

Runs where the market pipeline runs (the embedded API process, or `cryptomon ingest` in the cluster). Rules
live in a LevelBook per symbol; an alert's state (armed or re-arming, status) is in its row, so a restart
rebuilds the books without firing anything twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.alerts import operands, service
from app.alerts.bars import BarWatch
from app.alerts.levels import LevelBook
from app.alerts.models import Alert, AlertTrigger
from app.alerts.operands import BarRule
from app.alerts.rules import RISES, waits_to_rise
from app.alerts.shards import Ownership, ownership_for
from app.core.bus import Message as BusMessage
from app.core.clock import isoformat_z, utcnow
from app.core.errors import AppError
from app.core.marketdata import INTERVALS
from app.core.runtime import Runtime
from app.indicators.formula import Resolver
from app.indicators.models import CustomIndicator
from app.indicators.service import resolver
from app.market.ingest import BARS_CHANNEL
from app.notifications import outbox
from app.notifications.channels.base import Message

log = logging.getLogger(__name__)
ID_CHUNK = 5000  # ids per IN (...) when loading a batch's alerts
EPOCH = datetime.fromtimestamp(0, UTC)
BATCH_WINDOW = 0.005  # seconds the writer waits for more triggers before committing them together


@dataclass
class Rule:
    """What the engine keeps of an ACTIVE alert."""

    id: int
    user_id: int
    symbol: str
    condition: str
    level: float
    frequency: str
    cooldown: float
    expires_at: datetime | None
    last_fired: datetime | None
    channels: list[str]
    bar_seconds: int  # ONCE_PER_BAR: at most one trigger per bar of this length
    confirm_ticks: int = 1  # consecutive prices beyond the level before it fires
    confirm_seconds: float = 0.0  # ... and for at least this long
    bar: BarRule | None = None  # evaluated on bar closes (None: on ticks)
    armed_from: datetime = EPOCH  # created, resumed or changed then
    evaluated_at: datetime | None = None  # bar rules: the close of the last bar evaluated

    def confirmed(self, ticks: int, since: datetime, now: datetime) -> bool:
        return ticks >= self.confirm_ticks and (now - since).total_seconds() >= self.confirm_seconds

    @property
    def book_level(self) -> float:
        """Where the rule sits in its LevelBook: rising means `price >= level` there, so GREATER_THAN
        (strictly above) sits on the next float up."""
        return math.nextafter(self.level, math.inf) if self.condition == "GREATER_THAN" else self.level

    def cooling(self, now: datetime) -> bool:
        """Whether a crossing now is still inside the cooldown (EVERY_TIME) or the bar (ONCE_PER_BAR)."""
        if self.last_fired is None:
            return False
        if self.frequency == "ONCE_PER_BAR":
            bar = self.bar_seconds
            return int(self.last_fired.timestamp()) // bar == int(now.timestamp()) // bar
        return now < self.last_fired + timedelta(seconds=self.cooldown)


class AlertEngine:
    def __init__(self, runtime: Runtime, ownership: Ownership | None = None) -> None:
        self.runtime = runtime
        # Cluster: this worker judges only the symbols it holds a lease on (app.alerts.shards).
        self.ownership = ownership or ownership_for(runtime.settings)
        self._fresh: set[str] = set()  # loaded at start: the first lease on them needs no reload
        self.books: dict[str, LevelBook] = {}
        self.rules: dict[int, Rule] = {}
        # Crossed, waiting for confirmation: symbol -> alert id -> [prices beyond, since, waited to rise].
        self.confirming: dict[str, dict[int, list[Any]]] = {}
        self.bars = BarWatch(runtime.db)
        self._closes: asyncio.Queue[BusMessage] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._bar_task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()
        # Triggers are written by one writer task in batches (group commit): evaluation never waits for the
        # database. A crash loses at most the last batch window, and then the rows still say "armed": those
        # alerts fire again after the restart (at least once), never silently dropped.
        self._pending: list[_Change] = []
        self._wake = asyncio.Event()
        self._writer: asyncio.Task[None] | None = None
        self._written = asyncio.Condition()

    async def start(self) -> None:
        async with self.runtime.db.session() as session:
            alerts = list(await session.scalars(select(Alert).where(Alert.status == service.ACTIVE)))
            resolvers = await _resolvers(session, alerts)
            for alert in alerts:
                self._add(alert, resolvers.get(alert.user_id))
        self._fresh = self.symbols()
        await self.ownership.start(self)
        self._fresh = set()  # later leases: the rows may have moved on under another owner
        self._task = asyncio.create_task(self._listen(), name="alert-engine")
        self._bar_task = asyncio.create_task(self._bars_forever(), name="alert-bar-closes")
        self._writer = asyncio.create_task(self._write_forever(), name="alert-trigger-writer")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._ready.wait(), 3.0)

    async def stop(self) -> None:
        await self.ownership.stop()
        for task in (self._task, self._bar_task):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if self._writer is not None:
            await self.flush()
            self._writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._writer

    async def flush(self) -> None:
        """Return once every trigger evaluated so far is committed."""
        async with self._written:
            await self._written.wait_for(lambda: not self._pending and not self._writing)

    _writing = False

    async def _write_forever(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            await asyncio.sleep(BATCH_WINDOW)  # let a burst gather into one transaction
            batch, self._pending = self._pending, []
            self._writing = True
            try:
                await self._commit(batch)
            except Exception:
                log.exception("could not record %d alert changes; retrying", len(batch))
                self._pending[:0] = batch
                await asyncio.sleep(1.0)
                self._wake.set()
            finally:
                self._writing = False
                async with self._written:
                    self._written.notify_all()

    def _add(self, alert: Alert, resolve: Resolver | None) -> None:
        try:
            threshold = _float(alert.threshold)
            bar = operands.build(alert.condition, threshold, alert.rule, alert.frequency, resolve)
        except AppError as exc:  # e.g. a custom indicator it used was deleted since
            log.warning("alert %s cannot be evaluated: %s", alert.id, exc.message)
            return
        level = bar.spec.level if bar is not None else float(alert.threshold or 0)
        rule = Rule(
            alert.id,
            alert.user_id,
            alert.symbol,
            alert.condition,
            level,
            alert.frequency,
            float(alert.cooldown_seconds),
            alert.expires_at,
            alert.triggered_at,
            list(alert.channels),
            INTERVALS.get(str(alert.rule.get("timeframe", "1m")), 60),
            alert.confirm_ticks,
            alert.confirm_seconds,
            bar,
            alert.updated_at or alert.created_at,
            alert.evaluated_at,
        )
        self.rules[alert.id] = rule
        if bar is not None:
            self.bars.add(rule)
            return
        rise = waits_to_rise(alert.condition, alert.armed, level, alert.reference_price)
        fire = alert.condition == "CROSSING" or alert.armed
        book = self.books.get(alert.symbol)
        if book is None:
            book = self.books[alert.symbol] = LevelBook()
        book.add(alert.id, rule.book_level, rise=rise, fire=fire)

    def _drop(self, alert_id: int) -> None:
        rule = self.rules.pop(alert_id, None)
        if rule is not None:
            self.confirming.get(rule.symbol, {}).pop(alert_id, None)
            self.bars.remove(rule)
        if rule is not None and rule.symbol in self.books:
            self.books[rule.symbol].remove(alert_id)

    async def reload(self, alert_id: int) -> None:
        """An alert was created, changed or deleted: take its row as it is now."""
        self._drop(alert_id)
        known = self.symbols()
        async with self.runtime.db.session() as session:
            alert = await session.get(Alert, alert_id)
            if alert is not None and alert.status == service.ACTIVE:
                self._add(alert, (await _resolvers(session, [alert])).get(alert.user_id))
        if alert is not None and alert.symbol not in known:
            await self.ownership.refresh()

    def symbols(self) -> set[str]:
        """The symbols this engine has rules on."""
        return {symbol for symbol, book in self.books.items() if len(book)} | {
            symbol for (symbol, _), rules in self.bars.rules.items() if rules
        }

    async def gained(self, symbol: str) -> None:
        """This worker now judges `symbol`: its rules as the database has them (the last owner's triggers
        are written before it lets go; a dead owner's last batch fires again: at least once)."""
        if symbol in self._fresh:
            self._fresh.discard(symbol)
            return
        for alert_id in [i for i, rule in self.rules.items() if rule.symbol == symbol]:
            self._drop(alert_id)
        async with self.runtime.db.session() as session:
            query = select(Alert).where(Alert.symbol == symbol, Alert.status == service.ACTIVE)
            alerts = list(await session.scalars(query))
            resolvers = await _resolvers(session, alerts)
            for alert in alerts:
                self._add(alert, resolvers.get(alert.user_id))

    async def _listen(self) -> None:
        while True:
            try:
                patterns = ("prices:*", BARS_CHANNEL.format(symbol="*"))
                async with self.runtime.bus.subscribe(service.CHANGED, patterns=patterns) as messages:
                    self._ready.set()
                    async for message in messages:
                        await self.handle(message)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("alert engine pass failed; listening again")
                await asyncio.sleep(1.0)

    async def handle(self, message: BusMessage) -> None:
        if message.channel == service.CHANGED:
            await self.reload(int(message.data["alertId"]))
            return
        if message.channel.startswith("bars:"):
            self._closes.put_nowait(message)  # its own task: a candle read never holds up the ticks
            return
        data = message.data
        await self.on_price(str(data["symbol"]), float(data["price"]), float(data["ts"]), str(data["source"]))

    async def on_price(self, symbol: str, price: float, ts: float, source: str) -> list[int]:
        """Evaluate one consolidated price; returns the ids of the alerts that fired."""
        book = self.books.get(symbol)
        if book is None or not (len(book) or self.confirming.get(symbol)) or not self.ownership.owns(symbol):
            return []
        now = utcnow()
        fired: list[Rule] = []
        expired: list[int] = []
        rearmed: list[int] = []
        self._confirm(symbol, book, price, now, fired)
        for alert_id, fires in book.move(price):
            rule = self.rules[alert_id]
            if rule.expires_at is not None and rule.expires_at <= now:
                expired.append(alert_id)
                self.rules.pop(alert_id)
                continue
            if not fires:
                rearmed.append(alert_id)
                book.add(alert_id, rule.book_level, rise=rule.condition in RISES, fire=True)
            elif rule.confirmed(1, now, now):
                self._fire(rule, book, price, now, fired)
            else:  # crossed: it fires once the price has stayed beyond for the ticks/seconds asked
                rise = price >= rule.book_level
                self.confirming.setdefault(symbol, {})[alert_id] = [1, now, rise]
        if fired or expired or rearmed:
            self._pending.append(_Change(fired, expired, rearmed, price, ts, source, now))
            self._wake.set()
        return [rule.id for rule in fired]

    async def _bars_forever(self) -> None:
        while True:
            message = await self._closes.get()
            try:
                await self.on_bars(str(message.data["symbol"]), dict(message.data["bars"]))
            except Exception:
                log.exception("bar rules of %s not evaluated", message.data.get("symbol"))

    async def on_bars(self, symbol: str, bars: dict[str, int]) -> list[int]:
        """Stored bars of `symbol` were announced: evaluate the rules whose bar they close; returns the ids
        of the alerts that fired."""
        fired_ids: list[int] = []
        if not self.ownership.owns(symbol):
            return fired_ids
        for timeframe, close in self.bars.due(symbol, bars):
            now = utcnow()
            rules = list(self.bars.rules.get((symbol, timeframe), {}).values())
            expired = [r.id for r in rules if r.expires_at is not None and r.expires_at <= now]
            for alert_id in expired:
                self._drop(alert_id)
            firings = await self.bars.evaluate(symbol, timeframe, close)
            evaluated = [r.id for r in rules if r.id in self.rules] if firings is not None else []
            for firing in firings or []:
                if firing.rule.frequency == "ONCE":
                    self._drop(firing.rule.id)
                at = firing.closed_at.timestamp()
                change = _Change([firing.rule], [], [], firing.price, at, firing.source, now)
                change.bar = (firing.value, firing.up)
                self._pending.append(change)
                fired_ids.append(firing.rule.id)
            self._pending.append(_Change([], expired, [], 0.0, float(close), "", now, evaluated))
            self._wake.set()
        return fired_ids

    def _confirm(self, symbol: str, book: LevelBook, price: float, now: datetime, fired: list[Rule]) -> None:
        """Crossed rules awaiting confirmation: fire the confirmed, and put back those the price left."""
        waiting = self.confirming.get(symbol)
        for alert_id, state in list((waiting or {}).items()):
            rule = self.rules.get(alert_id)
            assert waiting is not None
            if rule is None:
                del waiting[alert_id]
                continue
            ticks, since, rise = state
            if (price >= rule.book_level) != rise:  # back on the other side: a false break, not fired
                del waiting[alert_id]
                book.add(alert_id, rule.book_level, rise=rise, fire=True)
            elif rule.confirmed(ticks + 1, since, now):
                del waiting[alert_id]
                self._fire(rule, book, price, now, fired)
            else:
                state[0] = ticks + 1

    def _fire(self, rule: Rule, book: LevelBook, price: float, now: datetime, fired: list[Rule]) -> None:
        cooling = rule.cooling(now)
        if rule.frequency == "ONCE":
            self.rules.pop(rule.id)
        else:  # it crossed: it must cross back before it can fire again
            opposite = rule.condition not in RISES if rule.condition != "CROSSING" else price < rule.level
            book.add(rule.id, rule.book_level, rise=opposite, fire=rule.condition == "CROSSING")
        if not cooling:
            rule.last_fired = now
            fired.append(rule)

    async def _commit(self, changes: list[_Change]) -> None:
        """Write a batch of changes in one transaction: the alerts' new state, the trigger rows and the
        notifications, in bulk statements."""
        if not changes:
            return
        ids = {i for c in changes for i in (*c.expired, *c.rearmed, *c.evaluated, *(r.id for r in c.fired))}
        triggers: list[dict[str, Any]] = []
        notices: list[outbox.Notice] = []
        async with self.runtime.db.session() as session:
            alerts: dict[int, Alert] = {}
            ordered = sorted(ids)
            for start in range(0, len(ordered), ID_CHUNK):
                chunk = ordered[start : start + ID_CHUNK]
                alerts.update(
                    {a.id: a for a in await session.scalars(select(Alert).where(Alert.id.in_(chunk)))}
                )
            for change in changes:
                self._apply(alerts, change, triggers, notices)
            if triggers:
                await session.execute(insert(AlertTrigger), triggers)
            await outbox.enqueue_many(session, self.runtime.bus, notices)

    def _apply(
        self,
        alerts: dict[int, Alert],
        change: _Change,
        triggers: list[dict[str, Any]],
        notices: list[outbox.Notice],
    ) -> None:
        price, tick_at, now = change.price, datetime.fromtimestamp(change.ts, UTC), change.at
        for alert_id in change.expired:
            if (alert := alerts.get(alert_id)) is not None:
                alert.status, alert.updated_at = service.EXPIRED, now
        for alert_id in change.rearmed:
            if (alert := alerts.get(alert_id)) is not None:
                alert.armed, alert.reference_price = True, price
        for alert_id in change.evaluated:
            if (alert := alerts.get(alert_id)) is not None and alert.status == service.ACTIVE:
                alert.evaluated_at = tick_at
        for rule in change.fired:
            if (alert := alerts.get(rule.id)) is None:
                continue  # deleted meanwhile
            alert.trigger_count += 1
            alert.triggered_at = now
            alert.reference_price = price
            alert.armed = rule.condition == "CROSSING"
            if rule.frequency == "ONCE":
                alert.status = service.TRIGGERED
            trigger_id = uuid.uuid4().hex
            triggers.append(
                {
                    "id": trigger_id,
                    "alert_id": rule.id,
                    "user_id": rule.user_id,
                    "symbol": rule.symbol,
                    "price": Decimal(str(price)),
                    "threshold": alert.threshold,
                    "tick_at": tick_at,
                    "source": change.source,
                    "fired_at": now,
                }
            )
            channels = list(dict.fromkeys([*rule.channels, "IN_APP"]))
            message = _message(rule, price, tick_at, change.bar)
            triggers[-1]["direction"] = message.event["direction"]
            notices.append(outbox.Notice(rule.user_id, channels, message, rule.id, trigger_id))


@dataclass
class _Change:
    """What one price did to the rules, waiting to be written."""

    fired: list[Rule]
    expired: list[int]
    rearmed: list[int]
    price: float
    ts: float
    source: str
    at: datetime  # when it was evaluated (the trigger time), not when it is written
    evaluated: list[int] = field(default_factory=list)  # bar rules that judged the bar closing at `ts`
    bar: tuple[float, bool] | None = None  # a bar rule's firing: the operand's value, and whether it rose


def _message(rule: Rule, price: float, tick_at: datetime, bar: tuple[float, bool] | None = None) -> Message:
    """The notification of a trigger; its event is the seed's ALERT_TRIGGERED frame."""
    rises = rule.condition in RISES or (rule.condition == "CROSSING" and price >= rule.level)
    value, subject = price, rule.symbol
    if bar is not None and rule.bar is not None:
        value, rises = bar
        subject = f"{rule.symbol} {rule.bar.operand} ({rule.bar.timeframe})"
    verb = "rose to" if rises else "fell to"
    condition = rule.condition.replace("_", " ").lower()
    event: dict[str, Any] = {
        "type": "ALERT_TRIGGERED",
        "alertId": rule.id,
        "symbol": rule.symbol,
        "currentPrice": price,
        "threshold": rule.level,
        "timestamp": isoformat_z(tick_at),
        "direction": "UP" if rises else "DOWN",
    }
    fields = {"Price": f"{price:,.8g}", "Threshold": f"{rule.level:,.8g}", "Condition": rule.condition}
    if bar is not None and rule.bar is not None:
        fields["Value"] = f"{value:,.8g}"
        event["indicatorValue"] = value
    return Message(
        title=f"{subject} {'up' if rises else 'down'}: {condition} {rule.level:,.8g}",
        body=f"{subject} {verb} {value:,.8g} ({condition} {rule.level:,.8g})",
        fields=fields,
        event=event,
    )


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


async def _resolvers(session: AsyncSession, alerts: list[Alert]) -> dict[int, Resolver]:
    """Per owner, what resolves the custom indicators their alerts' formulas use (one read for all)."""
    owners = {a.user_id for a in alerts if "indicator" in a.rule or "formula" in a.rule}
    if not owners:
        return {}
    rows = await session.scalars(select(CustomIndicator).where(CustomIndicator.user_id.in_(owners)))
    by_owner: dict[int, dict[str, CustomIndicator]] = {owner: {} for owner in owners}
    for row in rows:
        by_owner[row.user_id][row.key] = row
    return {owner: resolver(found) for owner, found in by_owner.items()}
