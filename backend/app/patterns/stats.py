"""How a pattern did after it appeared: its occurrences in a history of bars and the moves that followed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from app.quant.indicators import candles
from app.quant.patterns import chart

HORIZONS = (1, 5, 20)


@dataclass(frozen=True, slots=True)
class Occurrences:
    """Bars where the pattern appeared (a candlestick pattern's signal bar, a chart pattern's completion
    bar), oldest first, and the direction each one points: +1 up, -1 down, 0 none (the dojis)."""

    index: npt.NDArray[np.int64]
    sign: npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Horizon:
    """The moves `bars` bars after the occurrences that have that many bars after them (`count`)."""

    bars: int
    count: int
    followed: float | None
    median_move: float | None


def occurrences(
    pattern: str,
    ts: npt.ArrayLike,
    open_: npt.ArrayLike,
    high: npt.ArrayLike,
    low: npt.ArrayLike,
    close: npt.ArrayLike,
) -> Occurrences:
    """Where `pattern` (a CDL name or a chart kind) appears in the bars. A candlestick pattern's sign is its
    signal's (0 for the neutral ones); a chart pattern's is its detection's direction (bullish +1).

    >>> found = occurrences("CDLENGULFING", [0, 1, 2], [10, 11, 9.8], [10.5, 11.2, 11.6], [9.5, 9.8, 9.7],
    ...                     [10.2, 10, 11.5])
    >>> found.index.tolist(), found.sign.tolist()
    ([2], [1])
    """
    if pattern in candles.CATALOG:
        signals = candles.compute(pattern, open_, high, low, close)
        index = np.flatnonzero(signals).astype(np.int64)
        neutral = candles.CATALOG[pattern].direction == "neutral"
        sign = np.zeros(len(index), np.int64) if neutral else np.sign(signals[index]).astype(np.int64)
        return Occurrences(index, sign)
    detections = chart.detect(ts, open_, high, low, close, kinds=[pattern]).detections
    return Occurrences(
        np.array([d.end.index for d in detections], dtype=np.int64),
        np.array([1 if d.direction == "bullish" else -1 for d in detections], dtype=np.int64),
    )


def horizons(close: npt.ArrayLike, found: Occurrences, bars: Sequence[int] = HORIZONS) -> list[Horizon]:
    """For each horizon h: over the occurrences at bars i with a bar i + h, the move
    m = close[i + h] / close[i] - 1 signed by the occurrence's direction (s * m; the move itself for a
    neutral pattern). `followed` is the share of signed moves above 0 (a move of exactly 0 did not
    follow), `median_move` their median; both None when no occurrence has h bars after it.

    >>> close = [100.0, 101.0, 99.0, 102.0, 104.0]
    >>> found = Occurrences(np.array([0, 2]), np.array([1, -1]))
    >>> [(h.bars, h.count, h.followed, round(h.median_move, 6)) for h in horizons(close, found, (1, 2))]
    [(1, 2, 0.5, -0.010152), (2, 2, 0.0, -0.030253)]
    >>> horizons(close, found, (3, 5))  # only the first has 3 bars after it, none has 5
    [Horizon(bars=3, count=1, followed=1.0, median_move=0.02...),
     Horizon(bars=5, count=0, followed=None, median_move=None)]
    """
    prices = np.asarray(close, dtype=np.float64)
    out = []
    for h in bars:
        keep = found.index + h < len(prices)
        start, sign = found.index[keep], found.sign[keep]
        moves = prices[start + h] / prices[start] - 1.0
        signed = np.where(sign == 0, moves, sign * moves)
        if not len(signed):
            out.append(Horizon(h, 0, None, None))
            continue
        out.append(Horizon(h, len(signed), float(np.mean(signed > 0)), float(np.median(signed))))
    return out
