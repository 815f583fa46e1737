"""Monthly range partitions of price_history on PostgreSQL, created ahead and on demand."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

_known: set[tuple[str, date]] = set()


def month_starts(first: datetime, last: datetime) -> list[date]:
    """The first day of every month from `first` to `last`, inclusive.

    >>> month_starts(datetime(2025, 11, 30, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC))
    [datetime.date(2025, 11, 1), datetime.date(2025, 12, 1), datetime.date(2026, 1, 1)]
    """
    months = []
    year, month = first.astimezone(UTC).year, first.astimezone(UTC).month
    end = (last.astimezone(UTC).year, last.astimezone(UTC).month)
    while (year, month) <= end:
        months.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


async def is_partitioned(session: AsyncSession) -> bool:
    if session.get_bind().dialect.name != "postgresql":
        return False
    kind: str | None = await session.scalar(
        text(
            "SELECT c.relkind::text FROM pg_class c WHERE c.relname = 'price_history' "
            "AND c.relnamespace = current_schema()::regnamespace"
        )
    )
    return kind == "p"


async def ensure_price_partitions(session: AsyncSession, first: datetime, last: datetime) -> list[date]:
    """Make sure a partition exists for every month in [first, last]; returns the months checked.

    Rows that landed in the default partition meanwhile are moved into the new one (see the
    `cryptomon_ensure_price_partition` function in the migration), so nothing written is lost.
    """
    if not await is_partitioned(session):
        return []
    database = str(session.get_bind().engine.url)
    months = [m for m in month_starts(first, last) if (database, m) not in _known]
    for month in months:
        await session.execute(text("SELECT cryptomon_ensure_price_partition(:m)"), {"m": month})
        _known.add((database, month))
    return months
