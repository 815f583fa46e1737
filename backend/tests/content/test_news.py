"""GET /api/content/news on both deployments: first use reads the bundled recordings (snapshot items, tagged
and scored), a second refresh adds nothing, relevance follows holdings, the symbol and q filters."""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from app.analysis import service as analysis_service
from app.config import Settings
from app.content import news
from app.content.models import NewsItem
from app.users import service as user_service
from tests.conftest import Account, assert_error, make_admin, register
from tests.reports.conftest import app_of

ROUTE = "/api/content/news"


async def _news(client: httpx.AsyncClient, account: Account, **params: Any) -> dict[str, Any]:
    response = await client.get(ROUTE, params=params, headers=account.headers)
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()["data"]
    return page


async def _stored(client: httpx.AsyncClient) -> int:
    async with app_of(client).state.runtime.db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(NewsItem)) or 0)


@pytest.fixture
async def admin(settings: Settings, client: httpx.AsyncClient) -> Account:
    account = await register(client)
    await make_admin(settings, account.id)
    return account


async def test_first_read_stores_the_bundled_feeds_tagged_scored_and_marked_snapshot(
    client: httpx.AsyncClient, admin: Account
) -> None:
    reader = await register(client)
    page = await _news(client, reader, limit=100)
    items = page["items"]
    assert page["snapshot"] is True and page["asOf"].endswith("Z")
    assert page["count"] == await _stored(client) and page["count"] > 60 and len(items) == 100
    assert all(item["snapshot"] is True and item["provider"] in ("rss", "reddit") for item in items)
    outlets = Counter(item["source"] for item in items)
    assert {"Cointelegraph", "Decrypt", "The Block"} <= set(outlets)
    assert list(items[0]) == [
        *("id", "title", "source", "relevanceScore", "url", "summary", "publishedAt", "symbols", "sentiment"),
        *("sentimentLabel", "provider", "snapshot", "fetchedAt"),
    ]
    for item in items:
        assert 0 <= item["relevanceScore"] <= 1
        assert 0 <= item["sentiment"] <= 1 and item["sentimentLabel"] in ("BULLISH", "BEARISH", "NEUTRAL")
        assert item["url"].startswith("https://") and "utm_" not in item["url"]
        assert "<" not in item["title"] and "<" not in item["summary"] and len(item["summary"]) <= 500
    tagged = {s for item in items for s in item["symbols"]}
    assert {"BTC-USD", "ETH-USD", "XRP-USD", "USDT"} <= tagged
    ether = next(i for i in items if i["title"].startswith("Ether price rallied 260%"))
    assert ether["symbols"] == ["ETH-USD"] and ether["source"] == "Cointelegraph"

    # The next run reads the same recordings and stores nothing more.
    again = await client.post("/api/content/feeds/refresh", headers=admin.headers)
    assert again.status_code == 200, again.text
    run = again.json()["data"]
    assert run["added"] == 0 and run["fetched"] > 100 and run["feeds"] == 5 and run["failed"] == []
    assert await _stored(client) == page["count"]

    feeds = (await client.get("/api/content/feeds", headers=admin.headers)).json()["data"]["feeds"]
    read = {f["title"]: f for f in feeds if f["lastFetchedAt"] is not None}
    assert set(read) == {"CoinDesk", "Cointelegraph", "Decrypt", "The Block"}
    assert read["CoinDesk"]["lastItems"] == 3 and read["CoinDesk"]["lastError"] is None


async def test_a_holder_of_ether_sees_ether_stories_first(client: httpx.AsyncClient) -> None:
    holder = await register(client)
    portfolio = await client.post(
        "/api/portfolios", json={"userId": holder.id, "name": "Mine"}, headers=holder.headers
    )
    assert portfolio.status_code == 201, portfolio.text
    position = {"symbol": "ETH-USD", "quantity": 2, "entryPrice": 2000, "entryDate": "2025-01-02T00:00:00Z"}
    added = await client.post(
        f"/api/portfolios/{portfolio.json()['data']['portfolioId']}/positions",
        json=position,
        headers=holder.headers,
    )
    assert added.status_code == 201, added.text
    stranger = await register(client)

    mine = (await _news(client, holder, limit=100))["items"]
    tagged = [i["symbols"] for i in mine]
    first_other = next(n for n, symbols in enumerate(tagged) if "ETH-USD" not in symbols)
    assert first_other > 0 and all("ETH-USD" not in s for s in tagged[first_other:])
    assert all(i["relevanceScore"] >= 0.5 for i in mine[:first_other])
    scores = [i["relevanceScore"] for i in mine]
    assert scores == sorted(scores, reverse=True)

    theirs = {i["id"]: i["relevanceScore"] for i in (await _news(client, stranger, limit=100))["items"]}
    assert all(theirs[i["id"]] < i["relevanceScore"] for i in mine[:first_other] if i["id"] in theirs)


async def test_symbol_and_words_filter_and_recent_sort(client: httpx.AsyncClient) -> None:
    reader = await register(client)
    ether = await _news(client, reader, symbol="eth-usd", limit=100)
    assert ether["count"] == len(ether["items"]) > 0
    assert all("ETH-USD" in i["symbols"] for i in ether["items"])

    words = await _news(client, reader, q="Tether JUVENTUS")
    assert words["count"] >= 1
    for item in words["items"]:
        text = (item["title"] + " " + item["summary"]).lower()
        assert "tether" in text and "juventus" in text

    recent = (await _news(client, reader, sort="recent", limit=50))["items"]
    stamps = [i["publishedAt"] for i in recent]
    assert stamps == sorted(stamps, reverse=True)
    second = (await _news(client, reader, sort="recent", limit=10, offset=10))["items"]
    assert [i["id"] for i in second] == [i["id"] for i in recent[10:20]]

    assert (await _news(client, reader, q="no-such-word-anywhere"))["count"] == 0
    unknown = await client.get(ROUTE, params={"symbol": "NOPE-USD"}, headers=reader.headers)
    assert assert_error(unknown, 400, "INVALID_SYMBOL")["field"] == "symbol"
    assert_error(
        await client.get(ROUTE, params={"limit": 0}, headers=reader.headers), 422, "VALIDATION_ERROR"
    )
    assert_error(await client.get(ROUTE), 401, "UNAUTHORIZED")


async def test_the_digest_gets_the_most_relevant_stories_scored_by_the_analysis_analyser(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    reader = await register(client)
    patched = await client.patch(
        "/api/users/me", json={"preferences": {"watchlist": ["XRP-USD"]}}, headers=reader.headers
    )
    assert patched.status_code == 200, patched.text
    runtime = app_of(client).state.runtime
    async with runtime.db.session() as session:
        top = await news.for_user(runtime, session, await user_service.get_user(session, reader.id), limit=3)
    assert len(top) == 3 and all("XRP-USD" in item.symbols for item in top)
    assert [i.relevance_score for i in top] == sorted((i.relevance_score for i in top), reverse=True)
    [expected], analyser = await analysis_service.score_texts(settings, [f"{top[0].title}\n{top[0].summary}"])
    assert analyser == "VADER_CRYPTO" and top[0].sentiment == round(expected.score, 4)
    assert top[0].sentiment_label == expected.label
