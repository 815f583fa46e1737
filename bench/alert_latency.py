"""Alert latency: a tick pushed through POST /api/data/ticks to (a) the ALERT_TRIGGERED frame on the user's
WebSocket and (b) the Discord message at a local Discord webhook server, p50/p99, on real processes:
embedded (`cryptomon serve`, SQLite, in-process bus) and cluster (two `cryptomon serve` + `cryptomon ingest`,
Redis, PostgreSQL; ticks pushed to one API process, the WebSocket on the other).

(a) One EVERY_TIME CROSSING alert; ticks alternate either side of its level every 50 ms: each fires it once.
(b) Storm control merges a user's messages on one channel within 10 s, and Discord allows 5 per 5 s per
webhook: so DISCORD_USERS users, each with their own webhook, hold a DISCORD alert on one level, and the
price crosses it every 11 s (DISCORD_ROUNDS times): every crossing is DISCORD_USERS deliveries at once.
Latency = receipt - the tick's timestamp (set just before the push). Seed: < 500 ms; goal: p99 < 50 ms.
Run: backend/.venv/bin/python bench/alert_latency.py   (BENCH_TRIGGERS=1000, DISCORD_USERS=100,
DISCORD_ROUNDS=10 by default; BENCH_CLUSTER=0 skips the cluster)
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from datetime import UTC, datetime

import httpx
import orjson
from sqlalchemy import update
from support import embedded, postgres
from websockets.asyncio.client import connect
from ws_load import (
    REDIS_URL,
    cryptomon,
    free_port,
    kill_leftovers,
    redis_problem,
    seed_users,
    server_env,
    spawn,
    stop,
    token,
    wait_for_line,
    wait_live,
)

from app.config import Settings
from app.core.db import Database
from app.users.models import User

TRIGGERS = int(os.environ.get("BENCH_TRIGGERS", "1000"))
DISCORD_USERS = int(os.environ.get("DISCORD_USERS", "100"))
DISCORD_ROUNDS = int(os.environ.get("DISCORD_ROUNDS", "10"))
CLUSTER = os.environ.get("BENCH_CLUSTER", "1") != "0"
LEVEL, DISCORD_LEVEL = 150.0, 3000.0


class Hooks:
    """A local Discord webhook endpoint: answers 204 as Discord does and notes when each message came."""

    def __init__(self) -> None:
        self.received: list[tuple[str, float]] = []
        self.port = free_port()

    async def serve(self) -> asyncio.Server:
        return await asyncio.start_server(self._client, "127.0.0.1", self.port)

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                at = time.time()
                lines = head.decode().split("\r\n")
                length = next(
                    (int(x.split(":")[1]) for x in lines if x.lower().startswith("content-length")), 0
                )
                await reader.readexactly(length)
                self.received.append((lines[0].split()[1], at))
                writer.write(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()


def _ms(values: list[float]) -> str:
    if not values:
        return "no samples"
    values = sorted(values)
    p99 = values[min(len(values) - 1, int(0.99 * len(values)))]
    seed, goal = ("met" if p99 < 500 else "NOT met"), ("met" if p99 < 50 else "NOT met")
    verdict = f"seed < 500 ms: {seed}; goal p99 < 50 ms: {goal}"
    return f"p50 {statistics.median(values):.1f} ms  p99 {p99:.1f} ms  max {values[-1]:.1f} ms  ({verdict})"


async def run(label: str, settings: Settings, servers: int) -> None:
    url = settings.resolved_database_url
    admin_id, [trader_id, *discord_ids] = await seed_users(url, 1 + DISCORD_USERS)
    hooks = Hooks()
    db = Database(url)
    async with db.session() as session:
        for user_id in discord_ids:
            hook = f"http://127.0.0.1:{hooks.port}/api/webhooks/{user_id}/token"
            await session.execute(
                update(User)
                .where(User.id == user_id)
                .values(preferences={"channels": {"discordWebhook": hook}})
            )
    await db.dispose()
    env = server_env(settings, settings.data_dir) | {"CRYPTOMON_ALLOW_PRIVATE_TARGETS": "true"}
    started, clients = [], []
    hook_server = await hooks.serve()
    try:
        for i in range(servers):
            port, log = free_port(), settings.data_dir / f"serve-{i}.log"
            args = [*cryptomon(), "serve", "--host", "127.0.0.1", "--port", str(port), "--no-migrate"]
            started.append(await spawn(args, env, log, settings.data_dir))
            clients.append(httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30))
            await wait_live(clients[-1], started[-1], log)
        if settings.is_cluster:
            log = settings.data_dir / "ingest.log"
            started.append(await spawn([*cryptomon(), "ingest"], env, log, settings.data_dir))
            await wait_for_line(log, "ingesting from", started[-1])
        admin = {"Authorization": f"Bearer {token(settings, admin_id)}"}
        pusher, listener = clients[0], clients[-1]  # cluster: the frame crosses from one process to the other
        await _create(listener, settings, trader_id, "SOL-USD", LEVEL, "IN_APP")
        for user_id in discord_ids:
            await _create(listener, settings, user_id, "ETH-USD", DISCORD_LEVEL, "DISCORD")
        await asyncio.sleep(1.0)  # the engine has loaded the new rules (and, in the cluster, leased them)
        frames = await _frames(pusher, listener, admin, settings, trader_id)
        discord = await _discord(pusher, admin, hooks)
    finally:
        for client in clients:
            await client.aclose()
        for proc in reversed(started):
            await stop(proc)
        hook_server.close()
    print(f"{label}: {len(frames):,} triggers, tick push -> ALERT_TRIGGERED frame")
    print(f"  {_ms(frames)}")
    print(
        f"{label}: {len(discord):,} Discord deliveries ({DISCORD_USERS} webhooks x {DISCORD_ROUNDS} rounds)"
    )
    print(f"  {_ms(discord)}")


async def _create(
    client: httpx.AsyncClient, settings: Settings, user_id: int, symbol: str, level: float, channel: str
) -> None:
    body = {
        "userId": user_id,
        "symbol": symbol,
        "condition": "CROSSING",
        "threshold": level,
        "channels": [channel],
        "frequency": "EVERY_TIME",
    }
    created = await client.post(
        "/api/alerts", json=body, headers={"Authorization": f"Bearer {token(settings, user_id)}"}
    )
    assert created.status_code == 201, created.text


async def _push(client: httpx.AsyncClient, admin: dict[str, str], symbol: str, price: float) -> float:
    sent = datetime.now(UTC)
    tick = {
        "symbol": symbol,
        "price": price,
        "volume": 1.0,
        "timestamp": sent.isoformat().replace("+00:00", "Z"),
    }
    pushed = await client.post("/api/data/ticks", json={"ticks": [tick]}, headers=admin)
    assert pushed.json()["data"]["accepted"] == 1, pushed.text
    return sent.timestamp()


async def _frames(
    pusher: httpx.AsyncClient,
    listener: httpx.AsyncClient,
    admin: dict[str, str],
    settings: Settings,
    trader: int,
) -> list[float]:
    latencies: list[float] = []
    ws_url = (
        str(listener.base_url).replace("http", "ws") + f"/ws/alerts/{trader}?token={token(settings, trader)}"
    )
    async with connect(ws_url) as ws:
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
            await _push(pusher, admin, "SOL-USD", LEVEL * (0.995 if i % 2 == 0 else 1.005))
            await asyncio.sleep(0.05)
        try:
            await asyncio.wait_for(done.wait(), 10)
        except TimeoutError:
            print(f"  only {len(latencies)} of {TRIGGERS} triggers arrived")
        reader.cancel()
    return latencies


async def _discord(pusher: httpx.AsyncClient, admin: dict[str, str], hooks: Hooks) -> list[float]:
    latencies: list[float] = []
    await _push(pusher, admin, "ETH-USD", DISCORD_LEVEL * 0.99)
    await asyncio.sleep(1.0)
    for i in range(DISCORD_ROUNDS):
        hooks.received.clear()
        sent = await _push(pusher, admin, "ETH-USD", DISCORD_LEVEL * (1.01 if i % 2 == 0 else 0.99))
        await asyncio.sleep(11.0)  # past the storm window: each webhook's next message goes out alone
        latencies += [(at - sent) * 1000 for _, at in hooks.received]
        if len(hooks.received) != DISCORD_USERS:
            print(f"  crossing {i + 1}: {len(hooks.received)} of {DISCORD_USERS} Discord messages")
    return latencies


async def main() -> None:
    async with embedded(demo_account=False) as settings:
        await run("embedded", settings, 1)
    if not CLUSTER:
        return
    problem = await redis_problem(REDIS_URL)
    if problem:
        print(f"cluster skipped: {problem}")
        return
    async with postgres(
        demo_account=False, redis_url=REDIS_URL, namespace=f"alertbench{os.getpid()}"
    ) as settings:
        if settings is None:
            print("cluster skipped: PostgreSQL does not answer")
            return
        await run("cluster (2 API + ingest, Redis, PostgreSQL)", settings, 2)


if __name__ == "__main__":
    try:
        asyncio.run(main())
    finally:
        kill_leftovers()
