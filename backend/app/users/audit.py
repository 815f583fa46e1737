"""The audit log: security events of an account (sign-ins, 2FA, keys, sessions, roles, moderation)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.clock import utcnow
from app.core.db import Database
from app.users.models import AuditEvent


class AuditAction(StrEnum):
    SIGNIN_SUCCESS = "signin.success"
    SIGNIN_FAILURE = "signin.failure"
    SIGNIN_TWO_FACTOR_FAILURE = "signin.two_factor_failure"
    PASSWORD_CHANGED = "password.changed"
    EMAIL_CHANGED = "email.changed"
    TWO_FACTOR_ENABLED = "two_factor.enabled"
    TWO_FACTOR_DISABLED = "two_factor.disabled"
    RECOVERY_CODES_REGENERATED = "two_factor.recovery_codes_regenerated"
    RECOVERY_CODE_USED = "two_factor.recovery_code_used"
    API_KEY_CREATED = "api_key.created"
    API_KEY_REVOKED = "api_key.revoked"
    SESSION_ENDED = "session.ended"
    SIGNED_OUT_EVERYWHERE = "session.ended_all"
    ROLE_CHANGED = "role.changed"
    MODERATION_ACTION = "moderation.action"
    SECURITY_POLICY_CHANGED = "security_policy.changed"


@dataclass(frozen=True)
class Origin:
    """Where a request came from, as the audit log keeps it."""

    ip: str | None = None
    user_agent: str | None = None


def _event(
    action: AuditAction,
    user_id: int | None,
    actor_id: int | None,
    origin: Origin | None,
    details: dict[str, Any] | None,
) -> AuditEvent:
    origin = origin or Origin()
    return AuditEvent(
        user_id=user_id,
        actor_id=actor_id,
        action=action.value,
        ip=origin.ip,
        user_agent=(origin.user_agent or "")[:300] or None,
        details=details or {},
        created_at=utcnow(),
    )


def record(
    session: AsyncSession,
    action: AuditAction,
    *,
    user_id: int | None,
    actor_id: int | None = None,
    origin: Origin | None = None,
    details: dict[str, Any] | None = None,
    by_operator: bool = False,
) -> None:
    """Record an event in the caller's transaction: it is kept exactly when what it describes is. The actor
    is the account itself unless given; `by_operator`: nobody's account (the command line)."""
    actor = None if by_operator else actor_id if actor_id is not None else user_id
    session.add(_event(action, user_id, actor, origin, details))


async def record_now(
    db: Database,
    action: AuditAction,
    *,
    user_id: int | None,
    origin: Origin | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Record an event in a transaction of its own: for failures, whose request's transaction rolls back."""
    async with db.session() as session:
        session.add(_event(action, user_id, user_id, origin, details))


async def page(
    session: AsyncSession,
    *,
    user_id: int | None,
    action: str | None = None,
    before: int | None = None,
    limit: int = 50,
) -> list[AuditEvent]:
    """Events newest first: of `user_id`'s account or done by them (a moderator's actions), or of every
    account when it is None (administrators)."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if user_id is not None:
        query = query.where(or_(AuditEvent.user_id == user_id, AuditEvent.actor_id == user_id))
    if action is not None:
        query = query.where(AuditEvent.action == action)
    if before is not None:
        query = query.where(AuditEvent.id < before)
    return list(await session.scalars(query))


async def prune(session: AsyncSession, retention_days: int) -> int:
    """Delete events older than the retention; returns how many."""
    cutoff = utcnow() - timedelta(days=retention_days)
    result = await session.execute(delete(AuditEvent).where(AuditEvent.created_at < cutoff))
    return int(getattr(result, "rowcount", 0) or 0)
