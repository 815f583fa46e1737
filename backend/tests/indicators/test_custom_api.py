"""Custom indicators over HTTP on both deployments: the seed's create, validation, ownership, evaluation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import numpy as np
import pytest
import talib

from app.config import Settings
from tests.conftest import Account, assert_error, make_admin, register

SEED = {
    "name": "Custom RSI Divergence",
    "formula": "RSI(14) - RSI(28)",
    "description": "Dual RSI divergence indicator",
    "parameters": {"period1": 14, "period2": 28},
}
START = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
async def admin(settings: Settings, client: httpx.AsyncClient) -> Account:
    account = await register(client)
    await make_admin(settings, account.id)
    return account


async def _create(client: httpx.AsyncClient, account: Account, **fields: object) -> httpx.Response:
    return await client.post(
        "/api/indicators/custom", headers=account.headers, json={"userId": account.id, **SEED, **fields}
    )


async def test_seed_create(client: httpx.AsyncClient, admin: Account) -> None:
    response = await _create(client, admin, formula="RSI(period1) - RSI(period2)")
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    assert data["name"] == "Custom RSI Divergence" and data["formula"] == "RSI(period1) - RSI(period2)"
    assert data["status"] == "ACTIVE" and data["createdAt"].endswith("Z") and data["indicatorId"] > 0
    assert data["key"] == "CUSTOM_RSI_DIVERGENCE" and data["lookback"] >= 28
    catalog = (await client.get("/api/indicators", headers=admin.headers)).json()["data"]
    assert len(catalog["indicators"]) >= 40


async def test_invalid_formula_is_422_with_the_position(client: httpx.AsyncClient, admin: Account) -> None:
    response = await _create(client, admin, formula="RSI(14) + FOO(3)")
    body = assert_error(response, 422, "VALIDATION_ERROR")
    assert body["field"] == "formula" and "FOO" in body["message"] and "column 11" in body["message"]
    assert (await client.get("/api/indicators/custom", headers=admin.headers)).json()["data"] == []


async def test_nobody_touches_another_users_indicator(client: httpx.AsyncClient, admin: Account) -> None:
    other = await register(client)
    assert_error(
        await client.post("/api/indicators/custom", headers=other.headers, json={"userId": admin.id, **SEED}),
        403,
        "FORBIDDEN",
    )
    created = (await _create(client, admin)).json()["data"]
    url = f"/api/indicators/custom/{created['indicatorId']}"
    assert_error(await client.get(url, headers=other.headers), 403, "FORBIDDEN")
    assert_error(await client.patch(url, json={"name": "x"}, headers=other.headers), 403, "FORBIDDEN")
    assert_error(await client.delete(url, headers=other.headers), 403, "FORBIDDEN")
    assert_error(
        await client.post(url + "/evaluate", json={"symbol": "BTC-USD"}, headers=other.headers),
        403,
        "FORBIDDEN",
    )
    assert (await client.get("/api/indicators/custom", headers=other.headers)).json()["data"] == []
    assert_error(await client.get("/api/indicators/custom/999999", headers=admin.headers), 404, "NOT_FOUND")


async def test_update_reference_and_delete(client: httpx.AsyncClient, admin: Account) -> None:
    base = (await _create(client, admin, name="Fast RSI", formula="RSI(7)")).json()["data"]
    user = (await _create(client, admin, name="Smoothed", formula="SMA(FAST_RSI, 3)")).json()["data"]
    assert user["lookback"] > base["lookback"]
    url = f"/api/indicators/custom/{base['indicatorId']}"
    assert_error(await client.delete(url, headers=admin.headers), 409, "CONFLICT")
    changed = await client.patch(url, json={"formula": "RSI(9)", "description": None}, headers=admin.headers)
    assert changed.json()["data"]["formula"] == "RSI(9)" and changed.json()["data"]["description"] is None
    await client.delete(f"/api/indicators/custom/{user['indicatorId']}", headers=admin.headers)
    assert (await client.delete(url, headers=admin.headers)).status_code == 200
    assert (await client.get("/api/indicators/custom", headers=admin.headers)).json()["data"] == []


async def test_evaluate_equals_talib(client: httpx.AsyncClient, admin: Account) -> None:
    rng = np.random.default_rng(3)
    closes = 40_000 * np.exp(np.cumsum(rng.normal(0, 0.01, 300)))
    candles = [
        {
            "timestamp": (START + timedelta(hours=i)).isoformat().replace("+00:00", "Z"),
            "open": float(c),
            "high": float(c) * 1.01,
            "low": float(c) * 0.99,
            "close": float(c),
            "volume": 1.0,
        }
        for i, c in enumerate(closes)
    ]
    pushed = await client.post(
        "/api/data/candles",
        headers=admin.headers,
        json={"symbol": "BTC-USD", "interval": "1h", "candles": candles},
    )
    assert pushed.json()["data"]["accepted"] == 300
    created = (await _create(client, admin, formula="RSI(period1) - RSI(period2)")).json()["data"]
    frm = (START + timedelta(hours=100)).isoformat().replace("+00:00", "Z")
    to = (START + timedelta(hours=300)).isoformat().replace("+00:00", "Z")
    response = await client.post(
        f"/api/indicators/custom/{created['indicatorId']}/evaluate",
        json={"symbol": "BTC-USD", "interval": "1h", "from": frm, "to": to},
        headers=admin.headers,
    )
    data = response.json()["data"]
    assert data["dataPoints"] == 200 and data["data"][0]["timestamp"] == frm
    expected = (talib.RSI(closes, 14) - talib.RSI(closes, 28))[100:]
    got = np.array([p["value"] for p in data["data"]], dtype=float)
    np.testing.assert_allclose(got, expected, rtol=1e-9)

    # The same without saving: an inline formula, a built-in output, a custom indicator by name, a bad one.
    inline = await client.post(
        "/api/indicators/evaluate",
        json={"formula": "RSI(14) - RSI(28)", "symbol": "BTC-USD", "interval": "1h", "from": frm, "to": to},
        headers=admin.headers,
    )
    assert inline.json()["data"]["data"] == data["data"] and inline.json()["data"]["indicatorId"] is None
    band = await client.post(
        "/api/indicators/evaluate",
        json={"formula": "BBANDS(20).upper", "symbol": "BTC-USD", "from": frm, "to": to},
        headers=admin.headers,
    )
    upper, _, _ = talib.BBANDS(closes, 20, 2, 2)
    got = np.array([p["value"] for p in band.json()["data"]["data"]], dtype=float)
    np.testing.assert_allclose(got, upper[100:], rtol=1e-9)
    by_name = await client.post(
        "/api/indicators/evaluate",
        json={"formula": created["key"], "symbol": "BTC-USD", "from": frm, "to": to},
        headers=admin.headers,
    )
    assert by_name.json()["data"]["data"] == data["data"]
    bad = await client.post(
        "/api/indicators/evaluate", json={"formula": "RSI(14) -", "symbol": "BTC-USD"}, headers=admin.headers
    )
    assert_error(bad, 422, "VALIDATION_ERROR")
    assert bad.json()["field"] == "formula" and "column" in bad.json()["message"]
