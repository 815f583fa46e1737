"""Stablecoins at their peg: USDT, USDC... priced 1.00 USD once a second, labelled `peg`, never simulated."""

from __future__ import annotations

import asyncio
import functools
import logging
import math
from collections.abc import Sequence

import numpy as np

from app.config import Settings
from app.core.clock import utcnow
from app.core.marketdata import align
from app.market.sources import register
from app.market.sources.base import TickSink
from app.market.sources.paced import Sleep, TickBlock, merge, play
from app.market.symbols import Asset
from app.market.synthetic import STABLECOINS
from app.market.tickgen import TickArrays

log = logging.getLogger(__name__)

NAME = "peg"
PEG = 1.0  # every stablecoin in the registry is pegged to the US dollar


def pegged_symbols(assets: Sequence[Asset]) -> list[str]:
    """The stablecoins among `assets` (flagged in the registry, or a known stablecoin ticker)."""
    return [a.symbol for a in assets if a.stablecoin or a.base in STABLECOINS]


def peg_ticks(start: float, end: float) -> TickArrays:
    """One tick at every whole second in [start, end): the peg, no volume (no trade is claimed)."""
    ts = np.arange(math.ceil(start), math.ceil(end), dtype=np.float64)
    return TickArrays(ts, np.full(len(ts), PEG), np.zeros(len(ts)), np.zeros(len(ts), dtype=np.int64))


def live_block(symbols: Sequence[str], start: float, end: float) -> TickBlock:
    ticks = peg_ticks(start, end)
    return merge(dict.fromkeys(symbols, ticks))


class PegSource:
    name = NAME

    def __init__(self, settings: Settings, sleep: Sleep = asyncio.sleep) -> None:
        self.settings = settings
        self.sleep = sleep

    async def run(self, sink: TickSink, assets: Sequence[Asset]) -> None:
        symbols = pegged_symbols(assets)
        if not symbols:
            sink.report(NAME, connected=False, error="no stablecoin in the registry")
            await asyncio.Event().wait()
        log.info("pricing %s at their peg", ", ".join(symbols))
        await play(
            sink,
            NAME,
            functools.partial(live_block, symbols),
            start=float(align(utcnow().timestamp(), "1m")),
            sleep=self.sleep,
        )


@register(NAME)
def create(settings: Settings) -> PegSource:
    return PegSource(settings)
