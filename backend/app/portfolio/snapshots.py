"""Daily snapshots of each portfolio (`portfolio_days`): per UTC day, each symbol's net quantity change and
the external flow. A transaction change rewrites only the days it touches, in its own transaction; an
analysis reads one row per day with transactions instead of every transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import orjson
from sqlalchemy import Float, Text, cast, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.portfolio.holdings import entry
from app.portfolio.models import PortfolioDay, PortfolioTransaction
from app.quant.portfolio.ledger import day_totals


@dataclass(frozen=True, slots=True)
class Day:
    """A snapshot as the analysis reads it (floats: for daily series)."""

    day: date
    changes: dict[str, float]
    flow: float


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def day_of(at: datetime) -> date:
    """The UTC day of a transaction's time."""
    return at.astimezone(UTC).date()


async def refresh(session: AsyncSession, portfolio_id: int, days: set[date]) -> None:
    """Rewrite the snapshots of these days from the portfolio's transactions (flushed ones included)."""
    if not days:
        return
    await session.flush()
    tx = PortfolioTransaction
    rows = await session.scalars(
        select(tx).where(
            tx.portfolio_id == portfolio_id,
            tx.executed_at >= _midnight(min(days)),
            tx.executed_at < _midnight(max(days) + timedelta(days=1)),
        )
    )
    totals = day_totals(entry(r) for r in rows if day_of(r.executed_at) in days)
    await session.execute(
        delete(PortfolioDay).where(
            PortfolioDay.portfolio_id == portfolio_id, PortfolioDay.day.in_(sorted(days))
        )
    )
    written = [
        {
            "portfolio_id": portfolio_id,
            "day": day,
            "changes": {s: str(q) for s, q in sorted(total.changes.items())},
            "flow": total.flow,
        }
        for day, total in sorted(totals.items())
    ]
    if written:
        await session.execute(insert(PortfolioDay), written)


async def days_of(session: AsyncSession, portfolio_id: int) -> list[Day]:
    """The portfolio's snapshots, oldest first."""
    # The JSON as text and the flow as a float, parsed here: faster than the column types' own processing.
    query = (
        select(PortfolioDay.day, cast(PortfolioDay.changes, Text), cast(PortfolioDay.flow, Float))
        .where(PortfolioDay.portfolio_id == portfolio_id)
        .order_by(PortfolioDay.day)
    )
    return [
        Day(day, {s: float(q) for s, q in orjson.loads(changes).items()}, flow)
        for day, changes, flow in await session.execute(query)
    ]
