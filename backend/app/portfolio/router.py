"""Routes: the seed's portfolios, positions and analysis; transactions; rebalancing advice."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from app.alerts.schemas import AlertOut, PortfolioAlertIn
from app.core.deps import DbSession, RuntimeDep
from app.core.envelope import ERROR_RESPONSES, Envelope, ok
from app.core.schemas import DbId
from app.notifications.deps import NotifierDep
from app.portfolio import analysis, csv_io, optimize, service
from app.portfolio.schemas import (
    AnalysisOut,
    ImportIn,
    ImportOut,
    PortfolioCreated,
    PortfolioIn,
    PortfolioOptimizeIn,
    PortfolioOptimizeOut,
    PortfolioOut,
    PortfolioPatch,
    PositionIn,
    PositionOut,
    RebalanceOut,
    TransactionIn,
    TransactionOut,
    TransactionPage,
    TransactionPatch,
)
from app.users import service as user_service
from app.users.deps import SignedInCaller, ensure_can_act_for

router = APIRouter(prefix="/api/portfolios", tags=["portfolios"], responses=ERROR_RESPONSES)
PortfolioId = Annotated[DbId, Path(alias="portfolioId")]
TransactionId = Annotated[DbId, Path(alias="transactionId")]


@router.post("", response_model=Envelope[PortfolioCreated], status_code=201)
async def create_portfolio(
    body: PortfolioIn, caller: SignedInCaller, runtime: RuntimeDep, session: DbSession, notifier: NotifierDep
) -> Envelope[PortfolioCreated]:
    """The seed's request and response. A cash target (USD, USDT, USDC) is valued at its stored USD price,
    else at 1.0 (positions say which). It comes with an IN_APP ALLOCATION_DRIFT alert (see its alerts)."""
    ensure_can_act_for(caller, body.user_id)
    owner = await user_service.get_user(session, body.user_id)  # an admin naming someone: 404 if nobody
    return ok(await service.create(session, runtime.cache, runtime.bus, notifier, owner, body))


@router.get("", response_model=Envelope[list[PortfolioOut]])
async def list_portfolios(
    caller: SignedInCaller, runtime: RuntimeDep, session: DbSession
) -> Envelope[list[PortfolioOut]]:
    """Your portfolios, oldest first, each valued at the latest prices."""
    return ok(await service.list_of(session, runtime.cache, caller.id))


@router.get("/{portfolioId}", response_model=Envelope[PortfolioOut])
async def get_portfolio(
    portfolio_id: PortfolioId, caller: SignedInCaller, runtime: RuntimeDep, session: DbSession
) -> Envelope[PortfolioOut]:
    return ok(await service.get(session, runtime.cache, caller, portfolio_id))


@router.patch("/{portfolioId}", response_model=Envelope[PortfolioOut])
async def update_portfolio(
    portfolio_id: PortfolioId,
    body: PortfolioPatch,
    caller: SignedInCaller,
    runtime: RuntimeDep,
    session: DbSession,
) -> Envelope[PortfolioOut]:
    """Name, risk profile, targets and band; only the fields sent change (`band: null`: the profile's)."""
    return ok(await service.update(session, runtime.cache, runtime.bus, caller, portfolio_id, body))


@router.delete("/{portfolioId}", status_code=204)
async def delete_portfolio(
    portfolio_id: PortfolioId, caller: SignedInCaller, runtime: RuntimeDep, session: DbSession
) -> Response:
    """The portfolio with its transactions, positions and risk alerts."""
    await service.delete(session, runtime.cache, runtime.bus, caller, portfolio_id)
    return Response(status_code=204)


@router.post("/{portfolioId}/alerts", response_model=Envelope[AlertOut], status_code=201)
async def create_portfolio_alert(
    portfolio_id: PortfolioId,
    body: PortfolioAlertIn,
    caller: SignedInCaller,
    runtime: RuntimeDep,
    session: DbSession,
    notifier: NotifierDep,
) -> Envelope[AlertOut]:
    """A risk alert: ALLOCATION_DRIFT, DRAWDOWN_BELOW, VAR_BREACH, VALUE_ABOVE or VALUE_BELOW, judged on the
    live value; then read, changed, paused and deleted under /api/alerts like any alert."""
    return ok(
        await service.create_alert(session, runtime.cache, runtime.bus, notifier, caller, portfolio_id, body)
    )


@router.get("/{portfolioId}/alerts", response_model=Envelope[list[AlertOut]])
async def list_portfolio_alerts(
    portfolio_id: PortfolioId, caller: SignedInCaller, session: DbSession
) -> Envelope[list[AlertOut]]:
    """The portfolio's risk alerts, whatever their status, oldest first."""
    return ok(await service.alerts_of(session, caller, portfolio_id))


@router.post("/{portfolioId}/positions", response_model=Envelope[PositionOut], status_code=201)
async def add_position(
    portfolio_id: PortfolioId,
    body: PositionIn,
    caller: SignedInCaller,
    runtime: RuntimeDep,
    session: DbSession,
) -> Envelope[PositionOut]:
    """The seed's request and response: records a BUY and answers with the symbol's position after it."""
    return ok(await service.add_position(session, runtime.cache, runtime.bus, caller, portfolio_id, body))


@router.get("/{portfolioId}/transactions", response_model=Envelope[TransactionPage])
async def list_transactions(
    portfolio_id: PortfolioId,
    caller: SignedInCaller,
    session: DbSession,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Envelope[TransactionPage]:
    """Newest first."""
    return ok(await service.transactions(session, caller, portfolio_id, limit, offset))


@router.post("/{portfolioId}/transactions", response_model=Envelope[TransactionOut], status_code=201)
async def add_transaction(
    portfolio_id: PortfolioId,
    body: TransactionIn,
    caller: SignedInCaller,
    runtime: RuntimeDep,
    session: DbSession,
) -> Envelope[TransactionOut]:
    """One transaction; a 422 naming the field when the holdings cannot take it (selling more than held)."""
    return ok(await service.record(session, runtime.cache, runtime.bus, caller, portfolio_id, body))


@router.post("/{portfolioId}/transactions/import", response_model=Envelope[ImportOut])
async def import_transactions(
    portfolio_id: PortfolioId, body: ImportIn, caller: SignedInCaller, runtime: RuntimeDep, session: DbSession
) -> Envelope[ImportOut]:
    """Idempotent: rows already recorded are skipped and counted. Any bad row: 422 listing each by line in
    `details`, nothing imported (unless `partial`)."""
    return ok(
        await csv_io.import_csv(
            session, runtime.cache, runtime.bus, caller, portfolio_id, body.csv, body.partial
        )
    )


@router.get(
    "/{portfolioId}/transactions/export",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "Every transaction, oldest first"}},
)
async def export_transactions(
    portfolio_id: PortfolioId, caller: SignedInCaller, session: DbSession
) -> Response:
    """The import's CSV format, oldest first (it imports back unchanged)."""
    text = await csv_io.export_csv(session, caller, portfolio_id)
    disposition = f'attachment; filename="portfolio-{portfolio_id}-transactions.csv"'
    return Response(text, media_type="text/csv", headers={"Content-Disposition": disposition})


@router.patch("/{portfolioId}/transactions/{transactionId}", response_model=Envelope[TransactionOut])
async def correct_transaction(
    portfolio_id: PortfolioId,
    transaction_id: TransactionId,
    body: TransactionPatch,
    caller: SignedInCaller,
    runtime: RuntimeDep,
    session: DbSession,
) -> Envelope[TransactionOut]:
    """A correction; refused (nothing changes) when a later transaction would become invalid."""
    return ok(
        await service.correct(session, runtime.cache, runtime.bus, caller, portfolio_id, transaction_id, body)
    )


@router.delete("/{portfolioId}/transactions/{transactionId}", status_code=204)
async def delete_transaction(
    portfolio_id: PortfolioId,
    transaction_id: TransactionId,
    caller: SignedInCaller,
    runtime: RuntimeDep,
    session: DbSession,
) -> Response:
    """Refused (nothing changes) when a later transaction would become invalid."""
    await service.remove(session, runtime.cache, runtime.bus, caller, portfolio_id, transaction_id)
    return Response(status_code=204)


@router.get("/{portfolioId}/analysis", response_model=Envelope[AnalysisOut])
async def analyse(
    portfolio_id: PortfolioId,
    caller: SignedInCaller,
    runtime: RuntimeDep,
    session: DbSession,
    lookback_days: Annotated[int, Query(alias="lookbackDays", ge=2, le=3650)] = 365,
) -> Envelope[AnalysisOut]:
    """The seed's response plus extended risk, performance (TWR, MWR) and attribution; docs/API.md defines
    every number."""
    return ok(await analysis.analyse(session, runtime, caller, portfolio_id, lookback_days))


@router.get("/{portfolioId}/rebalance", response_model=Envelope[RebalanceOut])
async def rebalance(
    portfolio_id: PortfolioId,
    caller: SignedInCaller,
    runtime: RuntimeDep,
    session: DbSession,
    min_trade: Annotated[float, Query(alias="minTrade", ge=0, le=1e12)] = 10.0,
    fee_rate: Annotated[float, Query(alias="feeRate", ge=0, lt=0.1)] = 0.001,
    turnover_cap: Annotated[float | None, Query(alias="turnoverCap", gt=0, le=1)] = None,
) -> Envelope[RebalanceOut]:
    """Advisory trades that bring the weights to target (nothing is traded)."""
    return ok(
        await analysis.rebalance(session, runtime, caller, portfolio_id, min_trade, fee_rate, turnover_cap)
    )


@router.post("/{portfolioId}/optimize", response_model=Envelope[PortfolioOptimizeOut])
async def optimize_portfolio(
    portfolio_id: PortfolioId,
    body: PortfolioOptimizeIn,
    caller: SignedInCaller,
    runtime: RuntimeDep,
    session: DbSession,
) -> Envelope[PortfolioOptimizeOut]:
    """Proposed targets: MIN_VARIANCE, MAX_SHARPE, HRP or RISK_PARITY over the lookback's daily returns,
    within each symbol's bounds (the first call loads the optimiser, a few seconds)."""
    return ok(await optimize.propose(session, runtime, caller, portfolio_id, body))
