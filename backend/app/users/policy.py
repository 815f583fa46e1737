"""The site's security policy: whether moderators and admins must use two-factor sign-in."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.core.clock import utcnow
from app.core.db import after_commit
from app.users.models import Role, SiteSetting, User

REQUIRE_2FA_FOR_STAFF = "require_two_factor_for_staff"
STAFF_ROLES = frozenset({Role.MODERATOR, Role.ADMIN})
# How long a process keeps the policy it read: other API processes follow a change within this.
MEMO_SECONDS = 5.0


@dataclass(frozen=True)
class Policy:
    require_two_factor_for_staff: bool
    updated_at: datetime | None
    updated_by: int | None


async def read(session: AsyncSession) -> Policy:
    row = await session.get(SiteSetting, REQUIRE_2FA_FOR_STAFF)
    if row is None:
        return Policy(False, None, None)
    return Policy(bool(row.value), row.updated_at, row.updated_by)


# Per database (tests run several apps, each with its own database, in one process).
_memo: dict[str, tuple[float, Policy]] = {}


def _memo_key(settings: Settings) -> str:
    return f"{settings.resolved_database_url}#{settings.namespace}"


async def cached(session: AsyncSession, settings: Settings) -> Policy:
    """The policy, read at most every MEMO_SECONDS per process (it is consulted on every sign-in check)."""
    key = _memo_key(settings)
    memo = _memo.get(key)
    if memo is not None and memo[0] > time.monotonic():
        return memo[1]
    policy = await read(session)
    _memo[key] = (time.monotonic() + MEMO_SECONDS, policy)
    return policy


async def write(session: AsyncSession, settings: Settings, admin: User, require: bool) -> Policy:
    row = await session.get(SiteSetting, REQUIRE_2FA_FOR_STAFF)
    now = utcnow()
    if row is None:
        row = SiteSetting(key=REQUIRE_2FA_FOR_STAFF, value=require, updated_at=now, updated_by=admin.id)
        session.add(row)
    else:
        row.value, row.updated_at, row.updated_by = require, now, admin.id
    key = _memo_key(settings)
    _memo.pop(key, None)

    async def forget() -> None:  # again once committed: a read that raced the change is not kept
        _memo.pop(key, None)

    after_commit(session, forget)
    return Policy(require, now, admin.id)


def needs_two_factor(user: User, policy: Policy) -> bool:
    """Staff whose role's powers are held back until they turn 2FA on."""
    return (
        policy.require_two_factor_for_staff
        and user.stored_role in STAFF_ROLES
        and not user.two_factor_enabled
    )


def apply(user: User, policy: Policy) -> User:
    """Mark the loaded row so `user.role` is the role in force for this request (never stored)."""
    user.staff_locked = needs_two_factor(user, policy)
    return user
