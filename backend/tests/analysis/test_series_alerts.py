"""Alerts on the research series (Fear & Greed, sentiment, whale movements) on both deployments, offline:
created with POST /api/alerts, judged by a pass of the analysis domain, fired with history and delivery."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from app.analysis import series_alerts
from tests.conftest import Account, assert_error, register


async def _alert(client: httpx.AsyncClient, account: Account, **fields: object) -> dict[str, object]:
    body = {"userId": account.id, "symbol": "BTC-USD", "channels": ["IN_APP"], **fields}
    response = await client.post("/api/alerts", json=body, headers=account.headers)
    assert response.status_code == 201, response.text
    return response.json()["data"]


async def test_fear_and_greed_and_sentiment_alerts_fire_with_their_source(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await register(client)
    # The bundled index's newest day is 47 (Neutral); the bundled feed has two posts on Tether.
    below = await _alert(client, account, condition="FEAR_GREED_BELOW", threshold=50, frequency="EVERY_TIME")
    above = await _alert(client, account, condition="FEAR_GREED_ABOVE", threshold=50)
    tether = await _alert(client, account, symbol="USDT", condition="SENTIMENT_ABOVE", threshold=0.1)
    unmet = await _alert(client, account, symbol="USDT", condition="SENTIMENT_BELOW", threshold=0.1)

    fired = await series_alerts.judge(app.state.runtime)
    assert sorted(fired) == sorted([below["id"], tether["id"]])
    history = (await client.get(f"/api/alerts/{account.id}/history", headers=account.headers)).json()["data"]
    by_alert = {t["alertId"]: t for t in history["triggers"]}
    assert set(by_alert) == {below["id"], tether["id"]}
    assert by_alert[below["id"]]["price"] == 47 and by_alert[below["id"]]["source"] == "research"

    alerts = (await client.get(f"/api/alerts/{account.id}", headers=account.headers)).json()["data"]["alerts"]
    status = {a["id"]: a["status"] for a in alerts}
    assert status[tether["id"]] == "TRIGGERED" and status[below["id"]] == "ACTIVE"  # EVERY_TIME: re-arms
    assert status[above["id"]] == "ACTIVE" and status[unmet["id"]] == "ACTIVE"

    # Still below 50: an EVERY_TIME alert fires again only once the index has come back above its level.
    assert await series_alerts.judge(app.state.runtime) == []


def test_the_message_says_the_source_and_that_a_snapshot_is_not_live() -> None:
    from datetime import UTC, datetime
    from types import SimpleNamespace

    from app.analysis.research.provenance import Origin

    alert = SimpleNamespace(id=7, symbol="BTC-USD", condition="FEAR_GREED_BELOW", threshold=20)
    measured = series_alerts.Measured(
        15.0, Origin("alternative.me", 1745280000, snapshot=True), "15 (Extreme Fear)"
    )
    sent = series_alerts.message(alert, measured, datetime(2026, 12, 3, tzinfo=UTC))  # type: ignore[arg-type]
    assert sent.title == "Fear & Greed below 20"
    assert sent.body == (
        "Fear & Greed is 15 (Extreme Fear), below 20: alternative.me, as of 2025-04-22 00:00 UTC "
        "(bundled snapshot, not live)."
    )
    assert sent.event["series"] == "FEAR_GREED" and sent.event["mode"] == "snapshot"
    assert sent.event["currentPrice"] == 15.0 and sent.event["asOf"].startswith("2025-04-22T00:00:00")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"condition": "FEAR_GREED_BELOW", "threshold": 150}, "threshold"),
        ({"condition": "FEAR_GREED_BELOW"}, "threshold"),
        ({"condition": "SENTIMENT_ABOVE", "threshold": 2}, "threshold"),
        ({"condition": "WHALE_MOVEMENTS_ABOVE", "threshold": -1}, "threshold"),
        ({"condition": "FEAR_GREED_ABOVE", "threshold": 60, "frequency": "ONCE_PER_BAR"}, "frequency"),
    ],
)
async def test_a_series_rule_that_cannot_be_judged_is_refused(
    client: httpx.AsyncClient, fields: dict[str, object], field: str
) -> None:
    account = await register(client)
    body = {"userId": account.id, "symbol": "BTC-USD", "channels": ["IN_APP"], **fields}
    response = await client.post("/api/alerts", json=body, headers=account.headers)
    assert_error(response, 422, "VALIDATION_ERROR")
    assert response.json()["field"] == field


async def test_a_series_rule_is_not_backtested_on_prices(client: httpx.AsyncClient) -> None:
    account = await register(client)
    body = {"symbol": "BTC-USD", "condition": "FEAR_GREED_BELOW", "threshold": 20}
    response = await client.post("/api/alerts/backtest", json=body, headers=account.headers)
    assert_error(response, 422, "VALIDATION_ERROR")
    assert response.json()["field"] == "condition"
