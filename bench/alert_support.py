"""What the alert benchmarks share: one user and many EVERY_TIME alerts inserted in bulk."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.alerts.models import Alert
from app.core.security import hash_password
from app.users.models import User

CHUNK = 5000


async def insert_alerts(
    session: AsyncSession, now: datetime, reference: float, rules: Iterable[tuple[str, str, Decimal]]
) -> list[int]:
    """A bench user, and one ACTIVE EVERY_TIME alert of theirs per (symbol, condition, level); their ids."""
    user = User(
        email="bench@example.com",
        password_hash=hash_password("bench-password"),
        role="user",
        preferences={},
        token_version=0,
        created_at=now,
    )
    session.add(user)
    await session.flush()
    rows = [
        {
            "user_id": user.id,
            "symbol": symbol,
            "condition": condition,
            "threshold": level,
            "status": "ACTIVE",
            "channels": [],
            "rule": {},
            "frequency": "EVERY_TIME",
            "cooldown_seconds": 0,
            "trigger_count": 0,
            "reference_price": reference,
            "armed": True,
            "created_at": now,
        }
        for symbol, condition, level in rules
    ]
    ids: list[int] = []
    for start in range(0, len(rows), CHUNK):
        inserted = await session.scalars(insert(Alert).returning(Alert.id), rows[start : start + CHUNK])
        ids.extend(inserted)
    return sorted(ids)
