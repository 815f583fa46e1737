"""The simulator's price process: a seeded random walk for any symbol, as 1-minute candles.

Log prices follow a driftless random walk (GBM) whose volatility switches between a calm and a
turbulent regime (a two-state Markov chain in hours), with Poisson jumps that are rarer in calm
times. Everything is a pure function of (seed, symbol, time): the hourly skeleton is built outward
from a fixed origin where the start price holds, and each hour's minutes are a Brownian bridge over
that hour's move, so any range can be generated alone and agrees with every other range.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from app.core.marketdata import INTERVALS
from app.market import noise
from app.market.arrays import CandleArrays, Floats, aggregate

ORIGIN = 1735689600  # 2025-01-01 00:00 UTC: the start prices below hold here
HOUR, MINUTE = 3600, 60
HOURS_PER_YEAR = 8766
TURBULENCE = 2.5  # volatility multiplier of the turbulent regime
CALM_HOURS, TURBULENT_HOURS = 10 * 24, 36  # mean stay in each regime
JUMPS_PER_HOUR = {False: 1 / 480, True: 1 / 48}
STABLECOINS = frozenset({"USDT", "USDC", "DAI", "FDUSD", "TUSD", "USDE", "PYUSD", "BUSD", "USDP"})

# Streams: independent random numbers for each purpose.
_REGIME, _DIFFUSION, _JUMP, _JUMP_SIZE, _JUMP_MINUTE, _MINUTE, _HIGH, _LOW, _VOLUME = range(9)


@dataclass(frozen=True, slots=True)
class Profile:
    """Per-symbol character: price at ORIGIN, calm annual volatility, jump size (log), USD per minute."""

    price: float
    volatility: float
    jump: float
    notional: float

    @property
    def decimals(self) -> int:
        """Price decimals giving about five significant digits (at least cents)."""
        return int(min(max(2, 5 - math.floor(math.log10(self.price))), 10))


_MAJORS: dict[str, Profile] = {
    "BTC": Profile(94_000.0, 0.35, 0.025, 2_000_000.0),
    "ETH": Profile(3_300.0, 0.45, 0.03, 1_000_000.0),
    "SOL": Profile(190.0, 0.60, 0.04, 300_000.0),
    "BNB": Profile(700.0, 0.40, 0.03, 150_000.0),
    "XRP": Profile(2.3, 0.60, 0.05, 200_000.0),
    "ADA": Profile(0.85, 0.60, 0.05, 60_000.0),
    "DOGE": Profile(0.32, 0.65, 0.06, 100_000.0),
}


def profile(symbol: str, stablecoin: bool = False) -> Profile:
    base = symbol.split("-")[0]
    if stablecoin or base in STABLECOINS:
        return Profile(1.0, 0.002, 0.0, 500_000.0)
    if base in _MAJORS:
        return _MAJORS[base]
    # Unknown coins: a price between 0.01 and 300 and a bit more volatility, fixed by the name.
    u = float(noise.uniform(noise.key("profile", base), 0)[0])
    return Profile(round(10 ** (-2 + 4.5 * u), 6), 0.75, 0.06, 20_000.0)


@dataclass(frozen=True, slots=True)
class Skeleton:
    """The hourly path of hours [first, first + len) counted from ORIGIN."""

    first: int
    turbulent: NDArray[np.bool_]
    level: Floats  # log price at each hour boundary: one more than there are hours
    diffusion: Floats  # each hour's Brownian move (log)
    jump: Floats  # each hour's jump (log), mostly zero
    jump_minute: NDArray[np.int64]

    def __len__(self) -> int:
        return len(self.turbulent)


def _regimes(seed: int, direction: int, count: int) -> NDArray[np.bool_]:
    """Turbulence of the `count` hours on one side of ORIGIN, going outward (calm at ORIGIN):
    alternating stays of geometric length, which is exactly a two-state Markov chain."""
    exits = np.array([1 / CALM_HOURS, 1 / TURBULENT_HOURS])
    stays = 4 * count // (CALM_HOURS + TURBULENT_HOURS) + 16
    while True:
        index = np.arange(stays)
        u = noise.uniform(seed, _REGIME, direction, index)
        length = 1 + np.floor(np.log(u) / np.log1p(-exits[index % 2])).astype(np.int64)
        switches = np.cumsum(length)
        if switches[-1] > count:
            turbulent: NDArray[np.bool_] = np.searchsorted(switches, np.arange(count), side="right") % 2 == 1
            return turbulent
        stays *= 2


def skeleton(seed: int, symbol: str, first: int, last: int, stablecoin: bool = False) -> Skeleton:
    """Hours first..last-1 from ORIGIN (may be negative); the cost grows with the distance from ORIGIN."""
    p = profile(symbol, stablecoin)
    k = noise.key(seed, symbol)
    lo, hi = min(first, 0), max(last, 0)
    hours = np.arange(lo, hi)
    turbulent = np.concatenate([_regimes(k, 1, -lo)[::-1], _regimes(k, 0, hi)])
    sigma = p.volatility / math.sqrt(HOURS_PER_YEAR) * np.where(turbulent, TURBULENCE, 1.0)
    diffusion = sigma * noise.normal(k, _DIFFUSION, hours)
    rate = np.where(turbulent, JUMPS_PER_HOUR[True], JUMPS_PER_HOUR[False])
    # Poisson arrivals at hourly resolution: at most one jump in an hour.
    jumps = noise.uniform(k, _JUMP, hours) < -np.expm1(-rate)
    jump = np.where(jumps, p.jump * noise.normal(k, _JUMP_SIZE, hours), 0.0)
    move = diffusion + jump
    # Summed outward from ORIGIN in a fixed order, so no level depends on the range asked for.
    before = np.cumsum(move[:-lo][::-1])[::-1]
    after = np.cumsum(move[-lo:])
    level = math.log(p.price) + np.concatenate([-before, [0.0], after])
    keep = slice(first - lo, last - lo)
    return Skeleton(
        first,
        turbulent[keep],
        level[first - lo : last - lo + 1],
        diffusion[keep],
        jump[keep],
        (noise.uniform(k, _JUMP_MINUTE, hours[keep]) * 60).astype(np.int64),
    )


def minutes(seed: int, symbol: str, start: int, end: int, stablecoin: bool = False) -> CandleArrays:
    """1-minute candles with open time in [start, end): each hour a Brownian bridge over the hour's
    move plus its jump, highs and lows drawn from the bridge's extremes, volume lognormal and larger
    on big moves, prices rounded to the symbol's tick size."""
    p = profile(symbol, stablecoin)
    k = noise.key(seed, symbol)
    first, last = (start - ORIGIN) // HOUR, -(-(end - ORIGIN) // HOUR)
    sk = skeleton(seed, symbol, first, last, stablecoin)
    minute = np.arange(first, last)[:, None] * 60 + np.arange(60)[None, :]
    sigma = (p.volatility / math.sqrt(HOURS_PER_YEAR * 60)) * np.where(sk.turbulent, TURBULENCE, 1.0)[:, None]
    walk = np.cumsum(sigma * noise.normal(k, _MINUTE, minute), axis=1)
    elapsed = np.arange(1, 61) / 60
    path = walk - elapsed * walk[:, -1:] + elapsed * sk.diffusion[:, None]
    path += np.where(np.arange(60) >= sk.jump_minute[:, None], sk.jump[:, None], 0.0)
    close = sk.level[:-1, None] + path
    close[:, -1] = sk.level[1:]  # exact hour ends, so hours join seamlessly
    open_ = np.concatenate([sk.level[:-1, None], close[:, :-1]], axis=1)
    # Extremes of a Brownian bridge from open to close (exact marginal distributions).
    variance = -2.0 * sigma**2
    high = (
        open_ + close + np.sqrt((close - open_) ** 2 + variance * np.log(noise.uniform(k, _HIGH, minute)))
    ) / 2
    low = (
        open_ + close - np.sqrt((close - open_) ** 2 + variance * np.log(noise.uniform(k, _LOW, minute)))
    ) / 2
    floor = 10.0**-p.decimals
    o, c = (np.maximum(np.round(np.exp(x), p.decimals), floor) for x in (open_, close))
    h = np.maximum(np.round(np.exp(high), p.decimals), np.maximum(o, c))
    lw = np.minimum(np.maximum(np.round(np.exp(low), p.decimals), floor), np.minimum(o, c))
    surprise = np.abs(close - open_) / sigma
    volume = p.notional / c * np.exp(0.6 * noise.normal(k, _VOLUME, minute) - 0.18) * (0.4 + 0.6 * surprise)
    candles = CandleArrays(
        (ORIGIN + minute * MINUTE).ravel(), o.ravel(), h.ravel(), lw.ravel(), c.ravel(), volume.ravel()
    )
    return candles.between(start, end)


def history(
    seed: int, symbol: str, interval: str, start: int, end: int, stablecoin: bool = False
) -> CandleArrays:
    """Candles of `interval` with open time in [start, end), rolled up from the same minutes the live
    feed ticks through (each candle whole, so a range reaching past now includes the future)."""
    step = INTERVALS[interval]
    lo, hi = start - start % step, -(-end // step) * step
    return aggregate(minutes(seed, symbol, lo, hi, stablecoin), interval).between(start, end)
