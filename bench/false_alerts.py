"""False and missed alert triggers: real recorded prices with injected bad ticks (spikes, zeros, stale
repeats) through the ingest pipeline's validation and the alert engine, against the clean prices' triggers.

200 CROSSING EVERY_TIME alerts at levels across the range of 30 days of real BTC-USD 1m closes (bundled
replay recording). Each close becomes a tick; one tick in 20 is followed by a bad one: a +-30% spike, a zero,
or a repeat of a price from ten minutes earlier with its old timestamp. The clock follows the ticks.
Reported: false triggers / all triggers (seed < 5%, goal 0) and missed true triggers (goal 0).
Run: backend/.venv/bin/python bench/false_alerts.py
"""

from __future__ import annotations

import asyncio
import logging
import random
from datetime import UTC, datetime
from decimal import Decimal

from alert_support import insert_alerts
from support import embedded

from app.alerts.worker import AlertEngine
from app.core.bootstrap import build_runtime
from app.core.clock import FrozenClock, set_clock
from app.core.marketdata import Tick
from app.market import recordings
from app.market.ingest import IngestPipeline

SYMBOL = "BTC-USD"
ALERTS = 200
BAD_EVERY = 20


def reference(closes: list[float], levels: list[float]) -> set[tuple[int, int]]:
    """(alert index, tick index) of every crossing of the clean closes: what must fire, and only that."""
    fired = set()
    for a, level in enumerate(levels):
        above = closes[0] >= level
        for i, price in enumerate(closes[1:], start=1):
            if (price >= level) != above:
                above = price >= level
                fired.add((a, i))
    return fired


async def main() -> None:
    logging.disable(logging.WARNING)
    data = recordings.load(SYMBOL, "1m")
    stamps, closes = [int(t) for t in data.ts], [float(c) for c in data.close]
    rng = random.Random(3)
    low, high = min(closes), max(closes)
    levels = [round(rng.uniform(low, high), 2) for _ in range(ALERTS)]
    clock = FrozenClock(datetime.fromtimestamp(stamps[0], UTC))
    previous = set_clock(clock)
    try:
        async with embedded(market_sources=[]) as settings, build_runtime(settings, role="cli") as runtime:
            rules = [(SYMBOL, "CROSSING", Decimal(str(level))) for level in levels]
            async with runtime.db.session() as session:
                ids = await insert_alerts(session, clock.now(), closes[0], rules)
            index = {alert_id: a for a, alert_id in enumerate(ids)}
            pipeline = IngestPipeline(runtime, known_symbols={SYMBOL})
            engine = AlertEngine(runtime)
            await engine.start()
            got: set[tuple[int, int]] = set()
            bad_sent = bad_rejected = 0
            for i, (ts, price) in enumerate(zip(stamps, closes, strict=True)):
                clock.set(datetime.fromtimestamp(ts, UTC))
                ticks = [Tick(SYMBOL, price, 1.0, float(ts), "replay", float(ts))]
                if i % BAD_EVERY == BAD_EVERY - 1 and i > 10:
                    kind = (i // BAD_EVERY) % 3
                    bad = (price * rng.choice((0.7, 1.3)), 0.0, closes[i - 10])[kind]
                    bad_ts = float(ts) if kind < 2 else float(stamps[i - 10])
                    ticks.append(Tick(SYMBOL, bad, 1.0, bad_ts, "replay", float(ts)))
                    bad_sent += 1
                verdicts = await pipeline.ingest(ticks)
                bad_rejected += sum(v is not None for v in verdicts[1:])
                for alert_id in await _drain(engine):
                    got.add((index[alert_id], i))
            await engine.stop()
    finally:
        set_clock(previous)
    truth = reference(closes, levels)
    false, missed = got - truth, truth - got
    share = len(false) / max(1, len(got))
    print(
        f"{len(closes):,} real {SYMBOL} 1m closes, {ALERTS} CROSSING alerts, "
        f"{bad_sent:,} bad ticks injected ({bad_rejected:,} rejected by validation)"
    )
    print(
        f"  triggers {len(got):,}  true {len(truth):,}  false {len(false)} ({share:.2%}; seed < 5%, goal 0)  "
        f"missed {len(missed)} (goal 0)"
    )


async def _drain(engine: AlertEngine) -> list[int]:
    """Let the engine take the prices the pipeline just published; the ids it fired."""
    fired: list[int] = []
    original = engine.on_price

    async def recording(symbol: str, price: float, ts: float, source: str) -> list[int]:
        result = await original(symbol, price, ts, source)
        fired.extend(result)
        return result

    engine.on_price = recording  # type: ignore[method-assign]
    for _ in range(3):
        await asyncio.sleep(0)
    engine.on_price = original  # type: ignore[method-assign]
    return fired


if __name__ == "__main__":
    asyncio.run(main())
