"""Sentiment of texts for other domains (news, digest): the analyser the analysis domain picks."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from app.quant.sentiment import transformers_scorer as tf
from app.quant.sentiment.labels import Scored
from app.quant.sentiment.vader import vader

if TYPE_CHECKING:
    from app.config import Settings

AnalyserName = Literal["TRANSFORMERS", "VADER_CRYPTO"]
log = logging.getLogger(__name__)


def analyser_of(settings: Settings) -> AnalyserName:
    """TRANSFORMERS when `CRYPTOMON_SENTIMENT_MODEL` names a model and torch + transformers are installed;
    VADER with the crypto lexicon otherwise."""
    return "TRANSFORMERS" if settings.sentiment_model.strip() and tf.installed() else "VADER_CRYPTO"


def _score(settings: Settings, texts: Sequence[str]) -> tuple[list[Scored], AnalyserName]:
    if analyser_of(settings) == "TRANSFORMERS":
        try:
            return tf.transformers_scorer(settings.sentiment_model.strip()).score(texts), "TRANSFORMERS"
        except tf.ModelUnavailable as exc:
            # A model that will not load must not stop the caller: VADER still gives a fair reading.
            log.error("the TRANSFORMERS sentiment model did not load, VADER scores instead: %s", exc)
    return vader(crypto=True).score(texts), "VADER_CRYPTO"


async def score_texts(settings: Settings, texts: Sequence[str]) -> tuple[list[Scored], AnalyserName]:
    """Each text's score in [0, 1] (0 bearish, 0.5 no direction, 1 bullish) and label, in order, and the
    analyser that gave them; off the event loop (a model loads in seconds, VADER reads its lexicon once)."""
    if not texts:
        return [], analyser_of(settings)
    return await asyncio.to_thread(_score, settings, list(texts))
