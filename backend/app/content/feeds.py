"""The feeds the news aggregator reads: the default list (seeded once) and the admins' changes to it."""

from __future__ import annotations

import re
from typing import Final, cast

from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.content.models import NewsFeed, NewsItem
from app.content.news_schemas import FeedIn, FeedKind, FeedList, FeedOut
from app.core.clock import utcnow
from app.core.errors import AppError, ErrorCode, not_found

# Well-known crypto newsrooms' own RSS feeds, and the largest crypto subreddits.
DEFAULT_FEEDS: Final[tuple[tuple[FeedKind, str, str], ...]] = (
    ("RSS", "https://www.coindesk.com/arc/outboundfeeds/rss", "CoinDesk"),
    ("RSS", "https://cointelegraph.com/rss", "Cointelegraph"),
    ("RSS", "https://decrypt.co/feed", "Decrypt"),
    ("RSS", "https://bitcoinmagazine.com/feed", "Bitcoin Magazine"),
    ("RSS", "https://www.theblock.co/rss.xml", "The Block"),
    ("RSS", "https://cryptoslate.com/feed/", "CryptoSlate"),
    ("REDDIT", "https://www.reddit.com/r/CryptoCurrency", "r/CryptoCurrency"),
    ("REDDIT", "https://www.reddit.com/r/Bitcoin", "r/Bitcoin"),
    ("REDDIT", "https://www.reddit.com/r/ethereum", "r/ethereum"),
)
_SUBREDDIT_URL = re.compile(r"https://(?:www\.|old\.)?reddit\.com/r/([A-Za-z0-9_]{2,21})/?", re.IGNORECASE)


def subreddit_of(url: str) -> str | None:
    """The subreddit a REDDIT feed's URL names, or None if it is no `https://www.reddit.com/r/<name>`.

    >>> subreddit_of("https://www.reddit.com/r/CryptoCurrency/"), subreddit_of("https://example.com/r/x")
    ('CryptoCurrency', None)
    """
    match = _SUBREDDIT_URL.fullmatch(url.strip())
    return match.group(1) if match else None


def feed_url(kind: FeedKind, url: str) -> str:
    """The URL as stored: a subreddit's in its canonical form; 422 (field `url`) when a REDDIT feed's URL
    names no subreddit."""
    if kind == "RSS":
        return url
    name = subreddit_of(url)
    if name is None:
        raise AppError(
            ErrorCode.VALIDATION_ERROR,
            "A REDDIT feed's URL is https://www.reddit.com/r/<subreddit> (2-21 letters, digits or _)",
            field="url",
        )
    return f"https://www.reddit.com/r/{name}"


def feed_out(row: NewsFeed) -> FeedOut:
    return FeedOut(
        id=row.id,
        url=row.url,
        kind=cast(FeedKind, row.kind),
        title=row.title,
        enabled=row.enabled,
        created_at=row.created_at,
        last_fetched_at=row.last_fetched_at,
        last_error=row.last_error,
        last_items=row.last_items,
    )


async def ensure_defaults(session: AsyncSession) -> None:
    """Seed the default feeds on first use: when there is no feed and no story yet (an admin who removed
    every feed later is not overruled)."""
    if await session.scalar(select(exists().where(NewsFeed.id.is_not(None)))):
        return
    if await session.scalar(select(exists().where(NewsItem.id.is_not(None)))):
        return
    now = utcnow()
    session.add_all(
        NewsFeed(url=url, kind=kind, title=title, enabled=True, created_at=now)
        for kind, url, title in DEFAULT_FEEDS
    )
    await session.flush()


async def list_feeds(session: AsyncSession) -> FeedList:
    await ensure_defaults(session)
    rows = list(await session.scalars(select(NewsFeed).order_by(NewsFeed.id)))
    return FeedList(feeds=[feed_out(r) for r in rows], count=len(rows))


async def add_feed(session: AsyncSession, body: FeedIn) -> FeedOut:
    """A new enabled feed; 409 CONFLICT (field `url`) when that URL is already on the list."""
    await ensure_defaults(session)
    url = feed_url(body.kind, str(body.url))
    if await session.scalar(select(func.count()).where(NewsFeed.url == url)):
        raise AppError(ErrorCode.CONFLICT, "That feed is already on the list", field="url")
    row = NewsFeed(url=url, kind=body.kind, title=body.title, enabled=True, created_at=utcnow())
    session.add(row)
    try:
        await session.flush()
    except IntegrityError as exc:  # added by another admin at the same moment
        raise AppError(ErrorCode.CONFLICT, "That feed is already on the list", field="url") from exc
    return feed_out(row)


async def _feed(session: AsyncSession, feed_id: int) -> NewsFeed:
    row = await session.get(NewsFeed, feed_id)
    if row is None:
        raise not_found("Feed", feed_id)
    return row


async def set_enabled(session: AsyncSession, feed_id: int, enabled: bool) -> FeedOut:
    row = await _feed(session, feed_id)
    row.enabled = enabled
    await session.flush()
    return feed_out(row)


async def delete_feed(session: AsyncSession, feed_id: int) -> None:
    """Remove a feed; the stories it brought stay (their `feedId` becomes null)."""
    await session.delete(await _feed(session, feed_id))
    await session.flush()
