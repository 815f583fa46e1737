"""Records the alert engine's decisions: the alerts' new state, a trigger row with the tick's price, time and
source, and a notification per channel, written by one task in batches (group commit).

Evaluation never waits for the database. A crash loses at most the last batch window, and then the rows
still say "armed": those alerts fire again after the restart. Whoever must know that a decision is stored
(a push is answered only then) asks `when_committed`, which runs its callback after the batch that holds
every decision added before it has committed.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from prometheus_client import Histogram
from sqlalchemy import insert, select

from app.alerts import external, list_cache, service
from app.alerts.engine import Decision
from app.alerts.models import Alert, AlertTrigger
from app.alerts.render import trigger_message
from app.core.db import after_commit
from app.core.runtime import Runtime
from app.notifications import service as notifications_service
from app.notifications.schemas import Notice

log = logging.getLogger(__name__)
ID_CHUNK = 5000  # ids per IN (...) when loading a batch's alerts
BATCH_WINDOW = 0.005  # seconds the writer waits for more decisions before committing them together

Committed = Callable[[], Awaitable[None]]

ALERT_LATENCY = Histogram(
    "cryptomon_alert_latency_seconds",
    "A price rule's firing: the tick's event time to its trigger committed (notifications queued)",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)


class TriggerWriter:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._pending: list[Decision | Committed] = []
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._written = asyncio.Condition()
        self._writing = False

    def add(self, decision: Decision) -> None:
        self._pending.append(decision)
        self._wake.set()

    async def when_committed(self, callback: Committed) -> None:
        """Run `callback` once every decision added so far is committed (now, when none is pending)."""
        if not self._pending and not self._writing:
            await _run(callback)
            return
        self._pending.append(callback)
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._write_forever(), name="alert-trigger-writer")

    async def stop(self) -> None:
        if self._task is not None:
            await self.flush()
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def flush(self) -> None:
        """Return once every decision added so far is committed."""
        async with self._written:
            await self._written.wait_for(lambda: not self._pending and not self._writing)

    async def _write_forever(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            await asyncio.sleep(BATCH_WINDOW)  # let a burst gather into one transaction
            batch, self._pending = self._pending, []
            self._writing = True
            try:
                await self._commit([item for item in batch if isinstance(item, Decision)])
            except Exception:
                log.exception("could not record %d alert changes; retrying", len(batch))
                self._pending[:0] = batch
                await asyncio.sleep(1.0)
                self._wake.set()
            else:
                for item in batch:
                    if not isinstance(item, Decision):
                        await _run(item)
            finally:
                self._writing = False
                async with self._written:
                    self._written.notify_all()

    async def _commit(self, decisions: list[Decision]) -> None:
        """Write a batch of decisions in one transaction, in bulk statements."""
        if not decisions:
            return
        ids = {i for d in decisions for i in (*d.expired, *d.rearmed, *d.evaluated, *(r.id for r in d.fired))}
        triggers: list[dict[str, Any]] = []
        notices: list[Notice] = []
        async with self.runtime.db.session() as session:
            alerts: dict[int, Alert] = {}
            ordered = sorted(ids)
            for start in range(0, len(ordered), ID_CHUNK):
                chunk = ordered[start : start + ID_CHUNK]
                alerts.update(
                    {a.id: a for a in await session.scalars(select(Alert).where(Alert.id.in_(chunk)))}
                )
            for decision in decisions:
                _apply(alerts, decision, triggers, notices)
            shown = {
                alerts[i].user_id
                for d in decisions
                for i in (*d.expired, *(r.id for r in d.fired))
                if i in alerts
            }
            if shown:  # what the lists show changed: a count, a time, a status
                after_commit(session, functools.partial(list_cache.changed, self.runtime.cache, shown))
            if triggers:
                await session.execute(insert(AlertTrigger), triggers)
            await notifications_service.enqueue_many(session, self.runtime.bus, notices)
        committed = time.time()
        for decision in decisions:
            if decision.bar is None:  # a bar rule's time is its bar's close, not a tick's
                for _ in decision.fired:
                    ALERT_LATENCY.observe(max(0.0, committed - decision.ts))


async def _run(callback: Committed) -> None:
    try:
        await callback()
    except Exception:  # e.g. the bus is down: the waiter times out; the writer goes on
        log.exception("a callback after the trigger commit failed")


def _apply(
    alerts: dict[int, Alert], decision: Decision, triggers: list[dict[str, Any]], notices: list[Notice]
) -> None:
    """One decision onto the alerts' rows, and the trigger rows and notifications it makes."""
    price, tick_at, now = decision.price, datetime.fromtimestamp(decision.ts, UTC), decision.at
    for alert_id in decision.expired:
        if (alert := alerts.get(alert_id)) is not None:
            alert.status, alert.updated_at = service.EXPIRED, now
    for alert_id in decision.rearmed:
        if (alert := alerts.get(alert_id)) is not None:
            alert.armed, alert.reference_price = True, price
    for alert_id in decision.evaluated:
        if (alert := alerts.get(alert_id)) is not None and alert.status == service.ACTIVE:
            alert.evaluated_at = tick_at
    for rule in decision.fired:
        if (alert := alerts.get(rule.id)) is None:
            continue  # deleted meanwhile
        external.fired(alert, now, rearms=rule.condition == "CROSSING")
        alert.reference_price = price
        trigger_id = uuid.uuid4().hex
        message = trigger_message(rule, price, tick_at, decision.bar)
        direction = message.event["direction"]
        triggers.append(
            external.trigger_row(alert, trigger_id, price, tick_at, decision.source, now, direction)
        )
        channels = list(dict.fromkeys([*rule.channels, "IN_APP"]))
        notices.append(Notice(rule.user_id, channels, message, rule.id, trigger_id))
