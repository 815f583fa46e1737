"""Grading a lesson's quiz: score = correct answers / questions, passed at 0.7 or more."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

PASS_MARK = 0.7


@dataclass(frozen=True)
class Graded:
    correct: int
    total: int
    score: float  # correct / total, 0..1
    passed: bool  # score >= PASS_MARK
    right: tuple[bool, ...]  # per question


def grade(answers: Sequence[int], key: Sequence[int]) -> Graded:
    """The answers (0-based option per question) against the key; the caller checked the lengths.

    >>> grade([1, 0, 2, 3], [1, 0, 2, 0])
    Graded(correct=3, total=4, score=0.75, passed=True, right=(True, True, True, False))
    >>> grade([0, 0, 1], [1, 0, 2]).passed  # 1/3
    False
    >>> grade([1, 2, 0, 0, 0, 0, 0, 0, 0, 0], [1, 2, 0, 0, 0, 0, 0, 1, 1, 1]).passed  # exactly 0.7
    True
    """
    right = tuple(a == k for a, k in zip(answers, key, strict=True))
    correct = sum(right)
    score = correct / len(key)
    return Graded(correct, len(key), score, score >= PASS_MARK, right)
