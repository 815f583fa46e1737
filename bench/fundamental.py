"""Fundamental analysis benchmark: POST /api/analysis/fundamental, cold (from the snapshots) and cached.

The seed's request (BTC-USD; COINGECKO, COINMARKETCAP, ETHERSCAN; on-chain and sentiment; 30d) through the
real app in-process (httpx ASGITransport, LifespanManager with a 60 s timeout), signed in, offline (the
default `research_live=False`: the providers are the real recordings bundled in
app/analysis/research/snapshots/).
The database holds 500 days of BTC-USD daily candles (the bundled recording, re-dated to end yesterday), so
the momentum component is computed as in a deployment whose market pipeline runs.
- cold: every request with an empty research cache (the `research:` keys deleted before each; the clients
  are built and the snapshot files read and parsed each time), BENCH_COLD requests (default 50);
- cached: BENCH_CACHED requests (default 200) after 5 warm-up requests, every provider answer in the cache;
- the reference, in the same process and loop: GET /health/live (routing, middleware, no auth, no database),
  and the ratio of the analysis's p50 to it;
- where a cached request's time goes (medians; the module functions wrapped by timers costing microseconds):
  momentum (the technical analysis on the stored daily candles), storing the row (numbering and insert),
  gather (the providers through the cache), assemble (figures and recommendation), the response model and the
  row's JSON, and the request around them (auth, session and commit, validation, JSON).
Every analysis is stored (ANLYS-YYYYMMDD-NNN), so the table grows by one row per request, as in use.
Answers later than `analysis_sync_seconds` (0.2 s by default) are 202 PENDING and finished by a job: counted.
Goals of the issue: p95 from cache < 50 ms, cold from snapshots < 300 ms.

Run: backend/.venv/bin/python bench/fundamental.py [--cluster]
     (--cluster: PostgreSQL and Redis too; skipped when they do not answer)
Environment: BENCH_COLD, BENCH_CACHED, BENCH_REDIS_URL (default redis://127.0.0.1:6379/14),
BENCH_PG_ADMIN_URL (see support.py).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from support import embedded, postgres

from app.analysis import fundamental
from app.config import Settings
from app.core.bootstrap import build_runtime
from app.core.cache import Cache
from app.main import create_app
from app.market import recordings, repository
from app.market.repository import CandleRow

COLD = int(os.environ.get("BENCH_COLD", "50"))
CACHED = int(os.environ.get("BENCH_CACHED", "200"))
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
WARMUP = 5
DAYS = 500
GOAL_CACHED_MS, GOAL_COLD_MS = 50.0, 300.0
ROUTE = "/api/analysis/fundamental"
SEED = {
    "symbol": "BTC-USD",
    "sources": ["COINGECKO", "COINMARKETCAP", "ETHERSCAN"],
    "includeOnChain": True,
    "includeSentiment": True,
    "timeframe": "30d",
}
PREFIX = "research:"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def daily_candles() -> list[CandleRow]:
    """The last DAYS recorded BTC-USD daily candles, moved as a block to end yesterday (UTC)."""
    series = recordings.load("BTC-USD", "1d")
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    shift = int((today - timedelta(days=1)).timestamp()) - int(series.ts[-1])
    return [
        CandleRow(
            "BTC-USD",
            "1d",
            "binance",
            int(series.ts[i]) + shift,
            float(series.open[i]),
            float(series.high[i]),
            float(series.low[i]),
            float(series.close[i]),
            float(series.volume[i]),
        )
        for i in range(len(series) - DAYS, len(series))
    ]


async def clear_research(cache: Cache) -> int:
    """Delete every `research:` key (the providers' answers); the other keys (sessions, budgets) stay."""
    data = getattr(cache, "_data", None)
    if data is not None:  # MemoryCache
        keys = [k for k in data if k.startswith(PREFIX)]
    else:  # RedisCache: its keys are namespaced
        redis, namespace = cache._redis, cache._prefix  # type: ignore[attr-defined]
        keys = [k.decode()[len(namespace) :] async for k in redis.scan_iter(match=namespace + PREFIX + "*")]
    for key in keys:
        await cache.delete(key)
    return len(keys)


class Stages:
    """Time spent in the stages of `fundamental.run`, per request (module attributes wrapped by timers)."""

    PLAN = (
        ("momentum (technical on daily candles)", "_momentum"),
        ("store (number + insert)", "_store"),
        ("gather (providers via cache)", "gather"),
        ("assemble (figures + recommendation)", "assemble"),
        ("response model + row JSON", "_finish"),
    )

    def __init__(self) -> None:
        self.current: dict[str, float] = defaultdict(float)
        self.requests: list[dict[str, float]] = []

    def _wrap(self, stage: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        if asyncio.iscoroutinefunction(fn):

            async def timed_async(*args: Any, **kwargs: Any) -> Any:
                t0 = time.perf_counter()
                try:
                    return await fn(*args, **kwargs)
                finally:
                    self.current[stage] += (time.perf_counter() - t0) * 1000

            return timed_async

        def timed_sync(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.current[stage] += (time.perf_counter() - t0) * 1000

        return timed_sync

    def close_request(self, total_ms: float) -> None:
        inside = sum(self.current.values())
        self.requests.append(
            {**self.current, "request around them (HTTP, auth, session, JSON)": total_ms - inside}
        )
        self.current = defaultdict(float)

    @contextmanager
    def installed(self) -> Iterator[None]:
        saved = [(name, getattr(fundamental, name)) for _, name in self.PLAN]
        for stage, name in self.PLAN:
            setattr(fundamental, name, self._wrap(stage, getattr(fundamental, name)))
        try:
            yield
        finally:
            for name, fn in saved:
                setattr(fundamental, name, fn)


async def post(client: httpx.AsyncClient, headers: dict[str, str], statuses: Counter[int]) -> float:
    t0 = time.perf_counter()
    response = await client.post(ROUTE, json=SEED, headers=headers)
    elapsed = (time.perf_counter() - t0) * 1000
    statuses[response.status_code] += 1
    assert response.status_code in (200, 202), response.text
    return elapsed


def line(label: str, name: str, times: list[float], goal: float | None = None) -> str:
    p95 = pct(times, 0.95)
    text = (
        f"{label:8} {name:34} n={len(times):3d}  p50 {statistics.median(times):7.2f} ms  "
        f"p95 {p95:7.2f} ms  p99 {pct(times, 0.99):7.2f} ms"
    )
    if goal is not None:
        text += f"  goal p95 < {goal:.0f} ms: {'met' if p95 < goal else 'NOT met'}"
    return text


async def bench(label: str, settings: Settings) -> None:
    async with build_runtime(settings, role="cli") as runtime, runtime.db.session() as session:
        await repository.upsert_candles(session, daily_candles())
    app = create_app(settings)
    async with (
        LifespanManager(app, startup_timeout=60, shutdown_timeout=60),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client,
    ):
        cache: Cache = app.state.runtime.cache
        reg = await client.post(
            "/api/auth/register", json={"email": "f@example.com", "password": "bench-password"}
        )
        headers = {"Authorization": f"Bearer {reg.json()['data']['tokens']['accessToken']}"}
        first = (await client.post(ROUTE, json=SEED, headers=headers)).json()["data"]  # imports, first reads
        momentum = next(c for c in first["components"] if c["name"] == "momentum")
        print(
            f"{label:8} answer: {first['status']} {first['mode']}, {first['recommendation']} "
            f"(confidence {first['confidence']}), momentum {momentum['note']}, "
            f"{len(first['sources'])} figures sourced, {len(first['unavailable'])} unavailable"
        )

        cold: list[float] = []
        cold_statuses: Counter[int] = Counter()
        cleared = 0
        for _ in range(COLD):
            cleared = await clear_research(cache)
            cold.append(await post(client, headers, cold_statuses))

        cached: list[float] = []
        cached_statuses: Counter[int] = Counter()
        for _ in range(WARMUP):
            await post(client, headers, Counter())
        stages = Stages()
        with stages.installed():
            for _ in range(CACHED):
                elapsed = await post(client, headers, cached_statuses)
                stages.close_request(elapsed)
                cached.append(elapsed)

        live: list[float] = []
        for _ in range(WARMUP):
            await client.get("/health/live")
        for _ in range(CACHED):
            t0 = time.perf_counter()
            response = await client.get("/health/live")
            live.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200

    print(f"{label:8} research keys deleted before each cold request: {cleared}")
    print(
        line(label, "cold (empty cache, snapshots)", cold, GOAL_COLD_MS) + f"  status {dict(cold_statuses)}"
    )
    print(line(label, "cached", cached, GOAL_CACHED_MS) + f"  status {dict(cached_statuses)}")
    print(line(label, "reference: GET /health/live", live))
    ref = statistics.median(live)
    print(
        f"{label:8} p50 / reference p50: cold {statistics.median(cold) / ref:.0f}x, "
        f"cached {statistics.median(cached) / ref:.0f}x"
    )
    print(f"{label:8} a cached request, by stage (medians; mean share of the request):")
    total = sum(sum(r.values()) for r in stages.requests)
    names = [stage for stage, _ in Stages.PLAN] + ["request around them (HTTP, auth, session, JSON)"]
    for name in names:
        values = [r.get(name, 0.0) for r in stages.requests]
        share = sum(values) / total if total else 0.0
        print(f"{'':8}   {name:50} {statistics.median(values):7.2f} ms  {share:6.1%}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cluster", action="store_true", help="also PostgreSQL + Redis")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    async with embedded(login_ip_limit=10**6) as settings:
        await bench("sqlite", settings)
    if not args.cluster:
        return
    async with postgres(
        login_ip_limit=10**6, redis_url=REDIS_URL, namespace=f"bench{os.getpid()}"
    ) as settings:
        if settings is None:
            return
        try:
            import redis.asyncio as aioredis

            probe = aioredis.Redis.from_url(REDIS_URL)
            await probe.ping()
            await probe.aclose()
        except (OSError, ConnectionError) as exc:
            print(f"cluster  skipped: Redis at {REDIS_URL} does not answer: {exc}")
            return
        await bench("cluster", settings)


if __name__ == "__main__":
    asyncio.run(main())
