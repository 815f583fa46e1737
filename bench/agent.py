"""Agent benchmark: the time the research agent adds, without the model's — each tool call, and a five-step
conversation end to end.

Per deployment (embedded SQLite with the in-process cache; PostgreSQL + Redis when both answer, else skipped
with the reason), a fresh database and the real app in-process over httpx ASGITransport, with 30 days of the
bundled BTC-USD and ETH-USD hourly recordings stored, one user with two alerts and a portfolio of two
positions, and the research snapshots (offline mode, the default):
- tools: each read-only tool called --calls times (after 3 untimed) through the agent's own wrapper
  (`tools.base.call`: argument validation, a unit of work, the time budget, the JSON the model gets), p50 /
  p95 / max; a no-op tool through the same wrapper (the wrapper's own cost); and, as the reference in the
  same run, the API route that answers the same question (POST /api/analysis/technical, GET
  /api/fundamentals/{symbol}, GET /api/alerts/{userId}, GET /api/portfolios/{id}/analysis).
- conversation: --turns questions (a new conversation every 10, so that memory fills as in use), each
  answered in five steps — five model calls asking for one tool each (technical_analysis, coingecko_market,
  news, my_alerts, portfolio_analysis) and a sixth giving the cited answer — by an in-process scripted
  model that answers at once (the time inside it is measured and subtracted, ~0.1 ms); the server-side time
  is POST .../messages to the stream's last event. Printed with the tools' share and the rest (LangGraph,
  memory, persistence, SSE), and GET /api/users/me as the reference.
Goals of the issue: tool overhead per call p95 < 50 ms; a five-step conversation's server-side time, the
model excluded, < 300 ms.

Run: backend/.venv/bin/python bench/agent.py [--calls 100] [--turns 60] [--skip-cluster] [--skip-embedded]
Environment: BENCH_REDIS_URL (default redis://127.0.0.1:6379/13), BENCH_PG_ADMIN_URL (see support.py).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from digest import serving
from reports import pct, store_candles
from support import embedded, postgres
from ws_load import redis_problem

from app.agent.providers import MODEL_KEY
from app.agent.tools import TOOLS
from app.agent.tools.base import AgentTool, Context, Output, ToolArgs, call
from app.config import Settings
from app.core.clock import isoformat_z, utcnow
from app.core.runtime import Runtime
from app.users.models import User

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "backend"))
from tests.agent.scripted_model import ScriptedChatModel, answer, calls

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
WARM_UP = 3
TOOL_GOAL_MS = 50.0
TURN_GOAL_MS = 300.0
STEPS: list[tuple[str, dict[str, Any]]] = [
    ("technical_analysis", {"symbol": "BTC-USD", "timeframe": "1h", "period": "30d"}),
    ("coingecko_market", {"symbol": "BTC-USD"}),
    ("news", {"symbol": "BTC-USD"}),
    ("my_alerts", {}),
    ("portfolio_analysis", {"portfolioId": 0}),  # the bench user's portfolio, set once it exists
]


def ms(values: list[float]) -> str:
    return (
        f"p50 {statistics.median(values) * 1000:7.2f}  p95 {pct(values, 0.95) * 1000:7.2f}  "
        f"max {max(values) * 1000:7.2f} ms"
    )


class TimedModel(ScriptedChatModel):
    """The scripted model, timing itself: the model's share of a turn, subtracted from the server's."""

    spent: float = 0.0

    def _generate(self, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return super()._generate(*args, **kwargs)
        finally:
            self.spent += time.perf_counter() - started


class Nothing(ToolArgs):
    pass


async def _nothing(ctx: Context, session: Any, args: Nothing) -> Output:
    return Output({"ok": True}, "bench", utcnow())


NO_OP = AgentTool(name="no_op", description="Nothing", args=Nothing, run=_nothing)


async def setup(client: httpx.AsyncClient, runtime: Runtime) -> tuple[dict[str, str], int, int]:
    """Candles, one user with two alerts and a two-position portfolio: the user's headers, id, portfolio."""
    await store_candles(runtime)
    registered = await client.post(
        "/api/auth/register", json={"email": "a@bench.example", "password": "pw-12345678"}
    )
    registered.raise_for_status()
    data = registered.json()["data"]
    headers = {"Authorization": f"Bearer {data['tokens']['accessToken']}"}
    user_id = data["user"]["id"]
    for threshold in (150_000, 20_000):
        body = {"userId": user_id, "symbol": "BTC-USD", "condition": "PRICE_ABOVE", "threshold": threshold,
                "channels": ["IN_APP"]}  # fmt: skip
        (await client.post("/api/alerts", json=body, headers=headers)).raise_for_status()
    created = await client.post("/api/portfolios", json={"userId": user_id, "name": "Bench"}, headers=headers)
    created.raise_for_status()
    portfolio_id = created.json()["data"]["portfolioId"]
    for symbol, quantity in (("BTC-USD", 0.5), ("ETH-USD", 4)):
        body = {"kind": "BUY", "symbol": symbol, "quantity": quantity, "price": 1000,
                "executedAt": isoformat_z(utcnow() - timedelta(days=40))}  # fmt: skip
        url = f"/api/portfolios/{portfolio_id}/transactions"
        added = await client.post(url, json=body, headers=headers)
        if added.status_code != 201:
            print(f"  (portfolio transaction refused: {added.text[:200]})")
    return headers, user_id, portfolio_id


async def tool_calls(
    client: httpx.AsyncClient,
    runtime: Runtime,
    headers: dict[str, str],
    user_id: int,
    portfolio_id: int,
    n: int,
) -> None:
    async with runtime.db.session() as session:
        user = await session.get(User, user_id)
    assert user is not None
    ctx = Context(runtime, client._transport.app.state.notifier, user, allow_actions=False)  # type: ignore[attr-defined]
    cases: list[tuple[AgentTool, dict[str, Any]]] = [(NO_OP, {})] + [
        (tool, dict(args) | ({"portfolioId": portfolio_id} if tool.name == "portfolio_analysis" else {}))
        for name, args in [
            *STEPS,
            ("coinmarketcap_market", {"symbol": "ETH-USD"}),
            ("etherscan_whales", {"symbol": "ETH-USD", "timeframe": "7d"}),
            ("social_sentiment", {"symbol": "BTC-USD"}),
            (
                "alert_backtest",
                {"symbol": "BTC-USD", "condition": "PRICE_ABOVE", "threshold": 100000, "days": 30},
            ),
            (
                "backtest_strategy",
                {"strategyName": "RSI Mean Reversion", "symbol": "BTC-USD", "period": "30d"},
            ),
            ("propose_alert", {"symbol": "BTC-USD", "condition": "PRICE_ABOVE", "threshold": 150000}),
            ("propose_backtest", {"strategyName": "SMA Crossover", "symbol": "ETH-USD", "period": "90d"}),
        ]
        for tool in TOOLS
        if tool.name == name
    ]
    worst = 0.0
    for tool, args in cases:
        times: list[float] = []
        status = ""
        for i in range(WARM_UP + n):
            started = time.perf_counter()
            await call(tool, ctx, args)
            if i >= WARM_UP:
                times.append(time.perf_counter() - started)
            status = ctx.records[-1].status
        if tool is not NO_OP:
            worst = max(worst, pct(times, 0.95))
        print(f"  tool {tool.name:21s} {ms(times)}  {status}", flush=True)
    ctx.records.clear()
    references: list[tuple[str, str, str, dict[str, Any] | None]] = [
        ("POST /api/analysis/technical", "POST", "/api/analysis/technical",
         {"symbol": "BTC-USD", "indicators": ["RSI", "MACD", "BBANDS", "SMA"], "timeframes": ["1h"],
          "period": "30d"}),
        ("GET /api/fundamentals/BTC-USD", "GET", "/api/fundamentals/BTC-USD?sources=COINGECKO", None),
        ("GET /api/alerts/{userId}", "GET", f"/api/alerts/{user_id}", None),
        ("GET /api/portfolios/{id}/analysis", "GET",
         f"/api/portfolios/{portfolio_id}/analysis?lookbackDays=90", None),
    ]  # fmt: skip
    for label, method, url, body in references:
        times = []
        for i in range(WARM_UP + n):
            started = time.perf_counter()
            response = await client.request(method, url, json=body, headers=headers)
            if i >= WARM_UP:
                times.append(time.perf_counter() - started)
        print(f"  ref  {label:33s} {ms(times)}  {response.status_code}", flush=True)
    verdict = "met" if worst < TOOL_GOAL_MS / 1000 else "MISSED"
    print(f"  slowest tool p95 {worst * 1000:.2f} ms (goal < {TOOL_GOAL_MS:.0f} ms: {verdict})", flush=True)


async def conversations(
    client: httpx.AsyncClient, runtime: Runtime, headers: dict[str, str], portfolio_id: int, turns: int
) -> None:
    model = TimedModel()
    runtime.memo[MODEL_KEY] = model
    steps = [
        (name, args | ({"portfolioId": portfolio_id} if "portfolioId" in args else {}))
        for name, args in STEPS
    ]
    server: list[float] = []
    tools_share: list[float] = []
    conversation_id = 0
    for i in range(WARM_UP + turns):
        if i % 10 == 0:
            created = await client.post("/api/agent/conversations", json={}, headers=headers)
            conversation_id = created.json()["data"]["conversationId"]
        model.replies.extend(
            [calls(step) for step in steps] + [answer("RSI [T1], price [T2], news [T3] ...")]
        )
        model.spent = 0.0
        started = time.perf_counter()
        response = await client.post(
            f"/api/agent/conversations/{conversation_id}/messages", json={"content": f"Five steps {i}"},
            headers=headers,
        )  # fmt: skip
        elapsed = time.perf_counter() - started - model.spent
        last = response.text.rstrip().rsplit("\n\n", 1)[-1]
        if not last.startswith("event: answer"):
            print(f"  turn {i} did not answer: {last[:300]}")
            return
        if i >= WARM_UP:
            server.append(elapsed)
            saved = (await client.get(f"/api/agent/conversations/{conversation_id}", headers=headers)).json()
            calls_ms = sum(c["durationMs"] for c in saved["data"]["history"][-1]["toolCalls"]) / 1000
            tools_share.append(calls_ms)
    me = []
    for _ in range(turns):
        started = time.perf_counter()
        await client.get("/api/users/me", headers=headers)
        me.append(time.perf_counter() - started)
    rest = [s - t for s, t in zip(server, tools_share, strict=True)]
    print(f"  five-step turn (server, model excluded) {ms(server)}", flush=True)
    print(f"    of which the five tools            {ms(tools_share)}", flush=True)
    print(f"    the rest (graph, memory, saving)   {ms(rest)}", flush=True)
    print(f"  ref GET /api/users/me                {ms(me)}", flush=True)
    verdict = "met" if pct(server, 0.95) < TURN_GOAL_MS / 1000 else "MISSED"
    print(f"  five-step p95 {pct(server, 0.95) * 1000:.1f} ms (goal < {TURN_GOAL_MS:.0f} ms: {verdict}); "
          f"{pct(server, 0.95) / statistics.median(me):.0f}x a users/me p50", flush=True)  # fmt: skip


async def run(label: str, settings: Settings, n: int, turns: int) -> None:
    print(f"== {label}", flush=True)
    async with serving(settings) as (client, runtime):
        headers, user_id, portfolio_id = await setup(client, runtime)
        await tool_calls(client, runtime, headers, user_id, portfolio_id, n)
        await conversations(client, runtime, headers, portfolio_id, turns)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--turns", type=int, default=60)
    parser.add_argument("--skip-cluster", action="store_true")
    parser.add_argument("--skip-embedded", action="store_true")
    args = parser.parse_args()
    load = " / ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"load average {load} on {os.cpu_count()} cores", flush=True)
    overrides: dict[str, Any] = {
        "llm_provider": "openai",
        "llm_model": "bench",
        "llm_base_url": "http://127.0.0.1:9/v1",  # never called: the scripted model is installed
        "agent_daily_requests": 10**6,
        "agent_daily_tokens": 10**9,
    }
    if not args.skip_embedded:
        async with embedded(**overrides) as settings:
            await run("embedded (SQLite)", settings, args.calls, args.turns)
    if not args.skip_cluster:
        problem = await redis_problem(REDIS_URL)
        if problem:
            print(f"cluster skipped: {problem}")
            return
        async with postgres(**overrides, redis_url=REDIS_URL) as settings:
            if settings is not None:
                await run("cluster (PostgreSQL + Redis)", settings, args.calls, args.turns)


if __name__ == "__main__":
    asyncio.run(main())
