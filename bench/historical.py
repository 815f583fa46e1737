"""Historical API benchmark: p50/p95 latency of GET /api/data/historical, SQLite and PostgreSQL.

Loads one year of 1h candles (8,760 rows) and one month of 1m candles (43,200 rows) for BTC-USD, then
times the full request (auth, query, JSON) through the ASGI app in-process. The reference is the same
rows read straight from the database with SQLAlchemy Core in the same process, without the API.
"cold" requests follow a write (the page cache is invalidated first); "cached" repeat the same query.
Goal of the issue: p95 under 25 ms for the 1h year.
Run: backend/.venv/bin/python bench/historical.py
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time

import httpx
import numpy as np
from asgi_lifespan import LifespanManager
from support import embedded, postgres

from app.config import Settings
from app.core.bootstrap import build_runtime
from app.main import create_app
from app.market import repository
from app.market.repository import CandleRow
from app.market.service import bump_history_version

RUNS = int(os.environ.get("BENCH_RUNS", "40"))
YEAR_START = 1_735_689_600  # 2025-01-01T00:00:00Z
MONTH_START = 1_764_547_200  # 2025-12-01T00:00:00Z
QUERIES = {
    "1h x 1 year  (8,760)": {
        "interval": "1h",
        "from": "2025-01-01T00:00:00Z",
        "to": "2026-01-01T00:00:00Z",
        "limit": 10000,
    },
    "1m x 1 month (43,200)": {
        "interval": "1m",
        "from": "2025-12-01T00:00:00Z",
        "to": "2025-12-31T00:00:00Z",
        "limit": 50000,
    },
}


def rows(interval: str, start: int, count: int, step: int) -> list[CandleRow]:
    rng = np.random.default_rng(3)
    close = 50000 * np.exp(np.cumsum(rng.normal(0, 0.002, count)))
    out = []
    for i, c in enumerate(close.tolist()):
        o = close[i - 1] if i else c
        out.append(
            CandleRow(
                "BTC-USD",
                interval,
                "binance",
                start + i * step,
                float(o),
                max(o, c) * 1.001,
                min(o, c) * 0.999,
                c,
                float(rng.uniform(1, 100)),
            )
        )
    return out


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def bench(label: str, settings: Settings) -> None:
    async with build_runtime(settings, role="cli") as runtime, runtime.db.session() as session:
        await repository.upsert_candles(session, rows("1h", YEAR_START, 8760, 3600))
        await repository.upsert_candles(session, rows("1m", MONTH_START, 43200, 60))
    app = create_app(settings)
    async with (
        LifespanManager(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client,
    ):
        reg = await client.post(
            "/api/auth/register", json={"email": "b@example.com", "password": "bench-password"}
        )
        headers = {"Authorization": f"Bearer {reg.json()['data']['tokens']['accessToken']}"}
        runtime = app.state.runtime
        for name, params in QUERIES.items():
            step = 3600 if params["interval"] == "1h" else 60
            start = YEAR_START if step == 3600 else MONTH_START
            end = start + (8760 * 3600 if step == 3600 else 43200 * 60)
            api, warm, ref = [], [], []
            query = {"symbol": "BTC-USD", **params}
            for _ in range(RUNS):
                await bump_history_version(runtime.cache, {"BTC-USD"})  # cold: as right after a write
                t0 = time.perf_counter()
                response = await client.get("/api/data/historical", params=query, headers=headers)
                api.append((time.perf_counter() - t0) * 1000)
                t0 = time.perf_counter()
                await client.get("/api/data/historical", params=query, headers=headers)
                warm.append((time.perf_counter() - t0) * 1000)
                t0 = time.perf_counter()
                async with runtime.db.session() as session:
                    await repository.fetch_candles(session, "BTC-USD", params["interval"], start, end, None)
                ref.append((time.perf_counter() - t0) * 1000)
            points = response.json()["data"]["dataPoints"]
            print(
                f"{label:8} {name:22} {points:6} points  cold p50 {statistics.median(api):6.1f} ms "
                f"p95 {pct(api, 0.95):6.1f} ms | cached p50 {statistics.median(warm):5.1f} ms "
                f"p95 {pct(warm, 0.95):5.1f} ms | reference read p50 {statistics.median(ref):6.1f} ms "
                f"(cold API {statistics.median(api) / statistics.median(ref):.2f}x)"
            )


async def main() -> None:
    import logging

    logging.disable(logging.INFO)
    async with embedded() as settings:
        await bench("sqlite", settings)
    async with postgres() as settings:
        if settings is not None:
            await bench("postgres", settings)


if __name__ == "__main__":
    asyncio.run(main())
