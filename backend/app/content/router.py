"""Routes: the seed's daily digest, the news feed (and the admins' feed list), lessons, paths and progress."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from app.content import digest, learning, news
from app.content.learning_schemas import (
    Difficulty,
    LessonList,
    LessonOut,
    LessonType,
    PathList,
    ProgressIn,
    ProgressList,
    ProgressOut,
    QuizIn,
    QuizOut,
    SuggestionList,
)
from app.content.news_schemas import FeedIn, FeedList, FeedOut, FeedPatch, NewsPage, RefreshOut
from app.content.schemas import DigestOut
from app.core.deps import DbSession, RuntimeDep
from app.core.envelope import ERROR_RESPONSES, Envelope, ok
from app.core.schemas import DbId
from app.users.deps import AdminUser, CurrentUser, OwnUserId

router = APIRouter(prefix="/api/content", tags=["content"], responses=ERROR_RESPONSES)
LessonId = Annotated[int, Path(alias="lessonId", ge=1, le=1_000_000)]
FeedId = Annotated[DbId, Path(alias="feedId")]


@router.get("/daily-digest/{userId}", response_model=Envelope[DigestOut])
async def daily_digest(
    user_id: OwnUserId,
    runtime: RuntimeDep,
    session: DbSession,
    on: Annotated[date | None, Query(alias="date", description="Your local date; default today")] = None,
) -> Envelope[DigestOut]:
    """The seed's digest: built once per user and day (at the user's hour by a job, or now when missing)."""
    return ok(await digest.get(runtime, session, user_id, on))


@router.get("/news", response_model=Envelope[NewsPage])
async def news_feed(
    user: CurrentUser,
    runtime: RuntimeDep,
    session: DbSession,
    symbol: Annotated[str | None, Query(max_length=20)] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    sort: Annotated[news.Sort, Query()] = "relevance",
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> Envelope[NewsPage]:
    """Stored stories, each with its relevance to you; `symbol` keeps those that mention the asset, `q`
    those whose title or summary holds every word."""
    return ok(await news.page(runtime, session, user, news.NewsQuery(symbol, q, sort, limit, offset)))


@router.get("/feeds", response_model=Envelope[FeedList])
async def list_feeds(_: AdminUser, session: DbSession) -> Envelope[FeedList]:
    """The feeds the aggregator reads (admins)."""
    return ok(await news.list_feeds(session))


@router.post("/feeds", response_model=Envelope[FeedOut], status_code=201)
async def add_feed(body: FeedIn, _: AdminUser, session: DbSession) -> Envelope[FeedOut]:
    return ok(await news.add_feed(session, body))


@router.patch("/feeds/{feedId}", response_model=Envelope[FeedOut])
async def pause_feed(feed_id: FeedId, body: FeedPatch, _: AdminUser, session: DbSession) -> Envelope[FeedOut]:
    return ok(await news.set_enabled(session, feed_id, body.enabled))


@router.delete("/feeds/{feedId}", status_code=204)
async def delete_feed(feed_id: FeedId, _: AdminUser, session: DbSession) -> Response:
    await news.delete_feed(session, feed_id)
    return Response(status_code=204)


@router.post("/feeds/refresh", response_model=Envelope[RefreshOut])
async def refresh_feeds(_: AdminUser, runtime: RuntimeDep) -> Envelope[RefreshOut]:
    """Read every enabled feed now (the job does it every `CRYPTOMON_NEWS_REFRESH_MINUTES`)."""
    return ok(await news.refresh(runtime))


@router.get("/lessons", response_model=Envelope[LessonList])
async def list_lessons(
    user: CurrentUser,
    runtime: RuntimeDep,
    session: DbSession,
    level: Annotated[Difficulty | None, Query()] = None,
    type_: Annotated[LessonType | None, Query(alias="type")] = None,
) -> Envelope[LessonList]:
    return ok(await learning.list_lessons(runtime, session, user.id, level, type_))


@router.get("/lessons/{lessonId}", response_model=Envelope[LessonOut])
async def get_lesson(
    lesson_id: LessonId, user: CurrentUser, runtime: RuntimeDep, session: DbSession
) -> Envelope[LessonOut]:
    """The lesson, its quiz (without answers), its try-it links and its live example from your own data."""
    return ok(await learning.get_lesson(runtime, session, user, lesson_id))


@router.post("/lessons/{lessonId}/progress", response_model=Envelope[ProgressOut])
async def set_progress(
    lesson_id: LessonId, body: ProgressIn, user: CurrentUser, session: DbSession
) -> Envelope[ProgressOut]:
    return ok(await learning.set_progress(session, user.id, lesson_id, body.status))


@router.post("/lessons/{lessonId}/quiz", response_model=Envelope[QuizOut])
async def answer_quiz(
    lesson_id: LessonId, body: QuizIn, user: CurrentUser, session: DbSession
) -> Envelope[QuizOut]:
    """Checks the answers; a score of 0.7 or more completes the lesson."""
    return ok(await learning.answer_quiz(session, user.id, lesson_id, body.answers))


@router.get("/paths", response_model=Envelope[PathList])
async def list_paths(user: CurrentUser, runtime: RuntimeDep, session: DbSession) -> Envelope[PathList]:
    return ok(await learning.list_paths(runtime, session, user.id))


@router.get("/progress", response_model=Envelope[ProgressList])
async def my_progress(user: CurrentUser, session: DbSession) -> Envelope[ProgressList]:
    return ok(await learning.progress_of(session, user.id))


@router.get("/suggestions", response_model=Envelope[SuggestionList])
async def suggestions(
    user: CurrentUser,
    runtime: RuntimeDep,
    session: DbSession,
    limit: Annotated[int, Query(ge=1, le=20)] = 3,
) -> Envelope[SuggestionList]:
    """The next lessons for you, each with its reason (level, interests, quiz results, your alerts)."""
    return ok(await learning.suggest(runtime, session, user, limit))
