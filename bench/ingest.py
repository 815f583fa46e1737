"""Ingest benchmark: ticks/s through validation + candles + bus + persistence, embedded and PostgreSQL.

A realistic stream (a random walk per symbol, about 20 ticks a second each, across 6 hours of event time)
goes through IngestPipeline.ingest in batches of 500, and closed candles are flushed to the database as
the live pipeline does. The reference is the bare loop over the same ticks (no work) in the same process.
Goal of the issue: at least 100,000 ticks/s in-process on one core.
Run: backend/.venv/bin/python bench/ingest.py
"""

from __future__ import annotations

import asyncio
import os
import resource
import time
from datetime import UTC, datetime

import numpy as np
from support import embedded, postgres

from app.config import Settings
from app.core.bootstrap import build_runtime
from app.core.clock import FrozenClock, set_clock
from app.core.marketdata import Tick
from app.market.ingest import IngestPipeline

SYMBOLS = ["BTC-USD", "ETH-USD", "SOL-USD", "XRP-USD", "ADA-USD", "DOGE-USD", "BNB-USD", "LINK-USD"]
TICKS = int(os.environ.get("BENCH_TICKS", "400000"))
BATCH = 500
START = 1_767_225_600.0  # 2026-01-01T00:00:00Z


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
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    asyncio.run(main())
