"""Which channel settings are secrets: sealed when stored, opened to deliver, masked when shown."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.core.runtime import Runtime
from app.core.secret_box import SecretBox, UnreadableSecret, secret_box
from app.users import two_factor_flow
from app.users.models import User

log = logging.getLogger(__name__)

# `email` stays plain: it is the user's own address, shown to them and needed to send mail.
SECRET_CHANNELS = frozenset({"phone", "discordWebhook", "telegramChatId", "webhookUrl", "webhookSecret"})
URL_CHANNELS = frozenset({"discordWebhook", "webhookUrl"})
MASK = "…"
PAGE = 500

# Settings are resolved to a box only when a value is sealed or opened: a deployment without a key works
# until it stores a secret.
BoxSource = SecretBox | Settings


def _box(source: BoxSource) -> SecretBox:
    return source if isinstance(source, SecretBox) else secret_box(source)


def is_masked(value: object) -> bool:
    """A value as `masked` shows it ("…abcd", "https://host/…abcd"); sent back it means "unchanged"."""
    return isinstance(value, str) and MASK in value


def masked(key: str, value: object) -> str | None:
    """A channel setting as the API shows it: a secret by its last four characters (a URL also by its host).

    >>> masked("webhookSecret", "s3cret-s3cret-9f2a"), masked("email", "a@example.com")
    ('…9f2a', 'a@example.com')
    >>> masked("discordWebhook", "https://discord.com/api/webhooks/1/token"), masked("phone", "+123456")
    ('https://discord.com/…oken', '…')
    """
    if value is None:
        return None
    text = str(value)
    if key not in SECRET_CHANNELS:
        return text
    tail = MASK + text[-4:] if len(text) > 8 else MASK  # of a short value four characters are most of it
    if key in URL_CHANNELS:
        parts = urlsplit(text)
        host = parts.netloc.rpartition("@")[2]  # never a user:password
        if parts.scheme and host:
            return f"{parts.scheme}://{host}/{tail}"
    return tail


def open_channels(channels: dict[str, Any], box: BoxSource) -> dict[str, Any]:
    """The channel settings as the user set them; a value that no key opens reads as unset (and is logged)."""
    opened = dict(channels)
    for key, value in channels.items():
        if SecretBox.is_sealed(value):
            try:
                opened[key] = _box(box).open(value)
            except UnreadableSecret:
                log.warning("the channel setting %s does not open with CRYPTOMON_SECRETS_KEY", key)
                opened[key] = None
    return opened


def set_aside_sealed(prefs: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Stored preferences without their sealed channel values, and those values: they were validated when
    they were stored and cannot be validated sealed."""
    channels = prefs.get("channels") or {}
    sealed = {key: value for key, value in channels.items() if SecretBox.is_sealed(value)}
    plain = {key: value for key, value in channels.items() if key not in sealed}
    return {**prefs, "channels": plain}, sealed


def seal_channels(prefs: dict[str, Any], box: BoxSource) -> dict[str, Any]:
    """Stored preferences with every secret channel value sealed with the first key (plain ones sealed,
    those of an older key sealed again); a value no key opens is kept as it is: a wrong key loses nothing."""
    if not isinstance(prefs.get("channels"), dict):
        return prefs
    channels = dict(prefs["channels"])
    for key in SECRET_CHANNELS:
        value = channels.get(key)
        if isinstance(value, str) and value:
            try:
                channels[key] = _box(box).reseal(value)
            except UnreadableSecret:
                log.warning("the channel setting %s does not open with CRYPTOMON_SECRETS_KEY", key)
    return {**prefs, "channels": channels}


async def seal_stored_channel_secrets(session: AsyncSession, box: BoxSource) -> int:
    """Seal the secret channel values stored in plain text (from before they were sealed) or with a key that
    is no longer the first; returns how many accounts changed."""
    changed, after = 0, 0
    while True:
        rows = (
            await session.execute(
                select(User.id, User.preferences, User.updated_at)
                .where(User.id > after)
                .order_by(User.id)
                .limit(PAGE)
            )
        ).all()
        if not rows:
            return changed
        for user_id, prefs, updated_at in rows:
            sealed = seal_channels(prefs or {}, box)
            if sealed == (prefs or {}):
                continue
            # Not over a change saved since the read (it sealed its own values): the account is left as is.
            unchanged = User.updated_at.is_(None) if updated_at is None else User.updated_at == updated_at
            result = await session.execute(
                update(User)
                .where(User.id == user_id, unchanged)
                .values(preferences=sealed)
                .execution_options(synchronize_session=False)
            )
            changed += int(getattr(result, "rowcount", 0) or 0)
        after = rows[-1][0]


async def seal_at_start(runtime: Runtime) -> None:
    """Start-up: secrets stored in plain text, or under a key rotated out of first place, are sealed now."""
    try:
        async with runtime.db.session() as session:
            count = await seal_stored_channel_secrets(session, runtime.settings)
            totp = await two_factor_flow.reseal_totp_secrets(session, runtime.settings)
    except DBAPIError:  # the database may not be migrated yet; readiness reports it
        log.warning("could not seal the stored channel secrets", exc_info=True)
        return
    if count:
        log.info("sealed the channel secrets of %d accounts", count)
    if totp:
        log.info("sealed the two-factor secrets of %d accounts with the first key", totp)
