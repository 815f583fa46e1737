"""Candles as numpy columns (one array per field), and the vectorised operations on them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from app.core.marketdata import INTERVALS, Candle

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class CandleArrays:
    """OHLCV columns of equal length, `ts` ascending (open times, epoch seconds UTC)."""

    ts: Ints
    open: Floats
    high: Floats
    low: Floats
    close: Floats
    volume: Floats

    def __len__(self) -> int:
        return len(self.ts)

    def take(self, index: slice | NDArray[np.bool_] | Ints) -> CandleArrays:
        return CandleArrays(
            self.ts[index],
            self.open[index],
            self.high[index],
            self.low[index],
            self.close[index],
            self.volume[index],
        )

    def between(self, start: int, end: int) -> CandleArrays:
        """Candles with `start <= ts < end` (a view, no copy)."""
        lo, hi = np.searchsorted(self.ts, [start, end])
        return self.take(slice(int(lo), int(hi)))

    def shifted(self, seconds: int, factor: float = 1.0) -> CandleArrays:
        """Times moved by `seconds`, prices multiplied by `factor` (volumes are base units: unchanged)."""
        if factor == 1.0:
            return CandleArrays(self.ts + seconds, self.open, self.high, self.low, self.close, self.volume)
        return CandleArrays(
            self.ts + seconds,
            self.open * factor,
            self.high * factor,
            self.low * factor,
            self.close * factor,
            self.volume,
        )

    def to_candles(self) -> list[Candle]:
        columns = (self.ts, self.open, self.high, self.low, self.close, self.volume)
        return [Candle(*row) for row in zip(*(c.tolist() for c in columns), strict=True)]


def empty() -> CandleArrays:
    floats = np.empty(0, dtype=np.float64)
    return CandleArrays(np.empty(0, dtype=np.int64), floats, floats, floats, floats, floats)


def from_candles(candles: Sequence[Candle]) -> CandleArrays:
    return CandleArrays(
        np.array([c.ts for c in candles], dtype=np.int64),
        *(np.array([getattr(c, f) for c in candles], dtype=np.float64) for f in Candle.__slots__[1:]),
    )


def concat(parts: Sequence[CandleArrays]) -> CandleArrays:
    parts = [p for p in parts if len(p)]
    if not parts:
        return empty()
    if len(parts) == 1:
        return parts[0]
    return CandleArrays(*(np.concatenate([getattr(p, f) for p in parts]) for f in CandleArrays.__slots__))


def aggregate(series: CandleArrays, interval: str) -> CandleArrays:
    """Roll candles up to the coarser `interval` (UTC-aligned buckets; a bucket with missing input
    candles is built from the ones present, as an exchange does across a halt).

    >>> one_minute = CandleArrays(np.array([0, 60, 3600]), np.array([1.0, 2.0, 5.0]),
    ...     np.array([2.0, 4.0, 6.0]), np.array([0.5, 1.5, 4.0]), np.array([2.0, 3.0, 5.5]),
    ...     np.array([1.0, 1.0, 2.0]))
    >>> hourly = aggregate(one_minute, "1h")
    >>> hourly.ts.tolist(), hourly.high.tolist(), hourly.close.tolist(), hourly.volume.tolist()
    ([0, 3600], [4.0, 6.0], [3.0, 5.5], [2.0, 2.0])
    """
    if not len(series):
        return series
    step = INTERVALS[interval]
    buckets = series.ts - series.ts % step
    starts = np.flatnonzero(np.diff(buckets, prepend=buckets[0] - 1))
    ends = np.append(starts[1:], len(buckets)) - 1
    return CandleArrays(
        buckets[starts],
        series.open[starts],
        np.maximum.reduceat(series.high, starts),
        np.minimum.reduceat(series.low, starts),
        series.close[ends],
        np.add.reduceat(series.volume, starts),
    )
