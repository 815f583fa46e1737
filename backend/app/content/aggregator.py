"""The news aggregator: reads the enabled feeds (or their bundled recordings), cleans, tags, scores and
stores the stories it has not seen."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Final

import httpx
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.analysis import service as analysis_service
from app.content import feeds
from app.content.models import NewsFeed, NewsItem
from app.content.news_schemas import RefreshOut
from app.content.stories import (
    MAX_SUMMARY,
    MAX_TITLE,
    SAME_STORY_WINDOW,
    key,
    normal_title,
    normal_url,
    plain,
    same_story,
    web_url,
    without_tracking,
)
from app.content.tagging import Tagger, tagger
from app.core.clock import utcnow
from app.integrations.http import HttpError, HttpOptions
from app.integrations.posts import Post
from app.integrations.reddit import RedditClient
from app.integrations.rss import NewsFeeds, ParsedFeed
from app.integrations.snapshots import SNAPSHOT_ORIGIN, Recording, SnapshotTransport, load_manifest
from app.market import service as market_service

if TYPE_CHECKING:
    from app.config import Settings
    from app.core.runtime import Runtime

log = logging.getLogger(__name__)
OFFLINE_DIR: Final = Path(__file__).parent / "offline"
LOCK_KEY: Final = "content:news:refreshing"
LOCK_SECONDS: Final = 600.0  # a crashed run frees the lock after this
DUE_KEY: Final = "content:news:due"
MAX_ERROR = 300
# A feed that does not answer, answers an error, is too large or is not a feed (MalformedMessage: ValueError).
EXPECTED_FAILURES: Final = (HttpError, httpx.HTTPError, ValueError, TimeoutError)
SIMILAR_TITLES_CHECKED = 5000  # stored titles compared for near-duplicates (the newest in the window)


@dataclass(frozen=True, slots=True)
class Source:
    """One feed to read: a configured feed, or (offline) a bundled recording."""

    kind: str  # RSS or REDDIT
    url: str
    title: str | None
    feed_id: int | None


@dataclass(slots=True)
class Story:
    url: str
    title: str
    summary: str
    outlet: str
    provider: str
    published_at: datetime
    feed_id: int | None
    symbols: list[str]
    url_key: str
    title_norm: str


async def _no_wait(_: float) -> None:
    return None


@cache
def recordings() -> dict[str, tuple[Recording, ...]]:
    """The bundled feed recordings ({"rss": [...], "reddit": [...]}, see offline/PROVENANCE.md)."""
    return load_manifest(OFFLINE_DIR)


def _offline_sources(rows: Sequence[NewsFeed]) -> list[Source]:
    """Every bundled recording, credited to the feed with its URL; a recording of a paused feed is skipped."""
    by_url = {normal_url(row.url).lower(): row for row in rows}
    sources = []
    for provider, kind in (("rss", "RSS"), ("reddit", "REDDIT")):
        for recording in recordings().get(provider, ()):
            url = recording.url or ""
            row = by_url.get(normal_url(url).lower())
            if row is not None and not row.enabled:
                continue
            sources.append(Source(kind, url, row.title if row else None, row.id if row else None))
    return sources


async def _posts(
    settings: Settings, source: Source, live: bool, transport: httpx.AsyncBaseTransport | None
) -> ParsedFeed:
    limit = settings.news_items_per_feed
    options: HttpOptions = {}
    if not live:
        provider = "rss" if source.kind == "RSS" else "reddit"
        options = {
            "transport": SnapshotTransport(recordings()[provider], OFFLINE_DIR, "news"),
            "sleep": _no_wait,
        }
        if provider == "reddit":
            settings = settings.model_copy(update={"reddit_api_url": SNAPSHOT_ORIGIN})
    elif transport is not None:
        options = {"transport": transport, "sleep": _no_wait}
    if source.kind == "REDDIT":
        name = feeds.subreddit_of(source.url)
        if name is None:
            raise ValueError(f"not a subreddit URL: {source.url}")
        async with RedditClient(settings, **options) as reddit:
            return ParsedFeed((await reddit.listing(name, "hot", limit=limit))[:limit], None)
    async with NewsFeeds(settings, [source.url], **options) as client:
        posts, problem = await client.fetch_checked(source.url)
    return ParsedFeed(posts[:limit], problem)


async def _read(
    settings: Settings, source: Source, live: bool, transport: httpx.AsyncBaseTransport | None
) -> ParsedFeed | str:
    """The source's posts, or why there are none; a hostile or broken feed never raises out of here."""
    try:
        return await _posts(settings, source, live, transport)
    except Exception as exc:  # a feed is outside input: whatever it does, the other feeds are still read
        if not isinstance(exc, EXPECTED_FAILURES):
            log.exception("news feed %s failed unexpectedly", source.url)
        return _short(str(exc) or type(exc).__name__)


def _short(message: str) -> str:
    return message if len(message) <= MAX_ERROR else message[: MAX_ERROR - 1] + "…"


def _story(post: Post, source: Source, tags: Tagger, now: datetime) -> Story | None:
    """The post as a story: plain text, an http(s) link, tagged; None when it has no link or no title.
    A Reddit post is kept only when it mentions an asset (subreddits carry much else)."""
    link = web_url(post.url)
    url = without_tracking(link) if link else None
    title = plain(post.title or "", MAX_TITLE)
    if url is None or not title:
        return None
    body = post.text[len(post.title) :] if post.title and post.text.startswith(post.title) else post.text
    summary = plain(body, MAX_SUMMARY)
    symbols = tags.tag(f"{title}\n{summary}")
    if source.kind == "REDDIT" and not symbols:
        return None
    outlet = source.title or post.outlet or (httpx.URL(source.url).host or source.url)
    published = min(datetime.fromtimestamp(post.created, UTC), now)  # a date in the future is not news yet
    return Story(
        url=url,
        title=title,
        summary=summary,
        outlet=outlet[:200],
        provider=post.source,
        published_at=published,
        feed_id=source.feed_id,
        symbols=symbols,
        url_key=key(normal_url(url)),
        title_norm=normal_title(title),
    )


async def _new_stories(session: AsyncSession, candidates: list[Story]) -> list[Story]:
    """The candidates that are neither stored nor repeated: same normalised URL, same normalised title, or
    a title with a token-set Jaccard of 0.9 or more within 48 hours; the earliest of a story is kept."""
    if not candidates:
        return []
    url_keys = {s.url_key for s in candidates}
    title_keys = {key(s.title_norm) for s in candidates}
    stored = await session.execute(
        select(NewsItem.url_key, NewsItem.title_key).where(
            or_(NewsItem.url_key.in_(url_keys), NewsItem.title_key.in_(title_keys))
        )
    )
    seen_urls: set[str] = set()
    seen_titles: set[str] = set()
    for url_key, title_key in stored:
        seen_urls.add(url_key)
        seen_titles.add(title_key)
    start = min(s.published_at for s in candidates) - SAME_STORY_WINDOW
    end = max(s.published_at for s in candidates) + SAME_STORY_WINDOW
    nearby = await session.execute(
        select(NewsItem.title, NewsItem.published_at)
        .where(NewsItem.published_at.between(start, end))
        .order_by(NewsItem.published_at.desc())
        .limit(SIMILAR_TITLES_CHECKED)
    )
    kept_titles = [(normal_title(title), published) for title, published in nearby]
    kept: list[Story] = []
    for story in sorted(candidates, key=lambda s: s.published_at):
        title_key = key(story.title_norm)
        if story.url_key in seen_urls or title_key in seen_titles:
            continue
        if any(same_story(story.title_norm, story.published_at, t, p) for t, p in kept_titles):
            continue
        seen_urls.add(story.url_key)
        seen_titles.add(title_key)
        kept_titles.append((story.title_norm, story.published_at))
        kept.append(story)
    return kept


async def refresh(
    runtime: Runtime,
    session: AsyncSession | None = None,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
) -> RefreshOut | None:
    """Read every enabled feed once and store the new stories; None when another refresh is running.
    With `session`, the stories are written in the caller's unit of work (committed with it); otherwise in
    units of its own. `transport` replaces the network of live reads (tests)."""
    if await runtime.cache.incr(LOCK_KEY, ttl=LOCK_SECONDS) != 1:
        return None
    try:
        return await _refresh(runtime, session, transport)
    finally:
        await runtime.cache.delete(LOCK_KEY)


async def refresh_if_due(runtime: Runtime, session: AsyncSession | None = None) -> RefreshOut | None:
    """A refresh, unless one started within the last `CRYPTOMON_NEWS_REFRESH_MINUTES` (the job's and the
    first reader's entry point: however often called, the feeds are read at most that often)."""
    period = runtime.settings.news_refresh_minutes * 60.0
    if await runtime.cache.incr(DUE_KEY, ttl=period) != 1:
        return None
    return await refresh(runtime, session)


@asynccontextmanager
async def _unit(runtime: Runtime, session: AsyncSession | None) -> AsyncIterator[AsyncSession]:
    # A caller inside a write transaction (the digest job) lends its session: on SQLite a second
    # connection could not write until that transaction ends.
    if session is not None:
        yield session
        await session.flush()
        return
    async with runtime.db.session() as own:
        yield own


async def _refresh(
    runtime: Runtime, given: AsyncSession | None, transport: httpx.AsyncBaseTransport | None
) -> RefreshOut:
    settings = runtime.settings
    live = settings.research_live
    async with _unit(runtime, given) as session:
        await feeds.ensure_defaults(session)
        rows = list(await session.scalars(select(NewsFeed).order_by(NewsFeed.id)))
        tags = tagger(await market_service.list_assets(session))
    if live:
        sources = [Source(r.kind, r.url, r.title, r.id) for r in rows if r.enabled]
    else:
        sources = _offline_sources(rows)
    results = await asyncio.gather(*(_read(settings, s, live, transport) for s in sources))
    now = utcnow()
    candidates: list[Story] = []
    fetched = 0
    failed: list[str] = []
    outcome: dict[int, tuple[str | None, int]] = {}
    for source, result in zip(sources, results, strict=True):
        if isinstance(result, str):
            failed.append(f"{source.title or source.url}: {result}")
            if source.feed_id is not None:
                outcome[source.feed_id] = (result, 0)
            continue
        posts, problem = result
        fetched += len(posts)
        candidates += [s for s in (_story(p, source, tags, now) for p in posts) if s is not None]
        if source.feed_id is not None:
            # A document that is not well-formed is still read as far as it goes; the admins see why.
            error = _short(f"not well-formed, {len(posts)} entries recovered: {problem}") if problem else None
            outcome[source.feed_id] = (error, len(posts))
    async with _unit(runtime, given) as session:
        stories = await _new_stories(session, candidates)
        scores, _ = await analysis_service.score_texts(settings, [f"{s.title}\n{s.summary}" for s in stories])
        session.add_all(
            NewsItem(
                url=s.url,
                url_key=s.url_key,
                title_key=key(s.title_norm),
                title=s.title,
                summary=s.summary,
                source=s.outlet,
                provider=s.provider,
                feed_id=s.feed_id,
                published_at=s.published_at,
                fetched_at=now,
                symbols=s.symbols,
                sentiment=round(score.score, 4),
                sentiment_label=score.label,
                snapshot=not live,
            )
            for s, score in zip(stories, scores, strict=True)
        )
        for feed_id, (error, items) in outcome.items():
            row = await session.get(NewsFeed, feed_id)
            if row is not None:  # removed while the feeds were read
                row.last_fetched_at, row.last_error, row.last_items = now, error, items
    log.info(
        "news: %d feeds, %d entries, %d new, %d failed", len(sources), fetched, len(stories), len(failed)
    )
    return RefreshOut(feeds=len(sources), fetched=fetched, added=len(stories), failed=failed)
