"""Routes: technical analysis (the seed's POST /api/analysis/technical) and its charts."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import Response
from pydantic import Field, StringConstraints

from app.analysis import chart_service, technical
from app.core.deps import DbSession, RuntimeDep
from app.core.envelope import ERROR_RESPONSES, Envelope, raw_ok
from app.core.schemas import RequestModel
from app.users.deps import CurrentUser

router = APIRouter(prefix="/api", responses=ERROR_RESPONSES)

IndicatorName = Annotated[str, StringConstraints(min_length=1, max_length=40)]
Timeframe = Annotated[str, StringConstraints(min_length=2, max_length=3)]


class TechnicalIn(RequestModel):
    symbol: Annotated[str, StringConstraints(min_length=1, max_length=30)]
    indicators: list[IndicatorName] = Field(min_length=1, max_length=12)
    timeframes: list[Timeframe] = Field(default_factory=lambda: ["1d"], min_length=1, max_length=6)
    period: str = "90d"
    to: datetime | None = Field(default=None, description="End of the period; default: the latest candle")


@router.post("/analysis/technical", response_model=Envelope[dict[str, Any]], tags=["analysis"])
async def technical_analysis(
    body: TechnicalIn, _: CurrentUser, runtime: RuntimeDep, session: DbSession
) -> Response:
    """Latest values and signals of each indicator on each timeframe, a summary vote, and a chart URL."""
    result = await technical.analyse(
        session, runtime.settings, body.symbol, body.indicators, body.timeframes, body.period, body.to
    )
    return raw_ok(result)


@router.get(
    "/charts/{token}.png",
    tags=["analysis"],
    include_in_schema=True,
    responses={200: {"content": {"image/png": {}}, "description": "The chart"}},
)
async def chart(
    token: Annotated[str, Path(max_length=2000)], runtime: RuntimeDep, session: DbSession
) -> Response:
    """A chart from a URL the analysis returned (signed; no token needed, so an <img> can load it)."""
    png = await chart_service.chart_png(session, runtime, token)
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=300"})
