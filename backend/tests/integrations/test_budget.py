"""Credit budgets: counting in both caches, refusal without a request, calendar rollover, per-call costs."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest

from app.core.cache import Cache, MemoryCache, RedisCache
from app.core.clock import FrozenClock
from app.integrations.budget import BudgetExhausted, CreditBudget, budget_for
from app.integrations.coinmarketcap import CoinMarketCapClient
from app.integrations.x import XClient
from tests.conftest import REDIS_URL, _flush_redis_namespace
from tests.integrations.support import FakeSleep, Routes, body, fixture_text, make_settings

NOV_13 = datetime(2025, 11, 13, 12, 0, tzinfo=UTC)  # FrozenClock's start
QUOTES = fixture_text("coinmarketcap", "v1_cryptocurrency_quotes_latest.json")
QUOTES_PATH = "/v1/cryptocurrency/quotes/latest"


@pytest.fixture(params=["memory", "redis"])
async def cache(request: pytest.FixtureRequest, clock: FrozenClock) -> AsyncIterator[Cache]:
    """Each cache implementation; the Redis one in a namespace of its own, removed afterwards."""
    if request.param == "memory":
        yield MemoryCache()
        return
    namespace = f"cmtest-budget-{uuid.uuid4().hex[:8]}"
    redis = RedisCache(REDIS_URL, namespace)
    try:
        yield redis
    finally:
        await redis.close()
        _flush_redis_namespace(namespace)


async def test_a_counter_takes_an_amount_and_gives_it_back(cache: Cache) -> None:
    assert await cache.incr("credits", ttl=60, amount=3) == 3
    assert await cache.incr("credits", ttl=60, amount=-1) == 2
    assert await cache.incr("credits", ttl=60) == 3
    assert await cache.get("credits") == 3


async def test_spending_counts_until_the_limit_then_refuses(cache: Cache) -> None:
    budget = CreditBudget("coingecko", 3, cache)
    assert await budget.spend(2) == 2
    assert await budget.spend() == 3
    with pytest.raises(BudgetExhausted) as raised:
        await budget.spend()
    error = raised.value
    assert (error.provider, error.used, error.limit) == ("coingecko", 3, 3)
    assert error.resets_at == datetime(2025, 12, 1, tzinfo=UTC)
    assert error.retry_after == (error.resets_at - NOV_13).total_seconds()
    assert "2025-12-01T00:00:00Z" in str(error)
    assert await budget.used() == 3  # a refused call costs nothing
    assert budget.key() == "integrations:credits:coingecko:2025-11"


async def test_a_call_too_large_for_what_is_left_is_refused_but_a_smaller_one_fits(cache: Cache) -> None:
    budget = CreditBudget("coinmarketcap", 5, cache)
    await budget.spend(3)
    with pytest.raises(BudgetExhausted):
        await budget.spend(3)
    assert await budget.spend(2) == 5


async def test_every_holder_of_the_cache_shares_one_allowance(cache: Cache) -> None:
    # Two clients (or two processes on one Redis) draw on the same count.
    first, second = CreditBudget("x", 2, cache), CreditBudget("x", 2, cache)
    await first.spend()
    await second.spend()
    with pytest.raises(BudgetExhausted):
        await first.spend()


async def test_a_new_month_starts_a_new_allowance(cache: Cache, clock: FrozenClock) -> None:
    budget = CreditBudget("coingecko", 1, cache)
    clock.set(datetime(2025, 11, 30, 23, 59, 59, tzinfo=UTC))
    await budget.spend()
    with pytest.raises(BudgetExhausted):
        await budget.spend()
    clock.set(datetime(2025, 12, 1, tzinfo=UTC))
    assert await budget.spend() == 1
    assert budget.key() == "integrations:credits:coingecko:2025-12"


async def test_the_december_allowance_resets_in_january(cache: Cache, clock: FrozenClock) -> None:
    clock.set(datetime(2025, 12, 31, 12, 0, tzinfo=UTC))
    budget = CreditBudget("coinmarketcap", 1, cache)
    await budget.spend()
    with pytest.raises(BudgetExhausted) as raised:
        await budget.spend()
    assert raised.value.resets_at == datetime(2026, 1, 1, tzinfo=UTC)


async def test_a_daily_allowance_resets_at_midnight_utc(cache: Cache, clock: FrozenClock) -> None:
    budget = CreditBudget("etherscan", 2, cache, period="day")
    await budget.spend(2)
    with pytest.raises(BudgetExhausted) as raised:
        await budget.spend()
    assert raised.value.resets_at == datetime(2025, 11, 14, tzinfo=UTC)
    clock.set(datetime(2025, 11, 14, tzinfo=UTC))
    assert await budget.spend() == 1
    assert budget.key() == "integrations:credits:etherscan:2025-11-14"


async def test_a_zero_limit_counts_nothing(cache: Cache) -> None:
    budget = CreditBudget("defillama", 0, cache)
    assert await budget.spend(1000) == 0
    assert await budget.used() == 0


def test_settings_give_each_provider_its_free_tier() -> None:
    settings, cache = make_settings(), MemoryCache()
    limits = {}
    for provider in ("coingecko", "coinmarketcap", "etherscan", "x"):
        budget = budget_for(provider, settings, cache)
        assert budget is not None
        limits[provider] = (budget.limit, budget.period)
    assert limits == {
        "coingecko": (10_000, "month"),
        "coinmarketcap": (10_000, "month"),
        "etherscan": (100_000, "day"),
        "x": (10_000, "month"),
    }
    for provider in ("defillama", "feargreed", "esplora", "reddit", "rss"):
        assert budget_for(provider, settings, cache) is None  # 0: unlimited
    assert budget_for("reddit", make_settings(reddit_monthly_credits=50), cache) is not None


def cmc(routes: Routes, budget: CreditBudget) -> CoinMarketCapClient:
    settings = make_settings(coinmarketcap_api_key="k")
    return CoinMarketCapClient(settings, transport=routes.transport(), sleep=FakeSleep(), budget=budget)


async def test_cmc_quotes_cost_one_credit_per_hundred_coins(cache: Cache) -> None:
    budget = CreditBudget("coinmarketcap", 10_000, cache)
    routes = Routes().add(QUOTES_PATH, body(QUOTES))
    async with cmc(routes, budget) as client:
        spent = []
        for count in (1, 100, 101, 250):
            await client.quotes({i: f"C{i}-USD" for i in range(1, count + 1)})
            spent.append(await budget.used())
    assert spent == [1, 2, 4, 7]
    assert len(routes.requests) == 4


async def test_cmc_quotes_that_do_not_fit_send_no_request(cache: Cache) -> None:
    budget = CreditBudget("coinmarketcap", 2, cache)
    routes = Routes().add(QUOTES_PATH, body(QUOTES))
    async with cmc(routes, budget) as client:
        with pytest.raises(BudgetExhausted) as raised:
            await client.quotes({i: f"C{i}-USD" for i in range(1, 202)})  # 3 credits
        assert routes.requests == []
        await client.quotes({1: "BTC-USD", 2: "LTC-USD"})  # 1 credit still fits
    assert (raised.value.used, raised.value.limit) == (0, 2)
    assert await budget.used() == 1


async def test_x_gives_back_the_posts_it_did_not_get(cache: Cache) -> None:
    # X caps posts read, not calls: a search spends its max_results, then refunds what did not come.
    budget = CreditBudget("x", 60, cache)
    routes = Routes().add("/2/tweets/search/recent", body('{"meta":{"result_count":0}}'))
    settings = make_settings(x_bearer_token="x-token")
    async with XClient(settings, transport=routes.transport(), sleep=FakeSleep(), budget=budget) as client:
        assert await client.recent_search("btc", max_results=50) == []
        assert await budget.used() == 0
        with pytest.raises(BudgetExhausted):
            await client.recent_search("btc", max_results=100)
    assert len(routes.requests) == 1


async def test_without_a_budget_nothing_is_counted() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, text=QUOTES)

    settings = make_settings(coinmarketcap_api_key="k")
    transport = httpx.MockTransport(answer)
    async with CoinMarketCapClient(settings, transport=transport, sleep=FakeSleep()) as client:
        for _ in range(3):
            await client.quotes({1: "BTC-USD"})
    assert len(seen) == 3
