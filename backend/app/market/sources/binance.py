"""Live Binance spot trades and 1-minute klines over one combined-stream WebSocket."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from app.core.marketdata import Tick
from app.integrations import binance
from app.integrations.parsing import wall_time
from app.market.sources import register
from app.market.sources.base import TickSink
from app.market.sources.streaming import StreamSource

if TYPE_CHECKING:
    from app.config import Settings
    from app.market.symbols import Asset


class BinanceSource(StreamSource):
    """Aggregate trades become ticks (their ids are checked for gaps); closed klines go to the sink as
    candles. Binance drops every connection after 24 h: that is an ordinary reconnect."""

    name = binance.SOURCE

    def targets(self, assets: Sequence[Asset]) -> dict[str, str]:
        return {asset.binance_pair: asset.symbol for asset in assets if asset.binance_pair}

    def url(self, targets: Mapping[str, str]) -> str:
        return binance.streams_url(self.settings.binance_ws_url, targets)

    async def handle(self, raw: str | bytes, sink: TickSink, targets: Mapping[str, str]) -> list[Tick]:
        message = binance.parse_stream_message(raw, targets, received=wall_time())
        if isinstance(message, binance.ClosedKline):
            await sink.submit_candles(self.name, message.symbol, message.interval, [message.candle])
            return []
        if message is None or not self.in_sequence(sink, message.pair, message.seq):
            return []
        return [message.tick]


@register("binance")
def create(settings: Settings) -> BinanceSource:
    return BinanceSource(settings)
