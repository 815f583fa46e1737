"""A story as stored: sanitised plain text, and the normalised URL and title that de-duplicate it."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from app.integrations.rss import strip_html

MAX_TITLE = 500
MAX_SUMMARY = 500
SAME_STORY_JACCARD = 0.9
SAME_STORY_WINDOW = timedelta(hours=48)
# Query parameters that only say where a click came from.
_TRACKING = re.compile(r"^(utm_.*|fbclid|gclid|mc_cid|mc_eid|igshid|ref|ref_src|cmpid|ocid)$", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+")


def plain(text: str | None, limit: int) -> str:
    """Text fit to store and show: tags dropped (script and style content with them), entities decoded,
    whitespace collapsed, at most `limit` characters (an ellipsis marks a cut).

    >>> plain('<b>BTC</b> &amp; ETH<script>steal()</script> <img src=x onerror="alert(1)">up', 500)
    'BTC & ETH up'
    >>> plain("one two three", 8)
    'one two…'
    """
    cleaned = strip_html(text or "")
    if len(cleaned) <= limit:
        return cleaned
    return cleaned[: limit - 1].rstrip() + "…"


def web_url(url: str) -> str | None:
    """The URL when it is an absolute http(s) one; None otherwise (javascript:, data:, relative, garbage).

    >>> web_url(" https://example.com/a "), web_url("javascript:alert(1)"), web_url("data:text/html,x")
    ('https://example.com/a', None, None)
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        return None
    return url


def without_tracking(url: str) -> str:
    """The URL to link to: the same page without tracking parameters (utm_*, fbclid, ...).

    >>> without_tracking("https://www.theblock.co/post/1/x?utm_source=rss&utm_medium=rss")
    'https://www.theblock.co/post/1/x'
    """
    parts = urlsplit(url.strip())
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)]
    )
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def normal_url(url: str) -> str:
    """The URL that identifies a story: scheme and host lower-cased, tracking parameters (utm_*, fbclid,
    ...) and the fragment dropped, no trailing slash.

    >>> normal_url("HTTPS://CoinTelegraph.com/news/x/?utm_source=rss_feed&id=2#top")
    'https://cointelegraph.com/news/x?id=2'
    """
    parts = urlsplit(url.strip())
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)]
    )
    path = parts.path.rstrip("/")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, query, ""))


def normal_title(title: str) -> str:
    """A title reduced to its words: lower case, punctuation and whitespace collapsed.

    >>> normal_title("  Bitcoin Wobbles at $92K — as Trader Eyes   'End'! ")
    'bitcoin wobbles at 92k as trader eyes end'
    """
    return " ".join(_WORD.findall(title.lower()))


def key(text: str) -> str:
    """The stored key of a normalised URL or title: its SHA-256, hex."""
    return hashlib.sha256(text.encode()).hexdigest()


def jaccard(a: str, b: str) -> float:
    """The token-set Jaccard similarity of two normalised titles: words shared over words in either.

    >>> jaccard("tether offers to buy juventus", "tether offers to buy juventus club")
    0.8333333333333334
    """
    left, right = set(a.split()), set(b.split())
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


def same_story(title: str, published: datetime, other_title: str, other_published: datetime) -> bool:
    """Two normalised titles are one story when they are equal, or when their token sets overlap by a
    Jaccard of 0.9 or more and they were published within 48 hours of each other."""
    if title == other_title:
        return True
    close = abs(published - other_published) <= SAME_STORY_WINDOW
    return close and jaccard(title, other_title) >= SAME_STORY_JACCARD
