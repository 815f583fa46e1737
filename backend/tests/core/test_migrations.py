"""Migrations upgrade from empty and downgrade to base on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import create_async_engine

from app.core import migrate
from app.models import Base

SEED_TABLES = {"users", "alerts", "portfolios", "positions", "reports", "custom_indicators", "price_history"}


async def _tables(url: str) -> set[str]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            names = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    finally:
        await engine.dispose()
    return {n for n in names if not n.startswith("price_history_")}


async def test_upgrade_from_empty_and_downgrade_to_base(empty_database: str) -> None:
    await asyncio.to_thread(migrate.upgrade, empty_database)
    tables = await _tables(empty_database)
    assert tables >= SEED_TABLES
    assert {t.name for t in Base.metadata.sorted_tables} <= tables
    assert {
        "jobs",
        "notifications",
        "analyses",
        "backtests",
        "community_posts",
        "community_comments",
        "community_votes",
    } <= tables

    await asyncio.to_thread(migrate.downgrade, empty_database, "base")
    assert await _tables(empty_database) <= {"alembic_version"}

    await asyncio.to_thread(migrate.upgrade, empty_database)  # and up again, cleanly
    assert await _tables(empty_database) >= SEED_TABLES
