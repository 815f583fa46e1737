"""The failures every API client shares, against each client: 429 with Retry-After, 5xx, 4xx, connection
refused, timeouts, malformed bodies and a spent credit budget. Provider-specific failures (errors inside
200 bodies) stay in the provider's own test file."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

import httpx
import pytest

from app.core.cache import MemoryCache
from app.integrations.binance import BinanceClient
from app.integrations.budget import BudgetExhausted, CreditBudget
from app.integrations.coingecko import CoinGeckoClient
from app.integrations.coinmarketcap import CoinMarketCapClient
from app.integrations.defillama import DefiLlamaClient
from app.integrations.esplora import EsploraClient
from app.integrations.etherscan import EtherscanClient
from app.integrations.feargreed import FearGreedClient
from app.integrations.http import HttpError, HttpOptions
from app.integrations.parsing import MalformedMessage
from app.integrations.reddit import RedditClient
from app.integrations.rss import NewsFeeds
from app.integrations.x import XClient
from tests.integrations.support import (
    FakeSleep,
    Handler,
    Routes,
    body,
    connect_error,
    fixture_text,
    make_settings,
    status,
)

ADDRESS = "0xddBd2B932c763bA5b1b7AE3B362eac3e8d40121A"
BTC_ADDRESS = "bc1qq7gm20tgeauggamlh7m54fu9e54vkdyzxzy5rh"
FEED = "https://www.coindesk.com/arc/outboundfeeds/rss"
RETRY_AFTER = 30.0  # longer than any client's spacing, so the wait is the server's
RETRIES = 3  # HttpClient's default


class Client(Protocol):
    async def aclose(self) -> None: ...


Factory = Callable[..., Client]
E = TypeVar("E", bound=Exception)


@dataclass(frozen=True)
class Case:
    """One client, one representative call, the path it requests and a recorded answer to it."""

    name: str
    factory: Factory
    call: Callable[[Any], Awaitable[object]]
    path: str
    ok: str
    wrong_shape: str  # a body that parses (as JSON or XML) but is not what the call expects
    settings: dict[str, Any] = field(default_factory=dict)

    def client(self, routes: Routes, sleep: FakeSleep, **options: Any) -> Any:
        seams: HttpOptions = {"transport": routes.transport(), "sleep": sleep, "monotonic": sleep.monotonic}
        return self.factory(make_settings(**self.settings), **seams, **options)


def recorded(provider: str, name: str) -> str:
    return fixture_text(provider, name)


CASES = [
    Case(
        "coingecko",
        CoinGeckoClient,
        lambda c: c.simple_price({"bitcoin": "BTC-USD"}),
        "/api/v3/simple/price",
        recorded("coingecko", "simple_price_docs_example.json"),
        '["bitcoin"]',
    ),
    Case(
        "coinmarketcap",
        CoinMarketCapClient,
        lambda c: c.quotes({1: "BTC-USD"}),
        "/v1/cryptocurrency/quotes/latest",
        recorded("coinmarketcap", "v1_cryptocurrency_quotes_latest.json"),
        '{"data": {}}',
        {"coinmarketcap_api_key": "cmc-key"},
    ),
    Case(
        "defillama",
        DefiLlamaClient,
        lambda c: c.protocols(),
        "/protocols",
        recorded("defillama", "protocols_docs_example.json"),
        '{"protocols": []}',
    ),
    Case(
        "feargreed",
        FearGreedClient,
        lambda c: c.readings(),
        "/fng/",
        recorded("alternative_me", "fng_limit365.json"),
        '{"data": [{"value": "47"}]}',
    ),
    Case(
        "etherscan",
        EtherscanClient,
        lambda c: c.balance(ADDRESS),
        "/v2/api",
        recorded("etherscan", "account_balance.json"),
        '{"status": "1", "message": "OK", "result": "not wei"}',
        {"etherscan_api_key": "etherscan-key"},
    ),
    Case(
        "esplora",
        EsploraClient,
        lambda c: c.address(BTC_ADDRESS),
        f"/api/address/{BTC_ADDRESS}",
        recorded("esplora", "blockstream_address_bc1qq7gm20tg.json"),
        '{"address": "bc1q"}',
    ),
    Case(
        "reddit",
        RedditClient,
        lambda c: c.listing("popular"),
        "/r/popular/hot.json",
        recorded("reddit", "r_popular_hot_limit100.json"),
        '{"kind": "Listing", "data": {"children": [{"kind": "t1"}]}}',
    ),
    Case(
        "rss",
        NewsFeeds,
        lambda c: c.fetch(FEED),
        "/arc/outboundfeeds/rss",
        recorded("rss", "coindesk_arc_outboundfeeds_rss.xml"),
        "<html><body>Not a feed</body></html>",
    ),
    Case(
        "x",
        XClient,
        lambda c: c.recent_search("btc"),
        "/2/tweets/search/recent",
        recorded("x", "v2_tweets_search_recent_market_max30_2025-12-08.json"),
        '{"data": []}',
        {"x_bearer_token": "x-token"},
    ),
    Case(
        "binance",
        BinanceClient,
        lambda c: c.klines("BTCUSDT", "1d", start=0),
        "/api/v3/klines",
        recorded("binance", "api_v3_klines_BTCUSDT_1d.json"),
        '{"code": 0}',
    ),
]

every_client = pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])


def timeout(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("timed out", request=request)


async def run(case: Case, *answers: Handler, sleep: FakeSleep | None = None) -> tuple[Routes, object]:
    routes = Routes().add(case.path, *answers)
    async with case.client(routes, sleep or FakeSleep()) as client:
        return routes, await case.call(client)


async def fail(case: Case, answer: Handler, error: type[E]) -> tuple[Routes, FakeSleep, E]:
    """Call `case` against a server that always gives `answer`, expecting `error`."""
    sleep = FakeSleep()
    routes = Routes().add(case.path, answer)
    async with case.client(routes, sleep) as client:
        with pytest.raises(error) as raised:
            await case.call(client)
    return routes, sleep, raised.value


@every_client
async def test_the_recorded_answer_succeeds(case: Case) -> None:
    routes, result = await run(case, body(case.ok))
    assert result
    assert len(routes.requests) == 1


@every_client
async def test_429_waits_for_retry_after_then_succeeds(case: Case) -> None:
    sleep = FakeSleep()
    too_many = status(429, {"Retry-After": str(int(RETRY_AFTER))})
    routes, result = await run(case, too_many, body(case.ok), sleep=sleep)
    assert result
    assert sleep.delays == [RETRY_AFTER]
    assert len(routes.requests) == 2


@every_client
async def test_5xx_then_success(case: Case) -> None:
    routes, result = await run(case, status(502), body(case.ok))
    assert result
    assert len(routes.requests) == 2


@every_client
@pytest.mark.parametrize(
    ("code", "attempts"), [(503, RETRIES + 1), (404, 1)], ids=["5xx-retried", "4xx-at-once"]
)
async def test_a_failing_status_is_raised(case: Case, code: int, attempts: int) -> None:
    routes, sleep, error = await fail(case, status(code), HttpError)
    assert error.status == code
    assert len(routes.requests) == attempts
    assert len(sleep.delays) == attempts - 1


@every_client
@pytest.mark.parametrize("failure", [connect_error, timeout], ids=["connection-refused", "timeout"])
async def test_transport_failures_are_retried(case: Case, failure: Handler) -> None:
    sleep = FakeSleep()
    routes, result = await run(case, failure, body(case.ok), sleep=sleep)
    assert result
    assert len(routes.requests) == 2
    assert len(sleep.delays) == 1


@every_client
async def test_timeouts_that_persist_are_an_http_error(case: Case) -> None:
    routes, _, error = await fail(case, timeout, HttpError)
    assert "ReadTimeout" in str(error)
    assert len(routes.requests) == RETRIES + 1


@every_client
@pytest.mark.parametrize("kind", ["cut-off", "wrong-shape"])
async def test_a_malformed_body_is_not_retried(case: Case, kind: str) -> None:
    content = '{"data": [1, ' if kind == "cut-off" else case.wrong_shape
    routes, _, _ = await fail(case, body(content), MalformedMessage)
    assert len(routes.requests) == 1


@every_client
async def test_a_spent_budget_is_refused_without_a_request(case: Case) -> None:
    # X spends up to max_results (10) posts a call, the others 1 credit: room for exactly one call.
    budget = CreditBudget(case.name, 10 if case.name == "x" else 1, MemoryCache())
    routes = Routes().add(case.path, body(case.ok))
    async with case.client(routes, FakeSleep(), budget=budget) as client:
        await case.call(client)
        if case.name == "x":  # the recorded search returned 30 posts for max_results 10: nothing refunded
            assert await budget.used() == 10
        with pytest.raises(BudgetExhausted) as raised:
            await case.call(client)
    assert len(routes.requests) == 1
    assert (raised.value.provider, raised.value.limit) == (case.name, budget.limit)
    assert isinstance(raised.value, HttpError)


def test_every_client_is_covered() -> None:
    assert {case.name for case in CASES} == {
        "coingecko",
        "coinmarketcap",
        "defillama",
        "feargreed",
        "etherscan",
        "esplora",
        "reddit",
        "rss",
        "x",
        "binance",
    }
