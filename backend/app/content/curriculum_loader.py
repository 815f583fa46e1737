"""The curriculum: lessons (Markdown with YAML front matter) and learning paths, read and checked once per
process; an invalid file stops it with the file's name and what is wrong."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from app.content.learning_schemas import Difficulty, LessonType
from app.content.markdown import render
from app.content.suggestions import LEVELS

DIRECTORY = Path(__file__).parent / "curriculum"  # tests point it at their own curriculum
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*(?:\n|\Z)(.*)\Z", re.DOTALL)

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]


class CurriculumError(RuntimeError):
    """A lesson or paths file that cannot be served: the message starts with its file name."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Question(_Strict):
    question: Text
    options: tuple[Text, ...] = Field(min_length=2, max_length=5)
    answer: int
    explanation: Text

    @model_validator(mode="after")
    def _answer_is_an_option(self) -> Question:
        if not 0 <= self.answer < len(self.options):
            raise ValueError(f"answer {self.answer} is not an index of its {len(self.options)} options")
        return self


class TryIt(_Strict):
    label: Text
    path: Annotated[str, StringConstraints(pattern=r"^/[^\s]*$")]


class _FrontMatter(_Strict):
    id: int = Field(ge=101, le=399)
    slug: Slug
    title: Text
    type: LessonType
    difficulty: Difficulty
    minutes: int = Field(ge=1, le=120)
    topics: tuple[Slug, ...] = Field(min_length=1)
    summary: Text
    example: (
        Literal["candles", "rsi", "macd", "bollinger", "portfolio-risk", "fear-greed", "onchain"] | None
    ) = None
    try_it: tuple[TryIt, ...] = Field(default=(), alias="tryIt")
    quiz: tuple[Question, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _level_of_id(self) -> _FrontMatter:
        if LEVELS[self.id // 100 - 1] != self.difficulty:
            raise ValueError(
                f"id {self.id} is in the {LEVELS[self.id // 100 - 1]} range, not {self.difficulty}"
            )
        return self


@dataclass(frozen=True)
class Lesson:
    id: int
    slug: str
    title: str
    type: LessonType
    difficulty: Difficulty
    minutes: int
    topics: tuple[str, ...]
    summary: str
    example: str | None
    try_it: tuple[TryIt, ...]
    quiz: tuple[Question, ...]
    html: str
    file: str


class LearningPath(_Strict):
    id: Slug
    title: Text
    description: Text
    difficulty: Difficulty
    lessons: tuple[int, ...] = Field(min_length=1)


@dataclass(frozen=True)
class Curriculum:
    lessons: dict[int, Lesson]  # by id, in id order
    paths: tuple[LearningPath, ...]
    paths_of: dict[int, tuple[str, ...]] = field(default_factory=dict)  # lesson id -> ids of its paths

    def neighbours(self, lesson_id: int) -> tuple[int | None, int | None]:
        """The lessons before and after this one in its first path (in the id order when it is in none)."""
        order = next((p.lessons for p in self.paths if lesson_id in p.lessons), tuple(self.lessons))
        at = order.index(lesson_id)
        return (order[at - 1] if at > 0 else None, order[at + 1] if at + 1 < len(order) else None)


def _problem(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in error['loc']) or 'front matter'}: {error['msg']}"
        for error in exc.errors()
    )


def parse_lesson(path: Path) -> Lesson:
    """One lesson file, checked; CurriculumError naming the file when it is not a valid lesson."""
    name = f"lessons/{path.name}"
    match = _FRONT_MATTER.match(path.read_text(encoding="utf-8"))
    if match is None:
        raise CurriculumError(f"{name}: no YAML front matter between two '---' lines")
    try:
        data: Any = yaml.safe_load(match.group(1))
        front = _FrontMatter.model_validate(data)
    except yaml.YAMLError as exc:
        raise CurriculumError(f"{name}: the front matter is not YAML: {exc}") from exc
    except ValidationError as exc:
        raise CurriculumError(f"{name}: {_problem(exc)}") from exc
    if front.slug != path.stem:
        raise CurriculumError(f"{name}: slug {front.slug} is not the file's name")
    body = match.group(2).strip()
    if not body:
        raise CurriculumError(f"{name}: the lesson has no body")
    values = front.model_dump(exclude={"try_it", "quiz"})
    return Lesson(**values, try_it=front.try_it, quiz=front.quiz, html=render(body), file=name)


def _paths(path: Path, lessons: dict[int, Lesson]) -> tuple[LearningPath, ...]:
    if not path.exists():
        return ()
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        paths = tuple(LearningPath.model_validate(item) for item in raw)
    except yaml.YAMLError as exc:
        raise CurriculumError(f"paths.yaml: not YAML: {exc}") from exc
    except (ValidationError, TypeError) as exc:
        detail = _problem(exc) if isinstance(exc, ValidationError) else "a list of paths is expected"
        raise CurriculumError(f"paths.yaml: {detail}") from exc
    seen: set[str] = set()
    for learning_path in paths:
        if learning_path.id in seen:
            raise CurriculumError(f"paths.yaml: path {learning_path.id} is listed twice")
        seen.add(learning_path.id)
        missing = [i for i in learning_path.lessons if i not in lessons]
        if missing:
            raise CurriculumError(f"paths.yaml: path {learning_path.id} lists unknown lessons {missing}")
        if len(set(learning_path.lessons)) != len(learning_path.lessons):
            raise CurriculumError(f"paths.yaml: path {learning_path.id} lists a lesson twice")
    return paths


@cache
def load(directory: Path) -> Curriculum:
    """Every `lessons/*.md` and `paths.yaml` of `directory`, checked: unique ids and slugs, known lessons."""
    by_id: dict[int, Lesson] = {}
    slugs: dict[str, str] = {}
    for path in sorted((directory / "lessons").glob("*.md")):
        lesson = parse_lesson(path)
        if lesson.id in by_id:
            raise CurriculumError(f"{lesson.file}: id {lesson.id} is also {by_id[lesson.id].file}'s")
        if lesson.slug in slugs:
            raise CurriculumError(f"{lesson.file}: slug {lesson.slug} is also {slugs[lesson.slug]}'s")
        by_id[lesson.id], slugs[lesson.slug] = lesson, lesson.file
    lessons = dict(sorted(by_id.items()))
    paths = _paths(directory / "paths.yaml", lessons)
    paths_of = {i: tuple(p.id for p in paths if i in p.lessons) for i in lessons}
    return Curriculum(lessons, paths, paths_of)


def current() -> Curriculum:
    """The product's curriculum (read once per process)."""
    return load(DIRECTORY)
