"""GET /api/alerts/{userId} read as plain rows: the same JSON as the ORM mapping, one statement, no write."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import event, select, update

from app.alerts import service
from app.alerts.models import Alert
from app.alerts.schemas import AlertList
from app.alerts.worker import AlertEngine
from tests.conftest import Account, register

KINDS: list[dict[str, Any]] = [
    {"condition": "PRICE_ABOVE", "threshold": 120000.25},
    {"condition": "PRICE_BELOW", "threshold": 40000, "frequency": "EVERY_TIME", "cooldownSeconds": 3600},
    {"condition": "CROSSING", "threshold": 0.00012345},
    {
        "condition": "CROSSING_UP",
        "threshold": 0,
        "metadata": {"formula": "RSI(14) - RSI(28)", "timeframe": "4h"},
    },
    {"condition": "GREATER_THAN", "metadata": {"indicator": "RSI", "value": 70}},
    {"condition": "ENTERING_CHANNEL", "metadata": {"lower": 60000, "upper": 65000.5, "timeframe": "1h"}},
    {"condition": "MOVING_UP_PERCENT", "threshold": 5, "metadata": {"window": 24, "timeframe": "1h"}},
    {"condition": "VOLUME_SPIKE", "threshold": 3, "metadata": {"window": 20, "timeframe": "1h"}},
    {"condition": "PRICE_ABOVE", "threshold": 150000, "confirmTicks": 3, "confirmSeconds": 5.5},
]


async def _create(client: httpx.AsyncClient, account: Account, count: int) -> list[int]:
    expires = (datetime.now(UTC) + timedelta(days=30)).isoformat().replace("+00:00", "Z")
    ids = []
    for i in range(count):
        body: dict[str, Any] = {
            "userId": account.id,
            "symbol": ("BTC-USD", "ETH-USD", "SOL-USD")[i % 3],
            "channels": ["IN_APP"],
            **KINDS[i % len(KINDS)],
        }
        if i % 5 == 0:
            body["expiresAt"] = expires
        created = await client.post("/api/alerts", json=body, headers=account.headers)
        assert created.status_code == 201, created.text
        ids.append(created.json()["data"]["id"])
    return ids


async def _golden(app: FastAPI, user_id: int) -> dict[str, Any]:
    """The list as it was built before: ORM objects newest first, `to_out` each, ACTIVE counted."""
    async with app.state.runtime.db.session() as session:
        await service.expire_due(session, user_id)
        alerts = list(
            await session.scalars(select(Alert).where(Alert.user_id == user_id).order_by(Alert.id.desc()))
        )
        out = [service.to_out(a) for a in alerts]
    active = sum(a.status == service.ACTIVE for a in out)
    return AlertList(alerts=out, total=len(out), active=active).model_dump(mode="json", by_alias=True)


@contextmanager
def statements(app: FastAPI) -> Iterator[list[str]]:
    """The SQL statements the app runs inside the block."""
    seen: list[str] = []
    engine = app.state.runtime.db.engine.sync_engine

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement.split(None, 1)[0].upper())

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def test_list_of_78_is_the_json_of_the_orm_mapping(app: FastAPI, client: httpx.AsyncClient) -> None:
    alice = await register(client)
    ids = await _create(client, alice, 78)
    await _create(client, await register(client), 3)  # someone else's: never listed
    await client.post(f"/api/alerts/{alice.id}/{ids[1]}/pause", headers=alice.headers)
    async with app.state.runtime.db.session() as session:  # one fired, one past its expiry
        await session.execute(
            update(Alert).where(Alert.id == ids[2]).values(status="TRIGGERED", trigger_count=2)
        )
        past = datetime.now(UTC) - timedelta(minutes=1)
        await session.execute(update(Alert).where(Alert.id == ids[5]).values(expires_at=past))

    listed = await client.get(f"/api/alerts/{alice.id}", headers=alice.headers)
    data = listed.json()["data"]
    assert data == await _golden(app, alice.id)
    assert data["total"] == 78 and [a["id"] for a in data["alerts"]] == sorted(ids, reverse=True)
    statuses = {a["id"]: a["status"] for a in data["alerts"]}
    assert (statuses[ids[1]], statuses[ids[2]], statuses[ids[5]]) == ("PAUSED", "TRIGGERED", "EXPIRED")
    assert data["active"] == 75
    for alert in data["alerts"][::13]:  # each item is what GET of that one alert answers
        one = await client.get(f"/api/alerts/{alice.id}/{alert['id']}", headers=alice.headers)
        assert one.json()["data"] == alert


async def test_filters_and_counts(app: FastAPI, client: httpx.AsyncClient) -> None:
    bob = await register(client)
    ids = await _create(client, bob, 9)
    async with app.state.runtime.db.session() as session:  # due: the filtered list must see it EXPIRED
        past = datetime.now(UTC) - timedelta(seconds=1)
        await session.execute(update(Alert).where(Alert.id == ids[0]).values(expires_at=past))
    url = f"/api/alerts/{bob.id}"
    active = (await client.get(url, params={"status": "ACTIVE"}, headers=bob.headers)).json()["data"]
    assert (
        active["total"] == 8 and active["active"] == 8 and ids[0] not in [a["id"] for a in active["alerts"]]
    )
    expired = (await client.get(url, params={"status": "EXPIRED"}, headers=bob.headers)).json()["data"]
    assert [a["id"] for a in expired["alerts"]] == [ids[0]] and expired["active"] == 8
    sol = (await client.get(url, params={"symbol": "sol-usd"}, headers=bob.headers)).json()["data"]
    assert {a["symbol"] for a in sol["alerts"]} == {"SOL-USD"} and sol["total"] == 3 and sol["active"] == 8
    none = await client.get(url, params={"symbol": "DOGE-USD"}, headers=bob.headers)
    assert none.json()["data"] == {"alerts": [], "total": 0, "active": 8}
    stranger = await register(client)
    empty = await client.get(f"/api/alerts/{stranger.id}", headers=stranger.headers)
    assert empty.json()["data"] == {"alerts": [], "total": 0, "active": 0}


async def test_list_is_one_read_and_then_none_until_the_alerts_change(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    """Before: an UPDATE on every list (serialising concurrent lists on SQLite's write lock), the token's
    user read on every request, and three more statements; now the signed-in check is remembered, the
    list is one SELECT, and while the user's alerts do not change it is not read again."""
    if app.state.alerts is not None:  # embedded: its engine reads a changed alert's row meanwhile
        await app.state.alerts.stop()
    carol = await register(client)
    ids = await _create(client, carol, 4)
    url = f"/api/alerts/{carol.id}"
    assert (await client.get(url, headers=carol.headers)).status_code == 200  # the sign-in check remembered
    await client.post(f"{url}/{ids[0]}/pause", headers=carol.headers)
    with statements(app) as seen:
        first = (await client.get(url, headers=carol.headers)).json()["data"]
    assert [s for s in seen if s not in ("BEGIN", "COMMIT", "ROLLBACK")] == ["SELECT"]
    with statements(app) as seen:
        assert (await client.get(url, headers=carol.headers)).json()["data"] == first
    assert [s for s in seen if s not in ("BEGIN", "COMMIT", "ROLLBACK")] == []
    assert first["total"] == 4 and first["active"] == 3


async def test_the_list_shows_every_change_at_once(app: FastAPI, client: httpx.AsyncClient) -> None:
    """Served from a rendering while nothing changes, the list still shows each change as soon as it is
    made: by the owner (create, edit, pause, resume, delete), by the engine (a firing) and by time (an
    expiry); and another user's change does not touch it."""
    dave, erin = await register(client), await register(client)
    url = f"/api/alerts/{dave.id}"

    async def listed() -> dict[str, Any]:
        data: dict[str, Any] = (await client.get(url, headers=dave.headers)).json()["data"]
        return data

    [first] = await _create(client, dave, 1)
    assert [a["id"] for a in (await listed())["alerts"]] == [first]
    [second] = await _create(client, dave, 1)
    assert [a["id"] for a in (await listed())["alerts"]] == [second, first]
    await _create(client, erin, 1)
    assert (await listed())["total"] == 2
    edited = await client.patch(f"{url}/{first}", json={"threshold": 99999}, headers=dave.headers)
    assert edited.status_code == 200, edited.text
    assert next(a for a in (await listed())["alerts"] if a["id"] == first)["threshold"] == 99999
    await client.post(f"{url}/{first}/pause", headers=dave.headers)
    assert (await listed())["active"] == 1
    await client.post(f"{url}/{first}/resume", headers=dave.headers)
    assert (await listed())["active"] == 2
    await client.delete(f"{url}/{second}", headers=dave.headers)
    assert [a["id"] for a in (await listed())["alerts"]] == [first]

    engine = AlertEngine(app.state.runtime)  # a firing, written by the engine's writer
    await engine.start()
    try:
        await engine.reload(first)
        await engine.on_price("BTC-USD", 150_000.0, datetime.now(UTC).timestamp(), "test")
        await engine.flush()
    finally:
        await engine.stop()
    [fired] = (await listed())["alerts"]
    assert fired["triggerCount"] == 1 and fired["triggeredAt"] and fired["status"] == "TRIGGERED"  # ONCE
    await client.post(f"{url}/{first}/resume", headers=dave.headers)

    soon = (datetime.now(UTC) + timedelta(seconds=1.5)).isoformat().replace("+00:00", "Z")
    await client.patch(f"{url}/{first}", json={"expiresAt": soon}, headers=dave.headers)
    assert (await listed())["active"] == 1
    await asyncio.sleep(2.0)  # nothing is written when it expires: the rendering lapses then
    assert (await listed())["alerts"][0]["status"] == "EXPIRED"
