"""Alert latency: a tick pushed through POST /api/data/ticks to the ALERT_TRIGGERED frame on the user's
WebSocket, p50/p99 over many triggers, on a real `cryptomon serve` process (embedded: SQLite, in-process bus).

One EVERY_TIME CROSSING alert; ticks alternate either side of its level, one every 50 ms, so each tick fires
it once. Latency = frame receipt - the tick's timestamp (set just before the push). The seed asks for
< 500 ms; the goal of the issue is p99 < 50 ms. Not measured here: the cluster (API processes +
`cryptomon ingest` + Redis + PostgreSQL), and Discord delivery (storm control merges messages to one
channel within 10 s, and Discord allows 5 per 5 s: its path is exercised in tests/notifications).
Run: backend/.venv/bin/python bench/alert_latency.py   (BENCH_TRIGGERS=300 by default)
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from datetime import UTC, datetime

import httpx
import orjson
from support import embedded
from websockets.asyncio.client import connect
from ws_load import (
    cryptomon,
    free_port,
    kill_leftovers,
    seed_users,
    server_env,
    spawn,
    stop,
    token,
    wait_live,
)

TRIGGERS = int(os.environ.get("BENCH_TRIGGERS", "300"))
LEVEL = 150.0


async def main() -> None:
    async with embedded(demo_account=False) as settings:
        admin_id, [trader_id] = await seed_users(settings.resolved_database_url, 1)
        port, log = free_port(), settings.data_dir / "serve.log"
        args = [*cryptomon(), "serve", "--host", "127.0.0.1", "--port", str(port), "--no-migrate"]
        proc = await spawn(args, server_env(settings, settings.data_dir), log, settings.data_dir)
        try:
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
                await wait_live(http, proc, log)
                admin = {"Authorization": f"Bearer {token(settings, admin_id)}"}
                trader_token = token(settings, trader_id)
                body = {
                    "userId": trader_id,
                    "symbol": "SOL-USD",
                    "condition": "CROSSING",
                    "threshold": LEVEL,
                    "channels": ["IN_APP"],
                    "frequency": "EVERY_TIME",
                }
                created = await http.post(
                    "/api/alerts", json=body, headers={"Authorization": f"Bearer {trader_token}"}
                )
                assert created.status_code == 201, created.text
                latencies = await measure(http, admin, port, trader_id, trader_token)
        finally:
            await stop(proc)
    latencies.sort()
    p50 = statistics.median(latencies)
    p99 = latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))]
    print(f"embedded: {len(latencies):,} triggers, tick push -> ALERT_TRIGGERED frame")
    print(
        f"  p50 {p50:.1f} ms  p99 {p99:.1f} ms  max {latencies[-1]:.1f} ms  "
        f"(seed < 500 ms: {'met' if p99 < 500 else 'NOT met'}; "
        f"goal p99 < 50 ms: {'met' if p99 < 50 else 'NOT met'})"
    )


async def measure(
    http: httpx.AsyncClient, admin: dict[str, str], port: int, trader_id: int, trader_token: str
) -> list[float]:
    latencies: list[float] = []
    url = f"ws://127.0.0.1:{port}/ws/alerts/{trader_id}?token={trader_token}"
    async with connect(url) as ws:
        done = asyncio.Event()

        async def read() -> None:
            async for raw in ws:
                frame = orjson.loads(raw)
                if frame["type"] == "ALERT_TRIGGERED":
                    sent = datetime.fromisoformat(frame["timestamp"].replace("Z", "+00:00")).timestamp()
                    latencies.append((time.time() - sent) * 1000)
                    if len(latencies) >= TRIGGERS:
                        done.set()
                        return

        reader = asyncio.create_task(read())
        for i in range(TRIGGERS + 2):  # the first tick only sets where the price is
            price = LEVEL * (0.995 if i % 2 == 0 else 1.005)
            stamp = datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
            tick = {"symbol": "SOL-USD", "price": price, "volume": 1.0, "timestamp": stamp}
            pushed = await http.post("/api/data/ticks", json={"ticks": [tick]}, headers=admin)
            assert pushed.json()["data"]["accepted"] == 1, pushed.text
            await asyncio.sleep(0.05)
        try:
            await asyncio.wait_for(done.wait(), 10)
        except TimeoutError:
            print(f"  only {len(latencies)} of {TRIGGERS} triggers arrived")
        reader.cancel()
    return latencies


if __name__ == "__main__":
    try:
        asyncio.run(main())
    finally:
        kill_leftovers()
