"""A portfolio's analysis and rebalancing advice: stored positions and daily closes in, the pure maths of
`app.quant.portfolio` over them, the seed's figures out."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import numpy as np
from sqlalchemy.ext.asyncio import AsyncSession

from app.alerts import service as alerts_service
from app.alerts.service import PORTFOLIO_SYMBOL, Alert
from app.core.clock import utcnow
from app.core.errors import AppError, ErrorCode
from app.core.runtime import Runtime
from app.portfolio import daily_closes, repository, risk_rules, service, snapshots, valuation
from app.portfolio.schemas import (
    AlertBreach,
    AnalysisOut,
    AttributionOut,
    ExtendedRiskOut,
    Performance,
    PriceSource,
    RebalanceOut,
    RiskMetricsOut,
    TradeOut,
    ValuePoint,
)
from app.quant.portfolio import attribution, holdings_risk, performance
from app.quant.portfolio import rebalance as rebalance_maths
from app.users.schemas import Caller

DAY = 86400
BENCHMARK = "BTC-USD"


def _finite(value: float) -> float | None:
    return None if value is None or math.isnan(value) or math.isinf(value) else float(value)


def _finite_map(values: dict[str, float]) -> dict[str, float | None]:
    return {k: _finite(v) for k, v in values.items()}


@dataclass(frozen=True, slots=True)
class History:
    """The portfolio as it was held, from its first transaction's day to today: end-of-day quantities, each
    day's external flow, and the value at each close (today's is the live value)."""

    days: list[date]
    symbols: list[str]
    quantities: np.ndarray  # (days, symbols)
    flows: np.ndarray
    values: np.ndarray
    closes: np.ndarray  # carried forward and back-filled, (days, symbols)


def _history(
    days: list[snapshots.Day], symbols: list[str], closes: daily_closes.Closes, live_value: float
) -> History:
    """From the daily snapshots: end-of-day quantities (cumulated), each day's external flow (d x q x p + f,
    as the ledger's), the value at each close; today's value is the live one."""
    first = closes.days.index(days[0].day)
    grid = closes.days[first:]
    column = {s: j for j, s in enumerate(symbols)}
    quantities = np.zeros((len(grid), len(symbols)))
    flows = np.zeros(len(grid))
    for snapshot in days:
        row = (snapshot.day - grid[0]).days
        flows[row] = snapshot.flow
        for symbol, change in snapshot.changes.items():
            quantities[row, column[symbol]] = change
    quantities = np.cumsum(quantities, axis=0)
    raw = np.column_stack([closes.column(s)[first:] for s in symbols])
    filled = np.nan_to_num(daily_closes.filled(raw), nan=0.0)
    values = (quantities * filled).sum(axis=1)
    values[-1] = live_value
    return History(grid, symbols, quantities, flows, values, filled)


def _performance(history: History | None, today: date) -> Performance:
    if history is None:
        return Performance(twr=dict.fromkeys(performance.PERIODS), mwr=dict.fromkeys(performance.PERIODS))
    returns = performance.daily_twr_returns(history.values, history.flows)
    now = utcnow()
    twr: dict[str, float | None] = {}
    mwr: dict[str, float | None] = {}
    for key in performance.PERIODS:
        start = performance.period_start(key, today, history.days[0])
        first = history.days.index(start)
        before = float(history.values[first - 1]) if first > 0 else 0.0
        if before <= 0 and not np.any(history.flows[first:] > 0):
            twr[key] = mwr[key] = None  # nothing was invested in the period
            continue
        twr[key] = _finite(float(np.prod(1.0 + returns[first:]) - 1.0))
        flows = [
            (_midnight(d), float(f))
            for d, f in zip(history.days[first:], history.flows[first:], strict=True)
            if f != 0
        ]
        mwr[key] = _money_weighted(_midnight(start), before, flows, now, float(history.values[-1]))
    return Performance(twr=twr, mwr=mwr)


def _money_weighted(
    start: datetime, before: float, flows: list[tuple[datetime, float]], now: datetime, value: float
) -> float | None:
    try:
        return _finite(performance.mwr(start, before, flows, now, value))
    except ValueError:  # roots bunched within rounding noise of each other: no rate can be told
        return None


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


_NO_ATTRIBUTION = AttributionOut(
    period="0D",
    portfolio_return=None,
    benchmark_return=None,
    excess_return=None,
    contribution={},
    allocation_effect={},
)


def _attribution(
    history: History | None, targets: dict[str, Decimal], days: int
) -> tuple[AttributionOut, list[str]]:
    """Over the last `days` days (fewer when the portfolio is younger), as the portfolio was held then; with
    the reason when there is none."""
    n = min(days, len(history.days) - 1) if history else 0
    if history is None or n < 1:
        return _NO_ATTRIBUTION, []
    if not targets:
        return _NO_ATTRIBUTION, ["no targets: attribution compares the holdings with their targets"]
    closes = history.closes[-n - 1 :]
    held = history.quantities[-n - 1 : -1] * closes[:-1]
    totals = held.sum(axis=1, keepdims=True)
    weights = np.divide(held, totals, out=np.zeros_like(held), where=totals > 0)
    returns = np.divide(closes[1:], closes[:-1], out=np.ones_like(closes[1:]), where=closes[:-1] > 0) - 1.0
    benchmark = np.array([float(targets.get(s, 0)) for s in history.symbols])
    try:
        result = attribution.attribute(history.symbols, weights, returns, benchmark)
    except ValueError as error:  # e.g. a target symbol without any daily close
        return _NO_ATTRIBUTION, [f"no attribution: {error}"]
    return AttributionOut(
        period=f"{n}D",
        portfolio_return=_finite(result.portfolio_return),
        benchmark_return=_finite(result.benchmark_return),
        excess_return=_finite(result.excess_return),
        contribution=result.contribution,
        allocation_effect=result.allocation_effect,
    ), []


@dataclass(frozen=True, slots=True)
class Risk:
    metrics: RiskMetricsOut
    extended: ExtendedRiskOut
    values: list[ValuePoint]
    warnings: list[str]
    baseline: risk_rules.Baseline


def _window(
    closes: daily_closes.Closes, held: dict[str, Decimal], lookback_days: int
) -> tuple[list[str], np.ndarray, np.ndarray, slice]:
    """The held symbols with a close in the lookback (lookbackDays + 1 complete UTC days: today is not in
    it), their quantities, and their closes there."""
    window = slice(len(closes.days) - 1 - (lookback_days + 1), len(closes.days) - 1)
    measured = [s for s in held if not np.isnan(closes.column(s)[window]).all()]
    quantities = np.array([float(held[s]) for s in measured])
    matrix = (
        np.column_stack([closes.column(s)[window] for s in measured])
        if measured
        else np.zeros((lookback_days + 1, 0))
    )
    return measured, quantities, matrix, window


def _baseline(values: np.ndarray) -> risk_rules.Baseline:
    """What the risk alerts measure against: the peak V_t, the last close's V, and r's 5th percentile."""
    worth = values[values > 0] if len(values) else values
    if not len(worth):
        return risk_rules.NO_BASELINE
    var_return = holdings_risk.risk_metrics(values, 1.0, 0.0).var95  # var95 on a value of 1: the quantile
    return risk_rules.Baseline(float(worth.max()), _finite(float(values[-1])), _finite(var_return))


async def baseline(
    session: AsyncSession, runtime: Runtime, held: dict[str, Decimal], lookback_days: int = 365
) -> risk_rules.Baseline:
    """The risk alerts' baseline of these holdings, from the analysis' V_t over the lookback."""
    if not held:
        return risk_rules.NO_BASELINE
    today = utcnow().date()
    first = today - timedelta(days=lookback_days + 1)
    closes = await daily_closes.load(session, runtime, sorted(held), first, today)
    _, quantities, matrix, _ = _window(closes, held, lookback_days)
    return _baseline(holdings_risk.value_series(quantities, matrix))


def _risk(
    closes: daily_closes.Closes, held: dict[str, Decimal], total: float, lookback_days: int, rate: float
) -> Risk:
    """The current holdings held over the last lookbackDays + 1 complete UTC days (today is not in it)."""
    measured, quantities, matrix, window = _window(closes, held, lookback_days)
    warnings = [
        f"{s} has no daily close in the lookback: left out of the risk figures"
        for s in held
        if s not in measured
    ]
    values = holdings_risk.value_series(quantities, matrix)
    metrics = holdings_risk.risk_metrics(values, total, rate)
    extended = holdings_risk.extended_risk(
        measured, quantities, matrix, closes.column(BENCHMARK)[window], total, rate
    )
    return Risk(
        RiskMetricsOut(
            var95=_finite(metrics.var95),
            max_drawdown=_finite(metrics.max_drawdown),
            sharpe_ratio=_finite(metrics.sharpe_ratio),
            volatility=_finite(metrics.volatility),
        ),
        ExtendedRiskOut(
            parametric_var95=_finite(extended.parametric_var95),
            cvar95=_finite(extended.cvar95),
            parametric_cvar95=_finite(extended.parametric_cvar95),
            sortino_ratio=_finite(extended.sortino_ratio),
            calmar_ratio=_finite(extended.calmar_ratio),
            beta=_finite(extended.beta),
            correlation=_finite(extended.correlation),
            asset_volatility=_finite_map(extended.asset_volatility),
            risk_contribution=_finite_map(extended.risk_contribution),
            correlation_matrix={k: _finite_map(v) for k, v in extended.correlation_matrix.items()},
            concentration_hhi=_finite(extended.concentration_hhi),
        ),
        _points(closes.days[window], values),
        warnings,
        _baseline(values),
    )


def _points(days: list[date], values: np.ndarray) -> list[ValuePoint]:
    return [ValuePoint(date=d.isoformat(), value=float(v)) for d, v in zip(days, values, strict=True)]


def _in_breach(alerts: list[Alert], state: risk_rules.State) -> list[AlertBreach]:
    """The portfolio's ACTIVE risk alerts whose condition holds now."""
    out = []
    for alert in alerts:
        threshold = float(alert.threshold) if alert.threshold is not None else None
        symbol = None if alert.symbol == PORTFOLIO_SYMBOL else alert.symbol
        reading = risk_rules.measure(alert.condition, threshold, symbol, state)
        if reading.holds:
            out.append(
                AlertBreach(
                    alert_id=alert.id,
                    condition=alert.condition,
                    symbol=symbol,
                    measured=reading.measured,
                    level=reading.level,
                    message=reading.text,
                )
            )
    return out


async def analyse(
    session: AsyncSession, runtime: Runtime, caller: Caller, portfolio_id: int, lookback_days: int
) -> AnalysisOut:
    row = await service.owned(session, caller, portfolio_id)
    positions = await repository.positions_of(session, [portfolio_id])
    priced = await valuation.prices(session, runtime.cache, {p.symbol for p in positions if p.quantity > 0})
    valued = valuation.value(positions, priced)
    targets, band = service.targets_of(row), service.band_of(row)
    now = utcnow()
    today = now.date()
    days = await snapshots.days_of(session, portfolio_id)
    first = today - timedelta(days=lookback_days + 1)
    if days:
        first = min(first, days[0].day)
    symbols = sorted({s for d in days for s in d.changes} | set(targets))
    closes = await daily_closes.load(session, runtime, sorted({*symbols, BENCHMARK}), first, today)
    held = {p.symbol: p.quantity for p in positions if p.quantity > 0 and p.symbol in priced}
    total = float(valued.total_value)
    risk = _risk(closes, held, total, lookback_days, runtime.settings.portfolio_risk_free_rate)
    history = _history(days, symbols, closes, total) if days else None
    deviation = valuation.deviations(valued.weights, targets)
    state = risk_rules.State(
        total, valued.weights, {s: float(w) for s, w in targets.items()}, float(band), risk.baseline
    )
    rules = await alerts_service.portfolio_alerts(session, {row.id}, user_id=row.user_id)
    attributed, unattributed = _attribution(history, targets, lookback_days)
    return AnalysisOut(
        portfolio_id=row.id,
        total_value=valued.total_value,
        total_pnl=valuation.total_pnl(valued),
        allocation=valued.weights,
        allocation_deviation=deviation,
        risk_metrics=risk.metrics,
        rebalancing_needed=bool(targets) and any(abs(d) > float(band) for d in deviation.values()),
        alerts=_in_breach(rules, state),
        band=band,
        lookback_days=lookback_days,
        risk_free_rate=runtime.settings.portfolio_risk_free_rate,
        extended=risk.extended,
        performance=_performance(history, today),
        attribution=attributed,
        values=risk.values,
        history=_points(history.days, history.values) if history else [],
        prices={s: PriceSource(source=q.source, as_of=q.as_of) for s, q in priced.items()},
        warnings=[
            *(f"{s} has no price yet: its value is not counted" for s in valued.unpriced),
            *risk.warnings,
            *unattributed,
        ],
        as_of=now,
    )


async def rebalance(
    session: AsyncSession,
    runtime: Runtime,
    caller: Caller,
    portfolio_id: int,
    min_trade: float,
    fee_rate: float,
    turnover_cap: float | None,
) -> RebalanceOut:
    """Advisory trades toward the targets at the latest prices (the quantity step of each asset: 1e-8). A
    target without a price (and not held) is planned as USD until it has one; a holding without one: 404."""
    row = await service.owned(session, caller, portfolio_id)
    positions = await repository.positions_of(session, [portfolio_id])
    targets, band = service.targets_of(row), service.band_of(row)
    held = {p.symbol: p.quantity for p in positions if p.quantity > 0}
    if held and not targets:  # nothing to rebalance toward (a 500 before: found by bench/soak.py's reports)
        raise AppError(
            ErrorCode.CONFLICT,
            "this portfolio has no target allocations: set targetAllocations to plan a rebalance",
            field="targetAllocations",
        )
    symbols = set(held) | set(targets)
    priced = await valuation.prices(session, runtime.cache, symbols)
    missing = sorted(symbols - set(priced))
    if any(s in held for s in missing):  # the total, so every weight, is unknown
        raise AppError(
            ErrorCode.NO_DATA,
            f"no price yet for {', '.join(s for s in missing if s in held)}: cannot size the trades",
            field="symbol",
        )
    planned = {s: w for s, w in targets.items() if s in priced}
    if missing:  # a target not held and without a price: its share waits in cash
        planned["USD"] = planned.get("USD", Decimal(0)) + sum((targets[s] for s in missing), Decimal(0))
        priced.setdefault("USD", (await valuation.prices(session, runtime.cache, {"USD"}))["USD"])
    plan = rebalance_maths.plan(
        held,
        {s: q.price for s, q in priced.items()},
        planned,
        band=band,
        min_trade=Decimal(str(min_trade)),
        fee_rate=Decimal(str(fee_rate)),
        turnover_cap=Decimal(str(turnover_cap)) if turnover_cap is not None else None,
    )
    return RebalanceOut(
        portfolio_id=row.id,
        rebalancing_needed=bool(plan.trades),
        band=band,
        trades=[
            TradeOut(symbol=t.symbol, side=t.side, quantity=t.quantity, notional=t.notional, reason=t.reason)
            for t in plan.trades
        ],
        weights_before=plan.weights_before,
        weights_after=plan.weights_after,
        turnover=plan.turnover,
        fees=plan.fees,
        skipped=[
            *(
                f"{s} has no price yet: its {float(targets[s]):.1%} target waits in USD in this plan"
                for s in missing
            ),
            *plan.skipped,
        ],
    )
