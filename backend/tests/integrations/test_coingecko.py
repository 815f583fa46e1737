"""CoinGecko client against recorded responses (and documentation examples where no recording exists)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx
import pytest

from app.core.marketdata import Candle
from app.integrations.coingecko import CoinGeckoClient, ohlc_granularity
from app.market.symbols import BUILTIN_ASSETS
from tests.integrations.support import FakeSleep, Routes, body, fixture_json, fixture_text, make_settings

TOP100 = fixture_json("coingecko", "coins_markets_usd_top100.json")
IDS = {asset.coingecko_id: asset.symbol for asset in BUILTIN_ASSETS if asset.coingecko_id}


def markets(request: httpx.Request) -> httpx.Response:
    """The recorded top-100 answer, narrowed to the requested `ids` as CoinGecko does (rows unchanged)."""
    wanted = set(request.url.params["ids"].split(","))
    return httpx.Response(200, json=[row for row in TOP100 if row["id"] in wanted])


async def test_markets_become_stats() -> None:
    routes = Routes().add("/api/v3/coins/markets", markets)
    async with CoinGeckoClient(make_settings(), transport=routes.transport(), sleep=FakeSleep()) as client:
        stats = await client.markets(IDS)
    by_symbol = {s.symbol: s for s in stats}
    # Every built-in asset but POL, which was still MATIC (another id) when this was recorded.
    assert set(by_symbol) == {a.symbol for a in BUILTIN_ASSETS} - {"POL-USD"}
    btc = by_symbol["BTC-USD"]
    assert (btc.source, btc.price, btc.market_cap, btc.volume_24h) == (
        "coingecko",
        27887,
        544217319000,
        8225467172,
    )
    assert btc.change_24h == pytest.approx(-0.0007101)
    assert btc.ts == datetime(2023, 10, 8, 20, 12, 25, 330000, tzinfo=UTC).timestamp()
    assert by_symbol["USDT"].price == 1.0
    assert by_symbol["SHIB-USD"].price == 7.19e-06
    request = routes.requests[0]
    assert request.url.params["vs_currency"] == "usd"
    assert set(request.url.params["ids"].split(",")) == set(IDS)
    assert "x-cg-demo-api-key" not in request.headers


async def test_demo_key_is_sent() -> None:
    routes = Routes().add("/api/v3/coins/markets", markets)
    settings = make_settings(coingecko_api_key="CG-demo")
    async with CoinGeckoClient(settings, transport=routes.transport(), sleep=FakeSleep()) as client:
        await client.markets({"bitcoin": "BTC-USD"})
    assert routes.requests[0].headers["x-cg-demo-api-key"] == "CG-demo"


async def test_rows_without_a_price_are_left_out() -> None:
    rows = json.loads(json.dumps(TOP100[:2]))
    rows[1]["current_price"] = None  # CoinGecko sends null for coins it has no price for
    routes = Routes().add("/api/v3/coins/markets", body(json.dumps(rows)))
    async with CoinGeckoClient(make_settings(), transport=routes.transport(), sleep=FakeSleep()) as client:
        stats = await client.markets({"bitcoin": "BTC-USD", "ethereum": "ETH-USD"})
    assert [s.symbol for s in stats] == ["BTC-USD"]


async def test_simple_price() -> None:
    routes = Routes().add(
        "/api/v3/simple/price", body(fixture_text("coingecko", "simple_price_docs_example.json"))
    )
    async with CoinGeckoClient(make_settings(), transport=routes.transport(), sleep=FakeSleep()) as client:
        (btc,) = await client.simple_price({"bitcoin": "BTC-USD"})
    assert (btc.symbol, btc.price, btc.market_cap, btc.volume_24h, btc.ts) == (
        "BTC-USD",
        67187.3358936566,
        1317802988326.25,
        31260929299.5248,
        1711356300.0,
    )
    assert btc.change_24h == pytest.approx(0.0363727894677354)
    params = routes.requests[0].url.params
    assert (params["ids"], params["vs_currencies"], params["include_last_updated_at"]) == (
        "bitcoin",
        "usd",
        "true",
    )


async def test_ohlc_candles_are_stamped_with_their_open_time() -> None:
    routes = Routes().add(
        "/api/v3/coins/bitcoin/ohlc", body(fixture_text("coingecko", "coins_bitcoin_ohlc_docs_example.json"))
    )
    async with CoinGeckoClient(make_settings(), transport=routes.transport(), sleep=FakeSleep()) as client:
        candles = await client.ohlc("bitcoin", days=7)
    # The example's first row is stamped 2024-03-02 16:00 UTC: the close of the 12:00-16:00 candle.
    assert candles[0] == Candle(1709395200 - 14400, 61942, 62211, 61721, 61845, 0.0)
    assert [c.ts for c in candles] == [1709380800, 1709395200, 1709409600]
    assert routes.requests[0].url.params["days"] == "7"


def test_ohlc_granularity_follows_coingecko_docs() -> None:
    assert [ohlc_granularity(d) for d in (1, 2, 3, 30, 31, 365)] == [1800, 1800, 14400, 14400, 345600, 345600]
