"""Resample candles to a coarser interval, and merge several sources into one series (pure numpy)."""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import numpy.typing as npt

from app.core.marketdata import RawCandles

Array = npt.NDArray[np.float64]
_T = TypeVar("_T")

# When no source is asked for, each timestamp takes the first source in this order that has it.
SOURCE_PRIORITY = (
    "push",
    "binance",
    "coinbase",
    "webhook",
    "coingecko",
    "coinmarketcap",
    "replay",
    "simulator",
    "peg",
)


def _rank(source: str) -> int:
    return SOURCE_PRIORITY.index(source) if source in SOURCE_PRIORITY else len(SOURCE_PRIORITY)


def merge_sources(raw: RawCandles) -> RawCandles:
    """One row per timestamp, from the highest-priority source (rows arrive ordered by time, source)."""
    if len(set(raw.source)) <= 1:
        return raw
    best: dict[int, int] = {}
    for i, (ts, source) in enumerate(zip(raw.ts, raw.source, strict=True)):
        kept = best.get(ts)
        if kept is None or _rank(source) < _rank(raw.source[kept]):
            best[ts] = i
    keep = sorted(best.values())

    def pick(column: list[_T]) -> list[_T]:
        return [column[i] for i in keep]

    return RawCandles(
        [raw.ts[i] for i in keep],
        pick(raw.open),
        pick(raw.high),
        pick(raw.low),
        pick(raw.close),
        pick(raw.volume),
        pick(raw.source),
        pick(raw.quote_volume) if raw.quote_volume is not None else None,
    )


def resample(raw: RawCandles, step: int) -> RawCandles:
    """Bars of `step` seconds, UTC-aligned: first open, max high, min low, last close, sum volume; the
    quote volume is the sum when every bar of the bucket has one, else None.

    >>> r = resample(RawCandles([0, 60, 120], [1., 2., 3.], [2., 5., 4.], [0.5, 1., 2.], [2., 3., 3.5],
    ...                         [1., 1., 1.], ["x", "x", "x"]), 3600)
    >>> r.ts, r.open, r.high, r.low, r.close, r.volume
    ([0], [1.0], [5.0], [0.5], [3.5], [3.0])
    """
    if not raw.ts:
        return raw
    ts = np.asarray(raw.ts, dtype=np.int64)
    buckets = ts - ts % step
    starts = np.flatnonzero(np.r_[True, buckets[1:] != buckets[:-1]])
    ends = np.r_[starts[1:], ts.size] - 1
    high = np.maximum.reduceat(np.asarray(raw.high), starts)
    low = np.minimum.reduceat(np.asarray(raw.low), starts)
    volume = np.add.reduceat(np.asarray(raw.volume), starts)
    opens, closes = np.asarray(raw.open)[starts], np.asarray(raw.close)[ends]
    sources = [raw.source[i] for i in starts]
    return RawCandles(
        buckets[starts].tolist(),
        opens.tolist(),
        high.tolist(),
        low.tolist(),
        closes.tolist(),
        volume.tolist(),
        sources,
        _summed_quotes(raw.quote_volume, starts, ts.size) if raw.quote_volume is not None else None,
    )


def _summed_quotes(quotes: list[float | None], starts: npt.NDArray[np.intp], size: int) -> list[float | None]:
    # NaN marks a missing figure; a bucket holding one sums to NaN, which becomes None.
    column = np.asarray([np.nan if q is None else q for q in quotes], dtype=np.float64)
    sums = np.add.reduceat(column, starts) if size else column
    return [None if np.isnan(s) else float(s) for s in sums.tolist()]
