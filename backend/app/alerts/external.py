"""Alerts judged outside the price engine (a portfolio's risk): their rules checked, and their firings,
re-arms and expiries recorded like the engine's — trigger rows, notifications on every channel, history."""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy import update as sa_update
from sqlalchemy.ext.asyncio import AsyncSession

from app.alerts import list_cache
from app.alerts.models import Alert, AlertTrigger
from app.alerts.operands import invalid
from app.alerts.rules import ACTIVE, EXPIRED, TRIGGERED
from app.core.bus import Bus
from app.core.cache import Cache
from app.core.db import after_commit
from app.notifications import service as notifications_service
from app.notifications.schemas import Message, Notice


@dataclass(frozen=True, slots=True)
class Firing:
    """One firing of an alert judged outside the engine: what was measured, against which level."""

    alert_id: int
    measured: float
    level: float | None
    message: Message
    at: datetime


def check_portfolio_rule(condition: str, threshold: float | None) -> None:
    """A 422 naming `threshold` unless it fits the portfolio condition."""
    if condition == "VAR_BREACH":
        if threshold is not None:
            raise invalid("VAR_BREACH takes no threshold: it fires on a day's loss beyond var95", "threshold")
    elif condition == "ALLOCATION_DRIFT":
        if threshold is not None and not 0 < threshold < 1:
            raise invalid("ALLOCATION_DRIFT's threshold is a band in (0, 1), e.g. 0.05", "threshold")
    elif threshold is None:
        raise invalid(f"{condition} needs a threshold", "threshold")
    elif condition == "DRAWDOWN_BELOW" and not -100 < threshold < 0:
        raise invalid(
            "DRAWDOWN_BELOW's threshold is a percent from the peak in (-100, 0), e.g. -10", "threshold"
        )
    elif condition in ("VALUE_ABOVE", "VALUE_BELOW") and threshold <= 0:
        raise invalid(f"{condition}'s threshold is a value above 0", "threshold")


SERIES_RANGES = {"FEAR_GREED": (0.0, 100.0), "SENTIMENT": (0.0, 1.0), "WHALE_MOVEMENTS": (0.0, 1e6)}
SERIES_HINTS = {
    "FEAR_GREED": "the index, 0 (extreme fear) to 100 (extreme greed), e.g. 20",
    "SENTIMENT": "a score from 0 (bearish) to 1 (bullish), e.g. 0.3",
    "WHALE_MOVEMENTS": "a count of whale transfers in the last 24 hours, e.g. 10",
}


def series_of(condition: str) -> str:
    """FEAR_GREED_BELOW -> FEAR_GREED."""
    return condition.rsplit("_", 1)[0]


def check_series_rule(condition: str, threshold: float | None, frequency: str) -> None:
    """A 422 naming the field unless the research-series rule can be judged."""
    series = series_of(condition)
    low, high = SERIES_RANGES[series]
    if threshold is None or not low <= threshold <= high:
        raise invalid(f"{condition}'s threshold is {SERIES_HINTS[series]}", "threshold")
    if frequency not in ("ONCE", "EVERY_TIME"):
        raise invalid(f"{condition} fires ONCE or EVERY_TIME: a series has no bars", "frequency")


def trigger_row(
    alert: Alert, trigger_id: str, price: float, tick_at: datetime, source: str, now: datetime, direction: str
) -> dict[str, Any]:
    """The alert_triggers row of one firing."""
    return {
        "id": trigger_id,
        "alert_id": alert.id,
        "user_id": alert.user_id,
        "symbol": alert.symbol,
        "price": Decimal(str(price)),
        "threshold": alert.threshold,
        "tick_at": tick_at,
        "source": source,
        "fired_at": now,
        "direction": direction,
    }


def fired(alert: Alert, now: datetime, *, rearms: bool) -> None:
    """The alert's row after it fired: counted, and done (ONCE) or waiting to re-arm (unless `rearms`)."""
    alert.trigger_count += 1
    alert.triggered_at = now
    alert.armed = rearms
    if alert.frequency == "ONCE":
        alert.status = TRIGGERED


async def record(
    session: AsyncSession,
    cache: Cache,
    bus: Bus,
    firings: list[Firing],
    rearmed: list[int],
    expired: list[int],
    source: str,
) -> list[int]:
    """Store firings (each a trigger and a notification on the alert's channels and IN_APP), re-arms and
    expiries; returns the ids that fired (an alert paused or deleted meanwhile does not)."""
    ids = sorted({f.alert_id for f in firings} | set(expired))
    rows = {a.id: a for a in await session.scalars(select(Alert).where(Alert.id.in_(ids)))} if ids else {}
    triggers: list[dict[str, Any]] = []
    notices: list[Notice] = []
    done: list[int] = []
    for firing in firings:
        alert = rows.get(firing.alert_id)
        if alert is None or alert.status != ACTIVE:
            continue
        fired(alert, firing.at, rearms=False)
        trigger_id = uuid.uuid4().hex
        direction = str(firing.message.event.get("direction", "DOWN"))
        triggers.append(
            trigger_row(alert, trigger_id, firing.measured, firing.at, source, firing.at, direction)
        )
        channels = list(dict.fromkeys([*alert.channels, "IN_APP"]))
        notices.append(Notice(alert.user_id, channels, firing.message, alert.id, trigger_id))
        done.append(alert.id)
    for alert_id in expired:
        if (alert := rows.get(alert_id)) is not None and alert.status == ACTIVE:
            alert.status = EXPIRED
    if rearmed:
        await session.execute(
            sa_update(Alert).where(Alert.id.in_(rearmed), Alert.status == ACTIVE).values(armed=True)
        )
    if triggers:
        await session.execute(insert(AlertTrigger), triggers)
    await notifications_service.enqueue_many(session, bus, notices)
    owners = {rows[i].user_id for i in [*done, *expired] if i in rows}
    if owners:
        after_commit(session, functools.partial(list_cache.changed, cache, owners))
    return done
