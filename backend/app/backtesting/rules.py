"""Rule strategies: entry and exit are formulas of the indicator language, true (non-zero) on a bar's close.

parameters: {"entry": "CROSSOVER(EMA(CLOSE,12), EMA(CLOSE,26))", "exit": "RSI(14) > 70"} and, for long/short,
optionally "shortEntry" and "shortExit". The user's custom indicators resolve by name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from app.backtesting.strategies.base import Signals, StrategyError
from app.quant.formula import Formula, FormulaError, Resolver, parse
from app.quant.indicators.spec import Series

KEYS = {"entry": True, "exit": True, "shortEntry": False, "shortExit": False}  # name -> required


@dataclass(frozen=True)
class RuleSet:
    formulas: dict[str, Formula]

    @property
    def lookback(self) -> int:
        return max(f.lookback for f in self.formulas.values())

    @property
    def parameters(self) -> dict[str, str]:
        return {name: f.text for name, f in self.formulas.items()}

    def compute(self, series: Series) -> Signals:
        flags = {name: _true(f.evaluate(series)) for name, f in self.formulas.items()}
        return Signals(flags["entry"], flags["exit"], flags.get("shortEntry"), flags.get("shortExit"))


def _true(values: np.ndarray) -> np.ndarray:
    flags: np.ndarray = np.nan_to_num(values, nan=0.0) != 0.0
    return flags


def compile_rules(parameters: Mapping[str, Any], resolve: Resolver | None) -> RuleSet:
    for name in parameters:
        if name not in KEYS:
            raise StrategyError(
                f"Rules take entry, exit, shortEntry and shortExit formulas, not {name}", f"parameters.{name}"
            )
    formulas: dict[str, Formula] = {}
    for name, required in KEYS.items():
        text = parameters.get(name)
        if text is None:
            if required:
                raise StrategyError(f"Rules need an {name} formula, e.g. RSI(14) < 30", f"parameters.{name}")
            continue
        if not isinstance(text, str):
            raise StrategyError(f"{name} must be a formula (text)", f"parameters.{name}")
        try:
            formulas[name] = parse(text, None, resolve)
        except FormulaError as exc:
            raise StrategyError(str(exc), f"parameters.{name}") from exc
    return RuleSet(formulas)
