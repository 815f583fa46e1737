"""Which lesson next: a pure score per lesson not completed yet, from the reader's level, interests, quiz
results, what they do in the product (alerts, portfolios, backtests) and the paths they started."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from app.content.quiz import PASS_MARK

LEVELS = ("BEGINNER", "INTERMEDIATE", "ADVANCED")
LEVEL_UP_AFTER = 3  # completed lessons of a level before the next level is inferred
SAME_LEVEL, LEVEL_ABOVE, LEVEL_BELOW = 1.0, 0.4, 0.2
INTERESTS = 0.5  # times the share of the lesson's topics among the reader's interests
FAILED_QUIZ = 1.5
ACTIVITY = 0.8
NEXT_IN_PATH = 0.3
SECOND_REASON = 0.5  # a factor this strong is named after the strongest one

# Alert indicators -> lesson topics; any other indicator counts as `indicators`.
INDICATOR_TOPICS = {
    "RSI": "rsi",
    "MACD": "macd",
    "BBANDS": "bollinger",
    "STOCH": "stochastic",
    "STOCHF": "stochastic",
    "ADX": "adx",
    "SMA": "moving-averages",
    "EMA": "moving-averages",
    "WMA": "moving-averages",
    "DEMA": "moving-averages",
    "TEMA": "moving-averages",
}
CONDITION_TOPICS = {
    "VOLUME_SPIKE": ("volume",),
    "FEAR_GREED_BELOW": ("fear-greed", "sentiment"),
    "FEAR_GREED_ABOVE": ("fear-greed", "sentiment"),
    "SENTIMENT_BELOW": ("sentiment",),
    "SENTIMENT_ABOVE": ("sentiment",),
    "WHALE_MOVEMENTS_ABOVE": ("whales", "onchain"),
    "ALLOCATION_DRIFT": ("rebalancing", "portfolio"),
    "DRAWDOWN_BELOW": ("drawdown", "risk"),
    "VAR_BREACH": ("var", "risk"),
    "VALUE_ABOVE": ("portfolio",),
    "VALUE_BELOW": ("portfolio",),
}
HOLDING_TOPICS = ("portfolio", "risk")
BACKTEST_TOPICS = ("backtesting",)


def alert_topics(condition: str, metadata: Mapping[str, Any]) -> tuple[str, ...]:
    """The lesson topics an alert is about: its indicator's, its research series' or portfolio condition's,
    `formulas` for a formula, and `alerts` for a price rule.

    >>> alert_topics("CROSSING_UP", {"indicator": "rsi", "params": {"period": 14}})
    ('rsi',)
    >>> alert_topics("PRICE_ABOVE", {}), alert_topics("FEAR_GREED_BELOW", {})
    (('alerts',), ('fear-greed', 'sentiment'))
    >>> alert_topics("GREATER_THAN", {"formula": "RSI(14) - RSI(28)"})
    ('formulas',)
    >>> alert_topics("LESS_THAN", {"indicator": "MFI"})
    ('indicators',)
    """
    if condition in CONDITION_TOPICS:
        return CONDITION_TOPICS[condition]
    indicator = metadata.get("indicator")
    if isinstance(indicator, str) and indicator:
        return (INDICATOR_TOPICS.get(indicator.upper(), "indicators"),)
    if metadata.get("formula"):
        return ("formulas",)
    return ("alerts",)


def inferred_level(completed: Iterable[str]) -> str:
    """The reader's level from the difficulties of the lessons they completed: BEGINNER until 3 beginner
    lessons are completed, then INTERMEDIATE until 3 intermediate ones are, then ADVANCED.

    >>> beginner, intermediate = ["BEGINNER"] * 3, ["INTERMEDIATE"] * 3
    >>> inferred_level([]), inferred_level(beginner), inferred_level(beginner + intermediate)
    ('BEGINNER', 'INTERMEDIATE', 'ADVANCED')
    >>> inferred_level(["INTERMEDIATE"] * 5)
    'BEGINNER'
    """
    done = list(completed)
    for level in LEVELS[:-1]:
        if done.count(level) < LEVEL_UP_AFTER:
            return level
    return LEVELS[-1]


def level_points(reader: str, lesson: str) -> float:
    """1.0 at the reader's level, 0.4 one level above, 0.2 below, 0 two levels above.

    >>> [level_points("INTERMEDIATE", x) for x in LEVELS], level_points("BEGINNER", "ADVANCED")
    ([0.2, 1.0, 0.4], 0.0)
    """
    step = LEVELS.index(lesson) - LEVELS.index(reader)
    return SAME_LEVEL if step == 0 else LEVEL_ABOVE if step == 1 else LEVEL_BELOW if step < 0 else 0.0


@dataclass(frozen=True)
class Candidate:
    id: int
    difficulty: str
    topics: tuple[str, ...]


@dataclass(frozen=True)
class Reader:
    level: str
    interests: frozenset[str] = frozenset()  # lower-case tags
    activity: Mapping[str, str] = field(
        default_factory=dict
    )  # topic -> what the reader does: "you have RSI alerts"
    quiz_best: Mapping[int, float] = field(default_factory=dict)  # lesson id -> best score of its attempts
    next_in_paths: Mapping[int, str] = field(default_factory=dict)  # lesson id -> title of a started path


@dataclass(frozen=True)
class Scored:
    lesson_id: int
    score: float
    reason: str


_LEVEL_WORDS = {
    SAME_LEVEL: "at your level ({level})",
    LEVEL_ABOVE: "the next step after {level}",
    LEVEL_BELOW: "a refresher below your level ({level})",
}


def score(lesson: Candidate, reader: Reader) -> Scored:
    """The sum of the factors (docs/API.md, Learning): level, interests, a failed quiz, activity, next in a
    started path; the reason names the strongest factor, then any other worth 0.5 or more but the level.

    >>> rsi = Candidate(201, "INTERMEDIATE", ("rsi", "indicators", "momentum", "alerts"))
    >>> alerts = {"rsi": "you have RSI alerts"}
    >>> reader = Reader("INTERMEDIATE", frozenset({"rsi", "bitcoin"}), alerts, {201: 0.25})
    >>> score(rsi, reader)
    Scored(lesson_id=201, score=3.425, reason='you scored 25% on its quiz; you have RSI alerts')
    >>> score(Candidate(101, "BEGINNER", ("candles",)), Reader("BEGINNER"))
    Scored(lesson_id=101, score=1.0, reason='at your level (beginner)')
    """
    factors: list[tuple[float, str]] = []
    points = level_points(reader.level, lesson.difficulty)
    level_words = _LEVEL_WORDS[points].format(level=reader.level.lower()) if points else None
    if level_words:
        factors.append((points, level_words))
    topics = [t.lower() for t in lesson.topics]
    liked = [t for t in topics if t in reader.interests]
    if liked:
        factors.append((INTERESTS * len(liked) / len(topics), f"about your interests: {', '.join(liked)}"))
    best = reader.quiz_best.get(lesson.id)
    if best is not None and best < PASS_MARK:
        factors.append((FAILED_QUIZ, f"you scored {round(best * 100)}% on its quiz"))
    done = next((reader.activity[t] for t in topics if t in reader.activity), None)
    if done is not None:
        factors.append((ACTIVITY, done))
    path = reader.next_in_paths.get(lesson.id)
    if path is not None:
        factors.append((NEXT_IN_PATH, f"next in your path {path}"))
    factors.sort(key=lambda f: -f[0])  # stable: equal factors keep the order above
    named = factors[:1] + [f for f in factors[1:] if f[0] >= SECOND_REASON and f[1] != level_words]
    reason = "; ".join(text for _, text in named) or "not covered yet"
    return Scored(lesson.id, round(sum(p for p, _ in factors), 6), reason)


def rank(lessons: Iterable[Candidate], reader: Reader, limit: int) -> list[Scored]:
    """The `limit` best-scored lessons, highest first; ties go to the lower id (the curriculum's order).

    >>> lessons = [Candidate(101, "BEGINNER", ("candles",)), Candidate(201, "INTERMEDIATE", ("rsi",))]
    >>> [s.lesson_id for s in rank(lessons, Reader("BEGINNER", activity={"rsi": "you have RSI alerts"}), 2)]
    [201, 101]
    """
    scored = [score(lesson, reader) for lesson in lessons]
    return sorted(scored, key=lambda s: (-s.score, s.lesson_id))[:limit]
