"""CoinMarketCap client against the recorded quotes response."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from app.integrations.coinmarketcap import CoinMarketCapClient
from app.integrations.http import HttpError
from tests.integrations.support import FakeSleep, Routes, body, fixture_text, make_settings

QUOTES = fixture_text("coinmarketcap", "v1_cryptocurrency_quotes_latest.json")
PATH = "/v1/cryptocurrency/quotes/latest"


async def test_quotes_become_stats() -> None:
    routes = Routes().add(PATH, body(QUOTES))
    settings = make_settings(coinmarketcap_api_key="cmc-key")
    async with CoinMarketCapClient(settings, transport=routes.transport(), sleep=FakeSleep()) as client:
        stats = await client.quotes({1: "BTC-USD", 2: "LTC-USD"})
    by_symbol = {s.symbol: s for s in stats}
    assert set(by_symbol) == {"BTC-USD", "LTC-USD"}  # the other recorded coins were not asked for
    btc = by_symbol["BTC-USD"]
    assert (btc.source, btc.price, btc.market_cap, btc.volume_24h) == (
        "coinmarketcap",
        3475.55287338,
        60886038568.19836,
        4998928970.98657,
    )
    assert btc.change_24h == pytest.approx(-0.00139657)
    assert btc.ts == datetime(2019, 2, 4, 8, 22, 25, tzinfo=UTC).timestamp()
    request = routes.requests[0]
    assert request.headers["X-CMC_PRO_API_KEY"] == "cmc-key"
    assert (request.url.params["id"], request.url.params["convert"]) == ("1,2", "USD")


async def test_api_error_status_is_an_http_error() -> None:
    # The error body shape CoinMarketCap documents for a rejected key.
    error = (
        '{"status":{"timestamp":"2019-02-04T08:23:16.301Z","error_code":1001,'
        '"error_message":"This API Key is invalid."}}'
    )
    routes = Routes().add(PATH, lambda request: httpx.Response(401, text=error))
    settings = make_settings(coinmarketcap_api_key="bad")
    async with CoinMarketCapClient(settings, transport=routes.transport(), sleep=FakeSleep()) as client:
        with pytest.raises(HttpError, match="This API Key is invalid") as raised:
            await client.quotes({1: "BTC-USD"})
    assert raised.value.status == 401
    assert len(routes.requests) == 1


async def test_error_code_in_a_200_body_is_an_error() -> None:
    error = '{"status":{"timestamp":"2019-02-04T08:23:16.301Z","error_code":500,"error_message":"Internal"}}'
    routes = Routes().add(PATH, body(error))
    settings = make_settings(coinmarketcap_api_key="k")
    async with CoinMarketCapClient(settings, transport=routes.transport(), sleep=FakeSleep()) as client:
        with pytest.raises(HttpError, match="CoinMarketCap error 500"):
            await client.quotes({1: "BTC-USD"})


def test_a_key_is_required() -> None:
    with pytest.raises(ValueError, match="API key"):
        CoinMarketCapClient(make_settings())
