"""Routes: fundamental analysis (the seed's POST /api/analysis/fundamental) and the stored analyses."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from app.analysis import fundamental
from app.analysis.fundamental_schemas import (
    AnalysisList,
    FundamentalAnalysisOut,
    FundamentalIn,
    FundamentalsPart,
    MarketSource,
    SentimentPart,
    WhalesPart,
)
from app.core.deps import DbSession, RuntimeDep
from app.core.envelope import ERROR_RESPONSES, Envelope, ok
from app.users.deps import CurrentUser, SignedInCaller

router = APIRouter(prefix="/api", responses=ERROR_RESPONSES, tags=["analysis"])


@router.post(
    "/analysis/fundamental",
    response_model=Envelope[FundamentalAnalysisOut],
    responses={202: {"description": "Not ready within the sync budget: PENDING, finished by a job"}},
)
async def fundamental_analysis(
    body: FundamentalIn, user: CurrentUser, runtime: RuntimeDep, session: DbSession, response: Response
) -> Envelope[FundamentalAnalysisOut]:
    """Market, on-chain and sentiment figures with the source and time of each, and a transparent
    BUY/HOLD/SELL. 200 when the providers answer within `analysisSyncSeconds` (cached or snapshot data);
    otherwise 202 with status PENDING, and ANALYSIS_COMPLETE on the WebSocket when it is stored."""
    out, complete = await fundamental.run(runtime, session, user.id, body)
    if not complete:
        response.status_code = 202
    return ok(out)


@router.get("/analysis/{analysisId}", response_model=Envelope[FundamentalAnalysisOut])
async def get_analysis(
    analysis_id: Annotated[str, Path(alias="analysisId", pattern=r"^ANLYS-\d{8}-\d{3,}$", max_length=40)],
    caller: SignedInCaller,
    session: DbSession,
) -> Envelope[FundamentalAnalysisOut]:
    """A stored analysis (yours, or any for an admin); PENDING until its job finishes."""
    return ok(await fundamental.get(session, caller, analysis_id))


@router.get("/analysis", response_model=Envelope[AnalysisList])
async def list_analyses(
    caller: SignedInCaller, session: DbSession, limit: Annotated[int, Query(ge=1, le=200)] = 50
) -> Envelope[AnalysisList]:
    """Your fundamental analyses, newest first."""
    analyses = await fundamental.list_for(session, caller.id, limit)
    return ok(AnalysisList(analyses=analyses, count=len(analyses)))


Symbol = Annotated[str, Path(min_length=1, max_length=30)]
Timeframe = Annotated[str, Query(max_length=6, description="1d to 365d")]


@router.get("/fundamentals/{symbol}", response_model=Envelope[FundamentalsPart])
async def get_fundamentals(
    symbol: Symbol,
    _: SignedInCaller,
    runtime: RuntimeDep,
    session: DbSession,
    sources: Annotated[list[MarketSource], Query()] = ["COINGECKO", "COINMARKETCAP"],  # noqa: B006 (FastAPI copies it)
) -> Envelope[FundamentalsPart]:
    """Market cap, volume, price, supply and rank, each with its source and as-of time."""
    return ok(await fundamental.fundamentals_part(runtime, session, symbol, list(sources)))


@router.get("/onchain/{symbol}/whales", response_model=Envelope[WhalesPart])
async def get_whales(
    symbol: Symbol, _: SignedInCaller, runtime: RuntimeDep, session: DbSession, timeframe: Timeframe = "7d"
) -> Envelope[WhalesPart]:
    """Transfers of at least the whale threshold to or from the labelled exchange wallets."""
    return ok(await fundamental.whales_part(runtime, session, symbol, timeframe))


@router.get("/sentiment/{symbol}", response_model=Envelope[SentimentPart])
async def get_sentiment(
    symbol: Symbol, _: SignedInCaller, runtime: RuntimeDep, session: DbSession, timeframe: Timeframe = "30d"
) -> Envelope[SentimentPart]:
    """The posts mentioning the asset with their scores, the score per day, and the Fear & Greed series."""
    return ok(await fundamental.sentiment_part(runtime, session, symbol, timeframe))
