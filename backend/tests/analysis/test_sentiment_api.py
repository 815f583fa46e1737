"""POST /api/sentiment/score on both deployments: order kept, both analysers, every bad input a 422."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import assert_error, register

ROUTE = "/api/sentiment/score"


async def test_scores_come_back_in_the_order_sent(client: httpx.AsyncClient) -> None:
    account = await register(client)
    texts = ["Bitcoin soars to a record high", "gm", "Exchange hacked, withdrawals halted"]
    response = await client.post(ROUTE, json={"texts": texts}, headers=account.headers)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["analyzer"] == "VADER_CRYPTO"
    assert [r["label"] for r in data["results"]] == ["BULLISH", "NEUTRAL", "BEARISH"]
    assert data["results"][1]["score"] == 0.5
    assert all(0 <= r["score"] <= 1 for r in data["results"])

    plain = await client.post(
        ROUTE, json={"texts": ["wagmi, hodl"], "analyzer": "VADER"}, headers=account.headers
    )
    assert plain.json()["data"]["results"] == [{"score": 0.5, "label": "NEUTRAL"}]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"texts": []}, "texts"),
        ({"texts": ["x"] * 101}, "texts"),
        ({"texts": [""]}, "texts.0"),
        ({"texts": ["ok", "a\u0000b"]}, "texts"),
        ({"texts": ["x" * 5001]}, "texts.0"),
        ({"texts": ["ok"], "analyzer": "GPT"}, "analyzer"),
        ({"texts": "just one"}, "texts"),
        ({"text": ["ok"]}, "texts"),  # missing; the unknown "text" is in the details
    ],
)
async def test_bad_input_is_a_422_naming_the_field(client: httpx.AsyncClient, body: dict, field: str) -> None:
    account = await register(client)
    response = await client.post(ROUTE, json=body, headers=account.headers)
    assert assert_error(response, 422, "VALIDATION_ERROR")["field"] == field


async def test_needs_a_sign_in(client: httpx.AsyncClient) -> None:
    assert (await client.post(ROUTE, json={"texts": ["gm"]})).status_code == 401
