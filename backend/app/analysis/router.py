"""Routes: technical analysis (the seed's POST /api/analysis/technical) and its charts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import Response

from app.analysis import chart_service, technical
from app.analysis.schemas import TechnicalIn, TechnicalOut
from app.core.deps import DbSession, RuntimeDep
from app.core.envelope import ERROR_RESPONSES, Envelope, ok
from app.users.deps import CurrentUser

router = APIRouter(prefix="/api", responses=ERROR_RESPONSES)


@router.post("/analysis/technical", response_model=Envelope[TechnicalOut], tags=["analysis"])
async def technical_analysis(
    body: TechnicalIn, _: CurrentUser, runtime: RuntimeDep, session: DbSession
) -> Envelope[TechnicalOut]:
    """Latest values and signals of each indicator on each timeframe, a summary vote, and a chart URL."""
    result = await technical.analyse(
        session,
        runtime.settings,
        body.symbol,
        body.indicators,
        body.timeframes,
        body.period,
        body.to,
        body.pattern_bars,
    )
    return ok(result)


@router.get(
    "/charts/{token}.png",
    tags=["analysis"],
    include_in_schema=True,
    response_class=Response,
    responses={200: {"content": {"image/png": {}}, "description": "The chart"}},
)
async def chart(
    token: Annotated[str, Path(max_length=2000)], runtime: RuntimeDep, session: DbSession
) -> Response:
    """A chart from a URL the analysis returned (signed; no token needed, so an <img> can load it)."""
    png = await chart_service.chart_png(session, runtime, token)
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=300"})
