"""Sign-in sessions: one row per sign-in (device, address, last seen); its tokens carry its id as `sid`."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.clock import utcnow
from app.users.audit import Origin
from app.users.models import User, UserSession

# `last_seen_at` is written at most this often per session: a write per request would be most of the load.
TOUCH_EVERY = timedelta(seconds=60)


def new_session_id() -> str:
    return uuid.uuid4().hex


def start(session: AsyncSession, user_id: int, origin: Origin, ttl_seconds: int) -> str:
    """A new session for a sign-in; `ttl_seconds` is its refresh token's lifetime."""
    now = utcnow()
    sid = new_session_id()
    session.add(
        UserSession(
            id=sid,
            user_id=user_id,
            user_agent=(origin.user_agent or "")[:300] or None,
            ip=origin.ip,
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(seconds=ttl_seconds),
        )
    )
    return sid


async def extend(session: AsyncSession, sid: str, ttl_seconds: int) -> None:
    """A refresh: the session lives as long as its newest refresh token."""
    now = utcnow()
    await session.execute(
        update(UserSession)
        .where(UserSession.id == sid)
        .values(last_seen_at=now, expires_at=now + timedelta(seconds=ttl_seconds))
    )


async def touch(session: AsyncSession, sid: str, last_seen: datetime | None) -> None:
    now = utcnow()
    if last_seen is None or now - last_seen >= TOUCH_EVERY:
        await session.execute(update(UserSession).where(UserSession.id == sid).values(last_seen_at=now))


async def end(session: AsyncSession, user_id: int, sid: str) -> bool:
    """End one of the user's sessions: its tokens are refused from now on. False: not theirs or not live."""
    ended = await session.execute(
        update(UserSession)
        .where(UserSession.id == sid, UserSession.user_id == user_id, UserSession.ended_at.is_(None))
        .values(ended_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return getattr(ended, "rowcount", 0) == 1


async def end_all(session: AsyncSession, user_id: int, keep: str | None = None) -> int:
    """End every live session of the user but `keep`; returns how many ended."""
    query = update(UserSession).where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
    if keep is not None:
        query = query.where(UserSession.id != keep)
    ended = await session.execute(
        query.values(ended_at=utcnow()).execution_options(synchronize_session=False)
    )
    return int(getattr(ended, "rowcount", 0) or 0)


async def live(session: AsyncSession, user_id: int) -> list[UserSession]:
    """The user's sessions that are neither ended nor past their last refresh token, last seen first."""
    rows = await session.scalars(
        select(UserSession)
        .where(
            UserSession.user_id == user_id,
            UserSession.ended_at.is_(None),
            UserSession.expires_at > utcnow(),
        )
        .order_by(UserSession.last_seen_at.desc())
    )
    return list(rows)


async def user_of(
    session: AsyncSession, user_id: int, sid: str | None
) -> tuple[User | None, bool, datetime | None]:
    """The token's user, whether its session is over (ended or unknown), when it was last seen; one query."""
    if sid is None:  # a token from before sessions had ids: only the token version can revoke it
        return await session.get(User, user_id), False, None
    joined = (UserSession.id == sid) & (UserSession.user_id == User.id)
    statement = (
        select(User, UserSession.id, UserSession.ended_at, UserSession.last_seen_at)
        .outerjoin(UserSession, joined)
        .where(User.id == user_id)
    )
    row = (await session.execute(statement)).first()
    if row is None:
        return None, False, None
    user, found, ended_at, last_seen = row
    return user, found is None or ended_at is not None, last_seen


async def prune(session: AsyncSession, older_than: timedelta) -> int:
    """Forget sessions that ended or expired more than `older_than` ago."""
    cutoff = utcnow() - older_than
    gone = await session.execute(
        delete(UserSession).where((UserSession.expires_at < cutoff) | (UserSession.ended_at < cutoff))
    )
    return int(getattr(gone, "rowcount", 0) or 0)
