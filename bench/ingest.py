"""Ingest benchmark: ticks/s through validation + candles + bus + persistence, embedded and PostgreSQL.

A realistic stream (a random walk per symbol, about 20 ticks a second each, across 6 hours of event time)
goes through IngestPipeline.ingest in batches of 500, and closed candles are flushed to the database as
the live pipeline does. The reference is the bare loop over the same ticks (no work) in the same process.
Goal of the issue: at least 100,000 ticks/s in-process on one core.

Pushed ticks (POST /api/data/ticks, issue 14 item 13): the handler's work, with an alert engine running and
CROSSING alerts around the prices. One pusher per symbol (8 at once) sends PUSH_BATCH ticks per push. The
reference is the old answer (validate and publish: `pipeline.ingest`) on the first half of the stream; then
`MarketRunner.accept` (the same, plus waiting for the alert engine's commit and the ticks' group commit)
on the second half, in the same process. Printed: pushes/s, ticks/s, the answer's p50/p99 latency, and
CPU seconds per 1,000 ticks of this process (steadier than wall time on a shared machine; the database
and Redis servers' CPU is not in it).
Run: backend/.venv/bin/python bench/ingest.py
"""

from __future__ import annotations

import asyncio
import os
import resource
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from decimal import Decimal

import numpy as np
from alert_support import insert_alerts
from sqlalchemy import func, select
from support import embedded, postgres

from app.alerts.models import AlertTrigger
from app.alerts.worker import AlertEngine
from app.config import Settings
from app.core.bootstrap import build_runtime
from app.core.clock import FrozenClock, set_clock
from app.core.marketdata import Tick
from app.market.ingest import IngestPipeline
from app.market.models import PushedTick
from app.market.runner import MarketRunner

SYMBOLS = ["BTC-USD", "ETH-USD", "SOL-USD", "XRP-USD", "ADA-USD", "DOGE-USD", "BNB-USD", "LINK-USD"]
TICKS = int(os.environ.get("BENCH_TICKS", "400000"))
BATCH = 500
START = 1_767_225_600.0  # 2026-01-01T00:00:00Z
PUSH_TICKS = int(os.environ.get("BENCH_PUSH_TICKS", "16000"))
PUSH_BATCH = int(os.environ.get("BENCH_PUSH_BATCH", "10"))
LEVELS = 20  # CROSSING alerts per symbol, 0.2% apart around its starting price


def make_ticks() -> list[Tick]:
    rng = np.random.default_rng(1)
    per = TICKS // len(SYMBOLS)
    times = START + np.sort(rng.uniform(0, 6 * 3600, per))
    ticks: list[Tick] = []
    for i, symbol in enumerate(SYMBOLS):
        prices = (100 + 50 * i) * np.exp(np.cumsum(rng.normal(0, 0.0005, per)))
        volumes = rng.exponential(0.5, per)
        ticks.extend(
            Tick(symbol, float(p), float(v), float(t), "bench", float(t), None)
            for p, v, t in zip(prices, volumes, times, strict=True)
        )
    ticks.sort(key=lambda t: t.ts)
    return ticks


async def run(label: str, settings: Settings, ticks: list[Tick]) -> float:
    clock = FrozenClock()
    previous = set_clock(clock)
    try:
        async with build_runtime(settings, role="cli") as runtime:
            pipeline = IngestPipeline(runtime, set(SYMBOLS))
            written = 0
            started = time.perf_counter()
            for i in range(0, len(ticks), BATCH):
                batch = ticks[i : i + BATCH]
                clock.set(datetime.fromtimestamp(batch[-1].ts, UTC))  # the stream's event time is "now"
                await pipeline.ingest(batch)
                if len(pipeline.pending) >= 2000:
                    written += await pipeline.flush()
            written += await pipeline.flush()
            elapsed = time.perf_counter() - started
            rate = len(ticks) / elapsed
            accepted = sum(f.accepted for f in pipeline.feeds.values())
            print(
                f"{label:9} {rate:10,.0f} ticks/s  ({elapsed:.2f} s, {accepted:,} accepted, "
                f"{written:,} candles written)"
            )
            return rate
    finally:
        set_clock(previous)


Push = Callable[[list[Tick]], Awaitable[object]]


async def _pushes(
    label: str, clock: FrozenClock, push: Push, ticks: list[Tick], settle: Callable[[], Awaitable[None]]
) -> tuple[float, float]:
    """Each symbol's ticks pushed in order by its own pusher, all at once; (ticks/s, CPU per tick)."""
    latencies: list[float] = []

    async def pusher(symbol: str) -> None:
        mine = [t for t in ticks if t.symbol == symbol]
        for i in range(0, len(mine), PUSH_BATCH):
            batch = mine[i : i + PUSH_BATCH]
            clock.set(max(clock.now(), datetime.fromtimestamp(batch[-1].ts, UTC)))
            started = time.perf_counter()
            await push(batch)
            latencies.append(time.perf_counter() - started)

    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(pusher(symbol) for symbol in SYMBOLS))
    await settle()  # the old answer left its triggers to be written after it: count that work too
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    p50, p99 = np.percentile(np.array(latencies) * 1000, [50, 99])
    rate = len(ticks) / wall
    print(
        f"  {label:28} {len(latencies) / wall:7,.0f} pushes/s {rate:8,.0f} ticks/s  "
        f"p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  CPU {cpu / len(ticks) * 1e6:6.1f} us/tick"
    )
    return rate, cpu / len(ticks)


async def run_pushes(label: str, settings: Settings, ticks: list[Tick]) -> None:
    clock = FrozenClock()
    clock.set(datetime.fromtimestamp(ticks[0].ts, UTC))
    previous = set_clock(clock)
    try:
        async with build_runtime(settings, role="cli") as runtime:
            firsts = {s: next(t.price for t in ticks if t.symbol == s) for s in SYMBOLS}
            rules = [
                (s, "CROSSING", Decimal(str(round(p * (1 + 0.002 * (k - LEVELS // 2)), 6))))
                for s, p in firsts.items()
                for k in range(LEVELS)
            ]
            async with runtime.db.session() as session:
                await insert_alerts(session, clock.now(), ticks[0].price, rules)
            engine = AlertEngine(runtime)
            await engine.start()
            runner = MarketRunner(runtime, [])
            runner.pipeline.set_known_symbols(set(SYMBOLS))
            half = len(ticks) // 2
            print(f"{label}: {len(rules):,} alerts, pushes of {PUSH_BATCH} ticks, one pusher per symbol")
            old, new, settle = runner.pipeline.ingest, runner.accept, engine.flush
            old_rate, old_cpu = await _pushes("reference: ingest (old)", clock, old, ticks[:half], settle)
            new_rate, new_cpu = await _pushes("durable: accept (new)", clock, new, ticks[half:], settle)
            await engine.stop()
            async with runtime.db.session() as session:
                stored = await session.scalar(select(func.count()).select_from(PushedTick))
                fired = await session.scalar(select(func.count()).select_from(AlertTrigger))
            print(
                f"  durable / reference: {new_rate / old_rate:.3f}x ticks/s, "
                f"{new_cpu / old_cpu:.2f}x CPU per tick; {stored:,} ticks stored, {fired:,} triggers recorded"
            )
    finally:
        set_clock(previous)


async def main() -> None:
    ticks = make_ticks()
    started = time.perf_counter()
    for tick in ticks:
        _ = tick.price
    baseline = len(ticks) / (time.perf_counter() - started)
    print(f"reference {baseline:10,.0f} ticks/s  (bare loop over the same {len(ticks):,} ticks)")
    async with embedded() as settings:
        rate = await run("embedded", settings, ticks)
    verdict = "met" if rate >= 1e5 else "NOT met"
    print(f"          {rate / baseline:.3f}x reference; goal 100,000 ticks/s: {verdict}")
    async with postgres() as settings:
        if settings is not None:
            await run("postgres", settings, ticks)
    pushed = ticks[:PUSH_TICKS]
    async with embedded() as settings:
        await run_pushes("pushes, embedded (SQLite, in-process bus)", settings, pushed)
    async with postgres(redis_url=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")) as settings:
        if settings is not None:
            await run_pushes("pushes, cluster (PostgreSQL, Redis bus)", settings, pushed)
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    asyncio.run(main())
