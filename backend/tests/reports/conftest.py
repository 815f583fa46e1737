"""Report fixtures: real recorded candles moved to end now, an account, and running a report's job."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from app.config import Settings
from app.core.clock import isoformat_z, utcnow
from app.core.tasks.service import execute_job
from app.market import recordings
from tests.conftest import Account, make_admin, register

DAYS = 100
SEED_REPORT = {
    "reportType": "COMPREHENSIVE",
    "symbols": ["BTC-USD", "ETH-USD"],
    "includeFundamental": True,
    "includeTechnical": True,
    "includeSentiment": True,
    "format": "PDF",
    "deliveryChannels": ["EMAIL"],
}


async def push_recent_candles(client: httpx.AsyncClient, admin: Account, symbols: tuple[str, ...]) -> None:
    """The last DAYS days of each bundled 1h recording, shifted so that its last candle is the hour now."""
    end = int(utcnow().timestamp()) // 3600 * 3600
    for symbol in symbols:
        recorded = recordings.load(symbol, "1h")
        last = len(recorded.ts) - 1
        shift = end - int(recorded.ts[last]) - 3600
        first = last - DAYS * 24
        for start in range(first, last + 1, 5000):
            candles = [
                {
                    "timestamp": isoformat_z(datetime.fromtimestamp(int(recorded.ts[i]) + shift, UTC)),
                    "open": float(recorded.open[i]),
                    "high": float(recorded.high[i]),
                    "low": float(recorded.low[i]),
                    "close": float(recorded.close[i]),
                    "volume": float(recorded.volume[i]),
                }
                for i in range(start, min(last + 1, start + 5000))
            ]
            body = {"symbol": symbol, "interval": "1h", "candles": candles}
            pushed = await client.post("/api/data/candles", json=body, headers=admin.headers)
            assert pushed.status_code == 200, pushed.text


@pytest.fixture
async def market(settings: Settings, client: httpx.AsyncClient) -> Account:
    """BTC-USD and ETH-USD candles up to now; returns the admin who pushed them."""
    admin = await register(client)
    await make_admin(settings, admin.id)
    await push_recent_candles(client, admin, ("BTC-USD", "ETH-USD"))
    return admin


def app_of(client: httpx.AsyncClient) -> FastAPI:
    app: FastAPI = client._transport.app  # type: ignore[attr-defined]
    return app


async def finish(client: httpx.AsyncClient, account: Account, report_id: str) -> dict[str, Any]:
    """Run the report's job here (the cluster's worker), or wait for the embedded runner; the report after."""
    url = f"/api/reports/{report_id}"
    report = (await client.get(url, headers=account.headers)).json()["data"]
    runtime = app_of(client).state.runtime
    if runtime.settings.is_cluster:
        await execute_job(runtime, await job_of(client, report_id))
    for _ in range(600):
        report = (await client.get(url, headers=account.headers)).json()["data"]
        if report["status"] != "GENERATING":
            return dict(report)
        await asyncio.sleep(0.05)
    raise AssertionError(f"{report_id} still GENERATING: {report}")


async def job_of(client: httpx.AsyncClient, report_id: str) -> str:
    from sqlalchemy import select

    from app.reports.models import Report

    async with app_of(client).state.runtime.db.session() as session:
        job_id = await session.scalar(select(Report.job_id).where(Report.public_id == report_id))
    assert job_id
    return str(job_id)


def hold_jobs(monkeypatch: pytest.MonkeyPatch, client: httpx.AsyncClient) -> None:
    """Jobs queued from now on stay PENDING until a test runs them with execute_job (periodic ones too)."""

    async def held(job_id: str) -> None:
        return None

    monkeypatch.setattr(app_of(client).state.runtime.jobs, "dispatch", held)


async def signed_in_again(client: httpx.AsyncClient, account: Account) -> Account:
    """New tokens after the test clock moved past the access token's 15 minutes."""
    response = await client.post(
        "/api/auth/login", json={"email": account.user["email"], "password": "correct-horse"}
    )
    assert response.status_code == 200, response.text
    return Account(account.user, response.json()["data"]["tokens"])
