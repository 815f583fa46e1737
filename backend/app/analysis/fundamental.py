"""Fundamental analysis use cases: run one (answering within the sync budget or as a job), store, read."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.analysis import signals, technical
from app.analysis.fundamental_schemas import (
    FundamentalAnalysisOut,
    FundamentalIn,
    FundamentalsPart,
    SentimentPart,
    WhalesPart,
)
from app.analysis.models import Analysis
from app.analysis.research import fundamentals, onchain, social
from app.analysis.research.provenance import Findings
from app.analysis.research.providers import Providers
from app.analysis.research.recommendation import (
    DISCLAIMER,
    THRESHOLD,
    Reading,
    fear_greed_score,
    flow_score,
    momentum_score,
    recommend,
    sentiment_score,
    valuation_score,
)
from app.core.clock import utcnow
from app.core.errors import AppError, ErrorCode, not_found
from app.core.numbering import add_numbered
from app.core.periods import parse_period
from app.core.tasks import service as job_service
from app.market import service as market_service
from app.realtime import service as realtime_service

if TYPE_CHECKING:
    from app.core.runtime import Runtime
    from app.market.service import Asset
    from app.users.schemas import Caller

KIND = "FUNDAMENTAL"
ANALYSIS_COMPLETE = "ANALYSIS_COMPLETE"
MIN_DAYS, MAX_DAYS = 1, 365
log = logging.getLogger(__name__)
MOMENTUM_INDICATORS = ["RSI", "MACD", "BOLLINGER_BANDS"]
MOMENTUM_SECONDS = 300


def timeframe_seconds(timeframe: str) -> int:
    """`30d` -> seconds; 422 naming `timeframe` unless it is between 1d and 365d."""
    try:
        seconds = parse_period(timeframe)
    except AppError as exc:
        raise AppError(ErrorCode.VALIDATION_ERROR, f"timeframe: {exc.message}", field="timeframe") from exc
    if not MIN_DAYS * 86400 <= seconds <= MAX_DAYS * 86400:
        raise AppError(ErrorCode.VALIDATION_ERROR, "timeframe must be between 1d and 365d", field="timeframe")
    return seconds


async def _store(session: AsyncSession, user_id: int, asset: Asset, body: FundamentalIn) -> Analysis:
    now = utcnow()
    request = body.model_dump(mode="json", by_alias=True) | {"symbol": asset.symbol}
    return await add_numbered(
        session,
        Analysis.public_id,
        "ANLYS",
        now,
        lambda public_id: Analysis(
            public_id=public_id,
            user_id=user_id,
            kind=KIND,
            symbol=asset.symbol,
            request=request,
            result=None,
            created_at=now,
        ),
    )


async def _momentum(session: AsyncSession, runtime: Runtime, asset: Asset) -> Reading:
    """The technical analysis's daily vote, kept for MOMENTUM_SECONDS: it moves with the daily candle."""
    key = f"research:momentum:{asset.symbol}"
    held = await runtime.cache.get(key)
    if held is not None:
        return Reading(held["raw"], held["score"], held["note"])
    try:
        result = await technical.analyse(
            session, runtime.settings, asset.symbol, MOMENTUM_INDICATORS, ["1d"], "90d", None
        )
    except AppError as exc:
        return Reading(None, None, f"no technical analysis: {exc.message}")
    summary, daily = result.summary, result.timeframes["1d"]
    # Neutral readings abstain from the vote; here they count, as 0, so one lone vote is not a certainty.
    opinions = signals.opinions(daily.indicators)
    reading = Reading(
        summary.score,
        momentum_score(summary.score, opinions),
        f"{summary.signal}: {summary.score:+d} over {opinions} readings; last daily candle "
        f"{daily.candle_time:%Y-%m-%d}",
    )
    await runtime.cache.set(
        key, {"raw": reading.raw_value, "score": reading.score, "note": reading.note}, ttl=MOMENTUM_SECONDS
    )
    return reading


def _nest(values: dict[str, Any], prefix: str) -> dict[str, Any]:
    return {k[len(prefix) + 1 :]: v for k, v in values.items() if k.startswith(prefix + ".")}


async def gather(providers: Providers, asset: Asset, body: FundamentalIn) -> Findings:
    """Every figure the request asked for from the providers, each with its origin (no database)."""
    end = utcnow().timestamp()
    start = end - timeframe_seconds(body.timeframe)
    sources: set[str] = set(body.sources)
    found = Findings()
    await fundamentals.gather(providers, asset, sources, found)
    parts = []
    if body.include_on_chain:
        parts.append(onchain.gather(providers, asset, sources, start, end, found))
    if body.include_sentiment:
        parts.append(social.gather(providers, asset, start, end, found))
    await asyncio.gather(*parts)
    return found


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def assemble(
    found: Findings, momentum: Reading, body: FundamentalIn, asset: Asset, mode: str
) -> dict[str, Any]:
    """The response: the figures, the recommendation built on them, and where each came from."""
    values = found.values
    ratio, valuation = valuation_score(values.get("marketCap"), values.get("onChainMetrics.tvl"))
    if ratio is not None:
        values["fundamentals.marketCapToTvl"] = round(ratio, 4)
        found.sources["fundamentals.marketCapToTvl"] = found.sources["onChainMetrics.tvl"]
    net, flow = flow_score(
        _number(values.get("onChainMetrics.exchangeInflowUsd")),
        _number(values.get("onChainMetrics.exchangeOutflowUsd")),
    )
    score, index = values.get("sentiment.score"), values.get("sentiment.fearGreedIndex")
    verdict = recommend(
        {
            "valuation": Reading(ratio, valuation),
            "momentum": momentum,
            "onChain": Reading(net, flow),
            "sentiment": Reading(score, sentiment_score(score)),
            "fearGreed": Reading(index, fear_greed_score(index)),
        }
    )
    return {
        "status": "COMPLETE",
        "symbol": asset.symbol,
        "timeframe": body.timeframe,
        "marketCap": values.get("marketCap"),
        "volume24h": values.get("volume24h"),
        "onChainMetrics": _nest(values, "onChainMetrics") if body.include_on_chain else None,
        "sentiment": _nest(values, "sentiment") if body.include_sentiment else None,
        "recommendation": verdict.action,
        "recommendationScore": verdict.total,
        "thresholds": {"buy": THRESHOLD, "sell": -THRESHOLD},
        "confidence": verdict.confidence,
        "generatedAt": utcnow(),
        "fundamentals": {"price": values.get("price"), **_nest(values, "fundamentals")},
        "components": [asdict(c) for c in verdict.components],
        "sources": {name: origin.out() for name, origin in found.sources.items()},
        "conflicts": found.conflicts,
        "unavailable": [asdict(m) for m in found.unavailable],
        "mode": mode,
        "disclaimer": DISCLAIMER,
    }


def _finish(row: Analysis, result: dict[str, Any]) -> FundamentalAnalysisOut:
    out = FundamentalAnalysisOut.model_validate({**result, "analysisId": row.public_id})
    row.result = out.model_dump(mode="json", by_alias=True)
    return out


async def run(
    runtime: Runtime, session: AsyncSession, user_id: int, body: FundamentalIn
) -> tuple[FundamentalAnalysisOut, bool]:
    """The analysis, and whether it is complete: when the providers answer within `analysis_sync_seconds`
    it is answered at once; otherwise it is stored PENDING and finished by the job `analysis.fundamental`."""
    asset = await market_service.resolve(session, body.symbol)
    timeframe_seconds(body.timeframe)
    momentum = await _momentum(session, runtime, asset)
    row = await _store(session, user_id, asset, body)
    providers = Providers(runtime.settings, runtime.cache)
    attempt = asyncio.ensure_future(gather(providers, asset, body))
    done, _ = await asyncio.wait({attempt}, timeout=runtime.settings.analysis_sync_seconds)
    if done:
        return _finish(row, assemble(attempt.result(), momentum, body, asset, providers.mode)), True
    # What the providers answered so far is in the cache: the job starts from there.
    attempt.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await attempt
    job = await job_service.enqueue(
        runtime, session, "analysis.fundamental", {"analysisId": row.public_id}, user_id=user_id
    )
    row.result = {"status": "PENDING", "jobId": job.id, "mode": providers.mode}
    return _pending(row), False


async def evaluate(runtime: Runtime, session: AsyncSession, body: FundamentalIn) -> FundamentalAnalysisOut:
    """The analysis computed and not stored (a report's section), waiting for the providers however long."""
    asset = await market_service.resolve(session, body.symbol)
    timeframe_seconds(body.timeframe)
    momentum = await _momentum(session, runtime, asset)
    providers = Providers(runtime.settings, runtime.cache)
    found = await gather(providers, asset, body)
    result = assemble(found, momentum, body, asset, providers.mode)
    return FundamentalAnalysisOut.model_validate({**result, "analysisId": "-"})  # not stored: no id


def _pending(row: Analysis) -> FundamentalAnalysisOut:
    held = row.result or {}
    return FundamentalAnalysisOut(
        analysis_id=row.public_id,
        status="FAILED" if held.get("status") == "FAILED" else "PENDING",
        symbol=row.symbol,
        timeframe=row.request.get("timeframe", "30d"),
        mode=held.get("mode") or "snapshot",
        job_id=held.get("jobId"),
        error=held.get("error"),
    )


async def finish_pending(runtime: Runtime, public_id: str) -> None:
    """The job's work: compute a PENDING analysis, store it, and tell its owner (ANALYSIS_COMPLETE)."""
    async with runtime.db.session() as session:
        row = await session.scalar(select(Analysis).where(Analysis.public_id == public_id))
        if row is None or (row.result or {}).get("status") != "PENDING" or row.user_id is None:
            return
        body = FundamentalIn.model_validate(row.request)
        asset = await market_service.resolve(session, row.symbol)
        try:
            providers = Providers(runtime.settings, runtime.cache)
            found = await gather(providers, asset, body)
            momentum = await _momentum(session, runtime, asset)
            out = _finish(row, assemble(found, momentum, body, asset, providers.mode))
            fields = {
                "analysisId": out.analysis_id,
                "status": out.status,
                "url": f"/api/analysis/{public_id}",
            }
        except Exception as exc:
            log.exception("analysis %s failed", public_id)
            row.result = {"status": "FAILED", "error": str(exc)[:500], "mode": (row.result or {}).get("mode")}
            fields = {"analysisId": public_id, "status": "FAILED", "url": f"/api/analysis/{public_id}"}
        await realtime_service.emit_user_event(session, runtime.bus, row.user_id, ANALYSIS_COMPLETE, fields)


def to_out(row: Analysis) -> FundamentalAnalysisOut:
    if (row.result or {}).get("status") == "COMPLETE":
        return FundamentalAnalysisOut.model_validate(row.result)
    return _pending(row)


async def get(session: AsyncSession, caller: Caller, public_id: str) -> FundamentalAnalysisOut:
    row = await session.scalar(select(Analysis).where(Analysis.public_id == public_id))
    if row is None or row.kind != KIND or (row.user_id != caller.id and not caller.is_admin):
        raise not_found("Analysis", public_id)
    return to_out(row)


async def list_for(session: AsyncSession, user_id: int, limit: int) -> list[FundamentalAnalysisOut]:
    rows = await session.scalars(
        select(Analysis)
        .where(Analysis.user_id == user_id, Analysis.kind == KIND)
        .order_by(Analysis.id.desc())
        .limit(limit)
    )
    return [to_out(r) for r in rows]


def _provenance(found: Findings, mode: str) -> dict[str, Any]:
    return {
        "sources": {name: origin.out() for name, origin in found.sources.items()},
        "unavailable": [asdict(m) for m in found.unavailable],
        "mode": mode,
    }


async def fundamentals_part(
    runtime: Runtime, session: AsyncSession, symbol: str, sources: list[str]
) -> FundamentalsPart:
    asset = await market_service.resolve(session, symbol)
    providers = Providers(runtime.settings, runtime.cache)
    found = Findings()
    await fundamentals.gather(providers, asset, set(sources), found)
    values = found.values
    return FundamentalsPart.model_validate(
        {
            "symbol": asset.symbol,
            "marketCap": values.get("marketCap"),
            "volume24h": values.get("volume24h"),
            "fundamentals": {"price": values.get("price"), **_nest(values, "fundamentals")},
            "conflicts": found.conflicts,
            **_provenance(found, providers.mode),
        }
    )


async def whales_part(runtime: Runtime, session: AsyncSession, symbol: str, timeframe: str) -> WhalesPart:
    asset = await market_service.resolve(session, symbol)
    end = utcnow().timestamp()
    start = end - timeframe_seconds(timeframe)
    providers = Providers(runtime.settings, runtime.cache)
    found = Findings()
    await fundamentals.gather(providers, asset, {"COINGECKO", "COINMARKETCAP"}, found)
    await onchain.gather(providers, asset, {"ETHERSCAN", "ESPLORA"}, start, end, found, tvl=False)
    chain = _nest(found.values, "onChainMetrics")
    return WhalesPart.model_validate(
        {
            "symbol": asset.symbol,
            "timeframe": timeframe,
            "thresholdUsd": runtime.settings.whale_threshold_usd,
            **{k: chain.get(k) for k in ("whaleMovements", "exchangeInflowUsd", "exchangeOutflowUsd")},
            "whales": chain.get("whales") or [],
            **_provenance(found, providers.mode),
        }
    )


async def sentiment_part(
    runtime: Runtime, session: AsyncSession, symbol: str, timeframe: str
) -> SentimentPart:
    asset = await market_service.resolve(session, symbol)
    end = utcnow().timestamp()
    start = end - timeframe_seconds(timeframe)
    providers = Providers(runtime.settings, runtime.cache)
    found = Findings()
    await social.gather(providers, asset, start, end, found)
    values = _nest(found.values, "sentiment")
    return SentimentPart.model_validate(
        {
            "symbol": asset.symbol,
            "timeframe": timeframe,
            **values,
            "daily": social.daily(values.get("posts") or []),
            **_provenance(found, providers.mode),
        }
    )
