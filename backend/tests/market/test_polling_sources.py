"""The CoinGecko and CoinMarketCap pollers against recorded responses on an httpx.MockTransport."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from app.market.sources import get_factory
from app.market.sources.coingecko import CoinGeckoSource
from app.market.sources.coinmarketcap import CoinMarketCapSource
from app.market.symbols import BUILTIN_ASSETS, Asset
from tests.integrations.support import (
    FakeSleep,
    Routes,
    Stop,
    body,
    fixture_json,
    fixture_text,
    make_settings,
    status,
)
from tests.market.live_support import RecordingSink

TOP100 = fixture_json("coingecko", "coins_markets_usd_top100.json")
CG_PATH = "/api/v3/coins/markets"
CMC_PATH = "/v1/cryptocurrency/quotes/latest"
CMC_QUOTES = fixture_text("coinmarketcap", "v1_cryptocurrency_quotes_latest.json")


def markets(request: httpx.Request) -> httpx.Response:
    wanted = set(request.url.params["ids"].split(","))
    return httpx.Response(200, json=[row for row in TOP100 if row["id"] in wanted])


async def run_until_stopped(source: CoinGeckoSource | CoinMarketCapSource, sink: RecordingSink) -> None:
    with pytest.raises(Stop):
        await source.run(sink, BUILTIN_ASSETS)


def coingecko(routes: Routes, sleep: FakeSleep) -> CoinGeckoSource:
    settings = make_settings(coingecko_poll_seconds=60)
    return CoinGeckoSource(settings, transport=routes.transport(), sleep=sleep, monotonic=sleep.monotonic)


async def test_coingecko_poll_delivers_stats_and_price_ticks() -> None:
    sleep, sink = FakeSleep(stop_after=2), RecordingSink()
    routes = Routes().add(CG_PATH, markets)
    source = coingecko(routes, sleep)
    await run_until_stopped(source, sink)
    assert sleep.delays == [60.0, 60.0]  # two polls, one poll interval apart
    assert len(routes.requests) == 2
    assert len(sink.stats) == 2 * 30  # every built-in asset but POL (it had another id in 2023)
    btc = next(s for s in sink.stats if s.symbol == "BTC-USD")
    assert (btc.price, btc.market_cap, btc.volume_24h) == (27887, 544217319000, 8225467172)
    tick = next(t for t in sink.ticks if t.symbol == "BTC-USD")
    assert (tick.price, tick.volume, tick.source) == (27887, 0.0, "coingecko")
    assert (
        tick.ts == datetime(2023, 10, 8, 20, 12, 25, 330000, tzinfo=UTC).timestamp()
    )  # the quote's own time
    assert sink.reports == [("coingecko", True, None)] * 2
    assert (source.polls, source.failures, source.connected) == (2, 0, True)


async def test_coingecko_429_is_retried_after_retry_after() -> None:
    sleep, sink = FakeSleep(stop_after=2), RecordingSink()
    routes = Routes().add(CG_PATH, status(429, {"Retry-After": "30"}), markets)
    await run_until_stopped(coingecko(routes, sleep), sink)
    assert sleep.delays == [30.0, 60.0]
    assert len(sink.stats) == 30


async def test_coingecko_5xx_backs_off_then_succeeds() -> None:
    sleep, sink = FakeSleep(stop_after=3), RecordingSink()
    routes = Routes().add(CG_PATH, status(503), status(502), markets)
    await run_until_stopped(coingecko(routes, sleep), sink)
    # Backoff asks for 0.5 s then 1 s, but keyless CoinGecko takes a call every 6 s at most: that wins.
    assert sleep.delays == [6.0, 6.0, 60.0]
    assert len(sink.stats) == 30


async def test_coingecko_failed_poll_is_reported_and_polling_goes_on() -> None:
    sleep, sink = FakeSleep(stop_after=5), RecordingSink()
    routes = Routes().add(CG_PATH, *[status(500)] * 4, markets)
    source = coingecko(routes, sleep)
    await run_until_stopped(source, sink)
    assert sleep.delays[:4] == [6.0, 6.0, 6.0, 60.0]  # retries exhausted: wait for the next poll
    assert (source.failures, source.polls) == (1, 1)
    assert sink.reports[0][:2] == ("coingecko", False)
    assert "HTTP 500" in (sink.reports[0][2] or "")
    assert sink.reports[1] == ("coingecko", True, None)


async def test_coingecko_long_retry_after_delays_the_next_poll() -> None:
    sleep, sink = FakeSleep(stop_after=1), RecordingSink()
    routes = Routes().add(CG_PATH, status(429, {"Retry-After": "900"}))
    source = coingecko(routes, sleep)
    await run_until_stopped(source, sink)
    assert sleep.delays == [900.0]
    assert source.failures == 1


async def test_coingecko_garbage_body_is_a_failed_poll() -> None:
    sleep, sink = FakeSleep(stop_after=1), RecordingSink()
    routes = Routes().add(CG_PATH, body("<html>Cloudflare says no</html>"))
    source = coingecko(routes, sleep)
    await run_until_stopped(source, sink)
    assert source.failures == 1
    assert "GET /coins/markets" in (source.last_error or "")
    assert sink.ticks == []


async def test_coingecko_without_ids_reports_and_returns() -> None:
    sink = RecordingSink()
    await CoinGeckoSource(make_settings()).run(sink, [Asset("ABC-USD", "abc")])
    assert sink.reports == [("coingecko", False, "no assets have a CoinGecko id")]


async def test_coinmarketcap_polls_with_its_key() -> None:
    sleep, sink = FakeSleep(stop_after=1), RecordingSink()
    routes = Routes().add(CMC_PATH, body(CMC_QUOTES))
    settings = make_settings(coinmarketcap_api_key="cmc-key", coinmarketcap_poll_seconds=300)
    source = CoinMarketCapSource(
        settings, transport=routes.transport(), sleep=sleep, monotonic=sleep.monotonic
    )
    await run_until_stopped(source, sink)
    assert sleep.delays == [300.0]
    # The recording answers ids 1-13; of our assets that is Bitcoin (1) and Litecoin (2).
    assert sorted(s.symbol for s in sink.stats) == ["BTC-USD", "LTC-USD"]
    ltc = next(t for t in sink.ticks if t.symbol == "LTC-USD")
    assert (ltc.price, ltc.volume, ltc.source) == (33.8041552743, 0.0, "coinmarketcap")
    assert ltc.ts == datetime(2019, 2, 4, 8, 22, 6, tzinfo=UTC).timestamp()
    assert routes.requests[0].headers["X-CMC_PRO_API_KEY"] == "cmc-key"
    assert sink.reports == [("coinmarketcap", True, None)]


async def test_coinmarketcap_without_a_key_disables_itself() -> None:
    routes = Routes()
    sink = RecordingSink()
    source = CoinMarketCapSource(make_settings(), transport=routes.transport(), sleep=FakeSleep(stop_after=1))
    await source.run(sink, BUILTIN_ASSETS)
    assert source.disabled
    assert sink.reports == [
        ("coinmarketcap", False, "disabled: no API key (set CRYPTOMON_COINMARKETCAP_API_KEY)")
    ]
    assert routes.requests == []


def test_registered_under_their_names() -> None:
    assert isinstance(get_factory("coingecko")(make_settings()), CoinGeckoSource)
    assert isinstance(get_factory("coinmarketcap")(make_settings()), CoinMarketCapSource)


def test_the_runner_gives_a_provider_poller_its_credit_budget() -> None:
    from types import SimpleNamespace

    from app.core.cache.memory import MemoryCache
    from app.integrations.budget import CreditBudget
    from app.market.runner import budgeted

    settings = make_settings(coinmarketcap_api_key="key")
    runtime = SimpleNamespace(settings=settings, cache=MemoryCache())
    poller = budgeted(get_factory("coingecko")(settings), "coingecko", runtime)  # type: ignore[arg-type]
    assert isinstance(poller, CoinGeckoSource) and isinstance(poller.http_options["budget"], CreditBudget)
    replay = get_factory("replay")(settings)
    assert budgeted(replay, "replay", runtime) is replay  # type: ignore[arg-type]
