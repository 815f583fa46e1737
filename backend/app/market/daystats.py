"""24-hour change and volume per symbol, kept from accepted ticks in minute buckets (O(1) per tick)."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

DAY_MINUTES = 24 * 60
MIN_COVERAGE = 23 * 60  # minutes of history before a change over "24 h" is reported


class _Window:
    __slots__ = ("buckets", "volume")

    def __init__(self) -> None:
        self.buckets: deque[list[float]] = deque()  # [minute, first price, volume]
        self.volume = 0.0


class RollingDay:
    """The price a day ago and the volume since, per symbol.

    >>> day = RollingDay()
    >>> day.add("BTC-USD", 0.0, 100.0, 2.0)
    >>> day.add("BTC-USD", 24 * 3600 - 60, 110.0, 1.0)
    >>> change, volume = day.stats("BTC-USD", 110.0)
    >>> round(change, 9), volume
    (0.1, 3.0)
    """

    def __init__(self) -> None:
        self._windows: dict[str, _Window] = {}

    def add(self, symbol: str, ts: float, price: float, volume: float) -> None:
        window = self._windows.get(symbol)
        if window is None:
            window = self._windows[symbol] = _Window()
        minute = float(int(ts // 60))
        buckets = window.buckets
        if buckets and buckets[-1][0] >= minute:  # this minute (a late tick counts where the window is)
            buckets[-1][2] += volume
        else:
            buckets.append([minute, price, volume])
        window.volume += volume
        while buckets and buckets[0][0] <= minute - DAY_MINUTES:
            window.volume -= buckets.popleft()[2]

    def prime(self, symbol: str, bars: Iterable[tuple[float, float, float]]) -> None:
        """Fill in history from stored bars (open time, open, volume), oldest first: only the minutes before
        what live ticks already cover, so priming twice never counts a bar twice."""
        window = self._windows.get(symbol)
        if window is None:
            window = self._windows[symbol] = _Window()
        first = window.buckets[0][0] if window.buckets else float("inf")
        earlier = [[float(int(ts // 60)), open_, volume] for ts, open_, volume in bars]
        earlier = [bucket for bucket in earlier if bucket[0] < first]
        window.buckets.extendleft(reversed(earlier))
        window.volume += sum(bucket[2] for bucket in earlier)
        newest = window.buckets[-1][0] if window.buckets else 0.0
        while window.buckets and window.buckets[0][0] <= newest - DAY_MINUTES:
            window.volume -= window.buckets.popleft()[2]

    def stats(self, symbol: str, price: float) -> tuple[float | None, float | None]:
        """(change over 24 h as a fraction, volume over 24 h); change is None until a day is covered."""
        window = self._windows.get(symbol)
        if window is None or not window.buckets:
            return None, None
        first = window.buckets[0]
        covered = window.buckets[-1][0] - first[0]
        change = price / first[1] - 1.0 if covered >= MIN_COVERAGE and first[1] > 0 else None
        return change, max(window.volume, 0.0)
