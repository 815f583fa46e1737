"""What a PORTFOLIO report reads of one portfolio: holdings, analysis (risk, attribution) and rebalancing."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import AppError
from app.core.runtime import Runtime
from app.portfolio import analysis, service
from app.portfolio.schemas import AnalysisOut, PortfolioOut, RebalanceOut
from app.users.schemas import Caller

LOOKBACK_DAYS = 90
API_LOOKBACK_DAYS = 365  # GET /api/portfolios/{id}/analysis without lookbackDays


@dataclass(frozen=True)
class PortfolioReport:
    portfolio: PortfolioOut
    analysis: AnalysisOut
    rebalance: RebalanceOut | None
    rebalance_note: str | None  # why there is no rebalancing plan


async def check_owner(session: AsyncSession, caller: Caller, portfolio_id: int) -> None:
    """404 when there is no such portfolio, 403 when it is another user's."""
    await service.owned(session, caller, portfolio_id)


async def analysis_of(
    session: AsyncSession, runtime: Runtime, caller: Caller, portfolio_id: int, lookback_days: int
) -> AnalysisOut:
    """What GET /api/portfolios/{id}/analysis answers for this lookback (a lesson's live risk panel)."""
    return await analysis.analyse(session, runtime, caller, portfolio_id, lookback_days)


async def portfolio_report(
    session: AsyncSession, runtime: Runtime, caller: Caller, portfolio_id: int
) -> PortfolioReport:
    out = await service.get(session, runtime.cache, caller, portfolio_id)
    analysed = await analysis.analyse(session, runtime, caller, portfolio_id, LOOKBACK_DAYS)
    try:
        plan = await analysis.rebalance(session, runtime, caller, portfolio_id, 10.0, 0.001, None)
    except AppError as exc:
        return PortfolioReport(out, analysed, None, exc.message)
    return PortfolioReport(out, analysed, plan, None)
