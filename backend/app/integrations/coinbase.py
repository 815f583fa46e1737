"""Coinbase Exchange WebSocket feed: the subscribe request and the ticker/heartbeat/control messages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, FiniteFloat, TypeAdapter

from app.core.marketdata import Tick
from app.integrations.parsing import MalformedMessage, Shape, epoch, parse_json

SOURCE = "coinbase"
CHANNELS = ("ticker", "heartbeat")


class _Ticker(Shape):
    type: Literal["ticker"]
    product_id: str
    sequence: int
    price: FiniteFloat
    # The first ticker after subscribing has been seen without the trade fields: keep it as a price.
    last_size: FiniteFloat | None = None
    time: datetime | None = None
    trade_id: int | None = None


class Heartbeat(Shape):
    type: Literal["heartbeat"]
    product_id: str
    sequence: int
    last_trade_id: int
    time: datetime


class Channel(Shape):
    name: str
    product_ids: list[str] = []


class Subscriptions(Shape):
    type: Literal["subscriptions"]
    channels: list[Channel]


class FeedError(Shape):
    type: Literal["error"]
    message: str
    reason: str = ""


_MESSAGE = TypeAdapter(
    Annotated[_Ticker | Heartbeat | Subscriptions | FeedError, Field(discriminator="type")]
)


@dataclass(frozen=True, slots=True)
class TickerMessage:
    """A ticker as a Tick. `sequence` orders all messages of a product (it also counts order-book
    events, so it jumps between tickers); `trade_id` is contiguous per product."""

    product: str
    sequence: int
    trade_id: int | None
    tick: Tick


def subscribe_message(products: Sequence[str], channels: Sequence[str] = CHANNELS) -> dict[str, object]:
    """The client's first message; the server answers with a `subscriptions` message.

    >>> subscribe_message(["BTC-USD"])
    {'type': 'subscribe', 'product_ids': ['BTC-USD'], 'channels': ['ticker', 'heartbeat']}
    """
    return {"type": "subscribe", "product_ids": list(products), "channels": list(channels)}


def parse_message(
    raw: str | bytes, symbols: Mapping[str, str], *, received: float
) -> TickerMessage | Heartbeat | Subscriptions | FeedError:
    """One feed message. `symbols` maps products (`BTC-USD`) to canonical symbols; a ticker for any other
    product, an unknown `type` or a wrong shape is a `MalformedMessage`."""
    message = parse_json(_MESSAGE, raw, "coinbase message")
    if not isinstance(message, _Ticker):
        return message
    symbol = symbols.get(message.product_id)
    if symbol is None:
        raise MalformedMessage(f"coinbase ticker for unexpected product {message.product_id!r}")
    ts = epoch(message.time) if message.time else received
    trade_id = None if message.trade_id is None else str(message.trade_id)
    tick = Tick(symbol, message.price, message.last_size or 0.0, ts, SOURCE, received, trade_id)
    return TickerMessage(message.product_id, message.sequence, message.trade_id, tick)
