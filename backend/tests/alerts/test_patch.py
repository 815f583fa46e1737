"""PATCH of one alert: every field the web app's edit form sends, and null never erasing a required field."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import Account, assert_error, register


async def _alert(client: httpx.AsyncClient, account: Account) -> str:
    body = {
        "userId": account.id,
        "symbol": "BTC-USD",
        "condition": "PRICE_ABOVE",
        "threshold": 50000,
        "channels": ["IN_APP"],
        "expiresAt": "2099-01-01T00:00:00Z",
    }
    created = await client.post("/api/alerts", json=body, headers=account.headers)
    assert created.status_code == 201, created.text
    return f"/api/alerts/{account.id}/{created.json()['data']['id']}"


async def test_patch_changes_confirmation_and_clears_the_expiry(client: httpx.AsyncClient) -> None:
    alice = await register(client)
    url = await _alert(client, alice)
    patched = await client.patch(
        url,
        json={"threshold": 52000, "confirmTicks": 3, "confirmSeconds": 1.5, "expiresAt": None},
        headers=alice.headers,
    )
    assert patched.status_code == 200, patched.text
    stored = (await client.get(url, headers=alice.headers)).json()["data"]
    assert {k: stored[k] for k in ("threshold", "confirmTicks", "confirmSeconds", "expiresAt")} == {
        "threshold": 52000,
        "confirmTicks": 3,
        "confirmSeconds": 1.5,
        "expiresAt": None,
    }


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"frequency": None}, "frequency"),
        ({"channels": None}, "channels"),
        ({"metadata": None}, "metadata"),
        ({"cooldownSeconds": None}, "cooldownSeconds"),
        ({"confirmTicks": None}, "confirmTicks"),
        ({"confirmTicks": 0}, "confirmTicks"),
        ({"confirmSeconds": 3601}, "confirmSeconds"),
    ],
)
async def test_bad_patch_is_a_422_naming_the_field_and_changes_nothing(
    client: httpx.AsyncClient, patch: dict[str, object], field: str
) -> None:
    alice = await register(client)
    url = await _alert(client, alice)
    before = (await client.get(url, headers=alice.headers)).json()["data"]
    response = await client.patch(url, json={"threshold": 51000, **patch}, headers=alice.headers)
    assert assert_error(response, 422, "VALIDATION_ERROR")["field"] == field
    assert (await client.get(url, headers=alice.headers)).json()["data"] == before
