"""Rows written the way an older schema takes them, for the migration tests."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.users.models import User


async def old_user_id(session: AsyncSession, created_at: datetime) -> int:
    """A user inserted with the columns every schema since 0001 has: the ORM model has columns added later
    (two-factor sign-in, 0021) that an old database does not."""
    users = User.__table__
    statement = insert(users).values(
        email="old@example.com",
        password_hash="x",
        role="USER",
        preferences={},
        token_version=0,
        created_at=created_at,
    )
    result = await session.execute(statement.returning(users.c.id))
    return int(result.scalar_one())
