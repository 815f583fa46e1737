"""The notification system of one process: its channels, its dispatcher, and the use cases of the routes."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.clock import isoformat_z, utcnow
from app.core.errors import AppError, ErrorCode
from app.core.runtime import Runtime
from app.notifications import outbox
from app.notifications.channels.base import CHANNELS, Channel, Message
from app.notifications.channels.discord import DiscordChannel
from app.notifications.channels.email import EmailChannel
from app.notifications.channels.in_app import InAppChannel
from app.notifications.channels.sms import SmsChannel
from app.notifications.channels.telegram import TelegramChannel
from app.notifications.channels.webhook import WebhookChannel
from app.notifications.dispatcher import Dispatcher
from app.notifications.models import Notification
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


async def send_test(session: AsyncSession, notifier: Notifier, user: User, channel: str) -> Notification:
    """Queue a test message on one of the user's channels; 422 naming `channel` when it cannot be used."""
    name = channel.upper()
    implementation = notifier.channels.get(name)
    if implementation is None:
        raise AppError(
            ErrorCode.VALIDATION_ERROR,
            f"Unknown channel {channel}; use one of {', '.join(CHANNELS)}",
            field="channel",
        )
    if implementation.target(user_service.channel_settings(user)) is None:
        raise AppError(
            ErrorCode.VALIDATION_ERROR,
            f"{name} is not set up: add it to your preferences (or the server has no {name} provider)",
            field="channel",
        )
    message = Message(
        title="Test notification from Cryptomon",
        body=f"This is how your alerts will look on {name}.",
        fields={"Channel": name, "Sent": isoformat_z(utcnow())},
        url=notifier.runtime.settings.public_url,
        event={"type": "ALERT_TRIGGERED", "test": True, "timestamp": isoformat_z(utcnow())},
    )
    [row] = await outbox.enqueue(session, notifier.runtime.bus, user.id, [name], message)
    return row


async def list_notifications(
    session: AsyncSession, user_id: int, channel: str | None, status: str | None, limit: int
) -> tuple[list[Notification], int]:
    query = select(Notification).where(Notification.user_id == user_id)
    if channel:
        query = query.where(Notification.channel == channel.upper())
    if status:
        query = query.where(Notification.status == status.upper())
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    rows = await session.scalars(query.order_by(Notification.id.desc()).limit(limit))
    return list(rows), int(total or 0)
