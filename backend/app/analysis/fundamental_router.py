"""Routes: fundamental analysis (the seed's POST /api/analysis/fundamental) and the stored analyses."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from app.analysis import fundamental
from app.analysis.fundamental_schemas import AnalysisList, AnalysisOut, FundamentalIn
from app.core.deps import DbSession, RuntimeDep
from app.core.envelope import ERROR_RESPONSES, Envelope, ok
from app.users.deps import CurrentUser, SignedInCaller

router = APIRouter(prefix="/api", responses=ERROR_RESPONSES, tags=["analysis"])


@router.post(
    "/analysis/fundamental",
    response_model=Envelope[AnalysisOut],
    responses={202: {"description": "Not ready within the sync budget: PENDING, finished by a job"}},
)
async def fundamental_analysis(
    body: FundamentalIn, user: CurrentUser, runtime: RuntimeDep, session: DbSession, response: Response
) -> Envelope[AnalysisOut]:
    """Market, on-chain and sentiment figures with the source and time of each, and a transparent
    BUY/HOLD/SELL. 200 when the providers answer within `analysisSyncSeconds` (cached or snapshot data);
    otherwise 202 with status PENDING, and ANALYSIS_COMPLETE on the WebSocket when it is stored."""
    out, complete = await fundamental.run(runtime, session, user.id, body)
    if not complete:
        response.status_code = 202
    return ok(out)


@router.get("/analysis/{analysisId}", response_model=Envelope[AnalysisOut])
async def get_analysis(
    analysis_id: Annotated[str, Path(alias="analysisId", pattern=r"^ANLYS-\d{8}-\d{3,}$", max_length=40)],
    caller: SignedInCaller,
    session: DbSession,
) -> Envelope[AnalysisOut]:
    """A stored analysis (yours, or any for an admin); PENDING until its job finishes."""
    return ok(await fundamental.get(session, caller, analysis_id))


@router.get("/analysis", response_model=Envelope[AnalysisList])
async def list_analyses(
    caller: SignedInCaller, session: DbSession, limit: Annotated[int, Query(ge=1, le=200)] = 50
) -> Envelope[AnalysisList]:
    """Your fundamental analyses, newest first."""
    analyses = await fundamental.list_for(session, caller.id, limit)
    return ok(AnalysisList(analyses=analyses, count=len(analyses)))
