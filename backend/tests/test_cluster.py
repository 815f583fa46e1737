"""The product as `make cluster` runs it (scripts/cluster.py: nginx on one port before two API processes, a
Celery worker, beat, the ingest process and a second alert engine), driven through the proxy's one port with
every domain in play: the web app, auth across processes, market data, realtime, alerts end to end, jobs on
the worker, portfolios, analysis, content, community and the agent.

One cluster serves the whole module: its own directory, PostgreSQL database, Redis namespace and ports,
stopped (and its database dropped) at the end whatever happens. Market data comes from the replay of BTC-USD
and ETH-USD only, so the symbols the tests push ticks for (LINK-USD, DOT-USD) have no other source and every
pushed price is judged as sent."""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

import httpx
import orjson
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from websockets.asyncio.client import ClientConnection, connect

from tests.conftest import (
    REDIS_URL,
    Account,
    _flush_redis_namespace,
    create_pg_database,
    drop_pg_database,
    pg_url,
    run_outside_loop,
)

pytestmark = pytest.mark.cluster

ROOT = Path(__file__).resolve().parents[2]
CLUSTER_PY = ROOT / "scripts" / "cluster.py"
DIST = ROOT / "frontend" / "dist"
PYTHON = str(Path(sys.executable))
PASSWORD = "correct-horse-battery"
TIMEOUT = 90.0  # seconds any one thing may take on 2 busy cores before the test gives up on it
T = TypeVar("T")

# Deterministic and fast: prices from the replay of two symbols only (no simulator, so pushed ticks of other
# symbols meet no cross-source check), no network (bundled research snapshots, no CoinGecko history fetch),
# no SMTP (EMAIL goes to the Maildir), and sign-in limits no test reaches.
SETTINGS = {
    "CRYPTOMON_MARKET_SOURCES": '["replay"]',
    "CRYPTOMON_REPLAY_SYMBOLS": '["BTC-USD","ETH-USD"]',
    "CRYPTOMON_RESEARCH_LIVE": "false",
    "CRYPTOMON_HISTORY_FETCH_SECONDS": "0",
    "CRYPTOMON_LOGIN_IP_LIMIT": "10000",
    "CRYPTOMON_LOG_LEVEL": "INFO",
}


# -- the cluster --------------------------------------------------------------------------------------------


@dataclass
class Running:
    """A started cluster: where it lives and how it is reached."""

    dir: Path
    port: int
    api_ports: list[int]
    env: dict[str, str]
    database_url: str

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def state(self) -> dict[str, Any]:
        try:
            state: dict[str, Any] = json.loads((self.dir / "cluster.json").read_text())
        except (FileNotFoundError, json.JSONDecodeError):
            return {}
        return state

    def pid(self, name: str) -> int:
        pid: int = self.state()["processes"][name]["pid"]
        return pid

    def log(self, name: str) -> str:
        path = self.dir / "logs" / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def log_tails(self, lines: int = 25) -> str:
        parts = []
        for path in sorted((self.dir / "logs").glob("*.log")):
            tail = path.read_text(errors="replace").splitlines()[-lines:]
            parts.append(f"== {path.name}\n" + "\n".join(tail))
        return "\n".join(parts)

    def access_log(self, api: int) -> list[dict[str, Any]]:
        """The access log lines of API process `api` (1-based)."""
        entries = []
        for line in self.log(f"api{api}").splitlines():
            if line.startswith("{") and '"app.access"' in line:
                entries.append(json.loads(line))
        return entries


def _cluster_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("cryptomon_cluster_script", CLUSTER_PY)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up while the class is made
    spec.loader.exec_module(module)
    return module


def _nginx_or_skip() -> None:
    """nginx as scripts/cluster.py gets it (Debian's nginx-light when missing); skip only if that fails."""
    try:
        _cluster_script().ensure_nginx()
    except (subprocess.CalledProcessError, OSError) as exc:
        pytest.skip(f"nginx is not installed and could not be installed (apt-get install nginx-light): {exc}")


def _bindable(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _free_ports() -> tuple[int, int]:
    """CLUSTER_PORT and CLUSTER_API_PORT with every port the cluster takes free: the proxy's, the API
    processes' (base + 1, + 2) and the metrics ports of ingest and alerts (proxy + 1001, + 1002). Below
    Linux's ephemeral range, so no outgoing connection takes one meanwhile."""
    rng = random.Random()
    for _ in range(500):
        port, api = rng.randrange(20_000, 29_000), rng.randrange(11_000, 19_000)
        if all(_bindable(p) for p in (port, port + 1001, port + 1002, api + 1, api + 2)):
            return port, api
    raise RuntimeError("no free ports for the cluster")


def _end_leftovers(groups: set[int]) -> list[str]:
    """Processes of this cluster still alive after `cluster.py stop` (which should leave none), ended with
    SIGKILL: every process the supervisor starts leads a session of its own, so they are found by their
    process group, the id of the supervisor or of a process it started."""
    left = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            raw = stat.read_text()
        except OSError:
            continue
        state, _, pgrp = raw.rsplit(")", 1)[1].split()[:3]  # the fields after the command
        if int(pgrp) in groups and state != "Z":
            left.append(raw.split(")", 1)[0] + ")")
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(stat.parent.name), signal.SIGKILL)
    return left


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    _nginx_or_skip()
    suffix = uuid.uuid4().hex[:8]
    database, namespace = f"cryptomon_cluster_test_{suffix}", f"cmcluster-{suffix}"
    directory = tmp_path_factory.mktemp("cluster")
    port, api_base = _free_ports()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CRYPTOMON_", "CLUSTER_"))}
    env.update(SETTINGS)
    env.update(
        CLUSTER_DIR=str(directory),
        CLUSTER_PORT=str(port),
        CLUSTER_APIS="2",
        CLUSTER_API_PORT=str(api_base),
        CLUSTER_DATABASE_URL=pg_url(database),
        CLUSTER_REDIS_URL=REDIS_URL,
        CLUSTER_NAMESPACE=namespace,
        CLUSTER_WORKER_CONCURRENCY="2",
        CRYPTOMON_PUBLIC_URL=f"http://127.0.0.1:{port}",
    )
    running = Running(directory, port, [api_base + 1, api_base + 2], env, pg_url(database))
    run_outside_loop(create_pg_database(database))
    try:
        started = subprocess.run(
            [PYTHON, str(CLUSTER_PY), "start"], env=env, capture_output=True, text=True, timeout=300
        )
        assert started.returncode == 0, (
            f"cluster.py start failed:\n{started.stdout}\n{started.stderr}\n{running.log_tails()}"
        )
        yield running
    finally:
        state = running.state()
        groups = {state.get("supervisor", 0), *(p["pid"] for p in state.get("processes", {}).values())}
        try:
            subprocess.run([PYTHON, str(CLUSTER_PY), "stop"], env=env, capture_output=True, timeout=120)
        finally:
            left = _end_leftovers(groups - {0})
            run_outside_loop(drop_pg_database(database))
            # The namespace's keys and Celery's queue bindings (`_kombu.binding.<namespace>.jobs`).
            _flush_redis_namespace(namespace, "*{namespace}*")
        assert not left, f"cluster.py stop left processes running (killed now): {left}"


# -- accounts -----------------------------------------------------------------------------------------------


def _register(http: httpx.Client) -> Account:
    email = f"user-{uuid.uuid4().hex[:10]}@example.com"
    response = http.post("/api/auth/register", json={"email": email, "password": PASSWORD})
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    return Account(data["user"], data["tokens"])


async def _make_admin(database_url: str, user_id: int) -> None:
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("UPDATE users SET role = 'admin' WHERE id = :id"), {"id": user_id})
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
def admin(cluster: Running) -> Account:
    """An administrator (who may push ticks), signed in again after the role change: a new session, so no
    API process answers from what it remembered of the old one."""
    with httpx.Client(base_url=cluster.url, timeout=TIMEOUT) as http:
        account = _register(http)
        run_outside_loop(_make_admin(cluster.database_url, account.id))
        login = http.post("/api/auth/login", json={"email": account.user["email"], "password": PASSWORD})
        assert login.status_code == 200, login.text
        data = login.json()["data"]
        assert data["user"]["role"] == "admin"
        return Account(data["user"], data["tokens"])


@pytest.fixture(scope="module")
def history(cluster: Running, admin: Account) -> dict[str, Any]:
    """The market status once the replay has stored its history (candles of every interval)."""
    with httpx.Client(base_url=cluster.url, timeout=TIMEOUT, headers=admin.headers) as http:
        deadline = time.monotonic() + TIMEOUT
        while True:
            response = http.get("/api/market/status")
            status = response.json().get("data") if response.status_code == 200 else None
            if status and status["history"].get("replay", {}).get("finishedAt"):
                return dict(status)
            assert time.monotonic() < deadline, f"the replay's history is not stored: {response.text}"
            time.sleep(0.5)


# -- helpers ------------------------------------------------------------------------------------------------


def _client(cluster: Running, account: Account | None = None) -> httpx.AsyncClient:
    headers = account.headers if account else {}
    return httpx.AsyncClient(base_url=cluster.url, timeout=TIMEOUT, headers=headers)


async def eventually(probe: Callable[[], Awaitable[T]], done: Callable[[T], bool], what: str) -> T:
    """Poll `probe` until `done` holds of its answer; fail saying `what` was awaited and the last answer."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        value = await probe()
        if done(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not so after {TIMEOUT:.0f} s; last: {value!r}")
        await asyncio.sleep(0.3)


def _now(offset_seconds: float = 0.0) -> str:
    return (datetime.now(UTC) + timedelta(seconds=offset_seconds)).isoformat().replace("+00:00", "Z")


def _data(response: httpx.Response, status: int = 200) -> Any:
    request = response.request
    assert response.status_code == status, f"{request.method} {request.url}: {response.text}"
    return response.json()["data"]


async def _push(http: httpx.AsyncClient, admin: Account, symbol: str, price: float) -> None:
    """One tick through POST /api/data/ticks: its 200 means its triggers are committed."""
    tick = {"symbol": symbol, "price": price, "volume": 1.0, "timestamp": _now()}
    pushed = _data(await http.post("/api/data/ticks", json={"ticks": [tick]}, headers=admin.headers))
    assert pushed == {"accepted": 1, "rejected": []}


async def _frame(ws: ClientConnection) -> dict[str, Any]:
    data: dict[str, Any] = orjson.loads(await asyncio.wait_for(ws.recv(), TIMEOUT))
    return data


async def _frame_of(ws: ClientConnection, type_: str) -> dict[str, Any]:
    while (frame := await _frame(ws))["type"] != type_:
        pass
    return frame


async def _ws(cluster: Running, account: Account) -> ClientConnection:
    url = f"{cluster.ws_url}/ws/alerts/{account.id}?token={account.tokens['accessToken']}"
    ws = await connect(url, open_timeout=TIMEOUT)
    hello = await _frame(ws)
    assert hello["type"] == "CONNECTED" and hello["userId"] == account.id, hello
    return ws


# -- the web app and the proxy ------------------------------------------------------------------------------


async def test_the_proxy_serves_the_web_app_and_keeps_metrics_inside(cluster: Running) -> None:
    async with _client(cluster) as http:
        ready = _data(await http.get("/health/ready"))
        assert ready["ready"] is True and ready["deployment"] == "cluster"
        assert ready["checks"] == {"database": "ok", "bus": "ok", "cache": "ok"}

        assert (await http.get("/metrics")).status_code == 404  # nginx keeps it inside
        for port in cluster.api_ports:  # ...while each API process answers Prometheus directly
            scraped = await http.get(f"http://127.0.0.1:{port}/metrics")
            assert scraped.status_code == 200 and "cryptomon_http_requests_total" in scraped.text

        if not (DIST / "index.html").exists():
            pytest.skip("the web app is not built (make web): frontend/dist/index.html is missing")
        index = await http.get("/")
        assert index.status_code == 200 and index.headers["content-type"].startswith("text/html")
        assert index.text == (DIST / "index.html").read_text()
        deep = await http.get("/alerts")  # a deep link of the app's router: the app, not a 404
        assert deep.status_code == 200 and deep.text == index.text

        asset = re.search(r'src="(/assets/[^"]+\.js)"', index.text)
        assert asset, index.text
        path = asset.group(1)
        for encoding in ("br", "gzip"):
            if not (DIST / f"{path.lstrip('/')}.{'gz' if encoding == 'gzip' else 'br'}").exists():
                continue
            async with http.stream("GET", path, headers={"Accept-Encoding": encoding}) as response:
                raw = b"".join([chunk async for chunk in response.aiter_raw()])
            assert response.status_code == 200
            assert response.headers["content-encoding"] == encoding
            assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
            suffix = "gz" if encoding == "gzip" else "br"
            assert raw == (DIST / f"{path.lstrip('/')}.{suffix}").read_bytes()
            break
        else:
            raise AssertionError(f"no compressed copy of {path} in frontend/dist")


async def test_requests_are_spread_over_both_api_processes(cluster: Running) -> None:
    ids = [f"spread-{uuid.uuid4().hex[:12]}" for _ in range(20)]
    async with _client(cluster) as http:
        for request_id in ids:
            response = await http.get("/health/live", headers={"X-Request-ID": request_id})
            assert response.status_code == 200 and response.headers["x-request-id"] == request_id

    def served() -> list[set[str]]:
        return [{e.get("requestId") for e in cluster.access_log(api)} & set(ids) for api in (1, 2)]

    async def probe() -> list[set[str]]:
        return served()

    by_api = await eventually(probe, lambda s: len(s[0] | s[1]) == len(ids), "every request in an access log")
    assert by_api[0] and by_api[1], f"one API process served all 20: {[len(s) for s in by_api]}"
    assert not by_api[0] & by_api[1]  # each request was served once


# -- auth ---------------------------------------------------------------------------------------------------


async def test_sign_in_and_a_token_of_one_process_works_on_the_other(cluster: Running) -> None:
    async with _client(cluster) as http:
        email = f"auth-{uuid.uuid4().hex[:8]}@example.com"
        registered = _data(
            await http.post("/api/auth/register", json={"email": email, "password": PASSWORD}), 201
        )
        assert registered["user"]["email"] == email
        request_id = f"login-{uuid.uuid4().hex[:12]}"
        login = _data(
            await http.post(
                "/api/auth/login",
                json={"email": email.upper(), "password": PASSWORD},
                headers={"X-Request-ID": request_id},
            )
        )
        headers = {"Authorization": f"Bearer {login['tokens']['accessToken']}"}
        me = _data(await http.get("/api/users/me", headers=headers))
        assert me["id"] == registered["user"]["id"] and me["email"] == email

        def issuer() -> int | None:
            for api in (1, 2):
                if any(e.get("requestId") == request_id for e in cluster.access_log(api)):
                    return api
            return None

        async def probe() -> int | None:
            return issuer()

        issued_by = await eventually(probe, lambda api: api is not None, "the login in an access log")
        assert issued_by is not None
        other = cluster.api_ports[2 - issued_by]
        for port in (other, cluster.api_ports[issued_by - 1]):  # the other process first: the point of it
            direct = await http.get(f"http://127.0.0.1:{port}/api/users/me", headers=headers)
            assert _data(direct)["id"] == me["id"]

        refreshed = _data(
            await http.post("/api/auth/refresh", json={"refreshToken": login["tokens"]["refreshToken"]})
        )
        again = await http.post("/api/auth/refresh", json={"refreshToken": login["tokens"]["refreshToken"]})
        assert again.status_code == 401 and again.json()["code"] == "INVALID_TOKEN"  # spent, on any process
        assert refreshed["user"]["id"] == me["id"]
        assert (await http.get("/api/users/me")).status_code == 401


# -- market data --------------------------------------------------------------------------------------------


async def test_market_data_live_and_historical(
    cluster: Running, admin: Account, history: dict[str, Any]
) -> None:
    async with _client(cluster, admin) as http:
        symbols = _data(await http.get("/api/market/symbols"))
        assert len(symbols) >= 31 and symbols[0]["symbol"] == "BTC-USD"

        status = _data(await http.get("/api/market/status"))
        assert status["running"] == ["replay"]
        assert status["sources"]["replay"]["connected"] is True
        assert {"BTC-USD 1h", "ETH-USD 1d"} <= set(history["history"]["replay"]["done"])

        async def btc() -> dict[str, Any]:
            quotes = _data(await http.get("/api/market/prices", params={"symbols": "btc-usd"}))
            return dict(quotes[0])

        first = await eventually(btc, lambda q: q["price"] is not None, "a BTC-USD price")
        assert first["source"] == "replay" and first["price"] > 0
        moved = await eventually(btc, lambda q: q["price"] != first["price"], "the BTC-USD price moving")
        assert moved["timestamp"] > first["timestamp"]  # the ingest process keeps producing

        query = {"symbol": "BTC-USD", "interval": "1h", "limit": 48}
        candles = _data(await http.get("/api/data/historical", params=query))
        assert candles["dataPoints"] >= 24 and candles["sources"] == ["REPLAY"]
        assert all(c["low"] <= c["close"] <= c["high"] for c in candles["data"])

        rsi = _data(
            await http.post(
                "/api/indicators/evaluate", json={"formula": "RSI(14)", "symbol": "BTC-USD", "interval": "1h"}
            )
        )
        values = [p["value"] for p in rsi["data"] if p["value"] is not None]
        assert values and all(0 <= v <= 100 for v in values)


# -- realtime -----------------------------------------------------------------------------------------------


async def test_websocket_and_event_stream_through_the_proxy(
    cluster: Running, admin: Account, history: dict[str, Any]
) -> None:
    ws = await _ws(cluster, admin)
    try:
        await ws.send(orjson.dumps({"action": "subscribe", "symbols": ["btc-usd"]}).decode())
        subscribed = await _frame_of(ws, "SUBSCRIBED")
        assert subscribed["subscriptions"] == ["BTC-USD"]
        prices = [await _frame_of(ws, "PRICE_UPDATE") for _ in range(3)]
        assert {p["symbol"] for p in prices} == {"BTC-USD"} and {p["source"] for p in prices} == {"replay"}
        await ws.send(orjson.dumps({"action": "ping"}).decode())
        await _frame_of(ws, "PONG")
    finally:
        await ws.close()

    # The event stream of a symbol nothing else prices: one pushed tick must come through nginx on its own,
    # unbuffered (a buffering proxy would hold one small event back).
    async with (
        _client(cluster, admin) as http,
        http.stream("GET", "/api/stream", params={"symbols": "DOT-USD"}) as stream,
    ):
        assert stream.status_code == 200
        assert stream.headers["content-type"].startswith("text/event-stream")
        lines = stream.aiter_lines()
        assert await asyncio.wait_for(anext(lines), TIMEOUT) == "retry: 3000"  # subscribed by now
        await _push(http, admin, "DOT-USD", 4.25)
        event = None
        while event != "PRICE_UPDATE":
            line = await asyncio.wait_for(anext(lines), TIMEOUT)
            if line.startswith("event: "):
                event = line.removeprefix("event: ")
        data = orjson.loads((await asyncio.wait_for(anext(lines), TIMEOUT)).removeprefix("data: "))
        assert data["symbol"] == "DOT-USD" and data["price"] == 4.25 and data["source"] == "webhook"


# -- alerts end to end --------------------------------------------------------------------------------------


async def test_alerts_fire_once_across_processes(cluster: Running, admin: Account) -> None:
    with httpx.Client(base_url=cluster.url, timeout=TIMEOUT) as sync_http:
        trader = _register(sync_http)
    async with _client(cluster, trader) as http:
        rules = {
            "PRICE_ABOVE": {"threshold": 11, "price": 12.0, "direction": "UP"},
            "PRICE_BELOW": {"threshold": 9, "price": 8.0, "direction": "DOWN"},
        }
        alerts = {}
        for condition, rule in rules.items():
            body = {
                "userId": trader.id,
                "symbol": "LINK-USD",
                "condition": condition,
                "threshold": rule["threshold"],
                "channels": ["IN_APP", "EMAIL"],
            }
            alerts[condition] = _data(await http.post("/api/alerts", json=body), 201)
        ids = {a["id"]: condition for condition, a in alerts.items()}

        ws = await _ws(cluster, trader)
        try:
            await ws.send(orjson.dumps({"action": "subscribe", "symbols": ["LINK-USD"]}).decode())
            await _frame_of(ws, "SUBSCRIBED")
            # Each push may land on either API process; the alert engines (ingest's and `cryptomon alerts`)
            # share the symbols by lease. 10: nothing; 12: above 11; 12.5: already fired; 8: below 9; 7.5.
            for price in (10.0, 12.0, 12.5, 8.0, 7.5):
                await _push(http, admin, "LINK-USD", price)

            triggered: list[dict[str, Any]] = []
            while len(triggered) < 2:
                frame = await _frame(ws)
                if frame["type"] == "ALERT_TRIGGERED":
                    triggered.append(frame)
            await ws.send(orjson.dumps({"action": "ping"}).decode())
            while (frame := await _frame(ws))["type"] != "PONG":  # anything sent before the PONG
                if frame["type"] == "ALERT_TRIGGERED":
                    triggered.append(frame)
        finally:
            await ws.close()

        assert sorted(f["alertId"] for f in triggered) == sorted(ids), triggered  # one frame per alert
        for frame in triggered:
            rule = rules[ids[frame["alertId"]]]
            assert frame["symbol"] == "LINK-USD" and frame["eventId"].isdigit()
            assert (frame["currentPrice"], frame["direction"]) == (rule["price"], rule["direction"])

        history = _data(await http.get(f"/api/alerts/{trader.id}/history"))
        assert history["count"] == 2, history
        for trigger in history["triggers"]:
            rule = rules[ids[trigger["alertId"]]]
            assert trigger["price"] == rule["price"] and trigger["source"] == "webhook"
        for alert in alerts.values():
            stored = _data(await http.get(f"/api/alerts/{trader.id}/{alert['id']}"))
            assert stored["status"] == "TRIGGERED" and stored["triggerCount"] == 1

        async def in_app() -> list[dict[str, Any]]:
            found: list[dict[str, Any]] = _data(
                await http.get("/api/notifications", params={"channel": "IN_APP"})
            )["notifications"]
            return found

        def all_delivered(found: list[dict[str, Any]]) -> bool:
            return len(found) >= 2 and all(n["status"] == "DELIVERED" for n in found)

        delivered = await eventually(in_app, all_delivered, "IN_APP delivered")
        assert sorted(n["alertId"] for n in delivered) == sorted(ids)  # exactly one per trigger

        async def mailbox() -> dict[str, Any]:
            box: dict[str, Any] = _data(await http.get("/api/notifications/mailbox"))
            return box

        mail = await eventually(mailbox, lambda box: box["total"] >= 1, "the EMAIL in the local Maildir")
        assert all("LINK-USD" in m["subject"] for m in mail["messages"])
        assert mail["messages"][0]["to"] == trader.user["email"]


# -- jobs on the worker -------------------------------------------------------------------------------------


def _parent_of(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("PPid:"):
            return int(line.split()[1])
    raise AssertionError(f"no PPid for {pid}")


async def _finished_job(http: httpx.AsyncClient, job_id: str) -> dict[str, Any]:
    async def job() -> dict[str, Any]:
        found: dict[str, Any] = _data(await http.get(f"/api/jobs/{job_id}"))
        return found

    return await eventually(job, lambda j: j["status"] in ("DONE", "FAILED", "CANCELLED"), f"job {job_id}")


async def test_jobs_run_on_the_worker_and_reports_download_through_the_proxy(
    cluster: Running, admin: Account, history: dict[str, Any]
) -> None:
    async with _client(cluster, admin) as http:
        queued = _data(await http.post("/api/system/diagnostics"), 202)
        diagnostics = await _finished_job(http, queued["jobId"])
        assert diagnostics["status"] == "DONE", diagnostics
        assert diagnostics["result"]["deployment"] == "cluster"
        worker = cluster.pid("worker")
        ran_in = diagnostics["result"]["pid"]
        assert worker in (ran_in, _parent_of(ran_in)), f"ran in {ran_in}, not the Celery worker {worker}"

        sweep = {
            "strategyName": "SMA Crossover",
            "symbol": "BTC-USD",
            "interval": "1h",
            "period": "20d",
            "ranges": {"fastPeriod": {"values": [5, 10]}, "slowPeriod": {"values": [20, 30]}},
            "metric": "totalReturn",
        }
        started = _data(await http.post("/api/backtest/optimize", json=sweep), 202)
        swept = await _finished_job(http, started["jobId"])
        assert swept["status"] == "DONE", swept
        assert swept["result"]["combinations"] == 4 and len(swept["result"]["results"]) == 4

        request = {
            "reportType": "DAILY",
            "symbols": ["BTC-USD"],
            "format": "PDF",
            "includeFundamental": False,
            "includeSentiment": False,
            "deliveryChannels": ["IN_APP"],
        }
        report = _data(await http.post("/api/reports/generate", json=request), 202)
        assert report["status"] == "GENERATING"

        async def read() -> dict[str, Any]:
            found: dict[str, Any] = _data(await http.get(f"/api/reports/{report['reportId']}"))
            return found

        ready = await eventually(read, lambda r: r["status"] != "GENERATING", "the report made")
        assert ready["status"] == "READY", ready
        async with _client(cluster) as anonymous:  # a signed link: no sign-in
            download = await anonymous.get(ready["downloadUrl"])
        assert download.status_code == 200, download.text
        assert download.headers["content-type"] == "application/pdf"
        assert download.headers["content-disposition"].startswith("attachment;")
        assert download.content.startswith(b"%PDF") and len(download.content) == ready["sizeBytes"]


# -- portfolios ---------------------------------------------------------------------------------------------


async def test_portfolio_valuation_and_risk(
    cluster: Running, admin: Account, history: dict[str, Any]
) -> None:
    async with _client(cluster, admin) as http:
        created = _data(
            await http.post(
                "/api/portfolios",
                json={
                    "userId": admin.id,
                    "name": "Cluster test",
                    "targetAllocations": {"BTC-USD": 0.6, "ETH-USD": 0.3, "USD": 0.1},
                },
            ),
            201,
        )
        pid = created["portfolioId"]
        when = _now(-3600)
        for kind, symbol, quantity, price in (
            ("DEPOSIT", "USD", 10_000, 1),
            ("BUY", "BTC-USD", 0.05, 70_000),
            ("BUY", "ETH-USD", 1, 2_300),
        ):
            body = {"kind": kind, "symbol": symbol, "quantity": quantity, "price": price, "executedAt": when}
            _data(await http.post(f"/api/portfolios/{pid}/transactions", json=body), 201)

        valued = _data(await http.get(f"/api/portfolios/{pid}"))
        held = {p["symbol"]: p for p in valued["positions"]}
        assert {"BTC-USD", "ETH-USD"} <= set(held)
        assert held["BTC-USD"]["currentPrice"] > 0 and held["BTC-USD"]["price"]["source"] == "replay"
        assert valued["currentValue"] > 0 and isinstance(valued["totalPnL"], int | float)

        analysis = _data(await http.get(f"/api/portfolios/{pid}/analysis", params={"lookbackDays": 30}))
        assert analysis["totalValue"] > 0
        risk = analysis["riskMetrics"]
        for key in ("var95", "maxDrawdown", "volatility", "sharpeRatio"):
            assert isinstance(risk[key], int | float), risk
        assert risk["var95"] < 0 and risk["volatility"] > 0


# -- analysis, content, community, agent --------------------------------------------------------------------


async def test_analysis_content_community_and_agent(
    cluster: Running, admin: Account, history: dict[str, Any]
) -> None:
    async with _client(cluster, admin) as http:
        asked_for = {"symbol": "BTC-USD", "indicators": ["RSI", "MACD"], "timeframes": ["1h"], "period": "7d"}
        technical = _data(await http.post("/api/analysis/technical", json=asked_for))
        assert 0 <= technical["indicators"]["RSI"]["value"] <= 100
        assert technical["summary"]["signal"] in ("BULLISH", "BEARISH", "NEUTRAL")

        asked = await http.post("/api/analysis/fundamental", json={"symbol": "BTC-USD"})
        assert asked.status_code in (200, 202), asked.text  # 202: finished by a job on the worker
        analysis_id = asked.json()["data"]["analysisId"]

        async def analysis() -> dict[str, Any]:
            found: dict[str, Any] = _data(await http.get(f"/api/analysis/{analysis_id}"))
            return found

        fundamental = await eventually(analysis, lambda a: a["status"] != "PENDING", "the analysis done")
        assert fundamental["status"] == "COMPLETE", fundamental
        assert fundamental["recommendation"] in ("BUY", "HOLD", "SELL") and fundamental["marketCap"] > 0

        news = _data(await http.get("/api/content/news"))
        assert news["count"] > 0 and news["items"][0]["title"]
        lessons = _data(await http.get("/api/content/lessons"))
        assert lessons["count"] > 0

        post = _data(
            await http.post(
                "/api/community/posts",
                json={
                    "userId": admin.id,
                    "title": "BTC-USD holding its range",
                    "content": "The 1h RSI sits mid-range while $BTC trades sideways.",
                    "tags": ["BTC", "technical analysis"],
                },
            ),
            201,
        )
        assert post["status"] == "PUBLISHED" and post["tags"] == ["BTC", "TECHNICAL_ANALYSIS"]
        listed = _data(await http.get("/api/community/posts", params={"tag": "technical analysis"}))
        assert [p["postId"] for p in listed["items"]] == [post["postId"]]

        agent = _data(await http.get("/api/agent/status"))
        assert agent["configured"] is False and agent["setup"]


# -- afterwards ---------------------------------------------------------------------------------------------


def test_no_process_restarted_or_logged_an_error(cluster: Running) -> None:
    """Run last: everything above left no process dead and no error or traceback in any log."""
    state = cluster.state()
    restarted = {n: p["restarts"] for n, p in state["processes"].items() if p["restarts"]}
    assert not restarted, f"processes restarted: {restarted}\n{cluster.log_tails()}"
    problems = []
    for path in sorted((cluster.dir / "logs").glob("*.log")):
        for line in path.read_text(errors="replace").splitlines():
            if path.name.startswith("nginx"):
                bad = "[error]" in line or "[crit]" in line or "[emerg]" in line
            else:
                bad = '"level": "ERROR"' in line or '"level": "CRITICAL"' in line or "Traceback" in line
            if bad:
                problems.append(f"{path.name}: {line[:2000]}")
    assert not problems, "\n".join(problems)
