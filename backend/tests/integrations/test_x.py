"""X recent-search client against recorded /2/tweets/search/recent responses."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.core.clock import FrozenClock
from app.integrations.http import HttpError
from app.integrations.parsing import MalformedMessage
from app.integrations.x import XClient, snowflake_time
from tests.integrations.support import (
    FakeSleep,
    Routes,
    body,
    fixture_json,
    fixture_text,
    make_settings,
    status,
)

PATH = "/2/tweets/search/recent"
MARKET = fixture_text("x", "v2_tweets_search_recent_market_max30_2025-12-08.json")
RECORDED = fixture_json("x", "v2_tweets_search_recent_market_max30_2025-12-08.json")
TWEEPY = fixture_text("x", "v2_tweets_search_recent_query_Tweepy_tweepy.json")
TOO_MANY = '{"title":"Too Many Requests","detail":"Too Many Requests","type":"about:blank","status":429}'


def x(routes: Routes, sleep: FakeSleep | None = None) -> XClient:
    sleep = sleep or FakeSleep()
    settings = make_settings(x_bearer_token="x-token")
    return XClient(settings, transport=routes.transport(), sleep=sleep, monotonic=sleep.monotonic)


async def test_search_with_fields_becomes_posts() -> None:
    routes = Routes().add(PATH, body(MARKET))
    async with x(routes) as client:
        posts = await client.recent_search("market lang:en -is:retweet", max_results=30)
    assert len(posts) == 30
    first, last = posts[0], posts[-1]
    assert (first.source, first.id, first.title, first.author, first.score, first.comments) == (
        "x",
        "1998075536321470678",
        None,
        "34145180",
        0,
        0,
    )
    assert first.text == RECORDED["data"][0]["text"]  # nothing escaped in this one: as sent
    assert first.created == datetime(2025, 12, 8, 17, 1, 44, tzinfo=UTC).timestamp()
    assert (first.url, first.key) == (
        "https://x.com/i/web/status/1998075536321470678",
        "x:1998075536321470678",
    )
    assert (last.id, last.author, last.created) == (
        "1998075511684366487",
        "1845410035670843392",
        datetime(2025, 12, 8, 17, 1, 39, tzinfo=UTC).timestamp(),
    )
    by_id = {post.id: post for post in posts}
    assert (by_id["1998075527643718053"].score, by_id["1998075527643718053"].comments) == (9, 9)
    assert by_id["1998075525831753917"].text.startswith("🐂 BULL MARKET:\nSolana $135.55 (+3.02%)")
    # X sends &, < and > as entities; the post carries the text as written.
    assert by_id["1998075532639101339"].text.startswith("@nypost Because it is free & might I ask")
    request = routes.requests[0]
    assert request.headers["Authorization"] == "Bearer x-token"
    assert dict(request.url.params) == {
        "query": "market lang:en -is:retweet",
        "max_results": "30",
        "tweet.fields": "created_at,public_metrics,author_id,lang",
    }


async def test_default_fields_only_dates_from_the_id() -> None:
    # Recorded without tweet.fields: no created_at, author or metrics.
    routes = Routes().add(PATH, body(TWEEPY))
    async with x(routes) as client:
        posts = await client.recent_search("Tweepy")
    assert len(posts) == 10
    first, last = posts[0], posts[-1]
    assert (first.id, first.text, first.author, first.score, first.comments) == (
        "1578516068309794817",
        "2022-10-07 22:42:12.637103 tweepy",
        None,
        None,
        None,
    )
    assert first.created == datetime(2022, 10, 7, 22, 42, 12, 752000, tzinfo=UTC).timestamp()
    assert (last.id, last.text) == ("1578511538419212288", "2022-10-07 22:24:12.640234 tweepy")
    assert last.created == snowflake_time("1578511538419212288")


async def test_since_is_the_start_time() -> None:
    routes = Routes().add(PATH, body(MARKET))
    async with x(routes) as client:
        await client.recent_search("bitcoin", since=datetime(2025, 12, 8, 16, 0, 30, tzinfo=UTC).timestamp())
    assert routes.requests[0].url.params["start_time"] == "2025-12-08T16:00:30Z"


async def test_no_results_is_empty() -> None:
    # What X sends when nothing matched: meta only, no "data" key.
    routes = Routes().add(PATH, body('{"meta":{"result_count":0}}'))
    async with x(routes) as client:
        assert await client.recent_search("nothing matches this") == []


def test_a_bearer_token_is_required() -> None:
    with pytest.raises(ValueError, match="CRYPTOMON_X_BEARER_TOKEN"):
        XClient(make_settings())


@pytest.mark.parametrize("max_results", [0, 9, 101])
async def test_max_results_outside_10_to_100_is_refused(max_results: int) -> None:
    routes = Routes()
    async with x(routes) as client:
        with pytest.raises(ValueError, match="max_results"):
            await client.recent_search("btc", max_results=max_results)
        with pytest.raises(ValueError):
            await client.recent_search(" ")
    assert routes.requests == []


async def test_429_window_reopening_soon_is_waited_out(clock: FrozenClock) -> None:
    sleep = FakeSleep()
    reset = str(int(clock.now().timestamp()) + 42)
    routes = Routes().add(PATH, status(429, {"x-rate-limit-reset": reset}, TOO_MANY), body(MARKET))
    async with x(routes, sleep) as client:
        assert len(await client.recent_search("btc")) == 30
    assert sleep.delays == [42.0]


async def test_429_window_reopening_late_is_raised_with_the_wait(clock: FrozenClock) -> None:
    sleep = FakeSleep()
    reset = str(int(clock.now().timestamp()) + 900)
    routes = Routes().add(PATH, status(429, {"x-rate-limit-reset": reset}, TOO_MANY))
    async with x(routes, sleep) as client:
        with pytest.raises(HttpError) as raised:
            await client.recent_search("btc")
    assert (raised.value.status, raised.value.retry_after) == (429, 900.0)
    assert (len(routes.requests), sleep.delays) == (1, [])


@pytest.mark.parametrize(
    "raw",
    [
        "<html>Service Unavailable</html>",
        '{"data":[{"id":"1","text":"hi"}]}',  # no meta
        '{"data":[{"id":"1"}],"meta":{"result_count":1}}',  # no text
    ],
)
async def test_malformed_body_raises(raw: str) -> None:
    routes = Routes().add(PATH, body(raw))
    async with x(routes) as client:
        with pytest.raises(MalformedMessage):
            await client.recent_search("btc")
