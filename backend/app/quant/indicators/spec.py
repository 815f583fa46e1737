"""What an indicator is: its inputs, parameters with bounds, named outputs, lookback and computation."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]
PRICE_INPUTS = ("open", "high", "low", "close", "volume")


@dataclass(frozen=True, slots=True)
class Series:
    """OHLCV columns of one symbol and interval, oldest first; `ts` are open times (epoch seconds)."""

    ts: npt.NDArray[np.int64]
    open: Array
    high: Array
    low: Array
    close: Array
    volume: Array

    def __len__(self) -> int:
        return len(self.ts)

    def column(self, name: str) -> Array:
        values: Array = getattr(self, name)
        return values


class IndicatorError(ValueError):
    """A bad indicator name or parameter; `field` names the parameter (or "name")."""

    def __init__(self, message: str, field: str = "name") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    default: float
    minimum: float
    maximum: float
    integer: bool = True
    description: str = ""


Compute = Callable[[Series, Mapping[str, float]], dict[str, Array]]
Lookback = Callable[[Mapping[str, float]], int]


@dataclass(frozen=True)
class IndicatorSpec:
    """One catalog entry. `outputs[0]` is the value a bare call stands for (`MACD(12,26,9)` = its macd
    line); `compute` returns every output as an array as long as the input, NaN during the lookback."""

    name: str  # upper-case identifier used in formulas: RSI, MACD, PLUS_DI, SUPERTREND
    title: str
    group: str  # momentum | trend | volatility | volume | overlap | price | pattern | chart pattern
    inputs: tuple[str, ...]
    params: tuple[Param, ...]
    outputs: tuple[str, ...]
    compute: Compute
    lookback: Lookback
    engine: str = "ta-lib"  # ta-lib | cryptomon
    aliases: tuple[str, ...] = field(default_factory=tuple)

    def bind(
        self, given: Mapping[str, float] | None = None, positional: tuple[float, ...] = ()
    ) -> dict[str, float]:
        """Parameters with defaults filled, positional ones in declaration order; IndicatorError when a name
        is unknown, a value is out of bounds or an integer parameter is not whole."""
        values = {p.name: p.default for p in self.params}
        if len(positional) > len(self.params):
            raise IndicatorError(f"{self.name} takes at most {len(self.params)} parameters", field="params")
        for param, value in zip(self.params, positional, strict=False):
            values[param.name] = value
        for key, value in (given or {}).items():
            if key not in values:
                raise IndicatorError(f"{self.name} has no parameter {key}", field=key)
            values[key] = value
        for param in self.params:
            value = float(values[param.name])
            if not param.minimum <= value <= param.maximum:
                raise IndicatorError(
                    f"{self.name} {param.name} must be between {param.minimum:g} and {param.maximum:g}",
                    field=param.name,
                )
            if param.integer and value != int(value):
                raise IndicatorError(f"{self.name} {param.name} must be a whole number", field=param.name)
            values[param.name] = int(value) if param.integer else value
        return values
