"""Delivers the outbox at least once: claims due rows under a lease, sends each (user, channel) group
through its channel, retries with exponential backoff and jitter (or the provider's retry-after), waits
out rate limits, groups bursts, and marks every row DELIVERED or FAILED with the provider's last answer.

Every API process runs one; a row is claimed by exactly one of them (conditional UPDATE), and a row left
SENDING by a dispatcher that died is taken up again when its lease runs out.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update

from app.core import ratelimit
from app.core.bus.messages import NOTIFICATIONS_WAKE
from app.core.clock import utcnow
from app.core.runtime import Runtime
from app.integrations.http import backoff_delay
from app.notifications import outbox
from app.notifications.channels.base import Channel, Message, Missing, Outcome, Target
from app.notifications.models import Notification
from app.users import service as user_service

log = logging.getLogger(__name__)

BATCH = 200
LEASE = timedelta(seconds=60)
SEND_TIMEOUT = 30.0  # a channel that hangs longer is a retryable failure
MAX_ATTEMPTS = 8
BACKOFF_BASE, BACKOFF_CAP = 2.0, 600.0
POLL = 1.0  # seconds between looks for rows that became due (retries), besides wake-ups
STORM_WINDOW = 10.0  # seconds: later messages to one user on one channel are merged into one
GROUPED_CHANNELS = frozenset({"EMAIL", "SMS", "DISCORD", "TELEGRAM"})  # people, not machines or the inbox


def merge(messages: list[Message]) -> Message:
    """One message for a burst: the newest in full, the others listed by title."""
    newest = messages[-1]
    if len(messages) == 1:
        return newest
    earlier = "; ".join(m.title for m in messages[:-1])
    return Message(
        title=newest.title,
        body=f"{newest.body}\nAlso: {earlier}",
        fields=newest.fields,
        url=newest.url,
        event=newest.event,
        grouped=len(messages),
    )


class Dispatcher:
    def __init__(self, runtime: Runtime, channels: Mapping[str, Channel]) -> None:
        self.runtime = runtime
        self.channels = dict(channels)
        self._task: asyncio.Task[None] | None = None
        self._finished: list[tuple[list[Notification], Outcome, datetime]] = []
        self._recording = asyncio.Lock()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="notification-dispatcher")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:
            try:
                async with self.runtime.bus.subscribe(NOTIFICATIONS_WAKE) as wakeups:
                    while True:
                        if await self.dispatch_due() < BATCH:
                            await wakeups.get(timeout=POLL)
            except asyncio.CancelledError:
                raise
            except Exception:  # keep delivering whatever went wrong with one pass
                log.exception("notification dispatcher pass failed")
                await asyncio.sleep(POLL)

    async def dispatch_due(self) -> int:
        """Claim what is due and deliver it; returns how many rows were claimed."""
        rows = await self._claim()
        groups: dict[tuple[int, str], list[Notification]] = defaultdict(list)
        for row in rows:
            groups[(row.user_id, row.channel)].append(row)
        settings = await self._settings({user for user, _ in groups})
        await asyncio.gather(
            *(self._deliver(settings.get(user), channel, group) for (user, channel), group in groups.items())
        )
        return len(rows)

    async def _settings(self, user_ids: set[int]) -> dict[int, dict[str, Any]]:
        """Each user's channel settings, read once for the whole batch."""
        if not user_ids:
            return {}
        async with self.runtime.db.session() as session:
            return await user_service.channel_settings_of(session, user_ids, settings=self.runtime.settings)

    async def _claim(self) -> list[Notification]:
        now = utcnow()
        due = or_(
            and_(Notification.status == outbox.PENDING, Notification.next_attempt_at <= now),
            and_(Notification.status == outbox.SENDING, Notification.lease_expires_at < now),
        )
        async with self.runtime.db.session() as session:
            ids = list(
                await session.scalars(
                    select(Notification.id)
                    .where(due)
                    .order_by(Notification.next_attempt_at, Notification.id)
                    .limit(BATCH)
                )
            )
            if not ids:
                return []
            claimed = await session.scalars(
                update(Notification)
                .where(Notification.id.in_(ids), due)  # a competing dispatcher may have taken some
                .values(status=outbox.SENDING, lease_expires_at=now + LEASE)
                .returning(Notification.id)
            )
            claimed_ids = list(claimed)
            rows = list(
                await session.scalars(
                    select(Notification).where(Notification.id.in_(claimed_ids)).order_by(Notification.id)
                )
            )
            session.expunge_all()
        return rows

    async def _deliver(self, settings: dict[str, Any] | None, name: str, rows: list[Notification]) -> None:
        channel = self.channels.get(name)
        if channel is None:
            await self._finish(rows, Outcome.fail(f"{name} is not a channel this server offers"))
            return
        target = channel.target(settings) if settings is not None else Missing("the user no longer exists")
        if isinstance(target, Missing):
            await self._finish(rows, Outcome.fail(target.reason))
            return
        if name not in GROUPED_CHANNELS:
            for at, row in enumerate(rows):  # one by one, in order: a machine wants each event
                if await self._send(channel, target, [row], outbox.from_payload(row.payload)) is None:
                    await self._postpone(rows[at + 1 :], 0.0)  # keep the order: the rest follow it
                    return
            return
        storm_key = f"storm:{rows[0].user_id}:{name}"
        quiet_at = await self.runtime.cache.get(storm_key)
        now = utcnow().timestamp()
        if isinstance(quiet_at, int | float) and quiet_at > now:
            await self._postpone(rows, quiet_at - now)  # gathered, then sent as one when the window ends
            return
        message = merge([outbox.from_payload(row.payload) for row in rows])
        outcome = await self._send(channel, target, rows, message)
        if outcome is not None and outcome.delivered:  # the window opens with a message the user got
            await self.runtime.cache.set(storm_key, now + STORM_WINDOW, ttl=STORM_WINDOW)

    async def _send(
        self, channel: Channel, target: Target, rows: list[Notification], message: Message
    ) -> Outcome | None:
        """One attempt for `rows` (one message), recorded on them; None when it waits for the rate limit."""
        limit = channel.rate_limit
        if limit is not None:
            key = f"notify:{channel.name}:{target.address}"
            wait = await ratelimit.take(self.runtime.cache, key, limit.count, max(1, round(limit.seconds)))
            if wait:
                await self._postpone(rows, float(wait))
                return None
        try:
            outcome = await asyncio.wait_for(channel.send(target, message), SEND_TIMEOUT)
        except TimeoutError:
            outcome = Outcome.retry(f"no answer within {SEND_TIMEOUT:g} s")
        except Exception as exc:  # a channel bug must not lose the row: retry, and log it
            log.exception("channel %s raised", channel.name)
            outcome = Outcome.retry(f"{type(exc).__name__}: {exc}"[:300])
        await self._finish(rows, outcome)
        return outcome

    async def _postpone(self, rows: list[Notification], seconds: float) -> None:
        """Back to PENDING without spending an attempt (rate limit, storm window)."""
        if not rows:
            return
        async with self.runtime.db.session() as session:
            await session.execute(
                update(Notification)
                .where(Notification.id.in_([r.id for r in rows]))
                .values(
                    status=outbox.PENDING,
                    lease_expires_at=None,
                    next_attempt_at=utcnow() + timedelta(seconds=seconds),
                )
            )

    async def _finish(self, rows: list[Notification], outcome: Outcome) -> None:
        """Record one attempt's outcome; returns once it is committed. Outcomes that finish together share
        one transaction (group commit): a burst of deliveries is not a burst of commits."""
        self._finished.append((rows, outcome, utcnow()))
        async with self._recording:
            batch, self._finished = self._finished, []
            if not batch:
                return  # an earlier holder of the lock wrote this one with its own
            async with self.runtime.db.session() as session:
                for done, result, at in batch:
                    for row in done:
                        values = _recorded(row, result, at)
                        await session.execute(
                            update(Notification).where(Notification.id == row.id).values(**values)
                        )


def _recorded(row: Notification, outcome: Outcome, now: datetime) -> dict[str, object]:
    """The row's new columns after an attempt with this outcome."""
    attempts = row.attempts + 1
    values: dict[str, object] = {
        "attempts": attempts,
        "lease_expires_at": None,
        "last_response": outcome.detail or None,
    }
    if outcome.delivered:
        return values | {"status": outbox.DELIVERED, "sent_at": now, "provider_id": outcome.provider_id}
    if outcome.retryable and attempts < MAX_ATTEMPTS:
        backoff = backoff_delay(attempts - 1, base=BACKOFF_BASE, cap=BACKOFF_CAP)
        delay = max(outcome.retry_after or 0.0, backoff)
        return values | {
            "status": outbox.PENDING,
            "next_attempt_at": now + timedelta(seconds=delay),
            "last_error": outcome.detail,
        }
    return values | {"status": outbox.FAILED, "last_error": outcome.detail}
