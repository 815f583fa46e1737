"""Routes: the pattern catalogue, the patterns of a symbol's candles, and how a pattern did on it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from app.core.deps import DbSession, RuntimeDep
from app.core.envelope import ERROR_RESPONSES, Envelope, ok, raw_json_ok, raw_ok
from app.patterns import service
from app.patterns.schemas import PatternCatalog, PatternsOut, PatternStatsOut, StatsJob
from app.users.deps import SignedInCaller

router = APIRouter(prefix="/api/patterns", tags=["patterns"], responses=ERROR_RESPONSES)

Interval = Annotated[str, Query(max_length=10, description="1m 5m 15m 1h 4h 1d")]


@router.get("", response_model=Envelope[PatternCatalog])
async def catalog(_: SignedInCaller) -> Envelope[PatternCatalog]:
    """TA-Lib's 61 candlestick patterns and the chart pattern kinds, with their titles and directions."""
    return ok(service.catalog())


@router.get(
    "/stats",
    response_model=Envelope[PatternStatsOut],
    responses={202: {"model": Envelope[StatsJob], "description": "Not computed yet: the job computing it"}},
)
async def pattern_stats(
    caller: SignedInCaller,
    runtime: RuntimeDep,
    session: DbSession,
    symbol: Annotated[str, Query(min_length=1, max_length=30)],
    pattern: Annotated[str, Query(min_length=1, max_length=40, description="A CDL name or a chart kind")],
    interval: Interval = "1h",
) -> Response:
    """How the pattern did on the symbol's stored history: the moves 1, 5 and 20 bars after each
    occurrence. 202 with the job computing it the first time; the same GET is 200 once it is DONE."""
    out = await service.stats(runtime, session, caller.id, symbol, pattern, interval)
    if isinstance(out, StatsJob):
        return raw_ok(out.model_dump(mode="json", by_alias=True), status_code=202)
    return raw_ok(out.model_dump(mode="json", by_alias=True))


@router.get("/{symbol}", response_model=Envelope[PatternsOut])
async def patterns_of(
    _: SignedInCaller,
    session: DbSession,
    symbol: Annotated[str, Path(min_length=1, max_length=30)],
    interval: Interval = "1h",
    from_: Annotated[datetime | None, Query(alias="from", description="Default: 500 bars before to")] = None,
    to: Annotated[datetime | None, Query(description="Exclusive; default: after the latest candle")] = None,
    kinds: Annotated[
        str | None,
        Query(
            max_length=2000, description="Comma list: candles, chart, levels, trendlines, CDL names, kinds"
        ),
    ] = None,
) -> Response:
    """Candlestick signals, chart patterns, support/resistance levels and trend lines in [from, to)."""
    return raw_json_ok(await service.find_json(session, symbol, interval, from_, to, kinds))
