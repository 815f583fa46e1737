"""The queries of portfolios, their transactions and their derived positions."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.portfolio.models import Portfolio, PortfolioTransaction, Position


async def portfolio(
    session: AsyncSession, portfolio_id: int, *, for_update: bool = False
) -> Portfolio | None:
    """The row, locked until the transaction ends when `for_update` (writes to one portfolio take turns)."""
    query = select(Portfolio).where(Portfolio.id == portfolio_id)
    row: Portfolio | None = await session.scalar(query.with_for_update() if for_update else query)
    return row


async def portfolios_of(session: AsyncSession, user_id: int) -> list[Portfolio]:
    query = select(Portfolio).where(Portfolio.user_id == user_id).order_by(Portfolio.id)
    return list(await session.scalars(query))


async def portfolios_by_id(session: AsyncSession, portfolio_ids: set[int]) -> list[Portfolio]:
    query = select(Portfolio).where(Portfolio.id.in_(portfolio_ids)).order_by(Portfolio.id)
    return list(await session.scalars(query))


async def positions_of(session: AsyncSession, portfolio_ids: list[int]) -> list[Position]:
    query = select(Position).where(Position.portfolio_id.in_(portfolio_ids)).order_by(Position.id)
    return list(await session.scalars(query))


async def transactions_of(
    session: AsyncSession, portfolio_id: int, symbols: set[str] | None = None
) -> list[PortfolioTransaction]:
    """The transactions (of `symbols`, or all) in the order they are replayed: time, then as recorded."""
    query = (
        select(PortfolioTransaction)
        .where(PortfolioTransaction.portfolio_id == portfolio_id)
        .order_by(PortfolioTransaction.executed_at, PortfolioTransaction.id)
    )
    if symbols is not None:
        query = query.where(PortfolioTransaction.symbol.in_(symbols))
    return list(await session.scalars(query))


async def external_id_taken(session: AsyncSession, portfolio_id: int, external_id: str) -> bool:
    found = await session.scalar(
        select(PortfolioTransaction.id).where(
            PortfolioTransaction.portfolio_id == portfolio_id, PortfolioTransaction.external_id == external_id
        )
    )
    return found is not None


async def transaction_page(
    session: AsyncSession, portfolio_id: int, limit: int, offset: int
) -> tuple[list[PortfolioTransaction], int]:
    """Newest first."""
    mine = PortfolioTransaction.portfolio_id == portfolio_id
    query = (
        select(PortfolioTransaction)
        .where(mine)
        .order_by(PortfolioTransaction.executed_at.desc(), PortfolioTransaction.id.desc())
        .limit(limit)
        .offset(offset)
    )
    total = await session.scalar(select(func.count()).select_from(PortfolioTransaction).where(mine))
    return list(await session.scalars(query)), int(total or 0)


async def transaction(
    session: AsyncSession, portfolio_id: int, transaction_id: int
) -> PortfolioTransaction | None:
    row: PortfolioTransaction | None = await session.scalar(
        select(PortfolioTransaction).where(
            PortfolioTransaction.id == transaction_id, PortfolioTransaction.portfolio_id == portfolio_id
        )
    )
    return row


async def remove_positions(session: AsyncSession, portfolio_id: int, symbols: set[str]) -> None:
    if symbols:
        await session.execute(
            delete(Position).where(Position.portfolio_id == portfolio_id, Position.symbol.in_(symbols))
        )


async def holdings_rows(
    session: AsyncSession, portfolio_ids: list[int] | None = None
) -> list[tuple[int, int, str, Decimal, Decimal]]:
    """(portfolio id, owner id, symbol, quantity, net flow) of every position, of every portfolio or these."""
    query = select(
        Position.portfolio_id, Portfolio.user_id, Position.symbol, Position.quantity, Position.net_flow
    ).join(Portfolio, Portfolio.id == Position.portfolio_id)
    if portfolio_ids is not None:
        query = query.where(Position.portfolio_id.in_(portfolio_ids))
    return [tuple(row) for row in (await session.execute(query)).all()]  # type: ignore[misc]


async def existing_ids(session: AsyncSession, portfolio_ids: list[int]) -> list[tuple[int, int]]:
    """(id, owner id) of those of these portfolios that exist."""
    rows = await session.execute(
        select(Portfolio.id, Portfolio.user_id).where(Portfolio.id.in_(portfolio_ids))
    )
    return [(int(i), int(u)) for i, u in rows.all()]
