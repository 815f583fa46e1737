"""The queries of backtest runs: by public id, a user's newest, and removal."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.backtesting.models import Backtest


async def by_public_id(session: AsyncSession, public_id: str) -> Backtest | None:
    row: Backtest | None = await session.scalar(select(Backtest).where(Backtest.public_id == public_id))
    return row


async def newest_of(session: AsyncSession, user_id: int, limit: int) -> list[Backtest]:
    query = select(Backtest).where(Backtest.user_id == user_id).order_by(Backtest.id.desc()).limit(limit)
    return list(await session.scalars(query))


def add(session: AsyncSession, row: Backtest) -> None:
    session.add(row)


async def delete(session: AsyncSession, row: Backtest) -> None:
    await session.delete(row)
