"""Portfolio fixtures: an admin who pushes prices, and the seed's portfolio."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from app.config import Settings
from tests.conftest import Account, make_admin, register

SEED_PORTFOLIO = {
    "name": "Conservative Portfolio",
    "riskProfile": "LOW",
    "targetAllocations": {"BTC-USD": 0.60, "ETH-USD": 0.30, "USDT": 0.10},
}


@pytest.fixture
async def admin(client: httpx.AsyncClient, settings: Settings, ingest: None) -> Account:
    """An admin who pushes prices through the pipeline that stores them (cluster: an ingest process)."""
    account = await register(client)
    await make_admin(settings, account.id)
    return account


async def push_price(client: httpx.AsyncClient, admin: Account, symbol: str, price: float) -> None:
    now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    tick = {"symbol": symbol, "price": price, "volume": 1.0, "timestamp": now}
    pushed = await client.post("/api/data/ticks", json={"ticks": [tick]}, headers=admin.headers)
    assert pushed.status_code == 200 and pushed.json()["data"]["accepted"] == 1, pushed.text


async def create_portfolio(client: httpx.AsyncClient, owner: Account, **fields: Any) -> dict[str, Any]:
    body = {"userId": owner.id, **SEED_PORTFOLIO, **fields}
    created = await client.post("/api/portfolios", json=body, headers=owner.headers)
    assert created.status_code == 201, created.text
    data: dict[str, Any] = created.json()["data"]
    return data


async def transact(
    client: httpx.AsyncClient, owner: Account, portfolio_id: int, **fields: Any
) -> httpx.Response:
    body = {"fee": 0, **fields}
    return await client.post(f"/api/portfolios/{portfolio_id}/transactions", json=body, headers=owner.headers)
