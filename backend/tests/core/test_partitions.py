"""price_history on PostgreSQL: monthly partitions made ahead, and rows in the default partition kept."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text

from app.config import Settings
from app.core import partitions
from app.core.bootstrap import build_runtime
from app.core.db import Database
from app.core.partitions import ensure_price_partitions
from app.core.tasks import JobContext
from app.market.models import PriceCandle
from app.system.tasks import ensure_partitions


async def _partitions(db: Database) -> dict[str, str]:
    async with db.session() as session:
        rows = await session.execute(
            text(
                "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
                "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'price_history'::regclass"
            )
        )
        return {str(name): str(bound) for name, bound in rows.all()}


async def test_partitions_ahead_and_rows_moved_out_of_default(
    cluster_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The process remembers the partitions it made; the test database is recreated between tests, so an
    # earlier test's 2019 candles would leave 2019-03 remembered here though it no longer exists.
    monkeypatch.setattr(partitions, "_known", set())
    async with build_runtime(cluster_settings, role="cli") as runtime:
        db = runtime.db
        result = await ensure_partitions(JobContext(runtime, "j", None), months_ahead=2)
        parts = await _partitions(db)
        assert "price_history_default" in parts
        for month in result["months"]:
            assert f"price_history_{month[:7].replace('-', '_')}" in parts

        # An old candle (e.g. replayed old history) lands in the default partition first...
        old = datetime(2011, 3, 10, 5, tzinfo=UTC)  # a month no other test stores candles in
        async with db.session() as session:
            session.add(
                PriceCandle(
                    symbol="BTC-USD",
                    interval="1h",
                    source="binance",
                    timestamp=old,
                    open=Decimal(1),
                    high=Decimal(2),
                    low=Decimal("0.5"),
                    close=Decimal("1.5"),
                    volume=Decimal(3),
                )
            )
        async with db.session() as session:
            where = await session.scalar(text("SELECT tableoid::regclass::text FROM price_history"))
            assert where == "price_history_default"
            # ...and moves, unchanged, into its month when that partition is made.
            await ensure_price_partitions(session, old, old)
        async with db.session() as session:
            where = await session.scalar(text("SELECT tableoid::regclass::text FROM price_history"))
            assert where == "price_history_2011_03"
            assert await session.scalar(select(func.count()).select_from(PriceCandle)) == 1
            assert (await session.scalars(select(PriceCandle))).one().close == Decimal("1.5")
        bound = (await _partitions(db))["price_history_2011_03"]
        assert "2011-03-01 00:00:00+00" in bound and "2011-04-01 00:00:00+00" in bound


async def test_embedded_has_no_partitions(embedded_settings: Settings) -> None:
    async with build_runtime(embedded_settings, role="cli") as runtime:
        result = await ensure_partitions(JobContext(runtime, "j", None))
        assert result == {"months": []}
