"""Quotes and rankings: price, market cap, volume, rank and supply from CoinGecko or CoinMarketCap."""

from __future__ import annotations

from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from app.agent.tools import provenance
from app.agent.tools.base import AgentTool, Context, Output, Symbol, ToolArgs
from app.analysis import service as analysis_service


class QuoteArgs(ToolArgs):
    symbol: Symbol


def _quote(source: Literal["COINGECKO", "COINMARKETCAP"]) -> AgentTool:
    async def run(ctx: Context, session: AsyncSession, args: QuoteArgs) -> Output:
        part = await analysis_service.fundamentals_part(ctx.runtime, session, args.symbol, [source])
        data = part.model_dump(mode="json", by_alias=True, exclude={"sources", "mode"}, exclude_none=True)
        return Output(data, *provenance.of(part, source))

    name = "CoinGecko" if source == "COINGECKO" else "CoinMarketCap"
    return AgentTool(
        name=f"{source.lower()}_market",
        description=f"{name}: price (USD), market cap, 24h volume, rank and supply of one asset.",
        args=QuoteArgs,
        run=run,
    )


COINGECKO = _quote("COINGECKO")
COINMARKETCAP = _quote("COINMARKETCAP")
