"""Learning: lessons, paths, quizzes, the user's progress and the suggested next lessons."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from app.core.schemas import ApiModel, RequestModel, UtcDateTime

LessonType = Literal["ARTICLE", "TUTORIAL", "QUIZ"]
Difficulty = Literal["BEGINNER", "INTERMEDIATE", "ADVANCED"]
LessonStatus = Literal["NOT_STARTED", "STARTED", "COMPLETED"]


class LessonCard(ApiModel):
    """A lesson in a list: the seed's {id, title, type, difficulty, url} and the caller's progress."""

    id: int
    slug: str
    title: str
    type: LessonType
    difficulty: Difficulty
    url: str = Field(description="Where the web app shows the lesson (absolute when the public URL is set)")
    summary: str
    minutes: int
    topics: list[str]
    status: LessonStatus
    quiz_best: float | None = Field(description="The best quiz score so far, 0..1")


class TryIt(ApiModel):
    label: str
    path: str = Field(description="A web-app path that opens a form filled in")


class QuizQuestion(ApiModel):
    """A question without its answer (answers are checked by POST .../quiz)."""

    question: str
    options: list[str]


class ExampleValue(ApiModel):
    label: str
    value: float | str | None
    unit: str | None = None
    hint: str | None = None


class LessonExample(ApiModel):
    """The lesson's live panel, from the caller's own data as the product computes it."""

    kind: str
    title: str
    subject: str | None = Field(description="The symbol or portfolio the values are about")
    values: list[ExampleValue]
    source: str | None
    as_of: UtcDateTime | None
    snapshot: bool = False
    note: str | None = Field(description="Why there are no values (no portfolio, no candles), or a caveat")


class LessonOut(LessonCard):
    html: str = Field(description="The lesson rendered from Markdown (no raw HTML in the source)")
    try_it: list[TryIt]
    quiz: list[QuizQuestion]
    example: LessonExample | None
    paths: list[str] = Field(description="The ids of the paths that include this lesson")
    previous_id: int | None
    next_id: int | None


class LessonList(ApiModel):
    lessons: list[LessonCard]
    count: int


class PathOut(ApiModel):
    id: str
    title: str
    description: str
    difficulty: Difficulty
    lessons: list[LessonCard]
    completed: int
    total: int
    next_lesson_id: int | None = Field(description="The first lesson of the path not completed yet")


class PathList(ApiModel):
    paths: list[PathOut]
    count: int


class ProgressIn(RequestModel):
    status: Literal["STARTED", "COMPLETED"]


class ProgressOut(ApiModel):
    lesson_id: int
    status: LessonStatus
    started_at: UtcDateTime | None
    completed_at: UtcDateTime | None
    quiz_attempts: int
    quiz_score: float | None
    quiz_best: float | None


class ProgressList(ApiModel):
    progress: list[ProgressOut]
    completed: int
    total: int = Field(description="Lessons in the curriculum")


class QuizIn(RequestModel):
    answers: list[int] = Field(max_length=50, description="The chosen option (0-based) per question")


class QuizResult(ApiModel):
    question: str
    chosen: int
    correct: int
    is_correct: bool
    explanation: str


class QuizOut(ApiModel):
    lesson_id: int
    score: float = Field(description="Correct answers / questions, 0..1")
    correct: int
    total: int
    passed: bool = Field(description="score >= 0.7; a passed quiz completes the lesson")
    results: list[QuizResult]
    progress: ProgressOut


class Suggestion(ApiModel):
    lesson: LessonCard
    reason: str = Field(description="Why this lesson, in words: 'you have RSI alerts and missed its quiz'")
    score: float


class SuggestionList(ApiModel):
    suggestions: list[Suggestion]
