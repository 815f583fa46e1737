"""Request and response bodies of the sentiment routes."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from app.core.schemas import ApiModel, RequestModel
from app.quant.sentiment.labels import Label

Analyzer = Literal["VADER_CRYPTO", "VADER", "TRANSFORMERS"]
Text = Annotated[str, StringConstraints(min_length=1, max_length=5000)]


class ScoreIn(RequestModel):
    texts: list[Text] = Field(min_length=1, max_length=100)
    analyzer: Analyzer | None = Field(
        default=None,
        description="VADER_CRYPTO (default): VADER with Cryptomon's crypto lexicon; VADER: VADER alone; "
        "TRANSFORMERS: the text-classification model set in CRYPTOMON_SENTIMENT_MODEL (422 when none is)",
    )


class TextScore(ApiModel):
    score: float = Field(description="0 = bearish, 0.5 = no direction, 1 = bullish")
    label: Label


class ScoreOut(ApiModel):
    results: list[TextScore] = Field(description="One per text, in the order sent")
    analyzer: Analyzer
