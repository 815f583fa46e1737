"""Bar rules of the alert engine: evaluated when a bar of their timeframe closes, on stored candles.

The market pipeline announces the bars it has just written (`bars:<symbol>`); a bar of timeframe T has closed
when a stored bar ends on a multiple of T. Each (symbol, timeframe) keeps a window of its candles in memory,
extended by the new bars only; each distinct operand (RSI(14) on 4h...) is computed once per close however
many rules use it, then every rule reads its signals from `conditions.Spec` — the evaluator backtests use.
The same closes give confirmed price rules (engine.py) the latest closed bar's value of their indicator.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from app.alerts.conditions import direction_up, pick
from app.alerts.engine import BarFiring, ReadingKey, Rule
from app.alerts.operands import BarRule
from app.core.db import Database
from app.core.marketdata import INTERVALS, RawCandles, to_series
from app.market import service as market_service

CATCH_UP = 500  # bars evaluated at most after a pause (a restart): older closes are not replayed


@dataclass
class _Window:
    candles: RawCandles
    size: int


@dataclass
class BarWatch:
    """The candle windows bar rules are judged on; `rules` (by symbol and timeframe) are the engine's."""

    db: Database
    rules: dict[tuple[str, str], dict[int, Rule]]
    gated: dict[tuple[str, str], dict[int, Rule]]  # confirmed price rules, by their indicator's timeframe
    windows: dict[tuple[str, str], _Window] = field(default_factory=dict)
    closed: dict[tuple[str, str], int] = field(default_factory=dict)  # last close evaluated
    locks: dict[tuple[str, str], asyncio.Lock] = field(default_factory=lambda: defaultdict(asyncio.Lock))

    def due(self, symbol: str, bars: dict[str, int]) -> list[tuple[str, int]]:
        """The (timeframe, close time) of this symbol's rules that the stored bars `bars` (interval -> open
        time of the newest) have closed."""
        out = []
        keys = {key for table in (self.rules, self.gated) for key, rules in table.items() if rules}
        for rule_symbol, timeframe in sorted(keys):
            if rule_symbol != symbol:
                continue
            step = INTERVALS[timeframe]
            ends = [ts + INTERVALS[i] for i, ts in bars.items() if i in INTERVALS and INTERVALS[i] <= step]
            close = max((end - end % step for end in ends), default=0)  # the latest boundary reached
            if close > self.closed.get((symbol, timeframe), 0):
                out.append((timeframe, close))
        return out

    async def evaluate(
        self, symbol: str, timeframe: str, close: int
    ) -> tuple[list[BarFiring] | None, dict[ReadingKey, float]]:
        """Evaluate the rules of (symbol, timeframe) on every bar up to the one closing at `close` (None:
        not evaluated, that bar is not stored or was judged already), and read the indicators of its
        confirmed price rules on that bar."""
        key = (symbol, timeframe)
        async with self.locks[key]:  # one evaluation of a (symbol, timeframe) at a time
            return await self._evaluate(key, close)

    async def _evaluate(
        self, key: tuple[str, str], close: int
    ) -> tuple[list[BarFiring] | None, dict[ReadingKey, float]]:
        timeframe = key[1]
        rules = self.rules.get(key) or {}
        gated = self.gated.get(key) or {}
        if not (rules or gated) or close <= self.closed.get(key, 0):
            return None, {}
        step = INTERVALS[timeframe]
        warm_ups = [r.bar.warm_up for r in rules.values() if r.bar is not None]
        warm_ups += [r.confirm.warm_up for r in gated.values() if r.confirm is not None]
        candles = await self._candles(key, step, close, max(warm_ups) + CATCH_UP)
        if not candles.ts or candles.ts[-1] + step != close:
            return None, {}  # the bar is not stored (yet): nothing to judge it on
        self.closed[key] = close
        series = to_series(candles)
        ends = series.ts + step
        # An operand is computed once per close, but a custom indicator's name means each user's own formula.
        values: dict[tuple[str, int], np.ndarray] = {}
        firings: list[BarFiring] = []
        for rule in list(rules.values()):
            bar = rule.bar
            assert bar is not None
            operand = (bar.operand, rule.user_id if bar.formula is not None and bar.formula.references else 0)
            if operand not in values:
                values[operand] = bar.values(series)
            firings += self._judge(rule, bar, values[operand], series.volume, ends, candles, close)
        readings: dict[ReadingKey, float] = {}
        for rule in list(gated.values()):
            assert rule.confirm is not None
            if rule.reading_key not in readings:
                readings[rule.reading_key] = float(rule.confirm.values(series)[-1])
        return firings, readings

    async def read_latest(self, rules: list[Rule], now: int) -> dict[ReadingKey, float]:
        """Confirmed price rules just loaded: their indicators on the latest bar closed by `now`, when it
        is stored (else no reading: they wait for the next close)."""
        readings: dict[ReadingKey, float] = {}
        for rule in rules:
            confirm = rule.confirm
            assert confirm is not None
            key = rule.reading_key
            if key in readings:
                continue
            close = now - now % confirm.step
            async with self.db.session() as session:
                _, loaded = await market_service.load_candle_windows(
                    session, rule.symbol, {confirm.timeframe: (close - confirm.warm_up * confirm.step, close)}
                )
            candles = loaded[confirm.timeframe]
            if candles.ts and candles.ts[-1] + confirm.step == close:
                readings[key] = float(confirm.values(to_series(candles))[-1])
        return readings

    def _judge(
        self,
        rule: Rule,
        bar: BarRule,
        values: np.ndarray,
        volumes: np.ndarray,
        ends: np.ndarray,
        candles: RawCandles,
        close: int,
    ) -> list[BarFiring]:
        armed = int(rule.armed_from.timestamp())
        seen = max(armed, int(rule.evaluated_at.timestamp()) if rule.evaluated_at else armed)
        rule.evaluated_at = datetime.fromtimestamp(close, UTC)
        # Per rule, per close: a binary search on the array, not a list copy of the whole window.
        mask_start = int(np.searchsorted(ends, armed, side="right"))
        first = int(np.searchsorted(ends, seen, side="right"))
        if first >= len(ends):
            return []
        signals = bar.spec.signals(values, volumes, mask_start)
        hits = np.flatnonzero(signals[first:]) + first
        times = [datetime.fromtimestamp(int(ends[i]), UTC) for i in hits]
        fired = set(pick(times, rule.frequency, rule.cooldown, rule.last_fired))
        out = []
        for i, at in zip(hits.tolist(), times, strict=True):
            if at not in fired:
                continue
            previous = float(values[i - 1]) if i > 0 and not np.isnan(values[i - 1]) else None
            value = float(values[i])
            up = direction_up(bar.spec, value, previous)
            out.append(BarFiring(rule, at, candles.close[i], value, up, candles.source[i]))
            rule.last_fired = at
        return out

    async def _candles(self, key: tuple[str, str], step: int, close: int, size: int) -> RawCandles:
        """The window of `size` bars ending at `close`, extended from the one in memory when it can be."""
        window = self.windows.get(key)
        begin = close - size * step
        known = window.candles.ts if window is not None and window.size >= size else []
        if known and known[-1] >= begin:
            since = known[-1]  # read the last known bar again: a late tick may have changed it
        else:
            window, since = None, begin
        async with self.db.session() as session:
            _, loaded = await market_service.load_candle_windows(session, key[0], {key[1]: (since, close)})
        fresh = loaded[key[1]]
        if window is None:
            candles = fresh
        else:
            old = window.candles
            kept = market_service.slice_candles(old, old.ts[0], fresh.ts[0]) if fresh.ts else old
            candles = RawCandles(
                kept.ts + fresh.ts,
                kept.open + fresh.open,
                kept.high + fresh.high,
                kept.low + fresh.low,
                kept.close + fresh.close,
                kept.volume + fresh.volume,
                kept.source + fresh.source,
            )
        candles = market_service.slice_candles(candles, begin, close)
        self.windows[key] = _Window(candles, size)
        return candles
