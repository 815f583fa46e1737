"""Backtests of the built-in strategies over stored candles: run without keeping, propose, or save a run."""

from __future__ import annotations

from typing import Any

from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncSession

from app.agent.tools.base import AgentTool, Context, Output, Symbol, ToolArgs
from app.backtesting import service as backtest_service
from app.backtesting.schemas import StrategyIn
from app.core.clock import utcnow


class StrategyArgs(ToolArgs):
    strategy_name: str = Field(
        min_length=1,
        max_length=100,
        description="RSI Mean Reversion, MACD Crossover, SMA Crossover, EMA Crossover, Bollinger Mean "
        "Reversion or Bollinger Breakout",
    )
    symbol: Symbol
    period: str = Field(default="1y", max_length=8, description="90d, 12w, 1y... ending now")
    interval: str = Field(default="1h", max_length=3)
    parameters: dict[str, Any] = Field(default_factory=dict, description="The strategy's own")


def _request(args: StrategyArgs) -> StrategyIn:
    return StrategyIn.model_validate(args.model_dump(by_alias=True))


async def _evaluate(ctx: Context, session: AsyncSession, args: StrategyArgs) -> Output:
    body = _request(args)
    found = await backtest_service.evaluate(session, ctx.runtime.settings, ctx.user.id, body)
    data = {
        "strategyName": found.strategy_name,
        "symbol": found.symbol,
        "interval": found.interval,
        "from": found.start.isoformat(),
        "to": found.end.isoformat(),
        "parameters": found.parameters,
        "results": found.results.model_dump(mode="json", by_alias=True),
        "note": "Fees 0.1% per fill, no slippage; nothing was saved",
    }
    return Output(data, f"Cryptomon candles ({found.interval})", found.end)


async def _propose(ctx: Context, session: AsyncSession, args: StrategyArgs) -> Output:
    body = _request(args)
    name = await backtest_service.check(session, ctx.user.id, body)
    request = body.model_dump(mode="json", by_alias=True, exclude_defaults=True) | {
        "strategyName": name,
        "symbol": body.symbol,
    }
    summary = f"{name} on {body.symbol}, {body.period} of {body.interval} bars"
    data = {"proposed": summary, "note": "Nothing is run until the user clicks the button"}
    proposal = {"kind": "BACKTEST", "summary": summary, "request": request}
    return Output(data, "Cryptomon (a proposal)", utcnow(), proposal)


async def _save(ctx: Context, session: AsyncSession, args: StrategyArgs) -> Output:
    run = await backtest_service.create(session, ctx.runtime.settings, ctx.user.id, _request(args))
    data = {"backtestId": run.backtest_id, "results": run.results.model_dump(mode="json", by_alias=True)}
    return Output(data, f"Cryptomon candles ({run.interval})", run.completed_at)


BACKTEST = AgentTool(
    name="backtest_strategy",
    description="Backtest a built-in strategy  on stored candles and "
    "return its metrics (total return, CAGR, Sharpe, max drawdown, win rate...) without saving a run.",
    args=StrategyArgs,
    run=_evaluate,
)
PROPOSE_BACKTEST = AgentTool(
    name="propose_backtest",
    description="Propose a backtest the user can run and keep with one click. Runs and saves nothing.",
    args=StrategyArgs,
    run=_propose,
)
SAVE_BACKTEST = AgentTool(
    name="save_backtest",
    description="Run a backtest and save it in the user's backtests (only when they asked for it to be "
    "saved).",
    args=StrategyArgs,
    run=_save,
    writes=True,
)
