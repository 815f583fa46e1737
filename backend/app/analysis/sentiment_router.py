"""Routes: scoring texts' sentiment (POST /api/sentiment/score), the scorer news, community and digest use."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter

from app.analysis.sentiment_schemas import ScoreIn, ScoreOut, TextScore
from app.core.envelope import ERROR_RESPONSES, Envelope, ok
from app.quant.sentiment.vader import vader
from app.users.deps import CurrentUser

router = APIRouter(prefix="/api", responses=ERROR_RESPONSES)


@router.post("/sentiment/score", response_model=Envelope[ScoreOut], tags=["sentiment"])
async def score_texts(body: ScoreIn, _: CurrentUser) -> Envelope[ScoreOut]:
    """Each text's score in [0, 1] and its label, in the order sent (up to 100 texts)."""
    analyzer = body.analyzer or "VADER_CRYPTO"
    scorer = vader(crypto=analyzer == "VADER_CRYPTO")
    # Off the event loop: the first call reads VADER's lexicon file, and 100 long texts take ~30 ms.
    scored = await asyncio.to_thread(scorer.score, body.texts)
    results = [TextScore(score=round(s.score, 4), label=s.label) for s in scored]
    return ok(ScoreOut(results=results, analyzer=analyzer))
