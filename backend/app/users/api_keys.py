"""API keys: long-lived secrets for machines, stored as hashes, limited to scopes, revocable, may expire."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.core.clock import utcnow
from app.core.errors import AppError, ErrorCode, not_found
from app.core.security import same_signature
from app.users import audit, policy
from app.users.audit import AuditAction, Origin
from app.users.key_scopes import CATALOGUE
from app.users.models import ApiKey, Role, User

KEY_PREFIX = "cmk_"
MAX_LIFETIME = timedelta(days=365)
# Marking a key used costs a write: once a minute is precise enough for "last used".
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _invalid() -> AppError:
    return AppError(ErrorCode.INVALID_TOKEN, "API key is unknown, revoked or expired")


def _check_scopes(user: User, scopes: list[str]) -> None:
    if not scopes:
        raise AppError(ErrorCode.VALIDATION_ERROR, "Give the key at least one scope", field="scopes")
    unknown = sorted(set(scopes) - set(CATALOGUE))
    if unknown:
        raise AppError(
            ErrorCode.VALIDATION_ERROR,
            f"Unknown scope {unknown[0]}; use one of {', '.join(CATALOGUE)}",
            field="scopes",
        )
    for scope in sorted(set(scopes)):
        if CATALOGUE[scope].admin_only and user.role != Role.ADMIN:
            raise AppError(
                ErrorCode.FORBIDDEN,
                f"Only administrators may create keys with the {scope} scope",
                field="scopes",
            )


def _check_expiry(expires_at: datetime | None) -> None:
    if expires_at is None:
        return
    now = utcnow()
    if expires_at <= now:
        raise AppError(ErrorCode.VALIDATION_ERROR, "expiresAt must be in the future", field="expiresAt")
    if expires_at > now + MAX_LIFETIME:
        raise AppError(
            ErrorCode.VALIDATION_ERROR, "expiresAt must be at most 365 days from now", field="expiresAt"
        )


def _audit_details(key: ApiKey) -> dict[str, Any]:
    return {"keyId": key.id, "name": key.name, "prefix": key.prefix, "scopes": list(key.scopes)}


async def create(
    session: AsyncSession,
    user: User,
    name: str,
    scopes: list[str],
    expires_at: datetime | None = None,
    origin: Origin | None = None,
) -> tuple[ApiKey, str]:
    """A new key; the full secret is returned once and only its hash is kept."""
    _check_scopes(user, scopes)
    _check_expiry(expires_at)
    prefix = secrets.token_hex(6)
    secret = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey(
        user_id=user.id,
        name=name,
        prefix=prefix,
        key_hash=_digest(secret),
        scopes=sorted(set(scopes)),
        created_at=utcnow(),
        expires_at=expires_at,
    )
    session.add(key)
    await session.flush()
    details = _audit_details(key)
    audit.record(session, AuditAction.API_KEY_CREATED, user_id=user.id, origin=origin, details=details)
    return key, secret


async def list_for(session: AsyncSession, user: User) -> list[ApiKey]:
    return list(await session.scalars(select(ApiKey).where(ApiKey.user_id == user.id).order_by(ApiKey.id)))


async def revoke(session: AsyncSession, user: User, key_id: int, origin: Origin | None = None) -> ApiKey:
    key = await session.get(ApiKey, key_id)
    if key is None or key.user_id != user.id:
        raise not_found("API key", key_id)
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        details = _audit_details(key)
        audit.record(session, AuditAction.API_KEY_REVOKED, user_id=user.id, origin=origin, details=details)
    return key


async def authenticate(session: AsyncSession, secret: str, scope: str, *, settings: Settings) -> User:
    """The owner of a live key that has `scope`, with the role in force (users.policy); 401 for an unknown,
    revoked or expired key, 403 without the scope."""
    parts = secret.removeprefix(KEY_PREFIX).split("_", 1)
    key = await session.scalar(select(ApiKey).where(ApiKey.prefix == parts[0])) if len(parts) == 2 else None
    now = utcnow()
    if key is None or key.revoked_at is not None or not same_signature(key.key_hash, _digest(secret)):
        raise _invalid()
    if key.expires_at is not None and key.expires_at <= now:
        raise _invalid()
    if scope not in key.scopes:
        raise AppError(ErrorCode.FORBIDDEN, f"This API key lacks the {scope} scope", field="scope")
    user = await session.get(User, key.user_id)
    if user is None:
        raise _invalid()
    policy.apply(user, await policy.cached(session, settings))
    known = CATALOGUE.get(scope)
    if known is not None and known.admin_only and user.role != Role.ADMIN:
        # The key's owner lost the admin role: the key loses what only admins may do.
        raise AppError(ErrorCode.FORBIDDEN, f"The owner of this key may no longer use the {scope} scope")
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
        key.last_used_at = now
    return user
