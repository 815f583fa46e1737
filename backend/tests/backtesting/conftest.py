"""Real BTC-USD hours stored through the push API, for the backtest tests."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from app.config import Settings
from app.core.clock import isoformat_z
from app.market import recordings
from tests.conftest import Account, make_admin, register

RECORDED = recordings.load("BTC-USD", "1h")


async def trader_with_hours(settings: Settings, client: httpx.AsyncClient, first: int, last: int) -> Account:
    """Store the recorded hours [first, last) as an admin, then return a new user who backtests on them."""
    admin = await register(client)
    await make_admin(settings, admin.id)
    for start in range(first, last, 5000):
        candles = [
            {
                "timestamp": isoformat_z(datetime.fromtimestamp(int(RECORDED.ts[i]), UTC)),
                "open": float(RECORDED.open[i]),
                "high": float(RECORDED.high[i]),
                "low": float(RECORDED.low[i]),
                "close": float(RECORDED.close[i]),
                "volume": float(RECORDED.volume[i]),
            }
            for i in range(start, min(last, start + 5000))
        ]
        body = {"symbol": "BTC-USD", "interval": "1h", "candles": candles}
        assert (await client.post("/api/data/candles", json=body, headers=admin.headers)).status_code == 200
    return await register(client)
