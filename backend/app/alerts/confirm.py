"""A price level confirmed by an indicator: PRICE_ABOVE/PRICE_BELOW with `metadata.indicator` (or `formula`).

The price rule fires on the tick that takes the price across its threshold only while the indicator's
latest closed bar on `metadata.timeframe` (default 1h) compares with `metadata.value` by `metadata.operator`
(default >= for PRICE_ABOVE, <= for PRICE_BELOW). No value yet (too little history): it does not fire.

>>> rule = Confirmation("RSI(14)", "1h", ">=", 70.0)
>>> rule.holds(72.0), rule.holds(65.0), rule.holds(None)
(True, False, False)
>>> rule.describe("PRICE_ABOVE", 50000)
'price above 50,000 while RSI(14) 1h >= 70'
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from app.quant.indicators import library
from app.quant.indicators.spec import Array, IndicatorError

# Equality is not offered: an indicator's value (a float) practically never equals a level exactly.
OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
}
DEFAULT_OPERATOR = {"PRICE_ABOVE": ">=", "PRICE_BELOW": "<="}
DEFAULT_TIMEFRAME = "1h"


@dataclass(frozen=True)
class Confirmation:
    """The indicator side of a confirmed price rule: `operand` as shown (RSI(14)), its timeframe, and the
    comparison its latest closed bar must pass."""

    operand: str
    timeframe: str
    operator: str
    value: float

    def holds(self, reading: float | None) -> bool:
        """Whether a reading confirms (None or NaN: no value yet, so not)."""
        if reading is None or math.isnan(reading):
            return False
        return bool(OPERATORS[self.operator](reading, self.value))

    def mask(self, readings: Array) -> npt.NDArray[np.bool_]:
        """`holds` over an array of readings (NaN: False)."""
        with np.errstate(invalid="ignore"):
            return np.asarray(OPERATORS[self.operator](readings, self.value), dtype=np.bool_)

    @property
    def test(self) -> str:
        """The indicator's part in words: RSI(14) 1h >= 70."""
        return f"{self.operand} {self.timeframe} {self.operator} {self.value:,.8g}"

    def describe(self, condition: str, threshold: float) -> str:
        """Both parts in words."""
        side = "above" if condition == "PRICE_ABOVE" else "below"
        return f"price {side} {threshold:,.8g} while {self.test}"


def operand_label(metadata: dict[str, Any]) -> str:
    """The indicator as a user reads it: a built-in with its parameters, defaults filled (RSI -> RSI(14)),
    a custom indicator by its name, a formula as written."""
    if isinstance(metadata.get("formula"), str):
        return str(metadata["formula"])
    name = str(metadata.get("indicator", ""))
    key = "_".join(name.upper().replace("-", " ").split())
    output = metadata.get("output")
    suffix = f".{output}" if isinstance(output, str) and output else ""
    try:
        spec = library.get(key)
        params = metadata.get("params")
        bound = spec.bind(params if isinstance(params, dict) else None)
    except (IndicatorError, TypeError, ValueError):
        return name + suffix  # one of the user's custom indicators
    arguments = ", ".join(f"{value:g}" for value in bound.values())
    return f"{spec.name}({arguments}){suffix}" if arguments else spec.name + suffix


def of_metadata(condition: str, metadata: dict[str, Any]) -> Confirmation | None:
    """The confirmation a stored alert carries (None: not a confirmed price rule). The metadata was checked
    when the alert was saved (operands.build)."""
    if condition not in DEFAULT_OPERATOR or not ("indicator" in metadata or "formula" in metadata):
        return None
    value = metadata.get("value")
    return Confirmation(
        operand_label(metadata),
        str(metadata.get("timeframe", DEFAULT_TIMEFRAME)),
        str(metadata.get("operator", DEFAULT_OPERATOR[condition])),
        float(value) if isinstance(value, int | float) else math.nan,
    )
