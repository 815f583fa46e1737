"""The seed's alert routes and one alert's lifecycle, with every bad input a 422 naming its field."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from app.alerts import operands
from app.alerts.models import Alert
from app.core.runtime import Runtime
from tests.conftest import Account, assert_error, register


def _body(account: Account, **overrides: Any) -> dict[str, Any]:
    return {
        "userId": account.id,
        "symbol": "BTC-USD",
        "condition": "PRICE_ABOVE",
        "threshold": 50000,
        "channels": ["IN_APP"],
        "metadata": {"indicator": "RSI", "value": 70},
        **overrides,
    }


async def test_create_list_get_update_pause_resume_delete(client: httpx.AsyncClient) -> None:
    alice = await register(client)
    created = await client.post("/api/alerts", json=_body(alice), headers=alice.headers)
    assert created.status_code == 201, created.text
    alert = created.json()["data"]
    assert {k: alert[k] for k in ("userId", "symbol", "condition", "threshold", "status", "channels")} == {
        "userId": alice.id,
        "symbol": "BTC-USD",
        "condition": "PRICE_ABOVE",
        "threshold": 50000,
        "status": "ACTIVE",
        "channels": ["IN_APP"],
    }
    assert alert["createdAt"].endswith("Z") and alert["metadata"] == {"indicator": "RSI", "value": 70}
    await client.post(
        "/api/alerts", json=_body(alice, symbol="eth-usd", condition="PRICE_BELOW"), headers=alice.headers
    )

    listed = (await client.get(f"/api/alerts/{alice.id}", headers=alice.headers)).json()["data"]
    assert listed["total"] == 2 and listed["active"] == 2 and listed["alerts"][0]["symbol"] == "ETH-USD"
    only_btc = (await client.get(f"/api/alerts/{alice.id}?symbol=BTC-USD", headers=alice.headers)).json()
    assert only_btc["data"]["total"] == 1

    url = f"/api/alerts/{alice.id}/{alert['id']}"
    assert (await client.get(url, headers=alice.headers)).json()["data"]["id"] == alert["id"]
    patched = await client.patch(
        url, json={"threshold": 51000.5, "frequency": "EVERY_TIME"}, headers=alice.headers
    )
    assert (
        patched.json()["data"]["threshold"] == 51000.5 and patched.json()["data"]["frequency"] == "EVERY_TIME"
    )
    paused = await client.post(f"{url}/pause", headers=alice.headers)
    assert paused.json()["data"]["status"] == "PAUSED"
    assert_error(await client.post(f"{url}/pause", headers=alice.headers), 409, "CONFLICT")
    listed = (await client.get(f"/api/alerts/{alice.id}?status=PAUSED", headers=alice.headers)).json()["data"]
    assert listed["total"] == 1 and listed["active"] == 1
    assert (await client.post(f"{url}/resume", headers=alice.headers)).json()["data"]["status"] == "ACTIVE"
    assert (await client.delete(url, headers=alice.headers)).status_code == 204
    assert_error(await client.get(url, headers=alice.headers), 404, "NOT_FOUND")


async def test_nobody_reads_or_changes_another_users_alert(client: httpx.AsyncClient) -> None:
    alice, bob = await register(client), await register(client)
    alert = (await client.post("/api/alerts", json=_body(alice), headers=alice.headers)).json()["data"]
    url = f"/api/alerts/{alice.id}/{alert['id']}"
    assert_error(await client.get(url, headers=bob.headers), 403, "FORBIDDEN")
    assert_error(
        await client.get(f"/api/alerts/{bob.id}/{alert['id']}", headers=bob.headers), 404, "NOT_FOUND"
    )
    assert_error(await client.post("/api/alerts", json=_body(alice), headers=bob.headers), 403, "FORBIDDEN")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"condition": "PRICE_SIDEWAYS"}, "condition"),
        ({"condition": "VOLUME_SPIKE"}, "metadata"),  # on the volume: no RSI operand
        ({"condition": "MOVING_UP", "metadata": {"window": 0}}, "metadata"),
        ({"condition": "ENTERING_CHANNEL", "metadata": {}}, "metadata"),
        ({"metadata": {"indicator": "NOPE"}}, "metadata"),
        ({"metadata": {"indicator": "RSI"}}, "metadata"),  # a confirmation needs its value
        ({"metadata": {"indicator": "RSI", "value": 70, "operator": "=="}}, "metadata"),
        ({"symbol": "NOPE-USD"}, "symbol"),
        ({"channels": ["PIGEON"]}, "channels"),
        ({"channels": ["SMS"]}, "channels"),  # not set up for this user
        ({"channels": []}, "channels"),
        ({"threshold": "NaN"}, "threshold"),
        ({"threshold": 1e300}, "threshold"),
        ({"threshold": -5}, "threshold"),
        ({"frequency": "SOMETIMES"}, "frequency"),
        ({"cooldownSeconds": -1}, "cooldownSeconds"),
        ({"expiresAt": "2001-01-01T00:00:00Z"}, "expiresAt"),
        ({"colour": "red"}, "colour"),
    ],
)
async def test_bad_input_is_a_422_naming_the_field_and_saves_nothing(
    client: httpx.AsyncClient, overrides: dict[str, Any], field: str
) -> None:
    alice = await register(client)
    response = await client.post("/api/alerts", json=_body(alice, **overrides), headers=alice.headers)
    assert response.status_code in (400, 422), response.text
    body = response.json()
    fields = [body.get("field")] + [detail.get("field") for detail in body.get("details", [])]
    assert any(f is not None and f.split(".")[0] == field for f in fields), body
    assert (await client.get(f"/api/alerts/{alice.id}", headers=alice.headers)).json()["data"]["total"] == 0


async def test_the_seeds_request_keeps_its_threshold_and_the_rsi_confirmation(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    """The seed's POST /api/alerts as written: the 50,000 is the price level, RSI >= 70 its confirmation."""
    app.state.runtime.settings.smtp_host = "127.0.0.1"  # EMAIL and DISCORD set up, as the seed's user has
    trader = await register(client)
    channels = {"email": "trader@example.com", "discordWebhook": "https://discord.com/api/webhooks/1/abc"}
    set_up = await client.patch(
        "/api/users/me", json={"preferences": {"channels": channels}}, headers=trader.headers
    )
    assert set_up.status_code == 200, set_up.text
    seed = {
        "userId": trader.id,
        "symbol": "BTC-USD",
        "condition": "PRICE_ABOVE",
        "threshold": 50000,
        "channels": ["EMAIL", "DISCORD"],
        "metadata": {"indicator": "RSI", "value": 70},
    }
    created = await client.post("/api/alerts", json=seed, headers=trader.headers)
    assert created.status_code == 201, created.text
    alert = created.json()["data"]
    assert {k: alert[k] for k in ("userId", "symbol", "condition", "threshold", "status", "channels")} == {
        "userId": trader.id,
        "symbol": "BTC-USD",
        "condition": "PRICE_ABOVE",
        "threshold": 50000,
        "status": "ACTIVE",
        "channels": ["EMAIL", "DISCORD"],
    }
    assert isinstance(alert["id"], int) and alert["createdAt"].endswith("Z")
    both = {
        "indicator": "RSI(14)",
        "timeframe": "1h",
        "operator": ">=",
        "value": 70,
        "description": "price above 50,000 while RSI(14) 1h >= 70",
        "reading": None,  # the engine reads RSI after the commit; no BTC-USD candles here in any case
        "readingAt": None,
    }
    assert alert["confirmation"] == both and alert["metadata"] == {"indicator": "RSI", "value": 70}
    [listed] = (await client.get(f"/api/alerts/{trader.id}", headers=trader.headers)).json()["data"]["alerts"]
    assert listed["threshold"] == 50000 and listed["confirmation"] == both
    runtime: Runtime = app.state.runtime
    async with runtime.db.session() as session:
        row = await session.get(Alert, alert["id"])
    assert row is not None and row.condition == "PRICE_ABOVE" and row.threshold == Decimal("50000")
    built = operands.build(row.condition, float(row.threshold), row.rule, row.frequency, None)
    assert isinstance(built, operands.Confirmed) and built.confirmation.value == 70


async def test_a_price_rule_without_indicator_has_no_confirmation(client: httpx.AsyncClient) -> None:
    alice = await register(client)
    created = await client.post("/api/alerts", json=_body(alice, metadata={}), headers=alice.headers)
    assert created.json()["data"]["confirmation"] is None
