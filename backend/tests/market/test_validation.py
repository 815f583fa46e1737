"""The validator's rejection reasons, one by one, and that accepted ticks pass untouched."""

from __future__ import annotations

import math

import pytest

from app.core.marketdata import Tick
from app.market.validation import Reason, TickValidator

NOW = 1_767_225_600.0


def _t(
    price: float,
    ts: float = NOW,
    *,
    source: str = "binance",
    symbol: str = "BTC-USD",
    volume: float = 1.0,
    trade_id: str | None = None,
) -> Tick:
    return Tick(symbol, price, volume, ts, source, NOW, trade_id)


def _warm(validator: TickValidator, source: str = "binance", price: float = 100.0, n: int = 10) -> None:
    for i in range(n):
        assert validator.check(_t(price + i * 0.01, NOW - 50 + i, source=source), NOW) is None


@pytest.mark.parametrize(
    ("tick", "reason"),
    [
        (_t(math.nan), Reason.NON_FINITE),
        (_t(math.inf), Reason.NON_FINITE),
        (_t(100, volume=math.nan), Reason.NON_FINITE),
        (_t(0), Reason.NON_POSITIVE),
        (_t(-5), Reason.NON_POSITIVE),
        (_t(100, volume=-1), Reason.NON_POSITIVE),
        (_t(100, symbol="NOPE-USD"), Reason.UNKNOWN_SYMBOL),
        (_t(100, ts=NOW + 60), Reason.FUTURE),
        (_t(100, ts=NOW - 3600), Reason.STALE),
    ],
)
def test_stateless_reasons(tick: Tick, reason: Reason) -> None:
    assert TickValidator(known_symbols={"BTC-USD"}).check(tick, NOW) == reason


def test_out_of_order_and_duplicates() -> None:
    validator = TickValidator()
    assert validator.check(_t(100, NOW - 10, trade_id="7"), NOW) is None
    assert validator.check(_t(100, NOW - 20), NOW) == Reason.OUT_OF_ORDER
    assert validator.check(_t(100, NOW - 10, trade_id="7"), NOW) == Reason.DUPLICATE
    assert validator.check(_t(101, NOW - 5), NOW) is None
    assert validator.check(_t(101, NOW - 5), NOW) == Reason.DUPLICATE  # no id: same time, price, size
    assert validator.check(_t(101, NOW - 5, volume=2), NOW) is None  # another trade at the same instant


def test_outlier_against_the_feeds_own_median() -> None:
    validator = TickValidator(max_deviation=0.15)
    _warm(validator)
    assert validator.check(_t(130, NOW - 30), NOW) == Reason.OUTLIER
    assert validator.check(_t(110, NOW - 30), NOW) is None
    # the outlier changed nothing: the median is still ~100
    assert validator.check(_t(60, NOW - 29), NOW) == Reason.OUTLIER


def test_cross_source_disagreement() -> None:
    validator = TickValidator(cross_max_deviation=0.05)
    _warm(validator, "binance")
    assert validator.check(_t(108, NOW - 20, source="coinbase"), NOW) == Reason.CROSS_SOURCE
    assert validator.check(_t(101, NOW - 20, source="coinbase"), NOW) is None
    # a source whose peers went quiet is judged on its own
    assert validator.check(_t(150, NOW + 1000, source="lonely", symbol="BTC-USD"), NOW + 1000) is None


def test_silent_feeds() -> None:
    validator = TickValidator(stale_after=120)
    assert validator.check(_t(100, NOW), NOW) is None
    assert validator.silent_feeds(NOW + 60) == []
    assert validator.silent_feeds(NOW + 121) == [("binance", "BTC-USD")]
