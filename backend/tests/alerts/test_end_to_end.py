"""A pushed tick that crosses a level reaches the user's WebSocket as the seed's ALERT_TRIGGERED frame."""

from __future__ import annotations

from datetime import UTC, datetime

from app.config import Settings
from tests.conftest import make_admin, register
from tests.realtime.conftest import connected, frame_of, live_server, send


async def test_tick_to_alert_triggered_frame(embedded_settings: Settings) -> None:
    async with live_server(embedded_settings) as live:
        admin = await register(live.http)
        await make_admin(embedded_settings, admin.id)
        trader = await register(live.http)
        body = {
            "userId": trader.id,
            "symbol": "SOL-USD",
            "condition": "CROSSING_UP",
            "threshold": 150,
            "channels": ["IN_APP"],
        }
        alert = (await live.http.post("/api/alerts", json=body, headers=trader.headers)).json()["data"]
        async with await connected(live, trader) as ws:
            await send(ws, {"action": "subscribe", "symbols": ["SOL-USD"]})
            for price in (149.0, 149.5, 150.25):
                now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
                pushed = await live.http.post(
                    "/api/data/ticks",
                    json={"ticks": [{"symbol": "SOL-USD", "price": price, "volume": 1.0, "timestamp": now}]},
                    headers=admin.headers,
                )
                assert pushed.json()["data"]["accepted"] == 1, pushed.text
            triggered = await frame_of(ws, "ALERT_TRIGGERED", timeout=10)
        assert {k: triggered[k] for k in ("alertId", "symbol", "currentPrice", "threshold")} == {
            "alertId": alert["id"],
            "symbol": "SOL-USD",
            "currentPrice": 150.25,
            "threshold": 150.0,
        }
        assert triggered["timestamp"].endswith("Z") and triggered["eventId"].isdigit()
        history = (
            await live.http.get(f"/api/alerts/{trader.id}/{alert['id']}", headers=trader.headers)
        ).json()
        assert history["data"]["status"] == "TRIGGERED"
