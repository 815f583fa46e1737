"""The daily digest: built once per user and day (by the job at the user's hour, or on demand), stored, and
answered in the seed's shape."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.alerts import service as alerts_service
from app.content import learning, news
from app.content.learning_schemas import Suggestion
from app.content.models import Digest
from app.content.mood import BreadthCount
from app.content.news_schemas import NewsItemOut
from app.content.overview import market_at
from app.content.phrasing import Facts, summary
from app.content.schemas import DigestLesson, DigestNews, DigestOut, MarketOverview, Mover, PortfolioMove
from app.core.clock import utcnow
from app.core.errors import AppError, ErrorCode
from app.core.runtime import Runtime
from app.portfolio import service as portfolio_service
from app.portfolio.schemas import PortfolioOut
from app.users import service as users_service
from app.users.service import User

TOP_MOVERS = 8
MINE_FIRST = 4  # at most this many of the user's own symbols lead the movers
NEWS_ITEMS = 5
LESSONS = 3


def local_day(user: User, at: datetime) -> date:
    return at.astimezone(ZoneInfo(users_service.preferences_of(user).timezone)).date()


def digest_time(user: User, day: date) -> datetime:
    """When the user's digest of `day` is due: their digest hour on that day in their time zone, in UTC."""
    prefs = users_service.preferences_of(user)
    local = datetime.combine(day, time(prefs.digest.hour), tzinfo=ZoneInfo(prefs.timezone))
    return local.astimezone(ZoneInfo("UTC"))


async def get(runtime: Runtime, session: AsyncSession, user_id: int, on: date | None) -> DigestOut:
    """The stored digest of the user's day `on` (default today in their time zone), built now when missing."""
    user = await users_service.get_user(session, user_id)
    today = local_day(user, utcnow())
    day = on or today
    if day > today:
        raise AppError(
            ErrorCode.VALIDATION_ERROR,
            f"date {day} is in the future (today is {today} for you)",
            field="date",
        )
    stored = await stored_digest(session, user_id, day)
    if stored is not None:
        return _out(stored)
    return _out(await build(runtime, session, user, day))


async def stored_digest(session: AsyncSession, user_id: int, day: date) -> Digest | None:
    found: Digest | None = await session.scalar(
        select(Digest).where(Digest.user_id == user_id, Digest.date == day.isoformat())
    )
    return found


def _out(row: Digest) -> DigestOut:
    out = DigestOut.model_validate(row.payload)
    return out.model_copy(update={"sent_at": row.sent_at})


async def build(runtime: Runtime, session: AsyncSession, user: User, day: date) -> Digest:
    """Make and store the user's digest of `day` as of their digest hour that day (or now, if earlier)."""
    [row] = await build_many(runtime, session, [(user, day)])
    return row


async def build_many(
    runtime: Runtime, session: AsyncSession, wanted: list[tuple[User, date]]
) -> list[Digest]:
    """`build` for many users (the job's batch): each kind of data is read once for all of them, the market
    part once per hour, the news text term once per distinct profile."""
    now = utcnow()
    users = [user for user, _ in wanted]
    ids = [user.id for user in users]
    ats = {user.id: min(digest_time(user, day), now) for user, day in wanted}
    markets = {hour: await market_at(runtime, session, hour) for hour in {_hour(at) for at in ats.values()}}
    holders = await portfolio_service.holdings_of(session, ids)
    portfolios = {uid: await portfolio_service.list_of(session, runtime.cache, uid) for uid in holders}
    triggered: dict[int, int] = {}
    for at in set(ats.values()):
        same = [uid for uid, when in ats.items() if when == at]
        triggered |= await alerts_service.triggers_by_user(session, same, at - timedelta(days=1), at)
    stories = await news.for_users(runtime, session, users, NEWS_ITEMS)
    lessons = await learning.suggest_many(runtime, session, users, LESSONS)
    rows = []
    for user, day in wanted:
        held = {p.symbol for folio in portfolios.get(user.id, []) for p in folio.positions}
        out = _digest(
            user,
            day,
            markets[_hour(ats[user.id])],
            [_move(p) for p in portfolios.get(user.id, [])],
            set(users_service.preferences_of(user).watchlist) | held,
            triggered.get(user.id, 0),
            stories[user.id],
            lessons[user.id].suggestions,
            now,
        )
        rows.append(await _store(session, out, now))
    return rows


def _hour(at: datetime) -> datetime:
    return at.replace(minute=0, second=0, microsecond=0)


def _digest(
    user: User,
    day: date,
    market: dict[str, Any],
    moves: list[PortfolioMove],
    mine: set[str],
    triggered: int,
    stories: list[NewsItemOut],
    suggested: list[Suggestion],
    now: datetime,
) -> DigestOut:
    overview = MarketOverview(
        summary=summary(_facts(market, moves, triggered), f"{user.id}:{day.isoformat()}"),
        sentiment=market["sentiment"],
        top_movers=_top_movers(market["movers"], mine),
        breadth=market["breadth"],
        fear_greed=market["fearGreed"],
        sources=market["sources"],
    )
    return DigestOut(
        user_id=user.id,
        date=day.isoformat(),
        market_overview=overview,
        educational_content=[
            DigestLesson(
                id=s.lesson.id,
                title=s.lesson.title,
                type=s.lesson.type,
                difficulty=s.lesson.difficulty,
                url=s.lesson.url,
                reason=s.reason,
            )
            for s in suggested
        ],
        personalized_news=[
            DigestNews(
                id=i.id,
                title=i.title,
                source=i.source,
                relevance_score=i.relevance_score,
                url=i.url,
                published_at=i.published_at,
                symbols=i.symbols,
            )
            for i in stories
        ],
        alerts_triggered=triggered,
        portfolios=moves,
        generated_at=now,
        sent_at=None,
    )


async def _store(session: AsyncSession, out: DigestOut, now: datetime) -> Digest:
    row = Digest(
        user_id=out.user_id, date=out.date, payload=out.model_dump(mode="json", by_alias=True), created_at=now
    )
    try:
        async with session.begin_nested():
            session.add(row)
    except (
        IntegrityError
    ):  # built at the same time by the job or a request: the first is the digest of the day
        existing = await stored_digest(session, out.user_id, date.fromisoformat(out.date))
        if existing is not None:
            return existing
        raise
    return row


def _move(folio: PortfolioOut) -> PortfolioMove:
    change = folio.day_change_percent
    return PortfolioMove(
        portfolio_id=folio.portfolio_id,
        name=folio.name,
        value=float(folio.current_value),
        day_change=None if change is None else round(change / 100, 6),
        currency="USD",
    )


def _top_movers(movers: list[dict[str, Any]], mine: set[str]) -> list[Mover]:
    """The user's own symbols with the biggest moves first (at most MINE_FIRST), then the rest of the
    universe by the size of its move."""
    by_size = sorted(movers, key=lambda m: abs(m["change24h"]), reverse=True)
    own = [m for m in by_size if m["symbol"] in mine][:MINE_FIRST]
    rest = [m for m in by_size if m not in own][: TOP_MOVERS - len(own)]
    return [
        Mover(symbol=m["symbol"], change24h=m["change24h"], price=m["price"], mine=m["symbol"] in mine)
        for m in own + rest
    ]


def _facts(market: dict[str, Any], moves: list[PortfolioMove], triggered: int) -> Facts:
    movers = market["movers"]  # biggest rise first
    breadth = market["breadth"]
    fear_greed = market["fearGreed"]
    valued = [m for m in moves if m.day_change is not None and m.value]
    biggest = max(valued, key=lambda m: m.value or 0.0, default=None)
    return Facts(
        leaders=[(m["symbol"], m["change24h"]) for m in movers[:2]],
        laggards=[(m["symbol"], m["change24h"]) for m in reversed(movers[-2:])],
        count=BreadthCount(
            breadth["advancers"], breadth["decliners"], breadth["unchanged"], breadth["marketChange"]
        ),
        mood=market["sentiment"],
        fear_greed=(fear_greed["value"], fear_greed["classification"], fear_greed["change"])
        if fear_greed
        else None,
        fear_greed_dated=fear_greed["day"] if fear_greed and fear_greed["dated"] else None,
        alerts_triggered=triggered,
        portfolio=(biggest.name, biggest.day_change or 0.0, biggest.value or 0.0, biggest.currency)
        if biggest
        else None,
    )
