"""The notifications domain's public types: channel names, the channel-neutral message, a notice to send,
and what the routes and other domains read back (a notification, a delivery)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from pydantic import Field

from app.core.schemas import ApiModel, JsonObject, RequestModel, UtcDateTime

ChannelName = Literal["EMAIL", "SMS", "DISCORD", "TELEGRAM", "WEBHOOK", "IN_APP"]
CHANNELS: tuple[str, ...] = get_args(ChannelName)


@dataclass(frozen=True)
class Attachment:
    """A file kept in the file store (app.core.files), attached by EMAIL when it is at most `max_bytes`."""

    key: str
    filename: str
    content_type: str
    size: int
    max_bytes: int


@dataclass(frozen=True)
class Message:
    """What to tell the user, channel-neutral; each channel renders it (embed, SMS text, email, JSON)."""

    title: str  # "BTC-USD above 50,000"
    body: str  # one or two sentences
    fields: dict[str, str] = field(default_factory=dict)  # label -> value, in display order
    url: str | None = None  # where to see more, absolute when the server's public URL is known
    event: dict[str, Any] = field(default_factory=dict)  # the raw event (e.g. the ALERT_TRIGGERED frame)
    grouped: int = 1  # how many events this message stands for (storm control merges bursts)
    attachment: Attachment | None = None  # EMAIL only; the other channels send the url
    html: str | None = None  # EMAIL only: a whole HTML body (escaped by its maker) instead of the default one


@dataclass(frozen=True)
class Notice:
    """One message to one user on some channels, for `enqueue_many` (an alert's trigger, usually)."""

    user_id: int
    channels: list[str]
    message: Message
    alert_id: int | None = None
    trigger_id: str | None = None


class TestIn(RequestModel):
    channel: str


class NotificationOut(ApiModel):
    id: int
    channel: str
    status: str
    alert_id: int | None
    title: str
    attempts: int
    last_response: str | None
    last_error: str | None
    provider_id: str | None
    created_at: UtcDateTime
    sent_at: UtcDateTime | None
    next_attempt_at: UtcDateTime | None
    latency_ms: float | None
    # Free-form: the frame the message was made from (e.g. ALERT_TRIGGERED), whose fields depend on its type.
    event: JsonObject = Field(description="The event this notification tells of, as pushed on the WebSocket")


class NotificationPage(ApiModel):
    notifications: list[NotificationOut]
    total: int


class MailOut(ApiModel):
    """One message in the user's local mailbox, as a mail client would show it."""

    id: str = Field(description="The message's Maildir key")
    subject: str
    sender: str = Field(alias="from")
    to: str
    date: UtcDateTime | None = Field(description="The Date header, in UTC")
    text: str = Field(description="The plain-text body (clipped to 20,000 characters)")


class MailboxPage(ApiModel):
    messages: list[MailOut]
    total: int
    offset: int
    limit: int


class ChannelStatus(ApiModel):
    """Whether a channel can reach you now; if not, what is missing and where to set it."""

    channel: ChannelName
    ready: bool
    missing: str | None


class EmailSetup(ApiModel):
    """Where EMAIL goes and how it is sent."""

    address: str | None = Field(description="preferences.channels.email when set, else your account's email")
    address_source: Literal["PREFERENCES", "ACCOUNT"]
    smtp_configured: bool = Field(description="Whether the server has an SMTP host (CRYPTOMON_SMTP_HOST)")
    transport: Literal["SMTP", "LOCAL_MAILBOX"] = Field(
        description="LOCAL_MAILBOX: no SMTP server, mail is kept on the server and shown in the web app"
    )


class ChannelsOut(ApiModel):
    channels: list[ChannelStatus]
    email: EmailSetup


class Delivery(ApiModel):
    """One channel's delivery of a notification, as an alert's history shows it."""

    channel: str
    status: str
    attempts: int
    latency_ms: float | None = Field(description="From queued to delivered, in milliseconds")
    last_error: str | None
    detail: str | None = Field(
        description="The provider's last answer, e.g. 'local mailbox — no SMTP server configured'"
    )
