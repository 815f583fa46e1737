"""The default market's cost: the feeds of a fresh install (replay, simulator, peg) for every symbol.

Generates `BENCH_MINUTES` minutes of the default feeds' ticks window by window, as the sources do, then
passes them through IngestPipeline.ingest (validation, candles, bus, flushes) in quarter-second batches,
as `paced.play` hands them over. Reports ticks per second per symbol (the issue's goal: at least one)
and the CPU a real-time second of the whole market costs: generation + ingest, as a share of one core.
Run: backend/.venv/bin/python bench/default_market.py
"""

from __future__ import annotations

import asyncio
import itertools
import os
import time
from collections import Counter
from datetime import UTC, datetime

import numpy as np
from support import embedded

from app.core.bootstrap import build_runtime
from app.core.clock import FrozenClock, set_clock
from app.core.marketdata import Tick
from app.market.ingest import IngestPipeline
from app.market.sources import peg, replay, simulator
from app.market.sources.paced import TickBlock
from app.market.symbols import BUILTIN_ASSETS

MINUTES = int(os.environ.get("BENCH_MINUTES", "10"))
START = 1_796_299_200.0  # 2026-12-03T12:00:00Z
BATCH_SECONDS = 0.25


def windows(settings_: object) -> tuple[dict[str, list[TickBlock]], dict[str, float]]:
    """Each feed's tick blocks, a minute at a time, and the CPU seconds each feed took to make them."""
    from app.config import Settings

    assert isinstance(settings_, Settings)
    anchor = datetime.fromtimestamp(START - 3600, UTC)
    replayed = replay.replayed_symbols(settings_, BUILTIN_ASSETS)
    simulated = simulator.simulated_symbols(settings_, BUILTIN_ASSETS)
    pegged = peg.pegged_symbols(BUILTIN_ASSETS)
    feeds = {
        "replay": lambda a, b: replay.live_block(replayed, anchor, a, b),
        "simulator": lambda a, b: simulator.live_block(settings_.simulator_seed, simulated, a, b),
        "peg": lambda a, b: peg.live_block(pegged, a, b),
    }
    blocks: dict[str, list[TickBlock]] = {name: [] for name in feeds}
    cpu: dict[str, float] = {}
    for name, make in feeds.items():
        started = time.process_time()
        for minute in range(MINUTES):
            a = START + 60 * minute
            blocks[name].append(make(a, a + 60))
        cpu[name] = time.process_time() - started
    return blocks, cpu


async def main() -> None:
    async with embedded(market_sources=["replay", "simulator", "peg"]) as settings:
        blocks, cpu = windows(settings)
        ticks: list[Tick] = []
        for name, parts in blocks.items():
            for block in parts:
                ticks.extend(block.to_ticks(0, len(block), name, 0.0))
        ticks.sort(key=lambda t: t.ts)
        seconds = MINUTES * 60
        per_symbol = Counter(t.symbol for t in ticks)
        every_second = {
            s: len(np.unique(np.floor([t.ts for t in ticks if t.symbol == s]))) == seconds for s in per_symbol
        }
        clock = FrozenClock()
        previous = set_clock(clock)
        try:
            async with build_runtime(settings, role="cli") as runtime:
                pipeline = IngestPipeline(runtime, {a.symbol for a in BUILTIN_ASSETS})
                stamps = np.array([t.ts for t in ticks])
                edges = np.searchsorted(stamps, START + np.arange(0, seconds + BATCH_SECONDS, BATCH_SECONDS))
                started = time.process_time()
                for lo, hi in itertools.pairwise(edges):
                    if hi > lo:
                        clock.set(datetime.fromtimestamp(ticks[hi - 1].ts, UTC))
                        await pipeline.ingest(ticks[lo:hi])
                    if len(pipeline.pending) >= 500:
                        await pipeline.flush()
                await pipeline.flush()
                ingest_cpu = time.process_time() - started
                accepted = sum(f.accepted for f in pipeline.feeds.values())
        finally:
            set_clock(previous)
    rates = np.array(list(per_symbol.values())) / seconds
    print(
        f"{len(per_symbol)} symbols, {MINUTES} min of market time, "
        f"{len(ticks):,} ticks ({accepted:,} accepted)"
    )
    print(f"ticks/s per symbol: min {rates.min():.2f}, median {np.median(rates):.2f}, max {rates.max():.2f}")
    print(f"every second of every symbol has a tick: {all(every_second.values())}")
    print(f"whole market: {len(ticks) / seconds:.0f} ticks/s")
    for name, spent in cpu.items():
        print(f"generation {name:9}: {100 * spent / seconds:5.2f} % of one core")
    print(f"ingest (validate, candles, bus, flush): {100 * ingest_cpu / seconds:5.2f} % of one core")
    total = sum(cpu.values()) + ingest_cpu
    print(f"total: {100 * total / seconds:.2f} % of one core at real time")


if __name__ == "__main__":
    asyncio.run(main())
