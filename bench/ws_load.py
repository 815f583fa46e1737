"""WebSocket fan-out benchmark: PRICE_UPDATE latency, frames/s, server CPU and RSS at 1k to 19.5k connections.

A real `cryptomon serve` process (SQLite, embedded) on loopback; per step a fresh server and database,
one user per connection (inserted with SQL, tokens minted here: argon2 through the API would take too
long), each connection subscribed to 2 of 50 symbols. Every symbol ticks once a second, pushed as an admin
(POST /api/data/ticks, `timestamp` = now) in WS_PHASES pushes spread over the second (default 10, each with 5
symbols; WS_PHASES=1 sends all 50 at the same instant, the worst case), so the server sends 2 frames per
connection per second.
Latency = client receive time - the frame's `timestamp`, i.e. push request + validation + bus + fan-out.
Clients are bench/ws_clients.py processes (at most WS_PER_PROCESS sockets each: the open-files limit).
Then 2 x 10,000 connections over two API processes behind Redis, with PostgreSQL and `cryptomon ingest`
(skipped, with the reason, when Redis or PostgreSQL does not answer).
Goals of the issue: 10,000 connections all connected, p99 under 100 ms; 19,500: p99 under 300 ms and
under 32 KB of server RSS per connection. Note that the clients share the machine's cores with the server.

Run: backend/.venv/bin/python bench/ws_load.py
Environment: WS_STEPS=1000,5000,10000,19500  WS_SECONDS=15 (measure window)  WS_CLUSTER=10000 (connections
per API process, 0 skips)  WS_PER_PROCESS=9500  WS_CONCURRENCY=300 (handshakes in flight)
WS_CONNECT_TIMEOUT=300  WS_PHASES=10  WS_DIRECT=1 (0: uvicorn's stock protocol)
WS_REDIS_URL=redis://127.0.0.1:6379/14  BENCH_PG_ADMIN_URL (see support.py)
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import json
import math
import os
import random
import signal
import socket
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert, select
from support import embedded, postgres

from app.config import Settings
from app.core.db import Database
from app.core.security import hash_password, issue_token
from app.users.models import User

HERE = Path(__file__).resolve().parent
CLIENTS = HERE / "ws_clients.py"
STEPS = [int(s) for s in os.environ.get("WS_STEPS", "1000,5000,10000,19500").split(",") if s.strip()]
SECONDS = max(1, int(float(os.environ.get("WS_SECONDS", "15"))))
CLUSTER = int(os.environ.get("WS_CLUSTER", "10000"))
PER_PROCESS = int(os.environ.get("WS_PER_PROCESS", "9500"))
CONCURRENCY = int(os.environ.get("WS_CONCURRENCY", "300"))
CONNECT_TIMEOUT = float(os.environ.get("WS_CONNECT_TIMEOUT", "300"))
REDIS_URL = os.environ.get("WS_REDIS_URL", "redis://127.0.0.1:6379/14")
SYMBOLS, PER_CONNECTION = 50, 2
PHASES = max(1, int(os.environ.get("WS_PHASES", "10")))  # pushes per second, each with 50/PHASES symbols
WARM_UP = 3  # rounds of ticks before measuring: the whole path is exercised once
GRACE = 3.0  # seconds after the last push for its frames to arrive
GOALS = {10_000: (100.0, None), 19_500: (300.0, 32.0)}  # connections: (p99 ms, KB per connection)
LEVELS = {"BTC-USD": 95_000.0, "ETH-USD": 3_500.0, "SOL-USD": 180.0, "BNB-USD": 650.0, "XRP-USD": 2.2}
CLK_TCK = os.sysconf("SC_CLK_TCK")
ADMIN_EMAIL = "ws-admin@bench.example"
PASSWORD = "bench-password"

_children: list[int] = []  # pids of every process started, killed on the way out whatever happens


# -- processes ---------------------------------------------------------------------------------------------

_libc = ctypes.CDLL(None, use_errno=True)


def _die_with_parent() -> None:
    _libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG: a killed bench leaves no server behind


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def cryptomon() -> list[str]:
    script = Path(sys.executable).parent / "cryptomon"
    return [str(script)] if script.exists() else [sys.executable, "-c", "from app.cli import main; main()"]


async def spawn(args: list[str], env: dict[str, str], log: Path, cwd: Path) -> asyncio.subprocess.Process:
    with log.open("ab") as out:
        proc = await asyncio.create_subprocess_exec(
            *args, env=env, cwd=cwd, stdout=out, stderr=asyncio.subprocess.STDOUT, preexec_fn=_die_with_parent
        )
    _children.append(proc.pid)
    return proc


async def stop(proc: asyncio.subprocess.Process, grace: float = 15.0) -> None:
    if proc.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            proc.terminate()
        try:
            await asyncio.wait_for(proc.wait(), grace)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            await proc.wait()
    with contextlib.suppress(ValueError):
        _children.remove(proc.pid)


def kill_leftovers() -> None:
    """Last resort (e.g. a second Ctrl-C): SIGKILL every child not yet reaped."""
    for pid in _children:
        with contextlib.suppress(ChildProcessError, ProcessLookupError):
            if os.waitpid(pid, os.WNOHANG) == (0, 0):
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)


def cpu_seconds(pid: int) -> float:
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def logged(log: Path, text: str) -> bool:
    try:
        return text in log.read_text(errors="replace")
    except OSError:
        return False


def tail(log: Path, lines: int = 15) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


# -- users, tokens, symbols, ticks -------------------------------------------------------------------------


async def seed_users(url: str, count: int) -> tuple[int, list[int]]:
    """`count` users and one admin, inserted in bulk with one precomputed password hash: (admin id, ids)."""
    password_hash = await asyncio.to_thread(hash_password, PASSWORD)
    now = datetime.now(UTC)
    common = {"password_hash": password_hash, "preferences": {}, "token_version": 0, "created_at": now}
    rows = [{**common, "email": ADMIN_EMAIL, "display_name": "bench admin", "role": "admin"}]
    rows += [
        {**common, "email": f"ws{i}@bench.example", "display_name": f"ws {i}", "role": "user"}
        for i in range(count)
    ]
    db = Database(url)
    try:
        async with db.session() as session:
            for start in range(0, len(rows), 5000):
                await session.execute(insert(User), rows[start : start + 5000])
        async with db.session() as session:
            found = {email: id_ for email, id_ in (await session.execute(select(User.email, User.id))).all()}
    finally:
        await db.dispose()
    return found[ADMIN_EMAIL], [found[f"ws{i}@bench.example"] for i in range(count)]


def token(settings: Settings, user_id: int) -> str:
    return issue_token(
        subject=user_id,
        token_type="access",
        ttl_seconds=3 * 3600,
        secret=settings.resolved_secret_key,
        algorithm=settings.jwt_algorithm,
        version=0,
    )


async def fifty_symbols(client: httpx.AsyncClient, headers: dict[str, str]) -> list[str]:
    """The registry's symbols, plus made-up ones added as admin up to 50."""
    response = await client.get("/api/market/symbols", headers=headers)
    response.raise_for_status()
    listed = [a["symbol"] for a in response.json()["data"]]
    for i in range(1, SYMBOLS - len(listed) + 1):
        body = {"symbol": f"WSB{i:02d}-USD", "name": f"Bench coin {i}"}
        added = await client.post("/api/market/symbols", json=body, headers=headers)
        if added.status_code != 201:
            raise RuntimeError(f"POST /api/market/symbols: {added.status_code} {added.text[:200]}")
        listed.append(added.json()["data"]["symbol"])
    return listed[:SYMBOLS]


def iso_now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


@dataclass
class Pusher:
    """Pushes one tick per symbol per round: a random walk with steps under 0.3% (the validator's limits)."""

    client: httpx.AsyncClient
    headers: dict[str, str]
    symbols: list[str]
    prices: dict[str, float] = field(default_factory=dict)
    rng: random.Random = field(default_factory=lambda: random.Random(7))
    sent: int = 0
    accepted: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    seconds: list[float] = field(default_factory=list)
    next_at: float | None = None

    def __post_init__(self) -> None:
        self.prices = {s: LEVELS.get(s, 1.0 + 7.0 * i) for i, s in enumerate(self.symbols)}

    async def round(self, symbols: list[str]) -> None:
        stamp = iso_now()
        ticks = []
        for symbol in symbols:
            price = self.prices[symbol]
            price *= 1.0 + max(-0.003, min(0.003, self.rng.gauss(0.0, 0.001)))
            self.prices[symbol] = price
            ticks.append({"symbol": symbol, "price": round(price, 8), "volume": 1.0, "timestamp": stamp})
        started = time.perf_counter()
        try:
            response = await self.client.post("/api/data/ticks", json={"ticks": ticks}, headers=self.headers)
        except httpx.HTTPError as exc:
            self.rejected[f"request failed: {type(exc).__name__}"] += len(ticks)
            return
        finally:
            self.seconds.append(time.perf_counter() - started)
            self.sent += len(ticks)
        if response.status_code != 200:
            self.rejected[f"HTTP {response.status_code}"] += len(ticks)
            return
        data = response.json()["data"]
        self.accepted += data["accepted"]
        self.rejected.update(r["reason"][:60] for r in data["rejected"])

    async def rounds(self, count: int) -> None:
        """`count` seconds of ticks, every symbol once a second, in PHASES pushes spread over the second
        (each symbol at its own phase, as feeds tick; PHASES=1 pushes all 50 at the same instant). One
        schedule continues across calls (a late push goes at once, never skipped): two rounds back to back
        would be held by the gateway's per-symbol rate limit."""
        if self.next_at is None:
            self.next_at = time.monotonic()
        groups = [self.symbols[k::PHASES] for k in range(PHASES)]
        for _ in range(count):
            for group in groups:
                await asyncio.sleep(max(0.0, self.next_at - time.monotonic()))
                self.next_at += 1.0 / PHASES
                await self.round(group)

    def reset(self) -> None:
        self.sent = self.accepted = 0
        self.rejected.clear()
        self.seconds.clear()


# -- client processes --------------------------------------------------------------------------------------


@dataclass
class Fleet:
    """bench/ws_clients.py processes holding the connections; one JSON line each way per command."""

    procs: list[asyncio.subprocess.Process] = field(default_factory=list)
    states: list[dict[str, Any]] = field(default_factory=list)

    async def open(self, specs: list[list[Any]], workdir: Path, host: str = "127.0.0.1") -> None:
        count = max(1, math.ceil(len(specs) / PER_PROCESS))
        for i in range(count):
            path = workdir / f"clients-{i}.json"
            config = {
                "host": host,
                "conns": specs[i::count],
                "concurrency": max(10, CONCURRENCY // count),
                "connect_timeout": CONNECT_TIMEOUT,
            }
            path.write_text(json.dumps(config))
            proc = await asyncio.create_subprocess_exec(
                sys.executable,
                str(CLIENTS),
                "--config",
                str(path),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                limit=1 << 26,
                preexec_fn=_die_with_parent,
            )
            _children.append(proc.pid)
            self.procs.append(proc)
            self.states.append({})

    async def _until(self, index: int, event: str) -> dict[str, Any]:
        stdout = self.procs[index].stdout
        assert stdout is not None
        while True:
            line = await stdout.readline()
            if not line:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.procs[index].wait(), 5)
                raise RuntimeError(f"client process {index} exited (code {self.procs[index].returncode})")
            message: dict[str, Any] = json.loads(line)
            self.states[index] = message
            if message.get("event") == event:
                return message

    async def ready(self, asked: int) -> list[dict[str, Any]]:
        """Each process's "ready" line (all its connections opened or given up), progress on stderr."""

        async def progress() -> None:
            while True:
                await asyncio.sleep(10)
                connected = sum(s.get("connected", 0) for s in self.states)
                failed = sum(s.get("failed", 0) for s in self.states)
                print(
                    f"    ... {connected:,}/{asked:,} connected, {failed:,} failed",
                    file=sys.stderr,
                    flush=True,
                )

        reporter = asyncio.create_task(progress())
        try:
            return await self._each("ready", CONNECT_TIMEOUT + 60)
        finally:
            reporter.cancel()

    async def _each(self, event: str, timeout: float) -> list[dict[str, Any]]:
        """Every process's next `event` line; the first failure raised, the other readers cancelled."""
        tasks = [asyncio.create_task(self._until(i, event)) for i in range(len(self.procs))]
        try:
            done, pending = await asyncio.wait(tasks, timeout=timeout, return_when=asyncio.FIRST_EXCEPTION)
            for task in done:
                if task.exception() is not None:
                    raise RuntimeError(f"client processes: {task.exception()}")
            if pending:
                raise TimeoutError(f"client processes did not report {event!r} within {timeout:.0f} s")
            return [task.result() for task in tasks]
        finally:
            for task in tasks:
                task.cancel()

    async def send(self, command: dict[str, Any]) -> None:
        for proc in self.procs:
            assert proc.stdin is not None
            proc.stdin.write(json.dumps(command).encode() + b"\n")
            await proc.stdin.drain()

    async def results(self) -> list[dict[str, Any]]:
        await self.send({"cmd": "stop"})
        return await self._each("result", 60)

    async def close(self) -> None:
        for proc in self.procs:
            if proc.stdin is not None and not proc.stdin.is_closing():
                proc.stdin.close()
        await asyncio.gather(*(stop(proc, 10.0) for proc in self.procs))


def merge(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The client processes' counts added up, percentiles from the merged histogram (ms, bin upper edge)."""
    out: dict[str, Any] = {
        k: sum(r[k] for r in results)
        for k in ("asked", "connected", "failed", "retries", "dropped", "frames", "unmeasured", "pings")
    }
    out["cpu_seconds"] = sum(r["cpu_seconds"] for r in results)
    out["max_ms"] = max((r["max_latency"] for r in results), default=0.0) * 1000
    for key in ("messages", "closes", "errors"):
        out[key] = dict(sum((Counter(r[key]) for r in results), Counter()).most_common(4))
    hist: Counter[int] = Counter()
    for r in results:
        hist.update({int(k): v for k, v in r["hist"].items()})
    bin_ms = results[0]["bin_seconds"] * 1000 if results else 0.1
    total, ordered = sum(hist.values()), sorted(hist.items())
    for name, q in (("p50", 0.50), ("p99", 0.99)):
        out[name] = math.nan
        seen = 0
        for index, count in ordered:
            seen += count
            if seen >= q * total:
                out[name] = (index + 1) * bin_ms
                break
    return out


# -- one step ----------------------------------------------------------------------------------------------


def server_env(settings: Settings, workdir: Path) -> dict[str, str]:
    """The settings as CRYPTOMON_* variables; any of the caller's own CRYPTOMON_* are left out."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRYPTOMON_")}
    env.update(
        {
            "CRYPTOMON_DATABASE_URL": settings.resolved_database_url,
            "CRYPTOMON_DATA_DIR": str(workdir),
            "CRYPTOMON_SECRET_KEY": settings.resolved_secret_key,
            "CRYPTOMON_JWT_ALGORITHM": settings.jwt_algorithm,
            "CRYPTOMON_MARKET_SOURCES": "[]",
            "CRYPTOMON_LOG_LEVEL": "WARNING",
            "CRYPTOMON_DEMO_ACCOUNT": "false",
            # WS_DIRECT=0: uvicorn's stock WebSocket protocol, for comparison with the direct path.
            "CRYPTOMON_WS_DIRECT": "false" if os.environ.get("WS_DIRECT") == "0" else "true",
        }
    )
    if settings.redis_url:  # the cluster deployment is Redis configured (Settings.is_cluster)
        env["CRYPTOMON_REDIS_URL"] = settings.redis_url
        env["CRYPTOMON_NAMESPACE"] = settings.namespace
    return env


async def wait_live(
    client: httpx.AsyncClient, proc: asyncio.subprocess.Process, log: Path, timeout: float = 60
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.returncode is not None:
            raise RuntimeError(f"server exited with code {proc.returncode}:\n{tail(log)}")
        with contextlib.suppress(httpx.HTTPError):
            if (await client.get("/health/live", timeout=2)).status_code == 200:
                return
        await asyncio.sleep(0.3)
    raise TimeoutError(f"server did not answer /health/live within {timeout:.0f} s:\n{tail(log)}")


async def wait_for_line(log: Path, text: str, proc: asyncio.subprocess.Process, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not logged(log, text):
        if proc.returncode is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{text!r} not seen (exit code {proc.returncode}):\n{tail(log)}")
        await asyncio.sleep(0.3)


async def realtime_health(client: httpx.AsyncClient) -> str:
    try:
        response = await client.get("/health/ready", timeout=10)
        body = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        return f"/health/ready failed: {type(exc).__name__}"
    section = (body.get("data") or {}).get("realtime") if isinstance(body, dict) else None
    if section is None:
        return f"/health/ready {response.status_code}: no realtime section"
    text = json.dumps(section, separators=(",", ":"))
    return f"realtime: {text[:240]}{'...' if len(text) > 240 else ''}"


@dataclass
class Server:
    proc: asyncio.subprocess.Process
    port: int
    log: Path
    client: httpx.AsyncClient
    idle_rss_kb: int = 0


async def run_step(label: str, settings: Settings, per_server: int, servers: int, workdir: Path) -> None:
    """Server(s) started, `per_server` x `servers` clients connected, ticks pushed: the figures printed."""
    asked = per_server * servers
    admin_id, user_ids = await seed_users(settings.resolved_database_url, asked)
    cluster = settings.is_cluster
    env = server_env(settings, workdir)
    started: list[asyncio.subprocess.Process] = []
    api: list[Server] = []
    fleet = Fleet()
    try:
        for i in range(servers):
            port, log = free_port(), workdir / f"serve-{i}.log"
            args = [*cryptomon(), "serve", "--host", "127.0.0.1", "--port", str(port), "--no-migrate"]
            proc = await spawn(args, env, log, workdir)
            started.append(proc)
            client = httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30)
            api.append(Server(proc, port, log, client))
            await wait_live(client, proc, log)
        headers = {"Authorization": f"Bearer {token(settings, admin_id)}"}
        symbols = await fifty_symbols(api[0].client, headers)
        if cluster:  # after the symbols are added: the ingest process reads the registry at start
            log = workdir / "ingest.log"
            ingest = await spawn([*cryptomon(), "ingest"], env, log, workdir)
            started.append(ingest)
            await wait_for_line(log, "ingesting from", ingest)
        await asyncio.sleep(2.0)  # the background import of matplotlib at serve start, then idle
        for server in api:
            server.idle_rss_kb = rss_kb(server.proc.pid)

        specs = [
            [
                api[i % servers].port,
                user_id,
                token(settings, user_id),
                [symbols[(2 * i) % SYMBOLS], symbols[(2 * i + 1) % SYMBOLS]],
            ]
            for i, user_id in enumerate(user_ids)
        ]
        connect_started = time.monotonic()
        await fleet.open(specs, workdir)
        ready = await fleet.ready(asked)
        connect_seconds = time.monotonic() - connect_started
        connected = sum(r["connected"] for r in ready)
        if connected == 0:
            errors = sum((Counter(r["errors"]) for r in ready), Counter())
            print(f"{label:18} no connection opened: {dict(errors.most_common(3))}")
            return

        pusher = Pusher(api[0].client, headers, symbols)
        await pusher.rounds(WARM_UP)
        warm_rejected = dict(pusher.rejected)
        pusher.reset()
        pids = [s.proc.pid for s in api] + ([started[-1].pid] if cluster else [])
        await fleet.send({"cmd": "start", "since": time.time()})
        cpu0, wall0 = [cpu_seconds(pid) for pid in pids], time.monotonic()
        await pusher.rounds(SECONDS)
        await asyncio.sleep(max(0.0, wall0 + SECONDS - time.monotonic()))
        cpu = [cpu_seconds(pid) - c for pid, c in zip(pids, cpu0, strict=True)]
        wall = time.monotonic() - wall0
        rss = [rss_kb(s.proc.pid) for s in api]
        await asyncio.sleep(GRACE)
        health = [await realtime_health(s.client) for s in api]  # while the clients are still connected
        result = merge(await fleet.results())
    finally:
        await fleet.close()
        for server in api:
            await server.client.aclose()
        for proc in reversed(started):
            await stop(proc)

    report(label, asked, connect_seconds, result, pusher, warm_rejected, api, cpu, wall, rss, health)


def report(
    label: str,
    asked: int,
    connect_seconds: float,
    r: dict[str, Any],
    pusher: Pusher,
    warm_rejected: dict[str, int],
    api: list[Server],
    cpu: list[float],
    wall: float,
    rss: list[int],
    health: list[str],
) -> None:
    connected = r["connected"]
    expected = connected * PER_CONNECTION * pusher.accepted / SYMBOLS
    delivered = r["frames"] / expected if expected else 0.0
    api_cpu = sum(cpu[: len(api)]) / wall * 100
    grown = sum(rss) - sum(s.idle_rss_kb for s in api)
    per_conn = grown / connected if connected else math.nan
    client_cpu = r["cpu_seconds"] / wall * 100
    print(
        f"{label:18} {connected:>6,}/{asked:,} connected in {connect_seconds:.0f} s  "
        f"{r['frames'] / SECONDS:>7,.0f} frames/s ({delivered:.1%} of expected)  "
        f"latency p50 {r['p50']:.1f} p99 {r['p99']:.1f} max {r['max_ms']:.0f} ms  "
        f"server CPU {api_cpu:.0f}%  RSS {sum(rss) / 1024:.0f} MiB ({per_conn:.1f} KB/conn)  "
        f"clients CPU {client_cpu:.0f}%"
    )
    details = [f"failed {r['failed']:,}", f"dropped {r['dropped']:,}", f"retries {r['retries']:,}"]
    if len(cpu) > len(api):
        details.append(f"ingest CPU {cpu[-1] / wall * 100:.0f}%")
    if len(api) > 1:
        details.append(
            "per API "
            + ", ".join(f"{c / wall * 100:.0f}% {m / 1024:.0f} MiB" for c, m in zip(cpu, rss, strict=False))
        )
    push_ms = sorted(pusher.seconds)
    if push_ms:
        details.append(f"push p50 {push_ms[len(push_ms) // 2] * 1000:.0f} ms max {push_ms[-1] * 1000:.0f} ms")
    details.append(f"ticks accepted {pusher.accepted:,}/{pusher.sent:,}")
    if r["pings"]:
        details.append(f"pings answered {r['pings']:,}")
    if pusher.rejected or warm_rejected:
        details.append(f"rejected {dict(pusher.rejected) or warm_rejected}")
    for key in ("errors", "closes", "messages"):
        if r[key]:
            details.append(f"{key} {r[key]}")
    print(f"{'':18} {'  '.join(details)}")
    for i, line in enumerate(health):
        print(f"{'':18} api {i + 1} {line}" if len(health) > 1 else f"{'':18} {line}")
    goal = GOALS.get(asked)
    if goal is not None and len(api) == 1:
        p99_goal, kb_goal = goal
        checks = [
            (f"all connected ({connected:,}/{asked:,})", connected == asked),
            (f"p99 {r['p99']:.1f} < {p99_goal:.0f} ms", r["p99"] < p99_goal),
        ]
        if kb_goal is not None:
            checks.append((f"{per_conn:.1f} < {kb_goal:.0f} KB/conn", per_conn < kb_goal))
        verdicts = "; ".join(f"{text}: {'met' if ok else 'NOT met'}" for text, ok in checks)
        print(f"{'':18} goals at {asked:,}: {verdicts}")
    sys.stdout.flush()


# -- the run -----------------------------------------------------------------------------------------------


async def redis_problem(url: str) -> str | None:
    from redis.asyncio import Redis

    redis = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        await redis.ping()
    except Exception as exc:
        return f"Redis at {url} does not answer: {type(exc).__name__}: {exc}"
    finally:
        await redis.aclose()
    return None


async def main() -> None:
    print(
        f"{SYMBOLS} symbols, {PER_CONNECTION} per connection, 1 tick/s each in {PHASES} pushes a second; "
        f"{SECONDS} s measured after "
        f"{WARM_UP} s of warm-up; {os.cpu_count()} cores shared by server(s) and client processes"
    )
    for count in STEPS:
        label = f"embedded {count:,}"
        try:
            async with embedded(demo_account=False) as settings:
                await run_step(label, settings, count, 1, settings.data_dir)
        except (OSError, RuntimeError, TimeoutError, httpx.HTTPError) as exc:
            print(f"{label:18} failed: {type(exc).__name__}: {exc}")
    if CLUSTER <= 0:
        return
    label = f"cluster 2x{CLUSTER:,}"
    problem = await redis_problem(REDIS_URL)
    if problem:
        print(f"{label:18} skipped: {problem}")
        return
    async with postgres(
        demo_account=False, redis_url=REDIS_URL, namespace=f"wsbench{os.getpid()}"
    ) as settings:
        if settings is None:
            print(f"{label:18} skipped: PostgreSQL does not answer")
            return
        try:
            await run_step(label, settings, CLUSTER, 2, settings.data_dir)
        except (OSError, RuntimeError, TimeoutError, httpx.HTTPError) as exc:
            print(f"{label:18} failed: {type(exc).__name__}: {exc}")


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
    finally:
        kill_leftovers()
