"""GET /api/alerts/{userId}/history and /metrics: triggers with their deliveries, rates, latency, accuracy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from fastapi import FastAPI

from app.alerts.worker import AlertEngine
from app.config import Settings
from app.core.clock import FrozenClock
from tests.conftest import assert_error, make_admin, register


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


async def test_history_and_metrics(
    app: FastAPI, client: httpx.AsyncClient, settings: Settings, clock: FrozenClock
) -> None:
    app.state.runtime.settings.access_token_ttl_seconds = 86400  # the test's clock moves on by hours
    await app.state.notifier.dispatcher.stop()  # delivered below by one pass, not raced by the loop
    admin = await register(client)
    await make_admin(settings, admin.id)
    trader, other = await register(client), await register(client)
    body = {
        "userId": trader.id,
        "symbol": "ETH-USD",
        "condition": "CROSSING",
        "threshold": 3000,
        "channels": ["IN_APP"],
        "frequency": "EVERY_TIME",
    }
    alert = (await client.post("/api/alerts", json=body, headers=trader.headers)).json()["data"]
    engine = AlertEngine(app.state.runtime)
    await engine.start()
    fired_at = clock.now()
    try:
        assert await engine.on_price("ETH-USD", 3010.0, fired_at.timestamp(), "binance") == [alert["id"]]
        clock.advance(2 * 3600)
        assert await engine.on_price("ETH-USD", 2990.0, clock.now().timestamp(), "coinbase") == [alert["id"]]
        await engine.flush()
    finally:
        await engine.stop()
    await app.state.notifier.dispatcher.dispatch_due()
    # After the first trigger (UP at 3,010) the price went on up: 3,050 an hour later. The second (DOWN at
    # 2,990) cannot be judged at 1h yet by the candles pushed: only what is stored counts.
    one_hour_later = fired_at + timedelta(hours=1)
    candle = {
        "timestamp": _iso(one_hour_later),
        "open": 3040,
        "high": 3060,
        "low": 3030,
        "close": 3050,
        "volume": 5,
    }
    pushed = await client.post(
        "/api/data/candles",
        json={"symbol": "ETH-USD", "interval": "1m", "candles": [candle]},
        headers=admin.headers,
    )
    assert pushed.status_code == 200, pushed.text

    history = (await client.get(f"/api/alerts/{trader.id}/history", headers=trader.headers)).json()["data"]
    assert history["count"] == 2
    newest, oldest = history["triggers"]
    assert (newest["direction"], newest["price"], newest["source"]) == ("DOWN", 2990.0, "coinbase")
    assert (oldest["direction"], oldest["price"], oldest["tickAt"]) == ("UP", 3010.0, _iso(fired_at))
    assert [c["channel"] for c in oldest["channels"]] == ["IN_APP"] and oldest["channels"][0][
        "status"
    ] == "DELIVERED"

    metrics = (await client.get(f"/api/alerts/{trader.id}/metrics", headers=trader.headers)).json()["data"]
    assert metrics["triggers"] == {"total": 2, "bySymbol": {"ETH-USD": 2}}
    in_app = metrics["channels"]["IN_APP"]
    assert in_app["sent"] == 2 and in_app["delivered"] == 2 and in_app["successRate"] == 1.0
    assert in_app["latencyMs"]["p50"] is not None
    assert metrics["accuracy"]["1h"] == {"judged": 1, "correct": 1, "rate": 1.0}
    assert metrics["accuracy"]["24h"]["judged"] == 0  # a day has not passed

    assert_error(
        await client.get(f"/api/alerts/{trader.id}/history", headers=other.headers), 403, "FORBIDDEN"
    )
