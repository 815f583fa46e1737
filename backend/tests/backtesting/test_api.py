"""POST /api/backtest/strategy on real candles (both deployments): the seed's request and response, the run
kept with its trades and equity, the signed equity chart, ownership, bad input, rule strategies, sweeps."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import numpy as np
import pytest
from fastapi import FastAPI

from app.backtesting.engine import Costs, run
from app.backtesting.strategies import find
from app.config import Settings
from app.core.clock import isoformat_z
from app.core.tasks.service import execute_job
from app.quant.indicators.spec import Series
from tests.backtesting.conftest import RECORDED, trader_with_hours
from tests.conftest import Account, assert_error, register

LAST = len(RECORDED.ts) - 24 * 30  # leave the last month out: "to" is a fixed, real date
FIRST = LAST - 24 * 420  # a year plus warm-up
TO = datetime.fromtimestamp(int(RECORDED.ts[LAST]), UTC)
START = datetime.fromtimestamp(int(RECORDED.ts[FIRST]), UTC)  # the first candle held


@pytest.fixture
async def trader(settings: Settings, client: httpx.AsyncClient) -> Account:
    return await trader_with_hours(settings, client, FIRST, LAST)


SEED = {
    "strategyName": "RSI Mean Reversion",
    "symbol": "BTC-USD",
    "period": "1y",
    "parameters": {"rsiPeriod": 14, "buyThreshold": 30, "sellThreshold": 70},
    "initialCapital": 10000,
}


def _request(**overrides: Any) -> dict[str, Any]:
    return {**SEED, "to": isoformat_z(TO), **overrides}


async def test_the_seed_request_runs_and_its_run_is_kept(client: httpx.AsyncClient, trader: Account) -> None:
    response = await client.post("/api/backtest/strategy", json=_request(), headers=trader.headers)
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    assert data["backtestId"].startswith("BT-") and data["strategyName"] == "RSI Mean Reversion"
    results = data["results"]
    for key in ("totalReturn", "sharpeRatio", "maxDrawdown", "winRate", "totalTrades", "profitFactor"):
        assert key in results
    assert results["totalTrades"] > 5 and results["maxDrawdown"] <= 0 and data["completedAt"].endswith("Z")
    assert results["bars"] == 365 * 24 and data["interval"] == "1h" and data["costs"]["fees"] == 0.001

    # The same trades as the engine run by hand on the same candles (fills at the next open, 0.1% fees).
    end = LAST
    start = end - 365 * 24
    window = slice(start - 140, end)
    series = Series(
        np.asarray(RECORDED.ts[window], dtype=np.int64),
        *(
            np.asarray(getattr(RECORDED, c)[window], dtype=np.float64)
            for c in ("open", "high", "low", "close", "volume")
        ),
    )
    strategy = find("RSI Mean Reversion")
    assert strategy is not None
    signals = strategy.compute(series, strategy.bind({}))
    tested = slice(140, None)
    expected = run(
        series.open[tested],
        series.high[tested],
        series.low[tested],
        series.close[tested],
        np.ascontiguousarray(signals.long_entry[tested]),
        np.ascontiguousarray(signals.long_exit[tested]),
        10_000.0,
        Costs(fee=0.001),
    )
    url = f"/api/backtest/{data['backtestId']}"
    detail = (await client.get(f"{url}/data", headers=trader.headers)).json()["data"]
    assert [t["entryPrice"] for t in detail["trades"]] == expected.entry_price.tolist()
    assert [t["exitPrice"] for t in detail["trades"]] == expected.exit_price.tolist()
    assert len(detail["equity"]) == 365 * 24
    assert detail["equity"][-1]["equity"] == pytest.approx(float(expected.equity[-1]))
    assert results["finalEquity"] == pytest.approx(float(expected.equity[-1]))

    assert (await client.get(url, headers=trader.headers)).json()["data"] == data
    listed = (await client.get("/api/backtest", headers=trader.headers)).json()["data"]
    assert [r["backtestId"] for r in listed] == [data["backtestId"]]
    chart = await client.get(data["equityCurveUrl"])  # no token: the URL is signed
    assert chart.status_code == 200 and chart.headers["content-type"] == "image/png"
    assert chart.content.startswith(b"\x89PNG")
    forged = data["equityCurveUrl"].split("?")[0] + "?sig=" + "0" * 32
    assert_error(await client.get(forged), 404, "NOT_FOUND")

    other = await register(client)
    assert_error(await client.get(url, headers=other.headers), 404, "NOT_FOUND")
    assert_error(await client.delete(url, headers=other.headers), 404, "NOT_FOUND")
    assert (await client.delete(url, headers=trader.headers)).status_code == 204
    assert_error(await client.get(url, headers=trader.headers), 404, "NOT_FOUND")


async def test_costs_sizing_stops_and_shorts_change_the_run(
    client: httpx.AsyncClient, trader: Account
) -> None:
    async def results(**overrides: Any) -> dict[str, Any]:
        body = _request(strategyName="MACD Crossover", parameters={}, **overrides)
        response = await client.post("/api/backtest/strategy", json=body, headers=trader.headers)
        assert response.status_code == 201, response.text
        return dict(response.json()["data"]["results"])

    free = await results(fees=0)
    costly = await results(fees=0.002, slippage=0.001)
    assert costly["feesPaid"] > 0 == free["feesPaid"] and costly["finalEquity"] < free["finalEquity"]
    half = await results(sizing="FRACTION", size=0.5, fees=0)
    assert half["exposure"] == free["exposure"] and half["finalEquity"] != free["finalEquity"]
    stopped = await results(stopLoss=0.01, fees=0)
    assert stopped["totalTrades"] >= free["totalTrades"]
    both = await results(direction="LONG_SHORT", fees=0)
    assert both["exposure"] > free["exposure"]


async def test_a_rule_strategy_with_a_custom_indicator(client: httpx.AsyncClient, trader: Account) -> None:
    custom = {"userId": trader.id, "name": "Trend Gap", "formula": "EMA(CLOSE, 12) - EMA(CLOSE, 26)"}
    assert (
        await client.post("/api/indicators/custom", json=custom, headers=trader.headers)
    ).status_code == 201
    rules = {"entry": "CROSSOVER(TREND_GAP, 0)", "exit": "CROSSUNDER(TREND_GAP, 0)"}
    mine = await client.post(
        "/api/backtest/strategy",
        json=_request(strategyName="Rules", parameters=rules),
        headers=trader.headers,
    )
    assert mine.status_code == 201, mine.text
    inline = {
        "entry": "CROSSOVER(EMA(CLOSE,12), EMA(CLOSE,26))",
        "exit": "CROSSUNDER(EMA(CLOSE,12), EMA(CLOSE,26))",
    }
    same = await client.post(
        "/api/backtest/strategy",
        json=_request(strategyName="Rules", parameters=inline),
        headers=trader.headers,
    )
    ema = await client.post(
        "/api/backtest/strategy",
        json=_request(strategyName="EMA Crossover", parameters={}),
        headers=trader.headers,
    )
    assert mine.json()["data"]["results"] == same.json()["data"]["results"] == ema.json()["data"]["results"]
    assert mine.json()["data"]["results"]["totalTrades"] > 5


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"strategyName": "Moon Shot"}, "strategyName"),
        (
            {"parameters": {"rsiPeriod": 14, "buyThreshold": 70, "sellThreshold": 30}},
            "parameters.buyThreshold",
        ),
        ({"parameters": {"rsiPeriod": 1}}, "parameters.rsiPeriod"),
        ({"parameters": {"colour": 1}}, "parameters.colour"),
        (  # 30 days held before `to` and nothing before: 720 bars for a 900-bar RSI
            {
                "parameters": {"rsiPeriod": 900},
                "from": isoformat_z(START),
                "to": isoformat_z(START + timedelta(days=30)),
            },
            "parameters.rsiPeriod",
        ),
        (
            {"strategyName": "Rules", "parameters": {"entry": "RSI(14) <", "exit": "RSI(14) > 70"}},
            "parameters.entry",
        ),
        ({"strategyName": "Rules", "parameters": {"exit": "RSI(14) > 70"}}, "parameters.entry"),
        ({"initialCapital": 0}, "initialCapital"),
        ({"initialCapital": -5}, "initialCapital"),
        ({"fees": -0.01}, "fees"),
        ({"sizing": "FRACTION", "size": 2}, "size"),
        ({"interval": "7m"}, "interval"),
    ],
)
async def test_bad_input_is_a_422_naming_the_field(
    client: httpx.AsyncClient, trader: Account, overrides: dict[str, Any], field: str
) -> None:
    response = await client.post("/api/backtest/strategy", json=_request(**overrides), headers=trader.headers)
    assert response.status_code == 422, response.text
    body = response.json()
    fields = [body.get("field")] + [d.get("field") for d in body.get("details", [])]
    assert any(f is not None and (f == field or f.startswith(field)) for f in fields), body
    assert (await client.get("/api/backtest", headers=trader.headers)).json()["data"] == []


async def test_a_range_without_data_is_404_no_data(client: httpx.AsyncClient, trader: Account) -> None:
    body = _request(**{"from": "2019-01-01T00:00:00Z", "to": "2019-06-01T00:00:00Z"})
    response = await client.post("/api/backtest/strategy", json=body, headers=trader.headers)
    assert_error(response, 404, "NO_DATA")
    assert response.json()["field"] == "symbol" and "2019-01-01" in response.json()["message"]


async def test_a_sweep_ranks_in_sample_and_reports_out_of_sample(
    app: FastAPI, client: httpx.AsyncClient, trader: Account
) -> None:
    body = _request(
        ranges={"rsiPeriod": {"values": [7, 14, 21]}, "buyThreshold": {"min": 20, "max": 35, "step": 5}},
        metric="totalReturn",
        outOfSample=0.25,
        top=5,
    )
    response = await client.post("/api/backtest/optimize", json=body, headers=trader.headers)
    assert response.status_code == 202, response.text
    job_id = response.json()["data"]["jobId"]
    await execute_job(app.state.runtime, job_id)  # the cluster's Celery worker, in this process
    for _ in range(100):
        job = (await client.get(f"/api/jobs/{job_id}", headers=trader.headers)).json()["data"]
        if job["status"] in ("DONE", "FAILED"):
            break
        await asyncio.sleep(0.05)
    assert job["status"] == "DONE", job
    result = job["result"]
    assert result["combinations"] == 12 and len(result["results"]) == 5
    ranked = [r["inSample"]["totalReturn"] for r in result["results"]]
    assert ranked == sorted(ranked, reverse=True)
    assert all(r["outOfSample"] is not None for r in result["results"])
    assert result["inSample"]["bars"] + result["outOfSample"]["bars"] == 365 * 24
    bad = await client.post(
        "/api/backtest/optimize", json=_request(ranges={"rsiPeriod": {"min": 5}}), headers=trader.headers
    )
    assert bad.status_code == 422 and bad.json()["field"] == "ranges.rsiPeriod"
