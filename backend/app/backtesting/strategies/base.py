"""What a strategy is: named parameters with bounds, and entry/exit signals computed on each bar's close."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from app.quant.indicators import library
from app.quant.indicators.spec import Array, Series

Bools = npt.NDArray[np.bool_]


class StrategyError(ValueError):
    """A parameter the strategy cannot run with; `field` names it as the request does (parameters.x)."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Param:
    name: str  # camelCase, as requests write it
    default: float
    minimum: float
    maximum: float
    integer: bool = True
    description: str = ""


@dataclass(frozen=True)
class Signals:
    """Per bar, decided on its close: go long / leave the long (and the short side's own, if any)."""

    long_entry: Bools
    long_exit: Bools
    short_entry: Bools | None = None
    short_exit: Bools | None = None


Compute = Callable[[Series, Mapping[str, Any]], Signals]


@dataclass(frozen=True)
class Strategy:
    name: str  # as the seed writes it: "RSI Mean Reversion"
    description: str
    params: tuple[Param, ...]
    compute: Compute
    lookback: Callable[[Mapping[str, Any]], int]  # bars before a first valid signal
    check: Callable[[Mapping[str, Any]], None] = field(default=lambda _: None)

    def bind(self, given: Mapping[str, Any]) -> dict[str, Any]:
        """The parameters with defaults filled in, each checked against its bounds (StrategyError)."""
        known = {p.name for p in self.params}
        for name in given:
            if name not in known:
                accepted = ", ".join(sorted(known)) or "none"
                raise StrategyError(
                    f"{self.name} has no parameter {name} (it takes: {accepted})", f"parameters.{name}"
                )
        bound: dict[str, Any] = {}
        for p in self.params:
            value = given.get(p.name, p.default)
            if isinstance(value, bool) or not isinstance(value, int | float) or not np.isfinite(value):
                raise StrategyError(f"{p.name} must be a number", f"parameters.{p.name}")
            if p.integer and value != int(value):
                raise StrategyError(f"{p.name} must be a whole number", f"parameters.{p.name}")
            if not p.minimum <= value <= p.maximum:
                raise StrategyError(
                    f"{p.name} must be between {p.minimum:g} and {p.maximum:g}", f"parameters.{p.name}"
                )
            bound[p.name] = int(value) if p.integer else float(value)
        self.check(bound)
        return bound


def indicator(name: str, series: Series, **params: float) -> dict[str, Array]:
    return library.compute(name, series, params)


def crossed_above(a: Array, b: Array | float) -> Bools:
    """a moved from at or below b to above it on this bar (NaN: no)."""
    above = np.asarray(a > b)
    previous = np.concatenate(([False], above[:-1]))
    defined = ~np.isnan(a)
    was_defined = np.concatenate(([False], defined[:-1]))
    return above & ~previous & defined & was_defined


def period(name: str, default: int, description: str = "bars in the window") -> Param:
    return Param(name, default, 2, 1000, True, description)


def ordered(low: str, high: str) -> Callable[[Mapping[str, Any]], None]:
    """A check that parameter `low` is below parameter `high`."""

    def check(p: Mapping[str, Any]) -> None:
        if p[low] >= p[high]:
            raise StrategyError(f"{low} must be below {high}", f"parameters.{low}")

    return check
