"""The alert engine on both deployments: crossings fire once, re-arm, cool down, expire, survive a restart,
and every trigger is recorded with its tick and turned into notifications (ALERT_TRIGGERED as the seed's)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import numpy as np
import pytest
import redis.exceptions
from fastapi import FastAPI
from sqlalchemy import select

from app.alerts.conditions import Spec, pick
from app.alerts.models import AlertTrigger
from app.alerts.worker import AlertEngine
from app.core.clock import FrozenClock
from app.core.runtime import Runtime
from app.notifications.models import Notification
from app.realtime.models import UserEvent
from tests.conftest import Account, register

TS = 1_780_000_000.0


@pytest.fixture
async def engine(app: FastAPI) -> AsyncIterator[AlertEngine]:
    runtime: Runtime = app.state.runtime
    started = AlertEngine(runtime)
    yield started
    await started.stop()


async def _alert(client: httpx.AsyncClient, account: Account, **fields: Any) -> dict[str, Any]:
    body = {
        "userId": account.id,
        "symbol": "BTC-USD",
        "condition": "PRICE_ABOVE",
        "threshold": 50000,
        "channels": ["IN_APP"],
        **fields,
    }
    response = await client.post("/api/alerts", json=body, headers=account.headers)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


async def _get(client: httpx.AsyncClient, account: Account, alert_id: int) -> dict[str, Any]:
    data: dict[str, Any] = (
        await client.get(f"/api/alerts/{account.id}/{alert_id}", headers=account.headers)
    ).json()["data"]
    return data


async def test_a_level_fires_on_the_crossing_once_and_is_recorded(
    app: FastAPI, client: httpx.AsyncClient, engine: AlertEngine
) -> None:
    await app.state.notifier.dispatcher.stop()  # delivered below by one pass of ours, not raced by the loop
    account = await register(client)
    alert = await _alert(client, account)
    await engine.start()
    assert await engine.on_price("BTC-USD", 49_000.0, TS, "binance") == []
    assert await engine.on_price("BTC-USD", 50_100.5, TS + 1, "binance") == [alert["id"]]
    assert await engine.on_price("BTC-USD", 51_000.0, TS + 2, "binance") == []  # past the level: no repeat
    assert await engine.on_price("ETH-USD", 60_000.0, TS + 3, "binance") == []  # other symbols untouched
    await engine.flush()  # triggers are committed in batches by the engine's writer
    state = await _get(client, account, alert["id"])
    assert state["status"] == "TRIGGERED" and state["triggerCount"] == 1 and state["triggeredAt"]
    runtime: Runtime = app.state.runtime
    async with runtime.db.session() as session:
        [trigger] = list(await session.scalars(select(AlertTrigger)))
        notifications = list(await session.scalars(select(Notification)))
    assert (
        float(trigger.price) == 50_100.5
        and trigger.source == "binance"
        and trigger.tick_at.timestamp() == TS + 1
    )
    assert [n.channel for n in notifications] == ["IN_APP"] and notifications[0].alert_id == alert["id"]
    await app.state.notifier.dispatcher.dispatch_due()
    async with runtime.db.session() as session:
        [event] = list(await session.scalars(select(UserEvent)))
    assert event.type == "ALERT_TRIGGERED" and event.payload == {
        "alertId": alert["id"],
        "symbol": "BTC-USD",
        "currentPrice": 50_100.5,
        "threshold": 50000.0,
        "timestamp": "2026-05-28T20:26:41Z",
        "direction": "UP",
    }


async def test_every_time_re_arms_and_the_cooldown_holds(
    client: httpx.AsyncClient, engine: AlertEngine, clock: FrozenClock
) -> None:
    account = await register(client)
    every = await _alert(client, account, frequency="EVERY_TIME")
    cooled = await _alert(client, account, frequency="EVERY_TIME", cooldownSeconds=3600, threshold=50000)
    await engine.start()
    assert sorted(await engine.on_price("BTC-USD", 50_500.0, TS, "x")) == sorted([every["id"], cooled["id"]])
    assert await engine.on_price("BTC-USD", 51_000.0, TS, "x") == []
    assert await engine.on_price("BTC-USD", 49_000.0, TS, "x") == []  # re-arms below the level
    clock.advance(60)
    assert await engine.on_price("BTC-USD", 50_200.0, TS, "x") == [every["id"]]  # the other is cooling
    await engine.flush()
    assert (await _get(client, account, every["id"]))["triggerCount"] == 2
    assert (await _get(client, account, cooled["id"]))["triggerCount"] == 1


async def test_below_and_crossing_rules(client: httpx.AsyncClient, engine: AlertEngine) -> None:
    account = await register(client)
    below = await _alert(client, account, condition="PRICE_BELOW", threshold=40000)
    both = await _alert(client, account, condition="CROSSING", threshold=45000, frequency="EVERY_TIME")
    await engine.start()
    assert await engine.on_price("BTC-USD", 46_000.0, TS, "x") == [both["id"]]  # from nowhere to above
    assert await engine.on_price("BTC-USD", 44_000.0, TS, "x") == [both["id"]]  # back down through it
    assert await engine.on_price("BTC-USD", 39_999.0, TS, "x") == [below["id"]]


async def test_a_crossing_rule_made_past_its_level_waits_for_the_price_to_come_back(
    app: FastAPI, client: httpx.AsyncClient, engine: AlertEngine
) -> None:
    await app.state.runtime.cache.set("price:BTC-USD", {"price": 52_000.0, "ts": TS, "source": "x"})
    account = await register(client)
    up = await _alert(client, account, condition="CROSSING_UP")
    above = await _alert(client, account, condition="PRICE_ABOVE")
    await engine.start()
    assert await engine.on_price("BTC-USD", 52_100.0, TS, "x") == [above["id"]]  # "when above": at once
    assert await engine.on_price("BTC-USD", 49_000.0, TS, "x") == []
    assert await engine.on_price("BTC-USD", 50_000.0, TS, "x") == [up["id"]]


async def test_a_restart_never_fires_twice(app: FastAPI, client: httpx.AsyncClient) -> None:
    account = await register(client)
    alert = await _alert(client, account, frequency="EVERY_TIME")
    first = AlertEngine(app.state.runtime)
    await first.start()
    assert await first.on_price("BTC-USD", 50_500.0, TS, "x") == [alert["id"]]
    await first.stop()
    second = AlertEngine(app.state.runtime)  # a new process: state from the rows
    await second.start()
    try:
        assert await second.on_price("BTC-USD", 50_600.0, TS, "x") == []
        assert await second.on_price("BTC-USD", 49_000.0, TS, "x") == []
        assert await second.on_price("BTC-USD", 50_001.0, TS, "x") == [alert["id"]]
    finally:
        await second.stop()


async def test_redis_gone_after_the_commit_does_not_record_a_trigger_twice(
    app: FastAPI, client: httpx.AsyncClient, engine: AlertEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The writer's transaction commits, then what follows it (waking the dispatcher, publishing the event,
    marking the lists changed) meets Redis restarting: the batch stands, it is not written again."""
    account = await register(client)
    alert = await _alert(client, account)
    await engine.start()
    runtime: Runtime = app.state.runtime

    async def unreachable(*_: object, **__: object) -> Any:
        raise redis.exceptions.ConnectionError("Connection closed by server.")

    monkeypatch.setattr(runtime.bus, "publish", unreachable)
    monkeypatch.setattr(runtime.cache, "set", unreachable)
    assert await engine.on_price("BTC-USD", 50_100.0, TS, "binance") == [alert["id"]]
    await asyncio.wait_for(engine.flush(), 10)  # a writer that retried its batch would never be done
    monkeypatch.undo()
    async with runtime.db.session() as session:
        triggers = list(await session.scalars(select(AlertTrigger)))
        notifications = list(await session.scalars(select(Notification)))
    assert len(triggers) == 1 and len(notifications) == 1


async def test_after_losing_the_bus_the_engine_catches_up_on_changed_alerts(
    app: FastAPI, client: httpx.AsyncClient, engine: AlertEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Alerts made or deleted while the bus was down were announced to nobody (the API still answered: the
    rows are committed); the engine reads them when it is subscribed again."""
    account = await register(client)
    kept = await _alert(client, account, threshold=60_000)
    doomed = await _alert(client, account, threshold=40_000, condition="PRICE_BELOW")
    await engine.start()
    lost_at = time.time()
    runtime: Runtime = app.state.runtime

    async def unreachable(*_: object, **__: object) -> Any:
        raise redis.exceptions.ConnectionError("Connection closed by server.")

    monkeypatch.setattr(runtime.bus, "publish", unreachable)
    made = await _alert(client, account, threshold=50_000)
    response = await client.delete(f"/api/alerts/{account.id}/{doomed['id']}", headers=account.headers)
    assert response.status_code == 204, response.text
    monkeypatch.undo()
    assert await engine.on_price("BTC-USD", 50_100.0, TS, "x") == []  # not heard of yet
    assert doomed["id"] in engine.rules
    await engine.catch_up(lost_at)
    assert doomed["id"] not in engine.rules and kept["id"] in engine.rules
    assert await engine.on_price("BTC-USD", 49_000.0, TS + 1, "x") == []
    assert await engine.on_price("BTC-USD", 50_200.0, TS + 2, "x") == [made["id"]]


async def test_expired_and_paused_alerts_do_not_fire(
    client: httpx.AsyncClient, engine: AlertEngine, clock: FrozenClock
) -> None:
    account = await register(client)
    soon = (clock.now() + timedelta(minutes=5)).isoformat().replace("+00:00", "Z")
    expiring = await _alert(client, account, expiresAt=soon)
    paused = await _alert(client, account)
    await client.post(f"/api/alerts/{account.id}/{paused['id']}/pause", headers=account.headers)
    await engine.start()
    clock.advance(600)
    assert await engine.on_price("BTC-USD", 50_500.0, TS, "x") == []
    await engine.flush()
    assert (await _get(client, account, expiring["id"]))["status"] == "EXPIRED"
    assert (await _get(client, account, paused["id"]))["status"] == "PAUSED"


async def test_greater_than_is_strict_and_less_than_too(
    client: httpx.AsyncClient, engine: AlertEngine
) -> None:
    account = await register(client)
    greater = await _alert(client, account, condition="GREATER_THAN", threshold=50000)
    above = await _alert(client, account, condition="PRICE_ABOVE", threshold=50000)
    less = await _alert(client, account, condition="LESS_THAN", threshold=40000)
    await engine.start()
    assert await engine.on_price("BTC-USD", 45_000.0, TS, "x") == []
    assert await engine.on_price("BTC-USD", 50_000.0, TS, "x") == [above["id"]]  # at the level: not greater
    assert await engine.on_price("BTC-USD", 50_000.01, TS, "x") == [greater["id"]]
    assert await engine.on_price("BTC-USD", 40_000.0, TS, "x") == []  # at the level: not less
    assert await engine.on_price("BTC-USD", 39_999.99, TS, "x") == [less["id"]]


async def test_confirmation_filters_a_false_break(
    client: httpx.AsyncClient, engine: AlertEngine, clock: FrozenClock
) -> None:
    account = await register(client)
    ticks = await _alert(client, account, confirmTicks=3)
    seconds = await _alert(client, account, condition="PRICE_BELOW", threshold=40000, confirmSeconds=30)
    await engine.start()
    assert await engine.on_price("BTC-USD", 49_000.0, TS, "x") == []
    assert await engine.on_price("BTC-USD", 50_100.0, TS, "x") == []  # crossed: 1 of 3
    assert await engine.on_price("BTC-USD", 49_900.0, TS, "x") == []  # back: a false break, nothing fired
    assert await engine.on_price("BTC-USD", 50_200.0, TS, "x") == []
    assert await engine.on_price("BTC-USD", 50_300.0, TS, "x") == []
    assert await engine.on_price("BTC-USD", 50_400.0, TS, "x") == [ticks["id"]]  # 3 in a row
    assert await engine.on_price("BTC-USD", 39_000.0, TS, "x") == []  # below for 0 s of 30
    clock.advance(10)
    assert await engine.on_price("BTC-USD", 39_500.0, TS, "x") == []
    clock.advance(25)
    assert await engine.on_price("BTC-USD", 39_400.0, TS, "x") == [seconds["id"]]
    await engine.flush()
    assert (await _get(client, account, ticks["id"]))["confirmTicks"] == 3


TICK_RULES = [
    (condition, frequency, cooldown)
    for condition in ("PRICE_ABOVE", "PRICE_BELOW", "GREATER_THAN", "LESS_THAN", "CROSSING", "CROSSING_UP")
    for frequency, cooldown in (("ONCE", 0), ("EVERY_TIME", 0), ("EVERY_TIME", 120))
]


@pytest.mark.parametrize("seed", [3, 4])
async def test_tick_rules_fire_where_the_backtest_evaluator_says(
    app: FastAPI, client: httpx.AsyncClient, engine: AlertEngine, clock: FrozenClock, seed: int
) -> None:
    """The engine's LevelBook on ticks and `conditions.Spec` (what backtests run) agree tick for tick, prices
    exactly on the level included."""
    await app.state.notifier.dispatcher.stop()
    app.state.runtime.settings.access_token_ttl_seconds = 86400
    level = 100.0
    prices = level + np.random.default_rng(seed).integers(-3, 4, 400) * 0.5
    runtime: Runtime = app.state.runtime
    await runtime.cache.set("price:BTC-USD", {"price": float(prices[0]), "ts": TS, "source": "binance"})
    account = await register(client)
    alerts = {}
    for condition, frequency, cooldown in TICK_RULES:
        rule = {
            "condition": condition,
            "threshold": level,
            "frequency": frequency,
            "cooldownSeconds": cooldown,
        }
        alerts[(condition, frequency, cooldown)] = (await _alert(client, account, **rule))["id"]
    await engine.start()
    fired: dict[int, list[datetime]] = {alert_id: [] for alert_id in alerts.values()}
    for price in prices[1:]:
        clock.advance(30)
        for alert_id in await engine.on_price("BTC-USD", float(price), TS, "binance"):
            fired[alert_id].append(clock.now())
    start = clock.now() - timedelta(seconds=30 * (len(prices) - 1))
    for (condition, frequency, cooldown), alert_id in alerts.items():
        signals = Spec(condition, level).signals(prices, None, start=1)
        times = [start + timedelta(seconds=30 * int(i)) for i in np.flatnonzero(signals)]
        expected = pick(times, frequency, cooldown, None)
        assert fired[alert_id] == expected, (condition, frequency, cooldown)
        assert expected, "never fired: the comparison would prove nothing"
