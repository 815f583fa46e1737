"""EMAIL: one message over SMTP (aiosmtplib), plain text with an HTML alternative."""

from __future__ import annotations

import html
from email.message import EmailMessage
from typing import Any

import aiosmtplib

from app.config import Settings
from app.notifications.channels.base import Message, Outcome, RateLimit, Target


def compose(settings: Settings, to: str, message: Message) -> EmailMessage:
    """The email for `message`: subject from the title (with the count of a grouped burst)."""
    email = EmailMessage()
    subject = message.title if message.grouped <= 1 else f"{message.title} (+{message.grouped - 1} more)"
    email["Subject"] = subject
    email["From"] = settings.smtp_from
    email["To"] = to
    lines = [message.body, "", *(f"{label}: {value}" for label, value in message.fields.items())]
    if message.url:
        lines += ["", message.url]
    email.set_content("\n".join(lines))
    rows = "".join(
        f"<tr><td>{html.escape(label)}</td><td><b>{html.escape(value)}</b></td></tr>"
        for label, value in message.fields.items()
    )
    link = f'<p><a href="{html.escape(message.url)}">Open in Cryptomon</a></p>' if message.url else ""
    email.add_alternative(
        f"<h2>{html.escape(subject)}</h2><p>{html.escape(message.body)}</p><table>{rows}</table>{link}",
        subtype="html",
    )
    return email


class EmailChannel:
    name = "EMAIL"
    rate_limit = RateLimit(20, 60.0)  # per address: a mailbox, not a pager

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def target(self, channels: dict[str, Any]) -> Target | None:
        address = channels.get("email")
        if not address or not self._settings.smtp_host:
            return None
        return Target(str(address))

    async def send(self, target: Target, message: Message) -> Outcome:
        settings = self._settings
        try:
            _, reply = await aiosmtplib.send(
                compose(settings, target.address, message),
                hostname=settings.smtp_host,
                port=settings.smtp_port,
                username=settings.smtp_username or None,
                password=settings.smtp_password or None,
                start_tls=settings.smtp_starttls,
                timeout=settings.http_timeout_seconds,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            refused = exc.recipients[0] if exc.recipients else None
            if refused is not None and refused.code < 500:
                return Outcome.retry(f"{refused.code} {refused.message}"[:300])
            return Outcome.fail(str(exc)[:300])
        except aiosmtplib.SMTPResponseException as exc:
            detail = f"{exc.code} {exc.message}"[:300]
            # 4xx is the server's "try again later"; 5xx is final (bad address, refused, too large).
            return Outcome.retry(detail) if exc.code < 500 else Outcome.fail(detail)
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            return Outcome.retry(f"{type(exc).__name__}: {exc}"[:300])
        return Outcome.ok(reply[:300])
