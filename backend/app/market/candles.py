"""Candles from ticks: 1m bars per (symbol, source), rolled up to 5m/15m/1h/4h/1d aligned to UTC."""

from __future__ import annotations

from dataclasses import dataclass, replace

from app.core.marketdata import INTERVALS, Candle, Tick

ROLLUPS = ("5m", "15m", "1h", "4h", "1d")
MAX_FILL_MINUTES = 60  # a quiet feed gets flat 0-volume bars, as exchanges publish; a dead one does not
# Their ticks walk a recorded or simulated bar, splitting its base volume: price x quantity is no amount
# anybody traded, so their bars have no quote volume (the API estimates it and says so).
WALKED_SOURCES = frozenset({"replay", "simulator"})


@dataclass(slots=True, frozen=True)
class ClosedCandle:
    symbol: str
    source: str
    interval: str
    candle: Candle


class _Series:
    """The open bars of one (symbol, source): the current 1m bar and one partial bar per roll-up."""

    __slots__ = ("last", "minute", "partial", "quote", "source", "symbol")

    def __init__(self, symbol: str, source: str) -> None:
        self.symbol = symbol
        self.source = source
        self.quote = source not in WALKED_SOURCES  # whether its bars sum price x quantity
        self.minute: Candle | None = None
        self.partial: dict[str, Candle] = {}
        self.last: tuple[int, float] | None = None  # open time and close of the last closed 1m bar

    def _close_minute(self, out: list[ClosedCandle]) -> None:
        bar = self.minute
        assert bar is not None
        out.append(ClosedCandle(self.symbol, self.source, "1m", bar))
        end = bar.ts + 60
        for interval in ROLLUPS:
            step = INTERVALS[interval]
            bucket = bar.ts - bar.ts % step
            part = self.partial.get(interval)
            if part is None or part.ts != bucket:
                if part is not None:  # a gap skipped this bar's end; it is complete all the same
                    out.append(ClosedCandle(self.symbol, self.source, interval, part))
                part = self.partial[interval] = Candle(
                    bucket, bar.open, bar.high, bar.low, bar.close, 0.0, 0.0 if self.quote else None
                )
            else:
                part.high = max(part.high, bar.high)
                part.low = min(part.low, bar.low)
                part.close = bar.close
            part.volume += bar.volume
            if part.quote_volume is not None and bar.quote_volume is not None:
                part.quote_volume += bar.quote_volume
            if end % step == 0:
                out.append(ClosedCandle(self.symbol, self.source, interval, part))
                del self.partial[interval]
        self.last = (bar.ts, bar.close)
        self.minute = None

    def add(self, tick: Tick, out: list[ClosedCandle]) -> None:
        minute = int(tick.ts // 60) * 60
        bar = self.minute
        if bar is not None and minute == bar.ts:
            price = tick.price
            if price > bar.high:
                bar.high = price
            elif price < bar.low:
                bar.low = price
            bar.close = price
            bar.volume += tick.volume
            if bar.quote_volume is not None:
                bar.quote_volume += price * tick.volume
            return
        if bar is not None:
            self._close_minute(out)
        if self.last is not None and minute - self.last[0] - 60 <= MAX_FILL_MINUTES * 60:
            last_close = self.last[1]
            quiet_quote = 0.0 if self.quote else None
            for quiet in range(self.last[0] + 60, minute, 60):
                self.minute = Candle(quiet, last_close, last_close, last_close, last_close, 0.0, quiet_quote)
                self._close_minute(out)
        price = tick.price
        quote = price * tick.volume if self.quote else None
        self.minute = Candle(minute, price, price, price, price, tick.volume, quote)

    def close_due(self, now: float, out: list[ClosedCandle]) -> None:
        if self.minute is not None and self.minute.ts + 60 <= now:
            self._close_minute(out)


class CandleBuilder:
    """Feed it accepted ticks (in order per source); it returns the bars that closed."""

    def __init__(self) -> None:
        self._series: dict[tuple[str, str], _Series] = {}

    def add(self, tick: Tick, out: list[ClosedCandle]) -> None:
        key = (tick.symbol, tick.source)
        series = self._series.get(key)
        if series is None:
            series = self._series[key] = _Series(tick.symbol, tick.source)
        series.add(tick, out)

    def prime(self, ticks: list[Tick], until: float) -> None:
        """Fold ticks before `until` into the open bars without emitting what closes (already stored), so
        the first live 1h/1d bar after a start is complete rather than starting at the start-up minute."""
        discard: list[ClosedCandle] = []
        for tick in ticks:
            self.add(tick, discard)
        for series in self._series.values():
            series.close_due(until, discard)  # the last primed minute is history too, not a live bar

    def close_due(self, now: float, grace: float = 2.0) -> list[ClosedCandle]:
        """Close the 1m bars whose minute ended more than `grace` seconds ago (quiet feeds)."""
        out: list[ClosedCandle] = []
        for series in self._series.values():
            series.close_due(now - grace, out)
        return out

    def current(self, symbol: str, source: str, interval: str) -> Candle | None:
        """The bar still open for `interval`, including the current minute (for live charts)."""
        series = self._series.get((symbol, source))
        if series is None:
            return None
        bar = series.minute
        if bar is None:  # between minutes: only the higher bars are open
            part = series.partial.get(interval)
            return replace(part) if part else None
        if interval == "1m":
            return replace(bar)
        part = series.partial.get(interval)
        if part is None:
            return replace(bar, ts=bar.ts - bar.ts % INTERVALS[interval])
        quote = (
            part.quote_volume + bar.quote_volume
            if part.quote_volume is not None and bar.quote_volume is not None
            else None
        )
        return Candle(
            part.ts,
            part.open,
            max(part.high, bar.high),
            min(part.low, bar.low),
            bar.close,
            part.volume + bar.volume,
            quote,
        )
