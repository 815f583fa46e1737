"""Exact decimals, UTC times and string lists read back identically on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy import select

from app.alerts.models import Alert
from app.config import Settings
from app.core.db import Database
from app.market.models import PriceCandle
from app.users.service import create_user


async def test_decimal_time_and_list_round_trip(settings: Settings) -> None:
    db = Database(settings.resolved_database_url)
    try:
        async with db.session() as session:
            user = await create_user(session, "t@example.com", "password-123")
            session.add(
                Alert(
                    user_id=user.id,
                    symbol="BTC-USD",
                    condition="PRICE_ABOVE",
                    threshold=Decimal("50000.123456789012345678"),
                    status="ACTIVE",
                    channels=["EMAIL", "DISCORD"],
                    rule={"indicator": "RSI", "value": 70},
                    created_at=datetime(2025, 11, 13, 17, 30, tzinfo=timezone(timedelta(hours=7))),
                )
            )
        async with db.session() as session:
            alert = (await session.scalars(select(Alert))).one()
        assert alert.threshold == Decimal("50000.123456789012345678")
        assert alert.created_at == datetime(2025, 11, 13, 10, 30, tzinfo=UTC)
        assert alert.created_at.tzinfo is not None and alert.created_at.utcoffset() == timedelta(0)
        assert alert.channels == ["EMAIL", "DISCORD"]
        assert alert.rule == {"indicator": "RSI", "value": 70}
    finally:
        await db.dispose()


async def test_price_history_key_includes_interval_and_source(settings: Settings) -> None:
    db = Database(settings.resolved_database_url)
    ts = datetime(2025, 11, 1, tzinfo=UTC)
    ohlcv = {
        "open": Decimal("0.1"),
        "high": Decimal("0.3"),
        "low": Decimal("0.05"),
        "close": Decimal("0.2"),
        "volume": Decimal("12345.6789"),
    }
    try:
        async with db.session() as session:
            for interval, source in (("1h", "binance"), ("1d", "binance"), ("1h", "coingecko")):
                session.add(
                    PriceCandle(symbol="BTC-USD", interval=interval, source=source, timestamp=ts, **ohlcv)
                )
        async with db.session() as session:
            rows = (
                await session.scalars(select(PriceCandle).order_by(PriceCandle.interval, PriceCandle.source))
            ).all()
        assert len(rows) == 3
        assert all(r.close == Decimal("0.2") and r.open + r.close == Decimal("0.3") for r in rows)
        assert rows[0].timestamp == ts
    finally:
        await db.dispose()
