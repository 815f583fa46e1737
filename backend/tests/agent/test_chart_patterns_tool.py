"""The chart_patterns tool: the patterns of an asset's latest bars as GET /api/patterns/{symbol} finds them,
with the records already computed, cited with its source and as-of time."""

from __future__ import annotations

from typing import Any

from tests.agent.conftest import Agent
from tests.agent.scripted_model import answer, calls
from tests.conftest import Account, register
from tests.patterns.conftest import run_job


async def test_chart_patterns_returns_the_latest_detections_and_known_records(
    agent: Agent, market: Account
) -> None:
    me = await register(agent.client)
    # A record computed before (GET /api/patterns/stats and its job) is added to the tool's answer.
    params = {"symbol": "BTC-USD", "pattern": "CDLDOJI"}
    pending = await agent.client.get("/api/patterns/stats", params=params, headers=me.headers)
    assert pending.status_code == 202, pending.text
    assert (await run_job(agent.client, me, pending.json()["data"]["jobId"]))["status"] == "DONE"

    conversation_id = await agent.conversation(me)
    agent.script(
        calls(("chart_patterns", {"symbol": "BTC", "interval": "1h", "bars": 300})),
        answer("BTC shows patterns [T1]."),
    )
    events = await agent.ask(me, conversation_id, "Which chart patterns does BTC show?")
    assert "chart_patterns" in agent.model.offered
    result = next(data for kind, data in events if kind == "tool_result")
    assert result["status"] == "OK", result
    assert result["source"] == "Cryptomon candles (1h)" and result["asOf"]
    data: dict[str, Any] = result["result"]["data"]
    assert data["symbol"] == "BTC-USD" and data["bars"] == 300

    # The same as the route over the same bars, compacted: no points or lines, the 40 latest signals.
    window = {"from": data["from"], "to": data["to"], "interval": "1h"}
    route = (await agent.client.get("/api/patterns/BTC-USD", params=window, headers=me.headers)).json()[
        "data"
    ]
    assert route["asOf"] == result["asOf"]
    assert data["chart"] == [
        {k: v for k, v in d.items() if k not in ("points", "lines")} for d in route["chart"]
    ]
    assert data["candlesOmitted"] == max(len(route["candles"]) - 40, 0)
    assert data["candles"] == [
        {k: c[k] for k in ("pattern", "title", "direction", "time", "price")}
        for c in route["candles"][data["candlesOmitted"] :]
    ]
    assert [lv["price"] for lv in data["levels"]] == [lv["price"] for lv in route["levels"][:5]]
    assert len(data["trendLines"]) == len(route["trendLines"])
    found = {c["pattern"] for c in route["candles"]} | {d["kind"] for d in route["chart"]}
    assert "CDLDOJI" in found and set(data["stats"]) == {"CDLDOJI"}  # only the record computed
    stats = await agent.client.get("/api/patterns/stats", params=params, headers=me.headers)
    record = stats.json()["data"]
    assert data["stats"]["CDLDOJI"]["count"] == record["count"]
    assert data["stats"]["CDLDOJI"]["horizons"] == record["horizons"]
