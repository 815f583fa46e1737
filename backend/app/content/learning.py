"""The learning use cases: lessons, paths, progress, quizzes and suggestions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.alerts import service as alerts_service
from app.backtesting import service as backtesting_service
from app.config import Settings
from app.content import examples, suggestions
from app.content.curriculum_loader import Curriculum, Lesson, current
from app.content.learning_schemas import (
    Difficulty,
    LessonCard,
    LessonList,
    LessonOut,
    LessonStatus,
    LessonType,
    PathList,
    PathOut,
    ProgressList,
    ProgressOut,
    QuizOut,
    QuizQuestion,
    QuizResult,
    Suggestion,
    SuggestionList,
)
from app.content.learning_schemas import TryIt as TryItOut
from app.content.models import LessonProgress
from app.content.quiz import grade
from app.core.clock import utcnow
from app.core.db import conflict_insert
from app.core.errors import AppError, ErrorCode
from app.core.runtime import Runtime
from app.portfolio import service as portfolio_service
from app.users import service as user_service
from app.users.service import User

Rows = dict[int, LessonProgress]


def lesson_of(lesson_id: int) -> Lesson:
    lesson = current().lessons.get(lesson_id)
    if lesson is None:
        raise AppError(ErrorCode.NOT_FOUND, f"Lesson {lesson_id} not found", field="lessonId")
    return lesson


def lesson_url(settings: Settings, lesson_id: int) -> str:
    """Where the web app shows the lesson: absolute under the public URL when there is one."""
    return f"{settings.public_url.rstrip('/')}/learn/lessons/{lesson_id}"


async def _rows(session: AsyncSession, user_id: int) -> Rows:
    return (await _rows_of(session, [user_id])).get(user_id, {})


async def _rows_of(session: AsyncSession, user_ids: list[int]) -> dict[int, Rows]:
    query = select(LessonProgress).where(LessonProgress.user_id.in_(user_ids))
    found: dict[int, Rows] = {}
    for row in await session.scalars(query):
        found.setdefault(row.user_id, {})[row.lesson_id] = row
    return found


def _status(row: LessonProgress | None) -> LessonStatus:
    if row is None:
        return "NOT_STARTED"
    return "COMPLETED" if row.completed_at is not None else "STARTED"


def _card(settings: Settings, lesson: Lesson, row: LessonProgress | None) -> LessonCard:
    return LessonCard(
        id=lesson.id,
        slug=lesson.slug,
        title=lesson.title,
        type=lesson.type,
        difficulty=lesson.difficulty,
        url=lesson_url(settings, lesson.id),
        summary=lesson.summary,
        minutes=lesson.minutes,
        topics=list(lesson.topics),
        status=_status(row),
        quiz_best=row.quiz_best if row else None,
    )


def _progress(lesson_id: int, row: LessonProgress | None) -> ProgressOut:
    return ProgressOut(
        lesson_id=lesson_id,
        status=_status(row),
        started_at=row.started_at if row else None,
        completed_at=row.completed_at if row else None,
        quiz_attempts=row.quiz_attempts if row else 0,
        quiz_score=row.quiz_score if row else None,
        quiz_best=row.quiz_best if row else None,
    )


async def list_lessons(
    runtime: Runtime, session: AsyncSession, user_id: int, level: Difficulty | None, type_: LessonType | None
) -> LessonList:
    rows = await _rows(session, user_id)
    cards = [
        _card(runtime.settings, lesson, rows.get(lesson.id))
        for lesson in current().lessons.values()
        if (level is None or lesson.difficulty == level) and (type_ is None or lesson.type == type_)
    ]
    return LessonList(lessons=cards, count=len(cards))


async def get_lesson(runtime: Runtime, session: AsyncSession, user: User, lesson_id: int) -> LessonOut:
    lesson = lesson_of(lesson_id)
    curriculum = current()
    row = await session.get(LessonProgress, (user.id, lesson_id))
    card = _card(runtime.settings, lesson, row)
    previous_id, next_id = curriculum.neighbours(lesson_id)
    # Last: the panel reads other domains, and nothing is read after it.
    example = await examples.example(runtime, session, user, lesson.example) if lesson.example else None
    return LessonOut(
        **card.model_dump(),
        html=lesson.html,
        try_it=[TryItOut(label=t.label, path=t.path) for t in lesson.try_it],
        quiz=[QuizQuestion(question=q.question, options=list(q.options)) for q in lesson.quiz],
        example=example,
        paths=list(curriculum.paths_of[lesson_id]),
        previous_id=previous_id,
        next_id=next_id,
    )


async def _row_for_update(session: AsyncSession, user_id: int, lesson_id: int) -> LessonProgress:
    """The progress row, created STARTED now when there is none (two requests at once make one row)."""
    now = utcnow()
    values = {
        "user_id": user_id,
        "lesson_id": lesson_id,
        "started_at": now,
        "quiz_attempts": 0,
        "updated_at": now,
    }
    await session.execute(conflict_insert(session, LessonProgress).values(values).on_conflict_do_nothing())
    query = (
        select(LessonProgress)
        .where(LessonProgress.user_id == user_id, LessonProgress.lesson_id == lesson_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await session.scalars(query)).one()


async def set_progress(session: AsyncSession, user_id: int, lesson_id: int, status: str) -> ProgressOut:
    """STARTED makes the row (again: nothing changes); COMPLETED completes it, now unless it already is."""
    lesson_of(lesson_id)
    row = await _row_for_update(session, user_id, lesson_id)
    if status == "COMPLETED" and row.completed_at is None:
        row.completed_at = row.updated_at = utcnow()
    await session.flush()
    return _progress(lesson_id, row)


async def answer_quiz(session: AsyncSession, user_id: int, lesson_id: int, answers: list[int]) -> QuizOut:
    """Grades the answers and keeps the attempt; a passed quiz completes the lesson."""
    lesson = lesson_of(lesson_id)
    if len(answers) != len(lesson.quiz):
        raise AppError(
            ErrorCode.VALIDATION_ERROR,
            f"Give one answer per question: {len(lesson.quiz)} answers, not {len(answers)}",
            field="answers",
        )
    for number, (answer, question) in enumerate(zip(answers, lesson.quiz, strict=True), start=1):
        if not 0 <= answer < len(question.options):
            raise AppError(
                ErrorCode.VALIDATION_ERROR,
                f"Question {number} has options 0 to {len(question.options) - 1}, not {answer}",
                field="answers",
            )
    graded = grade(answers, [q.answer for q in lesson.quiz])
    row = await _row_for_update(session, user_id, lesson_id)
    now = utcnow()
    row.quiz_attempts += 1
    row.quiz_score = graded.score
    row.quiz_best = max(graded.score, row.quiz_best or 0.0)
    row.last_answers = list(answers)
    row.updated_at = now
    if graded.passed and row.completed_at is None:
        row.completed_at = now
    await session.flush()
    results = [
        QuizResult(
            question=q.question, chosen=a, correct=q.answer, is_correct=right, explanation=q.explanation
        )
        for q, a, right in zip(lesson.quiz, answers, graded.right, strict=True)
    ]
    return QuizOut(
        lesson_id=lesson_id,
        score=graded.score,
        correct=graded.correct,
        total=graded.total,
        passed=graded.passed,
        results=results,
        progress=_progress(lesson_id, row),
    )


def _next_in(lesson_ids: Iterable[int], rows: Rows) -> int | None:
    return next((i for i in lesson_ids if _status(rows.get(i)) != "COMPLETED"), None)


async def list_paths(runtime: Runtime, session: AsyncSession, user_id: int) -> PathList:
    rows = await _rows(session, user_id)
    curriculum = current()
    paths = []
    for path in curriculum.paths:
        cards = [_card(runtime.settings, curriculum.lessons[i], rows.get(i)) for i in path.lessons]
        paths.append(
            PathOut(
                id=path.id,
                title=path.title,
                description=path.description,
                difficulty=path.difficulty,
                lessons=cards,
                completed=sum(1 for c in cards if c.status == "COMPLETED"),
                total=len(cards),
                next_lesson_id=_next_in(path.lessons, rows),
            )
        )
    return PathList(paths=paths, count=len(paths))


async def progress_of(session: AsyncSession, user_id: int) -> ProgressList:
    """The caller's rows for the lessons of the curriculum, by lesson id."""
    lessons = current().lessons
    rows = await _rows(session, user_id)
    progress = [_progress(i, row) for i, row in sorted(rows.items()) if i in lessons]
    completed = sum(1 for p in progress if p.status == "COMPLETED")
    return ProgressList(progress=progress, completed=completed, total=len(lessons))


def _activity(rules: list[tuple[str, dict[str, Any]]], holds: bool, tests: bool) -> dict[str, str]:
    """Topic -> what the reader does that it is about: their ACTIVE alerts, portfolios and backtests."""
    activity: dict[str, str] = {}
    for condition, metadata in rules:
        for topic in suggestions.alert_topics(condition, metadata):
            activity.setdefault(topic, _doing(topic, condition, metadata.get("indicator")))
    if holds:
        for topic in suggestions.HOLDING_TOPICS:
            activity.setdefault(topic, "you hold a portfolio")
    if tests:
        for topic in suggestions.BACKTEST_TOPICS:
            activity.setdefault(topic, "you run backtests")
    return activity


def _doing(topic: str, condition: str, indicator: object) -> str:
    if isinstance(indicator, str) and indicator:
        return f"you have {indicator.upper()} alerts"
    if topic == "alerts":
        return "you have price alerts"
    return f"you have {condition.replace('_', ' ').lower()} alerts"


def _reader(curriculum: Curriculum, user: User, rows: Rows, activity: dict[str, str]) -> suggestions.Reader:
    preferences = user_service.preferences_of(user)
    completed = [
        curriculum.lessons[i].difficulty
        for i, r in rows.items()
        if r.completed_at and i in curriculum.lessons
    ]
    started_paths: dict[int, str] = {}
    for path in curriculum.paths:
        if any(i in rows for i in path.lessons):
            following = _next_in(path.lessons, rows)
            if following is not None:
                started_paths.setdefault(following, path.title)
    return suggestions.Reader(
        level=preferences.learning_level or suggestions.inferred_level(completed),
        interests=frozenset(tag.lower() for tag in preferences.interests),
        activity=activity,
        quiz_best={i: r.quiz_best for i, r in rows.items() if r.quiz_best is not None},
        next_in_paths=started_paths,
    )


async def suggest(runtime: Runtime, session: AsyncSession, user: User, limit: int) -> SuggestionList:
    """The lessons not completed yet, best first by the score of `suggestions.score`."""
    return (await suggest_many(runtime, session, [user], limit))[user.id]


async def suggest_many(
    runtime: Runtime, session: AsyncSession, users: Sequence[User], limit: int
) -> dict[int, SuggestionList]:
    """`suggest` for many users at once (the digest job): one query per kind of data for all of them."""
    curriculum = current()
    ids = [user.id for user in users]
    progress = await _rows_of(session, ids)
    rules = await alerts_service.active_rules_of(session, ids)
    holders = await portfolio_service.holdings_of(session, ids)
    testers = await backtesting_service.users_with_runs(session, ids)
    found = {}
    for user in users:
        rows = progress.get(user.id, {})
        activity = _activity(rules.get(user.id, []), user.id in holders, user.id in testers)
        found[user.id] = _suggested(
            runtime.settings, curriculum, _reader(curriculum, user, rows, activity), rows, limit
        )
    return found


def _suggested(
    settings: Settings, curriculum: Curriculum, reader: suggestions.Reader, rows: Rows, limit: int
) -> SuggestionList:
    candidates = [
        suggestions.Candidate(lesson.id, lesson.difficulty, lesson.topics)
        for lesson in curriculum.lessons.values()
        if _status(rows.get(lesson.id)) != "COMPLETED"
    ]
    ranked = suggestions.rank(candidates, reader, limit)
    return SuggestionList(
        suggestions=[
            Suggestion(
                lesson=_card(settings, curriculum.lessons[s.lesson_id], rows.get(s.lesson_id)),
                reason=s.reason,
                score=s.score,
            )
            for s in ranked
        ]
    )
