"""GET /api/market/status and /api/market/prices while a source runs in the API process."""

from __future__ import annotations

import asyncio

from app.config import Settings
from tests.conftest import assert_error, register, serve


async def test_status_counts_a_running_source(embedded_settings: Settings) -> None:
    settings = embedded_settings.model_copy(
        update={"market_sources": ["simulator"], "simulator_symbols": ["BTC-USD", "ETH-USD"]}
    )
    async with serve(settings) as client:
        account = await register(client)
        status: dict = {}
        for _ in range(200):
            status = (await client.get("/api/market/status", headers=account.headers)).json()["data"]
            if status["sources"].get("simulator", {}).get("accepted", 0) > 0:
                break
            await asyncio.sleep(0.05)
        feed = status["sources"]["simulator"]
        assert feed["connected"] is True and feed["accepted"] > 0 and feed["rejectedTotal"] == 0
        assert status["running"] == ["simulator"]
        prices = (
            await client.get("/api/market/prices?symbols=BTC-USD,ETH-USD", headers=account.headers)
        ).json()
        assert all(p["price"] > 0 and p["source"] == "simulator" for p in prices["data"])
        unknown = await client.get("/api/market/prices?symbols=BTC-USD,NOPE", headers=account.headers)
        assert assert_error(unknown, 400, "INVALID_SYMBOL")["field"] == "symbols"
        metrics = (await client.get("/metrics")).text
        assert 'cryptomon_ticks_total{outcome="ACCEPTED",source="simulator"}' in metrics


async def test_status_without_a_source_says_so(cluster_settings: Settings) -> None:
    async with serve(cluster_settings) as client:
        account = await register(client)
        response = await client.get("/api/market/status", headers=account.headers)
    assert "cryptomon ingest" in assert_error(response, 503, "SERVICE_UNAVAILABLE")["message"]


async def test_unreachable_live_source_is_reported_not_fatal(embedded_settings: Settings) -> None:
    settings = embedded_settings.model_copy(
        update={"market_sources": ["binance", "coinmarketcap"], "binance_ws_url": "ws://127.0.0.1:1"}
    )
    async with serve(settings) as client:
        account = await register(client)
        status: dict = {}
        for _ in range(100):
            status = (await client.get("/api/market/status", headers=account.headers)).json()["data"]
            if status["details"].get("binance", {}).get("reconnects", 0) >= 1:
                break
            await asyncio.sleep(0.05)
        assert status["sources"]["binance"]["connected"] is False
        assert "Connect" in status["sources"]["binance"]["error"]
        assert status["details"]["binance"]["reconnects"] >= 1
        assert status["details"]["coinmarketcap"]["disabled"] is True
        assert "no API key" in status["sources"]["coinmarketcap"]["error"]
        assert (await client.get("/health/live")).status_code == 200
