"""What a rule compares: the price on ticks, or a value on bar closes (an indicator, a formula, the close).

An alert's `metadata` names its operand and numbers (all optional unless the condition needs them):

    indicator  a built-in (RSI, MACD...) or one of the user's custom indicators, by name
    params     the indicator's parameters, e.g. {"period": 14}; output: one of its outputs ("signal")
    formula    an inline formula instead, e.g. "RSI(14) - RSI(28)"
    value      the level the indicator is compared with (the seed's {"indicator": "RSI", "value": 70});
               the alert's threshold when absent (required on PRICE_ABOVE/PRICE_BELOW, below)
    operator   PRICE_ABOVE/PRICE_BELOW with an indicator only: >=, >, <= or < (confirm.py)
    timeframe  the bars it is evaluated on: 1h for indicators and formulas, 1m for the price
    lower, upper  the channel of ENTERING/EXITING/INSIDE/OUTSIDE_CHANNEL
    window     bars back for MOVING_* (required), bars averaged for VOLUME_SPIKE (default 20)

A rule with a price operand and a level condition fires on ticks (the engine's LevelBook); so does
PRICE_ABOVE/PRICE_BELOW with an indicator, confirmed by the indicator's latest closed bar (`Confirmed`);
every other rule fires on the close of its timeframe's bar, evaluated by `conditions.Spec`. PATTERN_DETECTED
takes its own keys instead (pattern_rules.py): its operand is the pattern's signal indicator.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from app.alerts import confirm, pattern_rules
from app.alerts.conditions import Spec
from app.alerts.confirm import Confirmation
from app.alerts.pattern_rules import PatternRule
from app.alerts.rules import BAR_ONLY, CHANNELS, CONFIRMABLE, MOVES, PATTERNS
from app.core.errors import AppError, ErrorCode
from app.core.marketdata import INTERVALS
from app.quant.formula import Formula, FormulaError, Resolver, parse
from app.quant.indicators import library
from app.quant.indicators.spec import Array, IndicatorError, Series

MAX_WINDOW = 1000
VOLUME_WINDOW = 20
MAX_LEVEL = 1e15


def invalid(message: str, field: str) -> AppError:
    return AppError(ErrorCode.VALIDATION_ERROR, message, field=field)


@dataclass(frozen=True)
class BarRule:
    """A rule evaluated on bar closes: its condition with numbers, its operand and its timeframe."""

    spec: Spec
    formula: Formula | None  # None: the bar's close
    timeframe: str
    pattern: PatternRule | None = None  # PATTERN_DETECTED: the pattern its formula signals

    @property
    def operand(self) -> str:
        return self.formula.text if self.formula is not None else "CLOSE"

    @property
    def step(self) -> int:
        return INTERVALS[self.timeframe]

    @property
    def warm_up(self) -> int:
        """Bars to load before the bars evaluated: the operand's warm-up plus the condition's window."""
        return _warm_up(self.formula) + self.spec.warm_up

    def values(self, series: Series) -> Array:
        return self.formula.evaluate(series) if self.formula is not None else series.close


def _warm_up(formula: Formula | None) -> int:
    """Bars to load before the first one evaluated: 20x the operand's lookback, at least 500 (smoothed
    indicators such as RSI then no longer depend on where the window starts: live and backtest agree)."""
    lookback = formula.lookback if formula is not None else 0
    return min(max(20 * lookback, 500), 10_000) if lookback else 0


@dataclass(frozen=True)
class Confirmed:
    """A price rule on ticks (PRICE_ABOVE/PRICE_BELOW) confirmed by an indicator's latest closed bar."""

    confirmation: Confirmation
    formula: Formula

    @property
    def timeframe(self) -> str:
        return self.confirmation.timeframe

    @property
    def step(self) -> int:
        return INTERVALS[self.timeframe]

    @property
    def warm_up(self) -> int:
        return _warm_up(self.formula) + 1

    def values(self, series: Series) -> Array:
        return self.formula.evaluate(series)


def _number(metadata: dict[str, Any], key: str, *, positive: bool) -> float | None:
    raw = metadata.get(key)
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
        raise invalid(f"metadata.{key} must be a finite number", f"metadata.{key}")
    if abs(raw) >= MAX_LEVEL or (positive and raw <= 0):
        bounds = "above 0 and below 1e15" if positive else "below 1e15 in size"
        raise invalid(f"metadata.{key} must be {bounds}", f"metadata.{key}")
    return float(raw)


def _window(metadata: dict[str, Any], condition: str) -> int:
    raw = metadata.get("window", VOLUME_WINDOW if condition == "VOLUME_SPIKE" else None)
    if raw is None:
        raise invalid(f"{condition} needs metadata.window (bars)", "metadata.window")
    if isinstance(raw, bool) or not isinstance(raw, int) or not 1 <= raw <= MAX_WINDOW:
        raise invalid(f"metadata.window must be a whole number of bars, 1 to {MAX_WINDOW}", "metadata.window")
    return raw


def _formula(metadata: dict[str, Any], resolve: Resolver | None) -> Formula | None:
    text, name = metadata.get("formula"), metadata.get("indicator")
    if text is not None and name is not None:
        raise invalid("give metadata.indicator or metadata.formula, not both", "metadata.formula")
    field = "metadata.formula"
    if name is not None:
        if not isinstance(name, str) or not name.strip():
            raise invalid("metadata.indicator must name an indicator", "metadata.indicator")
        params = metadata.get("params") or {}
        if not isinstance(params, dict) or not all(isinstance(k, str) for k in params):
            raise invalid('metadata.params must be an object such as {"period": 14}', "metadata.params")
        output = metadata.get("output")
        if output is not None and (not isinstance(output, str) or not output.isidentifier()):
            raise invalid("metadata.output must name one of the indicator's outputs", "metadata.output")
        key = "_".join(name.upper().replace("-", " ").split())
        arguments = ", ".join(f"{k}={v}" for k, v in params.items())
        text = f"{key}({arguments})" if params else key
        text += f".{output}" if output else ""
        field = "metadata.indicator"
        try:
            library.get(key)
        except IndicatorError:
            if resolve is None or resolve(key) is None:
                raise invalid(f"Unknown indicator {name}: not built in and not one of yours", field) from None
        if params:
            field = "metadata.params"
    if text is None:
        return None
    if not isinstance(text, str):
        raise invalid("metadata.formula must be text", "metadata.formula")
    try:
        return parse(text, None, resolve)
    except FormulaError as exc:
        raise invalid(str(exc), field) from exc


def build(
    condition: str,
    threshold: float | None,
    metadata: dict[str, Any],
    frequency: str,
    resolve: Resolver | None,
) -> BarRule | Confirmed | None:
    """The bar rule an alert describes, the confirmed price rule, or None for a price rule evaluated on
    ticks; a 422 naming the field for anything that does not make a rule."""
    if condition in PATTERNS:
        pattern = pattern_rules.build(metadata, threshold, frequency)
        # Every bar whose signal has the wanted sign fires: a pattern is an event on the bar it completes.
        spec = Spec(condition, pattern.sign, every_bar=True)
        return BarRule(spec, parse(pattern.indicator), pattern.timeframe, pattern)
    formula = _formula(metadata, resolve)
    if condition in CONFIRMABLE and formula is not None:
        return _confirmed(condition, threshold, formula, metadata, frequency)
    if "operator" in metadata:
        raise invalid(
            "metadata.operator is only for PRICE_ABOVE/PRICE_BELOW with an indicator", "metadata.operator"
        )
    value = _number(metadata, "value", positive=False)
    level = value if formula is not None and value is not None else threshold
    price = formula is None
    by_size = condition in MOVES or condition == "VOLUME_SPIKE"  # the threshold is an amount, not a level
    if condition == "VOLUME_SPIKE" and not price:
        raise invalid("VOLUME_SPIKE is on the volume: no indicator or formula", "metadata.indicator")
    if threshold is not None and threshold <= 0 and (price or by_size or value is not None):
        raise invalid(f"threshold must be above 0 for {condition}", "threshold")
    if condition in CHANNELS:
        lower = _number(metadata, "lower", positive=price)
        upper = _number(metadata, "upper", positive=price)
        if lower is None or upper is None:
            raise invalid(f"{condition} needs metadata.lower and metadata.upper", "metadata.lower")
        if lower >= upper:
            raise invalid("metadata.lower must be below metadata.upper", "metadata.lower")
        spec = Spec(condition, (lower + upper) / 2, lower, upper)
    else:
        if level is None:
            raise invalid(f"{condition} needs a threshold", "threshold")
        if by_size and level <= 0:
            raise invalid(f"metadata.value must be above 0 for {condition}", "metadata.value")
        window = _window(metadata, condition) if by_size else 1
        spec = Spec(condition, level, window=window)
    every_bar = frequency == "ONCE_PER_BAR_CLOSE"
    if price and condition not in BAR_ONLY and not every_bar:
        if "timeframe" in metadata:  # the bar of ONCE_PER_BAR; checked either way, a typo must not pass
            _timeframe(metadata, "1m")
        return None
    spec = Spec(spec.condition, spec.level, spec.lower, spec.upper, spec.window, every_bar)
    return BarRule(spec, formula, _timeframe(metadata, "1m" if price else "1h"))


def _confirmed(
    condition: str, threshold: float | None, formula: Formula, metadata: dict[str, Any], frequency: str
) -> Confirmed:
    if threshold is None:
        raise invalid(f"{condition} needs a threshold: the price level", "threshold")
    if threshold <= 0:
        raise invalid(f"threshold must be above 0 for {condition}", "threshold")
    value = _number(metadata, "value", positive=False)
    if value is None:
        raise invalid(
            f"{condition} with an indicator needs metadata.value: the level that confirms the price",
            "metadata.value",
        )
    op = metadata.get("operator", confirm.DEFAULT_OPERATOR[condition])
    if op not in confirm.OPERATORS:
        raise invalid(f"metadata.operator must be one of {', '.join(confirm.OPERATORS)}", "metadata.operator")
    if frequency == "ONCE_PER_BAR_CLOSE":
        raise invalid(
            "ONCE_PER_BAR_CLOSE is for bar rules; a price level confirmed by an indicator fires on ticks",
            "frequency",
        )
    timeframe = _timeframe(metadata, confirm.DEFAULT_TIMEFRAME)
    return Confirmed(Confirmation(confirm.operand_label(metadata), timeframe, str(op), value), formula)


def _timeframe(metadata: dict[str, Any], default: str) -> str:
    timeframe = metadata.get("timeframe", default)
    if timeframe not in INTERVALS:
        raise invalid(f"metadata.timeframe must be one of {', '.join(INTERVALS)}", "metadata.timeframe")
    return str(timeframe)
