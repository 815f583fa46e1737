"""Backtest use cases: run a strategy over stored candles, keep the run, read, list and delete runs."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.analysis.technical import parse_period, to_series
from app.backtesting import metrics, strategies
from app.backtesting.engine import EXIT_REASONS, Costs, Run, run
from app.backtesting.models import Backtest
from app.backtesting.rules import compile_rules
from app.backtesting.schemas import StrategyIn
from app.backtesting.strategies import Signals, StrategyError
from app.config import Settings
from app.core.clock import isoformat_z, utcnow
from app.core.errors import AppError, ErrorCode, not_found
from app.core.marketdata import INTERVALS
from app.indicators.service import definitions_of, resolver
from app.indicators.spec import Series
from app.market import service as market_service
from app.users.models import User

WARM_UP_LOOKBACKS, MIN_WARM_UP, MAX_WARM_UP = 10, 100, 5000
EXECUTION = (
    "Signals on a bar's close fill at the next bar's open, moved by slippage against the trade; fees on each "
    "fill's notional; stops rest from the bar after the fill (the stop wins a bar that reaches both stop and "
    "target); a position still open at the end is closed at the last close for the metrics (exitReason END)."
)


@dataclass(frozen=True)
class Prepared:
    """A strategy with its checked parameters: what computes its signals, and how many bars it needs."""

    name: str
    parameters: dict[str, Any]
    lookback: int
    signals: Callable[[Series], Signals]
    period_field: str  # the parameter to blame when the data is shorter than the lookback


def _invalid(exc: StrategyError) -> AppError:
    return AppError(ErrorCode.VALIDATION_ERROR, str(exc), field=exc.field)


async def prepare(session: AsyncSession, user: User, name: str, parameters: dict[str, Any]) -> Prepared:
    if strategies.is_rules(name):
        definitions = await definitions_of(session, user.id)
        try:
            rules = compile_rules(parameters, resolver(definitions))
        except StrategyError as exc:
            raise _invalid(exc) from exc
        return Prepared(strategies.RULES, rules.parameters, rules.lookback, rules.compute, "parameters.entry")
    strategy = strategies.find(name)
    if strategy is None:
        known = ", ".join([s.name for s in strategies.BUILT_IN] + [strategies.RULES])
        raise AppError(
            ErrorCode.VALIDATION_ERROR, f"Unknown strategy {name}; use one of: {known}", field="strategyName"
        )
    try:
        bound = strategy.bind(parameters)
    except StrategyError as exc:
        raise _invalid(exc) from exc
    first_param = f"parameters.{strategy.params[0].name}" if strategy.params else "period"

    def signals(series: Series) -> Signals:
        return strategy.compute(series, bound)

    return Prepared(strategy.name, bound, strategy.lookback(bound), signals, first_param)


@dataclass(frozen=True)
class Window:
    """Candles with warm-up before `first` (the first bar of the tested range)."""

    symbol: str
    series: Series
    first: int
    start: int
    end: int
    step: int


async def load_window(session: AsyncSession, body: StrategyIn, lookback: int) -> Window:
    step = INTERVALS[body.interval]
    end = int((body.to or utcnow()).timestamp())
    start = int(body.from_.timestamp()) if body.from_ else end - parse_period(body.period)
    if start >= end:
        raise AppError(ErrorCode.INVALID_RANGE, "from must be before to", field="from")
    warm = min(max(WARM_UP_LOOKBACKS * lookback, MIN_WARM_UP), MAX_WARM_UP)
    asset, raw = await market_service.load_candles(
        session, body.symbol, body.interval, start - warm * step, end
    )
    series = to_series(raw)
    first = int(np.searchsorted(series.ts, start))
    if first >= len(series):
        raise AppError(
            ErrorCode.NO_DATA,
            f"No {body.interval} candles of {asset.symbol} between {isoformat_z(_at(start))} and "
            f"{isoformat_z(_at(end))}",
            field="symbol",
        )
    return Window(asset.symbol, series, first, start, end, step)


def _at(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def costs_of(body: StrategyIn) -> Costs:
    if body.sizing == "FRACTION" and (body.size is None or body.size > 1):
        raise AppError(ErrorCode.VALIDATION_ERROR, "FRACTION sizing needs size in (0, 1]", field="size")
    if body.sizing == "AMOUNT" and body.size is None:
        raise AppError(ErrorCode.VALIDATION_ERROR, "AMOUNT sizing needs size (cash per trade)", field="size")
    return Costs(
        fee=body.fees,
        slippage=body.slippage,
        sizing=body.sizing,
        size=body.size if body.size is not None else 1.0,
        stop_loss=body.stop_loss or 0.0,
        take_profit=body.take_profit or 0.0,
        trailing_stop=body.trailing_stop or 0.0,
        allow_short=body.direction == "LONG_SHORT",
    )


def simulate(
    prepared: Prepared, window: Window, costs: Costs, capital: float, risk_free: float = 0.0
) -> tuple[Run, dict[str, Any]]:
    """Signals over the whole window (warm-up included), the loop over the tested bars only."""
    series, first = window.series, window.first
    if prepared.lookback >= len(series):
        raise AppError(
            ErrorCode.VALIDATION_ERROR,
            f"{prepared.lookback} bars of lookback but only {len(series)} {window.step // 60}m bars stored",
            field=prepared.period_field,
        )
    signals = prepared.signals(series)
    tested = slice(first, None)

    def part(flags: np.ndarray | None) -> np.ndarray | None:
        return None if flags is None else np.ascontiguousarray(flags[tested])

    opens, closes = series.open[tested], series.close[tested]
    result = run(
        np.ascontiguousarray(opens),
        np.ascontiguousarray(series.high[tested]),
        np.ascontiguousarray(series.low[tested]),
        np.ascontiguousarray(closes),
        np.ascontiguousarray(signals.long_entry[tested]),
        np.ascontiguousarray(signals.long_exit[tested]),
        capital,
        costs,
        part(signals.short_entry),
        part(signals.short_exit),
    )
    return result, metrics.compute(result, opens, closes, capital, window.step, risk_free)


def _trades(result: Run, ts: np.ndarray) -> list[dict[str, Any]]:
    rows = []
    for i in range(len(result)):
        units = float(result.units[i])
        rows.append(
            {
                "side": "LONG" if units > 0 else "SHORT",
                "entryAt": isoformat_z(_at(int(ts[result.entry_bar[i]]))),
                "exitAt": isoformat_z(_at(int(ts[result.exit_bar[i]]))),
                "entryBar": int(result.entry_bar[i]),
                "exitBar": int(result.exit_bar[i]),
                "entryPrice": float(result.entry_price[i]),
                "exitPrice": float(result.exit_price[i]),
                "units": abs(units),
                "fees": float(result.fees[i]),
                "pnl": float(units * (result.exit_price[i] - result.entry_price[i]) - result.fees[i]),
                "exitReason": EXIT_REASONS[int(result.reason[i])],
            }
        )
    return rows


def _public_id(now: datetime) -> str:
    return f"BT-{now:%Y%m%d}-{secrets.token_hex(4).upper()}"


async def create(session: AsyncSession, user: User, body: StrategyIn, risk_free: float = 0.0) -> Backtest:
    prepared = await prepare(session, user, body.strategy_name, body.parameters)
    costs = costs_of(body)
    window = await load_window(session, body, prepared.lookback)
    capital = float(body.initial_capital)
    result, results = simulate(prepared, window, costs, capital, risk_free)
    ts = window.series.ts[window.first :]
    trades = _trades(result, ts)
    results["openAtEnd"] = bool(len(trades) and trades[-1]["exitReason"] == "END")
    now = utcnow()
    config = body.model_dump(mode="json", by_alias=True) | {
        "parameters": prepared.parameters,
        "strategyName": prepared.name,
        "from": isoformat_z(_at(window.start)),
        "to": isoformat_z(_at(window.end)),
        "symbol": window.symbol,
        "initialCapital": capital,
    }
    row = Backtest(
        public_id=_public_id(now),
        user_id=user.id,
        strategy_name=prepared.name,
        symbol=window.symbol,
        interval=body.interval,
        parameters=prepared.parameters,
        status="COMPLETED",
        results=results,
        created_at=now,
        completed_at=utcnow(),
        config=config,
        trades=trades,
        equity={"ts": ts.tolist(), "equity": [round(v, 8) for v in result.equity.tolist()]},
    )
    session.add(row)
    await session.flush()
    return row


def signature(settings: Settings, public_id: str) -> str:
    key = settings.resolved_secret_key.encode()
    return hmac.new(key, f"backtest:{public_id}".encode(), hashlib.sha256).hexdigest()[:32]


def to_out(settings: Settings, row: Backtest) -> dict[str, Any]:
    """The seed's response (backtestId, strategyName, results, equityCurveUrl, completedAt) and the run's
    request as it was run."""
    config = row.config
    chart = f"/api/backtest/{row.public_id}/equity.png?sig={signature(settings, row.public_id)}"
    return {
        "backtestId": row.public_id,
        "strategyName": row.strategy_name,
        "results": row.results,
        "equityCurveUrl": chart,
        "completedAt": isoformat_z(row.completed_at) if row.completed_at else None,
        "symbol": row.symbol,
        "interval": row.interval,
        "from": config.get("from"),
        "to": config.get("to"),
        "parameters": row.parameters,
        "initialCapital": config.get("initialCapital"),
        "costs": {k: config.get(k) for k in ("fees", "slippage", "sizing", "size", "direction")},
        "stops": {k: config.get(k) for k in ("stopLoss", "takeProfit", "trailingStop")},
        "execution": EXECUTION,
        "createdAt": isoformat_z(row.created_at),
    }


async def owned(session: AsyncSession, user: User, public_id: str) -> Backtest:
    row = await session.scalar(select(Backtest).where(Backtest.public_id == public_id))
    if row is None or (row.user_id != user.id and not user.is_admin):
        raise not_found("Backtest", public_id)
    return row


async def load_public(session: AsyncSession, public_id: str) -> Backtest:
    """A run by id whoever owns it (the caller proved access another way: a signed URL)."""
    row = await session.scalar(select(Backtest).where(Backtest.public_id == public_id))
    if row is None:
        raise not_found("Backtest", public_id)
    return row


async def list_for(session: AsyncSession, user: User, limit: int) -> list[Backtest]:
    query = select(Backtest).where(Backtest.user_id == user.id).order_by(Backtest.id.desc()).limit(limit)
    return list(await session.scalars(query))


def series_of(row: Backtest) -> dict[str, Any]:
    """Equity and drawdown at each close, and the trades: what the web app draws."""
    ts, equity = row.equity.get("ts", []), row.equity.get("equity", [])
    peaks = np.maximum.accumulate(np.asarray(equity, dtype=np.float64)) if equity else np.empty(0)
    drawdown = (np.asarray(equity) / peaks - 1.0).tolist() if equity else []
    return {
        "backtestId": row.public_id,
        "equity": [
            {"timestamp": isoformat_z(_at(t)), "equity": e, "drawdown": round(d, 8)}
            for t, e, d in zip(ts, equity, drawdown, strict=True)
        ],
        "trades": row.trades,
    }
