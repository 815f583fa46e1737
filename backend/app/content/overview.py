"""The digests' shared market part: the tracked universe's 24-hour moves, breadth and Fear & Greed at an hour,
computed once per UTC hour and stored."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.analysis import service as analysis_service
from app.content.models import DigestMarket
from app.content.mood import breadth, mood, mood_score
from app.core.clock import isoformat_z, utcnow
from app.core.runtime import Runtime
from app.market import service as market_service

STALE_READING = timedelta(days=2)  # an older Fear & Greed reading is named with its date


def hour_key(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H")


async def market_at(runtime: Runtime, session: AsyncSession, hour: datetime) -> dict[str, Any]:
    """The stored market part of `hour` (a whole UTC hour), computed now when it is missing."""
    key = hour_key(hour)
    row = await session.get(DigestMarket, key)
    if row is not None:
        return row.payload
    payload = await _compute(runtime, session, hour)
    try:
        async with session.begin_nested():
            session.add(DigestMarket(hour=key, payload=payload, created_at=utcnow()))
    except IntegrityError:  # another worker stored the same hour first: use theirs
        row = await session.get(DigestMarket, key, populate_existing=True)
        if row is not None:
            return row.payload
    return payload


async def _compute(runtime: Runtime, session: AsyncSession, hour: datetime) -> dict[str, Any]:
    assets = [a.symbol for a in await market_service.list_assets(session) if not a.stablecoin]
    changes = await market_service.day_changes(session, assets, hour)
    movers = sorted(changes.values(), key=lambda c: c.change24h, reverse=True)
    count = breadth([m.change24h for m in movers])
    fear_greed = await _fear_greed(runtime, hour)
    score = mood_score(count, fear_greed["value"] if fear_greed else None)
    sources = []
    if movers:
        feeds = ", ".join(sorted({m.source for m in movers}))
        newest = max(m.as_of for m in movers)
        sources.append(f"Prices: stored hourly candles ({feeds}) to {isoformat_z(newest)}")
    if fear_greed:
        kind = "bundled snapshot" if fear_greed["snapshot"] else "live"
        sources.append(f"Fear & Greed: {fear_greed['source']} as of {fear_greed['asOf']} ({kind})")
    return {
        "at": isoformat_z(hour),
        "movers": [
            {
                "symbol": m.symbol,
                "price": m.price,
                "change24h": round(m.change24h, 6),
                "source": m.source,
                "asOf": isoformat_z(m.as_of),
            }
            for m in movers
        ],
        "breadth": {
            "advancers": count.advancers,
            "decliners": count.decliners,
            "unchanged": count.unchanged,
            "marketChange": count.mean_change,
        },
        "fearGreed": fear_greed,
        "score": score,
        "sentiment": mood(score),
        "sources": sources,
    }


async def _fear_greed(runtime: Runtime, hour: datetime) -> dict[str, Any] | None:
    """The newest reading for a day up to `hour` (the newest at all when every one is later), with its change
    against the reading of the day before."""
    series = await analysis_service.fear_greed(runtime, 8)
    if series is None or not series.readings:
        return None
    readings = series.readings  # newest first
    index = next((i for i, r in enumerate(readings) if r.at <= hour), 0)
    reading = readings[index]
    before = readings[index + 1] if index + 1 < len(readings) else None
    return {
        "value": reading.value,
        "classification": reading.classification,
        "change": reading.value - before.value if before else None,
        "day": reading.at.date().isoformat(),
        "dated": reading.at < hour - STALE_READING,
        "source": series.source,
        "asOf": isoformat_z(series.as_of),
        "snapshot": series.snapshot,
    }
