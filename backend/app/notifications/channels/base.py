"""The one interface every notification channel implements, and what a delivery attempt tells the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from app.notifications.schemas import CHANNELS, ChannelName, Message

__all__ = ["CHANNELS", "Channel", "ChannelName", "Message", "Missing", "Outcome", "RateLimit", "Target"]


@dataclass(frozen=True)
class Outcome:
    """One attempt's result. `retryable` failures are tried again later (after `retry_after` seconds when
    the provider said so); the others are final. `detail` is the provider's answer, kept on the row."""

    delivered: bool
    retryable: bool = False
    retry_after: float | None = None
    detail: str = ""
    provider_id: str | None = None

    @classmethod
    def ok(cls, detail: str = "", provider_id: str | None = None) -> Outcome:
        return cls(True, detail=detail, provider_id=provider_id)

    @classmethod
    def retry(cls, detail: str, retry_after: float | None = None) -> Outcome:
        return cls(False, retryable=True, retry_after=retry_after, detail=detail)

    @classmethod
    def fail(cls, detail: str) -> Outcome:
        return cls(False, detail=detail)


@dataclass(frozen=True)
class RateLimit:
    """At most `count` sends per `seconds` per target (e.g. Discord: 5 per 5 s per webhook)."""

    count: int
    seconds: float


@dataclass(frozen=True)
class Target:
    """Where one user's messages go on a channel: an address (email, E.164 phone, webhook URL, chat id) and,
    for signed webhooks, the user's secret."""

    address: str
    secret: str | None = None
    user_id: int | None = None  # whose it is, for channels that keep messages per user (the local mailbox)


@dataclass(frozen=True)
class Missing:
    """Why a channel cannot reach a user yet: what exactly is missing and where to set it (a sentence the
    user reads; it never names a setting that is already set)."""

    reason: str


class Channel(Protocol):
    """A way to reach a user. `target` reads where to from the user's channel settings (the `channels`
    object of their preferences, plus `user_id` and `account_email`) or says what is missing; `send` makes
    exactly one attempt, never raises for a provider's failure or a network error, and never retries itself:
    the outbox owns retries, backoff and rate limits (per `rate_key`)."""

    @property
    def name(self) -> str:
        """EMAIL | SMS | DISCORD | TELEGRAM | WEBHOOK | IN_APP"""
        ...

    @property
    def rate_limit(self) -> RateLimit | None: ...

    def target(self, channels: dict[str, Any]) -> Target | Missing: ...

    async def send(self, target: Target, message: Message) -> Outcome: ...


SETTINGS_SCREEN = "Settings → Notification channels"


def yours(what: str, key: str, label: str) -> str:
    """A missing part the user sets: their `preferences.channels.<key>`, the field `label` in Settings."""
    return f"{what}: set preferences.channels.{key} ({SETTINGS_SCREEN} → {label})"


def servers(what: str, variables: list[str]) -> str:
    """A missing part the server's operator sets, naming only the variables that are not set."""
    names = ", ".join(variables[:-1]) + " and " + variables[-1] if len(variables) > 1 else variables[0]
    return f"{what}: whoever runs the server sets {names}"


def needs(channel: str, parts: list[str]) -> Missing | None:
    """`Missing` naming every part still missing (None: nothing is)."""
    return Missing(f"{channel} needs {'; and '.join(parts)}") if parts else None
