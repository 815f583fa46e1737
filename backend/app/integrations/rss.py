"""RSS and Atom news feeds (any host, parsed by feedparser) as posts."""

from __future__ import annotations

import asyncio
import calendar
import io
import logging
import re
from collections.abc import Sequence
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any, Final, NamedTuple, Unpack
from urllib.parse import urlsplit

import feedparser

from app.integrations.http import HttpClient, HttpError, HttpOptions
from app.integrations.parsing import MalformedMessage, wall_time
from app.integrations.posts import Post, join_text

if TYPE_CHECKING:
    from types import TracebackType
    from typing import Self

    from app.config import Settings

SOURCE: Final = "rss"
ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5"

log = logging.getLogger(__name__)

# An empty <dc:description/> after <description> replaces the summary with "" in feedparser (both map
# to `summary`, last one wins); CoinDesk's feed does exactly that. An empty element says nothing, so
# dropping it before parsing is safe.
_EMPTY_DESCRIPTION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?description\s*/>")
_HTML_TYPES = {"text/html", "application/xhtml+xml"}
_HIDDEN_TAGS = frozenset({"script", "style", "noscript", "template", "iframe", "object", "svg"})
_BLOCK_TAGS = frozenset(
    {"br", "p", "div", "li", "ul", "ol", "tr", "td", "th", "blockquote", "hr", "pre", "figure", "figcaption"}
    | {"h1", "h2", "h3", "h4", "h5", "h6", "section", "article"}
)


class FeedsResult(NamedTuple):
    """What `fetch_all` got: the posts of the feeds that answered, and why the others did not."""

    posts: list[Post]
    failures: list[tuple[str, Exception]]


class NewsFeeds:
    """The configured news feeds (`settings.news_feeds`), or any feed URL. Feeds live on many hosts:
    one HttpClient per host, so each host gets its own rate limit. A body over
    `settings.news_feed_max_bytes` is refused (ResponseTooLarge, an HttpError)."""

    def __init__(
        self, settings: Settings, feeds: Sequence[str] | None = None, **options: Unpack[HttpOptions]
    ) -> None:
        self.feeds = list(settings.news_feeds if feeds is None else feeds)
        self._timeout = settings.http_timeout_seconds
        self._interval = 60.0 / settings.rss_requests_per_minute
        self._max_bytes = settings.news_feed_max_bytes
        self._options = options
        self._hosts: dict[str, HttpClient] = {}

    async def fetch(self, url: str) -> list[Post]:
        """The entries of one feed; HttpError if it does not answer, MalformedMessage if it is no feed."""
        return (await self.fetch_checked(url)).posts

    async def fetch_checked(self, url: str) -> ParsedFeed:
        """`fetch`, and what was wrong with the document if its entries had to be recovered."""
        response = await self._http(url).get_response(url)
        return read_feed(response.content, url, content_type=response.headers.get("content-type"))

    async def fetch_all(self) -> FeedsResult:
        """Every configured feed at once; a feed that fails is reported, never raised."""
        results = await asyncio.gather(*(self._try(url) for url in self.feeds))
        posts = [post for result in results if isinstance(result, list) for post in result]
        failures = [(url, r) for url, r in zip(self.feeds, results, strict=True) if isinstance(r, Exception)]
        return FeedsResult(posts, failures)

    async def _try(self, url: str) -> list[Post] | Exception:
        try:
            return await self.fetch(url)
        except (HttpError, ValueError) as exc:  # ValueError: MalformedMessage, or a URL that is no http(s)
            log.warning("news feed %s: %s", url, exc)
            return exc

    def _http(self, url: str) -> HttpClient:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"not an http(s) feed URL: {url!r}")
        host = f"{parts.scheme}://{parts.netloc}"
        if host not in self._hosts:
            # base_url "" and absolute URLs: httpx leaves an absolute URL as it is.
            self._hosts[host] = HttpClient(
                "",
                timeout=self._timeout,
                headers={"Accept": ACCEPT},
                min_interval=self._interval,
                max_bytes=self._max_bytes,
                **self._options,
            )
        return self._hosts[host]

    async def aclose(self) -> None:
        hosts, self._hosts = list(self._hosts.values()), {}
        for http in hosts:
            await http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()


class ParsedFeed(NamedTuple):
    posts: list[Post]
    problem: str | None  # not well-formed: `posts` are what the lenient parser recovered


def parse_feed(content: bytes, url: str, *, content_type: str | None = None) -> list[Post]:
    """The entries of an RSS 0.9x/1.0/2.0 or Atom document as posts, in the feed's order; entries
    without a link are left out. MalformedMessage if `content` is not a feed."""
    return read_feed(content, url, content_type=content_type).posts


def read_feed(content: bytes, url: str, *, content_type: str | None = None) -> ParsedFeed:
    """`parse_feed`, with the reason when the document is not well-formed but entries could be recovered."""
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    try:
        # A BytesIO, never bytes or str: feedparser.parse opens a str that looks like a URL, and tries
        # any bytes or str as a local file name first.
        parsed = feedparser.parse(io.BytesIO(_EMPTY_DESCRIPTION.sub(b"", content)), response_headers=headers)
    except Exception as exc:  # feedparser reports bad input as `bozo`; anything it raises is bad input too
        raise MalformedMessage(f"GET {url}: feed parser failed: {exc}") from exc
    entries: list[Any] = parsed.entries
    problem = parsed.get("bozo_exception")
    # feedparser also flags harmless things (a missing or non-XML Content-Type, an encoding override).
    broken = problem is not None and not isinstance(problem, feedparser.ThingsNobodyCaresAboutButMe)
    if not entries and (broken or not parsed.get("version")):
        reason = problem if broken else "not an RSS or Atom document"
        raise MalformedMessage(f"GET {url}: {reason}; got {content[:120]!r}")
    if problem is not None:
        log.debug("feed %s parsed despite: %s", url, problem)
    outlet = _text(parsed.feed, "title") or None
    posts = [_post(entry, outlet) for entry in entries]
    return ParsedFeed([post for post in posts if post is not None], str(problem) if broken else None)


def _post(entry: Any, outlet: str | None) -> Post | None:
    link = str(entry.get("link") or "")
    if not link:
        return None  # nothing to link to, and often nothing to de-duplicate on either
    title = _text(entry, "title") or None
    when = entry.get("published_parsed") or entry.get("updated_parsed")
    author = str(entry.get("author") or "").strip()
    return Post(
        source=SOURCE,
        id=str(entry.get("id") or link),
        title=title,
        text=join_text(title, _text(entry, "summary")),
        url=link,
        author=author or None,
        # feedparser's struct_times are UTC; an undated entry is stamped when we first read it.
        created=float(calendar.timegm(when)) if when else wall_time(),
        outlet=outlet,
    )


def _text(element: Any, key: str) -> str:
    """A title or summary as plain text: HTML (per feedparser's `<key>_detail.type`) stripped of tags."""
    value = str(element.get(key) or "")
    detail = element.get(f"{key}_detail") or {}
    if detail.get("type") in _HTML_TYPES:
        return strip_html(value)
    return " ".join(value.split())


def strip_html(html: str) -> str:
    """The text of an HTML fragment: tags dropped (with everything inside <script>, <style> and the like),
    entities decoded, whitespace collapsed.

    >>> strip_html("<p>Bitcoin &amp; <b>ether</b></p><p>rally</p>")
    'Bitcoin & ether rally'
    >>> strip_html('Up<script>alert("x")</script> 5%<style>p {color: red}</style><img onerror=alert(1)>')
    'Up 5%'
    """
    stripper = _Stripper()
    stripper.feed(html)
    stripper.close()
    return " ".join("".join(stripper.parts).split())


class _Stripper(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0  # depth inside elements whose content is code or markup, never text

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")  # paragraphs must not run into each other

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")
