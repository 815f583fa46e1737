"""Public ids numbered per UTC day (ANLYS-20251113-001, RPT-20251113-001), safe against two at once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from app.core.db import Base
from app.core.errors import AppError, ErrorCode

Row = TypeVar("Row", bound=Base)
ATTEMPTS = 5


async def add_numbered(
    session: AsyncSession,
    column: InstrumentedAttribute[str],
    prefix: str,
    now: datetime,
    make: Callable[[str], Row],
) -> Row:
    """`make(public_id)` added with the next `PREFIX-YYYYMMDD-NNN` of the day (more digits past 999). Two
    requests in one instant may pick the same number: the unique column refuses one, which tries again. A
    deleted day's newest number is given again: whatever signs a link to a row must sign more than its id."""
    head = f"{prefix}-{now:%Y%m%d}-"
    for _ in range(ATTEMPTS):
        # The day's highest number (longest first: 1000 comes after 999), not the count: a deleted row
        # would make the count point at a number still taken.
        newest = await session.scalar(
            select(column)
            .where(column.startswith(head))
            .order_by(func.length(column).desc(), column.desc())
            .limit(1)
        )
        number = int(newest[len(head) :]) + 1 if newest else 1
        try:
            async with session.begin_nested():
                row = make(f"{head}{number:03d}")
                session.add(row)
            return row
        except IntegrityError:
            continue
    raise AppError(ErrorCode.CONFLICT, f"Could not number the {prefix} record; try again")
