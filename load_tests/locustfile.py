"""Load test of Cryptomon: a signed-in user's main routes, and the realtime WebSocket (issue 21).

Web UI (http://127.0.0.1:8089), against `make cluster` (nginx on 8080) or `make run` (8000):

    backend/.venv/bin/locust -f load_tests/locustfile.py --host http://127.0.0.1:8080

Headless, with the statistics as CSV files (var/locust_stats.csv, _stats_history.csv, _failures.csv):

    backend/.venv/bin/locust -f load_tests/locustfile.py --host http://127.0.0.1:8080 --headless \
        --users 50 --spawn-rate 10 --run-time 60s --csv var/locust

Only one kind of user: name its class at the end (`... ApiUser` or `... PriceStreamUser`).
bench/cluster_load.py drives these classes through locust's library API to find the sustained requests/s.

Users:
- `ApiUser` (weight 9): registers its own account in `on_start`, makes a portfolio with two positions and two
  standing alerts, then browses as the web app does: prices of its watchlist and the symbol list, a chart's
  500 candles of a symbol and an indicator over them, its alerts (and creating then deleting one), its
  portfolios and one portfolio's valuation, its notifications, its profile, and /health/live. Every
  request is named by its route template (`/api/alerts/{userId}`), so the statistics group by route.
- `PriceStreamUser` (weight 1, about 10% of the users): registers, opens `/ws/alerts/{userId}`, sends the
  `auth` message and subscribes to BTC-USD and ETH-USD, and stays connected. It reports, as request type
  `WS`: the connection (TCP, upgrade and auth until `CONNECTED`), the first `PRICE_UPDATE` after
  subscribing (time since the subscribe), and every `PRICE_UPDATE` frame (response time = receive time -
  the frame's tick `timestamp`, the delivery latency; so the number of these requests counts the frames).
  Other frames are counted in `FRAMES` and printed when the test stops. `ERROR` frames and closes by the
  server are failures; it reconnects after a second.

Register and login share a limit of 20 a minute per client address (docs/API.md, Rate limits), and every
user signs up from the same address: for more than 20 users start the API processes with
`CRYPTOMON_LOGIN_IP_LIMIT=100000` (scripts/cluster.py passes any CRYPTOMON_* setting on). Without it, a
user answered 429 records it as a failure (`rate limited`), waits the `Retry-After` and tries again.
A registration is one argon2 hash, tens of milliseconds of the API's CPU: LOAD_ACCOUNTS names a JSON file
with a list of accounts made beforehand (each the `data` of a POST /api/auth/register answer), which users
take before registering new ones; an account that already has a portfolio keeps it.

Environment: LOAD_THINK_SECONDS ("1,3": each user waits between 1 and 3 s after a request),
LOAD_SYMBOLS (the chart symbols, default the replayed ones: BTC, ETH, SOL, BNB, XRP, ADA, DOGE against USD),
LOAD_WS_SYMBOLS ("BTC-USD,ETH-USD"), LOAD_ACCOUNTS (above).
"""

from __future__ import annotations

import json
import os
import random
import time
import uuid
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import gevent
import websocket
from locust import FastHttpUser, between, events, task
from locust.env import Environment

THINK = [float(x) for x in os.environ.get("LOAD_THINK_SECONDS", "1,3").split(",")]
REPLAYED = "BTC-USD,ETH-USD,SOL-USD,BNB-USD,XRP-USD,ADA-USD,DOGE-USD"  # symbols with a bundled recording
SYMBOLS = os.environ.get("LOAD_SYMBOLS", REPLAYED).split(",")
WS_SYMBOLS = os.environ.get("LOAD_WS_SYMBOLS", "BTC-USD,ETH-USD").split(",")
PASSWORD = "load-test-password"
INTERVALS = ["1h", "1h", "1h", "4h", "1d"]  # the chart's default interval is 1h
FORMULAS = ["RSI(14)", "EMA(CLOSE, 20)", "BBANDS(20).upper", "MACD(12, 26, 9).signal"]

ACCOUNTS: list[dict[str, Any]] = (
    json.loads(Path(os.environ["LOAD_ACCOUNTS"]).read_text()) if os.environ.get("LOAD_ACCOUNTS") else []
)
# Users whose on_start is done, by class: bench/cluster_load.py waits for them before measuring.
READY: Counter[str] = Counter()
FRAMES: Counter[str] = Counter()  # WebSocket frames received, by type


def sign_up(user: FastHttpUser, kind: str) -> dict[str, Any]:
    """An account of LOAD_ACCOUNTS, else a fresh one: its AuthResult `data`. On 429 wait and try again."""
    if ACCOUNTS:
        return ACCOUNTS.pop()
    body = {"email": f"{kind}-{uuid.uuid4().hex[:16]}@loadtest.example", "password": PASSWORD}
    while True:
        with user.client.post(
            "/api/auth/register", json=body, name="/api/auth/register", catch_response=True
        ) as response:
            if response.status_code == 201:
                data: dict[str, Any] = response.json()["data"]
                return data
            if response.status_code == 429:
                wait = float(response.headers.get("Retry-After") or 5)
                response.failure(f"rate limited (raise CRYPTOMON_LOGIN_IP_LIMIT); retrying in {wait:.0f} s")
            else:
                response.failure(f"{response.status_code}: {(response.text or '')[:200]}")
                wait = 5.0
        gevent.sleep(wait)


class Account:
    """A signed-in account: its id and tokens, refreshed before the access token expires."""

    def __init__(self, user: FastHttpUser, data: dict[str, Any]) -> None:
        self.user = user
        self.id: int = data["user"]["id"]
        self.watchlist: list[str] = data["user"]["preferences"]["watchlist"] or SYMBOLS[:2]
        self._take(data["tokens"])

    def _take(self, tokens: dict[str, Any]) -> None:
        self.access: str = tokens["accessToken"]
        self.refresh_token: str = tokens["refreshToken"]
        self.expires_at = time.monotonic() + tokens["expiresIn"] - 60
        self.user.client.auth_header = f"Bearer {self.access}"

    def fresh(self) -> None:
        """Refresh the token pair a minute before the access token expires (long runs of the web UI)."""
        if time.monotonic() < self.expires_at:
            return
        response = self.user.client.post(
            "/api/auth/refresh", json={"refreshToken": self.refresh_token}, name="/api/auth/refresh"
        )
        if response.status_code == 200:
            self._take(response.json()["data"]["tokens"])


class ApiUser(FastHttpUser):
    """A signed-in user of the web app: reads and a few writes over the main routes."""

    weight = 9
    wait_time = between(THINK[0], THINK[-1])

    def on_start(self) -> None:
        self.account = Account(self, sign_up(self, "api"))
        uid = self.account.id
        listed = self.client.get("/api/portfolios", name="/api/portfolios")
        mine = listed.json()["data"] if listed.ok else []
        if mine:  # an account of LOAD_ACCOUNTS used before: its portfolio and alerts are there
            self.portfolio_id: int | None = mine[0]["portfolioId"]
            self.ready()
            return
        created = self.client.post(
            "/api/portfolios",
            json={
                "userId": uid,
                "name": "Load test",
                "riskProfile": "MEDIUM",
                "targetAllocations": {"BTC-USD": 0.5, "ETH-USD": 0.3, "USD": 0.2},
            },
            name="/api/portfolios",
        )
        self.portfolio_id = created.json()["data"]["portfolioId"] if created.ok else None
        if self.portfolio_id is not None:
            for symbol, quantity, price in (("BTC-USD", 0.05, 60000), ("ETH-USD", 1.5, 3000)):
                self.client.post(
                    f"/api/portfolios/{self.portfolio_id}/positions",
                    json={
                        "symbol": symbol,
                        "quantity": quantity,
                        "entryPrice": price,
                        "entryDate": "2025-11-01T10:00:00Z",
                    },
                    name="/api/portfolios/{portfolioId}/positions",
                )
        for body in (
            {"symbol": "BTC-USD", "condition": "PRICE_ABOVE", "threshold": 10_000_000},
            {"symbol": "ETH-USD", "condition": "PRICE_BELOW", "threshold": 1},
        ):
            self.client.post(
                "/api/alerts", json={"userId": uid, "channels": ["IN_APP"], **body}, name="/api/alerts"
            )
        self.ready()

    def ready(self) -> None:
        self.is_ready = True
        READY["ApiUser"] += 1

    def on_stop(self) -> None:
        if getattr(self, "is_ready", False):
            READY["ApiUser"] -= 1

    # -- markets ---------------------------------------------------------------------------------------------

    @task(10)
    def prices(self) -> None:
        self.account.fresh()
        self.client.get(
            f"/api/market/prices?symbols={','.join(self.account.watchlist)}", name="/api/market/prices"
        )

    @task(2)
    def symbols(self) -> None:
        self.client.get("/api/market/symbols", name="/api/market/symbols")

    @task(6)
    def candles(self) -> None:
        symbol, interval = random.choice(SYMBOLS), random.choice(INTERVALS)
        self.client.get(
            f"/api/data/historical?symbol={symbol}&interval={interval}&limit=500", name="/api/data/historical"
        )

    @task(3)
    def indicator(self) -> None:
        body = {"formula": random.choice(FORMULAS), "symbol": random.choice(SYMBOLS), "interval": "1h"}
        self.client.post("/api/indicators/evaluate", json=body, name="/api/indicators/evaluate")

    # -- alerts ----------------------------------------------------------------------------------------------

    @task(5)
    def alerts(self) -> None:
        self.client.get(f"/api/alerts/{self.account.id}", name="/api/alerts/{userId}")

    @task(2)
    def create_and_delete_alert(self) -> None:
        uid = self.account.id
        body = {
            "userId": uid,
            "symbol": random.choice(SYMBOLS[:2]),
            "condition": random.choice(["PRICE_ABOVE", "CROSSING_UP"]),
            "threshold": 9_000_000,
            "channels": ["IN_APP"],
        }
        created = self.client.post("/api/alerts", json=body, name="/api/alerts")
        if created.ok:
            alert_id = created.json()["data"]["id"]
            self.client.delete(f"/api/alerts/{uid}/{alert_id}", name="/api/alerts/{userId}/{alertId}")

    # -- portfolio, notifications, profile, probe ------------------------------------------------------------

    @task(3)
    def portfolios(self) -> None:
        self.client.get("/api/portfolios", name="/api/portfolios")

    @task(3)
    def portfolio(self) -> None:
        if self.portfolio_id is not None:
            self.client.get(f"/api/portfolios/{self.portfolio_id}", name="/api/portfolios/{portfolioId}")

    @task(2)
    def notifications(self) -> None:
        self.client.get("/api/notifications?limit=20", name="/api/notifications")

    @task(1)
    def me(self) -> None:
        self.client.get("/api/users/me", name="/api/users/me")

    @task(1)
    def live(self) -> None:
        self.client.get("/health/live", name="/health/live")


def fire(
    environment: Environment, name: str, started: float, length: int = 0, error: Exception | None = None
) -> None:
    """One WS measurement in locust's statistics; `started` is a time.perf_counter() value."""
    environment.events.request.fire(
        request_type="WS",
        name=name,
        response_time=(time.perf_counter() - started) * 1000,
        response_length=length,
        exception=error,
        context={},
    )


class PriceStreamUser(FastHttpUser):
    """A web app tab left open: the WebSocket subscribed to two symbols' prices."""

    weight = 1
    wait_time = between(1, 1)  # between connections, after the server closed one

    def on_start(self) -> None:
        self.account = Account(self, sign_up(self, "ws"))
        self.connected_once = False

    def on_stop(self) -> None:
        if self.connected_once:
            READY["PriceStreamUser"] -= 1

    @task
    def stream(self) -> None:
        """Connect, authenticate, subscribe, then read frames until the server closes or the user stops."""
        self.account.fresh()
        url = self.host.replace("http", "ws", 1).rstrip("/") + f"/ws/alerts/{self.account.id}"
        name = "/ws/alerts/{userId}"
        started = time.perf_counter()
        try:
            ws = websocket.create_connection(url, timeout=30, enable_multithread=False)
        except (OSError, websocket.WebSocketException) as exc:
            fire(self.environment, name, started, error=exc)
            return
        try:
            ws.send(json.dumps({"action": "auth", "token": self.account.access}))
            first = json.loads(ws.recv())
            if first.get("type") != "CONNECTED":
                fire(self.environment, name, started, error=RuntimeError(f"first frame {first}"))
                return
            fire(self.environment, name, started)
            if not self.connected_once:
                self.connected_once = True
                READY["PriceStreamUser"] += 1
            subscribed = time.perf_counter()
            ws.send(json.dumps({"action": "subscribe", "symbols": WS_SYMBOLS}))
            got_price = False
            while True:
                raw = ws.recv()
                received = time.time()
                if not raw:  # a close frame
                    fire(
                        self.environment,
                        name + " closed",
                        subscribed,
                        error=RuntimeError("closed by the server"),
                    )
                    return
                frame = json.loads(raw)
                kind = frame.get("type", "?")
                FRAMES[kind] += 1
                if kind == "PRICE_UPDATE":
                    if not got_price:
                        got_price = True
                        fire(self.environment, name + " first PRICE_UPDATE", subscribed, len(raw))
                    tick = datetime.fromisoformat(frame["timestamp"]).timestamp()
                    self.environment.events.request.fire(
                        request_type="WS",
                        name=name + " PRICE_UPDATE",
                        response_time=max(0.0, received - tick) * 1000,
                        response_length=len(raw),
                        exception=None,
                        context={},
                    )
                elif kind == "ERROR":
                    fire(
                        self.environment,
                        name + " ERROR",
                        subscribed,
                        error=RuntimeError(frame.get("message")),
                    )
        except (OSError, websocket.WebSocketException, ValueError) as exc:
            fire(self.environment, name + " closed", started, error=exc)
        finally:
            ws.close()


@events.test_stop.add_listener
def _frames(**_: Any) -> None:
    if FRAMES:
        print(
            "WebSocket frames received: " + ", ".join(f"{k} {v}" for k, v in FRAMES.most_common()), flush=True
        )
