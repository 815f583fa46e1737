"""Routes: scoring texts' sentiment (POST /api/sentiment/score), the scorer news, community and digest use."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence

from fastapi import APIRouter

from app.analysis.sentiment_schemas import Analyzer, ScoreIn, ScoreOut, TextScore
from app.config import Settings
from app.core.deps import RuntimeDep
from app.core.envelope import ERROR_RESPONSES, Envelope, ok
from app.core.errors import AppError, ErrorCode
from app.quant.sentiment import transformers_scorer as tf
from app.quant.sentiment.labels import Scored
from app.quant.sentiment.vader import vader
from app.users.deps import CurrentUser

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api", responses=ERROR_RESPONSES)


@router.post("/sentiment/score", response_model=Envelope[ScoreOut], tags=["sentiment"])
async def score_texts(body: ScoreIn, _: CurrentUser, runtime: RuntimeDep) -> Envelope[ScoreOut]:
    """Each text's score in [0, 1] and its label, in the order sent (up to 100 texts)."""
    analyzer = body.analyzer or "VADER_CRYPTO"
    score = _scorer(analyzer, runtime.settings)
    # Off the event loop: VADER's first call reads its lexicon file and 100 long texts take ~30 ms; a
    # transformer loads its model on first use (seconds) and then takes ~10 ms a text on CPU.
    try:
        scored = await asyncio.to_thread(score, body.texts)
    except tf.ModelLoadError as exc:
        log.error("the TRANSFORMERS sentiment analyser is unavailable: %s", exc)
        raise AppError(
            ErrorCode.SERVICE_UNAVAILABLE,
            "The TRANSFORMERS analyzer's model (CRYPTOMON_SENTIMENT_MODEL) could not be loaded; "
            "the server's log says why",
        ) from exc
    results = [TextScore(score=round(s.score, 4), label=s.label) for s in scored]
    return ok(ScoreOut(results=results, analyzer=analyzer))


def _scorer(analyzer: Analyzer, settings: Settings) -> Callable[[Sequence[str]], list[Scored]]:
    if analyzer != "TRANSFORMERS":
        return vader(crypto=analyzer == "VADER_CRYPTO").score
    model = settings.sentiment_model.strip()
    if not model:
        raise AppError(
            ErrorCode.VALIDATION_ERROR,
            "The TRANSFORMERS analyzer is not configured on this server: set CRYPTOMON_SENTIMENT_MODEL "
            "to a Hugging Face model name or directory",
            field="analyzer",
        )
    if not tf.installed():
        raise AppError(
            ErrorCode.VALIDATION_ERROR,
            "The TRANSFORMERS analyzer needs torch and transformers, which this server has not installed: "
            + tf.INSTALL_HINT,
            field="analyzer",
        )
    return lambda texts: tf.transformers_scorer(model).score(texts)
