"""Migration 0012 on SQLite and PostgreSQL: alerts saved as PRICE_ABOVE/PRICE_BELOW with an indicator under
the old meaning (the indicator alone, the threshold ignored) become the indicator rule they were judged as;
plain price levels and indicator rules are untouched; the downgrade restores them."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from app.alerts import operands
from app.alerts.conditions import Spec
from app.alerts.models import Alert
from app.core import migrate
from tests.core.old_schema import old_user_id

NOW = datetime(2026, 11, 1, tzinfo=UTC)
OLD = {
    "seed": ("PRICE_ABOVE", Decimal("50000"), {"indicator": "RSI", "value": 70}),
    "below": ("PRICE_BELOW", Decimal("20000"), {"indicator": "RSI", "value": 30, "timeframe": "4h"}),
    "no-value": ("PRICE_ABOVE", Decimal("60"), {"formula": "RSI(14) - RSI(28)"}),
    "price": ("PRICE_ABOVE", Decimal("50000"), {}),
    "indicator": ("CROSSING_UP", Decimal("70"), {"indicator": "RSI"}),
}


async def _write_old_alerts(url: str) -> dict[str, int]:
    engine = create_async_engine(url)
    try:
        async with async_sessionmaker(engine)() as session, session.begin():
            user_id = await old_user_id(session, NOW)
            alerts = {
                name: Alert(
                    user_id=user_id,
                    symbol="BTC-USD",
                    condition=condition,
                    threshold=threshold,
                    status="ACTIVE",
                    channels=["IN_APP"],
                    rule=metadata,
                    created_at=NOW,
                )
                for name, (condition, threshold, metadata) in OLD.items()
            }
            session.add_all(alerts.values())
            await session.flush()
            return {name: alert.id for name, alert in alerts.items()}
    finally:
        await engine.dispose()


async def _read(url: str) -> dict[int, tuple[str, Decimal | None, dict[str, Any]]]:
    engine = create_async_engine(url)
    try:
        async with async_sessionmaker(engine)() as session:
            rows = await session.scalars(select(Alert))
            return {a.id: (a.condition, a.threshold, a.rule) for a in rows}
    finally:
        await engine.dispose()


async def test_old_style_alerts_become_the_indicator_rule_they_were_judged_as(empty_database: str) -> None:
    await asyncio.to_thread(migrate.upgrade, empty_database, "0011")
    ids = await _write_old_alerts(empty_database)
    await asyncio.to_thread(migrate.upgrade, empty_database, "0012")
    after = await _read(empty_database)
    assert after[ids["seed"]] == (
        "GREATER_THAN",
        Decimal("70"),
        {"indicator": "RSI", "was": {"condition": "PRICE_ABOVE", "threshold": 50000.0, "value": 70}},
    )
    assert after[ids["below"]] == (
        "LESS_THAN",
        Decimal("30"),
        {
            "indicator": "RSI",
            "timeframe": "4h",
            "was": {"condition": "PRICE_BELOW", "threshold": 20000.0, "value": 30},
        },
    )
    assert after[ids["no-value"]] == (  # the old code compared the indicator with the threshold
        "GREATER_THAN",
        Decimal("60"),
        {"formula": "RSI(14) - RSI(28)", "was": {"condition": "PRICE_ABOVE", "threshold": 60.0}},
    )
    for untouched in ("price", "indicator"):
        condition, threshold, metadata = OLD[untouched]
        assert after[ids[untouched]] == (condition, threshold, metadata)

    await asyncio.to_thread(migrate.downgrade, empty_database, "0011")
    restored = await _read(empty_database)
    for name, alert_id in ids.items():
        assert restored[alert_id] == OLD[name], name


def test_the_migrated_rules_fire_on_the_same_bars_as_the_old_meaning() -> None:
    """Old: a bar rule comparing RSI with metadata.value by the price condition; new: the indicator rule."""
    rsi = np.array([50.0, 69.0, 70.5, 72.0, 68.0, 71.0, 29.0, 31.0, 25.0, np.nan, 80.0])
    old_above, old_below = Spec("PRICE_ABOVE", 70.0), Spec("PRICE_BELOW", 30.0)
    new_above = operands.build("GREATER_THAN", 70.0, {"indicator": "RSI"}, "EVERY_TIME", None)
    new_below = operands.build("LESS_THAN", 30.0, {"indicator": "RSI"}, "EVERY_TIME", None)
    assert isinstance(new_above, operands.BarRule) and isinstance(new_below, operands.BarRule)
    for old, new in ((old_above, new_above.spec), (old_below, new_below.spec)):
        assert (old.signals(rsi, None, 1) == new.signals(rsi, None, 1)).all()
