"""The daily snapshots stay equal to the transactions summed per day through every kind of change: adds,
a correction that moves a transaction to another day, a deletion, a CSV import, a refused change."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select

from app.portfolio import snapshots
from app.portfolio.holdings import entry
from app.portfolio.models import PortfolioTransaction
from app.quant.portfolio.ledger import day_totals
from tests.conftest import register
from tests.portfolio.conftest import create_portfolio, transact


async def _agree(app: Any, pid: int) -> list[snapshots.Day]:
    async with app.state.runtime.db.session() as session:
        stored = await snapshots.days_of(session, pid)
        rows = await session.scalars(
            select(PortfolioTransaction).where(PortfolioTransaction.portfolio_id == pid)
        )
        expected = day_totals(entry(r) for r in rows)
    assert [d.day for d in stored] == sorted(expected)
    for day in stored:
        total = expected[day.day]
        assert day.changes == {s: float(q) for s, q in total.changes.items()} and day.flow == float(
            total.flow
        )
    return stored


async def test_snapshots_follow_every_change_of_the_transactions(client: httpx.AsyncClient, app: Any) -> None:
    owner = await register(client)
    pid = (await create_portfolio(client, owner))["portfolioId"]
    ids = []
    for kind, quantity, at in (
        ("BUY", 1, "2025-01-01T10:00:00Z"),
        ("BUY", 0.5, "2025-01-01T23:59:59Z"),
        ("SELL", 0.25, "2025-01-03T00:00:00Z"),
    ):
        made = await transact(
            client,
            owner,
            pid,
            kind=kind,
            symbol="BTC-USD",
            quantity=quantity,
            price=40_000,
            fee=1,
            executedAt=at,
        )
        assert made.status_code == 201, made.text
        ids.append(made.json()["data"]["transactionId"])
    first = await _agree(app, pid)
    assert [(str(d.day), d.changes, d.flow) for d in first] == [
        ("2025-01-01", {"BTC-USD": 1.5}, 60_002.0),
        ("2025-01-03", {"BTC-USD": -0.25}, -9_999.0),
    ]
    url = f"/api/portfolios/{pid}/transactions"
    moved = await client.patch(
        f"{url}/{ids[1]}", json={"executedAt": "2025-01-02T08:00:00Z"}, headers=owner.headers
    )
    assert moved.status_code == 200, moved.text
    before = await _agree(app, pid)
    assert [str(d.day) for d in before] == ["2025-01-01", "2025-01-02", "2025-01-03"]
    refused = await client.patch(f"{url}/{ids[2]}", json={"quantity": 5}, headers=owner.headers)
    assert refused.status_code == 422  # selling more than held: nothing changes
    assert await _agree(app, pid) == before
    assert (await client.delete(f"{url}/{ids[2]}", headers=owner.headers)).status_code == 204
    assert [str(d.day) for d in await _agree(app, pid)] == ["2025-01-01", "2025-01-02"]
    csv = "kind,symbol,quantity,price,fee,executedAt\nDEPOSIT,USD,1000,1,0,2025-01-02T09:00:00Z\n"
    imported = await client.post(f"{url}/import", json={"csv": csv}, headers=owner.headers)
    assert imported.status_code == 200, imported.text
    [_, second] = await _agree(app, pid)
    assert second.changes == {"BTC-USD": 0.5, "USD": 1000.0} and second.flow == 20_001.0 + 1000.0
