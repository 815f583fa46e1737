"""Soak with faults: the whole cluster under steady load while each process kind is killed in turn, Redis and
PostgreSQL restarted; prints, per fault, the recovery time and what was lost or doubled.

Loopback only, bounded (about 8 minutes). It runs its own PostgreSQL (initdb, port 55432) and Redis (AOF on,
as deploy/docker-compose.yml runs it; port 56379) so that restarting them disturbs nothing else, and its own
cluster (scripts/cluster.py: nginx on 28080, two API processes, a Celery worker, beat, ingest, a second alert
engine, with no market source but the pushes). The load, all through nginx:
- 1,000 WebSocket clients (200 users x 5), each subscribed to one symbol; a client that loses its connection
  reconnects with `lastEventId`, so every stored event must reach it once;
- 50 ticks/s: 10 pushes a second of one tick for each of 5 symbols, every price on a rising line from 100 to
  200 over the run; a push without a 200 is sent again, as docs/API.md tells a feed to;
- 1,000 PRICE_ABOVE alerts (5 per user, thresholds spread over the line), channels IN_APP and WEBHOOK (to a
  receiver in this process): each must fire exactly once, when the line passes its threshold;
- a portfolio per user holding the 5 symbols (revalued by the ingest process on every price);
- a report every 3 s (jobs on the Celery worker).
Faults, 25 s apart: kill -9 of api1, api2, the worker, beat, ingest, the second alert engine and nginx (the
supervisor restarts each, as a container runtime would), then Redis restarted (SHUTDOWN, start) and
PostgreSQL restarted (pg_ctl restart -m fast). Recovery: from the fault until the process answers again and a
push has been confirmed (200) after it. At the end, after the outbox and the jobs have drained, from the
database and the receivers: ticks confirmed but not stored, alerts fired twice or never, notifications lost
or doubled (webhook deliveries per trigger; WebSocket ALERT_TRIGGERED frames per client), jobs lost (not
finished) or run more than once.

Run: backend/.venv/bin/python bench/soak.py [--quick]   (--quick: fewer clients and alerts, for a try)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import websockets

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import cluster as cluster_script  # noqa: E402 - scripts/cluster.py, the same cluster as `make cluster`

PG_BIN = Path("/usr/lib/postgresql/15/bin")
PG_PORT, REDIS_PORT, PROXY_PORT, API_PORT, SINK_PORT = 55432, 56379, 28080, 28100, 28999
SYMBOLS = ["BTC-USD", "ETH-USD", "SOL-USD", "ADA-USD", "XRP-USD"]
LOW, HIGH = 100.0, 200.0
PUSHES_PER_SECOND = 10
WARM_UP, BETWEEN_FAULTS, DRAIN = 20.0, 25.0, 45.0
FAULTS = ["api1", "api2", "worker", "beat", "ingest", "alerts", "nginx", "redis", "postgres"]


# -- private PostgreSQL and Redis ---------------------------------------------------------------------------


def as_postgres(cmd: list[str]) -> list[str]:
    """initdb refuses root: run PostgreSQL's commands as the postgres user when we are root."""
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


class Services:
    def __init__(self, base: Path) -> None:
        self.pgdata, self.redis_dir = base / "pg", base / "redis"

    def start(self) -> None:
        self.pgdata.mkdir(parents=True)
        self.redis_dir.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(self.pgdata, "postgres", "postgres")
            shutil.chown(self.pgdata.parent, "postgres", "postgres")
        subprocess.run(
            as_postgres([str(PG_BIN / "initdb"), "-D", str(self.pgdata), "-A", "trust", "-U", "postgres"]),
            check=True,
            capture_output=True,
        )
        self.pg("start")
        subprocess.run(
            ["psql", f"postgresql://postgres@127.0.0.1:{PG_PORT}/postgres", "-qc", "CREATE DATABASE soak"],
            check=True,
        )
        self.redis_start()

    def pg(self, action: str) -> None:
        opts = f"-p {PG_PORT} -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=300"
        cmd = [
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.pgdata),
            "-w",
            "-l",
            str(self.pgdata / "log"),
            "-o",
            opts,
            action,
        ]
        if action == "restart":
            cmd += ["-m", "fast"]
        subprocess.run(as_postgres(cmd), check=True, capture_output=True)

    def redis_start(self) -> None:
        subprocess.run(
            [
                "redis-server",
                "--port",
                str(REDIS_PORT),
                "--bind",
                "127.0.0.1",
                "--daemonize",
                "yes",
                "--dir",
                str(self.redis_dir),
                "--appendonly",
                "yes",
                "--save",
                "",
                "--logfile",
                str(self.redis_dir / "log"),
            ],
            check=True,
        )
        for _ in range(100):
            if (
                subprocess.run(
                    ["redis-cli", "-p", str(REDIS_PORT), "ping"], capture_output=True, text=True
                ).stdout.strip()
                == "PONG"
            ):
                return
            time.sleep(0.1)
        raise SystemExit("redis did not start")

    def redis_restart(self) -> None:
        subprocess.run(["redis-cli", "-p", str(REDIS_PORT), "shutdown"], capture_output=True)
        self.redis_start()

    def stop(self) -> None:
        subprocess.run(["redis-cli", "-p", str(REDIS_PORT), "shutdown", "nosave"], capture_output=True)
        with contextlib.suppress(subprocess.CalledProcessError):
            self.pg("stop")


# -- the load ------------------------------------------------------------------------------------------------


def price_at(elapsed: float, length: float) -> float:
    return round(LOW + (HIGH - LOW) * min(1.0, max(0.0, elapsed / length)), 6)


@dataclass
class Figures:
    pushes_ok: int = 0
    pushes_retried: int = 0
    push_statuses: Counter[str] = field(default_factory=Counter)
    confirmed: list[tuple[str, float, float]] = field(default_factory=list)  # symbol, ts, price
    last_confirmed: float = 0.0  # monotonic time at which the last push answered 200 was sent
    webhooks: Counter[int] = field(default_factory=Counter)  # alertId -> deliveries
    reports: list[str] = field(default_factory=list)
    report_statuses: Counter[str] = field(default_factory=Counter)


async def push_ticks(
    http: httpx.AsyncClient, admin: str, figures: Figures, start: float, length: float, stop: asyncio.Event
) -> None:
    """50 ticks/s in order; a push without a 200 is sent again (same ticks) until confirmed."""
    headers = {"Authorization": f"Bearer {admin}"}
    step = 1 / PUSHES_PER_SECOND
    due = time.monotonic()
    while not stop.is_set():
        now = time.time()
        price = price_at(time.monotonic() - start, length)
        ticks = [
            {"symbol": s, "price": price + i * 1e-6, "volume": 1, "timestamp": now}
            for i, s in enumerate(SYMBOLS)
        ]
        while not stop.is_set():
            sent = time.monotonic()
            try:
                response = await http.post(
                    "/api/data/ticks", json={"ticks": ticks}, headers=headers, timeout=40
                )
                figures.push_statuses[str(response.status_code)] += 1
                if response.status_code == 200:
                    figures.pushes_ok += 1
                    figures.confirmed += [(t["symbol"], now, t["price"]) for t in ticks]
                    figures.last_confirmed = sent
                    break
            except httpx.HTTPError as exc:
                figures.push_statuses[type(exc).__name__] += 1
            figures.pushes_retried += 1
            await asyncio.sleep(0.2)
        due += step
        await asyncio.sleep(max(0.0, due - time.monotonic()))


async def request_reports(
    http: httpx.AsyncClient, users: list[dict[str, Any]], figures: Figures, stop: asyncio.Event
) -> None:
    i = 0
    while not stop.is_set():
        user = users[i % len(users)]
        i += 1
        body = {"reportType": "PORTFOLIO", "portfolioId": user["portfolioId"], "format": "CSV"}
        with contextlib.suppress(httpx.HTTPError):
            response = await http.post(
                "/api/reports/generate", json=body, headers=user["headers"], timeout=20
            )
            figures.report_statuses[str(response.status_code)] += 1
            if response.status_code == 202:
                figures.reports.append(response.json()["data"]["reportId"])
        await asyncio.sleep(3)


async def webhook_sink(figures: Figures) -> asyncio.Server:
    """The users' WEBHOOK receiver: counts deliveries per alert."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(Exception):
            head = await reader.readuntil(b"\r\n\r\n")
            length = next(
                (
                    int(line.split(b":")[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                ),
                0,
            )
            body = json.loads(await reader.readexactly(length))
            alert_id = (body.get("event") or {}).get("alertId")
            if alert_id is not None:
                figures.webhooks[int(alert_id)] += 1
            writer.write(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            await writer.drain()
        writer.close()

    return await asyncio.start_server(handle, "127.0.0.1", SINK_PORT)


# -- WebSocket clients (their own process) ------------------------------------------------------------------


async def ws_client(url: str, user_id: int, token: str, symbol: str, out: dict[str, Any]) -> None:
    """One client: connects, subscribes, and reconnects with lastEventId after any loss."""
    last_event: str | None = None
    while True:
        try:
            async with websockets.connect(
                f"{url}/ws/alerts/{user_id}", open_timeout=20, ping_interval=None, max_queue=None
            ) as ws:
                auth: dict[str, Any] = {"action": "auth", "token": token}
                if last_event:
                    auth["lastEventId"] = last_event
                await ws.send(json.dumps(auth))
                await ws.send(json.dumps({"action": "subscribe", "symbols": [symbol]}))
                out["connects"] += 1
                async for raw in ws:
                    frame = json.loads(raw)
                    kind = frame.get("type")
                    if kind == "CONNECTED" and last_event is None:
                        last_event = frame.get("lastEventId")  # where to resume before a first event
                    elif kind == "PRICE_UPDATE":
                        out["prices"] += 1
                    elif kind == "ALERT_TRIGGERED":
                        out["triggers"].append([frame["eventId"], frame["alertId"]])
                        last_event = frame["eventId"]
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            out["losses"][type(exc).__name__] = out["losses"].get(type(exc).__name__, 0) + 1
            await asyncio.sleep(0.5)


async def ws_swarm(config_path: str) -> None:
    config = json.loads(Path(config_path).read_text())  # noqa: ASYNC240 - before any connection
    outs = [
        {"userId": c[0], "connects": 0, "prices": 0, "triggers": [], "losses": {}} for c in config["clients"]
    ]
    tasks = []
    for (user_id, token, symbol), out in zip(config["clients"], outs, strict=True):
        tasks.append(asyncio.create_task(ws_client(config["url"], user_id, token, symbol, out)))
        await asyncio.sleep(0.01)  # 100 connections a second
    print(json.dumps({"event": "connecting"}), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)  # until the driver says stop
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    Path(config["result"]).write_text(json.dumps(outs))  # noqa: ASYNC240 - after the last one


# -- faults --------------------------------------------------------------------------------------------------


def healthy(url: str) -> bool:
    return cluster_script.ready(url, timeout=1.0)


async def apply_fault(kind: str, cluster: cluster_script.Cluster, services: Services) -> str | None:
    """Cause one fault; returns the killed process's name when the supervisor must restart it."""
    if kind == "redis":
        await asyncio.to_thread(services.redis_restart)
        return None
    if kind == "postgres":
        await asyncio.to_thread(services.pg, "restart")
        return None
    pid = cluster.state()["processes"][kind]["pid"]  # type: ignore[index]
    os.kill(pid, signal.SIGKILL)  # the process only: the supervisor cleans up its group, as a runtime would
    return kind


def process_up(kind: str, cluster: cluster_script.Cluster, old_pid: int | None) -> bool:
    info = cluster.state().get("processes", {}).get(kind)  # type: ignore[union-attr]
    if not info or info["pid"] == old_pid:
        return False
    if kind.startswith("api"):
        return healthy(f"http://127.0.0.1:{cluster.api_ports()[int(kind[3:]) - 1]}/health/ready")
    if kind in ("ingest", "alerts"):
        port = cluster.port + (1001 if kind == "ingest" else 1002)
        return healthy(f"http://127.0.0.1:{port}/metrics")
    if kind == "nginx":
        return healthy(f"{cluster.url}/health/live")
    return True  # worker, beat: running again (their work is checked at the end)


async def recover(
    kind: str, cluster: cluster_script.Cluster, services: Services, figures: Figures
) -> tuple[float, float]:
    """Seconds from the fault until (1) a push sent after it is confirmed: the service works again for a
    feed, and (2) the killed process (or the restarted service) answers again."""
    old = cluster.state().get("processes", {}).get(kind, {}).get("pid")  # type: ignore[union-attr]
    at = time.monotonic()
    name = await apply_fault(kind, cluster, services)
    service = process = float("inf")
    while time.monotonic() - at < 120 and (service == float("inf") or process == float("inf")):
        if service == float("inf") and figures.last_confirmed > at:
            service = figures.last_confirmed - at
        if process == float("inf"):
            if name is None:
                back = await asyncio.to_thread(healthy, f"{cluster.url}/health/ready")
            else:
                back = await asyncio.to_thread(process_up, name, cluster, old)
            if back:
                process = time.monotonic() - at
        await asyncio.sleep(0.1)
    return service, process


# -- set-up and checks ---------------------------------------------------------------------------------------


async def setup_users(
    http: httpx.AsyncClient, n_users: int, alerts_each: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    users: list[dict[str, Any]] = []
    sem = asyncio.Semaphore(8)

    async def one(i: int) -> None:
        async with sem:
            r = await http.post(
                "/api/auth/register", json={"email": f"soak{i}@example.com", "password": "soak-password-1"}
            )
            r.raise_for_status()
            data = r.json()["data"]
            headers = {"Authorization": f"Bearer {data['tokens']['accessToken']}"}
            prefs = {
                "preferences": {
                    "channels": {
                        "webhookUrl": f"http://127.0.0.1:{SINK_PORT}/hook",
                        "webhookSecret": "soak-secret-0123456789",
                    }
                }
            }
            (await http.patch("/api/users/me", json=prefs, headers=headers)).raise_for_status()
            users.append(
                {
                    "id": data["user"]["id"],
                    "email": data["user"]["email"],
                    "token": data["tokens"]["accessToken"],
                    "headers": headers,
                }
            )

    await asyncio.gather(*(one(i) for i in range(n_users)))
    users.sort(key=lambda u: u["id"])
    alerts: list[dict[str, Any]] = []
    total = n_users * alerts_each

    async def alert(k: int) -> None:
        async with sem:
            user = users[k % n_users]
            symbol = SYMBOLS[k % len(SYMBOLS)]
            threshold = round(LOW + 2 + (HIGH - LOW - 4) * (k + 0.5) / total, 4)
            body = {
                "userId": user["id"],
                "symbol": symbol,
                "condition": "PRICE_ABOVE",
                "threshold": threshold,
                "channels": ["IN_APP", "WEBHOOK"],
            }
            r = await http.post("/api/alerts", json=body, headers=user["headers"])
            r.raise_for_status()
            alerts.append(
                {"id": r.json()["data"]["id"], "userId": user["id"], "threshold": threshold, "symbol": symbol}
            )

    await asyncio.gather(*(alert(k) for k in range(total)))

    async def portfolio(user: dict[str, Any]) -> None:
        async with sem:
            r = await http.post(
                "/api/portfolios", json={"userId": user["id"], "name": "soak"}, headers=user["headers"]
            )
            r.raise_for_status()
            user["portfolioId"] = r.json()["data"]["portfolioId"]
            for symbol in SYMBOLS:
                position = {
                    "symbol": symbol,
                    "quantity": 1,
                    "entryPrice": 100,
                    "entryDate": "2026-01-01T00:00:00Z",
                }
                r = await http.post(
                    f"/api/portfolios/{user['portfolioId']}/positions", json=position, headers=user["headers"]
                )
                r.raise_for_status()

    await asyncio.gather(*(portfolio(u) for u in users))
    return users, alerts


async def check(
    db_url: str, figures: Figures, alerts: list[dict[str, Any]], ws: list[dict[str, Any]], top_price: float
) -> dict[str, Any]:
    conn = await asyncpg.connect(db_url)
    try:
        stored = Counter(
            (r["symbol"], round(r["ts"], 6), round(r["price"], 6))
            for r in await conn.fetch("SELECT symbol, ts, price FROM pushed_ticks")
        )
        confirmed = Counter((s, round(ts, 6), round(p, 6)) for s, ts, p in figures.confirmed)
        missing = sorted(key for key in confirmed if key not in stored)
        not_stored = len(missing)
        stored_twice = sum(1 for n in stored.values() if n > 1)
        fired = Counter(r["alert_id"] for r in await conn.fetch("SELECT alert_id FROM alert_triggers"))
        expected = {a["id"] for a in alerts if a["threshold"] <= top_price}
        never = sorted(expected - set(fired))
        twice = sorted(a for a, n in fired.items() if n > 1)
        statuses = Counter(
            (r["channel"], r["status"])
            for r in await conn.fetch("SELECT channel, status FROM notifications WHERE alert_id IS NOT NULL")
        )
        per_alert = Counter(
            r["alert_id"]
            for r in await conn.fetch(
                "SELECT alert_id FROM notifications WHERE channel = 'WEBHOOK' AND alert_id IS NOT NULL"
            )
        )
        jobs = {
            r["id"]: r
            for r in await conn.fetch(
                "SELECT j.id, j.status, j.attempts, j.error FROM jobs j WHERE j.name = 'reports.generate'"
            )
        }
        # A job can finish DONE with its report FAILED (the report says why): count those too.
        reports = await conn.fetch("SELECT status, error FROM reports")
    finally:
        await conn.close()
    hooks_lost = sorted(a for a in fired if figures.webhooks[a] == 0)
    hooks_twice = sorted(a for a, n in figures.webhooks.items() if n > 1)
    by_user: dict[int, set[int]] = defaultdict(set)
    alert_user = {a["id"]: a["userId"] for a in alerts}
    for alert_id in fired:
        by_user[alert_user[alert_id]].add(alert_id)
    ws_lost = ws_twice = 0
    for client in ws:
        seen = Counter(alert_id for _, alert_id in client["triggers"])
        ws_lost += len(by_user[client["userId"]] - set(seen))
        ws_twice += sum(1 for n in seen.values() if n > 1)
    unfinished = [j for j in jobs.values() if j["status"] not in ("DONE", "FAILED", "CANCELLED")]
    return {
        "ticks confirmed": len(confirmed),
        "confirmed but not stored": not_stored,
        "not stored (symbol, epoch s)": [(sym, round(ts, 3)) for sym, ts, _ in missing[:10]],
        "stored twice": stored_twice,
        "alerts expected to fire": len(expected),
        "fired": len(fired),
        "never fired": len(never),
        "fired twice": len(twice),
        "never (ids)": never[:10],
        "twice (ids)": twice[:10],
        "notification rows by channel/status": {f"{c}/{s}": n for (c, s), n in sorted(statuses.items())},
        "webhook rows for an alert more than once": sum(1 for n in per_alert.values() if n > 1),
        "webhook deliveries lost": len(hooks_lost),
        "webhook deliveries doubled": len(hooks_twice),
        "websocket clients": len(ws),
        "websocket trigger frames lost": ws_lost,
        "websocket frames doubled": ws_twice,
        "websocket reconnects": sum(c["connects"] for c in ws) - len(ws),
        "reports accepted": len(figures.reports),
        "report jobs": len(jobs),
        "jobs unfinished": len(unfinished),
        "jobs failed": sum(1 for j in jobs.values() if j["status"] == "FAILED"),
        "failed jobs' errors": sorted(
            {str(j["error"])[:160] for j in jobs.values() if j["status"] == "FAILED"}
        ),
        "jobs run more than once": sum(1 for j in jobs.values() if j["attempts"] > 1),
        "reports by status": dict(Counter(r["status"] for r in reports)),
        "failed reports' errors": sorted({str(r["error"])[:160] for r in reports if r["status"] == "FAILED"}),
    }


# -- the run -------------------------------------------------------------------------------------------------


async def soak(quick: bool) -> None:
    n_users, alerts_each = (40, 5) if quick else (200, 5)
    faults = FAULTS
    base = Path(tempfile.mkdtemp(prefix="cryptomon-soak-"))
    if os.geteuid() == 0:
        base.chmod(0o755)  # noqa: ASYNC240 - set-up, nothing runs yet
    services = Services(base)
    db_url = f"postgresql://postgres@127.0.0.1:{PG_PORT}/soak"
    os.environ.update(
        CLUSTER_DIR=str(base / "cluster"),
        CLUSTER_PORT=str(PROXY_PORT),
        CLUSTER_API_PORT=str(API_PORT),
        CLUSTER_DATABASE_URL=db_url.replace("postgresql://", "postgresql+asyncpg://"),
        CLUSTER_REDIS_URL=f"redis://127.0.0.1:{REDIS_PORT}/0",
        CLUSTER_NAMESPACE="soak",
        CRYPTOMON_MARKET_SOURCES="[]",
        CRYPTOMON_ALLOW_PRIVATE_TARGETS="true",
        CRYPTOMON_LOG_LEVEL="WARNING",
        CRYPTOMON_LOGIN_IP_LIMIT="100000",
        CRYPTOMON_DEMO_ACCOUNT="false",
    )
    cluster = cluster_script.Cluster()
    figures = Figures()
    started = False
    try:
        print(f"soak: private PostgreSQL :{PG_PORT} and Redis :{REDIS_PORT} in {base}", flush=True)
        services.start()
        started = True
        await asyncio.to_thread(cluster_script.start, cluster)
        async with httpx.AsyncClient(
            base_url=cluster.url, timeout=30, limits=httpx.Limits(max_connections=40)
        ) as http:
            t0 = time.monotonic()
            users, alerts = await setup_users(http, n_users, alerts_each)
            admin = next(u for u in users if u["email"] == "soak0@example.com")  # made admin below
            subprocess.run(  # noqa: ASYNC221 - set-up, before the load starts
                [
                    str(cluster_script.BIN / "cryptomon"),
                    "set-role",
                    "--email",
                    "soak0@example.com",
                    "--role",
                    "admin",
                ],
                env=cluster.env(),
                check=True,
                capture_output=True,
            )
            print(
                f"set-up: {len(users)} users, {len(alerts)} alerts in {time.monotonic() - t0:.0f}s",
                flush=True,
            )
            sink = await webhook_sink(figures)
            ws_config = base / "ws.json"
            ws_config.write_text(
                json.dumps(
                    {
                        "url": f"ws://127.0.0.1:{PROXY_PORT}",
                        "result": str(base / "ws-result.json"),
                        "clients": [
                            [u["id"], u["token"], SYMBOLS[(u["id"] + k) % len(SYMBOLS)]]
                            for u in users
                            for k in range(5)
                        ],
                    }
                )
            )
            swarm = subprocess.Popen(  # noqa: ASYNC220 - the clients' own process
                [sys.executable, __file__, "--ws-swarm", str(ws_config)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            length = WARM_UP + BETWEEN_FAULTS * len(faults)
            stop = asyncio.Event()
            start = time.monotonic()
            loops = [
                asyncio.create_task(push_ticks(http, admin["token"], figures, start, length, stop)),
                asyncio.create_task(request_reports(http, users, figures, stop)),
            ]
            await asyncio.sleep(WARM_UP)
            recoveries: list[tuple[str, float, float, float]] = []
            fault_at: dict[str, float] = {}
            for kind in faults:
                t = time.monotonic()
                fault_at[kind] = time.time()
                load = os.getloadavg()[0]
                service, process = await recover(kind, cluster, services, figures)
                recoveries.append((kind, service, process, load))
                print(
                    f"  {kind:9} pushes confirmed again in {service:5.1f} s, process back in {process:5.1f} s"
                    f" (load {load:.1f})",
                    flush=True,
                )
                await asyncio.sleep(max(0.0, BETWEEN_FAULTS - (time.monotonic() - t)))
            stop.set()
            await asyncio.gather(*loops)
            top = price_at(time.monotonic() - start, length)
            print(f"load stopped at {top}; draining {DRAIN:.0f} s (outbox, jobs)", flush=True)
            await asyncio.sleep(DRAIN)
            assert swarm.stdin is not None
            swarm.stdin.write("stop\n")
            swarm.stdin.flush()
            swarm.wait(60)
            ws = json.loads((base / "ws-result.json").read_text())
            sink.close()
            status = await http.get("/api/market/status", headers=admin["headers"])
            webhook = status.json().get("data", {}).get("sources", {}).get("webhook", {})
            accepted, rejected = webhook.get("accepted"), webhook.get("rejected")
            print(f"validator: pushed ticks {accepted} accepted, {rejected} rejected")
            fault_times = {kind: round(at, 3) for kind, at in fault_at.items()}
            print(f"faults at (epoch s): {fault_times}")
            top_confirmed = max(p for _, _, p in figures.confirmed)
            result = await check(db_url, figures, alerts, ws, top_confirmed)
        report(recoveries, figures, result)
    finally:
        if started:
            await asyncio.to_thread(cluster_script.stop, cluster)
        services.stop()
        print(f"logs kept in {base}/cluster/logs", flush=True)


def report(
    recoveries: list[tuple[str, float, float, float]], figures: Figures, result: dict[str, Any]
) -> None:
    print("\n| fault | a push confirmed again (s) | process back (s) | load before |\n|---|---|---|---|")
    for kind, service, process, load in recoveries:
        print(f"| {kind} | {service:.1f} | {process:.1f} | {load:.1f} |")
    print(
        f"\npushes: {figures.pushes_ok} confirmed, {figures.pushes_retried} retried; "
        f"answers {dict(figures.push_statuses)}; reports asked: {dict(figures.report_statuses)}"
    )
    for key, value in result.items():
        print(f"{key}: {value}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--ws-swarm", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.ws_swarm:
        asyncio.run(ws_swarm(args.ws_swarm))
        return
    signal.signal(
        signal.SIGTERM, lambda *_: sys.exit(143)
    )  # stop the cluster and the services on the way out
    asyncio.run(soak(args.quick))


if __name__ == "__main__":
    main()
