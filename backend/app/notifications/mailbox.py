"""The local mailboxes: with no SMTP server, EMAIL is delivered to a standard Maildir per user on disk."""

from __future__ import annotations

import mailbox
import os
import re
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path

from app.notifications.schemas import MailboxPage, MailOut

TEXT_MAX = 20_000  # characters of a message's text in a listing; a mailbox may hold mail from other tools
# Python's Maildir names: "<seconds>.M<microseconds>P<pid>Q<count>.<host>"; other tools' start "<seconds>.".
_NAME = re.compile(r"^(\d+)\.(?:M(\d+)P\d+Q(\d+))?")


def path_of(root: Path, user_id: int) -> Path:
    """The user's Maildir: `<root>/user-<id>` (cur/, new/, tmp/), opened as is by mutt or Thunderbird."""
    return root / f"user-{user_id}"


def deliver(directory: Path, message: EmailMessage) -> str:
    """Store `message` in the Maildir (created when missing) and return its key once it is on disk: the
    file and the directory entry are synced, since the outbox marks it delivered right after."""
    directory.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = mailbox.Maildir(directory, create=True).add(message)
    stored = directory / "new" / key  # Maildir.add writes to tmp/, then moves it into new/ under its key
    _sync(stored, os.O_RDONLY)
    _sync(stored.parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    return key


def _sync(path: Path, flags: int) -> None:
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def page(directory: Path, offset: int, limit: int) -> MailboxPage:
    """Messages `offset` to `offset + limit`, newest first (by delivery order, from the Maildir names),
    and how many there are."""
    if not (directory / "cur").is_dir():
        return MailboxPage(messages=[], total=0, offset=offset, limit=limit)
    box = mailbox.Maildir(directory, create=False)
    keys = sorted(box.keys(), key=_order, reverse=True)
    messages = []
    for key in keys[offset : offset + limit]:
        try:
            data = box.get_bytes(key)
        except (KeyError, FileNotFoundError):  # moved or deleted by a mail client meanwhile
            continue
        messages.append(_out(key, BytesParser(policy=policy.default).parsebytes(data)))
    return MailboxPage(messages=messages, total=len(keys), offset=offset, limit=limit)


def _order(key: str) -> tuple[int, int, int, str]:
    match = _NAME.match(key)
    if match is None:
        return (0, 0, 0, key)
    seconds, micro, count = match.groups()
    return (int(seconds), int(micro or 0), int(count or 0), key)


def _out(key: str, message: EmailMessage) -> MailOut:
    body = message.get_body(preferencelist=("plain", "html"))
    text = body.get_content() if isinstance(body, EmailMessage) else ""
    return MailOut(
        id=key,
        subject=str(message.get("Subject", "")),
        sender=str(message.get("From", "")),
        to=str(message.get("To", "")),
        date=_date(message.get("Date")),
        text=text[:TEXT_MAX],
    )


def _date(header: object) -> datetime | None:
    if header is None:
        return None
    try:
        parsed = parsedate_to_datetime(str(header))
    except (TypeError, ValueError):
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
