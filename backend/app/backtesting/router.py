"""Routes: the seed's POST /api/backtest/strategy, the user's runs, their data and equity chart, sweeps."""

from __future__ import annotations

import asyncio
import hmac
from collections import OrderedDict
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from app.backtesting import service, strategies
from app.backtesting.chart import equity_png
from app.backtesting.optimize import combinations
from app.backtesting.schemas import OptimizeIn, StrategyIn
from app.core.deps import DbSession, RuntimeDep
from app.core.envelope import ERROR_RESPONSES, Envelope, ok, raw_ok
from app.core.errors import not_found
from app.core.tasks import service as job_service
from app.core.tasks.schemas import JobOut, job_out
from app.users.deps import CurrentUser

router = APIRouter(prefix="/api/backtest", tags=["backtest"], responses=ERROR_RESPONSES)
BacktestId = Annotated[str, Path(alias="backtestId", max_length=40)]
_PNGS: OrderedDict[str, bytes] = OrderedDict()  # runs never change: their charts are drawn once
PNG_CACHE = 64


@router.post("/strategy", response_model=Envelope[dict[str, Any]], status_code=201)
async def backtest_strategy(
    body: StrategyIn, user: CurrentUser, runtime: RuntimeDep, session: DbSession
) -> Response:
    """The seed's request and response. Runs at once and keeps the run (results, trades, equity)."""
    row = await service.create(session, user, body, runtime.settings.backtest_risk_free_rate)
    return raw_ok(service.to_out(runtime.settings, row), status_code=201)


@router.get("/strategies", response_model=Envelope[list[dict[str, Any]]])
async def list_strategies(_: CurrentUser) -> Envelope[list[dict[str, Any]]]:
    """The built-in strategies with their parameters (bounds and defaults), and the formula-based Rules."""
    listed = [
        {
            "name": s.name,
            "description": s.description,
            "parameters": [
                {
                    "name": p.name,
                    "default": p.default,
                    "min": p.minimum,
                    "max": p.maximum,
                    "integer": p.integer,
                }
                for p in s.params
            ],
        }
        for s in strategies.BUILT_IN
    ]
    listed.append(
        {
            "name": strategies.RULES,
            "description": "Entry and exit written as formulas, e.g. CROSSOVER(EMA(CLOSE,12), EMA(CLOSE,26))",
            "parameters": [
                {"name": "entry", "type": "formula"},
                {"name": "exit", "type": "formula"},
                {"name": "shortEntry", "type": "formula", "optional": True},
                {"name": "shortExit", "type": "formula", "optional": True},
            ],
        }
    )
    return ok(listed)


@router.post("/optimize", response_model=Envelope[JobOut], status_code=202)
async def optimize(
    body: OptimizeIn, user: CurrentUser, runtime: RuntimeDep, session: DbSession
) -> Envelope[JobOut]:
    """A parameter sweep as a background job (poll GET /api/jobs/{jobId}; cancel with its /cancel)."""
    await service.prepare(session, user, body.strategy_name, body.parameters)  # a bad request fails here
    combinations(body)
    payload = body.model_dump(mode="json", by_alias=True)
    job = await job_service.enqueue(runtime, session, "backtest.optimize", payload, user_id=user.id)
    return ok(job_out(job))


@router.get("", response_model=Envelope[list[dict[str, Any]]])
async def list_runs(
    user: CurrentUser,
    runtime: RuntimeDep,
    session: DbSession,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> Response:
    """Your runs, newest first."""
    rows = await service.list_for(session, user, limit)
    return raw_ok([service.to_out(runtime.settings, row) for row in rows])


@router.get("/{backtestId}", response_model=Envelope[dict[str, Any]])
async def get_run(
    backtest_id: BacktestId, user: CurrentUser, runtime: RuntimeDep, session: DbSession
) -> Response:
    return raw_ok(service.to_out(runtime.settings, await service.owned(session, user, backtest_id)))


@router.get("/{backtestId}/data", response_model=Envelope[dict[str, Any]])
async def run_data(backtest_id: BacktestId, user: CurrentUser, session: DbSession) -> Response:
    """Equity and drawdown at each close, and every trade (entry/exit time, bar and price, fees, reason)."""
    return raw_ok(service.series_of(await service.owned(session, user, backtest_id)))


@router.get(
    "/{backtestId}/equity.png",
    responses={200: {"content": {"image/png": {}}, "description": "Equity and drawdown"}},
)
async def equity_chart(
    backtest_id: BacktestId,
    runtime: RuntimeDep,
    session: DbSession,
    sig: Annotated[str, Query(max_length=64)],
) -> Response:
    """The run's `equityCurveUrl` (signed: an <img> loads it without a token)."""
    if not hmac.compare_digest(sig, service.signature(runtime.settings, backtest_id)):
        raise not_found("Backtest", backtest_id)
    png = _PNGS.get(backtest_id)
    if png is None:
        row = await service.load_public(session, backtest_id)
        title = f"{row.strategy_name} on {row.symbol} {row.interval}"
        png = await asyncio.to_thread(
            equity_png, row.equity.get("ts", []), row.equity.get("equity", []), title
        )
        _PNGS[backtest_id] = png
        while len(_PNGS) > PNG_CACHE:
            _PNGS.popitem(last=False)
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=86400"})


@router.delete("/{backtestId}", status_code=204)
async def delete_run(backtest_id: BacktestId, user: CurrentUser, session: DbSession) -> Response:
    await session.delete(await service.owned(session, user, backtest_id))
    _PNGS.pop(backtest_id, None)
    return Response(status_code=204)
