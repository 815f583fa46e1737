"""When a schedule runs next: DAILY, WEEKLY on a weekday, MONTHLY on a day, at a local hour in its time zone.

>>> from datetime import datetime, UTC
>>> rule = Cadence("DAILY", 8, "America/New_York")
>>> next_run(rule, datetime(2026, 3, 7, 14, 0, tzinfo=UTC)).isoformat()  # EST: 08:00 is 13:00 UTC
'2026-03-08T12:00:00+00:00'
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MAX_DAYS_AHEAD = 400  # a month's day comes round within 31 days, a weekday within 7


@dataclass(frozen=True)
class Cadence:
    kind: str  # DAILY, WEEKLY, MONTHLY
    hour: int
    timezone: str
    weekday: int | None = None  # 0 Monday .. 6 Sunday
    day_of_month: int | None = None  # 1..31; a shorter month runs on its last day


def _runs_on(rule: Cadence, day: date) -> bool:
    if rule.kind == "WEEKLY":
        return day.weekday() == rule.weekday
    if rule.kind == "MONTHLY":
        assert rule.day_of_month is not None
        last = calendar.monthrange(day.year, day.month)[1]
        return day.day == min(rule.day_of_month, last)
    return True


def next_run(rule: Cadence, after: datetime) -> datetime:
    """The first run strictly after `after`, in UTC. A local hour that a daylight-saving change skips runs
    at the same offset as before the change (02:00 -> 03:00 local); one that occurs twice runs once, the
    first time (fold 0)."""
    zone = ZoneInfo(rule.timezone)
    day = after.astimezone(zone).date()
    for _ in range(MAX_DAYS_AHEAD):
        if _runs_on(rule, day):
            candidate = datetime.combine(day, time(rule.hour), tzinfo=zone).astimezone(UTC)
            if candidate > after:
                return candidate
        day += timedelta(days=1)
    raise ValueError(f"no run of {rule} within {MAX_DAYS_AHEAD} days")
