"""Technical analysis benchmark: p95 of POST /api/analysis/technical and of its chart, SQLite and PostgreSQL.

3 indicators (RSI, MACD, BOLLINGER_BANDS) x 3 timeframes (1h, 4h, 1d) x 90 days, over one year of stored 1h
candles (4h and 1d resampled on the fly), through the ASGI app in-process. Goals of the issue: p95 under
50 ms without the chart, chart rendering under 300 ms.
Only 1h candles are stored here, so 4h and 1d are resampled from them: the worst case (the ingest pipeline
stores every interval). matplotlib is imported before timing, as `cryptomon serve` does at start.
Run: backend/.venv/bin/python bench/technical.py
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

RUNS = int(os.environ.get("BENCH_RUNS", "30"))
START = 1_735_689_600  # 2025-01-01T00:00:00Z
HOURS = 8760
BODY = {
    "symbol": "ETH-USD",
    "indicators": ["RSI", "MACD", "BOLLINGER_BANDS"],
    "timeframes": ["1h", "4h", "1d"],
    "period": "90d",
    "to": "2026-01-01T00:00:00Z",
}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def bench(label: str, settings: Settings) -> None:
    rng = np.random.default_rng(9)
    closes = 3000 * np.exp(np.cumsum(rng.normal(0, 0.006, HOURS)))
    rows = [
        CandleRow(
            "ETH-USD",
            "1h",
            "binance",
            START + i * 3600,
            float(c),
            float(c) * 1.003,
            float(c) * 0.997,
            float(c),
            100.0,
        )
        for i, c in enumerate(closes)
    ]
    async with build_runtime(settings, role="cli") as runtime, runtime.db.session() as session:
        await repository.upsert_candles(session, rows)
    app = create_app(settings)
    async with (
        LifespanManager(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client,
    ):
        reg = await client.post(
            "/api/auth/register", json={"email": "t@example.com", "password": "bench-password"}
        )
        headers = {"Authorization": f"Bearer {reg.json()['data']['tokens']['accessToken']}"}
        analysis, charts, cached, urls = [], [], [], []
        for run in range(RUNS):
            # A different end each run: every chart URL is new, so its first GET really draws it.
            body = {**BODY, "to": f"2025-12-{31 - run % 30:02d}T00:00:00Z"}
            t0 = time.perf_counter()
            response = await client.post("/api/analysis/technical", json=body, headers=headers)
            analysis.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, response.text
            urls.append(response.json()["data"]["chartUrl"])
        for url in urls[: max(5, RUNS // 3)]:
            for times in (charts, cached):
                t0 = time.perf_counter()
                chart = await client.get(url)
                times.append((time.perf_counter() - t0) * 1000)
                assert chart.status_code == 200
    for name, times, goal in (
        ("analysis (3x3x90d)", analysis, 50),
        ("chart drawn (1d)", charts, 300),
        ("chart cached", cached, 300),
    ):
        p95 = pct(times, 0.95)
        print(
            f"{label:8} {name:19} p50 {statistics.median(times):6.1f} ms  p95 {p95:6.1f} ms  "
            f"goal {goal} ms: {'met' if p95 < goal else 'NOT met'}"
        )


async def main() -> None:
    import importlib
    import logging

    importlib.import_module("app.analysis.charts")
    logging.disable(logging.INFO)
    async with embedded(login_ip_limit=10**6) as settings:
        await bench("sqlite", settings)
    async with postgres(login_ip_limit=10**6) as settings:
        if settings is not None:
            await bench("postgres", settings)


if __name__ == "__main__":
    asyncio.run(main())
