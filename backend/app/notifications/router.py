"""Routes: a test notification per channel, and the user's notifications with their delivery state."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from app.core.deps import DbSession
from app.core.envelope import ERROR_RESPONSES, Envelope, ok
from app.notifications import service
from app.notifications.deps import NotifierDep
from app.notifications.schemas import (
    ChannelName,
    ChannelsOut,
    MailboxPage,
    NotificationOut,
    NotificationPage,
    TestIn,
)
from app.users.deps import CurrentUser

router = APIRouter(prefix="/api/notifications", tags=["notifications"], responses=ERROR_RESPONSES)


@router.post("/test", response_model=Envelope[NotificationOut], status_code=202)
async def send_test(
    body: TestIn, user: CurrentUser, session: DbSession, notifier: NotifierDep
) -> Envelope[NotificationOut]:
    """Queue a test message on one channel; follow it in GET /api/notifications."""
    return ok(await service.send_test(session, notifier, user, body.channel))


@router.get("", response_model=Envelope[NotificationPage])
async def list_notifications(
    user: CurrentUser,
    session: DbSession,
    channel: Annotated[ChannelName | None, Query()] = None,
    status: Annotated[Literal["PENDING", "SENDING", "DELIVERED", "FAILED"] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> Envelope[NotificationPage]:
    """Your notifications, newest first (the IN_APP ones are your inbox), with their delivery state."""
    return ok(await service.list_notifications(session, user.id, channel, status, limit))


@router.get("/channels", response_model=Envelope[ChannelsOut])
async def channels(user: CurrentUser, notifier: NotifierDep) -> Envelope[ChannelsOut]:
    """Which channels can reach you now (what is missing where not), and where EMAIL goes and how."""
    return ok(service.channels_status(notifier, user))


@router.get("/mailbox", response_model=Envelope[MailboxPage])
async def mailbox(
    user: CurrentUser,
    notifier: NotifierDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Envelope[MailboxPage]:
    """Your local mailbox, newest first: the EMAIL messages kept on the server while it has no SMTP host."""
    return ok(await service.mailbox_page(notifier.runtime.settings, user.id, offset, limit))
