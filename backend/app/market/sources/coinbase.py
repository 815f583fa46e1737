"""Live Coinbase Exchange tickers over its WebSocket feed (ticker + heartbeat channels)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from websockets.asyncio.client import ClientConnection

from app.core.marketdata import Tick
from app.integrations import coinbase
from app.integrations.parsing import wall_time
from app.market.sources import register
from app.market.sources.base import TickSink
from app.market.sources.streaming import StreamSource

if TYPE_CHECKING:
    from app.config import Settings
    from app.market.symbols import Asset


class CoinbaseSource(StreamSource):
    """Tickers become ticks. Two checks per product: `sequence` must increase (older ones are repeats
    and are dropped), and `trade_id` must be contiguous (a jump is a gap). Gaps are not judged on
    `sequence`: it counts every order-book event, so it jumps between any two tickers."""

    name = coinbase.SOURCE

    def targets(self, assets: Sequence[Asset]) -> dict[str, str]:
        return {asset.coinbase_product: asset.symbol for asset in assets if asset.coinbase_product}

    def url(self, targets: Mapping[str, str]) -> str:
        return self.settings.coinbase_ws_url

    async def on_open(self, ws: ClientConnection, targets: Mapping[str, str]) -> None:
        await ws.send(json.dumps(coinbase.subscribe_message(list(targets))))

    async def handle(self, raw: str | bytes, sink: TickSink, targets: Mapping[str, str]) -> list[Tick]:
        message = coinbase.parse_message(raw, targets, received=wall_time())
        if isinstance(message, coinbase.FeedError):
            self.report(sink, connected=self.connected, error=f"{message.message}: {message.reason}")
            return []
        if not isinstance(message, coinbase.TickerMessage):
            return []  # heartbeats keep the connection fresh; subscriptions acknowledge ours
        # Same tracker as the trade ids, under its own key; only going backwards matters here.
        if self.sequences.observe(f"sequence:{message.product}", message.sequence) < 0:
            self.out_of_order += 1
            return []
        if message.trade_id is not None and not self.in_sequence(sink, message.product, message.trade_id):
            return []
        return [message.tick]


@register("coinbase")
def create(settings: Settings) -> CoinbaseSource:
    return CoinbaseSource(settings)
