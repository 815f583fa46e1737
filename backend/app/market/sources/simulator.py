"""A synthetic feed for any symbol: ticks through the simulator's seeded 1-minute candles, in real time."""

from __future__ import annotations

import asyncio
import functools
import logging
import math
from collections.abc import Sequence

from app.config import Settings
from app.core.clock import utcnow
from app.core.marketdata import Candle, align
from app.market import noise, synthetic
from app.market.arrays import CandleArrays
from app.market.replay_clock import Instant, epoch
from app.market.sources import register
from app.market.sources.base import TickSink
from app.market.sources.paced import Sleep, TickBlock, merge, play
from app.market.sources.peg import pegged_symbols
from app.market.sources.replay import replayed_symbols
from app.market.symbols import Asset, normalize
from app.market.synthetic import STABLECOINS
from app.market.tickgen import TickArrays, ticks_from_candles

log = logging.getLogger(__name__)

NAME = "simulator"
TICKS_PER_MINUTE = (120, 240)  # a few a second


def live_ticks(seed: int, symbol: str, start: float, end: float, stablecoin: bool = False) -> TickArrays:
    """Ticks with start <= ts < end, through the same 1-minute candles `history` rolls up."""
    candles = synthetic.minutes(seed, symbol, align(start, "1m"), math.ceil(end / 60) * 60, stablecoin)
    decimals = synthetic.profile(symbol, stablecoin).decimals
    ticks = ticks_from_candles(
        candles, "1m", noise.key(NAME, seed, symbol), counts=TICKS_PER_MINUTE, decimals=decimals
    )
    return ticks.between(start, end)


def live_block(seed: int, symbols: dict[str, bool], start: float, end: float) -> TickBlock:
    return merge({s: live_ticks(seed, s, start, end, stable) for s, stable in symbols.items()})


def simulated_symbols(settings: Settings, assets: Sequence[Asset]) -> dict[str, bool]:
    """symbol -> stablecoin, for `simulator_symbols` if set, else every asset given that no other
    offline source in `market_sources` prices (the replay's recorded symbols). Stablecoins are never
    simulated: they are priced at their peg (the `peg` source) or by a real feed."""
    stable = set(pegged_symbols(assets))
    wanted = [normalize(s) for s in settings.simulator_symbols]
    if not wanted:
        taken = set(replayed_symbols(settings, assets)) if "replay" in settings.market_sources else set()
        wanted = [a.symbol for a in assets if a.symbol not in taken]
    return {s: False for s in dict.fromkeys(wanted) if s not in stable and s.split("-")[0] not in STABLECOINS}


class SimulatorSource:
    name = NAME

    def __init__(self, settings: Settings, sleep: Sleep = asyncio.sleep) -> None:
        self.settings = settings
        self.sleep = sleep

    def history_arrays(
        self, symbol: str, interval: str, start: Instant, end: Instant, stablecoin: bool = False
    ) -> CandleArrays:
        """Candles with open time in [start, end) from the process the live ticks follow (the ticks of
        a minute rebuild exactly its 1m candle here)."""
        lo, hi = math.ceil(epoch(start)), math.ceil(epoch(end))
        return synthetic.history(self.settings.simulator_seed, symbol, interval, lo, hi, stablecoin)

    def history(
        self, symbol: str, interval: str, start: Instant, end: Instant, stablecoin: bool = False
    ) -> list[Candle]:
        return self.history_arrays(symbol, interval, start, end, stablecoin).to_candles()

    async def run(self, sink: TickSink, assets: Sequence[Asset]) -> None:
        symbols = simulated_symbols(self.settings, assets)
        if not symbols:
            sink.report(NAME, connected=False, error="no symbols to simulate")
            await asyncio.Event().wait()
        seed = self.settings.simulator_seed
        log.info("simulating %d symbols (seed %d)", len(symbols), seed)
        await play(
            sink,
            NAME,
            functools.partial(live_block, seed, symbols),
            start=float(align(utcnow().timestamp(), "1m")),
            sleep=self.sleep,
        )


@register(NAME)
def create(settings: Settings) -> SimulatorSource:
    return SimulatorSource(settings)
