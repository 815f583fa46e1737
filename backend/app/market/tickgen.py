"""Intra-candle ticks derived from OHLCV candles, such that the ticks rebuild each candle exactly."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.core.marketdata import INTERVALS
from app.market import noise
from app.market.arrays import CandleArrays, Floats, Ints

# Size of the random wiggle between the anchor points, relative to the candle's range.
_WIGGLE = 0.5
# Tick times keep this share of their slot free, so the last tick stays inside its candle.
_JITTER = 0.9
# Live ticks per minute for the offline feeds: slots of at most half a second, so every second of a
# live screen holds at least one tick.
PER_MINUTE = (120, 240)


@dataclass(frozen=True, slots=True)
class TickArrays:
    """Ticks of one symbol in time order; `candle` indexes the candles they came from."""

    ts: Floats
    price: Floats
    volume: Floats
    candle: Ints

    def __len__(self) -> int:
        return len(self.ts)

    def between(self, start: float, end: float) -> TickArrays:
        lo, hi = np.searchsorted(self.ts, [start, end])
        return TickArrays(self.ts[lo:hi], self.price[lo:hi], self.volume[lo:hi], self.candle[lo:hi])


def tick_counts(interval: str) -> tuple[int, int]:
    """How many ticks a candle of `interval` becomes (6-12 a minute; longer candles about 4-8 a minute).

    >>> tick_counts("1m"), tick_counts("1h")
    ((6, 12), (240, 480))
    """
    low = max(6, INTERVALS[interval] // 15)
    return low, 2 * low


def _split_exactly(total: Floats, weights: Floats, exponent: Ints | None = None) -> Floats:
    """Split each row's `total` in proportion to `weights` (rows of the 2-D array) so that the parts add
    up to exactly `total` in floating point, in any order: every part is a whole multiple of the total's
    last-bit unit, so all partial sums are exact. `exponent` (of frexp) sets a coarser unit: that of a
    parent total the rows are parts of, so the parts of all rows still add up exactly."""
    if exponent is None:
        exponent = np.frexp(total)[1]
    units = np.ldexp(total, 53 - exponent)  # an integer below 2**53, exactly representable
    cumulative = np.cumsum(weights, axis=1)
    filled = np.floor(units[:, None] * (cumulative / cumulative[:, -1:]))
    filled[:, -1] = units
    parts = np.diff(filled, axis=1, prepend=0.0)
    split: Floats = np.ldexp(parts, (exponent - 53)[:, None])
    return split


def _fold(price: Floats, low: Floats, high: Floats) -> Floats:
    """`price` reflected back into [low, high] where the wiggle left it. Clipping would hold it on the bound
    for as long as the walk stays beyond it: a daily bar's minutes then sat on the day's low, unmoving, for
    minutes on end.

    >>> _fold(np.array([[8.5, 9.5, 12.5, 15.5]]), np.array([[9.0]]), np.array([[12.0]])).tolist()
    [[9.5, 9.5, 11.5, 9.5]]
    """
    span = high - low
    offset = np.mod(price - low, np.where(span > 0, 2 * span, 1.0))
    return np.where(span > 0, low + np.where(offset <= span, offset, 2 * span - offset), low)


def ticks_from_candles(
    candles: CandleArrays,
    interval: str,
    seed: int,
    *,
    counts: tuple[int, int] | None = None,
    decimals: int | None = None,
    volume_exponent: Ints | None = None,
) -> TickArrays:
    """Ticks for every candle: open -> low -> high -> close for a rising bar (high first for a falling
    one), with a Brownian wiggle in between that stays inside the bar, times spread over the bar and
    volumes splitting the bar's volume exactly. Building a candle from its ticks (first, max, min, last
    price, summed volume) gives back exactly the input. Deterministic in (seed, candle time), whatever
    the batch. `decimals` rounds the in-between prices to the market's tick size; `volume_exponent`
    see `_split_exactly`.

    >>> one = CandleArrays(np.array([60]), np.array([10.0]), np.array([12.0]), np.array([9.0]),
    ...     np.array([11.0]), np.array([3.3]))
    >>> t = ticks_from_candles(one, "1m", seed=1)
    >>> t.price[0].item(), t.price.max().item(), t.price.min().item(), t.price[-1].item()
    (10.0, 12.0, 9.0, 11.0)
    >>> sum(t.volume.tolist())
    3.3
    """
    step = INTERVALS[interval]
    least, most = counts or tick_counts(interval)
    ts = candles.ts[:, None]
    slots = np.arange(most)[None, :]
    n = least + (noise.uniform(seed, candles.ts, 0) * (most - least + 1)).astype(np.int64)
    n = np.minimum(n, most)[:, None]
    valid = slots < n

    # Anchor slots 0 < first < second < n - 1 carry open, the two extremes, close.
    first = 1 + (noise.uniform(seed, candles.ts, 1) * (n[:, 0] - 3)).astype(np.int64)[:, None]
    second = (
        first
        + 1
        + (noise.uniform(seed, candles.ts, 2) * (n[:, 0] - 2 - first[:, 0])).astype(np.int64)[:, None]
    )
    rising = (candles.close >= candles.open)[:, None]
    high, low = candles.high[:, None], candles.low[:, None]
    anchors = np.stack(
        np.broadcast_arrays(
            candles.open[:, None],
            np.where(rising, low, high),
            np.where(rising, high, low),
            candles.close[:, None],
        )
    )
    positions = np.stack(np.broadcast_arrays(np.zeros_like(n), first, second, n - 1))

    segment = (slots > first).astype(np.int64) + (slots > second)
    pos_a = np.take_along_axis(positions[:3, :, 0].T, segment, axis=1)
    pos_b = np.take_along_axis(positions[1:, :, 0].T, segment, axis=1)
    val_a = np.take_along_axis(anchors[:3, :, 0].T, segment, axis=1)
    val_b = np.take_along_axis(anchors[1:, :, 0].T, segment, axis=1)
    frac = (slots - pos_a) / (pos_b - pos_a)

    walk = np.cumsum(noise.normal(seed, ts, 3, slots), axis=1)
    walk_a = np.take_along_axis(walk, pos_a, axis=1)
    walk_b = np.take_along_axis(walk, np.minimum(pos_b, most - 1), axis=1)
    bridge = walk - walk_a - frac * (walk_b - walk_a)
    price = _fold(val_a + frac * (val_b - val_a) + bridge * (_WIGGLE * (high - low) / np.sqrt(n)), low, high)
    if decimals is not None:
        price = np.round(price, decimals)
    price = np.clip(price, low, high)  # only what rounding moved past a bound
    for position, value in zip(positions, anchors, strict=True):
        np.put_along_axis(price, position, value, axis=1)

    weights = np.where(valid, -np.log(noise.uniform(seed, ts, 4, slots)), 0.0)
    volume = _split_exactly(candles.volume, weights, volume_exponent)
    times = ts + (slots + _JITTER * noise.uniform(seed, ts, 5, slots)) * (step / n)
    rows = np.broadcast_to(np.arange(len(candles))[:, None], valid.shape)
    return TickArrays(times[valid], price[valid], volume[valid], rows[valid])


def minute_bars(
    candles: CandleArrays, interval: str, seed: int, decimals: int | None = None
) -> tuple[CandleArrays, Ints]:
    """Each bar as the 1-minute bars of one deterministic path through it, and the frexp exponent of
    each minute's parent volume (so the minutes' ticks still add up to the parent's volume exactly).

    A bar of m minutes gets m + 1 knots, one at the start of each minute and the close: the first is
    the open, the last the close, the two extremes (low first for a rising bar, high first for a falling
    one) sit at knots in between, and the others follow a Brownian bridge clipped to [low, high]
    (`ticks_from_candles` with m + 1 slots). Minute j runs from knot j to knot j + 1. So the minutes
    rebuild the bar exactly: first open, highest high, lowest low, last close, volumes adding up.

    >>> one = CandleArrays(np.array([0]), np.array([10.0]), np.array([12.0]), np.array([9.0]),
    ...     np.array([11.0]), np.array([6.0]))
    >>> bars, _ = minute_bars(one, "1h", seed=1)
    >>> len(bars), bars.open[0].item(), bars.high.max().item(), bars.low.min().item(), bars.close[-1].item()
    (60, 10.0, 12.0, 9.0, 11.0)
    """
    exponent = np.frexp(candles.volume)[1]
    minutes = INTERVALS[interval] // 60
    if minutes == 1:
        return candles, exponent
    knots = ticks_from_candles(candles, interval, seed, counts=(minutes + 1, minutes + 1), decimals=decimals)
    price = knots.price.reshape(len(candles), minutes + 1)
    parts = knots.volume.reshape(len(candles), minutes + 1)
    volume = parts[:, 1:].copy()
    volume[:, 0] += parts[:, 0]  # both whole multiples of the bar's unit: exact
    opens, closes = price[:, :-1], price[:, 1:]
    times = candles.ts[:, None] + 60 * np.arange(minutes)[None, :]
    bars = CandleArrays(
        times.ravel(),
        opens.ravel(),
        np.maximum(opens, closes).ravel(),
        np.minimum(opens, closes).ravel(),
        closes.ravel(),
        volume.ravel(),
    )
    return bars, np.repeat(exponent, minutes)


def path_minutes(
    candles: CandleArrays, interval: str, seed: int, decimals: int | None = None
) -> tuple[CandleArrays, Ints]:
    """The minutes `market_ticks` goes through for this seed."""
    return minute_bars(candles, interval, noise.key(seed, "path"), decimals)


def market_ticks(
    candles: CandleArrays,
    interval: str,
    seed: int,
    start: float,
    end: float,
    decimals: int | None = None,
) -> TickArrays:
    """Live ticks with start <= ts < end through `candles` (bars of any interval): each bar becomes its
    minutes (`minute_bars`), each minute 120-240 ticks (`ticks_from_candles`, `PER_MINUTE`), so there
    are at least two a second, every tick lies in its bar's [low, high] and the ticks rebuild every
    minute and every bar exactly. Only the minutes of [start, end) are made into ticks."""
    bars, exponent = path_minutes(candles, interval, seed, decimals)
    lo, hi = np.searchsorted(bars.ts, [int(start // 60) * 60, end])
    ticks = ticks_from_candles(
        bars.take(slice(lo, hi)),
        "1m",
        noise.key(seed, "minute"),
        counts=PER_MINUTE,
        decimals=decimals,
        volume_exponent=exponent[lo:hi],
    )
    return ticks.between(start, end)
