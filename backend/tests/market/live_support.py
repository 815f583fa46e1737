"""Test helpers for the live sources: a recording TickSink and a local server replaying recorded messages."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from websockets.asyncio.server import Server, ServerConnection, serve

from app.core.marketdata import Candle, MarketStats, Tick
from app.market.sources.base import Source
from app.market.symbols import Asset


class RecordingSink:
    """A TickSink that keeps everything it is given, and lets a test wait until a condition holds."""

    def __init__(self) -> None:
        self.ticks: list[Tick] = []
        self.batches: list[int] = []
        self.candles: list[tuple[str, str, str, Candle]] = []
        self.stats: list[MarketStats] = []
        self.reports: list[tuple[str, bool, str | None]] = []
        self._changed = asyncio.Event()

    async def submit(self, ticks: Sequence[Tick]) -> None:
        self.ticks.extend(ticks)
        self.batches.append(len(ticks))
        self._changed.set()

    async def submit_candles(
        self, source: str, symbol: str, interval: str, candles: Sequence[Candle]
    ) -> None:
        self.candles.extend((source, symbol, interval, candle) for candle in candles)
        self._changed.set()

    async def submit_stats(self, stats: Sequence[MarketStats]) -> None:
        self.stats.extend(stats)
        self._changed.set()

    def report(self, source: str, *, connected: bool, error: str | None = None) -> None:
        self.reports.append((source, connected, error))
        self._changed.set()

    def prices(self, symbol: str) -> list[float]:
        return [tick.price for tick in self.ticks if tick.symbol == symbol]

    async def wait_for(self, condition: Callable[[], bool], timeout: float = 5.0) -> None:
        async with asyncio.timeout(timeout):
            while not condition():
                self._changed.clear()
                await self._changed.wait()


@dataclass
class Script:
    """What the server does on one connection: optionally wait for the client's first message, send
    `lines`, then `hold` the connection open, `close` it cleanly or `drop` it (no close frame)."""

    lines: list[str]
    end: Literal["hold", "close", "drop"] = "hold"
    await_first: bool = False


@dataclass
class ReplayServer:
    """`websockets.serve` on 127.0.0.1, port 0; connection n follows scripts[n] (later ones just hold)."""

    scripts: list[Script]
    paths: list[str] = field(default_factory=list)
    received: list[list[str]] = field(default_factory=list)
    _server: Server | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        port = next(iter(self._server.sockets)).getsockname()[1]
        return f"ws://127.0.0.1:{port}"

    async def __aenter__(self) -> ReplayServer:
        self._server = await serve(self._handle, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def _handle(self, ws: ServerConnection) -> None:
        index = len(self.paths)
        self.paths.append(ws.request.path if ws.request else "")
        self.received.append([])
        script = self.scripts[index] if index < len(self.scripts) else Script([])
        if script.await_first:
            self.received[index].append(str(await ws.recv()))
        for line in script.lines:
            await ws.send(line)
        if script.end == "drop":
            # The pong proves the client has every line sent so far; then the TCP connection just dies.
            await (await ws.ping())
            ws.transport.abort()
        elif script.end == "close":
            await ws.close()
        else:
            async for message in ws:
                self.received[index].append(str(message))


@contextlib.asynccontextmanager
async def running(
    source: Source, sink: RecordingSink, assets: Sequence[Asset]
) -> AsyncIterator[asyncio.Task[None]]:
    """Run `source` in a task for the duration of the block, then cancel it (re-raising its own error)."""
    task = asyncio.create_task(source.run(sink, assets))
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
