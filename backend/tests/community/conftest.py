"""Community fixtures: members, a moderator, and helpers for posts."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.config import Settings
from tests.conftest import Account, make_admin, register, set_role
from tests.reports.conftest import push_recent_candles

POSTS = "/api/community/posts"


async def make_moderator(settings: Settings, user_id: int) -> None:
    await set_role(settings, user_id, "moderator")


async def write(client: httpx.AsyncClient, author: Account, **fields: Any) -> dict[str, Any]:
    body = {
        "userId": author.id,
        "title": "BTC bullish divergence spotted",
        "content": "4h RSI divergence",
    } | fields
    response = await client.post(POSTS, json=body, headers=author.headers)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


async def get(client: httpx.AsyncClient, who: Account, url: str, **params: Any) -> Any:
    response = await client.get(url, params=params, headers=who.headers)
    assert response.status_code == 200, response.text
    return response.json()["data"]


@pytest.fixture
async def market(settings: Settings, client: httpx.AsyncClient) -> Account:
    """BTC-USD candles up to now (for backtests and alerts); the admin who pushed them."""
    admin = await register(client)
    await make_admin(settings, admin.id)
    await push_recent_candles(client, admin, ("BTC-USD",))
    return admin
