"""When a rule fires over a series of bar values: one vectorised evaluator for live bar closes and backtests.

`signals` marks the bars on which a condition fires: transitions (CROSSING*, ENTERING/EXITING_CHANNEL) on
the bar where the value moves across; states (ABOVE/BELOW, INSIDE/OUTSIDE_CHANNEL, MOVING*, VOLUME_SPIKE) on
the bar where they become true, as price levels do on ticks — or on every bar while true when the rule is
ONCE_PER_BAR_CLOSE. Bars before `start` only serve as history: a state already true there fires on the first
bar after it (as PRICE_ABOVE fires at once when the price is already above). PATTERN_DETECTED is an event:
it fires on every bar whose pattern signal has the sign `level` asks for (+1 bullish, -1 bearish, 0 either),
so two patterns on consecutive bars fire twice.

>>> import numpy as np
>>> values = np.array([1.0, 3.0, 2.0, 4.0, 1.0])
>>> Spec("CROSSING_UP", 2.5).signals(values, None, start=1).nonzero()[0].tolist()
[1, 3]
>>> Spec("GREATER_THAN", 2.5).signals(values, None, start=3).nonzero()[0].tolist()
[3]
>>> signal = np.array([np.nan, 0.0, 100.0, 100.0, -100.0])
>>> Spec("PATTERN_DETECTED", 1, every_bar=True).signals(signal, None, start=1).nonzero()[0].tolist()
[2, 3]
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import numpy.typing as npt

from app.alerts.rules import CHANNELS, FALLS, MOVES, PATTERNS, TRANSITIONS, UPWARD
from app.quant.indicators.spec import Array

Bools = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Spec:
    """A condition with its numbers: `level` (threshold; PATTERN_DETECTED: the sign), channel bounds,
    `window` in bars."""

    condition: str
    level: float = 0.0
    lower: float = 0.0
    upper: float = 0.0
    window: int = 1
    every_bar: bool = False  # ONCE_PER_BAR_CLOSE and PATTERN_DETECTED: a true state fires on each bar close

    @property
    def warm_up(self) -> int:
        """Bars of history the condition itself needs before a bar (beyond the operand's own)."""
        return self.window + 1

    def holds(self, values: Array, volumes: Array | None) -> Bools:
        """Whether the condition's state is true on each bar (for CROSSING: the value is at or above)."""
        c, v = self.condition, values
        with np.errstate(invalid="ignore", divide="ignore"):
            if c in ("PRICE_ABOVE", "CROSSING_UP", "CROSSING"):
                return v >= self.level
            if c == "GREATER_THAN":
                return v > self.level
            if c in FALLS:
                return v < self.level
            if c in CHANNELS:
                inside = (v >= self.lower) & (v <= self.upper)
                return inside if c in ("ENTERING_CHANNEL", "INSIDE_CHANNEL") else ~inside & ~np.isnan(v)
            if c in MOVES:
                before = _shift(v, self.window)
                change = v - before if c.startswith("MOVING_UP") else before - v
                if c.endswith("PERCENT"):
                    change = change / np.abs(before) * 100.0
                return change >= self.level
            if c in PATTERNS:
                found: Bools = np.sign(v) == self.level if self.level else (v != 0) & ~np.isnan(v)
                return found
            if c == "VOLUME_SPIKE":
                assert volumes is not None
                average = _trailing_mean(volumes, self.window)
                return (average > 0) & (volumes >= self.level * average)
        raise ValueError(f"unknown condition {c}")

    def signals(self, values: Array, volumes: Array | None, start: int, gate: Bools | None = None) -> Bools:
        """Bars (from `start` on) on which the rule fires, before frequency and cooldown. A state rule with
        a `gate` (a confirmed price level) fires on the first bar of each stretch of its state on which
        the gate is open, as the engine fires on the first tick beyond the level the indicator confirms."""
        state = self.holds(values, volumes)
        if gate is not None and self.condition not in TRANSITIONS and not self.every_bar:
            return _first_open(state, gate, start)
        defined = ~np.isnan(values)
        out = np.zeros(len(values), dtype=np.bool_)
        if len(values) == 0:
            return out
        if self.condition in TRANSITIONS:
            previous = np.concatenate(([False], state[:-1]))
            previous_defined = np.concatenate(([False], defined[:-1]))
            if self.condition == "CROSSING":
                moved = (state != previous) & defined & previous_defined
            else:
                exiting = self.condition == "EXITING_CHANNEL"
                was = previous if not exiting else ~previous
                moved = state & ~was & defined & previous_defined
            out[start:] = moved[start:]
            return out
        if self.every_bar:
            out[start:] = state[start:]
            return out
        earlier = state.copy()
        earlier[:start] = False  # history before the rule existed: a state true there still fires once
        previous = np.concatenate(([False], earlier[:-1]))
        out[start:] = (state & ~previous)[start:]
        return out


def _first_open(state: Bools, gate: Bools, start: int) -> Bools:
    held = state.copy()
    held[:start] = False  # a stretch under way when the rule was made starts with it
    began = held & ~np.concatenate(([False], held[:-1]))
    stretch = np.cumsum(began)
    open_at = np.flatnonzero(held & gate)
    _, first = np.unique(stretch[open_at], return_index=True)
    out = np.zeros(len(state), dtype=np.bool_)
    out[open_at[first]] = True
    return out


def _shift(values: Array, bars: int) -> Array:
    shifted = np.full_like(values, np.nan)
    if bars < len(values):
        shifted[bars:] = values[: len(values) - bars]
    return shifted


def _trailing_mean(values: Array, bars: int) -> Array:
    """Mean of the `bars` bars before each bar (not including it); NaN until there are that many."""
    out = np.full_like(values, np.nan)
    if len(values) > bars:
        sums = np.concatenate(([0.0], np.cumsum(values)))
        out[bars:] = (sums[bars:-1] - sums[: len(values) - bars]) / bars
    return out


def pick(
    times: Iterable[datetime],
    frequency: str,
    cooldown: float,
    last_fired: datetime | None,
    bar_seconds: int = 60,
) -> list[datetime]:
    """Of the signalled times (ascending), those that fire under the rule's frequency and cooldown
    (ONCE_PER_BAR: at most one per bar of `bar_seconds`)."""
    fired: list[datetime] = []
    for at in times:
        if last_fired is not None and _cooling(frequency, cooldown, bar_seconds, last_fired, at):
            continue
        fired.append(at)
        last_fired = at
        if frequency == "ONCE":
            break
    return fired


def _cooling(frequency: str, cooldown: float, bar_seconds: int, last: datetime, at: datetime) -> bool:
    if frequency == "EVERY_TIME":
        return at < last + timedelta(seconds=cooldown)
    if frequency == "ONCE_PER_BAR":
        return int(at.timestamp()) // bar_seconds == int(last.timestamp()) // bar_seconds
    return False


def direction_up(spec: Spec, value: float, previous: float | None) -> bool:
    """Which way a firing went: up for the rising conditions; for the others from where the value is (or
    came from: entering a channel from below, a volume spike on a rising bar)."""
    c = spec.condition
    if c in UPWARD:
        return True
    if c == "CROSSING":
        return value >= spec.level
    if c in PATTERNS:  # a bullish signal is up (so is a doji's, which has no direction)
        return value > 0
    if c in ("EXITING_CHANNEL", "OUTSIDE_CHANNEL"):
        return value > spec.upper
    if c in ("ENTERING_CHANNEL", "INSIDE_CHANNEL"):
        return previous is not None and previous < spec.lower
    if c == "VOLUME_SPIKE":
        return previous is None or value >= previous
    return False
