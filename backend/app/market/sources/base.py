"""The interface of a market data source, and the sink it delivers to (the ingest pipeline)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from app.core.marketdata import Candle, MarketStats, Tick

if TYPE_CHECKING:
    from app.config import Settings
    from app.market.symbols import Asset


class TickSink(Protocol):
    """Where sources deliver data; the ingest pipeline implements it. Never raises for bad data:
    invalid ticks are counted and dropped by the pipeline, not by the source."""

    async def submit(self, ticks: Sequence[Tick]) -> None: ...

    async def submit_candles(
        self, source: str, symbol: str, interval: str, candles: Sequence[Candle]
    ) -> None:
        """Closed candles a source reports itself (e.g. exchange klines, replayed history)."""
        ...

    async def submit_stats(self, stats: Sequence[MarketStats]) -> None:
        """Market cap / 24h volume snapshots from aggregators (kept as the latest per symbol and source)."""
        ...

    def report(self, source: str, *, connected: bool, error: str | None = None) -> None:
        """Connection state and last error of a source, shown in GET /api/market/status."""
        ...


class Source(Protocol):
    """A running feed. `run` delivers until cancelled and handles its own reconnects and backoff;
    it must never let malformed input end the process."""

    name: str

    async def run(self, sink: TickSink, assets: Sequence[Asset]) -> None: ...


class SourceFactory(Protocol):
    def __call__(self, settings: Settings) -> Source: ...
