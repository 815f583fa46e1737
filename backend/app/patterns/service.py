"""Pattern use cases: the catalogue, the patterns of a symbol's stored bars, and each pattern's record."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import numpy as np
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.clock import utcnow
from app.core.errors import AppError, ErrorCode
from app.core.marketdata import to_series
from app.core.runtime import Runtime
from app.core.tasks import service as job_service
from app.core.tasks.models import Job, JobStatus
from app.market import service as market_service
from app.patterns import stats as pattern_stats
from app.patterns.scan import CHART_KINDS, Found, Selection, pattern_of, recent, select, signal_direction
from app.patterns.schemas import (
    CandleFound,
    CandlePatternInfo,
    ChartFound,
    ChartKindInfo,
    ChartLine,
    ChartPoint,
    HorizonOut,
    LevelOut,
    PatternCatalog,
    PatternsOut,
    PatternStatsOut,
    Segment,
    StatsJob,
    TimePrice,
    TrendLineOut,
)
from app.quant.indicators import candles
from app.quant.indicators.spec import Series
from app.quant.patterns import chart
from app.quant.patterns.levels import Level, TrendLine
from app.quant.patterns.shapes import Detection
from app.quant.patterns.swings import Line

__all__ = ["Found", "cached_stats", "catalog", "compute_stats", "find", "find_json", "recent", "stats"]

DEFAULT_BARS = 500
MAX_BARS = 20_000
# Bars read before the range so that patterns ending in it but starting before it are found, and TA-Lib's
# candlestick rules have the candles they compare (at most 5 plus a 10-bar trend average).
WARM_UP_BARS = 300
STATS_MAX_BARS = 200_000  # a record covers at most the last 200,000 bars (139 days of 1m bars)
# A record stays right until the history changes; with live candles stored every few seconds it would
# never be served, so one computed within the hour is kept through changes.
STATS_FRESH_SECONDS = 3600.0
STATS_TTL, JOB_POINTER_TTL = 86_400.0, 3600.0


def _utc(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


LAST_EPOCH = 253_402_214_400  # 9999-12-31T00:00:00Z: a later time has no datetime to show it


def _epoch(value: datetime) -> int:
    """Epoch seconds of a time (naive: UTC), within 1970..9999 so that every bar time can be shown."""
    seconds = int((value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp())
    return min(max(seconds, 0), LAST_EPOCH)


def _invalid(exc: chart.PatternError) -> AppError:
    return AppError(ErrorCode.VALIDATION_ERROR, str(exc), field=exc.field)


def catalog() -> PatternCatalog:
    """TA-Lib's 61 candlestick patterns and our chart kinds, each with its title and direction."""
    return PatternCatalog(
        candles=[CandlePatternInfo.model_validate(p, from_attributes=True) for p in candles.PATTERNS],
        chart=[ChartKindInfo(kind=k, title=t, direction=d) for k, (t, d) in CHART_KINDS.items()],
    )


def _time_price(ts: int, price: float) -> TimePrice:
    return TimePrice(time=_utc(ts), price=price)


def _line(line: Line) -> ChartLine:
    return ChartLine(
        label=line.label, from_=_time_price(line.ts1, line.price1), to=_time_price(line.ts2, line.price2)
    )


def _chart_out(d: Detection) -> ChartFound:
    return ChartFound(
        kind=d.kind,
        title=CHART_KINDS[d.kind][0],
        direction=d.direction,
        start=_utc(d.start.ts),
        end=_utc(d.end.ts),
        breakout_level=d.breakout_level,
        target=d.target,
        confidence=d.confidence,
        points=[ChartPoint(time=_utc(p.ts), price=p.price, label=p.label) for p in d.points],
        lines=[_line(line) for line in d.lines],
    )


def _level_out(level: Level) -> LevelOut:
    return LevelOut(
        price=level.price,
        kind=level.kind,
        touches=len(level.touches),
        strength=level.strength,
        first_touch=_utc(level.first.ts),
        last_touch=_utc(level.last.ts),
    )


def _trend_line_out(t: TrendLine) -> TrendLineOut:
    channel = None
    if t.channel is not None:
        c = t.channel
        channel = Segment(from_=_time_price(c.ts1, c.price1), to=_time_price(c.ts2, c.price2))
    return TrendLineOut(
        kind=t.kind,
        touches=len(t.touches),
        from_=_time_price(t.line.ts1, t.line.price1),
        to=_time_price(t.line.ts2, t.line.price2),
        channel=channel,
    )


async def _range_end(session: AsyncSession, symbol: str, interval: str, step: int) -> int:
    span = await market_service.stored_span(session, symbol, interval)
    return span[1] + step if span is not None else _epoch(utcnow())


async def find(
    session: AsyncSession,
    symbol: str,
    interval: str,
    start: datetime | None,
    end: datetime | None,
    kinds: str | None,
    bars: int = DEFAULT_BARS,
) -> PatternsOut:
    """The candlestick signals, chart patterns, levels and trend lines of the stored bars opening in
    [start, end) (default: the `bars` bars up to the latest stored one), read with WARM_UP_BARS bars before
    and nothing after. Signals and patterns are reported when their bar (a chart pattern's completion bar)
    is in the range; levels and trend lines are those of the last bar."""
    asset = await market_service.resolve(session, symbol)
    step = market_service.parse_interval(interval)
    try:
        selection = select(kinds)
    except chart.PatternError as exc:
        raise _invalid(exc) from exc
    stop = _epoch(end) if end is not None else await _range_end(session, asset.symbol, interval, step)
    first = _epoch(start) if start is not None else stop - bars * step
    market_service.check_range(first, stop, step, interval, MAX_BARS, "bars")
    first = max(-(-first // step) * step, 0)  # the first bar opening at or after `from`, not before 1970
    stop = max(stop, first)
    _, raw = await market_service.load_candles(
        session, asset.symbol, interval, max(first - WARM_UP_BARS * step, 0), stop
    )
    series = to_series(raw)
    offset = int(np.searchsorted(series.ts, first))
    in_range = len(series) - offset
    used = sorted(set(raw.source[offset:]))
    out = PatternsOut(
        symbol=asset.symbol,
        interval=interval,
        from_=_utc(first),
        to=_utc(stop),
        bars=in_range,
        source=used[0].upper() if len(used) == 1 else ("MIXED" if used else "NONE"),
        as_of=min(_utc(int(series.ts[-1]) + step), utcnow()) if in_range else None,
        note=None,
        candles=[],
        chart=[],
        levels=[],
        trend_lines=[],
    )
    if not in_range:
        out.note = f"No {interval} candles of {asset.symbol} in the range"
        return out
    # Up to 20,300 bars: ~0.3 s of CPU with every pattern (40,000 signals), kept off the event loop.
    await asyncio.to_thread(_detect, out, series, offset, selection)
    return out


async def find_json(
    session: AsyncSession,
    symbol: str,
    interval: str,
    start: datetime | None,
    end: datetime | None,
    kinds: str | None,
) -> str:
    """`find`'s answer as JSON, serialised off the event loop (a wide range is megabytes of it)."""
    out = await find(session, symbol, interval, start, end, kinds)
    return await asyncio.to_thread(out.model_dump_json, by_alias=True)


def _detect(out: PatternsOut, series: Series, offset: int, selection: Selection) -> None:
    columns = (series.open, series.high, series.low, series.close)
    if selection.candles:
        for hit in candles.found(*columns, last_n=out.bars, names=selection.candles):
            pattern = candles.CATALOG[hit.name]
            out.candles.append(
                CandleFound(
                    pattern=hit.name,
                    title=pattern.title,
                    direction=signal_direction(pattern, hit.signal),
                    signal=hit.signal,
                    time=_utc(int(series.ts[hit.bar])),
                    price=float(series.close[hit.bar]),
                )
            )
    if selection.scans_chart:
        _chart_part(out, series.ts, *columns, offset, selection)


def _chart_part(
    out: PatternsOut, ts: Any, o: Any, h: Any, lo: Any, c: Any, offset: int, chosen: Selection
) -> None:
    if out.bars < chart.MIN_BARS:
        out.note = f"{out.bars} bars in the range: chart patterns need at least {chart.MIN_BARS}"
        return
    scan = chart.detect(ts, o, h, lo, c, kinds=chosen.chart)
    out.chart = [_chart_out(d) for d in scan.detections if d.end.index >= offset]
    out.levels = [_level_out(level) for level in scan.levels] if chosen.levels else []
    out.trend_lines = [_trend_line_out(t) for t in scan.trend_lines] if chosen.trend_lines else []
    out.note = scan.note


def _stats_key(symbol: str, interval: str, pattern: str) -> str:
    return f"patterns:stats:{symbol}:{interval}:{pattern}"


async def _checked(session: AsyncSession, symbol: str, interval: str, pattern: str) -> tuple[str, str]:
    asset = await market_service.resolve(session, symbol)
    market_service.parse_interval(interval)
    try:
        return asset.symbol, pattern_of(pattern)
    except chart.PatternError as exc:
        raise _invalid(exc) from exc


def _valid(entry: Any, version: int) -> PatternStatsOut | None:
    if not isinstance(entry, dict):
        return None
    record = PatternStatsOut.model_validate(entry["stats"])
    fresh = (utcnow() - record.computed_at).total_seconds() < STATS_FRESH_SECONDS
    return record if entry.get("version") == version or fresh else None


async def _cached(runtime: Runtime, symbol: str, interval: str, pattern: str) -> PatternStatsOut | None:
    entry = await runtime.cache.get(_stats_key(symbol, interval, pattern))
    if entry is None:
        return None
    return _valid(entry, await market_service.history_version(runtime.cache, symbol))


async def cached_stats(
    runtime: Runtime, symbol: str, interval: str, patterns: list[str]
) -> dict[str, PatternStatsOut]:
    """The records of these patterns (as `find` names them) on a resolved symbol that are cached and still
    right (see `stats`); never computes one."""
    names = sorted(set(patterns))
    entries = await runtime.cache.get_many([_stats_key(symbol, interval, name) for name in names])
    version = await market_service.history_version(runtime.cache, symbol)
    found = {}
    for name, entry in zip(names, entries, strict=True):
        record = _valid(entry, version)
        if record is not None:
            found[name] = record
    return found


async def stats(
    runtime: Runtime, session: AsyncSession, caller_id: int, symbol: str, pattern: str, interval: str
) -> PatternStatsOut | StatsJob:
    """The pattern's record on the symbol's stored history of `interval`, when cached; otherwise the job
    computing it (the caller's running one, or a new one). Cached until the history changes, but at least
    STATS_FRESH_SECONDS after it was computed."""
    symbol, name = await _checked(session, symbol, interval, pattern)
    cached = await _cached(runtime, symbol, interval, name)
    if cached is not None:
        return cached
    if await market_service.stored_span(session, symbol, interval) is None:
        raise AppError(ErrorCode.NO_DATA, f"No {interval} candles of {symbol} are stored", field="symbol")
    pointer = f"{_stats_key(symbol, interval, name)}:job:{caller_id}"
    job_id = await runtime.cache.get(pointer)
    job = await session.get(Job, job_id) if isinstance(job_id, str) else None
    if job is not None and job.status in (JobStatus.PENDING, JobStatus.RUNNING, JobStatus.FAILED):
        if job.status == JobStatus.FAILED:  # said once, with its error at the job URL; the next GET retries
            await runtime.cache.delete(pointer)
        return StatsJob(job_id=job.id, status=job.status, job_url=f"/api/jobs/{job.id}")
    args = {"symbol": symbol, "interval": interval, "pattern": name}
    job = await job_service.enqueue(runtime, session, "patterns.stats", args, user_id=caller_id)
    await runtime.cache.set(pointer, job.id, ttl=JOB_POINTER_TTL)
    return StatsJob(job_id=job.id, status=job.status, job_url=f"/api/jobs/{job.id}")


async def compute_stats(runtime: Runtime, symbol: str, interval: str, pattern: str) -> dict[str, Any]:
    """The `patterns.stats` job: the record computed on the stored history (its last STATS_MAX_BARS bars),
    cached and returned as JSON; a record still right is returned as it is."""
    async with runtime.db.session() as session:
        cached = await _cached(runtime, symbol, interval, pattern)
        if cached is not None:
            return cached.model_dump(mode="json", by_alias=True)
        version = await market_service.history_version(runtime.cache, symbol)
        step = market_service.parse_interval(interval)
        span = await market_service.stored_span(session, symbol, interval)
        if span is None:
            raise AppError(ErrorCode.NO_DATA, f"No {interval} candles of {symbol} are stored", field="symbol")
        start = max(span[0], span[1] - (STATS_MAX_BARS - 1) * step)
        _, raw = await market_service.load_candles(session, symbol, interval, start, span[1] + step)
    series = to_series(raw)
    columns = (series.ts, series.open, series.high, series.low, series.close)
    found = await asyncio.to_thread(pattern_stats.occurrences, pattern, *columns)
    figures = pattern_stats.horizons(series.close, found)
    title, direction = (
        (candles.CATALOG[pattern].title, candles.CATALOG[pattern].direction)
        if pattern in candles.CATALOG
        else CHART_KINDS[pattern]
    )
    record = PatternStatsOut(
        symbol=symbol,
        pattern=pattern,
        title=title,
        direction=direction,
        interval=interval,
        bars=len(series),
        from_=_utc(int(series.ts[0]) if len(series) else start),
        to=_utc((int(series.ts[-1]) if len(series) else span[1]) + step),
        count=len(found.index),
        horizons=[HorizonOut.model_validate(h, from_attributes=True) for h in figures],
        computed_at=utcnow(),
    )
    body = record.model_dump(mode="json", by_alias=True)
    await runtime.cache.set(
        _stats_key(symbol, interval, pattern), {"version": version, "stats": body}, ttl=STATS_TTL
    )
    return body
