"""Requests and responses of the backtest routes: the seed's strategy request and run, its data, the catalog
and sweeps."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, StringConstraints
from pydantic.json_schema import SkipJsonSchema
from typing_extensions import TypedDict

from app.core.schemas import ApiModel, JsonObject, RequestModel, UserJsonObject, UtcDateTime
from app.core.tasks.schemas import JobOut

Interval = Literal["1m", "5m", "15m", "1h", "4h", "1d"]
Fraction = Annotated[float, Field(gt=0, lt=1, allow_inf_nan=False)]


class StrategyIn(RequestModel):
    strategy_name: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    symbol: Annotated[str, StringConstraints(min_length=1, max_length=30)]
    period: Annotated[str, StringConstraints(max_length=8)] = Field(
        default="1y", description="90d, 12w, 1y... ending at `to`; ignored when `from` is given"
    )
    interval: Interval = "1h"
    from_: UtcDateTime | None = Field(default=None, alias="from")
    to: UtcDateTime | None = None
    parameters: UserJsonObject = Field(
        default_factory=dict, description="The strategy's own (see /strategies)"
    )
    initial_capital: Decimal = Field(default=Decimal(10000), gt=0, lt=Decimal("1e15"), allow_inf_nan=False)
    fees: float = Field(
        default=0.001, ge=0, lt=0.1, allow_inf_nan=False, description="On each fill's notional"
    )
    slippage: float = Field(
        default=0.0, ge=0, lt=0.1, allow_inf_nan=False, description="Fraction of the price"
    )
    sizing: Literal["ALL_IN", "FRACTION", "AMOUNT"] = "ALL_IN"
    size: float | None = Field(default=None, gt=0, lt=1e15, allow_inf_nan=False)
    direction: Literal["LONG_ONLY", "LONG_SHORT"] = "LONG_ONLY"
    stop_loss: Fraction | None = None
    take_profit: Annotated[float, Field(gt=0, le=100, allow_inf_nan=False)] | None = None
    trailing_stop: Fraction | None = None


class Range(RequestModel):
    """A parameter's values in a sweep: min..max by step, or an explicit list."""

    min: float | None = Field(default=None, allow_inf_nan=False)
    max: float | None = Field(default=None, allow_inf_nan=False)
    step: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    values: list[float] | None = Field(default=None, min_length=1, max_length=1000)


class OptimizeIn(StrategyIn):
    ranges: dict[str, Range] = Field(min_length=1, max_length=8, description="Swept parameters")
    metric: str = Field(default="sharpeRatio", description="A results key to rank by (higher is better)")
    method: Literal["GRID", "RANDOM"] = "GRID"
    samples: int = Field(default=200, ge=1, le=10_000, description="RANDOM: combinations drawn")
    max_combinations: int = Field(default=5000, ge=1, le=20_000)
    out_of_sample: float = Field(default=0.3, ge=0, lt=0.9, description="Share of the range kept for testing")
    top: int = Field(default=20, ge=1, le=200)
    seed: int = 0


class Results(ApiModel):
    """A run's metrics (definitions in docs/API.md); null where undefined, e.g. Sharpe without trades."""

    # Required: every run stores them all (metrics.compute), so the web app reads them without guards.
    total_return: float | None
    cagr: float | None
    sharpe_ratio: float | None
    sortino_ratio: float | None
    max_drawdown: float | None
    max_drawdown_bars: int
    max_drawdown_days: float
    win_rate: float | None
    total_trades: int
    profit_factor: float | None
    expectancy: float | None
    average_win: float | None
    average_loss: float | None
    best_trade: float | None
    worst_trade: float | None
    exposure: float | None
    buy_and_hold_return: float | None
    fees_paid: float | None
    final_equity: float | None
    bars: int
    open_at_end: bool | None = Field(
        default=None, description="A position was still open at the end (sweeps: null)"
    )


class RunCosts(ApiModel):
    fees: float | None
    slippage: float | None
    sizing: str | None
    size: float | None
    direction: str | None


class RunStops(ApiModel):
    stop_loss: float | None
    take_profit: float | None
    trailing_stop: float | None


class RunOut(ApiModel):
    """The seed's response (backtestId, strategyName, results, equityCurveUrl, completedAt) and the request as
    it was run."""

    backtest_id: str
    strategy_name: str
    results: Results
    equity_curve_url: str
    completed_at: UtcDateTime | None
    symbol: str
    interval: str
    from_: str | None = Field(alias="from")
    to: str | None
    parameters: JsonObject = Field(description="The strategy's parameters as bound (defaults filled in)")
    initial_capital: float | None
    costs: RunCosts
    stops: RunStops
    execution: str
    created_at: UtcDateTime


class EquityPoint(TypedDict):
    # A TypedDict, not a model: a run has one per bar (millions on 5y of 1m), and dicts validate 5x faster.
    timestamp: str
    equity: float
    drawdown: float


class Trade(ApiModel):
    side: Literal["LONG", "SHORT"]
    entry_at: str
    exit_at: str
    entry_bar: int
    exit_bar: int
    entry_price: float
    exit_price: float
    units: float
    fees: float
    pnl: float
    exit_reason: str


class RunData(ApiModel):
    """Equity and drawdown at each close, and the trades: what the web app draws."""

    backtest_id: str
    equity: list[EquityPoint]
    trades: list[Trade]


class StrategyParam(ApiModel):
    """A built-in's number (default and bounds), or a Rules formula (`type` "formula")."""

    # Absent rather than null (the route leaves nulls out), so the schema says "optional", not "nullable".
    name: str
    default: int | float | SkipJsonSchema[None] = None  # as the strategy declares it: 14, not 14.0
    min: int | float | SkipJsonSchema[None] = None
    max: int | float | SkipJsonSchema[None] = None
    integer: bool | SkipJsonSchema[None] = None
    type: Literal["formula"] | SkipJsonSchema[None] = None
    optional: bool | SkipJsonSchema[None] = None


class StrategyInfo(ApiModel):
    name: str
    description: str
    parameters: list[StrategyParam]


class SweepRow(ApiModel):
    parameters: JsonObject = Field(description="The combination's bound parameters")
    in_sample: Results
    out_of_sample: Results | None


class SweepSpan(ApiModel):
    from_: int = Field(alias="from", description="Unix seconds of its first bar")
    bars: int


class OutOfSampleSpan(ApiModel):
    from_: int | None = Field(alias="from", description="Unix seconds of its first bar; null if none is kept")
    bars: int


class SweepOut(ApiModel):
    """A sweep job's `result`: the combinations ranked by `metric` in-sample, the best `top` listed."""

    strategy_name: str
    symbol: str
    metric: str
    combinations: int
    skipped: int
    in_sample: SweepSpan
    out_of_sample: OutOfSampleSpan
    results: list[SweepRow]


class SweepJobOut(JobOut):
    """The sweep job as queued (`result` is null until done; GET /api/jobs/{jobId} then has a SweepOut)."""

    result: SweepOut | None  # type: ignore[assignment]  # a narrower result than any job's
