"""Daily digest benchmark: generating 10,000 users' digests, and reading one.

Per deployment (embedded SQLite with the in-process cache; PostgreSQL + Redis when both answer, else skipped
with the reason), the real app in-process over httpx ASGITransport:
- data: 100 days of 1h candles of the bundled recordings (BTC, ETH, SOL, BNB, XRP, ADA, DOGE), shifted so
  that the last candle is the hour now; the news read once from the bundled feeds (the aggregator, offline);
  --users accounts (default 10,000) inserted in bulk with the default preferences (the 8-symbol watchlist,
  digest hour 0 so that every one is due), of which --portfolios (default 200) hold a 3-asset portfolio
  made through the API, and every tenth has interests.
- generate: one `daily.build_due` pass (what the `content.digests` job runs), timed from start to end:
  digests per second, the share of the time in the shared market part (computed once for the hour), and
  the reference in the same process: building one user's digest alone (`digest.build`) x users, measured on
  50 users.
- read: GET /api/content/daily-digest/{userId} for --reads random users (default 500, each with its own
  token), p50 / p95 / max; the reference, the same users' GET /api/users/me (sign-in check + one row), and
  the ratio.
Goals of the issue: reading a digest p95 < 50 ms; generating digests for 10,000 users < 60 s on this machine.

Run: backend/.venv/bin/python bench/digest.py [--users 10000] [--portfolios 200] [--reads 500]
     [--skip-cluster] [--skip-embedded]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from reports import pct, stats, store_candles
from sqlalchemy import func, insert, select
from support import embedded, postgres
from ws_load import redis_problem

from app.config import Settings
from app.content import daily, digest, news
from app.content.models import Digest
from app.core import bootstrap
from app.core.runtime import Runtime
from app.main import create_app
from app.users import service as users_service
from app.users.models import User

SYMBOLS = ("BTC-USD", "ETH-USD", "SOL-USD", "BNB-USD", "XRP-USD", "ADA-USD", "DOGE-USD")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
INTERESTS = ["defi", "bitcoin", "ethereum", "rsi", "onchain"]


@asynccontextmanager
async def serving(
    settings: Settings,
) -> AsyncIterator[tuple[httpx.AsyncClient, Runtime]]:
    # The embedded scheduler would start its own `content.digests` pass beside the measured one.
    bootstrap.FIRST_PERIODIC_DELAY = timedelta(hours=1)
    app = create_app(settings)
    async with (
        LifespanManager(app, startup_timeout=60, shutdown_timeout=60),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client,
    ):
        yield client, app.state.runtime


async def make_users(client: httpx.AsyncClient, runtime: Runtime, users: int, portfolios: int) -> list[int]:
    """One registered account (for its password hash), the rest inserted in bulk; some with a portfolio."""
    first = await client.post(
        "/api/auth/register",
        json={"email": "u0@bench.example", "password": "bench-pass-1"},
    )
    first.raise_for_status()
    first_id = first.json()["data"]["user"]["id"]
    async with runtime.db.session() as session:
        template = await session.get(User, first_id)
        assert template is not None
        prefs: dict[str, Any] = dict(template.preferences)
        prefs["digest"] = {"enabled": False, "hour": 0, "channels": ["EMAIL", "IN_APP"]}
        template.preferences = prefs
        rows = [
            {
                "email": f"u{n}@bench.example",
                "password_hash": template.password_hash,
                "role": "user",
                "preferences": prefs | ({"interests": random.sample(INTERESTS, 2)} if n % 10 == 0 else {}),
                "token_version": 0,
                "created_at": datetime.now(UTC),
            }
            for n in range(1, users)
        ]
        for start in range(0, len(rows), 2000):
            await session.execute(insert(User), rows[start : start + 2000])
        ids = [
            first_id,
            *(await session.scalars(select(User.id).where(User.id != first_id).order_by(User.id))),
        ]
    for user_id in ids[:portfolios]:
        headers = await headers_of(runtime, user_id)
        body = {"userId": user_id, "name": "Main"}
        created = await client.post("/api/portfolios", json=body, headers=headers)
        created.raise_for_status()
        portfolio_id = created.json()["data"]["portfolioId"]
        for symbol, quantity, price in (
            ("BTC-USD", 0.5, 40000),
            ("ETH-USD", 4, 2000),
            ("SOL-USD", 30, 100),
        ):
            position = {
                "symbol": symbol,
                "quantity": quantity,
                "entryPrice": price,
                "entryDate": "2026-01-05",
            }
            response = await client.post(
                f"/api/portfolios/{portfolio_id}/positions",
                json=position,
                headers=headers,
            )
        response.raise_for_status()
    return ids


async def headers_of(runtime: Runtime, user_id: int) -> dict[str, str]:
    async with runtime.db.session() as session:
        user = await session.get(User, user_id)
        assert user is not None
        tokens = users_service.issue_tokens(runtime.settings, user)
    return {"Authorization": f"Bearer {tokens.access_token}"}


async def reference_builds(runtime: Runtime, ids: list[int]) -> float:
    """Seconds per digest built one at a time (a fresh day per user: after the job, today's are stored)."""
    sample = random.sample(ids, min(50, len(ids)))
    day = datetime.now(UTC).date().replace(year=datetime.now(UTC).year - 1)
    times = []
    for user_id in sample:
        async with runtime.db.session() as session:
            user = await session.get(User, user_id)
            assert user is not None
            t0 = time.perf_counter()
            await digest.build(runtime, session, user, day)
            times.append(time.perf_counter() - t0)
            await session.rollback()
    return statistics.median(times)


async def timed_gets(client: httpx.AsyncClient, urls: list[tuple[str, dict[str, str]]]) -> list[float]:
    times = []
    for url, headers in urls:
        t0 = time.perf_counter()
        response = await client.get(url, headers=headers)
        times.append(time.perf_counter() - t0)
        response.raise_for_status()
    return times


async def run(label: str, settings: Settings, users: int, portfolios: int, reads: int) -> None:
    async with serving(settings) as (client, runtime):
        candles = await store_candles(runtime, SYMBOLS)
        refreshed = await news.refresh(runtime)
        t0 = time.perf_counter()
        ids = await make_users(client, runtime, users, portfolios)
        made = time.perf_counter() - t0
        print(
            f"{label}: {len(ids):,} users ({portfolios} with a portfolio; made in {made:.1f} s), "
            f"{candles:,} 1h "
            f"candles of {len(SYMBOLS)} symbols, {refreshed.added} news items; load average "
            f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
            flush=True,
        )
        t0 = time.perf_counter()
        result = await daily.build_due(runtime)
        elapsed = time.perf_counter() - t0
        async with runtime.db.session() as session:
            stored = await session.scalar(select(func.count()).select_from(Digest))
        print(
            f"  generate: {result.built:,} digests built ({stored:,} stored, {result.failed} failed) in "
            f"{elapsed:.1f} s = {result.built / elapsed:,.0f}/s; goal 10,000 in < 60 s",
            flush=True,
        )
        one = await reference_builds(runtime, ids)
        print(
            f"  reference: one digest alone (digest.build) p50 {one * 1000:.1f} ms; x {len(ids):,} users = "
            f"{one * len(ids):.1f} s; the job's pass / that: {elapsed / (one * len(ids)):.2f}x",
            flush=True,
        )
        sample = random.sample(ids, min(reads, len(ids)))
        headers = {user_id: await headers_of(runtime, user_id) for user_id in sample}
        await timed_gets(
            client,
            [(f"/api/content/daily-digest/{u}", headers[u]) for u in sample[:20]],
        )
        digests = await timed_gets(client, [(f"/api/content/daily-digest/{u}", headers[u]) for u in sample])
        mes = await timed_gets(client, [("/api/users/me", headers[u]) for u in sample])
        print(f"  read GET /api/content/daily-digest/{{userId}}  {stats(digests)}  (goal p95 < 50 ms)")
        print(f"  reference GET /api/users/me                   {stats(mes)}")
        print(
            f"  ratio p50 {statistics.median(digests) / statistics.median(mes):.2f}x, "
            f"p95 {pct(digests, 0.95) / pct(mes, 0.95):.2f}x",
            flush=True,
        )


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--portfolios", type=int, default=200)
    parser.add_argument("--reads", type=int, default=500)
    parser.add_argument("--skip-cluster", action="store_true")
    parser.add_argument("--skip-embedded", action="store_true")
    args = parser.parse_args()
    random.seed(7)
    overrides = {"login_ip_limit": 10**6, "access_token_ttl_seconds": 7200}
    if not args.skip_embedded:
        async with embedded(**overrides) as settings:
            await run("embedded (SQLite)", settings, args.users, args.portfolios, args.reads)
    if not args.skip_cluster:
        problem = await redis_problem(REDIS_URL)
        if problem:
            print(f"cluster skipped: {problem}")
            return
        async with postgres(**overrides, redis_url=REDIS_URL) as settings:
            if settings is not None:
                await run(
                    "cluster (PostgreSQL + Redis)",
                    settings,
                    args.users,
                    args.portfolios,
                    args.reads,
                )


if __name__ == "__main__":
    asyncio.run(main())
