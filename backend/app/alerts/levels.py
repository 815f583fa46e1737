"""Price levels of one symbol's alerts, indexed so that a tick touches only the levels it crosses.

Each alert waits on one side of its level: to RISE (the price reaching it from below, `price >= level`) or
to FALL (`price < level`). Both sides are kept sorted by level, so a tick at `price` takes a prefix of the
rising side and a suffix of the falling side: O(log n + k) for k alerts whose state changes, whatever n.

>>> book = LevelBook()
>>> book.add(1, 100.0, rise=True, fire=True)
>>> book.add(2, 90.0, rise=False, fire=True)
>>> book.move(95.0), book.move(101.0), book.move(89.0)
([], [(1, True)], [(2, True)])
"""

from __future__ import annotations

import bisect


class _Side:
    __slots__ = ("entries", "levels")

    def __init__(self) -> None:
        self.levels: list[float] = []
        self.entries: list[tuple[int, bool]] = []  # (alert id, fires: else it re-arms), parallel to levels

    def insert(self, level: float, alert_id: int, fire: bool) -> None:
        at = bisect.bisect_right(self.levels, level)
        self.levels.insert(at, level)
        self.entries.insert(at, (alert_id, fire))

    def remove(self, level: float, alert_id: int) -> None:
        at = bisect.bisect_left(self.levels, level)
        while at < len(self.levels) and self.levels[at] == level:
            if self.entries[at][0] == alert_id:
                del self.levels[at], self.entries[at]
                return
            at += 1

    def take(self, start: int, stop: int) -> list[tuple[int, bool]]:
        taken = self.entries[start:stop]
        del self.levels[start:stop], self.entries[start:stop]
        return taken


class LevelBook:
    def __init__(self) -> None:
        self._rise = _Side()
        self._fall = _Side()
        self._where: dict[int, tuple[bool, float]] = {}  # alert id -> (waits to rise, level)

    def __len__(self) -> int:
        return len(self._where)

    def add(self, alert_id: int, level: float, *, rise: bool, fire: bool) -> None:
        self.remove(alert_id)
        (self._rise if rise else self._fall).insert(level, alert_id, fire)
        self._where[alert_id] = (rise, level)

    def remove(self, alert_id: int) -> None:
        where = self._where.pop(alert_id, None)
        if where is not None:
            rise, level = where
            (self._rise if rise else self._fall).remove(level, alert_id)

    def move(self, price: float) -> list[tuple[int, bool]]:
        """The alerts whose wait `price` ends, removed from the book: (alert id, fires)."""
        rising = self._rise.take(0, bisect.bisect_right(self._rise.levels, price))
        falling = self._fall.take(bisect.bisect_right(self._fall.levels, price), len(self._fall.levels))
        for alert_id, _ in rising + falling:
            del self._where[alert_id]
        return rising + falling
