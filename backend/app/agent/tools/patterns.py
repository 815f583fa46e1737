"""Chart patterns: the candlestick and chart patterns, levels and trend lines of an asset's latest bars."""

from __future__ import annotations

from typing import Any

from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncSession

from app.agent.tools.base import AgentTool, Context, Output, Symbol, ToolArgs
from app.core.clock import isoformat_z
from app.patterns import service as patterns_service
from app.patterns.schemas import PatternStatsOut

MAX_CANDLES = 40  # the latest candlestick signals given to the model; the rest are counted
MAX_LEVELS = 5


class PatternArgs(ToolArgs):
    symbol: Symbol
    interval: str = Field(default="1h", min_length=2, max_length=3, description="1m, 5m, 15m, 1h, 4h or 1d")
    bars: int = Field(default=100, ge=5, le=1000, description="How many of the latest bars to look in")
    kinds: str | None = Field(
        default=None,
        max_length=500,
        description="Comma list of candles, chart, levels, trendlines, CDL names (CDLHAMMER) or chart kinds "
        "(double_top, head_and_shoulders, ascending_triangle, bull_flag...); default all",
    )
    with_stats: bool = Field(
        default=True,
        description="Add how each pattern found did on this asset before, where already computed",
    )


def _records(records: dict[str, PatternStatsOut]) -> dict[str, Any]:
    return {
        name: {
            "count": r.count,
            "horizons": [h.model_dump(mode="json", by_alias=True) for h in r.horizons],
            "from": isoformat_z(r.from_),
            "to": isoformat_z(r.to),
        }
        for name, r in records.items()
    }


async def _run(ctx: Context, session: AsyncSession, args: PatternArgs) -> Output:
    out = await patterns_service.find(session, args.symbol, args.interval, None, None, args.kinds, args.bars)
    found = out.model_dump(mode="json", by_alias=True)
    omitted = max(len(found["candles"]) - MAX_CANDLES, 0)
    data: dict[str, Any] = {
        key: found[key] for key in ("symbol", "interval", "from", "to", "bars", "source", "note")
    } | {
        "candles": [
            {k: c[k] for k in ("pattern", "title", "direction", "time", "price")}
            for c in found["candles"][omitted:]
        ],
        "candlesOmitted": omitted,
        "chart": [{k: v for k, v in c.items() if k not in ("points", "lines")} for c in found["chart"]],
        "levels": [
            {k: lv[k] for k in ("price", "kind", "touches", "strength")}
            for lv in found["levels"][:MAX_LEVELS]
        ],
        "trendLines": [{k: t[k] for k in ("kind", "touches", "from", "to")} for t in found["trendLines"]],
    }
    if args.with_stats:
        names = [c.pattern for c in out.candles] + [c.kind for c in out.chart]
        records = await patterns_service.cached_stats(ctx.runtime, out.symbol, out.interval, names)
        data["stats"] = _records(records)
        data["statsNote"] = (
            "stats: the moves 1, 5 and 20 bars after each earlier occurrence (followed: share that went the "
            "pattern's way; medianMove signed, positive is its way); patterns without stats are not computed "
            "yet (GET /api/patterns/stats computes them)"
        )
    return Output(data, f"Cryptomon candles ({out.interval})", out.as_of)


CHART_PATTERNS = AgentTool(
    name="chart_patterns",
    description="Candlestick patterns (TA-Lib's 61), chart patterns (double tops and bottoms, head and "
    "shoulders, triangles, flags) with breakout level, target and confidence, support/resistance levels and "
    "trend lines in an asset's latest bars, and how each pattern did on it before when known.",
    args=PatternArgs,
    run=_run,
)
