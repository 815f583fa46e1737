"""Backtest use cases: run a strategy and keep the run; read, list and delete runs; their data, equity chart
and the strategy catalog; queue a sweep."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
from collections import OrderedDict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.backtesting import repository, strategies
from app.backtesting.chart import equity_png
from app.backtesting.engine import Run
from app.backtesting.models import Backtest
from app.backtesting.optimize import combinations
from app.backtesting.schemas import (
    EquityPoint,
    OptimizeIn,
    Results,
    RunCosts,
    RunData,
    RunOut,
    RunStops,
    StrategyIn,
    StrategyInfo,
    StrategyParam,
    SweepJobOut,
    Trade,
)
from app.backtesting.simulation import (
    EXECUTION,
    Prepared,
    Window,
    at,
    costs_of,
    load_window,
    prepare,
    simulate,
    trades_of,
)
from app.config import Settings
from app.core.clock import isoformat_z, utcnow
from app.core.errors import forbidden, not_found
from app.core.runtime import Runtime
from app.core.security import same_signature
from app.core.tasks import service as job_service
from app.core.tasks.schemas import job_out
from app.users.schemas import Caller

RULES_DESCRIPTION = "Entry and exit written as formulas, e.g. CROSSOVER(EMA(CLOSE,12), EMA(CLOSE,26))"
RULES_PARAMETERS = [
    StrategyParam(name="entry", type="formula"),
    StrategyParam(name="exit", type="formula"),
    StrategyParam(name="shortEntry", type="formula", optional=True),
    StrategyParam(name="shortExit", type="formula", optional=True),
]


class EquityCharts:
    """The runs' equity PNGs, most recently drawn first: a run never changes, so its chart is drawn once."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._pngs: OrderedDict[str, bytes] = OrderedDict()

    async def png(self, row: Backtest) -> bytes:
        png = self._pngs.get(row.public_id)
        if png is None:
            title = f"{row.strategy_name} on {row.symbol} {row.interval}"
            ts, equity = row.equity.get("ts", []), row.equity.get("equity", [])
            png = self._pngs[row.public_id] = await asyncio.to_thread(equity_png, ts, equity, title)
            while len(self._pngs) > self.limit:
                self._pngs.popitem(last=False)
        return png

    def forget(self, public_id: str) -> None:
        self._pngs.pop(public_id, None)


CHARTS = EquityCharts(limit=64)  # per process: each API process draws a chart at most once while it is kept


def catalog() -> list[StrategyInfo]:
    """The built-in strategies with their parameters (bounds and defaults), and the formula-based Rules."""
    built_in = [
        StrategyInfo(
            name=s.name,
            description=s.description,
            parameters=[
                StrategyParam(name=p.name, default=p.default, min=p.minimum, max=p.maximum, integer=p.integer)
                for p in s.params
            ],
        )
        for s in strategies.BUILT_IN
    ]
    return [
        *built_in,
        StrategyInfo(name=strategies.RULES, description=RULES_DESCRIPTION, parameters=RULES_PARAMETERS),
    ]


def _public_id(now: datetime) -> str:
    return f"BT-{now:%Y%m%d}-{secrets.token_hex(4).upper()}"


@dataclass(frozen=True)
class Evaluation:
    """A run's results over its window, without keeping anything (the agent's read-only backtest)."""

    strategy_name: str
    symbol: str
    interval: str
    start: datetime
    end: datetime
    parameters: dict[str, object]
    results: Results


async def check(session: AsyncSession, user_id: int, body: StrategyIn) -> str:
    """The strategy and parameters as a run would bind them (a 422 naming the field); the strategy's name."""
    return (await prepare(session, user_id, body.strategy_name, body.parameters)).name


@dataclass(frozen=True)
class _Simulated:
    prepared: Prepared
    window: Window
    run: Run
    results: Results
    ts: np.ndarray
    trades: list[Trade]


async def _simulate(session: AsyncSession, settings: Settings, user_id: int, body: StrategyIn) -> _Simulated:
    prepared = await prepare(session, user_id, body.strategy_name, body.parameters)
    window = await load_window(session, body, prepared.lookback)
    capital = float(body.initial_capital)
    run, results = simulate(prepared, window, costs_of(body), capital, settings.backtest_risk_free_rate)
    ts = window.series.ts[window.first :]
    trades = trades_of(run, ts)
    results.open_at_end = bool(trades and trades[-1].exit_reason == "END")
    return _Simulated(prepared, window, run, results, ts, trades)


async def evaluate(session: AsyncSession, settings: Settings, user_id: int, body: StrategyIn) -> Evaluation:
    """The results POST /api/backtest/strategy would give for this request; nothing is stored."""
    done = await _simulate(session, settings, user_id, body)
    prepared, window = done.prepared, done.window
    start, end = at(window.start), at(window.end)
    return Evaluation(
        prepared.name, window.symbol, body.interval, start, end, prepared.parameters, done.results
    )


async def create(session: AsyncSession, settings: Settings, user_id: int, body: StrategyIn) -> RunOut:
    """Run the strategy at once and keep the run (results, trades, equity)."""
    done = await _simulate(session, settings, user_id, body)
    prepared, window = done.prepared, done.window
    now = utcnow()
    config = body.model_dump(mode="json", by_alias=True) | {
        "parameters": prepared.parameters,
        "strategyName": prepared.name,
        "from": isoformat_z(at(window.start)),
        "to": isoformat_z(at(window.end)),
        "symbol": window.symbol,
        "initialCapital": float(body.initial_capital),
    }
    row = Backtest(
        public_id=_public_id(now),
        user_id=user_id,
        strategy_name=prepared.name,
        symbol=window.symbol,
        interval=body.interval,
        parameters=prepared.parameters,
        status="COMPLETED",
        results=done.results.model_dump(mode="json", by_alias=True),
        created_at=now,
        completed_at=utcnow(),
        config=config,
        trades=[trade.model_dump(mode="json", by_alias=True) for trade in done.trades],
        equity={"ts": done.ts.tolist(), "equity": [round(v, 8) for v in done.run.equity.tolist()]},
    )
    repository.add(session, row)
    await session.flush()
    return to_out(settings, row)


def signature(settings: Settings, public_id: str) -> str:
    key = settings.resolved_secret_key.encode()
    return hmac.new(key, f"backtest:{public_id}".encode(), hashlib.sha256).hexdigest()[:32]


def to_out(settings: Settings, row: Backtest) -> RunOut:
    config = row.config
    return RunOut(
        backtest_id=row.public_id,
        strategy_name=row.strategy_name,
        results=Results.model_validate(row.results or {}),
        equity_curve_url=f"/api/backtest/{row.public_id}/equity.png?sig={signature(settings, row.public_id)}",
        completed_at=row.completed_at,
        symbol=row.symbol,
        interval=row.interval,
        from_=config.get("from"),
        to=config.get("to"),
        parameters=row.parameters,
        initial_capital=config.get("initialCapital"),
        costs=RunCosts.model_validate(
            {k: config.get(k) for k in ("fees", "slippage", "sizing", "size", "direction")}
        ),
        stops=RunStops.model_validate({k: config.get(k) for k in ("stopLoss", "takeProfit", "trailingStop")}),
        execution=EXECUTION,
        created_at=row.created_at,
    )


async def owned(session: AsyncSession, caller: Caller, public_id: str) -> Backtest:
    row = await repository.by_public_id(session, public_id)
    if row is None or (row.user_id != caller.id and not caller.is_admin):
        raise not_found("Backtest", public_id)
    return row


async def check_owner(session: AsyncSession, caller: Caller, public_id: str) -> None:
    """For a report naming a run: 404 when there is none, 403 when it is another user's."""
    row = await repository.by_public_id(session, public_id)
    if row is None:
        raise not_found("Backtest", public_id)
    if row.user_id != caller.id and not caller.is_admin:
        raise forbidden(f"Backtest {public_id} is not yours")


async def get(session: AsyncSession, settings: Settings, caller: Caller, public_id: str) -> RunOut:
    return to_out(settings, await owned(session, caller, public_id))


async def list_runs(session: AsyncSession, settings: Settings, user_id: int, limit: int) -> list[RunOut]:
    """The user's runs, newest first."""
    return [to_out(settings, row) for row in await repository.newest_of(session, user_id, limit)]


async def data(session: AsyncSession, caller: Caller, public_id: str) -> RunData:
    """Equity and drawdown at each close, and every trade (entry/exit time, bar and price, fees, reason)."""
    row = await owned(session, caller, public_id)
    ts, equity = row.equity.get("ts", []), row.equity.get("equity", [])
    peaks = np.maximum.accumulate(np.asarray(equity, dtype=np.float64)) if equity else np.empty(0)
    drawdown = (np.asarray(equity) / peaks - 1.0).tolist() if equity else []
    points = [
        EquityPoint(timestamp=isoformat_z(at(t)), equity=e, drawdown=round(d, 8))
        for t, e, d in zip(ts, equity, drawdown, strict=True)
    ]
    # Not validated point by point: a long run has millions, built just above from the stored numbers.
    return RunData.model_construct(
        backtest_id=row.public_id, equity=points, trades=[Trade.model_validate(t) for t in row.trades]
    )


async def equity_chart(session: AsyncSession, settings: Settings, public_id: str, sig: str) -> bytes:
    """The run's `equityCurveUrl`: signed, so whoever holds the URL may load it without a token."""
    if not same_signature(sig, signature(settings, public_id)):
        raise not_found("Backtest", public_id)
    row = await repository.by_public_id(session, public_id)
    if row is None:
        raise not_found("Backtest", public_id)
    return await CHARTS.png(row)


async def start_sweep(runtime: Runtime, session: AsyncSession, user_id: int, body: OptimizeIn) -> SweepJobOut:
    """Queue a parameter sweep (tasks.optimize_job) once the request is known to be runnable."""
    await prepare(
        session, user_id, body.strategy_name, body.parameters
    )  # a bad request fails here, not in the job
    combinations(body)
    payload = body.model_dump(mode="json", by_alias=True)
    job = await job_service.enqueue(runtime, session, "backtest.optimize", payload, user_id=user_id)
    return SweepJobOut.model_validate(job_out(job))


async def delete(session: AsyncSession, caller: Caller, public_id: str) -> None:
    await repository.delete(session, await owned(session, caller, public_id))
    CHARTS.forget(public_id)


async def users_with_runs(session: AsyncSession, user_ids: Collection[int]) -> set[int]:
    """Which of these users have at least one stored backtest."""
    query = select(Backtest.user_id).where(Backtest.user_id.in_(user_ids)).distinct()
    return set(await session.scalars(query))
