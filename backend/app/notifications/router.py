"""Routes: a test notification per channel, and the user's notifications with their delivery state."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from app.core.deps import DbSession
from app.core.envelope import ERROR_RESPONSES, Envelope, ok
from app.notifications import service
from app.notifications.channels.base import ChannelName
from app.notifications.models import Notification
from app.notifications.schemas import NotificationOut, NotificationPage, TestIn
from app.users.deps import CurrentUser

router = APIRouter(prefix="/api/notifications", tags=["notifications"], responses=ERROR_RESPONSES)


def _out(row: Notification) -> NotificationOut:
    latency = (row.sent_at - row.created_at).total_seconds() * 1000 if row.sent_at else None
    return NotificationOut(
        id=row.id,
        channel=row.channel,
        status=row.status,
        alert_id=row.alert_id,
        title=str(row.payload.get("title", "")),
        attempts=row.attempts,
        last_response=row.last_response,
        last_error=row.last_error,
        provider_id=row.provider_id,
        created_at=row.created_at,
        sent_at=row.sent_at,
        next_attempt_at=row.next_attempt_at if row.status == "PENDING" else None,
        latency_ms=round(latency, 1) if latency is not None else None,
        event=dict(row.payload.get("event") or {}),
    )


def _notifier(request: Request) -> service.Notifier:
    notifier: service.Notifier = request.app.state.notifier
    return notifier


@router.post("/test", response_model=Envelope[NotificationOut], status_code=202)
async def send_test(
    body: TestIn, user: CurrentUser, session: DbSession, request: Request
) -> Envelope[NotificationOut]:
    """Queue a test message on one channel; follow it in GET /api/notifications."""
    row = await service.send_test(session, _notifier(request), user, body.channel)
    return ok(_out(row))


@router.get("", response_model=Envelope[NotificationPage])
async def list_notifications(
    user: CurrentUser,
    session: DbSession,
    channel: Annotated[ChannelName | None, Query()] = None,
    status: Annotated[Literal["PENDING", "SENDING", "DELIVERED", "FAILED"] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> Envelope[NotificationPage]:
    """Your notifications, newest first (the IN_APP ones are your inbox), with their delivery state."""
    rows, total = await service.list_notifications(session, user.id, channel, status, limit)
    return ok(NotificationPage(notifications=[_out(r) for r in rows], total=total))
