"""Cluster: alert evaluation is sharded by symbol over engines with leases in Redis — each symbol judged by
exactly one worker, a fair share each, and a dead worker's symbols taken over once its leases lapse."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
import pytest
from fastapi import FastAPI

from app.alerts.shards import RedisLeases
from app.alerts.worker import AlertEngine
from app.config import Settings
from tests.conftest import register

SYMBOLS = ["BTC-USD", "ETH-USD", "SOL-USD", "BNB-USD"]
TS = 1_780_000_000.0


async def _until(check: Callable[[], bool], timeout: float = 15.0) -> None:
    async with asyncio.timeout(timeout):
        while not check():  # noqa: ASYNC110 (lease rounds run on their own timers: polled, not signalled)
            await asyncio.sleep(0.05)


def _owned(engine: AlertEngine) -> set[str]:
    return {symbol for symbol in SYMBOLS if engine.ownership.owns(symbol)}


async def test_each_symbol_has_one_owner_and_a_dead_workers_symbols_are_taken_over(
    app: FastAPI, client: httpx.AsyncClient, settings: Settings
) -> None:
    if not settings.is_cluster:
        pytest.skip("the embedded deployment has one engine: it owns every symbol")
    runtime = app.state.runtime
    runtime.settings.alert_lease_seconds = 0.6
    trader = await register(client)
    ids = {}
    for symbol in SYMBOLS:
        body = {
            "userId": trader.id,
            "symbol": symbol,
            "condition": "CROSSING",
            "threshold": 100,
            "channels": ["IN_APP"],
            "frequency": "EVERY_TIME",
        }
        response = await client.post("/api/alerts", json=body, headers=trader.headers)
        ids[symbol] = response.json()["data"]["id"]
    first, second = AlertEngine(runtime), AlertEngine(runtime)
    await first.start()
    await second.start()
    try:
        # Fair shares: two each, never one symbol on both.
        await _until(lambda: len(_owned(first)) == 2 and len(_owned(second)) == 2)
        assert not _owned(first) & _owned(second)
        fired: list[int] = []
        for price in (90.0, 110.0):
            for symbol in SYMBOLS:
                for engine in (first, second):  # every engine hears every price
                    fired += await engine.on_price(symbol, price, TS, "binance")
        assert sorted(fired) == sorted(ids.values())  # each crossing once, by its symbol's owner
        # The second worker dies without a word: its leases lapse and the first takes its symbols over.
        leases = second.ownership
        assert isinstance(leases, RedisLeases) and leases._task is not None
        leases._task.cancel()
        orphaned = _owned(second)
        await _until(lambda: _owned(first) == set(SYMBOLS))
        assert not _owned(second)  # past its deadline it judges nothing, even though it still hears prices
        taken_over = [ids[symbol] for symbol in sorted(orphaned)]
        fired = []
        for symbol in sorted(orphaned):
            for engine in (first, second):
                fired += await engine.on_price(symbol, 90.0, TS + 1, "binance")
        assert fired == taken_over  # the new owner rebuilt those rules from the rows: armed the right way
    finally:
        await second.stop()
        await first.stop()
