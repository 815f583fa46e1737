"""Request bodies of the backtest routes: the seed's strategy request plus range, costs, sizing and stops."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from app.core.schemas import RequestModel, UtcDateTime

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
    parameters: dict[str, Any] = Field(default_factory=dict)
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
