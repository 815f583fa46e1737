"""The news use cases: the personalised feed, the digest's top stories, the admins' feeds, a refresh."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import exists, select

from app.content import aggregator, embeddings, feeds
from app.content.aliases import ALIASES
from app.content.models import NewsItem
from app.content.news_schemas import FeedIn, FeedList, FeedOut, NewsItemOut, NewsPage, RefreshOut
from app.content.personalization import (
    asset_term,
    profile_document,
    recency_term,
    relevance,
    tfidf_similarities,
)
from app.core.clock import utcnow
from app.core.errors import AppError, ErrorCode
from app.market import service as market_service
from app.portfolio import service as portfolio_service

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from app.config import Settings
    from app.core.runtime import Runtime
    from app.users.service import User

Sort = Literal["relevance", "recent"]
# The stories ranked for a page: the newest this many (a filter applies within them).
CANDIDATES = 1000
DIGEST_CANDIDATES = 200


@dataclass(frozen=True)
class NewsQuery:
    symbol: str | None
    q: str | None
    sort: Sort
    limit: int
    offset: int


@dataclass(frozen=True)
class Reader:
    """What relevance knows of a user."""

    held: frozenset[str]
    watched: frozenset[str]
    profile: str


async def _ensure_stories(runtime: Runtime, session: AsyncSession) -> None:
    """News on first use: with nothing stored yet, one refresh (at most one per refresh period), written in
    the caller's unit of work."""
    if not await session.scalar(select(exists().where(NewsItem.id.is_not(None)))):
        await aggregator.refresh_if_due(runtime, session)


async def _reader(session: AsyncSession, user: User) -> Reader:
    held = await portfolio_service.held_symbols(session, user.id)
    return _reader_of(user, held, {a.symbol: a for a in await market_service.list_assets(session)})


def _reader_of(user: User, held: set[str], assets: dict[str, market_service.Asset]) -> Reader:
    preferences: dict[str, Any] = user.preferences or {}
    watched = {market_service.normalize_symbol(s) for s in preferences.get("watchlist") or []}
    words: list[str] = []
    for symbol in sorted(held | watched):
        asset = assets.get(symbol)
        base = symbol.split("-")[0]
        words += [asset.name if asset else "", base, *ALIASES.get(base, ())]
    interests = [str(tag) for tag in preferences.get("interests") or []]
    return Reader(frozenset(held), frozenset(watched), profile_document(interests, [w for w in words if w]))


def _text_terms(settings: Settings, items: Sequence[NewsItem], profile: str) -> list[float]:
    documents = [f"{item.title}\n{item.summary}" for item in items]
    model = settings.news_embedding_model.strip()
    if model:
        found = embeddings.similarities(model, documents, profile)
        if found is not None:
            return found
    return tfidf_similarities(documents, profile)


def _ranked(
    settings: Settings, items: Sequence[NewsItem], reader: Reader, now: datetime
) -> list[tuple[NewsItem, float]]:
    """Each item with its relevance (docs/API.md, `personalization`), in the items' order."""
    return _scored(items, reader, _text_terms(settings, items, reader.profile), now)


def _scored(
    items: Sequence[NewsItem], reader: Reader, texts: list[float], now: datetime
) -> list[tuple[NewsItem, float]]:
    return [
        (
            item,
            relevance(
                asset_term(item.symbols, reader.held, reader.watched),
                text,
                recency_term(item.published_at, now),
            ),
        )
        for item, text in zip(items, texts, strict=True)
    ]


def _out(item: NewsItem, score: float) -> NewsItemOut:
    return NewsItemOut(
        id=item.id,
        title=item.title,
        source=item.source,
        relevance_score=score,
        url=item.url,
        summary=item.summary,
        published_at=item.published_at,
        symbols=list(item.symbols),
        sentiment=item.sentiment,
        sentiment_label=item.sentiment_label,
        provider=item.provider,
        snapshot=item.snapshot,
        fetched_at=item.fetched_at,
    )


async def _recent(session: AsyncSession, limit: int) -> list[NewsItem]:
    query = select(NewsItem).order_by(NewsItem.published_at.desc(), NewsItem.id.desc()).limit(limit)
    return list(await session.scalars(query))


def _matches(item: NewsItem, symbol: str | None, words: list[str]) -> bool:
    if symbol is not None and symbol not in item.symbols:
        return False
    text = f"{item.title}\n{item.summary}".lower()
    return all(word in text for word in words)


def _sorted(ranked: list[tuple[NewsItem, float]], sort: Sort) -> list[tuple[NewsItem, float]]:
    if sort == "recent":
        return sorted(ranked, key=lambda p: (p[0].published_at, p[0].id), reverse=True)
    return sorted(ranked, key=lambda p: (p[1], p[0].published_at, p[0].id), reverse=True)


async def page(runtime: Runtime, session: AsyncSession, user: User, query: NewsQuery) -> NewsPage:
    """Stories for the caller: `symbol` (400 INVALID_SYMBOL when unknown) keeps those tagged with the asset,
    `q` those whose title or summary holds every word (any case); sorted by relevance, then recency, or by
    recency alone."""
    symbol = (await market_service.resolve(session, query.symbol)).symbol if query.symbol else None
    await _ensure_stories(runtime, session)
    words = (query.q or "").lower().split()
    items = [i for i in await _recent(session, CANDIDATES) if _matches(i, symbol, words)]
    ranked = _sorted(_ranked(runtime.settings, items, await _reader(session, user), utcnow()), query.sort)
    shown = ranked[query.offset : query.offset + query.limit]
    return NewsPage(
        items=[_out(item, score) for item, score in shown],
        count=len(ranked),
        as_of=max((i.fetched_at for i in items), default=None),
        snapshot=all(i.snapshot for i in items) if items else not runtime.settings.research_live,
    )


async def for_user(runtime: Runtime, session: AsyncSession, user: User, limit: int = 5) -> list[NewsItemOut]:
    """The most relevant of the recent stories for the user (the digest's news), best first."""
    return (await for_users(runtime, session, [user], limit))[user.id]


async def for_users(
    runtime: Runtime, session: AsyncSession, users: Sequence[User], limit: int = 5
) -> dict[int, list[NewsItemOut]]:
    """`for_user` for many users at once (the digest job): the candidates and holdings read once, and the
    text term computed once per distinct profile (the same formula: users with the same profile get the
    same T)."""
    await _ensure_stories(runtime, session)
    items = await _recent(session, DIGEST_CANDIDATES)
    held = await portfolio_service.holdings_of(session, [user.id for user in users])
    assets = {a.symbol: a for a in await market_service.list_assets(session)}
    now = utcnow()
    texts: dict[str, list[float]] = {}
    found: dict[int, list[NewsItemOut]] = {}
    for user in users:
        reader = _reader_of(user, held.get(user.id, set()), assets)
        if reader.profile not in texts:
            texts[reader.profile] = _text_terms(runtime.settings, items, reader.profile)
        ranked = _sorted(_scored(items, reader, texts[reader.profile], now), "relevance")
        found[user.id] = [_out(item, score) for item, score in ranked[:limit]]
    return found


async def list_feeds(session: AsyncSession) -> FeedList:
    return await feeds.list_feeds(session)


async def add_feed(session: AsyncSession, body: FeedIn) -> FeedOut:
    return await feeds.add_feed(session, body)


async def set_enabled(session: AsyncSession, feed_id: int, enabled: bool) -> FeedOut:
    return await feeds.set_enabled(session, feed_id, enabled)


async def delete_feed(session: AsyncSession, feed_id: int) -> None:
    await feeds.delete_feed(session, feed_id)


async def refresh(runtime: Runtime) -> RefreshOut:
    """Read every enabled feed now; 409 CONFLICT while another refresh is running."""
    done = await aggregator.refresh(runtime)
    if done is None:
        raise AppError(ErrorCode.CONFLICT, "The feeds are being read right now; try again in a minute")
    return done
