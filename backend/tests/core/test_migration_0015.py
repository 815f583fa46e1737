"""Migration 0015 on SQLite and PostgreSQL: the daily snapshots of portfolios whose transactions were stored
before it are filled from those transactions; the downgrade drops them."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from app.core import migrate
from app.portfolio import snapshots
from app.portfolio.models import Portfolio, PortfolioTransaction
from tests.core.old_schema import old_user_id

NOW = datetime(2026, 11, 1, tzinfo=UTC)


def _tx(kind: str, symbol: str, quantity: str, price: str, fee: str, at: str) -> PortfolioTransaction:
    return PortfolioTransaction(
        kind=kind,
        symbol=symbol,
        quantity=Decimal(quantity),
        price=Decimal(price),
        fee=Decimal(fee),
        executed_at=datetime.fromisoformat(at),
        created_at=NOW,
    )


async def test_existing_transactions_get_their_daily_snapshots(empty_database: str) -> None:
    await asyncio.to_thread(migrate.upgrade, empty_database, "0014")
    engine = create_async_engine(empty_database)
    try:
        async with async_sessionmaker(engine)() as session, session.begin():
            user_id = await old_user_id(session, NOW)
            portfolio = Portfolio(user_id=user_id, name="Old", risk_profile="LOW", created_at=NOW)
            session.add(portfolio)
            await session.flush()
            for tx in (
                _tx("BUY", "BTC-USD", "0.5", "40000", "10", "2025-01-01T22:00:00+00:00"),
                _tx("DEPOSIT", "USD", "100", "1", "0", "2025-01-01T23:00:00+00:00"),
                _tx("SELL", "BTC-USD", "0.2", "41000", "4", "2025-01-02T01:00:00+00:00"),
            ):
                tx.portfolio_id = portfolio.id
                session.add(tx)
            pid = portfolio.id
        await asyncio.to_thread(migrate.upgrade, empty_database, "0015")
        async with async_sessionmaker(engine)() as session:
            days = await snapshots.days_of(session, pid)
        assert [(d.day, d.changes, d.flow) for d in days] == [
            (date(2025, 1, 1), {"BTC-USD": 0.5, "USD": 100.0}, 20_110.0),
            (date(2025, 1, 2), {"BTC-USD": -0.2}, -8_196.0),
        ]
        await asyncio.to_thread(migrate.downgrade, empty_database, "0014")
        async with engine.connect() as connection:
            tables = await connection.run_sync(lambda c: c.dialect.get_table_names(c))
        assert "portfolio_days" not in tables
    finally:
        await engine.dispose()
