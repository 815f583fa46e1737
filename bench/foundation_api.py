"""Foundation benchmark: request latency through the full stack vs a bare FastAPI app, and bus latency.

Prints p50/p99 latency, throughput and the ratio against the reference measured in the same process,
for the embedded deployment (SQLite, in-process) and, when PostgreSQL and Redis answer, the cluster one.
Run: backend/.venv/bin/python bench/foundation_api.py
"""

from __future__ import annotations

import asyncio
import os
import resource
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable

import httpx
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from support import embedded, postgres

from app.config import Settings
from app.core.bus import Bus, MemoryBus, RedisBus
from app.main import create_app

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "2000"))
CONCURRENCY = 32
REDIS = "redis://127.0.0.1:6379/14"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def measure(
    call: Callable[[], Awaitable[object]], n: int, concurrency: int
) -> tuple[list[float], float]:
    latencies: list[float] = []
    queue = iter(range(n))

    async def worker() -> None:
        for _ in queue:
            start = time.perf_counter()
            await call()
            latencies.append((time.perf_counter() - start) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, n / (time.perf_counter() - started)


def reference_app() -> FastAPI:
    bare = FastAPI()

    @bare.get("/ping")
    async def ping() -> dict[str, bool]:
        return {"ok": True}

    return bare


async def client_for(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench")


async def bench_api(label: str, settings: Settings, reference: dict[str, float]) -> None:
    app = create_app(settings)
    async with LifespanManager(app), await client_for(app) as client:
        email = f"bench-{uuid.uuid4().hex[:6]}@example.com"
        reg = await client.post("/api/auth/register", json={"email": email, "password": "bench-password"})
        headers = {"Authorization": f"Bearer {reg.json()['data']['tokens']['accessToken']}"}
        for route, call in (
            ("GET /health/live", lambda: client.get("/health/live")),
            ("GET /api/users/me (auth+db)", lambda: client.get("/api/users/me", headers=headers)),
        ):
            for conc in (1, CONCURRENCY):
                lat, rps = await measure(call, REQUESTS, conc)
                ref = reference[f"c{conc}"]
                print(
                    f"{label:9} {route:30} c={conc:<3} p50 {statistics.median(lat):6.2f} ms  "
                    f"p99 {pct(lat, 0.99):6.2f} ms  {rps:8.0f} req/s  ({rps / ref:.2f}x reference)"
                )


async def bench_bus(label: str, bus: Bus, n: int = 2000) -> None:
    latencies: list[float] = []
    async with bus.subscribe("bench") as sub:
        for i in range(n):
            start = time.perf_counter()
            await bus.publish("bench", {"i": i, "price": 50250.5})
            message = await sub.get(timeout=5)
            assert message is not None
            latencies.append((time.perf_counter() - start) * 1000)
    await bus.close()
    print(
        f"{label:9} bus publish->receive          p50 {statistics.median(latencies):6.3f} ms  "
        f"p99 {pct(latencies, 0.99):6.3f} ms  {n / (sum(latencies) / 1000):8.0f} msg/s (sequential)"
    )


async def main() -> None:
    import logging

    logging.disable(logging.INFO)
    reference: dict[str, float] = {}
    async with await client_for(reference_app()) as ref_client:
        for conc in (1, CONCURRENCY):
            lat, rps = await measure(lambda: ref_client.get("/ping"), REQUESTS, conc)
            reference[f"c{conc}"] = rps
            print(
                f"{'reference':9} {'GET /ping (bare FastAPI)':30} c={conc:<3} "
                f"p50 {statistics.median(lat):6.2f} ms  "
                f"p99 {pct(lat, 0.99):6.2f} ms  {rps:8.0f} req/s"
            )
    async with embedded(login_ip_limit=10**6) as settings:
        await bench_api("embedded", settings, reference)
        await bench_bus("embedded", MemoryBus())
    async with postgres(login_ip_limit=10**6, redis_url=REDIS, namespace=f"bench{os.getpid()}") as settings:
        if settings is not None:
            await bench_api("cluster", settings, reference)
            await bench_bus("cluster", RedisBus(REDIS, "bench"))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {rss:.0f} MiB")


if __name__ == "__main__":
    asyncio.run(main())
