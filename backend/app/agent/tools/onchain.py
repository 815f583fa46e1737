"""On-chain: the large transfers to and from labelled exchange wallets (Etherscan, Esplora for Bitcoin)."""

from __future__ import annotations

from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncSession

from app.agent.tools import provenance
from app.agent.tools.base import AgentTool, Context, Output, Symbol, ToolArgs
from app.analysis import service as analysis_service

MAX_TRANSFERS = 5


class WhalesArgs(ToolArgs):
    symbol: Symbol
    timeframe: str = Field(default="7d", max_length=6, description="1d to 365d")


async def _run(ctx: Context, session: AsyncSession, args: WhalesArgs) -> Output:
    part = await analysis_service.whales_part(ctx.runtime, session, args.symbol, args.timeframe)
    data = part.model_dump(
        mode="json", by_alias=True, exclude={"sources", "mode", "whales"}, exclude_none=True
    )
    biggest = sorted(part.whales, key=lambda w: w.usd_value, reverse=True)[:MAX_TRANSFERS]
    data["largestTransfers"] = [
        w.model_dump(
            mode="json", by_alias=True, include={"time", "usd_value", "direction", "from_label", "to_label"}
        )
        for w in biggest
    ]
    return Output(data, *provenance.of(part, "Etherscan"))


WHALES = AgentTool(
    name="etherscan_whales",
    description="On-chain whale movements: count and USD flows of transfers above the whale threshold to and "
    "from labelled exchange wallets over a timeframe, with the largest ones.",
    args=WhalesArgs,
    run=_run,
)
