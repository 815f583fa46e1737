"""Signed, expiring download links: whoever holds one may fetch the file without signing in, until it ends."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

from app.config import Settings
from app.core.errors import AppError, ErrorCode, not_found
from app.core.security import same_signature


def signature(settings: Settings, public_id: str, created_at: datetime, expires: int) -> str:
    """Over the id and the report's creation time: a number given again after a delete (core/numbering.py)
    belongs to another report, which the old link must not open."""
    key = settings.resolved_secret_key.encode()
    made = int(created_at.timestamp() * 1_000_000)
    return hmac.new(key, f"report:{public_id}:{made}:{expires}".encode(), hashlib.sha256).hexdigest()[:32]


def link(
    settings: Settings, public_id: str, created_at: datetime, now: datetime, removed_at: datetime | None
) -> tuple[str, datetime]:
    """The download path and when it stops working: `report_link_seconds` from now, or when the file goes."""
    until = now + timedelta(seconds=settings.report_link_seconds)
    if removed_at is not None:
        until = min(until, removed_at)
    expires = int(until.timestamp())
    sig = signature(settings, public_id, created_at, expires)
    path = f"/api/reports/{public_id}/download?expires={expires}&sig={sig}"
    return path, datetime.fromtimestamp(expires, UTC)


def absolute(settings: Settings, path: str) -> str:
    return settings.public_url.rstrip("/") + path


def check(
    settings: Settings, public_id: str, created_at: datetime, expires: int, sig: str, now: datetime
) -> None:
    """404 for a signature that does not match; 410 LINK_EXPIRED for a genuine link past its time."""
    if not same_signature(sig, signature(settings, public_id, created_at, expires)):
        raise not_found("Report", public_id)
    if now.timestamp() >= expires:
        raise AppError(
            ErrorCode.LINK_EXPIRED, "This download link has expired: open the report for a new one"
        )
