"""The webhook channel: a signed JSON POST to the user's own URL.

Every request carries two headers:

    X-Cryptomon-Timestamp: 1763035200
    X-Cryptomon-Signature: sha256=<hex>

where `<hex>` is HMAC-SHA256, keyed with the webhook secret from your preferences, over the bytes
`b"<timestamp>." + <raw request body>` (the timestamp header's value, a dot, then the body exactly as
received: verify before parsing the JSON). Compare in constant time, and reject timestamps older than a few
minutes so a captured request cannot be replayed. `verify_signature` below does both, as a receiver would:

    verify_signature(secret, request.headers["X-Cryptomon-Timestamp"], raw_body,
                     request.headers["X-Cryptomon-Signature"], max_age_seconds=300)

The body is `{"type", "title", "body", "fields", "url", "grouped", "event", "sentAt"}`: `type` is the event's
type (e.g. ALERT_TRIGGERED), `event` the event itself, `grouped` how many events this message stands for.
Answer with any 2xx; 429 (with Retry-After), 408 and 5xx are retried later, any other status is final.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any

import httpx
import orjson

from app.core.clock import isoformat_z, utcnow
from app.notifications.channels.base import Message, Missing, Outcome, RateLimit, Target, needs, yours
from app.notifications.channels.render import Answer, HttpChannel, body_excerpt, post

TIMESTAMP_HEADER = "X-Cryptomon-Timestamp"
SIGNATURE_HEADER = "X-Cryptomon-Signature"


class WebhookChannel(HttpChannel):
    name: str = "WEBHOOK"
    rate_limit: RateLimit | None = None

    def target(self, channels: dict[str, Any]) -> Target | Missing:
        url = str(channels.get("webhook_url") or "").strip()
        secret = str(channels.get("webhook_secret") or "")
        missing = needs(  # an unsigned webhook is never sent
            self.name,
            [
                *([] if url else [yours("your receiver's URL", "webhookUrl", "Webhook URL")]),
                *([] if secret else [yours("a signing secret", "webhookSecret", "Webhook secret")]),
            ],
        )
        return missing or Target(url, secret)

    async def send(self, target: Target, message: Message) -> Outcome:
        if not target.secret:
            return Outcome.fail("webhook has no signing secret")
        now = utcnow()
        body = orjson.dumps(payload(message, isoformat_z(now)), default=str)
        timestamp = str(int(now.timestamp()))
        return await post(
            self._http,
            target.address,
            _read,
            timeout=self._settings.webhook_timeout_seconds,
            public_only=not self._settings.allow_private_targets,
            content=body,
            headers={
                "Content-Type": "application/json",
                TIMESTAMP_HEADER: timestamp,
                SIGNATURE_HEADER: signature(target.secret, timestamp, body),
            },
            secrets=[target.address, target.secret],
        )


def payload(message: Message, sent_at: str) -> dict[str, Any]:
    return {
        "type": message.event.get("type", "NOTIFICATION"),
        "title": message.title,
        "body": message.body,
        "fields": message.fields,
        "url": message.url,
        "grouped": message.grouped,
        "event": message.event,
        "sentAt": sent_at,
    }


def signature(secret: str, timestamp: str | int, body: bytes) -> str:
    """The X-Cryptomon-Signature value: `sha256=` and the hex HMAC-SHA256 of `b"<timestamp>." + body`."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def verify_signature(
    secret: str,
    timestamp: str | int,
    body: bytes,
    header: str,
    *,
    max_age_seconds: float | None = None,
    now: float | None = None,
) -> bool:
    """Whether `header` signs `timestamp` and `body` with `secret` (constant-time); with `max_age_seconds`,
    also whether the timestamp is that recent (`now`: Unix seconds, default the current time)."""
    if not hmac.compare_digest(signature(secret, timestamp, body).encode(), header.encode()):
        return False
    if max_age_seconds is None:
        return True
    try:
        age = (time.time() if now is None else now) - int(timestamp)
    except ValueError:
        return False
    return abs(age) <= max_age_seconds


def _read(response: httpx.Response, data: dict[str, Any]) -> Answer:
    """Receivers answer anything; the start of the body is kept as the summary."""
    return Answer(body_excerpt(response, 120))
