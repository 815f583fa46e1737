"""API keys: long-lived secrets for machines, stored as hashes, limited to scopes, revocable."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.clock import utcnow
from app.core.errors import AppError, ErrorCode, not_found
from app.core.security import same_signature
from app.users.models import ApiKey, Role, User

SCOPES = ("ingest",)
KEY_PREFIX = "cmk_"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# Scopes that write data every user sees, so only administrators may hold them.
ADMIN_SCOPES = frozenset({"ingest"})


async def create(session: AsyncSession, user: User, name: str, scopes: list[str]) -> tuple[ApiKey, str]:
    """A new key; the full secret is returned once and only its hash is kept."""
    if ADMIN_SCOPES & set(scopes) and user.role != Role.ADMIN:
        raise AppError(
            ErrorCode.FORBIDDEN, "Only administrators may create keys with the ingest scope", field="scopes"
        )
    prefix = secrets.token_hex(6)
    secret = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey(
        user_id=user.id,
        name=name,
        prefix=prefix,
        key_hash=_digest(secret),
        scopes=sorted(set(scopes)),
        created_at=utcnow(),
    )
    session.add(key)
    await session.flush()
    return key, secret


async def list_for(session: AsyncSession, user: User) -> list[ApiKey]:
    return list(await session.scalars(select(ApiKey).where(ApiKey.user_id == user.id).order_by(ApiKey.id)))


async def revoke(session: AsyncSession, user: User, key_id: int) -> ApiKey:
    key = await session.get(ApiKey, key_id)
    if key is None or key.user_id != user.id:
        raise not_found("API key", key_id)
    key.revoked_at = key.revoked_at or utcnow()
    return key


async def authenticate(session: AsyncSession, secret: str, scope: str) -> User:
    """The owner of a live key that has `scope`; 401 for an unknown or revoked key, 403 without the scope."""
    parts = secret.removeprefix(KEY_PREFIX).split("_", 1)
    key = await session.scalar(select(ApiKey).where(ApiKey.prefix == parts[0])) if len(parts) == 2 else None
    if key is None or key.revoked_at is not None or not same_signature(key.key_hash, _digest(secret)):
        raise AppError(ErrorCode.INVALID_TOKEN, "API key is unknown or revoked")
    if scope not in key.scopes:
        raise AppError(ErrorCode.FORBIDDEN, f"API key lacks the {scope} scope")
    user = await session.get(User, key.user_id)
    if user is None:
        raise AppError(ErrorCode.INVALID_TOKEN, "API key is unknown or revoked")
    if scope in ADMIN_SCOPES and user.role != Role.ADMIN:
        # The key's owner lost the admin role: the key loses what only admins may do.
        raise AppError(ErrorCode.FORBIDDEN, f"The owner of this key may no longer use the {scope} scope")
    key.last_used_at = utcnow()
    return user
