"""A look-back period as users write it (`90d`, `12h`, `4w`, `1y`), in seconds."""

from __future__ import annotations

import re

from app.core.errors import AppError, ErrorCode

PERIOD = re.compile(r"^(\d{1,4})([hdwy])$")
PERIOD_SECONDS = {"h": 3600, "d": 86400, "w": 7 * 86400, "y": 365 * 86400}
MAX_PERIOD_DAYS = 5 * 365


def parse_period(period: str) -> int:
    """`90d` -> seconds; hours, days, weeks or years, up to five years."""
    match = PERIOD.match(period.strip().lower())
    if not match:
        raise AppError(ErrorCode.VALIDATION_ERROR, "period looks like 90d, 12h, 4w or 1y", field="period")
    seconds = int(match.group(1)) * PERIOD_SECONDS[match.group(2)]
    if not 0 < seconds <= MAX_PERIOD_DAYS * 86400:
        raise AppError(ErrorCode.RANGE_TOO_LARGE, "period must be between 1h and 5y", field="period")
    return seconds
