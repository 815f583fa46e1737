"""Daily closes of a portfolio's symbols on one grid of UTC days, as its analysis and optimiser read them."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.runtime import Runtime
from app.market import service as market_service
from app.quant.portfolio import holdings_risk
from app.quant.portfolio.ledger import CASH

DAY = 86400


@dataclass(frozen=True, slots=True)
class Closes:
    """Daily closes of several symbols on one grid of UTC days (NaN where a symbol has none)."""

    days: list[date]
    symbols: list[str]
    matrix: np.ndarray  # (days, symbols)

    def column(self, symbol: str) -> np.ndarray:
        return self.matrix[:, self.symbols.index(symbol)]


class ClosesCache:
    """The newest few loads, per process: a key holds each symbol's history version, which every candle
    write bumps (market.service.bump_history_version), so an entry is never served after its data changed."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._entries: OrderedDict[tuple[object, ...], Closes] = OrderedDict()

    def get(self, key: tuple[object, ...]) -> Closes | None:
        found = self._entries.get(key)
        if found is not None:
            self._entries.move_to_end(key)
        return found

    def put(self, key: tuple[object, ...], closes: Closes) -> None:
        self._entries[key] = closes
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)


async def load(
    session: AsyncSession, runtime: Runtime, symbols: list[str], first: date, last: date
) -> Closes:
    """`read`, from the runtime's `ClosesCache` when no candle of these symbols was written since (the
    matrix is shared: callers must not change it)."""
    cache: ClosesCache = runtime.memo.setdefault("portfolio.closes", ClosesCache())
    versions = [await market_service.history_version(runtime.cache, s) for s in symbols]
    key = (tuple(symbols), tuple(versions), first, last)
    found = cache.get(key)
    if found is None:
        found = await read(session, symbols, first, last)
        cache.put(key, found)
    return found


async def read(session: AsyncSession, symbols: list[str], first: date, last: date) -> Closes:
    """Closes of the days first..last (inclusive); USD is 1, a stablecoin without candles its 1.0 peg."""
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    start = int(datetime(first.year, first.month, first.day, tzinfo=UTC).timestamp())
    matrix = np.full((len(days), len(symbols)), np.nan)
    for j, symbol in enumerate(symbols):
        if symbol == "USD":
            matrix[:, j] = 1.0
            continue
        _, raw = await market_service.load_candles(session, symbol, "1d", start, start + len(days) * DAY)
        for ts, close in zip(raw.ts, raw.close, strict=True):
            matrix[(ts - start) // DAY, j] = close
        if symbol in CASH and np.isnan(matrix[:, j]).all():
            matrix[:, j] = 1.0
    return Closes(days, symbols, matrix)


def filled(matrix: np.ndarray) -> np.ndarray:
    """Carried forward, and back-filled before a symbol's first close; a symbol with none stays NaN."""
    out = matrix.copy()
    known = ~np.isnan(matrix).all(axis=0)
    if known.any():
        out[:, known] = holdings_risk.carried_closes(matrix[:, known])
    return out


async def last_closes(session: AsyncSession, symbols: set[str], today: date) -> dict[str, float]:
    """Each symbol's close of the last complete UTC day (yesterday), or of the latest day before it within a
    week (a gap carried); symbols without one are left out."""
    if not symbols:
        return {}
    week = await read(session, sorted(symbols), today - timedelta(days=7), today - timedelta(days=1))
    out = {}
    for symbol in week.symbols:
        known = week.column(symbol)[~np.isnan(week.column(symbol))]
        if len(known):
            out[symbol] = float(known[-1])
    return out
