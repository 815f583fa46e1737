"""Portfolio revaluation benchmark: the PORTFOLIO_UPDATE path after a tick, across 1,000 portfolios.

Goal (issue 15): >= 10,000 portfolio revaluations per second. Measured in one process:
- `Revaluer.on_price` (app/portfolio/revaluer.py, what the watcher runs per tick): 1,000 portfolios each
  holding the 20 symbols (random quantities), BENCH_TICKS ticks (default 300) of random symbols moving
  +-1%, so each tick revalues 1,000 portfolios. Printed: revaluations/s, with the interval at 0 (every move
  of 0.1% sent);
- the reference in the same loop: a naive revaluation per tick, each holder's value summed again over all its
  holdings (quantity x price), as a tracker without incremental values does. Printed: ours / naive;
- the risk alerts' pass (`risk_rules.judge`, the default ALLOCATION_DRIFT rule per portfolio) over the 1,000
  moved portfolios, per tick: judgements/s;
- the whole path through `PortfolioWatcher.handle` on an embedded app (SQLite): each tick's PORTFOLIO_UPDATE
  events stored (one transaction per tick) and published, BENCH_WATCHER_TICKS ticks (default 20) of 1,000
  updates each: revaluations (and stored updates) per second.

Run: backend/.venv/bin/python bench/portfolio_revaluation.py      (~30 s on 2 cores)
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import statistics
import time
from decimal import Decimal

from asgi_lifespan import LifespanManager
from sqlalchemy import insert
from support import embedded

from app.core.bus import Message
from app.core.bus.messages import PriceTicks, prices
from app.core.clock import utcnow
from app.main import create_app
from app.market.symbols import BUILTIN_ASSETS
from app.portfolio.models import Portfolio, Position
from app.portfolio.revaluer import Revaluer
from app.portfolio.risk_rules import NO_BASELINE, Judged, PortfolioRule, State, judge
from app.portfolio.watcher import PortfolioWatcher
from app.users.models import User

PORTFOLIOS = 1_000
TICKS = int(os.environ.get("BENCH_TICKS", "300"))
WATCHER_TICKS = int(os.environ.get("BENCH_WATCHER_TICKS", "20"))
SYMBOLS = [a.symbol for a in BUILTIN_ASSETS if not a.stablecoin][:20]
GOAL = 10_000


def holdings(seed: int = 7) -> dict[int, dict[str, float]]:
    rng = random.Random(seed)
    return {pid: {s: rng.uniform(0.1, 10.0) for s in SYMBOLS} for pid in range(1, PORTFOLIOS + 1)}


def ticks(prices: dict[str, float], n: int, seed: int = 11) -> list[tuple[str, float]]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        symbol = rng.choice(SYMBOLS)
        prices[symbol] *= 1 + rng.choice((-1, 1)) * 0.01
        out.append((symbol, prices[symbol]))
    return out


def pure() -> None:
    held = holdings()
    start_prices = {s: 100.0 * (i + 1) for i, s in enumerate(SYMBOLS)}
    stream = ticks(dict(start_prices), TICKS)
    revaluer = Revaluer(min_change=0.001, interval=0.0)
    for pid, quantities in held.items():
        revaluer.load(pid, owner=pid, quantities=quantities, invested=0.0, prices=start_prices, now=0.0)
    naive_prices = dict(start_prices)
    ours: list[float] = []
    naive: list[float] = []
    sent = 0
    for i, (symbol, price) in enumerate(stream):
        t0 = time.perf_counter()
        sent += len(revaluer.on_price(symbol, price, now=float(i)))
        ours.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        naive_prices[symbol] = price
        values = {
            pid: sum(q * naive_prices[s] for s, q in quantities.items())
            for pid, quantities in held.items()
            if symbol in quantities
        }
        naive.append(time.perf_counter() - t0)
        assert len(values) == PORTFOLIOS
    our_rate = PORTFOLIOS / statistics.median(ours)
    naive_rate = PORTFOLIOS / statistics.median(naive)
    print(
        f"Revaluer.on_price: {our_rate:,.0f} revaluations/s "
        f"(median tick {statistics.median(ours) * 1e3:.2f} ms "
        f"for {PORTFOLIOS:,} portfolios; {sent:,} updates due over {TICKS} ticks); goal >= {GOAL:,}: "
        f"{'met' if our_rate >= GOAL else 'NOT met'}"
    )
    print(
        f"naive full revaluation: {naive_rate:,.0f} revaluations/s; "
        f"ours / naive = {our_rate / naive_rate:.1f}x"
    )

    targets = {s: 1 / len(SYMBOLS) for s in SYMBOLS}
    rules = {
        pid: [PortfolioRule(pid, pid, "ALLOCATION_DRIFT", None, None, "EVERY_TIME", 3600.0, None)]
        for pid in held
    }
    passes: list[float] = []
    fired = 0
    for _ in range(20):
        t0 = time.perf_counter()
        judged = Judged()
        now = utcnow()
        for pid in held:
            worth = revaluer.worth(pid)
            assert worth is not None
            value, values, _ = worth
            state = State(value, {s: v / value for s, v in values.items()}, targets, 0.05, NO_BASELINE)
            judge(rules[pid], state, now, judged)
        passes.append(time.perf_counter() - t0)
        fired += len(judged.fired)
    rate = PORTFOLIOS / statistics.median(passes)
    print(
        f"risk alerts pass (default drift rule): {rate:,.0f} portfolios judged/s "
        f"({fired:,} firings in 20 passes)"
    )


async def through_the_watcher() -> None:
    held = holdings()
    start_prices = {s: 100.0 * (i + 1) for i, s in enumerate(SYMBOLS)}
    async with embedded(demo_account=False, portfolio_update_seconds=0.0) as settings:
        app = create_app(settings)
        async with LifespanManager(app, startup_timeout=60, shutdown_timeout=60):
            runtime = app.state.runtime
            now = utcnow()
            async with runtime.db.session() as session:
                await session.execute(
                    insert(User),
                    [{"email": "rb@example.com", "password_hash": "x", "role": "USER", "created_at": now}],
                )
                user_id = 1
                await session.execute(
                    insert(Portfolio),
                    [
                        {
                            "user_id": user_id,
                            "name": f"p{pid}",
                            "risk_profile": "MEDIUM",
                            "target_allocations": {},
                            "created_at": now,
                        }
                        for pid in held
                    ],
                )
                await session.execute(
                    insert(Position),
                    [
                        {
                            "portfolio_id": pid,
                            "symbol": s,
                            "quantity": Decimal(str(round(q, 8))),
                            "entry_price": Decimal(1),
                            "entry_date": now,
                            "net_flow": Decimal(0),
                        }
                        for pid, quantities in held.items()
                        for s, q in quantities.items()
                    ],
                )
            for symbol, price in start_prices.items():
                await runtime.cache.set(
                    f"price:{symbol}", {"price": price, "ts": now.timestamp(), "source": "bench"}
                )
            watcher = PortfolioWatcher(runtime)
            await watcher.reload(None)
            assert len(watcher.revaluer) == PORTFOLIOS
            stream = ticks(dict(start_prices), WATCHER_TICKS)
            times = []
            for symbol, price in stream:
                message = PriceTicks(symbol, price, 1.0, time.time(), "bench")
                t0 = time.perf_counter()
                await watcher.handle(Message(prices(symbol), message.encode()))
                times.append(time.perf_counter() - t0)
            rate = PORTFOLIOS / statistics.median(times)
            print(
                f"PortfolioWatcher.handle, SQLite: {rate:,.0f} revaluations/s with every update stored "
                f"and sent (median tick {statistics.median(times) * 1e3:.0f} ms for {PORTFOLIOS:,} "
                f"PORTFOLIO_UPDATEs); "
                f"goal >= {GOAL:,}: {'met' if rate >= GOAL else 'NOT met'}"
            )


async def main() -> None:
    logging.disable(logging.INFO)
    pure()
    await through_the_watcher()


if __name__ == "__main__":
    asyncio.run(main())
