"""Sign-in sessions: the tokens of one sign-in share a `sid`; signing out revokes that session alone."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.clock import utcnow
from app.core.db import conflict_insert
from app.users.models import RevokedSession, User


def new_session_id() -> str:
    return uuid.uuid4().hex


async def revoke(session: AsyncSession, user_id: int, sid: str, ttl_seconds: int) -> None:
    """Refuse every token of `sid` from now on; `ttl_seconds` is the longest a token of it can still live.

    The record is in the database, so it holds across restarts and API processes. Expired records are
    pruned here: signing out is rare, and the index on `expires_at` makes the sweep cheap."""
    now = utcnow()
    await session.execute(delete(RevokedSession).where(RevokedSession.expires_at < now))
    row = {"sid": sid, "user_id": user_id, "expires_at": now + timedelta(seconds=ttl_seconds)}
    # Two sign-outs of one session at once (two tabs) both succeed.
    await session.execute(
        conflict_insert(session, RevokedSession).values(row).on_conflict_do_nothing(index_elements=["sid"])
    )


async def user_of(session: AsyncSession, user_id: int, sid: str | None) -> tuple[User | None, bool]:
    """The token's user and whether its session was signed out, in one query."""
    if sid is None:  # a token from before sessions had ids: only the token version can revoke it
        return await session.get(User, user_id), False
    joined = (RevokedSession.sid == sid) & (RevokedSession.user_id == User.id)
    statement = select(User, RevokedSession.sid).outerjoin(RevokedSession, joined).where(User.id == user_id)
    row = (await session.execute(statement)).first()
    return (None, False) if row is None else (row[0], row[1] is not None)
