"""The notification system of one process: its channels, its dispatcher, and the use cases of the routes."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.core.bus import Bus
from app.core.clock import isoformat_z, utcnow
from app.core.errors import AppError, ErrorCode
from app.core.runtime import Runtime
from app.notifications import mailbox, outbox
from app.notifications.channels.base import CHANNELS, Channel, Message, Missing, Target
from app.notifications.channels.discord import DiscordChannel
from app.notifications.channels.email import EmailChannel
from app.notifications.channels.in_app import InAppChannel
from app.notifications.channels.sms import SmsChannel
from app.notifications.channels.telegram import TelegramChannel
from app.notifications.channels.webhook import WebhookChannel
from app.notifications.dispatcher import Dispatcher
from app.notifications.models import Notification
from app.notifications.schemas import (
    ChannelsOut,
    ChannelStatus,
    Delivery,
    EmailSetup,
    MailboxPage,
    Notice,
    NotificationOut,
    NotificationPage,
)
from app.users import service as user_service
from app.users.service import User


@dataclass
class Notifier:
    runtime: Runtime
    http: httpx.AsyncClient
    channels: dict[str, Channel]
    dispatcher: Dispatcher

    async def close(self) -> None:
        await self.dispatcher.stop()
        await self.http.aclose()


async def start_notifier(runtime: Runtime, transport: httpx.AsyncBaseTransport | None = None) -> Notifier:
    settings = runtime.settings
    http = httpx.AsyncClient(timeout=settings.http_timeout_seconds, transport=transport)
    channels: dict[str, Channel] = {
        "EMAIL": EmailChannel(settings),
        "SMS": SmsChannel(settings, http),
        "DISCORD": DiscordChannel(settings, http),
        "TELEGRAM": TelegramChannel(settings, http),
        "WEBHOOK": WebhookChannel(settings, http),
        "IN_APP": InAppChannel(runtime),
    }
    dispatcher = Dispatcher(runtime, channels)
    await dispatcher.start()
    return Notifier(runtime, http, channels, dispatcher)


def missing(notifier: Notifier, user: User, channel: str) -> str | None:
    """What `channel` still needs before it can reach `user`, and where to set it; None when it can."""
    settings = user_service.channel_settings(user, settings=notifier.runtime.settings)
    target = notifier.channels[channel].target(settings)
    return target.reason if isinstance(target, Missing) else None


def channels_status(notifier: Notifier, user: User) -> ChannelsOut:
    """Each channel's readiness for the user, and where EMAIL goes and how."""
    settings = user_service.channel_settings(user, settings=notifier.runtime.settings)
    statuses = []
    for name in CHANNELS:
        target = notifier.channels[name].target(settings)
        reason = target.reason if isinstance(target, Missing) else None
        statuses.append(ChannelStatus(channel=name, ready=reason is None, missing=reason))
    email = notifier.channels["EMAIL"].target(settings)
    smtp = bool(notifier.runtime.settings.smtp_host)
    return ChannelsOut(
        channels=statuses,
        email=EmailSetup(
            address=email.address if isinstance(email, Target) else None,
            address_source="PREFERENCES" if settings.get("email") else "ACCOUNT",
            smtp_configured=smtp,
            transport="SMTP" if smtp else "LOCAL_MAILBOX",
        ),
    )


async def mailbox_page(settings: Settings, user_id: int, offset: int, limit: int) -> MailboxPage:
    """The user's local mailbox (EMAIL kept on the server when it has no SMTP host), newest first."""
    directory = mailbox.path_of(settings.resolved_mail_dir, user_id)
    return await asyncio.to_thread(mailbox.page, directory, offset, limit)


async def send_test(session: AsyncSession, notifier: Notifier, user: User, channel: str) -> NotificationOut:
    """Queue a test message on one of the user's channels; 422 naming `channel` when it cannot be used."""
    name = channel.upper()
    implementation = notifier.channels.get(name)
    if implementation is None:
        raise AppError(
            ErrorCode.VALIDATION_ERROR,
            f"Unknown channel {channel}; use one of {', '.join(CHANNELS)}",
            field="channel",
        )
    target = implementation.target(user_service.channel_settings(user, settings=notifier.runtime.settings))
    if isinstance(target, Missing):
        raise AppError(ErrorCode.VALIDATION_ERROR, target.reason, field="channel")
    message = Message(
        title="Test notification from Cryptomon",
        body=f"This is how your alerts will look on {name}.",
        fields={"Channel": name, "Sent": isoformat_z(utcnow())},
        url=notifier.runtime.settings.public_url,
        event={"type": "ALERT_TRIGGERED", "test": True, "timestamp": isoformat_z(utcnow())},
    )
    [row] = await outbox.enqueue(session, notifier.runtime.bus, user.id, [name], message)
    return _out(row)


async def list_notifications(
    session: AsyncSession, user_id: int, channel: str | None, status: str | None, limit: int
) -> NotificationPage:
    """The user's notifications, newest first, with the total that match."""
    query = select(Notification).where(Notification.user_id == user_id)
    if channel:
        query = query.where(Notification.channel == channel.upper())
    if status:
        query = query.where(Notification.status == status.upper())
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    rows = await session.scalars(query.order_by(Notification.id.desc()).limit(limit))
    return NotificationPage(notifications=[_out(row) for row in rows], total=int(total or 0))


async def enqueue_many(session: AsyncSession, bus: Bus, notices: list[Notice]) -> int:
    """Queue each notice on its channels in the caller's transaction; dispatchers wake after the commit."""
    return await outbox.enqueue_many(session, bus, notices)


async def send(
    session: AsyncSession, bus: Bus, user_id: int, channels: list[str], message: Message
) -> list[int]:
    """Queue `message` for the user on each channel in the caller's transaction; the outbox rows' ids."""
    return [row.id for row in await outbox.enqueue(session, bus, user_id, channels, message)]


async def deliveries(session: AsyncSession, notification_ids: list[int]) -> dict[int, Delivery]:
    """The notifications with these ids (those still kept), by id."""
    if not notification_ids:
        return {}
    rows = await session.scalars(select(Notification).where(Notification.id.in_(notification_ids)))
    return {row.id: _delivery(row) for row in rows}


def _delivery(row: Notification) -> Delivery:
    return Delivery(
        channel=row.channel,
        status=row.status,
        attempts=row.attempts,
        latency_ms=_latency_ms(row),
        last_error=row.last_error,
        detail=row.last_response,
    )


async def deliveries_of_triggers(session: AsyncSession, trigger_ids: list[str]) -> dict[str, list[Delivery]]:
    """Each alert trigger's notifications, one per channel, in the order they were queued."""
    found: dict[str, list[Delivery]] = defaultdict(list)
    if not trigger_ids:
        return found
    rows = await session.scalars(
        select(Notification).where(Notification.trigger_id.in_(trigger_ids)).order_by(Notification.id)
    )
    for row in rows:
        if row.trigger_id is not None:
            found[row.trigger_id].append(_delivery(row))
    return found


def _latency_ms(row: Notification) -> float | None:
    return (row.sent_at - row.created_at).total_seconds() * 1000 if row.sent_at else None


def _out(row: Notification) -> NotificationOut:
    latency = _latency_ms(row)
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
