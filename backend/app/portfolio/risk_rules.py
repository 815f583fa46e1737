"""Portfolio risk alerts judged on a portfolio's live state: ALLOCATION_DRIFT, DRAWDOWN_BELOW, VAR_BREACH,
VALUE_ABOVE and VALUE_BELOW. Pure: the watcher (risk_watch.py) and the analysis feed it and record what fires.

A condition fires when it becomes true (at once if it already holds when the rule is made, as PRICE_ABOVE
does). ONCE: the alert is then done. EVERY_TIME: it must stop holding (re-arm) before it fires again, and a
firing within `cooldown` seconds of the last one is skipped (the rule still waits to re-arm).

>>> state = State(value=88.0, weights={"BTC-USD": 0.6, "USD": 0.4}, targets={"BTC-USD": 0.5, "USD": 0.5},
...               band=0.05, baseline=Baseline(peak=100.0, close=95.0, var_return=-0.04))
>>> measure("ALLOCATION_DRIFT", None, None, state).text
'BTC-USD is 60.0% against a 50.0% target (band ±5.0%)'
>>> measure("DRAWDOWN_BELOW", -10.0, None, state).holds
True
>>> round(measure("VAR_BREACH", None, None, state).level, 2)  # var95 = -4% x 88
-3.52
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class Baseline:
    """From the daily closes of the current holdings over the last complete days (the analysis' V_t)."""

    peak: float | None  # the highest V_t
    close: float | None  # V at the last daily close (yesterday's)
    var_return: float | None  # the 5th percentile of the daily returns r_t


NO_BASELINE = Baseline(None, None, None)


@dataclass(frozen=True, slots=True)
class State:
    """A portfolio now: its live value, weights, targets and band, and its baseline."""

    value: float
    weights: dict[str, float]
    targets: dict[str, float]
    band: float
    baseline: Baseline


@dataclass(frozen=True, slots=True)
class Reading:
    """A condition on a state: whether it holds, the figure measured, the level it is held against."""

    holds: bool
    measured: float
    level: float | None
    text: str
    up: bool = False  # which way the measured figure went past the level


def measure(condition: str, threshold: float | None, symbol: str | None, state: State) -> Reading:
    """Judge one condition (docs/API.md "Portfolio risk alerts" defines each)."""
    if condition == "ALLOCATION_DRIFT":
        return _drift(threshold, symbol, state)
    if condition == "DRAWDOWN_BELOW":
        return _drawdown(float(threshold or 0.0), state)
    if condition == "VAR_BREACH":
        return _var(state)
    level = float(threshold or 0.0)
    if condition == "VALUE_ABOVE":
        return Reading(
            state.value >= level, state.value, level, f"value {state.value:,.2f} ≥ {level:,.2f}", True
        )
    if condition == "VALUE_BELOW":
        return Reading(state.value < level, state.value, level, f"value {state.value:,.2f} < {level:,.2f}")
    raise ValueError(f"not a portfolio condition: {condition}")


def _drift(threshold: float | None, symbol: str | None, state: State) -> Reading:
    band = state.band if threshold is None else threshold
    if not state.targets or state.value <= 0:
        return Reading(False, 0.0, band, "no targets" if not state.targets else "nothing held")
    symbols = [symbol] if symbol else sorted(set(state.targets) | set(state.weights))
    deviation = {s: state.weights.get(s, 0.0) - state.targets.get(s, 0.0) for s in symbols}
    worst = max(symbols, key=lambda s: round(abs(deviation[s]), 12))  # a tie: the first by name
    weight, target = state.weights.get(worst, 0.0), state.targets.get(worst, 0.0)
    text = f"{worst} is {weight:.1%} against a {target:.1%} target (band ±{band:.1%})"
    return Reading(abs(deviation[worst]) > band, deviation[worst], band, text, deviation[worst] > 0)


def _drawdown(threshold: float, state: State) -> Reading:
    peak = max(state.baseline.peak or 0.0, state.value)
    if peak <= 0:
        return Reading(False, 0.0, threshold, "nothing held")
    drawdown = (state.value / peak - 1.0) * 100.0
    text = f"{drawdown:.1f}% from its peak of {peak:,.2f} (alert at {threshold:g}%)"
    return Reading(drawdown <= threshold, drawdown, threshold, text)


def _var(state: State) -> Reading:
    close, var_return = state.baseline.close, state.baseline.var_return
    if close is None or var_return is None or math.isnan(var_return):
        return Reading(False, 0.0, None, "no daily history for a VaR yet")
    var95 = var_return * state.value
    change = state.value - close
    text = f"{change:,.2f} since the last daily close, beyond the 1-day VaR95 of {var95:,.2f}"
    return Reading(change < var95, change, var95, text)


@dataclass(slots=True)
class PortfolioRule:
    """What the watcher keeps of an ACTIVE risk alert (its row's state: armed, last fired)."""

    alert_id: int
    portfolio_id: int
    condition: str
    threshold: float | None
    symbol: str | None
    frequency: str
    cooldown: float
    expires_at: datetime | None
    armed: bool = True
    last_fired: datetime | None = None

    def cooling(self, now: datetime) -> bool:
        return self.last_fired is not None and now < self.last_fired + timedelta(seconds=self.cooldown)


@dataclass(slots=True)
class Judged:
    fired: list[tuple[PortfolioRule, Reading]] = field(default_factory=list)
    rearmed: list[int] = field(default_factory=list)
    expired: list[int] = field(default_factory=list)


def judge(rules: list[PortfolioRule], state: State, now: datetime, judged: Judged) -> None:
    """Judge a portfolio's rules on its state; fired rules are disarmed (the caller drops ONCE ones)."""
    for rule in rules:
        if rule.expires_at is not None and rule.expires_at <= now:
            judged.expired.append(rule.alert_id)
            continue
        reading = measure(rule.condition, rule.threshold, rule.symbol, state)
        if not reading.holds:
            if not rule.armed:
                rule.armed = True
                judged.rearmed.append(rule.alert_id)
            continue
        if not rule.armed:
            continue
        rule.armed = False
        if not rule.cooling(now):
            rule.last_fired = now
            judged.fired.append((rule, reading))
