"""The market's mood for other domains: the Fear & Greed index's daily readings, with their provenance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from app.analysis.research import social
from app.analysis.research.providers import Providers, Unavailable
from app.core.runtime import Runtime


@dataclass(frozen=True, slots=True)
class FearGreedReading:
    at: datetime  # the day the reading is for (00:00 UTC)
    value: int  # 0 extreme fear .. 100 extreme greed
    classification: str


@dataclass(frozen=True, slots=True)
class FearGreedSeries:
    readings: list[FearGreedReading]  # newest first
    source: str
    as_of: datetime
    snapshot: bool  # read from the bundled recording, not live


async def fear_greed(runtime: Runtime, days: int) -> FearGreedSeries | None:
    """The last `days` daily readings of alternative.me's index (cached for an hour); None when the provider
    gives nothing."""
    try:
        readings, origin = await social.fear_greed(Providers(runtime.settings, runtime.cache), days)
    except Unavailable:
        return None
    return FearGreedSeries(
        [
            FearGreedReading(datetime.fromtimestamp(r["ts"], UTC), int(r["value"]), r["classification"])
            for r in readings
        ],
        origin.source,
        datetime.fromtimestamp(origin.as_of, UTC),
        origin.snapshot,
    )
