"""API load benchmark: one real `cryptomon serve` process under 50 concurrent clients in another process.

The mix of the issue: GET /api/data/historical (30 days of 1h BTC-USD candles, 720 points, backfilled from
the bundled replay data) and GET /api/alerts/{userId} (a user with 78 alerts of mixed kinds), alternately,
signed in. Prints requests/s, latency p50/p95/p99, errors, and the server process's CPU per request (from
/proc/<pid>/stat, less its idle rate) with the capacity that implies for one core; the stable figure on a
shared machine, where wall-clock rates depend on what else runs. The reference, in the same server process
under the same load: GET /health/live (routing, middleware and the HTTP server, no auth, no database).
Runs: the mix with `Accept-Encoding: gzip` (what browsers send) and without it (identity), each route alone,
and the reference. Also each route's latency with one client. Goal of the issue: >= 400 requests/s with
p95 < 200 ms on the mix (gzip).

The load comes from wrk when it is installed (`apt-get install -y wrk`), otherwise from bench/http_load.py
(Python asyncio, keep-alive; it needs more CPU than wrk, which it takes from the server on a small machine).
The embedded deployment (SQLite, in-process bus and cache; no market source running, so the server does
nothing but answer) and, with --cluster, the cluster one (PostgreSQL and Redis; skipped when they do not
answer).

Run: backend/.venv/bin/python bench/api_load.py [--seconds 20] [--clients 50] [--load auto|wrk|python]
     [--cluster] [--only-mix] [--app-src DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from support import embedded, postgres
from ws_load import (
    HERE,
    _die_with_parent,
    cpu_seconds,
    cryptomon,
    free_port,
    kill_leftovers,
    spawn,
    stop,
    tail,
    wait_live,
)

from app.config import Settings

ALERTS = 78
GOAL_RPS, GOAL_P95_MS = 400.0, 200.0
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
SOLO_REQUESTS = 200


def alert_bodies(user_id: int) -> list[dict[str, Any]]:
    """78 alerts of the kinds users make: price levels, indicator rules, formulas, channels, moves, spikes."""
    kinds: list[dict[str, Any]] = [
        {"condition": "PRICE_ABOVE", "threshold": 120000},
        {"condition": "PRICE_BELOW", "threshold": 40000, "frequency": "EVERY_TIME", "cooldownSeconds": 3600},
        {"condition": "CROSSING", "threshold": 80000},
        {
            "condition": "CROSSING_UP",
            "threshold": 0,
            "metadata": {"formula": "RSI(14) - RSI(28)", "timeframe": "4h"},
        },
        {"condition": "GREATER_THAN", "metadata": {"indicator": "RSI", "value": 70}},
        {"condition": "LESS_THAN", "metadata": {"indicator": "RSI", "value": 30, "timeframe": "4h"}},
        {"condition": "ENTERING_CHANNEL", "metadata": {"lower": 60000, "upper": 65000, "timeframe": "1h"}},
        {"condition": "MOVING_UP_PERCENT", "threshold": 5, "metadata": {"window": 24, "timeframe": "1h"}},
        {"condition": "VOLUME_SPIKE", "threshold": 3, "metadata": {"window": 20, "timeframe": "1h"}},
        {"condition": "PRICE_ABOVE", "threshold": 150000, "confirmTicks": 3, "confirmSeconds": 5.5},
    ]
    symbols = ["BTC-USD", "ETH-USD", "SOL-USD"]
    expires = (datetime.now(UTC) + timedelta(days=365)).isoformat().replace("+00:00", "Z")
    bodies = []
    for i in range(ALERTS):
        body = {"userId": user_id, "symbol": symbols[i % 3], "channels": ["IN_APP"], **kinds[i % len(kinds)]}
        if (
            body["symbol"] != "BTC-USD"
            and "threshold" in body
            and body["condition"].startswith(("PRICE", "CROSS"))
        ):
            body["threshold"] = body["threshold"] / 25 if body["threshold"] else 0
        if i % 7 == 0:
            body["expiresAt"] = expires
        bodies.append(body)
    return bodies


def server_env(settings: Settings, workdir: Path, app_src: Path | None = None) -> dict[str, str]:
    """The settings as CRYPTOMON_* variables, logging at the default level (INFO, JSON access log): its cost
    is part of serving a request. `app_src`: a backend directory whose `app` package is served instead."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRYPTOMON_")}
    if app_src is not None:
        env["PYTHONPATH"] = str(app_src)
    env.update(
        {
            "CRYPTOMON_DATABASE_URL": settings.resolved_database_url,
            "CRYPTOMON_DATA_DIR": str(workdir),
            "CRYPTOMON_SECRET_KEY": settings.resolved_secret_key,
            "CRYPTOMON_MARKET_SOURCES": "[]",
            "CRYPTOMON_DEMO_ACCOUNT": "false",
            "CRYPTOMON_ACCESS_TOKEN_TTL_SECONDS": "7200",
        }
    )
    if settings.redis_url:
        env["CRYPTOMON_REDIS_URL"] = settings.redis_url
        env["CRYPTOMON_NAMESPACE"] = settings.namespace
    return env


def wrk_script(requests: list[tuple[str, dict[str, str]]], path: Path) -> None:
    """A wrk Lua script cycling through `requests`, printing its summary as one JSON line."""
    lines = ["local reqs = {}", "local n = 0", "init = function(args)"]
    for i, (target, headers) in enumerate(requests, start=1):
        table = ", ".join(f"[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items())
        lines.append(f'  reqs[{i}] = wrk.format("GET", {json.dumps(target)}, {{{table}}})')
    lines += [
        "  n = math.random(0, 1000)",
        "end",
        "request = function()",
        "  n = n + 1",
        "  return reqs[(n % #reqs) + 1]",
        "end",
        "done = function(s, latency, r)",
        "  local e = s.errors",
        '  io.write(string.format(\'JSON:{"requests":%d,"seconds":%f,"connect":%d,"read":%d,"write":%d,'
        '"status":%d,"timeout":%d,"p50":%f,"p95":%f,"p99":%f,"max":%f,"bytes":%d}\\n\', s.requests,'
        " s.duration / 1e6, e.connect, e.read, e.write, e.status, e.timeout, latency:percentile(50) / 1000,"
        " latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000, s.bytes))",
        "end",
    ]
    path.write_text("\n".join(lines) + "\n")


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


async def load_wrk(
    port: int, requests: list[tuple[str, dict[str, str]]], clients: int, seconds: int, workdir: Path
) -> dict[str, Any]:
    script = workdir / "mix.lua"
    wrk_script(requests, script)
    args = ["wrk", "-t2", f"-c{clients}", f"-d{seconds}s", "--timeout", "30s", "-s", str(script)]
    proc = await asyncio.create_subprocess_exec(
        *args, f"http://127.0.0.1:{port}", stdout=asyncio.subprocess.PIPE, preexec_fn=_die_with_parent
    )
    out, _ = await proc.communicate()
    line = next((x for x in out.decode().splitlines() if x.startswith("JSON:")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no summary:\n{out.decode()[-2000:]}")
    r = json.loads(line[5:])
    errors = {k: r[k] for k in ("connect", "read", "write", "timeout") if r[k]}
    if r["status"]:
        errors["HTTP status >= 400"] = r["status"]
    r["errors"] = errors
    r["mean_bytes"] = r["bytes"] / r["requests"] if r["requests"] else 0
    return r


async def load_python(
    port: int, requests: list[tuple[str, dict[str, str]]], clients: int, seconds: int, workdir: Path
) -> dict[str, Any]:
    config = {"host": "127.0.0.1", "port": port, "clients": clients, "seconds": seconds, "requests": requests}
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        str(HERE / "http_load.py"),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        preexec_fn=_die_with_parent,
    )
    out, _ = await proc.communicate(json.dumps(config).encode())
    r: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
    bad = sum(v for k, v in r["statuses"].items() if int(k) >= 400)
    if bad:
        r["errors"]["HTTP status >= 400"] = bad
    return r


class Bench:
    """One server process, its signed-in user, and the runs against it."""

    def __init__(self, args: argparse.Namespace, port: int, pid: int, workdir: Path) -> None:
        self.args, self.port, self.pid, self.workdir = args, port, pid, workdir
        self.loader = load_wrk if args.load == "wrk" else load_python
        self.idle_rate = 0.0
        self.reference: dict[str, float] | None = None

    async def measure_idle(self, seconds: float = 3.0) -> None:
        cpu0, t0 = cpu_seconds(self.pid), time.monotonic()
        await asyncio.sleep(seconds)
        self.idle_rate = (cpu_seconds(self.pid) - cpu0) / (time.monotonic() - t0)

    async def run(self, label: str, requests: list[tuple[str, dict[str, str]]], goal: bool = False) -> None:
        cpu0, load0, t0 = cpu_seconds(self.pid), children_cpu(), time.monotonic()
        r = await self.loader(self.port, requests, self.args.clients, self.args.seconds, self.workdir)
        wall = time.monotonic() - t0
        server_cpu = cpu_seconds(self.pid) - cpu0 - self.idle_rate * wall
        load_cpu = children_cpu() - load0
        n = r["requests"]
        rps = n / r["seconds"] if r["seconds"] else 0.0
        per_request = server_cpu / n if n else float("nan")
        line = (
            f"  {label:34} {rps:7.0f} req/s  p50 {r['p50']:6.1f}  p95 {r['p95']:6.1f}  "
            f"p99 {r['p99']:6.1f} ms  "
            f"server CPU {per_request * 1000:5.2f} ms/req (capacity {1 / per_request:5.0f} req/s per core)  "
            f"{r['mean_bytes'] / 1024:5.1f} KB/resp  errors {sum(r['errors'].values())}"
        )
        if self.reference is None:
            self.reference = {"rps": rps, "cpu": per_request}
        else:
            line += (
                f"  | vs reference: {rps / self.reference['rps']:.2f}x req/s, "
                f"{per_request / self.reference['cpu']:.1f}x CPU/req"
            )
        print(line, flush=True)
        details = (
            f"load generator CPU {load_cpu / wall * 100:.0f}% of a core, "
            f"server {server_cpu / wall * 100:.0f}%"
        )
        if r["errors"]:
            details += f", errors {r['errors']}"
        print(f"  {'':34} {details}", flush=True)
        if goal:
            verdicts = [
                f"{rps:.0f} >= {GOAL_RPS:.0f} req/s: {'met' if rps >= GOAL_RPS else 'NOT met'}",
                f"p95 {r['p95']:.1f} < {GOAL_P95_MS:.0f} ms: "
                f"{'met' if r['p95'] < GOAL_P95_MS else 'NOT met'}",
                f"capacity {1 / per_request:.0f} req/s per core: "
                f"{'met' if 1 / per_request >= GOAL_RPS else 'NOT met'}",
            ]
            print(f"  {'':34} goals: {'; '.join(verdicts)}", flush=True)


async def solo(client: httpx.AsyncClient, path: str, headers: dict[str, str]) -> tuple[float, float]:
    """p50 and p95 (ms) of `path` with one client, one request at a time."""
    times = []
    for _ in range(SOLO_REQUESTS):
        t0 = time.perf_counter()
        response = await client.get(path, headers=headers)
        times.append((time.perf_counter() - t0) * 1000)
        response.raise_for_status()
    times.sort()
    return times[len(times) // 2], times[int(len(times) * 0.95)]


async def backfill(env: dict[str, str], workdir: Path, start: datetime, end: datetime) -> None:
    args = [*cryptomon(), "backfill", "--symbol", "BTC-USD", "--interval", "1h", "--source", "replay"]
    args += ["--from", start.strftime("%Y-%m-%dT%H:%M:%S"), "--to", end.strftime("%Y-%m-%dT%H:%M:%S")]
    proc = await spawn(args, env, workdir / "backfill.log", workdir)
    if await proc.wait() != 0:
        raise RuntimeError(f"backfill failed:\n{tail(workdir / 'backfill.log')}")


@dataclass
class Served:
    """A seeded server: its process and port, the user's auth header and the two routes of the mix."""

    proc: asyncio.subprocess.Process
    port: int
    workdir: Path
    auth: dict[str, str]
    historical: str
    alerts: str


@contextlib.asynccontextmanager
async def served(settings: Settings, app_src: Path | None = None) -> AsyncIterator[Served]:
    """`cryptomon serve` on a free port, with the candles backfilled and the user's alerts created."""
    workdir = Path(tempfile.mkdtemp(prefix="api-load-"))
    env = server_env(settings, workdir, app_src)
    end = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    start = end - timedelta(days=30)
    await backfill(env, workdir, start, end)
    port, log = free_port(), workdir / "serve.log"
    proc = await spawn([*cryptomon(), "serve", "--host", "127.0.0.1", "--port", str(port)], env, log, workdir)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            await wait_live(client, proc, log, timeout=300)  # a start takes a minute on a busy machine
            account = {"email": "load@bench.example", "password": "bench-password"}
            reg = await client.post("/api/auth/register", json=account)
            reg.raise_for_status()
            user_id = reg.json()["data"]["user"]["id"]
            auth = {"Authorization": f"Bearer {reg.json()['data']['tokens']['accessToken']}"}
            for body in alert_bodies(user_id):
                created = await client.post("/api/alerts", json=body, headers=auth)
                if created.status_code != 201:
                    raise RuntimeError(f"POST /api/alerts {body}: {created.status_code} {created.text[:300]}")
        iso = "%Y-%m-%dT%H:%M:%SZ"
        historical = f"/api/data/historical?symbol=BTC-USD&interval=1h&from={start:{iso}}&to={end:{iso}}"
        yield Served(proc, port, workdir, auth, historical, f"/api/alerts/{user_id}")
        if proc.returncode is not None:
            print(f"  server exited:\n{tail(log)}")
    finally:
        await stop(proc)
        shutil.rmtree(workdir, ignore_errors=True)


async def deployment(label: str, settings: Settings, args: argparse.Namespace) -> None:
    async with served(settings, args.app_src) as s:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{s.port}", timeout=60) as client:
            check = (await client.get(s.historical, headers=s.auth)).json()["data"]
            listed = (await client.get(s.alerts, headers=s.auth)).json()["data"]
            print(
                f"{label}: server pid {s.proc.pid}, historical {check['dataPoints']} points, "
                f"alert list {listed['total']} alerts; {args.clients} clients, {args.seconds} s per run, "
                f"load from {args.load}" + (f", app from {args.app_src}" if args.app_src else ""),
                flush=True,
            )
            for name, path in (("historical 30 d x 1h", s.historical), ("alert list (78)", s.alerts)):
                p50, p95 = await solo(client, path, {**s.auth, "Accept-Encoding": "gzip"})
                print(f"  one client, {name:22} p50 {p50:6.2f} ms  p95 {p95:6.2f} ms (gzip)", flush=True)

        bench = Bench(args, s.port, s.proc.pid, s.workdir)
        await bench.measure_idle()
        print(f"  server idle CPU {bench.idle_rate * 100:.1f}% of a core (subtracted below)", flush=True)
        gzip = {**s.auth, "Accept-Encoding": "gzip"}
        await bench.run("reference GET /health/live", [("/health/live", {"Accept-Encoding": "gzip"})])
        await bench.run("mix, Accept-Encoding: gzip", [(s.historical, gzip), (s.alerts, gzip)], goal=True)
        if not args.only_mix:
            await bench.run("mix, identity", [(s.historical, s.auth), (s.alerts, s.auth)])
            await bench.run("historical alone, gzip", [(s.historical, gzip)])
            await bench.run("alert list alone, gzip", [(s.alerts, gzip)])


async def main(args: argparse.Namespace) -> None:
    if args.load == "auto":
        args.load = "wrk" if shutil.which("wrk") else "python"
        if args.load == "python":
            print(
                "wrk is not installed (Debian: apt-get install -y wrk): "
                "the load comes from bench/http_load.py"
            )
    elif args.load == "wrk" and not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk (or --load python)")
    async with embedded() as settings:
        await deployment("embedded (SQLite)", settings, args)
    if args.cluster:
        namespace = f"apiload{os.getpid()}"
        async with postgres(redis_url=REDIS_URL, namespace=namespace) as settings:
            if settings is not None:
                await deployment("cluster (PostgreSQL + Redis)", settings, args)


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=20, help="per run")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--load", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--cluster", action="store_true", help="also the cluster deployment")
    parser.add_argument("--only-mix", action="store_true", help="only the reference and the gzip mix")
    parser.add_argument(
        "--app-src",
        type=Path,
        help="serve the `app` package of this backend directory instead (e.g. `git archive` of an older "
        "commit, extracted): a before/after on the same machine state",
    )
    return parser.parse_args()


if __name__ == "__main__":
    try:
        asyncio.run(main(parse()))
    finally:
        with contextlib.suppress(Exception):
            kill_leftovers()
