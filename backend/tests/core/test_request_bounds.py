"""What a request may carry (issue 14, items 12 and 14): 64-bit ids, signatures of any text, bounded user
JSON, and no NUL characters; each a 4xx naming the field that changes nothing, never a 500."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

from app.config import Settings
from app.core.bounds import MAX_DB_ID, json_depth, parse_db_id, unstorable_at
from app.core.security import same_signature
from tests.conftest import Account, assert_error, make_admin, register

OUT_OF_RANGE = [2**63, 0, -1]


def _alert(account: Account, **overrides: Any) -> dict[str, Any]:
    return {
        "userId": account.id,
        "symbol": "BTC-USD",
        "condition": "PRICE_ABOVE",
        "threshold": 50000,
        "channels": ["IN_APP"],
        **overrides,
    }


def _id_routes(user_id: int, bad: int) -> list[tuple[str, str, dict[str, Any] | None, str]]:
    """Every route that takes a row id: method, path, body, and the field the 422 must name."""
    alert = f"/api/alerts/{user_id}/{bad}"
    indicator = f"/api/indicators/custom/{bad}"
    return [
        ("GET", alert, None, "alertId"),
        ("PATCH", alert, {"threshold": 1}, "alertId"),
        ("DELETE", alert, None, "alertId"),
        ("POST", f"{alert}/pause", None, "alertId"),
        ("POST", f"{alert}/resume", None, "alertId"),
        ("GET", f"/api/alerts/{user_id}/history?alertId={bad}", None, "alertId"),
        ("GET", indicator, None, "indicatorId"),
        ("PATCH", indicator, {"name": "x"}, "indicatorId"),
        ("DELETE", indicator, None, "indicatorId"),
        ("POST", f"{indicator}/evaluate", {"symbol": "BTC-USD"}, "indicatorId"),
        ("DELETE", f"/api/users/me/api-keys/{bad}", None, "keyId"),
        ("GET", f"/api/users/{bad}", None, "userId"),
        ("GET", f"/api/alerts/{bad}", None, "userId"),
        ("POST", "/api/alerts", {"userId": bad}, "userId"),
        ("POST", "/api/indicators/custom", {"userId": bad, "name": "x", "formula": "RSI(14)"}, "userId"),
    ]


@pytest.mark.parametrize("bad", OUT_OF_RANGE)
async def test_an_id_outside_bigint_is_a_422_naming_it(
    client: httpx.AsyncClient, settings: Settings, bad: int
) -> None:
    admin = await register(client)
    await make_admin(settings, admin.id)  # so the admin user lookup is reached, not refused
    for method, path, body, field in _id_routes(admin.id, bad):
        if path == "/api/alerts":
            body = _alert(admin, userId=bad)
        response = await client.request(method, path, json=body, headers=admin.headers)
        error = assert_error(response, 422, "VALIDATION_ERROR")
        assert error["field"] == field, (method, path, error)
    listed = await client.get(f"/api/alerts/{admin.id}", headers=admin.headers)
    assert listed.json()["data"]["total"] == 0
    assert (await client.get("/api/indicators/custom", headers=admin.headers)).json()["data"] == []


async def test_the_largest_id_is_valid_and_simply_not_found(client: httpx.AsyncClient) -> None:
    alice = await register(client)
    response = await client.get(f"/api/alerts/{alice.id}/{MAX_DB_ID}", headers=alice.headers)
    assert_error(response, 404, "NOT_FOUND")
    assert_error(
        await client.get(f"/api/indicators/custom/{MAX_DB_ID}", headers=alice.headers), 404, "NOT_FOUND"
    )


@pytest.mark.parametrize(
    "path",
    [
        "/api/charts/a.%C3%A9.png",
        "/api/charts/%C3%A9.%C3%A9%C3%A9.png",
        "/api/backtest/x/equity.png?sig=%C3%A9",
        "/api/backtest/%C3%A9/equity.png?sig=%F0%9F%98%80",
    ],
)
async def test_a_non_ascii_signature_is_a_wrong_signature(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture, path: str
) -> None:
    with caplog.at_level(logging.INFO):
        assert_error(await client.get(path), 404, "NOT_FOUND")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info], caplog.text
    assert "Traceback" not in caplog.text


def test_signatures_compare_as_bytes() -> None:
    assert (
        same_signature("abc", "abc") and not same_signature("é", "ab") and not same_signature("\ud800", "a")
    )


async def test_alert_metadata_is_bounded_in_size_and_depth(client: httpx.AsyncClient) -> None:
    alice = await register(client)
    nested: dict[str, Any] = {"value": 1}
    for _ in range(255):
        nested = {"a": nested}
    for metadata, says in (
        ({"note": "x" * 1_000_000}, "bytes as JSON; at most 4,096"),
        (nested, "nested 256 levels deep; at most 4"),
        ({"a": {"b": {"c": {"d": {"e": 1}}}}}, "nested 5 levels deep"),
        ({"a": [[[["x"]]]]}, "nested 5 levels deep"),
    ):
        response = await client.post(
            "/api/alerts", json=_alert(alice, metadata=metadata), headers=alice.headers
        )
        error = assert_error(response, 422, "VALIDATION_ERROR")
        assert error["field"] == "metadata" and says in error["message"], error
        backtest = await client.post(
            "/api/alerts/backtest",
            json={**_alert(alice, metadata=metadata), "channels": None},
            headers=alice.headers,
        )
        assert assert_error(backtest, 422, "VALIDATION_ERROR")["field"] == "metadata"
    listed = (await client.get(f"/api/alerts/{alice.id}", headers=alice.headers)).json()["data"]
    assert listed["total"] == 0

    created = await client.post(
        "/api/alerts", json=_alert(alice, metadata={"note": "x" * 4000}), headers=alice.headers
    )
    assert created.status_code == 201, created.text
    url = f"/api/alerts/{alice.id}/{created.json()['data']['id']}"
    patched = await client.patch(url, json={"metadata": {"note": "x" * 5000}}, headers=alice.headers)
    assert assert_error(patched, 422, "VALIDATION_ERROR")["field"] == "metadata"
    assert (await client.get(url, headers=alice.headers)).json()["data"]["metadata"] == {"note": "x" * 4000}


async def test_strategy_parameters_are_bounded_too(client: httpx.AsyncClient) -> None:
    alice = await register(client)
    body = {"strategyName": "SMA_CROSSOVER", "symbol": "BTC-USD", "parameters": {"a": [[[[1]]]]}}
    response = await client.post("/api/backtest/strategy", json=body, headers=alice.headers)
    assert assert_error(response, 422, "VALIDATION_ERROR")["field"] == "parameters"


async def test_nul_is_refused_in_every_name_and_nothing_is_stored(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    admin = await register(client)
    await make_admin(settings, admin.id)
    headers = admin.headers

    indicator = {"userId": admin.id, "name": "my\u0000rsi", "formula": "RSI(14)"}
    error = assert_error(
        await client.post("/api/indicators/custom", json=indicator, headers=headers), 422, "VALIDATION_ERROR"
    )
    assert error["field"] == "name" and "NUL" in error["message"]
    assert (await client.get("/api/indicators/custom", headers=headers)).json()["data"] == []

    renamed = await client.patch("/api/users/me", json={"displayName": "Al\u0000ice"}, headers=headers)
    assert assert_error(renamed, 422, "VALIDATION_ERROR")["field"] == "displayName"
    assert (await client.get("/api/users/me", headers=headers)).json()["data"]["displayName"] is None
    registered = await client.post(
        "/api/auth/register",
        json={"email": "bob@example.com", "password": "correct-horse", "displayName": "\u0000"},
    )
    assert assert_error(registered, 422, "VALIDATION_ERROR")["field"] == "displayName"
    login = await client.post(
        "/api/auth/login", json={"email": "bob@example.com", "password": "correct-horse"}
    )
    assert_error(login, 401, "INVALID_CREDENTIALS")

    asset = {"symbol": "NUL-USD", "name": "Nul\u0000coin"}
    added = await client.post("/api/market/symbols", json=asset, headers=headers)
    assert assert_error(added, 422, "VALIDATION_ERROR")["field"] == "name"
    symbols = (await client.get("/api/market/symbols", headers=headers)).json()["data"]
    assert "NUL-USD" not in {s["symbol"] for s in symbols}

    nested = await client.post(
        "/api/alerts",
        json=_alert(admin, metadata={"indicator": "RSI", "note": ["ok", "n\u0000"]}),
        headers=headers,
    )
    error = assert_error(nested, 422, "VALIDATION_ERROR")
    assert error["field"] == "metadata" and "(at note.1)" in error["message"]
    interests = await client.patch(
        "/api/users/me", json={"preferences": {"interests": ["\u0000"]}}, headers=headers
    )
    assert assert_error(interests, 422, "VALIDATION_ERROR")["field"] == "preferences.interests"
    surrogate = await client.post(
        "/api/indicators/custom",
        content=b'{"userId": %d, "name": "x\\ud800", "formula": "RSI(14)"}' % admin.id,
        headers={**headers, "content-type": "application/json"},
    )
    assert assert_error(surrogate, 422, "VALIDATION_ERROR")["field"] == "name"  # no UTF-8 can hold it
    assert (await client.get(f"/api/alerts/{admin.id}", headers=headers)).json()["data"]["total"] == 0
    assert (await client.get("/api/indicators/custom", headers=headers)).json()["data"] == []


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/backtest/run%00x", "backtestId"),
        ("/api/jobs/j%00b", "jobId"),
        ("/api/charts/a%00.b.png", "token"),
        ("/api/alerts/{me}?symbol=BTC%00", "symbol"),
        ("/api/data/historical?symbol=BTC-USD&source=bin%00ance", "source"),
        ("/api/market/prices?symbols=BTC-USD,%00", "symbols"),
    ],
)
async def test_nul_in_a_path_or_query_parameter_is_a_422_naming_it(
    client: httpx.AsyncClient, path: str, field: str
) -> None:
    alice = await register(client)
    response = await client.get(path.format(me=alice.id), headers=alice.headers)
    error = assert_error(response, 422, "VALIDATION_ERROR")
    assert error["field"] == field and "NUL" in error["message"], error


def test_the_walkers_name_where_and_never_recurse() -> None:
    deep: Any = "x\u0000"
    for _ in range(5000):
        deep = [deep]
    assert json_depth(deep) == 5000
    found = unstorable_at({"a": deep})
    assert found is not None and found[1].startswith(".a.0.0")
    assert unstorable_at({"ok": ["fine", 1, None]}) is None
    assert unstorable_at({"k\u0000": 1}) == ("\u0000", "")
    assert [parse_db_id(t) for t in ("0", "42", str(MAX_DB_ID), str(2**63), "²", "-1", "1" * 5000)] == [
        0,
        42,
        MAX_DB_ID,
        None,
        None,
        None,
        None,
    ]


@pytest.mark.parametrize(
    ("asset", "field"),
    [
        ({"symbol": "ABCDEFGHIJKLMNO-ABCDEFGHIJ", "name": "Long"}, "symbol"),
        (
            {"symbol": "LONG-USD", "name": "Long", "coinbaseProduct": "ABCDEFGHIJ-ABCDEFGHIJ"},
            "coinbaseProduct",
        ),
        ({"symbol": "LONG-USD", "name": "Long", "coinmarketcapId": 2**31}, "coinmarketcapId"),
    ],
)
async def test_an_asset_field_longer_than_its_column_is_a_422(
    client: httpx.AsyncClient, settings: Settings, asset: dict[str, Any], field: str
) -> None:
    """SQLite ignores VARCHAR(20) and INTEGER is 64-bit there; PostgreSQL refused these with a 500."""
    admin = await register(client)
    await make_admin(settings, admin.id)
    added = await client.post("/api/market/symbols", json=asset, headers=admin.headers)
    assert assert_error(added, 422, "VALIDATION_ERROR")["field"] == field
    symbols = (await client.get("/api/market/symbols", headers=admin.headers)).json()["data"]
    assert not {asset["symbol"]} & {s["symbol"] for s in symbols}
