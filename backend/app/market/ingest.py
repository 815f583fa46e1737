"""The ingest pipeline: validate and publish ticks, build candles, keep latest prices, persist in batches."""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from prometheus_client import Counter as PromCounter
from prometheus_client import Gauge

from app.core.bus import messages as bus_messages
from app.core.bus.messages import BarsClosed, Hops, PriceTicks
from app.core.clock import epoch, utcnow
from app.core.marketdata import INTERVALS, Candle, MarketStats, Tick
from app.core.runtime import Runtime
from app.market.candles import CandleBuilder, ClosedCandle
from app.market.daystats import RollingDay
from app.market.repository import CandleRow, upsert_candles
from app.market.service import bump_history_version
from app.market.validation import Reason, TickValidator

log = logging.getLogger(__name__)

TICKS = PromCounter("cryptomon_ticks_total", "Ticks seen by the ingest pipeline", ["source", "outcome"])
CANDLES_WRITTEN = PromCounter("cryptomon_candles_written_total", "Closed candles persisted", ["interval"])
FEED_LAG = Gauge("cryptomon_feed_lag_seconds", "Receive time minus event time of the last tick", ["source"])
FEED_CONNECTED = Gauge("cryptomon_feed_connected", "1 when the source reports a live connection", ["source"])

CONSENSUS_FRESH = 60.0


@dataclass
class FeedStatus:
    """What GET /api/market/status says about one source."""

    connected: bool = False
    error: str | None = None
    accepted: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    last_tick_at: float | None = None
    lag_seconds: float | None = None
    candles_received: int = 0

    def as_dict(self, now: float, stale_after: float) -> dict[str, Any]:
        silent = self.last_tick_at is None or now - self.last_tick_at > stale_after
        return {
            "connected": self.connected,
            "stale": self.connected and silent,
            "error": self.error,
            "accepted": self.accepted,
            "rejected": dict(self.rejected),
            "rejectedTotal": sum(self.rejected.values()),
            "lastTickAt": self.last_tick_at,
            "lagSeconds": self.lag_seconds,
            "candlesReceived": self.candles_received,
        }


def candle_problem(candle: Candle, interval: str) -> str | None:
    """Why a candle cannot be stored, or None: finite positive prices, consistent OHLC, aligned open time."""
    values = (candle.open, candle.high, candle.low, candle.close, candle.volume)
    if not all(math.isfinite(v) for v in values):
        return "non-finite value"
    if min(candle.open, candle.high, candle.low, candle.close) <= 0 or candle.volume < 0:
        return "prices must be positive and volume non-negative"
    quote = candle.quote_volume
    if quote is not None and not (math.isfinite(quote) and quote >= 0):
        return "quoteVolume must be a finite non-negative number"
    if candle.high < max(candle.open, candle.close, candle.low) or candle.low > min(
        candle.open, candle.close
    ):
        return "high/low do not contain open and close"
    if candle.ts % INTERVALS[interval] != 0:
        return f"timestamp is not aligned to {interval}"
    return None


class IngestPipeline:
    """The sink every source delivers to (see sources/base.py: TickSink)."""

    def __init__(self, runtime: Runtime, known_symbols: set[str] | None = None) -> None:
        settings = runtime.settings
        self.runtime = runtime
        self.validator = TickValidator(
            known_symbols=known_symbols,
            max_deviation=settings.outlier_max_deviation,
            cross_max_deviation=settings.cross_source_max_deviation,
            stale_after=settings.stale_after_seconds,
        )
        self.candles = CandleBuilder()
        self.pending: list[CandleRow] = []
        self.latest: dict[str, dict[str, tuple[float, float]]] = {}  # symbol -> source -> (price, ts)
        self.stats: dict[tuple[str, str], MarketStats] = {}
        self.feeds: dict[str, FeedStatus] = {}
        self.day = RollingDay()

    def feed(self, source: str) -> FeedStatus:
        status = self.feeds.get(source)
        if status is None:
            status = self.feeds[source] = FeedStatus()
        return status

    def set_known_symbols(self, symbols: set[str]) -> None:
        self.validator.known_symbols = symbols

    async def ingest(self, ticks: Sequence[Tick]) -> list[Reason | None]:
        """Judge, publish and aggregate a batch; returns each tick's rejection reason (None: accepted)."""
        now = utcnow().timestamp()
        verdicts: list[Reason | None] = []
        accepted: dict[str, list[Tick]] = {}
        closed: list[ClosedCandle] = []
        outcomes: Counter[tuple[str, str]] = Counter()
        check, add = self.validator.check, self.candles.add
        for tick in ticks:
            reason = check(tick, now)
            verdicts.append(reason)
            if reason is not None:
                outcomes[(tick.source, reason.value)] += 1
                continue
            outcomes[(tick.source, "ACCEPTED")] += 1
            add(tick, closed)
            self.day.add(tick.symbol, tick.ts, tick.price, tick.volume)
            bucket = accepted.get(tick.symbol)
            if bucket is None:
                bucket = accepted[tick.symbol] = []
            bucket.append(tick)
        validated = epoch()
        self._count(outcomes, accepted)
        self._queue(closed)
        for symbol, symbol_ticks in accepted.items():
            await self._publish(symbol, symbol_ticks, validated)
        return verdicts

    def _count(self, outcomes: Counter[tuple[str, str]], accepted: dict[str, list[Tick]]) -> None:
        for (source, outcome), n in outcomes.items():
            TICKS.labels(source, outcome).inc(n)
            status = self.feed(source)
            if outcome == "ACCEPTED":
                status.accepted += n
            else:
                status.rejected[outcome] += n
        for symbol_ticks in accepted.values():
            last = symbol_ticks[-1]
            status = self.feed(last.source)
            status.last_tick_at = last.ts
            status.lag_seconds = max(0.0, last.received - last.ts)
            FEED_LAG.labels(last.source).set(status.lag_seconds)

    async def _publish(self, symbol: str, ticks: list[Tick], validated: float) -> None:
        last = ticks[-1]
        by_source = self.latest.setdefault(symbol, {})
        for tick in ticks:
            by_source[tick.source] = (tick.price, tick.ts)
        price = self.consensus(symbol) or last.price
        change, volume = self.day.stats(symbol, price)
        rows = [(t.ts, t.price, t.volume, t.source) for t in ticks]
        hops = Hops(last.ts, last.received, validated, epoch())
        message = PriceTicks(symbol, price, last.ts, last.source, change, volume, rows, hops)
        await self.runtime.bus.publish(bus_messages.prices(symbol), message.encode())
        await self.runtime.cache.set(
            f"price:{symbol}", {"price": price, "ts": last.ts, "source": last.source}
        )

    def consensus(self, symbol: str) -> float | None:
        """The median of every source's latest fresh price for the symbol (the consolidated price)."""
        sources = self.latest.get(symbol)
        if not sources:
            return None
        newest = max(ts for _, ts in sources.values())
        prices = sorted(p for p, ts in sources.values() if newest - ts <= CONSENSUS_FRESH)
        middle = len(prices) // 2
        return prices[middle] if len(prices) % 2 else (prices[middle - 1] + prices[middle]) / 2

    def restore(self, ticks: Sequence[Tick]) -> None:
        """Fold ticks stored before a restart (market/journal.py) back into the bars: the bars still open
        are whole again, and closed ones that a crash kept from being written are queued (upserts)."""
        closed: list[ClosedCandle] = []
        for tick in ticks:
            self.candles.add(tick, closed)
        self._queue(closed)

    def _queue(self, closed: list[ClosedCandle]) -> None:
        for item in closed:
            self.pending.append(CandleRow.of(item.symbol, item.interval, item.source, item.candle))

    async def submit(self, ticks: Sequence[Tick]) -> None:
        await self.ingest(ticks)

    async def submit_candles(
        self, source: str, symbol: str, interval: str, candles: Sequence[Candle]
    ) -> None:
        status = self.feed(source)
        for candle in candles:
            problem = candle_problem(candle, interval)
            if problem is not None:
                status.rejected["BAD_CANDLE"] += 1
                continue
            status.candles_received += 1
            self.pending.append(CandleRow.of(symbol, interval, source, candle))

    async def submit_stats(self, stats: Sequence[MarketStats]) -> None:
        for item in stats:
            self.stats[(item.symbol, item.source)] = item
            await self.runtime.cache.set(
                f"stats:{item.symbol}:{item.source}",
                {
                    "price": item.price,
                    "marketCap": item.market_cap,
                    "volume24h": item.volume_24h,
                    "change24h": item.change_24h,
                    "ts": item.ts,
                },
            )

    def report(self, source: str, *, connected: bool, error: str | None = None) -> None:
        status = self.feed(source)
        status.connected = connected
        status.error = error
        FEED_CONNECTED.labels(source).set(1 if connected else 0)

    def close_quiet_bars(self) -> None:
        self._queue(self.candles.close_due(utcnow().timestamp()))

    async def flush(self) -> int:
        """Write every closed candle queued so far in one transaction; on failure they stay queued."""
        if not self.pending:
            return 0
        rows, self.pending = self.pending, []
        try:
            async with self.runtime.db.session() as session:
                await upsert_candles(session, rows)
        except Exception:
            log.exception("could not persist %d candles; keeping them for the next flush", len(rows))
            self.pending = rows + self.pending
            return 0
        for interval, n in Counter(r.interval for r in rows).items():
            CANDLES_WRITTEN.labels(interval).inc(n)
        await bump_history_version(self.runtime.cache, {r.symbol for r in rows})
        newest: dict[str, dict[str, int]] = {}
        for row in rows:
            bars = newest.setdefault(row.symbol, {})
            bars[row.interval] = max(bars.get(row.interval, row.ts), row.ts)
        for symbol, bars in newest.items():
            await self.runtime.bus.publish(bus_messages.bars(symbol), BarsClosed(symbol, bars).encode())
        return len(rows)

    def status(self) -> dict[str, Any]:
        now = utcnow().timestamp()
        stale_after = self.runtime.settings.stale_after_seconds
        return {
            "sources": {name: feed.as_dict(now, stale_after) for name, feed in sorted(self.feeds.items())},
            "pendingCandles": len(self.pending),
            "symbolsWithPrices": len(self.latest),
        }
