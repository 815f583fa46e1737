"""Routes: the seed's POST /api/backtest/strategy, the user's runs, their data and equity chart, sweeps."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from app.backtesting import service
from app.backtesting.schemas import OptimizeIn, RunData, RunOut, StrategyIn, StrategyInfo, SweepJobOut
from app.core.deps import DbSession, RuntimeDep
from app.core.envelope import ERROR_RESPONSES, Envelope, ok, raw_json_ok
from app.users.deps import CurrentUser

router = APIRouter(prefix="/api/backtest", tags=["backtest"], responses=ERROR_RESPONSES)
BacktestId = Annotated[str, Path(alias="backtestId", max_length=40)]


@router.post("/strategy", response_model=Envelope[RunOut], status_code=201)
async def backtest_strategy(
    body: StrategyIn, user: CurrentUser, runtime: RuntimeDep, session: DbSession
) -> Envelope[RunOut]:
    """The seed's request and response. Runs at once and keeps the run (results, trades, equity)."""
    return ok(await service.create(session, runtime.settings, user.id, body))


@router.get("/strategies", response_model=Envelope[list[StrategyInfo]], response_model_exclude_none=True)
async def list_strategies(_: CurrentUser) -> Envelope[list[StrategyInfo]]:
    """The built-in strategies with their parameters (bounds and defaults), and the formula-based Rules."""
    return ok(service.catalog())


@router.post("/optimize", response_model=Envelope[SweepJobOut], status_code=202)
async def optimize(
    body: OptimizeIn, user: CurrentUser, runtime: RuntimeDep, session: DbSession
) -> Envelope[SweepJobOut]:
    """A parameter sweep as a background job (poll GET /api/jobs/{jobId}; cancel with its /cancel). Its
    `result`, once done, is a SweepOut."""
    return ok(await service.start_sweep(runtime, session, user.id, body))


@router.get("", response_model=Envelope[list[RunOut]])
async def list_runs(
    user: CurrentUser,
    runtime: RuntimeDep,
    session: DbSession,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> Envelope[list[RunOut]]:
    """Your runs, newest first."""
    return ok(await service.list_runs(session, runtime.settings, user.id, limit))


@router.get("/{backtestId}", response_model=Envelope[RunOut])
async def get_run(
    backtest_id: BacktestId, user: CurrentUser, runtime: RuntimeDep, session: DbSession
) -> Envelope[RunOut]:
    return ok(await service.get(session, runtime.settings, user, backtest_id))


@router.get("/{backtestId}/data", response_model=Envelope[RunData])
async def run_data(backtest_id: BacktestId, user: CurrentUser, session: DbSession) -> Response:
    """Equity and drawdown at each close, and every trade (entry/exit time, bar and price, fees, reason)."""
    # Serialised directly: FastAPI would validate the millions of points of a long run a second time.
    return raw_json_ok((await service.data(session, user, backtest_id)).model_dump_json(by_alias=True))


@router.get(
    "/{backtestId}/equity.png",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}, "description": "Equity and drawdown"}},
)
async def equity_chart(
    backtest_id: BacktestId,
    runtime: RuntimeDep,
    session: DbSession,
    sig: Annotated[str, Query(max_length=64)],
) -> Response:
    """The run's `equityCurveUrl` (signed: an <img> loads it without a token)."""
    png = await service.equity_chart(session, runtime.settings, backtest_id, sig)
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=86400"})


@router.delete("/{backtestId}", status_code=204)
async def delete_run(backtest_id: BacktestId, user: CurrentUser, session: DbSession) -> Response:
    await service.delete(session, user, backtest_id)
    return Response(status_code=204)
