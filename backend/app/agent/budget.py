"""Each user's daily allowance of questions and model tokens (UTC days), counted in agent_usage."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from app.agent.models import Usage
from app.config import Settings
from app.core.db import conflict_insert
from app.core.errors import AppError, ErrorCode


async def used(session: AsyncSession, user_id: int, day: date) -> tuple[int, int]:
    """Questions asked and tokens spent on `day`."""
    row = await session.get(Usage, (user_id, day))
    return (row.requests, row.tokens) if row is not None else (0, 0)


def resets_at(now: datetime) -> datetime:
    return datetime.combine(now.date() + timedelta(days=1), time(), tzinfo=now.tzinfo)


async def take_request(session: AsyncSession, settings: Settings, user_id: int, now: datetime) -> int:
    """Count one question, or refuse it (429) when the day's questions or tokens are spent; the tokens
    left."""
    requests, tokens = await used(session, user_id, now.date())
    limit = f"; the allowance renews at {resets_at(now):%Y-%m-%d %H:%M} UTC"
    if requests >= settings.agent_daily_requests:
        raise AppError(
            ErrorCode.RATE_LIMITED, f"{settings.agent_daily_requests} questions a day are used{limit}"
        )
    if tokens >= settings.agent_daily_tokens:
        raise AppError(ErrorCode.RATE_LIMITED, f"{settings.agent_daily_tokens} tokens a day are used{limit}")
    insert = conflict_insert(session, Usage).values(user_id=user_id, day=now.date(), requests=1, tokens=0)
    await session.execute(
        insert.on_conflict_do_update(
            index_elements=[Usage.user_id, Usage.day], set_={"requests": Usage.requests + 1}
        )
    )
    return settings.agent_daily_tokens - tokens


async def add_tokens(session: AsyncSession, user_id: int, day: date, tokens: int) -> None:
    insert = conflict_insert(session, Usage).values(user_id=user_id, day=day, requests=0, tokens=tokens)
    await session.execute(
        insert.on_conflict_do_update(
            index_elements=[Usage.user_id, Usage.day], set_={"tokens": Usage.tokens + tokens}
        )
    )
