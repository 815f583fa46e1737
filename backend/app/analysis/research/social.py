"""Sentiment of an asset: the posts that mention it (news feeds, Reddit, X), each scored, and Fear & Greed."""

from __future__ import annotations

import asyncio
import re
from dataclasses import asdict
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from app.analysis.research.provenance import Findings, Origin
from app.analysis.research.providers import NAMES, Providers, Unavailable
from app.integrations.feargreed import FearGreedClient
from app.integrations.reddit import RedditClient
from app.integrations.x import XClient
from app.quant.sentiment.labels import label_of
from app.quant.sentiment.vader import vader

if TYPE_CHECKING:
    from app.market.service import Asset

SUBREDDIT = "CryptoCurrency"
POSTS_SHOWN = 50
_URLS = re.compile(r"https?://\S+")
_SPACE = re.compile(r"\s+")


def mentions(asset: Asset) -> re.Pattern[str]:
    """The asset's name (any case) or its ticker as a word; tickers shorter than three letters are left out
    (too many false hits: "OP", "S")."""
    words = [re.escape(asset.name.lower())]
    if len(asset.base) >= 3:
        words.append(re.escape(asset.base.lower()))
    return re.compile(rf"(?<![\w$])\$?(?:{'|'.join(words)})(?!\w)", re.IGNORECASE)


def _fingerprint(post: dict[str, Any]) -> str:
    """Same story, different source: the normalised title (or text) without links."""
    text = post["title"] or post["text"]
    return _SPACE.sub(" ", _URLS.sub("", text.lower())).strip()[:200]


def dedupe(posts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One post per URL and per normalised title, the earliest kept."""
    seen_urls: set[str] = set()
    seen_texts: set[str] = set()
    kept = []
    for post in sorted(posts, key=lambda p: p["created"]):
        fingerprint = _fingerprint(post)
        if post["url"] in seen_urls or fingerprint in seen_texts:
            continue
        seen_urls.add(post["url"])
        seen_texts.add(fingerprint)
        kept.append(post)
    return kept


async def _news(providers: Providers) -> tuple[list[dict[str, Any]], Origin]:
    async def call() -> tuple[list[dict[str, Any]], float | None]:
        async with providers.feeds() as feeds:
            result = await feeds.fetch_all()
        if not result.posts and result.failures:
            raise Unavailable("rss", f"no feed answered: {result.failures[0][1]}")
        return [asdict(p) for p in result.posts], None

    return await providers.fetch("rss", "feeds", call)


def _reddit_period(seconds: float) -> str:
    for name, span in (("day", 86400), ("week", 7 * 86400), ("month", 31 * 86400)):
        if seconds <= span:
            return name
    return "year"


async def _reddit(providers: Providers, asset: Asset, span: float) -> tuple[list[dict[str, Any]], Origin]:
    period = _reddit_period(span)

    async def call() -> tuple[list[dict[str, Any]], float | None]:
        async with providers.client("reddit") as client:
            assert isinstance(client, RedditClient)
            found = await client.search(
                f'"{asset.name}" OR {asset.base}',
                SUBREDDIT,
                limit=100,
                sort="new",
                t=period,  # type: ignore[arg-type]
            )
        return [asdict(p) for p in found], None

    return await providers.fetch("reddit", f"search:{asset.base}:{period}", call)


async def _x(providers: Providers, asset: Asset) -> tuple[list[dict[str, Any]], Origin]:
    async def call() -> tuple[list[dict[str, Any]], float | None]:
        async with providers.client("x") as client:
            assert isinstance(client, XClient)
            found = await client.recent_search(f'("{asset.name}" OR ${asset.base}) -is:retweet', 100)
        return [asdict(p) for p in found], None

    return await providers.fetch("x", f"search:{asset.base}", call)


async def fear_greed(providers: Providers, days: int) -> tuple[list[dict[str, Any]], Origin]:
    """Daily readings, newest first: {ts, value, classification}."""

    async def call() -> tuple[list[dict[str, Any]], float | None]:
        async with providers.client("feargreed") as client:
            assert isinstance(client, FearGreedClient)
            readings = await client.readings(max(1, days))
        if not readings:
            raise Unavailable("feargreed", "alternative.me returned no readings")
        return [asdict(r) for r in readings], float(readings[0].ts)

    return await providers.fetch("feargreed", f"fng:{days}", call)


async def posts(
    providers: Providers, asset: Asset, start: float, end: float
) -> tuple[list[dict[str, Any]], dict[str, Origin], list[Unavailable]]:
    """The de-duplicated posts mentioning the asset, each scored, newest first; in snapshot mode each
    source's window ends when it was recorded."""
    span = end - start
    fetches = {"rss": _news(providers), "reddit": _reddit(providers, asset, span), "x": _x(providers, asset)}
    results = dict(zip(fetches, await asyncio.gather(*fetches.values(), return_exceptions=True), strict=True))
    pattern = mentions(asset)
    matched: list[dict[str, Any]] = []
    origins: dict[str, Origin] = {}
    failures: list[Unavailable] = []
    for source, result in results.items():
        if isinstance(result, Unavailable):
            failures.append(result)
            continue
        if isinstance(result, BaseException):
            raise result
        found, origin = result
        origins[source] = origin
        window_end = end if providers.live else origin.as_of
        matched += [
            p
            for p in found
            if window_end - span <= p["created"] <= window_end and pattern.search(p["text"] or "")
        ]
    kept = dedupe(matched)
    scores = vader(crypto=True).score([p["text"] for p in kept])
    scored = [
        {
            "source": p["source"],
            "outlet": p["outlet"],
            "title": p["title"],
            "text": p["text"][:500],
            "url": p["url"],
            "author": p["author"],
            "publishedAt": datetime.fromtimestamp(p["created"], UTC),
            "score": round(s.score, 4),
            "label": s.label,
        }
        for p, s in zip(kept, scores, strict=True)
    ]
    return sorted(scored, key=lambda p: p["publishedAt"], reverse=True), origins, failures


def daily(posts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The mean score of the posts of each UTC day, oldest first."""
    days: dict[str, list[float]] = {}
    for post in posts:
        days.setdefault(post["publishedAt"].date().isoformat(), []).append(post["score"])
    return [
        {"date": day, "score": round(sum(scores) / len(scores), 4), "posts": len(scores)}
        for day, scores in sorted(days.items())
    ]


async def gather(providers: Providers, asset: Asset, start: float, end: float, found: Findings) -> None:
    """Puts sentiment.* into `found`: score (mean of the posts' scores), label, social volume by source,
    the posts, and the Fear & Greed index with its series over the timeframe."""
    days = max(1, round((end - start) / 86400))
    posts_result, fng_result = await asyncio.gather(
        posts(providers, asset, start, end), fear_greed(providers, days), return_exceptions=True
    )
    if isinstance(posts_result, BaseException):
        raise posts_result
    scored, origins, failures = posts_result
    for failure in failures:
        found.miss(NAMES[failure.provider], failure.reason, "sentiment.socialVolume", "sentiment.score")
    if origins:
        origin = min(origins.values(), key=lambda o: o.as_of)
        by_source = {NAMES[s]: sum(1 for p in scored if p["source"] == s) for s in origins}
        found.put("sentiment.socialVolume", len(scored), origin)
        found.put("sentiment.socialVolumeBySource", by_source, origin)
        found.put("sentiment.posts", scored[:POSTS_SHOWN], origin)
        if scored:
            mean = sum(p["score"] for p in scored) / len(scored)
            found.put("sentiment.score", round(mean, 4), origin)
            found.put("sentiment.label", label_of(mean), origin)
        else:
            found.values["sentiment.score"] = None
            found.miss("sentiment", "no post in the timeframe mentions the asset", "sentiment.score")
    if isinstance(fng_result, Unavailable):
        found.miss(NAMES[fng_result.provider], fng_result.reason, "sentiment.fearGreedIndex")
        found.values["sentiment.fearGreedIndex"] = None
    elif isinstance(fng_result, BaseException):
        raise fng_result
    else:
        readings, origin = fng_result
        latest = readings[0]
        # A snapshot holds more days than asked for; the series covers the timeframe up to the newest reading.
        readings = [r for r in readings if r["ts"] > latest["ts"] - (end - start)]
        found.put("sentiment.fearGreedIndex", latest["value"], origin)
        found.put("sentiment.fearGreedClassification", latest["classification"], origin)
        found.put(
            "sentiment.fearGreedSeries",
            [{"time": r["ts"], "value": r["value"]} for r in reversed(readings)],
            origin,
        )
