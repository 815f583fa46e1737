"""The bus's channel names and the typed messages they carry: every publisher and subscriber uses these.

A message's wire form is the JSON object `Bus.publish` carries (`encode`), read back with `decode`. Decoders
accept what earlier publishers sent (optional keys missing), so processes of two versions interoperate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from app.core.marketdata import Tick

Json = dict[str, Any]  # a JSON object, as the bus carries it

_PRICES, _BARS, _USER = "prices:", "bars:", "user:"
ALERTS_CHANGED = "alerts:changed"  # an alert was created, changed or deleted: the engine reloads it
PORTFOLIOS_CHANGED = "portfolios:changed"  # a portfolio's holdings changed: its watcher revalues it
NOTIFICATIONS_WAKE = "notifications:wake"  # outbox rows are due now
MARKET_PUSH = "market:push"  # cluster: ticks pushed to an API process, for the one ingest process
ALERTS_SYNC = "alerts:sync"  # barrier: engines answer once what they judged is committed
JOBS = "jobs"  # every job's end, whoever started it
EVERY_PRICE, EVERY_BAR, EVERY_USER = _PRICES + "*", _BARS + "*", _USER + "*"


def prices(symbol: str) -> str:
    """A symbol's validated ticks (`PriceTicks`).

    >>> prices("BTC-USD"), bars("BTC-USD"), user(7)
    ('prices:BTC-USD', 'bars:BTC-USD', 'user:7')
    """
    return _PRICES + symbol


def bars(symbol: str) -> str:
    """A symbol's candles just stored (`BarsClosed`)."""
    return _BARS + symbol


def user(user_id: int) -> str:
    """One user's events (`UserEvent`), for their clients on any API process."""
    return f"{_USER}{user_id}"


def is_prices(channel: str) -> bool:
    return channel.startswith(_PRICES)


def is_bars(channel: str) -> bool:
    return channel.startswith(_BARS)


def user_of(channel: str) -> int | None:
    """The user id of a `user:<id>` channel; None for any other channel.

    >>> user_of("user:42"), user_of("prices:BTC-USD")
    (42, None)
    """
    return int(channel[len(_USER) :]) if channel.startswith(_USER) else None


HOPS = ("source", "received", "validated", "published")


@dataclass(frozen=True, slots=True)
class Hops:
    """When a price passed each hop, in epoch seconds: the wall clock, as hops span processes and hosts."""

    source: float  # the newest tick's event time at its feed
    received: float  # when the ingest process received that tick
    validated: float  # when the pipeline had judged its batch
    published: float  # when it was handed to the bus

    def encode(self) -> list[float]:
        return [self.source, self.received, self.validated, self.published]

    @classmethod
    def decode(cls, raw: object) -> Hops | None:
        if not isinstance(raw, list | tuple) or len(raw) != len(HOPS):
            return None
        return cls(float(raw[0]), float(raw[1]), float(raw[2]), float(raw[3]))


TickRow = tuple[float, float, float, str]  # event time, price, volume, source


@dataclass(frozen=True, slots=True)
class PriceTicks:
    """`prices:<symbol>`: a batch's accepted ticks of one symbol, its consolidated price and 24h figures."""

    symbol: str
    price: float  # consolidated: the median of the sources' fresh prices
    ts: float  # the newest tick's event time
    source: str  # the newest tick's source
    change24h: float | None = None
    volume24h: float | None = None
    ticks: list[TickRow] = field(default_factory=list)
    hops: Hops | None = None

    def encode(self) -> Json:
        data: Json = {
            "type": "TICKS",
            "symbol": self.symbol,
            "price": self.price,
            "change24h": self.change24h,
            "volume24h": self.volume24h,
            "ts": self.ts,
            "source": self.source,
            "ticks": self.ticks,
        }
        if self.hops is not None:
            data["hops"] = self.hops.encode()
        return data

    @classmethod
    def decode(cls, data: Json) -> PriceTicks:
        return cls(
            str(data["symbol"]),
            float(data["price"]),
            float(data["ts"]),
            str(data.get("source", "")),
            data.get("change24h"),
            data.get("volume24h"),
            [cast(TickRow, tuple(row)) for row in data.get("ticks", ())],
            Hops.decode(data.get("hops")),
        )


@dataclass(frozen=True, slots=True)
class BarsClosed:
    """`bars:<symbol>`: candles just stored; per interval, the open time of the newest."""

    symbol: str
    bars: dict[str, int]

    def encode(self) -> Json:
        return {"symbol": self.symbol, "bars": dict(self.bars)}

    @classmethod
    def decode(cls, data: Json) -> BarsClosed:
        return cls(str(data["symbol"]), {str(k): int(v) for k, v in dict(data["bars"]).items()})


@dataclass(frozen=True, slots=True)
class UserEvent:
    """`user:<id>` (and `jobs`): a frame for the user's clients; stored events have an `event_id` to resume
    after, others (JOB_UPDATE) none."""

    type: str
    fields: Json
    event_id: str | None = None

    def encode(self) -> Json:
        if self.event_id is None:
            return {"type": self.type, **self.fields}
        return {"type": self.type, "eventId": self.event_id, **self.fields}

    @classmethod
    def decode(cls, data: Json) -> UserEvent:
        fields = dict(data)
        kind = str(fields.pop("type"))
        event_id = fields.pop("eventId", None)
        return cls(kind, fields, None if event_id is None else str(event_id))


@dataclass(frozen=True, slots=True)
class AlertChanged:
    """`alerts:changed`: the engine takes this alert's row as it is now; a portfolio's risk alert (with its
    portfolio's id) is the portfolio watcher's instead."""

    alert_id: int
    portfolio_id: int | None = None

    def encode(self) -> Json:
        if self.portfolio_id is None:
            return {"alertId": self.alert_id}
        return {"alertId": self.alert_id, "portfolioId": self.portfolio_id}

    @classmethod
    def decode(cls, data: Json) -> AlertChanged:
        portfolio_id = data.get("portfolioId")
        return cls(int(data["alertId"]), None if portfolio_id is None else int(portfolio_id))


@dataclass(frozen=True, slots=True)
class PortfolioChanged:
    """`portfolios:changed`: the watcher takes this portfolio's holdings as they are now (gone if deleted)."""

    portfolio_id: int

    def encode(self) -> Json:
        return {"portfolioId": self.portfolio_id}

    @classmethod
    def decode(cls, data: Json) -> PortfolioChanged:
        return cls(int(data["portfolioId"]))


@dataclass(frozen=True, slots=True)
class OutboxWake:
    """`notifications:wake`: `count` notification rows were committed due now."""

    count: int

    def encode(self) -> Json:
        return {"count": self.count}

    @classmethod
    def decode(cls, data: Json) -> OutboxWake:
        return cls(int(data.get("count", 0)))


@dataclass(frozen=True, slots=True)
class PushedTicks:
    """`market:push`: ticks pushed to an API process, validated by the ingest process's pipeline."""

    ticks: list[Tick]

    def encode(self) -> Json:
        rows = [[t.symbol, t.price, t.volume, t.ts, t.source, t.received, t.trade_id] for t in self.ticks]
        return {"ticks": rows}

    @classmethod
    def decode(cls, data: Json) -> PushedTicks:
        return cls([Tick(*row) for row in data.get("ticks", [])])


@dataclass(frozen=True, slots=True)
class PushVerdicts:
    """The ingest process's answer to a `market:push` (on its reply channel): each tick's rejection reason
    (None: accepted), sent once the accepted ticks and the triggers they caused are committed."""

    reasons: list[str | None]

    def encode(self) -> Json:
        return {"reasons": self.reasons}

    @classmethod
    def decode(cls, data: Json) -> PushVerdicts:
        return cls([None if r is None else str(r) for r in data.get("reasons", [])])
