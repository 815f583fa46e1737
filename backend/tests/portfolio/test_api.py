"""The seed's portfolio requests and responses, transactions as the source of truth, and every bad input
answered with a 4xx naming the field and nothing saved."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import Account, assert_error, register
from tests.portfolio.conftest import SEED_PORTFOLIO, create_portfolio, push_price, transact

SEED_POSITION = {
    "symbol": "BTC-USD",
    "quantity": 0.5,
    "entryPrice": 48000,
    "entryDate": "2025-11-01T10:00:00Z",
}


async def _get(client: httpx.AsyncClient, owner: Account, portfolio_id: int) -> dict[str, Any]:
    response = await client.get(f"/api/portfolios/{portfolio_id}", headers=owner.headers)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


async def test_the_seed_portfolio_and_position(client: httpx.AsyncClient, admin: Account) -> None:
    owner = await register(client)
    created = await create_portfolio(client, owner)
    assert {k: created[k] for k in ("name", "riskProfile", "currentValue", "positions")} == {
        "name": "Conservative Portfolio",
        "riskProfile": "LOW",
        "currentValue": 0,
        "positions": [],
    }
    assert created["portfolioId"] > 0 and created["createdAt"].endswith("Z")
    assert created["targetAllocations"] == SEED_PORTFOLIO["targetAllocations"] and created["band"] == 0.03
    await push_price(client, admin, "BTC-USD", 50250)
    url = f"/api/portfolios/{created['portfolioId']}/positions"
    response = await client.post(url, json=SEED_POSITION, headers=owner.headers)
    assert response.status_code == 201, response.text
    position = response.json()["data"]
    assert {k: position[k] for k in ("portfolioId", "symbol", "quantity", "entryPrice")} == {
        "portfolioId": created["portfolioId"],
        "symbol": "BTC-USD",
        "quantity": 0.5,
        "entryPrice": 48000,
    }
    assert position["positionId"] > 0
    assert (position["currentPrice"], position["currentValue"], position["pnl"], position["pnlPercent"]) == (
        50250,
        25125,
        1125,
        4.69,
    )
    assert position["price"]["source"] == "push" or position["price"]["source"]
    portfolio = await _get(client, owner, created["portfolioId"])
    assert portfolio["currentValue"] == 25125 and portfolio["totalPnL"] == 1125
    assert [p["symbol"] for p in portfolio["positions"]] == ["BTC-USD"]
    assert portfolio["rebalancingNeeded"] is True  # all in BTC against a 60% target


async def test_lots_average_cost_and_fifo(client: httpx.AsyncClient, admin: Account) -> None:
    """Two buys and a sell: unrealised by average cost, realised by FIFO, both shown."""
    owner = await register(client)
    pid = (await create_portfolio(client, owner, targetAllocations={"ETH-USD": 1}))["portfolioId"]
    for quantity, price, day in ((1, 1000, "01"), (1, 2000, "02")):
        response = await transact(
            client,
            owner,
            pid,
            kind="BUY",
            symbol="ETH-USD",
            quantity=quantity,
            price=price,
            executedAt=f"2025-01-{day}T12:00:00Z",
        )
        assert response.status_code == 201, response.text
    sold = await transact(
        client,
        owner,
        pid,
        kind="SELL",
        symbol="ETH-USD",
        quantity=1,
        price=2500,
        executedAt="2025-01-03T12:00:00Z",
    )
    assert sold.status_code == 201, sold.text
    await push_price(client, admin, "ETH-USD", 3000)
    [position] = (await _get(client, owner, pid))["positions"]
    # FIFO: the 1,000 lot is sold for 2,500 (+1,500). Average cost: 1,500 a unit, sold for 2,500 (+1,000), and
    # the unit left costs 1,500 on average: unrealised (3,000 - 1,500) x 1 = 1,500.
    assert position["quantity"] == 1 and position["entryPrice"] == 1500 and position["pnl"] == 1500
    assert position["realisedPnlFifo"] == 1500 and position["realisedPnlAverage"] == 1000
    portfolio = await _get(client, owner, pid)
    # In 1,000 + 2,000, out 2,500; worth 3,000: 2,500 gained, as FIFO counts it (1,500 realised + 1,000 on
    # the 2,000 lot still held).
    assert portfolio["totalPnL"] == 2500 and portfolio["realisedPnl"] == 1500


async def test_transactions_are_listed_corrected_and_deleted(client: httpx.AsyncClient) -> None:
    owner = await register(client)
    pid = (await create_portfolio(client, owner))["portfolioId"]
    buy = (
        await transact(
            client,
            owner,
            pid,
            kind="BUY",
            symbol="btc-usd",
            quantity=2,
            price=100,
            executedAt="2025-01-01T00:00:00Z",
            externalId="T-1",
        )
    ).json()["data"]
    assert buy["symbol"] == "BTC-USD" and buy["externalId"] == "T-1"
    sell = (
        await transact(
            client,
            owner,
            pid,
            kind="SELL",
            symbol="BTC-USD",
            quantity=1.5,
            price=120,
            executedAt="2025-01-02T00:00:00Z",
        )
    ).json()["data"]
    listed = (await client.get(f"/api/portfolios/{pid}/transactions", headers=owner.headers)).json()["data"]
    assert listed["total"] == 2 and [t["transactionId"] for t in listed["transactions"]] == [
        sell["transactionId"],
        buy["transactionId"],
    ]
    url = f"/api/portfolios/{pid}/transactions/{buy['transactionId']}"
    # Correcting the buy to 1 unit would make the later sale of 1.5 impossible: refused, nothing changes.
    refused = await client.patch(url, json={"quantity": 1}, headers=owner.headers)
    body = assert_error(refused, 422, "VALIDATION_ERROR")
    assert body["field"] == "quantity" and f"transaction {sell['transactionId']}" in body["message"]
    assert (await _get(client, owner, pid))["positions"][0]["quantity"] == 0.5
    corrected = await client.patch(url, json={"quantity": 3}, headers=owner.headers)
    assert corrected.status_code == 200 and corrected.json()["data"]["quantity"] == 3
    assert (await _get(client, owner, pid))["positions"][0]["quantity"] == 1.5
    assert_error(
        await client.delete(url, headers=owner.headers), 422, "VALIDATION_ERROR"
    )  # the sale needs it
    sale = f"/api/portfolios/{pid}/transactions/{sell['transactionId']}"
    assert (await client.delete(sale, headers=owner.headers)).status_code == 204
    assert (await client.delete(url, headers=owner.headers)).status_code == 204
    assert (await _get(client, owner, pid))["positions"] == []
    imported = {"kind": "BUY", "symbol": "BTC-USD", "quantity": 1, "price": 1, "externalId": "T-2"}
    assert (
        await transact(client, owner, pid, **imported, executedAt="2025-01-01T00:00:00Z")
    ).status_code == 201
    again = await transact(client, owner, pid, **imported, executedAt="2025-01-01T00:00:00Z")
    assert assert_error(again, 409, "CONFLICT")["field"] == "externalId"


async def test_portfolios_are_listed_patched_and_deleted(client: httpx.AsyncClient) -> None:
    owner = await register(client)
    first = await create_portfolio(client, owner)
    second = await create_portfolio(client, owner, name="Growth", riskProfile="HIGH", targetAllocations={})
    listed = (await client.get("/api/portfolios", headers=owner.headers)).json()["data"]
    assert [p["portfolioId"] for p in listed] == [first["portfolioId"], second["portfolioId"]]
    assert listed[1]["band"] == 0.1 and listed[1]["bandIsDefault"] is True
    url = f"/api/portfolios/{first['portfolioId']}"
    patched = await client.patch(url, json={"name": "Calm", "band": 0.07}, headers=owner.headers)
    assert patched.json()["data"]["name"] == "Calm" and patched.json()["data"]["band"] == 0.07
    reset = await client.patch(url, json={"band": None}, headers=owner.headers)
    assert reset.json()["data"]["band"] == 0.03 and reset.json()["data"]["bandIsDefault"] is True
    assert (await client.delete(url, headers=owner.headers)).status_code == 204
    assert_error(await client.get(url, headers=owner.headers), 404, "NOT_FOUND")


BAD_PORTFOLIOS = [
    ({"targetAllocations": {"BTC-USD": 0.6, "ETH-USD": 0.3}}, 422, "VALIDATION_ERROR", "targetAllocations"),
    ({"targetAllocations": {"BTC-USD": 1.2, "ETH-USD": -0.2}}, 422, "VALIDATION_ERROR", "targetAllocations"),
    ({"targetAllocations": {"NOPE-USD": 1}}, 400, "INVALID_SYMBOL", "targetAllocations"),
    ({"riskProfile": "WILD"}, 422, "VALIDATION_ERROR", "riskProfile"),
    ({"band": 0}, 422, "VALIDATION_ERROR", "band"),
    ({"band": 1}, 422, "VALIDATION_ERROR", "band"),
    ({"name": ""}, 422, "VALIDATION_ERROR", "name"),
]


@pytest.mark.parametrize(("fields", "status", "code", "field"), BAD_PORTFOLIOS)
async def test_a_bad_portfolio_is_refused_by_field(
    client: httpx.AsyncClient, fields: dict[str, Any], status: int, code: str, field: str
) -> None:
    owner = await register(client)
    body = {"userId": owner.id, **SEED_PORTFOLIO, **fields}
    response = await client.post("/api/portfolios", json=body, headers=owner.headers)
    assert field in str(assert_error(response, status, code).get("field"))
    assert (await client.get("/api/portfolios", headers=owner.headers)).json()["data"] == []


BAD_TRANSACTIONS = [
    ({"quantity": 0}, 422, "VALIDATION_ERROR", "quantity"),
    ({"quantity": -1}, 422, "VALIDATION_ERROR", "quantity"),
    ({"price": -5}, 422, "VALIDATION_ERROR", "price"),
    ({"symbol": "NOPE-USD"}, 400, "INVALID_SYMBOL", "symbol"),
    ({"executedAt": "2999-01-01T00:00:00Z"}, 422, "VALIDATION_ERROR", "executedAt"),
    ({"kind": "SELL", "quantity": 5}, 422, "VALIDATION_ERROR", "quantity"),  # 1 held
    ({"kind": "DEPOSIT"}, 422, "VALIDATION_ERROR", "symbol"),  # only cash is deposited
    ({"kind": "GIFT"}, 422, "VALIDATION_ERROR", "kind"),
]


@pytest.mark.parametrize(("fields", "status", "code", "field"), BAD_TRANSACTIONS)
async def test_a_bad_transaction_is_refused_by_field_and_changes_nothing(
    client: httpx.AsyncClient, fields: dict[str, Any], status: int, code: str, field: str
) -> None:
    owner = await register(client)
    pid = (await create_portfolio(client, owner))["portfolioId"]
    base = {
        "kind": "BUY",
        "symbol": "BTC-USD",
        "quantity": 1,
        "price": 100,
        "executedAt": "2025-01-01T00:00:00Z",
    }
    assert (await transact(client, owner, pid, **base)).status_code == 201
    response = await transact(client, owner, pid, **{**base, "executedAt": "2025-01-02T00:00:00Z", **fields})
    assert assert_error(response, status, code).get("field") == field
    listed = (await client.get(f"/api/portfolios/{pid}/transactions", headers=owner.headers)).json()["data"]
    assert listed["total"] == 1
    assert (await _get(client, owner, pid))["positions"][0]["quantity"] == 1


async def test_a_future_entry_date_names_the_seed_field(client: httpx.AsyncClient) -> None:
    owner = await register(client)
    pid = (await create_portfolio(client, owner))["portfolioId"]
    body = {**SEED_POSITION, "entryDate": "2999-01-01T00:00:00Z"}
    response = await client.post(f"/api/portfolios/{pid}/positions", json=body, headers=owner.headers)
    assert assert_error(response, 422, "VALIDATION_ERROR")["field"] == "entryDate"


async def test_nobody_reads_or_changes_another_users_portfolio(client: httpx.AsyncClient) -> None:
    alice, bob = await register(client), await register(client)
    pid = (await create_portfolio(client, alice))["portfolioId"]
    buy = {
        "kind": "BUY",
        "symbol": "BTC-USD",
        "quantity": 1,
        "price": 100,
        "executedAt": "2025-01-01T00:00:00Z",
    }
    tid = (await transact(client, alice, pid, **buy)).json()["data"]["transactionId"]
    base = f"/api/portfolios/{pid}"
    for method, url, body in (
        ("GET", base, None),
        ("PATCH", base, {"name": "mine"}),
        ("DELETE", base, None),
        ("POST", f"{base}/positions", SEED_POSITION),
        ("GET", f"{base}/transactions", None),
        ("POST", f"{base}/transactions", buy),
        ("PATCH", f"{base}/transactions/{tid}", {"quantity": 2}),
        ("DELETE", f"{base}/transactions/{tid}", None),
        ("GET", f"{base}/analysis", None),
        ("GET", f"{base}/rebalance", None),
    ):
        assert_error(await client.request(method, url, json=body, headers=bob.headers), 403, "FORBIDDEN")
    created = await client.post(
        "/api/portfolios", json={"userId": alice.id, **SEED_PORTFOLIO}, headers=bob.headers
    )
    assert_error(created, 403, "FORBIDDEN")
    assert (await client.get("/api/portfolios", headers=bob.headers)).json()["data"] == []
    assert (await _get(client, alice, pid))["positions"][0]["quantity"] == 1
    assert_error(await client.get("/api/portfolios/999999", headers=alice.headers), 404, "NOT_FOUND")
