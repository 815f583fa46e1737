"""The embedded default feed: live ticks replayed from the bundled real recordings, shifted to now."""

from __future__ import annotations

import asyncio
import functools
import logging
import math
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np

from app.config import Settings
from app.core.clock import isoformat_z, utcnow
from app.core.marketdata import align
from app.market import noise, recordings
from app.market.arrays import CandleArrays
from app.market.replay_clock import describe, history_arrays, plan
from app.market.sources import register
from app.market.sources.base import TickSink
from app.market.sources.paced import Sleep, TickBlock, VirtualClock, merge, play
from app.market.symbols import Asset, normalize
from app.market.tickgen import TickArrays, market_ticks, path_minutes

log = logging.getLogger(__name__)

NAME = "replay"


@functools.cache
def price_decimals(symbol: str) -> int:
    """Decimals for the made-up in-between ticks: those of the recorded prices, or finer where these are
    coarser than a tenth of a basis point of the typical price (daily ADA at 4 decimals moved in steps of
    0.2% and sat on one price for minutes at a time, which no market does)."""
    closes = recordings.load(symbol, recordings.finest(symbol).interval).close
    recorded = next((d for d in range(9) if np.array_equal(np.round(closes, d), closes)), 10)
    step = float(np.median(closes)) * 1e-5
    return max(recorded, math.ceil(-math.log10(step))) if step > 0 else recorded


def live_ticks(symbol: str, start: float, end: float, anchor: datetime) -> TickArrays:
    """The replay's ticks for `symbol` with start <= ts < end, derived from its finest shifted candles
    (at least two a second, each inside its bar's range): the candles they build are exactly the ones
    `history` returns."""
    interval = plan(symbol, anchor).interval
    candles = history_arrays(symbol, interval, align(start, interval), end, anchor)
    return market_ticks(candles, interval, noise.key(NAME, symbol), start, end, price_decimals(symbol))


def live_minutes(symbol: str, start: float, end: float, anchor: datetime) -> CandleArrays:
    """The 1-minute bars the live ticks of [start, end) go through (start and end whole minutes)."""
    interval = plan(symbol, anchor).interval
    candles = history_arrays(symbol, interval, align(start, interval), end, anchor)
    bars, _ = path_minutes(candles, interval, noise.key(NAME, symbol), price_decimals(symbol))
    return bars.between(int(start), int(end))


def live_block(symbols: Sequence[str], anchor: datetime, start: float, end: float) -> TickBlock:
    return merge({s: live_ticks(s, start, end, anchor) for s in symbols})


def replayed_symbols(settings: Settings, assets: Sequence[Asset]) -> list[str]:
    """`replay_symbols` if set, else the assets given (all recordings if none), that have a recording."""
    wanted = [normalize(s) for s in settings.replay_symbols] or [a.symbol for a in assets]
    recorded = recordings.symbols()
    return [s for s in dict.fromkeys(wanted or recorded) if s in recorded]


class ReplaySource:
    """Set `anchor` (persisted by the caller) before `run`; unset, the replay anchors at its start
    and leaves the value in `anchor` for the caller to persist."""

    name = NAME

    def __init__(
        self, settings: Settings, anchor: datetime | None = None, sleep: Sleep = asyncio.sleep
    ) -> None:
        self.settings = settings
        self.anchor = anchor
        self.sleep = sleep
        self.symbols: list[str] = []
        # Where live ticks begin; set by whoever stored the history before it (default: this minute).
        self.start: float | None = None
        self.clock: VirtualClock | None = None  # set by run: the replay's own, possibly faster, time

    def describe(self) -> dict[str, Any]:
        """What is being replayed, per symbol, for GET /api/market/status."""
        anchor, speed = self.anchor, self.settings.replay_speed
        if anchor is None:
            return {"anchor": None, "speed": speed, "replayTime": None, "symbols": {}}
        now = self.clock.now() if self.clock else utcnow().timestamp()
        symbols = {}
        for symbol in self.symbols:
            d = describe(symbol, anchor, now=now)
            symbols[symbol] = {
                "interval": d.interval,
                "recordedFrom": d.recorded_from.isoformat(),
                "recordedTo": d.recorded_to.isoformat(),
                "offsetDays": d.offset_days,
                "periodDays": d.period_days,
                "loop": d.current_loop,
                "summary": d.summary,
            }
        replay_time = isoformat_z(datetime.fromtimestamp(now, UTC))
        return {"anchor": isoformat_z(anchor), "speed": speed, "replayTime": replay_time, "symbols": symbols}

    async def run(self, sink: TickSink, assets: Sequence[Asset]) -> None:
        clock = self.clock = VirtualClock(self.settings.replay_speed)
        now = utcnow()
        anchor = self.anchor = self.anchor or now
        symbols = self.symbols = replayed_symbols(self.settings, assets)
        if not symbols:
            sink.report(NAME, connected=False, error="no selected symbol has a recording")
            await asyncio.Event().wait()
        log.info("replaying %s at %gx", ", ".join(symbols), self.settings.replay_speed)
        await play(
            sink,
            NAME,
            functools.partial(live_block, symbols, anchor),
            # From the start of the current minute, so that minute's candle is built whole.
            start=self.start if self.start is not None else float(align(now.timestamp(), "1m")),
            clock=clock,
            sleep=self.sleep,
        )


@register(NAME)
def create(settings: Settings) -> ReplaySource:
    return ReplaySource(settings)
