"""POST /api/sentiment/score on both deployments: order kept, the analysers, every bad input a 422."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from app.config import Settings
from app.quant.sentiment import transformers_scorer
from tests.conftest import assert_error, register, serve

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


async def test_transformers_is_a_422_naming_the_analyzer_until_a_model_is_set(
    client: httpx.AsyncClient,
) -> None:
    account = await register(client)
    response = await client.post(
        ROUTE, json={"texts": ["gm"], "analyzer": "TRANSFORMERS"}, headers=account.headers
    )
    error = assert_error(response, 422, "VALIDATION_ERROR")
    assert error["field"] == "analyzer"
    assert "CRYPTOMON_SENTIMENT_MODEL" in error["message"]


async def test_transformers_without_torch_is_a_422_saying_how_to_install(
    embedded_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(transformers_scorer, "installed", lambda: False)
    configured = embedded_settings.model_copy(update={"sentiment_model": str(tmp_path)})
    async with serve(configured) as client:
        account = await register(client)
        response = await client.post(
            ROUTE, json={"texts": ["gm"], "analyzer": "TRANSFORMERS"}, headers=account.headers
        )
    error = assert_error(response, 422, "VALIDATION_ERROR")
    assert error["field"] == "analyzer"
    assert "make install-nlp" in error["message"]


async def test_transformers_scores_with_the_configured_model(
    embedded_settings: Settings, tmp_path: Path
) -> None:
    pytest.importorskip("transformers", reason="transformers is not installed (make install-nlp)")
    from tests.quant.tiny_sentiment_model import log_odds, write_tiny_model

    # P(negative, neutral, positive) = (0.1, 0.2, 0.7) for every text: score 0.7 + 0.5 * 0.2 = 0.8.
    model = write_tiny_model(
        tmp_path / "model", {0: "negative", 1: "neutral", 2: "positive"}, bias=log_odds(0.1, 0.2, 0.7)
    )
    configured = embedded_settings.model_copy(update={"sentiment_model": str(model)})
    async with serve(configured) as client:
        account = await register(client)
        texts = ["bitcoin soars", "gm", "exchange hacked"]
        response = await client.post(
            ROUTE, json={"texts": texts, "analyzer": "TRANSFORMERS"}, headers=account.headers
        )
        assert response.status_code == 200, response.text
        data = response.json()["data"]
        assert data["analyzer"] == "TRANSFORMERS"
        assert data["results"] == [{"score": 0.8, "label": "BULLISH"}] * 3

        broken = configured.model_copy(update={"sentiment_model": str(tmp_path / "missing")})
    async with serve(broken) as client:
        account = await register(client)
        response = await client.post(
            ROUTE, json={"texts": ["gm"], "analyzer": "TRANSFORMERS"}, headers=account.headers
        )
    assert "CRYPTOMON_SENTIMENT_MODEL" in assert_error(response, 503, "SERVICE_UNAVAILABLE")["message"]
