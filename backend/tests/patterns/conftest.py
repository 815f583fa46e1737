"""Pattern fixtures: the last 1,200 real hourly BTC-USD candles of the bundled recording, as recorded."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import numpy as np
import pytest

from app.config import Settings
from app.core.clock import isoformat_z
from app.core.tasks.service import execute_job
from app.market import recordings
from tests.conftest import Account, make_admin, register
from tests.reports.conftest import app_of

BARS = 1200
HOUR = 3600


@dataclass
class Market:
    """The admin who pushed the candles, and the candles as arrays (open times in epoch seconds)."""

    admin: Account
    ts: np.ndarray
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray

    def window(self, start: int, end: int) -> tuple[np.ndarray, ...]:
        """The columns (ts, open, high, low, close) of the bars opening in [start, end)."""
        keep = (self.ts >= start) & (self.ts < end)
        return tuple(c[keep] for c in (self.ts, self.open, self.high, self.low, self.close))


def iso(ts: int) -> str:
    return isoformat_z(datetime.fromtimestamp(int(ts), UTC))


@pytest.fixture
async def market(settings: Settings, client: httpx.AsyncClient) -> Market:
    admin = await register(client)
    await make_admin(settings, admin.id)
    recorded = recordings.load("BTC-USD", "1h")
    picked = slice(len(recorded.ts) - BARS, len(recorded.ts))
    columns = [
        np.array(c[picked]) for c in (recorded.ts, recorded.open, recorded.high, recorded.low, recorded.close)
    ]
    volume = np.array(recorded.volume[picked])
    candles = [
        {
            "timestamp": iso(columns[0][i]),
            "open": float(columns[1][i]),
            "high": float(columns[2][i]),
            "low": float(columns[3][i]),
            "close": float(columns[4][i]),
            "volume": float(volume[i]),
        }
        for i in range(BARS)
    ]
    body = {"symbol": "BTC-USD", "interval": "1h", "candles": candles}
    pushed = await client.post("/api/data/candles", json=body, headers=admin.headers)
    assert pushed.status_code == 200, pushed.text
    assert pushed.json()["data"]["accepted"] == BARS
    return Market(admin, *columns)


async def run_job(client: httpx.AsyncClient, account: Account, job_id: str) -> dict[str, Any]:
    """Run a job here (the cluster's worker), or wait for the embedded runner; the job once finished."""
    runtime = app_of(client).state.runtime
    if runtime.settings.is_cluster:
        await execute_job(runtime, job_id)
    for _ in range(600):
        job = (await client.get(f"/api/jobs/{job_id}", headers=account.headers)).json()["data"]
        if job["status"] not in ("PENDING", "RUNNING"):
            return dict(job)
        await asyncio.sleep(0.05)
    raise AssertionError(f"job {job_id} still running")
