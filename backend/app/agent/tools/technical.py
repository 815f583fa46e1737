"""Technical analysis: the latest value and signal of indicators on stored candles, with a summary vote."""

from __future__ import annotations

from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncSession

from app.agent.tools.base import AgentTool, Context, Output, Symbol, ToolArgs
from app.analysis import service as analysis_service

DEFAULT_INDICATORS = ["RSI", "MACD", "BBANDS", "SMA"]


class TechnicalArgs(ToolArgs):
    symbol: Symbol
    indicators: list[str] = Field(
        default_factory=lambda: list(DEFAULT_INDICATORS),
        min_length=1,
        max_length=12,
        description="Built-in names (RSI, MACD, BBANDS, SMA, EMA, STOCH, ATR, ADX, OBV...) or your own",
    )
    timeframe: str = Field(default="1d", min_length=2, max_length=3, description="1h, 4h, 1d, 1w...")
    period: str = Field(default="90d", max_length=8, description="How much history, e.g. 90d")


async def _run(ctx: Context, session: AsyncSession, args: TechnicalArgs) -> Output:
    out = await analysis_service.technical_analysis(
        session, ctx.runtime.settings, args.symbol, args.indicators, [args.timeframe], args.period, None
    )
    frame = out.timeframes[args.timeframe]
    data = frame.model_dump(mode="json", by_alias=True, exclude={"chart_url"}) | {"symbol": out.symbol}
    data["chartUrl"] = out.chart_url
    return Output(data, f"Cryptomon candles ({args.timeframe})", frame.candle_time)


TECHNICAL = AgentTool(
    name="technical_analysis",
    description="Latest indicator values and BULLISH/BEARISH/NEUTRAL signals of an asset on one timeframe, "
    "the close, a summary vote and a chart.",
    args=TechnicalArgs,
    run=_run,
)
