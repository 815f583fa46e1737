"""GET .../analysis on real recorded daily closes: every seed figure recomputed here from its definition in
docs/API.md, performance and attribution wired to the stored history, and rebalancing advice."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import numpy as np
import pytest
from sqlalchemy import select

from app.core.clock import FrozenClock, isoformat_z
from app.market import recordings
from app.realtime.models import UserEvent
from tests.conftest import Account, register
from tests.portfolio.conftest import create_portfolio, push_price, transact

NOW = datetime(2026, 3, 31, 12, tzinfo=UTC)  # the recording's last day (2026-03-30) closed at midnight
FIRST_DAY = date(2025, 1, 1)
BOUGHT = date(2025, 2, 1)
HOLD = {"BTC-USD": 1.0, "ETH-USD": 8.0}


def _closes(symbol: str) -> dict[date, float]:
    recorded = recordings.load(symbol, "1d")
    return {
        datetime.fromtimestamp(int(ts), UTC).date(): float(close)
        for ts, close in zip(recorded.ts, recorded.close, strict=True)
        if datetime.fromtimestamp(int(ts), UTC).date() >= FIRST_DAY
    }


CLOSES = {s: _closes(s) for s in HOLD}


def close_on(symbol: str, day: date) -> float:
    """The close of `day`, or of the last day before it that has one (the recording has gaps: carried)."""
    while day not in CLOSES[symbol]:
        day -= timedelta(days=1)
    return CLOSES[symbol][day]


@pytest.fixture
async def market(client: httpx.AsyncClient, admin: Account, clock: FrozenClock) -> None:
    """Daily BTC-USD and ETH-USD candles, 2025-01-01 to 2026-03-30, pushed as the push API's users do."""
    clock.set(NOW)
    for symbol in HOLD:
        recorded = recordings.load(symbol, "1d")
        start = int(np.searchsorted(recorded.ts, int(datetime(2025, 1, 1, tzinfo=UTC).timestamp())))
        candles = [
            {
                "timestamp": isoformat_z(datetime.fromtimestamp(int(recorded.ts[i]), UTC)),
                "open": float(recorded.open[i]),
                "high": float(recorded.high[i]),
                "low": float(recorded.low[i]),
                "close": float(recorded.close[i]),
                "volume": float(recorded.volume[i]),
            }
            for i in range(start, len(recorded.ts))
        ]
        body = {"symbol": symbol, "interval": "1d", "candles": candles}
        pushed = await client.post("/api/data/candles", json=body, headers=admin.headers)
        assert pushed.status_code == 200, pushed.text


async def _portfolio(client: httpx.AsyncClient, owner: Account) -> int:
    """1 BTC and 8 ETH bought at the close of 2025-02-01 (a day's buys at its close: that day returns 0)."""
    pid: int = (await create_portfolio(client, owner, targetAllocations={"BTC-USD": 0.6, "ETH-USD": 0.4}))[
        "portfolioId"
    ]
    for symbol, quantity in HOLD.items():
        bought = await transact(
            client,
            owner,
            pid,
            kind="BUY",
            symbol=symbol,
            quantity=quantity,
            price=CLOSES[symbol][BOUGHT],
            executedAt=f"{BOUGHT.isoformat()}T23:59:00Z",
        )
        assert bought.status_code == 201, bought.text
    return pid


async def test_the_seed_figures_follow_their_definitions(client: httpx.AsyncClient, market: None) -> None:
    owner = await register(client)
    pid = await _portfolio(client, owner)
    response = await client.get(f"/api/portfolios/{pid}/analysis", headers=owner.headers)
    assert response.status_code == 200, response.text
    analysis: dict[str, Any] = response.json()["data"]

    last = date(2026, 3, 30)
    prices = {s: CLOSES[s][last] for s in HOLD}  # no live tick: the newest stored close
    total = sum(HOLD[s] * prices[s] for s in HOLD)
    cost = sum(HOLD[s] * CLOSES[s][BOUGHT] for s in HOLD)
    assert analysis["totalValue"] == pytest.approx(total, rel=1e-12)
    assert analysis["totalPnL"] == pytest.approx(total - cost, rel=1e-9)
    weights = {s: HOLD[s] * prices[s] / total for s in HOLD}
    assert analysis["allocation"] == pytest.approx(weights)
    assert analysis["allocationDeviation"] == pytest.approx(
        {"BTC-USD": weights["BTC-USD"] - 0.6, "ETH-USD": weights["ETH-USD"] - 0.4}
    )
    band = 0.03  # the seed portfolio's LOW profile
    assert analysis["rebalancingNeeded"] is (abs(weights["BTC-USD"] - 0.6) > band)

    # Risk: today's holdings over the last 365 + 1 complete days.
    days = [last - timedelta(days=365 - i) for i in range(366)]
    values = np.array([sum(HOLD[s] * close_on(s, d) for s in HOLD) for d in days])
    r = values[1:] / values[:-1] - 1
    volatility = np.std(r, ddof=1) * np.sqrt(365)
    expected = {
        "var95": np.percentile(r, 5) * total,
        "maxDrawdown": float(np.min(values / np.maximum.accumulate(values) - 1) * 100),
        "sharpeRatio": np.mean(r) * 365 / volatility,
        "volatility": volatility,
    }
    assert analysis["riskMetrics"] == pytest.approx(expected, rel=1e-9)
    assert analysis["riskMetrics"]["var95"] < 0 and analysis["riskMetrics"]["maxDrawdown"] < 0
    assert [p["date"] for p in analysis["values"]] == [d.isoformat() for d in days]
    assert analysis["prices"]["BTC-USD"]["asOf"] == "2026-03-31T00:00:00Z"
    assert analysis["warnings"] == []

    # Performance: no flow after the day of the buys, which returns 0 (bought at its close).
    held = {d: sum(HOLD[s] * close_on(s, d) for s in HOLD) for d in [*days, BOUGHT, date(2026, 3, 1)]}
    twr = analysis["performance"]["twr"]
    assert twr["ALL"] == pytest.approx(total / held[BOUGHT] - 1, rel=1e-9)
    assert twr["30D"] == pytest.approx(total / held[date(2026, 3, 1)] - 1, rel=1e-9)  # from 03-01's close
    assert twr["1D"] == pytest.approx(total / held[last] - 1, abs=1e-12)  # today: live = the last close
    span = (NOW - datetime(2025, 2, 1, tzinfo=UTC)).total_seconds() / 86400  # flows at their day's start
    assert analysis["performance"]["mwr"]["ALL"] == pytest.approx(
        (total / cost) ** (365 / span) - 1, rel=1e-6
    )

    attribution = analysis["attribution"]
    assert sum(attribution["contribution"].values()) == pytest.approx(
        attribution["portfolioReturn"], abs=1e-12
    )
    assert sum(attribution["allocationEffect"].values()) == pytest.approx(
        attribution["excessReturn"], abs=1e-12
    )
    extended = analysis["extended"]
    assert sum(extended["riskContribution"].values()) == pytest.approx(1.0)
    assert extended["concentrationHhi"] == pytest.approx(sum(w * w for w in weights.values()))


async def test_rebalancing_advice_brings_the_weights_to_target(
    client: httpx.AsyncClient, market: None
) -> None:
    owner = await register(client)
    pid = await _portfolio(client, owner)
    response = await client.get(f"/api/portfolios/{pid}/rebalance", headers=owner.headers)
    assert response.status_code == 200, response.text
    plan = response.json()["data"]
    assert plan["rebalancingNeeded"] is True and plan["trades"]
    assert plan["weightsAfter"]["BTC-USD"] == pytest.approx(0.6, abs=0.01)
    assert all(t["reason"].startswith(t["symbol"]) for t in plan["trades"])
    before = (await client.get(f"/api/portfolios/{pid}", headers=owner.headers)).json()["data"]
    assert [p["quantity"] for p in before["positions"]] == [1, 8]  # advice only: nothing traded


async def test_a_transaction_sends_portfolio_update(client: httpx.AsyncClient, app: Any) -> None:
    owner = await register(client)
    pid = (await create_portfolio(client, owner))["portfolioId"]
    bought = await transact(
        client,
        owner,
        pid,
        kind="BUY",
        symbol="BTC-USD",
        quantity=1,
        price=100,
        executedAt="2025-01-01T00:00:00Z",
    )
    assert bought.status_code == 201
    async with app.state.runtime.db.session() as session:
        [event] = await session.scalars(select(UserEvent).where(UserEvent.user_id == owner.id))
    assert event.type == "PORTFOLIO_UPDATE" and event.payload["portfolioId"] == pid


async def test_the_optimiser_proposes_targets_within_bounds(client: httpx.AsyncClient, market: None) -> None:
    owner = await register(client)
    pid = await _portfolio(client, owner)
    url = f"/api/portfolios/{pid}/optimize"
    for method in ("MIN_VARIANCE", "MAX_SHARPE", "HRP", "RISK_PARITY"):
        body = {"method": method, "bounds": {"BTC-USD": {"min": 0.2, "max": 0.7}}}
        response = await client.post(url, json=body, headers=owner.headers)
        assert response.status_code == 200, response.text
        proposal = response.json()["data"]
        assert set(proposal["weights"]) == set(HOLD) and sum(proposal["weights"].values()) == pytest.approx(1)
        assert 0.2 - 1e-9 <= proposal["weights"]["BTC-USD"] <= 0.7 + 1e-9, method
        assert proposal["volatility"] > 0 and proposal["lookbackDays"] == 365
    outside = await client.post(
        url, json={"method": "HRP", "bounds": {"SOL-USD": {"max": 0.5}}}, headers=owner.headers
    )
    assert outside.status_code == 422 and outside.json()["field"] == "bounds.SOL-USD"
    infeasible = {"method": "MIN_VARIANCE", "defaultBounds": {"min": 0.6, "max": 1}}
    refused = await client.post(url, json=infeasible, headers=owner.headers)
    assert refused.status_code == 422 and refused.json()["field"] in ("bounds", "defaultBounds"), refused.text


async def test_a_price_move_sends_portfolio_update(
    client: httpx.AsyncClient, app: Any, admin: Account
) -> None:
    owner = await register(client)
    pid = (await create_portfolio(client, owner))["portfolioId"]
    await push_price(client, admin, "BTC-USD", 50_000)
    bought = await transact(
        client,
        owner,
        pid,
        kind="BUY",
        symbol="BTC-USD",
        quantity=1,
        price=48_000,
        executedAt="2025-01-01T00:00:00Z",
    )
    assert bought.status_code == 201
    price_updates: list[dict[str, Any]] = []
    for attempt in range(100):  # the watcher takes the new holdings, then hears the price
        if attempt % 10 == 0:
            await push_price(client, admin, "BTC-USD", 51_000 + attempt)
        await asyncio.sleep(0.1)
        async with app.state.runtime.db.session() as session:
            events = await session.scalars(select(UserEvent).where(UserEvent.user_id == owner.id))
            price_updates = [e.payload for e in events if e.payload.get("reason") == "PRICE"]
        if price_updates:
            break
    assert price_updates, "no PORTFOLIO_UPDATE after a 2% move"
    update = price_updates[0]
    assert update["portfolioId"] == pid and update["totalValue"] >= 51_000
    assert update["totalPnL"] == pytest.approx(update["totalValue"] - 48_000)


async def test_attribution_covers_targets_not_held_and_says_when_there_are_none(
    client: httpx.AsyncClient, market: None
) -> None:
    owner = await register(client)
    seed = (await create_portfolio(client, owner))[
        "portfolioId"
    ]  # BTC 60 / ETH 30 / USDT 10, USDT never held
    bare = (await create_portfolio(client, owner, targetAllocations={}))["portfolioId"]
    for pid in (seed, bare):
        bought = await transact(
            client,
            owner,
            pid,
            kind="BUY",
            symbol="BTC-USD",
            quantity=1,
            price=CLOSES["BTC-USD"][BOUGHT],
            executedAt=f"{BOUGHT.isoformat()}T23:59:00Z",
        )
        assert bought.status_code == 201
    seeded = (await client.get(f"/api/portfolios/{seed}/analysis", headers=owner.headers)).json()["data"]
    parts = seeded["attribution"]
    assert set(parts["allocationEffect"]) == {"BTC-USD", "ETH-USD", "USDT"}
    assert sum(parts["allocationEffect"].values()) == pytest.approx(parts["excessReturn"], abs=1e-12)
    assert parts["excessReturn"] == pytest.approx(parts["portfolioReturn"] - parts["benchmarkReturn"])
    plain = (await client.get(f"/api/portfolios/{bare}/analysis", headers=owner.headers)).json()["data"]
    assert plain["attribution"]["contribution"] == {} and any("no targets" in w for w in plain["warnings"])
    assert plain["rebalancingNeeded"] is False and plain["alerts"] == []


async def test_a_target_without_a_price_waits_in_cash_but_a_holding_without_one_stops_the_advice(
    client: httpx.AsyncClient, admin: Account
) -> None:
    owner = await register(client)
    targets = {"BTC-USD": 0.5, "ETH-USD": 0.5}
    pid = (await create_portfolio(client, owner, riskProfile="MEDIUM", targetAllocations=targets))[
        "portfolioId"
    ]
    await push_price(client, admin, "BTC-USD", 50_000)
    bought = await transact(
        client,
        owner,
        pid,
        kind="BUY",
        symbol="BTC-USD",
        quantity=1,
        price=50_000,
        executedAt="2025-01-01T00:00:00Z",
    )
    assert bought.status_code == 201, bought.text
    url = f"/api/portfolios/{pid}/rebalance"
    plan = (await client.get(url, headers=owner.headers)).json()["data"]  # ETH-USD has no price yet
    assert plan["skipped"][0] == "ETH-USD has no price yet: its 50.0% target waits in USD in this plan"
    [sell] = plan["trades"]
    assert sell["symbol"] == "BTC-USD" and sell["side"] == "SELL" and sell["quantity"] == pytest.approx(0.5)
    assert plan["weightsAfter"]["USD"] == pytest.approx(0.5, abs=0.001)
    held = await transact(
        client,
        owner,
        pid,
        kind="BUY",
        symbol="SOL-USD",
        quantity=1,
        price=100,
        executedAt="2025-01-02T00:00:00Z",
    )
    assert held.status_code == 201, held.text
    refused = await client.get(url, headers=owner.headers)
    assert refused.status_code == 404 and refused.json()["code"] == "NO_DATA"
    assert "SOL-USD" in refused.json()["message"]


async def test_a_rebalance_without_targets_is_a_409_naming_them(
    client: httpx.AsyncClient, admin: Account, market: None
) -> None:
    owner = await register(client)
    pid = (await create_portfolio(client, owner, targetAllocations={}))["portfolioId"]
    bought = await transact(
        client,
        owner,
        pid,
        kind="BUY",
        symbol="BTC-USD",
        quantity=1,
        price=50_000,
        executedAt="2025-01-01T00:00:00Z",
    )
    assert bought.status_code == 201, bought.text
    refused = await client.get(f"/api/portfolios/{pid}/rebalance", headers=owner.headers)
    assert refused.status_code == 409, refused.text
    assert refused.json()["code"] == "CONFLICT" and refused.json()["field"] == "targetAllocations"


async def test_day_change_is_the_holdings_move_since_the_last_daily_close(
    client: httpx.AsyncClient, admin: Account, market: None
) -> None:
    owner = await register(client)
    pid = await _portfolio(client, owner)
    url = f"/api/portfolios/{pid}"
    unmoved = (await client.get(url, headers=owner.headers)).json()["data"]
    assert unmoved["dayChange"] == 0 and unmoved["dayChangePercent"] == 0  # priced at yesterday's close
    last = date(2026, 3, 30)
    moved_to = CLOSES["BTC-USD"][last] * 1.02
    candle = {"timestamp": "2026-03-31T10:00:00Z", "open": moved_to, "high": moved_to, "low": moved_to}
    body = {"symbol": "BTC-USD", "interval": "1h", "candles": [{**candle, "close": moved_to, "volume": 1.0}]}
    pushed = await client.post("/api/data/candles", json=body, headers=admin.headers)
    assert pushed.status_code == 200, pushed.text
    data = (await client.get(url, headers=owner.headers)).json()["data"]
    before = sum(HOLD[s] * CLOSES[s][last] for s in HOLD)
    assert data["dayChange"] == pytest.approx(moved_to - CLOSES["BTC-USD"][last], rel=1e-9)
    assert data["dayChangePercent"] == pytest.approx(data["dayChange"] / before * 100, rel=1e-9)
    listed = (await client.get("/api/portfolios", headers=owner.headers)).json()["data"]
    assert listed[0]["dayChange"] == data["dayChange"]
