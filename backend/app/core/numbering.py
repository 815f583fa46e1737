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
    """`make(public_id)` added with the next `PREFIX-YYYYMMDD-NNN` of the day (more digits past 999); two
    requests in one instant may pick the same number: the unique column refuses one, which tries again."""
    head = f"{prefix}-{now:%Y%m%d}-"
    for _ in range(ATTEMPTS):
        count = await session.scalar(select(func.count()).where(column.startswith(head)))
        try:
            async with session.begin_nested():
                row = make(f"{head}{(count or 0) + 1:03d}")
                session.add(row)
            return row
        except IntegrityError:
            continue
    raise AppError(ErrorCode.CONFLICT, f"Could not number the {prefix} record; try again")
