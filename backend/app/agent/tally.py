"""What one answer's model calls used, and the error that ends it when the day's tokens run out (no LangChain
here: the API imports it at start, LangChain is loaded with the first question)."""

from __future__ import annotations

from dataclasses import dataclass


class BudgetExceeded(Exception):
    """The user's daily tokens ran out during the turn."""


@dataclass
class Tally:
    """What the turn's model calls used; `tokens_left` is the user's daily allowance at the start."""

    tokens_left: int
    input_tokens: int = 0
    output_tokens: int = 0
    answer: str | None = None
