"""EMAIL: one message, plain text with an HTML alternative, over SMTP (aiosmtplib) or, with no SMTP server
configured, into the user's local Maildir (mailbox.py)."""

from __future__ import annotations

import asyncio
import html
import logging
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import Any

import aiosmtplib

from app.config import Settings
from app.core import files
from app.core.clock import utcnow
from app.notifications import mailbox
from app.notifications.channels.base import Message, Missing, Outcome, RateLimit, Target, yours

log = logging.getLogger(__name__)
LOCAL_MAILBOX = "local mailbox — no SMTP server configured"


def compose(settings: Settings, to: str, message: Message, attached: bytes | None = None) -> EmailMessage:
    """The email for `message`: subject from the title (with the count of a grouped burst)."""
    email = EmailMessage()
    subject = message.title if message.grouped <= 1 else f"{message.title} (+{message.grouped - 1} more)"
    email["Subject"] = subject
    email["From"] = settings.smtp_from
    email["To"] = to
    email["Date"] = format_datetime(utcnow())
    # The sender's domain, not the host's: getfqdn() may wait on DNS.
    email["Message-ID"] = make_msgid("cryptomon", parseaddr(settings.smtp_from)[1].rpartition("@")[2] or None)
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
        message.html
        or f"<h2>{html.escape(subject)}</h2><p>{html.escape(message.body)}</p><table>{rows}</table>{link}",
        subtype="html",
    )
    if attached is not None and message.attachment is not None:
        maintype, _, subtype = message.attachment.content_type.partition(";")[0].partition("/")
        name = message.attachment.filename
        email.add_attachment(attached, maintype=maintype, subtype=subtype, filename=name)
    return email


async def attachment_of(settings: Settings, message: Message) -> bytes | None:
    """The attached file's bytes when it is within its size limit and still kept; else None (the url is in the
    message either way)."""
    attachment = message.attachment
    if attachment is None or attachment.size > attachment.max_bytes:
        return None
    try:
        return await files.store_for(settings).get(attachment.key)
    except FileNotFoundError:
        return None
    except Exception:  # the store is down: the message still goes, with its link
        log.warning("could not read attachment %s", attachment.key, exc_info=True)
        return None


class EmailChannel:
    name = "EMAIL"
    rate_limit = RateLimit(20, 60.0)  # per address: a mailbox, not a pager

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def target(self, channels: dict[str, Any]) -> Target | Missing:
        """`preferences.channels.email` when set, else the account's own address."""
        address = channels.get("email") or channels.get("account_email")
        if not address:
            return Missing("EMAIL needs " + yours("an address", "email", "Email"))
        user_id = channels.get("user_id")
        return Target(str(address), user_id=user_id if isinstance(user_id, int) else None)

    @property
    def smtp_configured(self) -> bool:
        return bool(self._settings.smtp_host)

    async def send(self, target: Target, message: Message) -> Outcome:
        if not self.smtp_configured:
            return await self._keep(target, message)
        return await self._smtp(target, message)

    async def _keep(self, target: Target, message: Message) -> Outcome:
        """Into the user's Maildir under the data directory (the web app's mailbox view reads it)."""
        if target.user_id is None:
            return Outcome.fail("no SMTP server configured, and no user to keep the message for")
        directory = mailbox.path_of(self._settings.resolved_mail_dir, target.user_id)
        email = compose(self._settings, target.address, message, await attachment_of(self._settings, message))
        try:
            key = await asyncio.to_thread(mailbox.deliver, directory, email)
        except OSError as exc:  # a full or read-only disk may recover
            return Outcome.retry(f"{LOCAL_MAILBOX}: {type(exc).__name__}: {exc}"[:300])
        return Outcome.ok(LOCAL_MAILBOX, provider_id=key[:100])

    async def _smtp(self, target: Target, message: Message) -> Outcome:
        settings = self._settings
        try:
            attached = await attachment_of(settings, message)
            _, reply = await aiosmtplib.send(
                compose(settings, target.address, message, attached),
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
