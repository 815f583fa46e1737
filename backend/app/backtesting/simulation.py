"""One strategy over stored candles: its checked parameters, the candle window, costs, and the simulated run;
shared by a single backtest and a parameter sweep."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
from sqlalchemy.ext.asyncio import AsyncSession

from app.backtesting import metrics, strategies
from app.backtesting.engine import EXIT_REASONS, Costs, Run, run
from app.backtesting.rules import compile_rules
from app.backtesting.schemas import Results, StrategyIn, Trade
from app.backtesting.strategies import Signals, StrategyError
from app.core.clock import isoformat_z, utcnow
from app.core.errors import AppError, ErrorCode
from app.core.marketdata import INTERVALS, to_series
from app.core.periods import parse_period
from app.indicators.service import definitions_of, resolver
from app.market import service as market_service
from app.quant.indicators.spec import Series

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


async def prepare(session: AsyncSession, user_id: int, name: str, parameters: dict[str, Any]) -> Prepared:
    if strategies.is_rules(name):
        definitions = await definitions_of(session, user_id)
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
            f"No {body.interval} candles of {asset.symbol} between {isoformat_z(at(start))} and "
            f"{isoformat_z(at(end))}",
            field="symbol",
        )
    return Window(asset.symbol, series, first, start, end, step)


def at(ts: int) -> datetime:
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
) -> tuple[Run, Results]:
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
    return result, Results.model_validate(
        metrics.compute(result, opens, closes, capital, window.step, risk_free)
    )


def trades_of(result: Run, ts: np.ndarray) -> list[Trade]:
    """Each trade of `result` with its bars' times (`ts`: the tested bars' open times)."""
    trades = []
    for i in range(len(result)):
        units = float(result.units[i])
        trades.append(
            Trade(
                side="LONG" if units > 0 else "SHORT",
                entry_at=isoformat_z(at(int(ts[result.entry_bar[i]]))),
                exit_at=isoformat_z(at(int(ts[result.exit_bar[i]]))),
                entry_bar=int(result.entry_bar[i]),
                exit_bar=int(result.exit_bar[i]),
                entry_price=float(result.entry_price[i]),
                exit_price=float(result.exit_price[i]),
                units=abs(units),
                fees=float(result.fees[i]),
                pnl=float(units * (result.exit_price[i] - result.entry_price[i]) - result.fees[i]),
                exit_reason=EXIT_REASONS[int(result.reason[i])],
            )
        )
    return trades
