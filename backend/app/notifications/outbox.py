"""The outbox: a notification row per channel, written in the caller's transaction, so nothing accepted is
lost; the dispatcher (dispatcher.py) delivers them."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from prometheus_client import Gauge
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.bus import Bus
from app.core.bus.messages import NOTIFICATIONS_WAKE, OutboxWake
from app.core.clock import utcnow
from app.core.db import after_commit
from app.core.metrics import on_scrape, set_counts
from app.core.runtime import Runtime
from app.notifications.models import Notification
from app.notifications.schemas import Attachment, Message, Notice

PENDING, SENDING, DELIVERED, FAILED = "PENDING", "SENDING", "DELIVERED", "FAILED"

BACKLOG = Gauge("cryptomon_notifications_pending", "Notifications not yet delivered", ["channel"])


@on_scrape
async def measure_backlog(runtime: Runtime) -> None:
    """The outbox's backlog by channel (the status index answers it)."""
    async with runtime.db.session() as session:
        rows = await session.execute(
            select(Notification.channel, func.count())
            .where(Notification.status.in_((PENDING, SENDING)))
            .group_by(Notification.channel)
        )
        set_counts(BACKLOG, {channel: n for channel, n in rows})


def to_payload(message: Message) -> dict[str, Any]:
    return {
        "title": message.title,
        "body": message.body,
        "fields": message.fields,
        "url": message.url,
        "event": message.event,
        **({"attachment": asdict(message.attachment)} if message.attachment else {}),
        **({"html": message.html} if message.html else {}),
    }


def from_payload(payload: dict[str, Any], grouped: int = 1) -> Message:
    return Message(
        title=payload["title"],
        body=payload["body"],
        fields=dict(payload.get("fields") or {}),
        url=payload.get("url"),
        event=dict(payload.get("event") or {}),
        grouped=grouped,
        attachment=Attachment(**payload["attachment"]) if payload.get("attachment") else None,
        html=payload.get("html"),
    )


async def enqueue_many(session: AsyncSession, bus: Bus, notices: list[Notice]) -> int:
    """`enqueue` for many notices at once: one bulk insert, one wake-up; returns the rows written."""
    now = utcnow()
    rows = [
        {
            "user_id": notice.user_id,
            "alert_id": notice.alert_id,
            "trigger_id": notice.trigger_id,
            "channel": channel,
            "status": PENDING,
            "payload": to_payload(notice.message),
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for notice in notices
        for channel in dict.fromkeys(notice.channels)
    ]
    if not rows:
        return 0
    await session.execute(insert(Notification), rows)

    async def wake() -> None:
        await bus.publish(NOTIFICATIONS_WAKE, OutboxWake(len(rows)).encode())

    after_commit(session, wake)
    return len(rows)


async def enqueue(
    session: AsyncSession,
    bus: Bus,
    user_id: int,
    channels: list[str],
    message: Message,
    alert_id: int | None = None,
) -> list[Notification]:
    """One PENDING row per channel, due now; the dispatcher is woken once the transaction commits."""
    now = utcnow()
    rows = [
        Notification(
            user_id=user_id,
            alert_id=alert_id,
            channel=channel,
            status=PENDING,
            payload=to_payload(message),
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
        for channel in dict.fromkeys(channels)
    ]
    session.add_all(rows)
    await session.flush()

    async def wake() -> None:
        await bus.publish(NOTIFICATIONS_WAKE, OutboxWake(len(rows)).encode())

    after_commit(session, wake)
    return rows
