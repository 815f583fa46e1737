"""Alert engine throughput: ticks/s through the whole engine (rules, state, trigger records) with 100,000
active alerts over 50 symbols, next to the same with 1,000: the ratio shows idle alerts cost nothing.

Alerts are PRICE_ABOVE/PRICE_BELOW/CROSSING, EVERY_TIME; ticks are a seeded random walk per symbol. Three
runs: 1,000 alerts up to 30% from the price; the same 1,000 plus 99,000 idle ones 10-30% away (the ratio
of these two is the cost of idle alerts); and 100,000 alerts up to 30% away, where many more are crossed.
Timing covers evaluation and the commit of every trigger (alert state, trigger row, notification rows) by
the engine's writer, on SQLite. Goal of the issue: >= 250,000 ticks/s at 100,000
alerts and a 100k/1k ratio above 0.8.
Run: backend/.venv/bin/python bench/alert_engine.py
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import time
from decimal import Decimal

from alert_support import insert_alerts
from sqlalchemy import text
from support import embedded

from app.alerts.worker import AlertEngine
from app.core.bootstrap import build_runtime
from app.core.clock import utcnow

TICKS = int(os.environ.get("BENCH_TICKS", "500000"))
SYMBOLS = ["BTC-USD", *(f"SYM{i:02d}-USD" for i in range(49))]
CONDITIONS = ("PRICE_ABOVE", "PRICE_BELOW", "CROSSING")


def _level(rng: random.Random, condition: str, idle: bool) -> Decimal:
    """A level on the side the rule waits for (above for PRICE_ABOVE, below for PRICE_BELOW, either for
    CROSSING): live ones up to 30% from the price, idle ones 10-30% away (the walk moves about 0.2%)."""
    away = rng.uniform(0.1, 0.3) if idle else rng.uniform(0.0, 0.3)
    above = condition == "PRICE_ABOVE" or (condition == "CROSSING" and rng.random() < 0.5)
    return Decimal(f"{100.0 * (1 + away if above else 1 - away):.6f}")


async def run(live: int, idle: int = 0) -> tuple[float, int]:
    alerts = live + idle
    async with embedded() as settings, build_runtime(settings, role="cli") as runtime:
        now = utcnow()
        rng, idle_rng = random.Random(1), random.Random(2)
        rules = [
            (
                SYMBOLS[i % len(SYMBOLS)],
                CONDITIONS[i % 3],
                _level(rng if i < live else idle_rng, CONDITIONS[i % 3], i >= live),
            )
            for i in range(alerts)
        ]
        async with runtime.db.session() as session:
            await insert_alerts(session, now, 100.0, rules)
        engine = AlertEngine(runtime)
        await engine.start()
        walk = random.Random(7)
        prices = dict.fromkeys(SYMBOLS, 100.0)
        ticks = []
        for i in range(TICKS):
            symbol = SYMBOLS[i % len(SYMBOLS)]
            prices[symbol] *= 1.0 + walk.gauss(0.0, 2e-5)
            ticks.append((symbol, prices[symbol]))
        ts = now.timestamp()
        started = time.perf_counter()
        for symbol, price in ticks:
            await engine.on_price(symbol, price, ts, "bench")
        evaluated = time.perf_counter()
        await engine.flush()
        elapsed = time.perf_counter() - started
        writing = elapsed - (evaluated - started)
        spent = f"evaluation {evaluated - started:.2f} s, writing triggers {writing:.2f} s"
        print(f"    ({live + idle:,} alerts: {spent})")
        await engine.stop()
        async with runtime.db.session() as session:
            triggers = int(await session.scalar(text("SELECT count(*) FROM alert_triggers")) or 0)
        return TICKS / elapsed, triggers


async def main() -> None:
    logging.disable(logging.WARNING)
    small, small_triggers = await run(1_000)
    large, large_triggers = await run(1_000, idle=99_000)
    dense, dense_triggers = await run(100_000)
    print(f"{TICKS:,} ticks over {len(SYMBOLS)} symbols (seeded random walk), EVERY_TIME alerts, SQLite")
    print(
        f"  1,000 alerts                     {small:12,.0f} ticks/s  ({small_triggers:,} triggers recorded)"
    )
    print(
        f"  the same + 99,000 idle alerts    {large:12,.0f} ticks/s  ({large_triggers:,} triggers recorded)"
    )
    print(
        f"  100,000 alerts near the price    {dense:12,.0f} ticks/s  ({dense_triggers:,} triggers recorded)"
    )
    ratio = large / small
    print(
        f"  ratio 100k/1k  {ratio:.2f} (goal > 0.8: {'met' if ratio > 0.8 else 'NOT met'}); "
        f"goal >= 250,000 ticks/s at 100k: {'met' if large >= 250_000 else 'NOT met'}"
    )


if __name__ == "__main__":
    asyncio.run(main())
