"""The SMS channel: a short text sent with Twilio's Messages API."""

from __future__ import annotations

from typing import Any

import httpx

from app.notifications.channels.base import (
    Message,
    Missing,
    Outcome,
    RateLimit,
    Target,
    needs,
    servers,
    yours,
)
from app.notifications.channels.render import Answer, HttpChannel, body_excerpt, clip, grouped_note, post

SMS_MAX = 320  # two concatenated segments at most: longer texts cost more and arrive split


class SmsChannel(HttpChannel):
    name: str = "SMS"
    rate_limit: RateLimit | None = RateLimit(1, 1.0)  # per phone number

    def _account(self) -> tuple[str, str, str] | None:
        """(account SID, auth token, from number), or None when Twilio is not configured."""
        s = self._settings
        if s.twilio_account_sid and s.twilio_auth_token and s.twilio_from_number:
            return s.twilio_account_sid, s.twilio_auth_token, s.twilio_from_number
        return None

    def target(self, channels: dict[str, Any]) -> Target | Missing:
        phone = str(channels.get("phone") or "").strip()
        s = self._settings
        unset = [
            f"CRYPTOMON_TWILIO_{name.upper()}"
            for name, value in (
                ("account_sid", s.twilio_account_sid),
                ("auth_token", s.twilio_auth_token),
                ("from_number", s.twilio_from_number),
            )
            if not value
        ]
        missing = needs(
            self.name,
            [
                *([] if phone else [yours("your phone number", "phone", "Phone (SMS)")]),
                *([servers("the server's Twilio account", unset)] if unset else []),
            ],
        )
        return missing or Target(phone)

    async def send(self, target: Target, message: Message) -> Outcome:
        account = self._account()
        if account is None:
            return Outcome.fail("SMS is not configured (Twilio account SID, auth token, from number)")
        sid, token, sender = account
        return await post(
            self._http,
            f"{self._settings.twilio_api_url.rstrip('/')}/2010-04-01/Accounts/{sid}/Messages.json",
            _read,
            timeout=self._settings.http_timeout_seconds,
            data={"To": target.address, "From": sender, "Body": text(message)},
            auth=(sid, token),
            secrets=[token],
        )


def text(message: Message) -> str:
    """Title (with the grouped count), the price line, and the link, within 320 characters; the link is
    kept whole so it stays usable, the words before it give way."""
    note = grouped_note(message)
    title = f"{message.title} ({note})" if note else message.title
    head = "\n".join(line for line in (title, price_line(message)) if line)
    if not message.url:
        return clip(head, SMS_MAX)
    return clip(f"{clip(head, SMS_MAX - len(message.url) - 1)}\n{message.url}", SMS_MAX)


def price_line(message: Message) -> str:
    """The first field whose label mentions a price ("Price: 50,123.40 USD"), else the body."""
    for label, value in message.fields.items():
        if "price" in label.lower():
            return f"{label}: {value}"
    return message.body


def _read(response: httpx.Response, data: dict[str, Any]) -> Answer:
    """A Message resource on success ("201 queued SM..."); errors are `{"code", "message", "status"}`."""
    if response.is_success:
        sid = data.get("sid")
        return Answer(f"{data.get('status') or 'accepted'} {sid or ''}".strip(), str(sid) if sid else None)
    code, text = data.get("code"), data.get("message")
    summary = f"{code} {text}" if code and text else text or body_excerpt(response)
    return Answer(str(summary))
