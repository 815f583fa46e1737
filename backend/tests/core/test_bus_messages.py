"""The bus's channel names and typed messages: each message survives encode -> JSON -> decode unchanged."""

from __future__ import annotations

import orjson
import pytest

from app.core.bus import messages as m
from app.core.marketdata import Tick

Message = m.BarsClosed | m.UserEvent | m.AlertChanged | m.OutboxWake | m.PushedTicks | m.PushVerdicts


def _wire(data: m.Json) -> m.Json:
    """What a subscriber in another process gets: the Redis bus sends orjson."""
    loaded: m.Json = orjson.loads(orjson.dumps(data))
    return loaded


def test_channel_names() -> None:
    assert (m.prices("BTC-USD"), m.bars("ETH-USD"), m.user(42)) == (
        "prices:BTC-USD",
        "bars:ETH-USD",
        "user:42",
    )
    assert (m.EVERY_PRICE, m.EVERY_BAR, m.EVERY_USER) == ("prices:*", "bars:*", "user:*")
    assert (m.ALERTS_CHANGED, m.NOTIFICATIONS_WAKE, m.MARKET_PUSH, m.ALERTS_SYNC, m.JOBS) == (
        "alerts:changed",
        "notifications:wake",
        "market:push",
        "alerts:sync",
        "jobs",
    )
    assert m.is_prices("prices:BTC-USD") and not m.is_prices("bars:BTC-USD")
    assert m.is_bars("bars:BTC-USD") and not m.is_bars("prices:BTC-USD")
    assert m.user_of(m.user(7)) == 7 and m.user_of("jobs") is None


def test_price_ticks_round_trip_with_their_hops() -> None:
    hops = m.Hops(100.0, 100.25, 100.5, 100.75)
    message = m.PriceTicks(
        "BTC-USD", 50_000.5, 100.0, "binance", 0.02, 1234.5, [(99.5, 50_000.0, 0.1, "binance")], hops
    )
    data = message.encode()
    assert data["type"] == "TICKS" and data["hops"] == [100.0, 100.25, 100.5, 100.75]
    assert m.PriceTicks.decode(data) == message
    assert m.PriceTicks.decode(_wire(data)) == message


def test_a_price_message_without_hops_or_figures_still_decodes() -> None:
    """What earlier publishers (and the tests' fake feeds) sent."""
    decoded = m.PriceTicks.decode({"symbol": "BTC-USD", "price": 777, "ts": 1.5e9})
    assert decoded == m.PriceTicks("BTC-USD", 777.0, 1.5e9, "")
    assert decoded.hops is None and m.Hops.decode([1.0, 2.0]) is None


@pytest.mark.parametrize(
    "message",
    [
        m.BarsClosed("BTC-USD", {"1m": 1_780_000_020, "1h": 1_779_998_400}),
        m.UserEvent("ALERT_TRIGGERED", {"alertId": 3, "currentPrice": 1.5}, "17"),
        m.UserEvent("JOB_UPDATE", {"jobId": "abc", "status": "DONE"}),
        m.AlertChanged(12),
        m.OutboxWake(3),
        m.PushedTicks(
            [Tick("BTC-USD", 1.5, 0.25, 1e9, "webhook", 1e9 + 1, "t-1"), Tick("ETH-USD", 2, 0, 1, "x", 2)]
        ),
        m.PushVerdicts([None, "STALE", None]),
    ],
    ids=lambda message: type(message).__name__,
)
def test_messages_round_trip(message: Message) -> None:
    decoded = type(message).decode(_wire(message.encode()))  # type: ignore[attr-defined]
    assert decoded == message


def test_user_events_keep_their_wire_shape() -> None:
    """The hub's frames and the resume path read these keys."""
    assert m.UserEvent("ALERT_TRIGGERED", {"alertId": 3}, "17").encode() == {
        "type": "ALERT_TRIGGERED",
        "eventId": "17",
        "alertId": 3,
    }
    assert m.UserEvent("JOB_UPDATE", {"jobId": "a"}).encode() == {"type": "JOB_UPDATE", "jobId": "a"}
