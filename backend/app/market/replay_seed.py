"""The replay's durable side: its anchor (kept in the database) and the history it stores on start-up."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from app.core.clock import isoformat_z, utcnow
from app.core.marketdata import INTERVALS, Tick, align
from app.core.runtime import Runtime
from app.market import repository
from app.market.arrays import CandleArrays
from app.market.ingest import IngestPipeline
from app.market.models import MarketState
from app.market.recordings import NotRecorded
from app.market.replay_clock import describe, history_arrays
from app.market.repository import CandleRow
from app.market.service import bump_history_version
from app.market.sources.replay import NAME, ReplaySource, live_minutes

log = logging.getLogger(__name__)

ANCHOR_KEY = "replay_anchor"
CHUNK = 20_000  # rows per transaction while seeding


async def load_anchor(runtime: Runtime) -> datetime:
    """The moment this install first replayed; made and stored on the first start."""
    async with runtime.db.session() as session:
        state = await session.get(MarketState, ANCHOR_KEY)
        if state is None:
            anchor = utcnow()
            session.add(MarketState(key=ANCHOR_KEY, value={"anchor": isoformat_z(anchor)}, updated_at=anchor))
            return anchor
        return datetime.fromisoformat(state.value["anchor"].replace("Z", "+00:00"))


def _rows(symbol: str, interval: str, start: int, end: int, anchor: datetime) -> list[CandleRow]:
    arrays = history_arrays(symbol, interval, start, end, anchor)
    return [
        CandleRow(symbol, interval, NAME, int(t), o, h, lo, c, v)
        for t, o, h, lo, c, v in zip(
            arrays.ts.tolist(),
            arrays.open.tolist(),
            arrays.high.tolist(),
            arrays.low.tolist(),
            arrays.close.tolist(),
            arrays.volume.tolist(),
            strict=True,
        )
    ]


async def seed_history(
    runtime: Runtime, symbols: list[str], anchor: datetime, progress: dict[str, Any], until: float
) -> int:
    """Store the shifted history of every replayed symbol and interval up to the current bar.

    Resumes from what is stored, so a restart only fills the time the server was down, and re-running
    writes nothing twice (upserts on the candle key). `until` is where the live replay starts: the one
    boundary between stored history and live bars, decided once.
    """
    now = int(until)
    written = 0
    for symbol in symbols:
        info = describe(symbol, anchor)
        finest = INTERVALS[info.interval]
        for interval, step in INTERVALS.items():
            if step < finest:
                continue
            end = align(now, interval)  # the open bar, and everything after, is the live pipeline's
            async with runtime.db.session() as session:
                # Only what precedes `end` says where to resume: live bars may already be stored.
                last = await repository.latest_open_time(session, symbol, interval, NAME, before=end)
            start = int(last.timestamp()) + step if last else int(info.history_from.timestamp())
            if start >= end:
                continue
            try:
                rows = _rows(symbol, interval, start, end, anchor)
            except NotRecorded:
                continue
            for first in range(0, len(rows), CHUNK):
                async with runtime.db.session() as session:
                    await repository.upsert_candles(session, rows[first : first + CHUNK])
                written += len(rows[first : first + CHUNK])
                progress["rowsWritten"] = written
            progress.setdefault("done", []).append(f"{symbol} {interval}")
        await bump_history_version(runtime.cache, {symbol})
    progress["finishedAt"] = isoformat_z(utcnow())
    log.info("replay history stored: %d candles", written)
    return written


def minute_ticks(symbol: str, bars: CandleArrays, received: float) -> list[Tick]:
    """Four ticks per whole minute that build exactly its bar: open, the extremes in the path's order,
    close carrying the minute's volume (priming needs the bars, not the two a second of the live feed)."""
    ticks: list[Tick] = []
    rows = zip(bars.ts.tolist(), bars.open.tolist(), bars.high.tolist(), bars.low.tolist(),
               bars.close.tolist(), bars.volume.tolist(), strict=True)  # fmt: skip
    for t, o, h, lo, c, v in rows:
        first, second = (lo, h) if c >= o else (h, lo)
        for offset, price, volume in ((0, o, 0.0), (15, first, 0.0), (30, second, 0.0), (45, c, v)):
            ticks.append(Tick(symbol, price, volume, t + offset, NAME, received))
    return ticks


def prime_open_bars(pipeline: IngestPipeline, symbols: list[str], anchor: datetime, until: float) -> None:
    """Give the candle builder today's replayed minutes up to `until`, so today's open bars are whole."""
    start, end = align(until, "1d"), align(until, "1m")
    received = utcnow().timestamp()
    ticks: list[Tick] = []
    for symbol in symbols:
        ticks.extend(minute_ticks(symbol, live_minutes(symbol, start, end, anchor), received))
    ticks.sort(key=lambda t: t.ts)
    pipeline.candles.prime(ticks, until)


async def prepare(runtime: Runtime, pipeline: IngestPipeline, source: ReplaySource) -> dict[str, Any]:
    """Anchor the replay and prime its open bars; returns the progress record the seeding task fills."""
    source.anchor = await load_anchor(runtime)
    source.start = float(align(utcnow().timestamp(), "1m"))
    prime_open_bars(pipeline, source.symbols, source.anchor, source.start)
    return {"startedAt": isoformat_z(utcnow()), "rowsWritten": 0, "until": source.start}
