"""Real-time delivery for the offline sources: ticks are made ahead, window by window, in virtual time
(wall time sped up `speed` times), and handed to the sink in small batches as they fall due."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

import numpy as np

from app.core.clock import get_clock, utcnow
from app.core.marketdata import Tick
from app.market.arrays import Floats, Ints
from app.market.sources.base import TickSink
from app.market.tickgen import TickArrays

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]

BATCH_SECONDS = 0.25  # wall time gathered into one sink.submit
MAX_SUBMIT = 10_000  # ticks per submit, so a catch-up never hands the pipeline one huge list
RETRY_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class TickBlock:
    """Ticks of several symbols merged in time order; `code` indexes `symbols`."""

    symbols: tuple[str, ...]
    code: Ints
    ts: Floats
    price: Floats
    volume: Floats

    def __len__(self) -> int:
        return len(self.ts)

    def to_ticks(self, lo: int, hi: int, source: str, received: float) -> list[Tick]:
        names = self.symbols
        columns = (self.code[lo:hi], self.price[lo:hi], self.volume[lo:hi], self.ts[lo:hi])
        return [
            Tick(names[c], price, volume, ts, source, received)
            for c, price, volume, ts in zip(*(col.tolist() for col in columns), strict=True)
        ]


def merge(per_symbol: Mapping[str, TickArrays]) -> TickBlock:
    symbols = tuple(per_symbol)
    parts = list(per_symbol.values())
    if not parts:
        nothing = np.empty(0, dtype=np.float64)
        return TickBlock((), np.empty(0, dtype=np.int64), nothing, nothing, nothing)
    code = np.concatenate([np.full(len(p), i, dtype=np.int64) for i, p in enumerate(parts)])
    ts = np.concatenate([p.ts for p in parts])
    order = np.argsort(ts, kind="stable")
    return TickBlock(
        symbols,
        code[order],
        ts[order],
        np.concatenate([p.price for p in parts])[order],
        np.concatenate([p.volume for p in parts])[order],
    )


class VirtualClock:
    """Wall time from the moment of creation on, running `speed` times faster (epoch seconds)."""

    def __init__(self, speed: float = 1.0) -> None:
        self.speed = speed
        self._clock = get_clock()
        self._origin, self._mono0 = utcnow().timestamp(), self._clock.monotonic()

    def now(self) -> float:
        return self._origin + (self._clock.monotonic() - self._mono0) * self.speed


def window_for(speed: float) -> float:
    """Virtual seconds generated at a time: a minute, or about two wall seconds when sped up."""
    return float(min(max(60.0, 2.0 * speed), 86400.0))


async def play(
    sink: TickSink,
    source: str,
    generate: Callable[[float, float], TickBlock],
    *,
    start: float,
    clock: VirtualClock | None = None,
    sleep: Sleep = asyncio.sleep,
) -> None:
    """Deliver `generate(a, b)` (ticks with a <= ts < b) from virtual time `start` on, until cancelled.

    Ticks carry virtual times (`clock`, default: real time) and the wall time they were sent as
    `received`. A failing window or sink is logged, reported and skipped; after a stall longer than a
    minute of wall time the backlog is dropped, not replayed.
    """
    clock = clock or VirtualClock()
    virtual_now, speed = clock.now, clock.speed
    window = window_for(speed)
    max_backlog = 60.0 * speed + window
    cursor = start
    block, pos = merge({}), 0
    _report(sink, source, None)
    failing = False
    while True:
        wait = BATCH_SECONDS
        try:
            now = virtual_now()
            due_parts: list[tuple[TickBlock, int, int]] = []
            while True:
                due = int(np.searchsorted(block.ts, now, side="right"))
                if due > pos:
                    due_parts.append((block, pos, due))
                    pos = due
                if pos < len(block) or cursor > now:
                    break
                if now - cursor > max_backlog:
                    log.warning("%s: %.0f s behind, skipping ahead", source, now - cursor)
                    cursor = now - window
                # Off the event loop: a window of a few dozen symbols takes a good part of a second.
                block, pos = await asyncio.to_thread(_generate, generate, cursor, cursor + window, source), 0
                cursor += window
            received = utcnow().timestamp()
            for part, lo, hi in due_parts:
                for chunk in range(lo, hi, MAX_SUBMIT):
                    await sink.submit(part.to_ticks(chunk, min(hi, chunk + MAX_SUBMIT), source, received))
            if failing:
                _report(sink, source, None)
                failing = False
            next_due = float(block.ts[pos]) if pos < len(block) else cursor
            wait = max((next_due - virtual_now()) / speed, BATCH_SECONDS)
        except Exception as exc:  # the feed must outlive any bug or sink failure
            log.exception("%s: delivery failed", source)
            failing, wait = True, RETRY_SECONDS
            _report(sink, source, f"{type(exc).__name__}: {exc}")
        await sleep(wait)


def _report(sink: TickSink, source: str, error: str | None) -> None:
    try:
        sink.report(source, connected=error is None, error=error)
    except Exception:
        log.exception("%s: sink.report failed", source)


def _generate(
    generate: Callable[[float, float], TickBlock], start: float, end: float, source: str
) -> TickBlock:
    try:
        return generate(start, end)
    except Exception:
        log.exception("%s: could not make ticks for [%s, %s); skipped", source, start, end)
        return merge({})
