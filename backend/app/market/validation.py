"""Tick validation: what never reaches the bus (bad numbers, disorder, duplicates, stale, outliers)."""

from __future__ import annotations

import bisect
import math
from collections import deque
from dataclasses import dataclass, field
from enum import StrEnum

from app.core.marketdata import Tick

FUTURE_TOLERANCE = 5.0  # seconds a source's clock may run ahead of ours
CROSS_SOURCE_FRESH = 60.0  # another source's price counts for comparison this long
WARM_UP = 8  # prices a feed needs before its own median judges it


class Reason(StrEnum):
    NON_FINITE = "NON_FINITE"
    NON_POSITIVE = "NON_POSITIVE"
    UNKNOWN_SYMBOL = "UNKNOWN_SYMBOL"
    FUTURE = "FUTURE"
    STALE = "STALE"
    OUT_OF_ORDER = "OUT_OF_ORDER"
    DUPLICATE = "DUPLICATE"
    OUTLIER = "OUTLIER"
    CROSS_SOURCE = "CROSS_SOURCE"


@dataclass(slots=True)
class _Feed:
    """What the validator remembers of one (source, symbol) feed."""

    last_ts: float = -math.inf
    last_price: float = 0.0
    last_volume: float = -1.0
    window: deque[float] = field(default_factory=deque)
    ordered: list[float] = field(default_factory=list)
    recent_ids: deque[str] = field(default_factory=lambda: deque(maxlen=256))
    id_set: set[str] = field(default_factory=set)

    def median(self) -> float:
        return self.ordered[len(self.ordered) // 2]

    def remember(self, tick: Tick, window: int) -> None:
        self.last_ts, self.last_price, self.last_volume = tick.ts, tick.price, tick.volume
        self.window.append(tick.price)
        bisect.insort(self.ordered, tick.price)
        if len(self.window) > window:
            oldest = self.window.popleft()
            del self.ordered[bisect.bisect_left(self.ordered, oldest)]
        if tick.trade_id is not None:
            if len(self.recent_ids) == self.recent_ids.maxlen:
                self.id_set.discard(self.recent_ids[0])
            self.recent_ids.append(tick.trade_id)
            self.id_set.add(tick.trade_id)


class TickValidator:
    """Judges ticks one by one; accepted ticks update the state that judges the next ones."""

    def __init__(
        self,
        *,
        known_symbols: set[str] | None = None,
        window: int = 64,
        max_deviation: float = 0.15,
        cross_max_deviation: float = 0.05,
        stale_after: float = 120.0,
    ) -> None:
        self.known_symbols = known_symbols
        self.window = window
        self.max_deviation = max_deviation
        self.cross_max_deviation = cross_max_deviation
        self.stale_after = stale_after
        self._feeds: dict[tuple[str, str], _Feed] = {}
        # symbol -> source -> (price, ts): the latest accepted price of every source
        self._latest: dict[str, dict[str, tuple[float, float]]] = {}

    def check(self, tick: Tick, now: float) -> Reason | None:
        """None when the tick is accepted (and remembered), else why it was rejected."""
        price = tick.price
        if not (math.isfinite(price) and math.isfinite(tick.volume) and math.isfinite(tick.ts)):
            return Reason.NON_FINITE
        if price <= 0 or tick.volume < 0:
            return Reason.NON_POSITIVE
        if self.known_symbols is not None and tick.symbol not in self.known_symbols:
            return Reason.UNKNOWN_SYMBOL
        if tick.ts > now + FUTURE_TOLERANCE:
            return Reason.FUTURE
        if now - tick.ts > self.stale_after:
            return Reason.STALE
        key = (tick.source, tick.symbol)
        feed = self._feeds.get(key)
        if feed is None:
            feed = self._feeds[key] = _Feed()
        if tick.ts < feed.last_ts:
            return Reason.OUT_OF_ORDER
        if tick.trade_id is not None:
            if tick.trade_id in feed.id_set:
                return Reason.DUPLICATE
        elif tick.ts == feed.last_ts and price == feed.last_price and tick.volume == feed.last_volume:
            return Reason.DUPLICATE
        if len(feed.window) >= WARM_UP and abs(price / feed.median() - 1.0) > self.max_deviation:
            return Reason.OUTLIER
        others = self._latest.get(tick.symbol)
        if others and self._off_consensus(tick, others, now):
            return Reason.CROSS_SOURCE
        feed.remember(tick, self.window)
        if others is None:
            others = self._latest[tick.symbol] = {}
        others[tick.source] = (price, tick.ts)
        return None

    def _off_consensus(self, tick: Tick, latest: dict[str, tuple[float, float]], now: float) -> bool:
        prices = sorted(
            p
            for source, (p, ts) in latest.items()
            if source != tick.source and now - ts <= CROSS_SOURCE_FRESH
        )
        if not prices:
            return False
        reference = prices[len(prices) // 2]
        return abs(tick.price / reference - 1.0) > self.cross_max_deviation

    def silent_feeds(self, now: float) -> list[tuple[str, str]]:
        """(source, symbol) feeds with no accepted tick for longer than `stale_after`."""
        return [key for key, feed in self._feeds.items() if now - feed.last_ts > self.stale_after]
