"""The user's portfolios: holdings, risk (VaR, drawdown, Sharpe, volatility), performance and attribution."""

from __future__ import annotations

from typing import Any

from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncSession

from app.agent.tools.base import AgentTool, Context, Output, ToolArgs
from app.portfolio import reporting as portfolio_reporting
from app.portfolio import service as portfolio_service


def worst_drawdown(points: list[tuple[str, float]]) -> dict[str, Any] | None:
    """The deepest fall from a running peak: its peak and trough days and values, and the change (a fraction).

    >>> worst_drawdown([("d1", 100.0), ("d2", 120.0), ("d3", 90.0), ("d4", 130.0), ("d5", 117.0)])
    {'peakDate': 'd2', 'peakValue': 120.0, 'troughDate': 'd3', 'troughValue': 90.0, 'change': -0.25}
    >>> worst_drawdown([("d1", 1.0), ("d2", 2.0)]) is None
    True
    """
    peak: tuple[str, float] | None = None
    worst: dict[str, Any] | None = None
    for day, value in points:
        if peak is None or value > peak[1]:
            peak = (day, value)
            continue
        change = value / peak[1] - 1 if peak[1] > 0 else 0.0
        if change < 0 and (worst is None or change < worst["change"]):
            worst = {"peakDate": peak[0], "peakValue": peak[1], "troughDate": day, "troughValue": value}
            worst["change"] = round(change, 6)
    return worst


class PortfolioArgs(ToolArgs):
    portfolio_id: int | None = Field(default=None, ge=1, description="Omit to list the user's portfolios")
    lookback_days: int = Field(default=90, ge=2, le=3650)


async def _run(ctx: Context, session: AsyncSession, args: PortfolioArgs) -> Output:
    runtime = ctx.runtime
    if args.portfolio_id is None:
        mine = await portfolio_service.list_of(session, runtime.cache, ctx.user.id)
        keep = {
            "portfolio_id",
            "name",
            "current_value",
            "total_pnl",
            "day_change_percent",
            "rebalancing_needed",
        }
        listed = [p.model_dump(mode="json", by_alias=True, include=keep) for p in mine]
        note = (
            "Call again with a portfolioId for its risk and drawdown" if mine else "The user has no portfolio"
        )
        latest = max((p.updated_at for p in mine if p.updated_at), default=None)
        return Output({"portfolios": listed, "note": note}, "Cryptomon (your portfolios)", latest)
    out = await portfolio_reporting.analysis_of(
        session, runtime, ctx.user, args.portfolio_id, args.lookback_days
    )
    data = out.model_dump(
        mode="json",
        by_alias=True,
        include={"portfolio_id", "total_value", "total_pnl", "allocation", "risk_metrics", "lookback_days",
                 "performance", "attribution", "warnings"},
    )  # fmt: skip
    data["worstDrawdown"] = worst_drawdown([(p.date, p.value) for p in out.values])
    data["breachedRiskAlerts"] = [a.model_dump(mode="json", by_alias=True) for a in out.alerts]
    data["priceSources"] = {s: p.model_dump(mode="json", by_alias=True) for s, p in out.prices.items()}
    return Output(data, "Cryptomon (your portfolio, daily closes)", out.as_of)


PORTFOLIO = AgentTool(
    name="portfolio_analysis",
    description="The user's portfolios, or one portfolio's value, allocation, risk (VaR 95%, max drawdown %, "
    "Sharpe, volatility), worst drawdown window, returns and each asset's contribution to them.",
    args=PortfolioArgs,
    run=_run,
)
