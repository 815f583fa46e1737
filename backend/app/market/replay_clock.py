"""Replay time mapping: recorded history shifted so that it ends at the install's first midnight, then looped.

For a symbol, the loop period is the whole UTC days [R0, R0 + P) of its finest recording. Given the
anchor T0 (when this install first ran the replay), the offset O = (floor_day(T0) + 1 day) - (R0 + P)
puts the end of the loop period at the next midnight after T0, so the recording's past fills the days
before T0. After that, loop k >= 1 replays the period shifted by O + k*P with prices times S**k,
S = last close / first open of the period, so each loop starts where the previous one ended.
Coarser recordings reach further back with the same O.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, date, datetime

from app.core.clock import utcnow
from app.core.marketdata import Candle
from app.market import recordings
from app.market.arrays import CandleArrays, concat

DAY = 86400

Instant = datetime | float


def epoch(value: Instant) -> float:
    return value.timestamp() if isinstance(value, datetime) else float(value)


def _day(ts: int) -> date:
    return datetime.fromtimestamp(ts, UTC).date()


@dataclass(frozen=True, slots=True)
class ReplayPlan:
    """How one symbol's recording maps onto wall time for a given anchor (all epoch seconds)."""

    symbol: str
    interval: str  # of the finest recording, the one played live and looped
    loop_start: int  # R0, a UTC midnight in recording time
    loop_end: int  # R0 + P
    offset: int  # O, whole days
    growth: float  # S

    @property
    def period(self) -> int:
        return self.loop_end - self.loop_start

    @property
    def loop0_end(self) -> int:
        """Wall time at which loop 0 (the recording as it happened) ends: the first midnight after T0."""
        return self.loop_end + self.offset

    def loop_at(self, ts: float) -> int:
        """The loop playing at wall time `ts` (0 before loop0_end)."""
        if ts < self.loop0_end:
            return 0
        return int((ts - self.loop0_end) // self.period) + 1

    def shift(self, loop: int) -> int:
        return self.offset + loop * self.period

    def factor(self, loop: int) -> float:
        return float(self.growth**loop)


@functools.lru_cache(maxsize=256)
def _plan(symbol: str, anchor_day: int) -> ReplayPlan:
    info = recordings.finest(symbol)
    loop_start = -(-info.first // DAY) * DAY
    loop_end = info.end // DAY * DAY
    if loop_end - loop_start < DAY:
        raise recordings.NotRecorded(f"the recording of {symbol} holds no whole UTC day")
    period = recordings.load(symbol, info.interval).between(loop_start, loop_end)
    growth = float(period.close[-1] / period.open[0])
    offset = (anchor_day + 1) * DAY - loop_end
    return ReplayPlan(symbol, info.interval, loop_start, loop_end, offset, growth)


def plan(symbol: str, anchor: Instant) -> ReplayPlan:
    """The mapping for `symbol` when the install first replayed at `anchor`. Raises NotRecorded.

    >>> p = plan("BTC-USD", datetime(2026, 11, 24, 15, 30, tzinfo=UTC))
    >>> _day(p.loop_start), _day(p.loop_end), p.offset // DAY, _day(p.loop0_end)
    (datetime.date(2026, 3, 24), datetime.date(2026, 4, 22), 217, datetime.date(2026, 11, 25))
    """
    return _plan(symbol, int(epoch(anchor) // DAY))


def history_arrays(symbol: str, interval: str, start: Instant, end: Instant, anchor: Instant) -> CandleArrays:
    """Shifted (and, past the first loop, scaled) candles with open time in [start, end).

    Any interval at least as coarse as the symbol's finest recording works (rolled up where needed).
    Raises NotRecorded for unknown symbols and intervals finer than anything recorded.
    """
    p = plan(symbol, anchor)
    data = recordings.series(symbol, interval)
    lo, hi = int(-(-epoch(start) // 1)), int(-(-epoch(end) // 1))
    parts: list[CandleArrays] = []
    if lo < p.loop0_end:
        parts.append(data.between(lo - p.offset, min(hi, p.loop0_end) - p.offset).shifted(p.offset))
    if hi > p.loop0_end:
        looped = data.between(p.loop_start, p.loop_end)
        for loop in range(max(1, p.loop_at(lo)), p.loop_at(hi - 1) + 1):
            shift = p.shift(loop)
            part = looped.between(lo - shift, hi - shift)
            parts.append(part.shifted(shift, p.factor(loop)))
    return concat(parts)


def history(symbol: str, interval: str, start: Instant, end: Instant, anchor: Instant) -> list[Candle]:
    """`history_arrays` as Candle objects (for API responses and small ranges)."""
    return history_arrays(symbol, interval, start, end, anchor).to_candles()


@dataclass(frozen=True, slots=True)
class ReplayDescription:
    """What the replay of one symbol shows, for the API and the UI."""

    symbol: str
    interval: str
    recorded_from: date  # first day of the loop period
    recorded_to: date  # its last day, inclusive
    offset_days: int
    period_days: int
    current_loop: int
    growth_per_loop: float
    history_from: datetime  # earliest shifted candle of any recorded interval
    intervals: tuple[str, ...]  # what is recorded (coarser ones roll up from these)

    @property
    def summary(self) -> str:
        return (
            f"replay of {self.recorded_from.isoformat()}..{self.recorded_to.isoformat()} "
            f"(real Binance data), shifted by {self.offset_days} days, loop {self.current_loop}"
        )


def describe(symbol: str, anchor: Instant, now: Instant | None = None) -> ReplayDescription:
    """The recorded range, the offset and the loop playing `now` (default: the clock's now)."""
    p = plan(symbol, anchor)
    listing = recordings.catalog()[symbol]
    first = min(info.first for info in listing.values())
    return ReplayDescription(
        symbol=symbol,
        interval=p.interval,
        recorded_from=_day(p.loop_start),
        recorded_to=_day(p.loop_end - DAY),
        offset_days=p.offset // DAY,
        period_days=p.period // DAY,
        current_loop=p.loop_at(epoch(utcnow() if now is None else now)),
        growth_per_loop=p.growth,
        history_from=datetime.fromtimestamp(first + p.offset, UTC),
        intervals=tuple(listing),
    )
