"""Alert history (each trigger with its deliveries) and metrics (triggers, delivery per channel, accuracy)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

import numpy as np
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.alerts.models import Alert, AlertTrigger
from app.alerts.schemas import (
    Accuracy,
    AlertHistory,
    AlertMetrics,
    ChannelMetrics,
    Percentiles,
    TriggerCounts,
    TriggerOut,
)
from app.core.clock import utcnow
from app.market import service as market_service
from app.notifications import service as notifications_service
from app.notifications.schemas import Delivery

HORIZONS = {"1h": 3600, "24h": 86400}
ACCURACY_SAMPLE = 500  # the most recent triggers judged for accuracy
LOOK = 300  # seconds after a horizon in which the first 1m close counts as "the price then"


async def _triggers(
    session: AsyncSession,
    user_id: int,
    alert_id: int | None,
    start: datetime | None,
    end: datetime | None,
    limit: int,
) -> list[tuple[AlertTrigger, str]]:
    query = (
        select(AlertTrigger, Alert.condition)
        .join(Alert, Alert.id == AlertTrigger.alert_id)
        .where(AlertTrigger.user_id == user_id)
    )
    if alert_id is not None:
        query = query.where(AlertTrigger.alert_id == alert_id)
    if start is not None:
        query = query.where(AlertTrigger.fired_at >= start)
    if end is not None:
        query = query.where(AlertTrigger.fired_at < end)
    newest_first = (AlertTrigger.fired_at.desc(), AlertTrigger.tick_at.desc())
    rows = await session.execute(query.order_by(*newest_first).limit(limit))
    return [(trigger, condition) for trigger, condition in rows.all()]


async def history(
    session: AsyncSession,
    user_id: int,
    alert_id: int | None,
    start: datetime | None,
    end: datetime | None,
    limit: int,
) -> AlertHistory:
    triggers = await _triggers(session, user_id, alert_id, start, end, limit)
    deliveries = await notifications_service.deliveries_of_triggers(session, [t.id for t, _ in triggers])
    listed = [
        TriggerOut(
            trigger_id=trigger.id,
            alert_id=trigger.alert_id,
            symbol=trigger.symbol,
            condition=condition,
            price=float(trigger.price),
            threshold=float(trigger.threshold) if trigger.threshold is not None else None,
            direction=trigger.direction,
            tick_at=trigger.tick_at,
            source=trigger.source,
            fired_at=trigger.fired_at,
            channels=[_rounded(delivery) for delivery in deliveries.get(trigger.id, [])],
        )
        for trigger, condition in triggers
    ]
    return AlertHistory(triggers=listed, count=len(listed))


def _rounded(delivery: Delivery) -> Delivery:
    latency = delivery.latency_ms
    return delivery.model_copy(update={"latency_ms": None if latency is None else round(latency, 1)})


async def _price_at(session: AsyncSession, symbol: str, when: int) -> float | None:
    """The first 1m close at or after `when` (within LOOK seconds), else the 1h bar around it."""
    _, minute = await market_service.load_candles(session, symbol, "1m", when, when + LOOK)
    if minute.ts:
        return float(minute.close[0])
    _, hour = await market_service.load_candles(session, symbol, "1h", when - 3600, when + 1)
    return float(hour.close[-1]) if hour.ts else None


async def metrics(
    session: AsyncSession, user_id: int, start: datetime | None, end: datetime | None
) -> AlertMetrics:
    triggers = await _triggers(session, user_id, None, start, end, 1_000_000)
    deliveries = await notifications_service.deliveries_of_triggers(session, [t.id for t, _ in triggers])
    by_channel: dict[str, list[Delivery]] = defaultdict(list)
    for rows in deliveries.values():
        for row in rows:
            by_channel[row.channel].append(row)
    channels = {}
    for name, rows in sorted(by_channel.items()):
        delivered = [row for row in rows if row.status == "DELIVERED"]
        finished = [row for row in rows if row.status in ("DELIVERED", "FAILED")]
        latencies = np.array([row.latency_ms for row in delivered if row.latency_ms is not None])
        channels[name] = ChannelMetrics(
            sent=len(rows),
            delivered=len(delivered),
            failed=sum(row.status == "FAILED" for row in rows),
            pending=len(rows) - len(finished),
            success_rate=round(len(delivered) / len(finished), 4) if finished else None,
            latency_ms=Percentiles(
                p50=round(float(np.percentile(latencies, 50)), 1) if latencies.size else None,
                p99=round(float(np.percentile(latencies, 99)), 1) if latencies.size else None,
            ),
        )
    now = utcnow().timestamp()
    accuracy = {}
    for label, seconds in HORIZONS.items():
        judged = correct = 0
        for trigger, _ in triggers[:ACCURACY_SAMPLE]:
            when = int(trigger.fired_at.timestamp()) + seconds
            if when > now:
                continue  # too early to tell
            later = await _price_at(session, trigger.symbol, when)
            if later is None:
                continue
            judged += 1
            price = float(trigger.price)
            correct += later > price if trigger.direction == "UP" else later < price
        accuracy[label] = Accuracy(
            judged=judged, correct=correct, rate=round(correct / judged, 4) if judged else None
        )
    by_symbol: dict[str, int] = defaultdict(int)
    for trigger, _ in triggers:
        by_symbol[trigger.symbol] += 1
    return AlertMetrics(
        triggers=TriggerCounts(total=len(triggers), by_symbol=dict(sorted(by_symbol.items()))),
        channels=channels,
        accuracy=accuracy,
        from_=start,
        to=end,
    )
