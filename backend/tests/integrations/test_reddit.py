"""Reddit client against the recorded r/popular hot listing."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from app.integrations.parsing import MalformedMessage
from app.integrations.reddit import RedditClient
from tests.integrations.support import (
    FakeSleep,
    Routes,
    body,
    fixture_json,
    fixture_text,
    make_settings,
)

HOT = fixture_text("reddit", "r_popular_hot_limit100.json")
HOT_PATH = "/r/popular/hot.json"
AGENT = "cryptomon-test/1.0 (by u/someone)"


def reddit(routes: Routes, sleep: FakeSleep | None = None) -> RedditClient:
    sleep = sleep or FakeSleep()
    settings = make_settings(reddit_user_agent=AGENT)
    return RedditClient(settings, transport=routes.transport(), sleep=sleep, monotonic=sleep.monotonic)


async def test_hot_listing_becomes_posts() -> None:
    routes = Routes().add(HOT_PATH, body(HOT))
    async with reddit(routes) as client:
        posts = await client.listing("popular", limit=100)
    assert len(posts) == 100
    assert len({post.key for post in posts}) == 100
    first, last = posts[0], posts[-1]
    title = (
        "Ulberg on Jiri showing mercy: “That\u2019s bullshit, total bullshit. That\u2019s fear."
        " There was no mercy in there. He was full of fear, hesitation, and that\u2019s what got him"
        " clipped. I think he\u2019s a pretender...That was his excuse so that he could hopefully get a"
        " rematch. There is no way he gets that rematch.”"
    )
    assert (first.source, first.id, first.title, first.author, first.score, first.comments) == (
        "reddit",
        "1skjxta",
        title,
        "airplane231",
        546,
        495,
    )
    # A link post with a body: Reddit now lets link posts carry text too.
    assert first.text == title + "\n\nhttps://x.com/arielhelwani/status/2043757261882044451"
    assert (
        first.url
        == "https://www.reddit.com/r/MMA/comments/1skjxta/ulberg_on_jiri_showing_mercy_thats_bullshit_total/"
    )
    assert first.created == datetime(2026, 4, 13, 18, 44, 8, tzinfo=UTC).timestamp()
    assert (first.outlet, first.key) == ("r/MMA", "reddit:1skjxta")
    assert (last.id, last.title, last.score, last.comments, last.outlet) == (
        "1skbyfv",
        "Trump just posted an AI generated image of himself portraying as christ",
        3142,
        169,
        "r/whennews",
    )
    assert last.created == datetime(2026, 4, 13, 14, 9, 36, tzinfo=UTC).timestamp()
    # An image post: no body, the text is the title alone.
    assert posts[1].text == posts[1].title == 'A medium rare "steak."'
    selfpost = next(post for post in posts if post.id == "1sk894v")
    assert selfpost.text.startswith(
        "Demon Slayer Infinity Castle Isn\u2019t Available On Streaming Or Bluray 9 Months Later, And"
        " Isn\u2019t In Theatres So It\u2019s Not Available To Be Watched Anywhere\n\nThis is"
        " ridiculous the movie made $800 million"
    )
    request = routes.requests[0]
    assert request.url.host == "www.reddit.com"
    assert dict(request.url.params) == {"limit": "100", "raw_json": "1"}
    assert request.headers["User-Agent"] == AGENT


async def test_top_sends_the_period() -> None:
    routes = Routes().add("/r/CryptoCurrency/top.json", body(HOT))
    async with reddit(routes) as client:
        await client.listing("CryptoCurrency", "top", limit=10, t="week")
    assert dict(routes.requests[0].url.params) == {"limit": "10", "raw_json": "1", "t": "week"}


async def test_search_site_wide_and_in_a_subreddit() -> None:
    routes = Routes().add("/search.json", body(HOT)).add("/r/Bitcoin/search.json", body(HOT))
    async with reddit(routes) as client:
        everywhere = await client.search("bitcoin etf", limit=50)
        inside = await client.search("halving", "Bitcoin", sort="top", t="week")
    assert len(everywhere) == len(inside) == 100
    assert dict(routes.requests[0].url.params) == {
        "q": "bitcoin etf",
        "limit": "50",
        "sort": "new",
        "t": "day",
        "raw_json": "1",
    }
    assert routes.requests[1].url.path == "/r/Bitcoin/search.json"
    assert dict(routes.requests[1].url.params) == {
        "q": "halving",
        "limit": "25",
        "sort": "top",
        "t": "week",
        "raw_json": "1",
        "restrict_sr": "1",
    }


async def test_deleted_author_is_none() -> None:
    listing: dict[str, Any] = fixture_json("reddit", "r_popular_hot_limit100.json")
    listing["data"]["children"] = listing["data"]["children"][:1]
    listing["data"]["children"][0]["data"]["author"] = "[deleted]"
    routes = Routes().add(HOT_PATH, body(json.dumps(listing)))
    async with reddit(routes) as client:
        (post,) = await client.listing("popular")
    assert post.author is None


@pytest.mark.parametrize(
    "call",
    [
        {"subreddit": "a"},
        {"subreddit": "x" * 22},
        {"subreddit": "bad-name"},
        {"subreddit": "r/Bitcoin"},
        {"subreddit": "Bitcoin", "limit": 0},
        {"subreddit": "Bitcoin", "limit": 101},
        {"subreddit": "Bitcoin", "sort": "rising"},
        {"subreddit": "Bitcoin", "sort": "top", "t": "decade"},
    ],
)
async def test_bad_arguments_are_refused_before_any_request(call: dict[str, Any]) -> None:
    routes = Routes()
    async with reddit(routes) as client:
        with pytest.raises(ValueError):
            await client.listing(**call)
    assert routes.requests == []


@pytest.mark.parametrize(
    "call",
    [{"query": "  "}, {"query": "btc", "subreddit": "b!tcoin"}, {"query": "btc", "sort": "rising"}],
)
async def test_bad_search_arguments_are_refused(call: dict[str, Any]) -> None:
    routes = Routes()
    async with reddit(routes) as client:
        with pytest.raises(ValueError):
            await client.search(**call)
    assert routes.requests == []


@pytest.mark.parametrize(
    "raw",
    [
        "<!doctype html><html><body>whoa there, pardner!</body></html>",
        '{"kind": "Listing", "data": {"children": [{"kind": "t3", "data": {"id": "abc"}}]}}',
        '{"kind": "t3", "data": {}}',
    ],
)
async def test_malformed_body_raises(raw: str) -> None:
    routes = Routes().add(HOT_PATH, body(raw))
    async with reddit(routes) as client:
        with pytest.raises(MalformedMessage):
            await client.listing("popular")
