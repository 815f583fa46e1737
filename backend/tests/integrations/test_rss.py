"""News feed client against the recorded CoinDesk RSS feed and an inline Atom feed."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.core.clock import FrozenClock
from app.integrations.http import HttpError
from app.integrations.parsing import MalformedMessage
from app.integrations.rss import NewsFeeds, strip_html
from tests.integrations.support import (
    FakeSleep,
    Routes,
    body,
    fixture_text,
    make_settings,
    status,
)

COINDESK_URL = "https://www.coindesk.com/arc/outboundfeeds/rss"
COINDESK_PATH = "/arc/outboundfeeds/rss"
COINDESK = fixture_text("rss", "coindesk_arc_outboundfeeds_rss.xml")
RSS_TYPE = {"Content-Type": "application/rss+xml; charset=UTF-8"}

ATOM_URL = "https://news.example.org/feeds/atom.xml"
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title type="html">Example &amp;amp; Co</title>
  <id>urn:example:feed</id>
  <updated>2026-01-02T03:04:05Z</updated>
  <entry>
    <title type="html">&lt;b&gt;Bitcoin&lt;/b&gt; tops $100k &amp;amp; holds</title>
    <id>urn:uuid:6f1c7d0e-1b1e-4a53-9d63-1f0c2ad4c001</id>
    <link rel="alternate" href="https://news.example.org/2026/01/02/btc"/>
    <updated>2026-01-02T03:04:05+02:00</updated>
    <author><name>Jane Doe</name></author>
    <summary type="html">&lt;p&gt;Miners &amp;amp; &lt;a href="/etf"&gt;ETFs&lt;/a&gt;&lt;/p&gt;
      &lt;p&gt;both bought.&lt;/p&gt;</summary>
  </entry>
  <entry>
    <title>No id, only a link</title>
    <link href="https://news.example.org/2026/01/01/eth"/>
    <published>2026-01-01T00:00:00Z</published>
    <updated>2026-01-01T06:00:00Z</updated>
  </entry>
</feed>"""

COINDESK_TITLES = [
    "Circle and Tether step in to freeze hacker wallet after massive Bitget crypto heist",
    "Tokenization is moving faster than Washington",
    "Tether confirms minimal EQIBank exposure following $89M US asset seizure",
]


def feeds(routes: Routes, *urls: str, sleep: FakeSleep | None = None) -> NewsFeeds:
    sleep = sleep or FakeSleep()
    settings = make_settings(news_feeds=list(urls) or [COINDESK_URL])
    return NewsFeeds(settings, transport=routes.transport(), sleep=sleep, monotonic=sleep.monotonic)


async def test_coindesk_items_become_posts() -> None:
    routes = Routes().add(COINDESK_PATH, body(COINDESK, headers=RSS_TYPE))
    async with feeds(routes) as client:
        posts = await client.fetch(COINDESK_URL)
    assert [post.title for post in posts] == COINDESK_TITLES
    assert [post.id for post in posts] == [
        "a0b4a6ba-5569-4fef-940c-e402f9698d89",
        "4b1641e9-2454-46f5-841d-56cf7c985a35",
        "8c72534c-d321-4ff2-a9db-0d3ee8cc1a04",
    ]
    assert [post.author for post in posts] == ["Oliver Knight", "Andrew Cuomo", "Olivier Acuna"]
    assert [post.created for post in posts] == [
        datetime(2026, 9, 25, 14, 41, 53, tzinfo=UTC).timestamp(),
        datetime(2026, 9, 25, 14, 37, 32, tzinfo=UTC).timestamp(),
        datetime(2026, 9, 25, 14, 32, 48, tzinfo=UTC).timestamp(),
    ]
    first, last = posts[0], posts[-1]
    assert first.url == (
        "https://www.coindesk.com/markets/2026/09/25/"
        "circle-and-tether-step-in-to-freeze-hacker-wallet-after-massive-bitget-crypto-heist"
    )
    # The <description>, although an empty <dc:description/> follows it in every item.
    assert first.text == (
        "Circle and Tether step in to freeze hacker wallet after massive Bitget crypto heist\n\n"
        "The stablecoin issuer blacklisted a wallet holding about $318,000 in USDT and USDC. Most of the"
        " stolen funds sit in ether, which can't be frozen."
    )
    assert last.text.endswith("underscores lingering counterparty risks in fiat gateway networks.")
    assert {(post.source, post.outlet, post.score, post.comments) for post in posts} == {
        ("rss", "CoinDesk: Bitcoin, Ethereum, Crypto News and Price Data", None, None)
    }
    assert first.key == "rss:a0b4a6ba-5569-4fef-940c-e402f9698d89"
    request = routes.requests[0]
    assert str(request.url) == COINDESK_URL
    assert "application/rss+xml" in request.headers["Accept"]


async def test_atom_entries_are_plain_text_in_utc() -> None:
    routes = Routes().add("/feeds/atom.xml", body(ATOM, headers={"Content-Type": "application/atom+xml"}))
    async with feeds(routes) as client:
        first, second = await client.fetch(ATOM_URL)
    assert (first.id, first.title, first.author, first.outlet) == (
        "urn:uuid:6f1c7d0e-1b1e-4a53-9d63-1f0c2ad4c001",
        "Bitcoin tops $100k & holds",
        "Jane Doe",
        "Example & Co",
    )
    assert first.text == "Bitcoin tops $100k & holds\n\nMiners & ETFs both bought."
    assert first.url == "https://news.example.org/2026/01/02/btc"
    assert first.created == datetime(2026, 1, 2, 1, 4, 5, tzinfo=UTC).timestamp()
    # No <id>: the link stands in; <published> wins over <updated>.
    assert (second.id, second.url, second.text, second.author) == (
        "https://news.example.org/2026/01/01/eth",
        "https://news.example.org/2026/01/01/eth",
        "No id, only a link",
        None,
    )
    assert second.created == datetime(2026, 1, 1, tzinfo=UTC).timestamp()


async def test_undated_entry_is_stamped_now(clock: FrozenClock) -> None:
    rss = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Undated</title>'
        "<item><title>Hi</title><link>https://example.org/1</link></item>"
        '<item><title>No link, left out</title><guid isPermaLink="false">2</guid></item></channel></rss>'
    )
    routes = Routes().add("/undated.xml", body(rss))
    async with feeds(routes) as client:
        (post,) = await client.fetch("https://example.org/undated.xml")
    assert post.created == clock.now().timestamp()
    assert (post.id, post.text, post.outlet) == ("https://example.org/1", "Hi", "Undated")


async def test_a_feed_without_items_is_empty() -> None:
    rss = '<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title></channel></rss>'
    routes = Routes().add("/quiet.xml", body(rss))
    async with feeds(routes) as client:
        assert await client.fetch("https://example.org/quiet.xml") == []


@pytest.mark.parametrize(
    "raw",
    [
        b"\x00\x01 garbage {",
        b'{"data": []}',
        b"<!doctype html><html><head><title>Just a moment...</title></head><body></body></html>",
        b"",
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Cut off',
    ],
)
async def test_a_body_that_is_no_feed_is_malformed(raw: bytes) -> None:
    routes = Routes().add(COINDESK_PATH, body(raw))
    async with feeds(routes) as client:
        with pytest.raises(MalformedMessage, match="outboundfeeds"):
            await client.fetch(COINDESK_URL)


async def test_a_cut_off_feed_keeps_its_complete_items() -> None:
    cut = COINDESK[: COINDESK.index("<item>", COINDESK.index("</item>"))]
    routes = Routes().add(COINDESK_PATH, body(cut))
    async with feeds(routes) as client:
        posts = await client.fetch(COINDESK_URL)
    assert [post.title for post in posts] == COINDESK_TITLES[:1]


async def test_a_body_naming_a_local_file_is_not_read(tmp_path: Path) -> None:
    # feedparser.parse(bytes) would open this path and parse the file it names.
    local = tmp_path / "feed.xml"
    local.write_text(COINDESK)
    routes = Routes().add(COINDESK_PATH, body(str(local).encode()))
    async with feeds(routes) as client:
        with pytest.raises(MalformedMessage):
            await client.fetch(COINDESK_URL)


async def test_fetch_all_reports_failing_feeds_without_raising() -> None:
    urls = [
        COINDESK_URL,
        "https://down.example.net/rss",
        "https://junk.example.com/feed",
        "ftp://files.example.com/feed.xml",
        ATOM_URL,
    ]
    routes = (
        Routes()
        .add(COINDESK_PATH, body(COINDESK))
        .add("/rss", status(404))
        .add("/feed", body("not a feed"))
        .add("/feeds/atom.xml", body(ATOM))
    )
    async with feeds(routes, *urls) as client:
        result = await client.fetch_all()
    assert [post.title for post in result.posts] == [
        *COINDESK_TITLES,
        "Bitcoin tops $100k & holds",
        "No id, only a link",
    ]
    assert [url for url, _ in result.failures] == urls[1:4]
    (_, down), (_, junk), (_, ftp) = result.failures
    assert isinstance(down, HttpError) and down.status == 404
    assert isinstance(junk, MalformedMessage)
    assert type(ftp) is ValueError
    # One client per host, so one host's rate limit does not delay another.
    assert {request.url.host for request in routes.requests} == {
        "www.coindesk.com",
        "down.example.net",
        "junk.example.com",
        "news.example.org",
    }


async def test_fetch_all_reads_the_configured_feeds() -> None:
    routes = Routes().add(COINDESK_PATH, body(COINDESK))
    async with feeds(routes) as client:
        result = await client.fetch_all()
    assert (len(result.posts), result.failures) == (3, [])


async def test_only_http_urls_are_fetched() -> None:
    async with feeds(Routes()) as client:
        with pytest.raises(ValueError):
            await client.fetch("file:///etc/passwd")


def test_strip_html() -> None:
    assert strip_html("<p>Bitcoin &amp; <b>eth</b>er</p><p>rally&nbsp;&#8217;26</p><br/>") == (
        "Bitcoin & ether rally \u201926"
    )
