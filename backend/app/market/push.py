"""Data pushed by users (e.g. TradingView webhooks): each tick or candle judged on its own."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.bus import barrier
from app.core.bus.messages import MARKET_PUSH, PushedTicks, PushVerdicts
from app.core.clock import utcnow
from app.core.errors import AppError, ErrorCode
from app.core.marketdata import Candle, Tick
from app.core.runtime import Runtime
from app.market import repository
from app.market.ingest import candle_problem
from app.market.repository import CandleRow
from app.market.runner import MarketRunner, push_commit_timeout
from app.market.symbols import normalize

# An ingest process killed with a push in hand: the API process knows after this much silence (it says
# "working" every runner.PUSH_WORKING_EVERY s), not at the end of the whole wait.
PUSH_LIVENESS = 6.0

PUSH_SOURCE = "push"  # candles pushed as history: they outrank every other source
WEBHOOK_SOURCE = "webhook"  # ticks pushed as a live feed: ranked after the exchanges
Rejection = dict[str, Any]
# Cluster: the API process waits for the ingest process, which waits for the alert engines.
RETRY = "send them again: ticks already stored are never judged twice"


def _number(item: dict[str, Any], key: str, *, default: float | None = None) -> float:
    value = item.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{key} must be a finite number")
    return float(value)


def _timestamp(item: dict[str, Any]) -> float:
    value = item.get("timestamp")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value) / (1000 if value > 1e11 else 1)  # epoch seconds or milliseconds
    if not isinstance(value, str):
        raise ValueError("timestamp must be ISO-8601 (2025-11-13T12:15:30Z) or epoch seconds")
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError("timestamp needs a time zone (Z for UTC)")
    return parsed.timestamp()


def parse_ticks(items: list[Any], known: set[str]) -> tuple[list[tuple[int, Tick]], list[Rejection]]:
    """Ticks that are well-formed, with their index; the others with the reason each was refused."""
    received = utcnow().timestamp()
    good: list[tuple[int, Tick]] = []
    bad: list[Rejection] = []
    for index, item in enumerate(items):
        try:
            if not isinstance(item, dict):
                raise ValueError("each tick must be an object")
            symbol = normalize(str(item.get("symbol", "")))
            if symbol not in known:
                raise ValueError(f"unknown symbol {item.get('symbol')!r}")
            price = _number(item, "price")
            volume = _number(item, "volume", default=0.0)
            if price <= 0 or volume < 0:
                raise ValueError("price must be positive and volume non-negative")
            tick = Tick(symbol, price, volume, _timestamp(item), WEBHOOK_SOURCE, received)
        except (ValueError, TypeError) as exc:
            bad.append({"index": index, "reason": str(exc)})
            continue
        good.append((index, tick))
    return good, bad


async def accept_ticks(
    runtime: Runtime, runner: MarketRunner | None, good: list[tuple[int, Tick]]
) -> list[Rejection]:
    """Hand well-formed ticks to the pipeline (this process's, or the ingest process's in the cluster) and
    return once the accepted ones and the alert triggers they caused are committed (MarketRunner.accept)."""
    if not good:
        return []
    ticks = [tick for _, tick in good]
    try:
        if runner is not None and not runtime.settings.is_cluster:
            reasons = await runner.accept(ticks)
        else:
            wait = push_commit_timeout(runtime.settings) + 5.0  # the ingest process's own wait, and some
            answers = await barrier.request(
                runtime.bus, MARKET_PUSH, PushedTicks(ticks).encode(), wait, liveness=PUSH_LIVENESS
            )
            if not answers:
                raise AppError(
                    ErrorCode.SERVICE_UNAVAILABLE,
                    "no ingest process is running (start `cryptomon ingest`); nothing was stored",
                )
            if "error" in answers[0]:
                failure = answers[0]["error"]
                raise AppError(
                    ErrorCode.SERVICE_UNAVAILABLE, f"the ingest process failed ({failure}); {RETRY}"
                )
            reasons = PushVerdicts.decode(answers[0]).reasons
    except barrier.BarrierTimeout as exc:
        raise AppError(
            ErrorCode.SERVICE_UNAVAILABLE, f"the ticks were not confirmed stored in time; {RETRY}"
        ) from exc
    return [
        {"index": index, "reason": f"rejected by validation: {reason}"}
        for (index, _), reason in zip(good, reasons, strict=True)
        if reason is not None
    ]


async def store_candles(
    session: AsyncSession, symbol: str, interval: str, items: list[Any]
) -> tuple[list[CandleRow], list[Rejection]]:
    """Valid candles are written in the request's transaction (all or, on a database error, none)."""
    rows: list[CandleRow] = []
    bad: list[Rejection] = []
    seen: set[int] = set()
    for index, item in enumerate(items):
        try:
            if not isinstance(item, dict):
                raise ValueError("each candle must be an object")
            ts = _timestamp(item)
            if ts != int(ts):
                raise ValueError("timestamp must be a whole second")
            candle = Candle(
                int(ts),
                _number(item, "open"),
                _number(item, "high"),
                _number(item, "low"),
                _number(item, "close"),
                _number(item, "volume", default=0.0),
                _number(item, "quoteVolume") if item.get("quoteVolume") is not None else None,
            )
            problem = candle_problem(candle, interval)
            if problem:
                raise ValueError(problem)
            if candle.ts in seen:
                raise ValueError("duplicate timestamp in this batch")
        except (ValueError, TypeError) as exc:
            bad.append({"index": index, "reason": str(exc)})
            continue
        seen.add(candle.ts)
        rows.append(CandleRow.of(symbol, interval, PUSH_SOURCE, candle))
    await repository.upsert_candles(session, rows)
    return rows, bad
