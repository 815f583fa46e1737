"""A price level confirmed by an indicator (the seed's PRICE_ABOVE 50,000 with RSI >= 70): the pure engine
fires on the tick that crosses the level only while the indicator's latest closed bar confirms, and what
operands.build makes of the metadata (operator, timeframe, bad input)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np
import pytest

from app.alerts import operands
from app.alerts.conditions import Spec
from app.alerts.confirm import Confirmation
from app.alerts.engine import Evaluator, Rule
from app.alerts.operands import Confirmed
from app.alerts.render import trigger_message
from app.core.errors import AppError

T0 = datetime(2026, 1, 1, tzinfo=UTC)
SEED = {"indicator": "RSI", "value": 70}


def _confirmed(condition: str, metadata: dict[str, Any], threshold: float = 50000.0) -> Confirmed:
    built = operands.build(condition, threshold, metadata, "EVERY_TIME", None)
    assert isinstance(built, Confirmed)
    return built


def _engine(condition: str = "PRICE_ABOVE", metadata: dict[str, Any] | None = None, **kw: Any) -> Evaluator:
    confirmed = _confirmed(condition, SEED if metadata is None else metadata)
    fields: dict[str, Any] = {"confirm_ticks": 1, "confirm_seconds": 0.0} | kw
    rule = Rule(
        1, 7, "BTC-USD", condition, 50000.0, "EVERY_TIME", 0.0, None, None, ["IN_APP"], 3600,
        confirm=confirmed, **fields,
    )  # fmt: skip
    engine = Evaluator()
    engine.add(rule, armed=True, reference=None)
    return engine


def _reading(engine: Evaluator, value: float, timeframe: str = "1h") -> None:
    engine.read({("BTC-USD", timeframe, "RSI", 0): value})


def _fired(engine: Evaluator, price: float) -> bool:
    if not engine.watches("BTC-USD"):
        return False
    decision = engine.on_price("BTC-USD", price, T0.timestamp(), "test", T0)
    return decision is not None and [r.id for r in decision.fired] == [1]


def test_the_seed_alert_is_a_price_rule_confirmed_by_rsi() -> None:
    confirmed = _confirmed("PRICE_ABOVE", SEED)
    assert confirmed.confirmation == Confirmation("RSI(14)", "1h", ">=", 70.0)
    assert (
        confirmed.confirmation.describe("PRICE_ABOVE", 50000) == "price above 50,000 while RSI(14) 1h >= 70"
    )


def test_price_crossing_above_with_rsi_72_fires() -> None:
    engine = _engine()
    _reading(engine, 72.0)
    assert not _fired(engine, 49_900.0)
    assert _fired(engine, 50_100.0)


def test_price_crossing_above_with_rsi_65_does_not_fire() -> None:
    engine = _engine()
    _reading(engine, 65.0)
    assert not _fired(engine, 49_900.0)
    assert not _fired(engine, 50_100.0)
    assert not _fired(engine, 50_200.0)


def test_it_fires_on_the_first_tick_beyond_once_the_indicator_confirms() -> None:
    engine = _engine()
    _reading(engine, 65.0)
    assert not _fired(engine, 50_100.0)
    _reading(engine, 71.0)  # the next bar closes with RSI 71, the price still above
    assert _fired(engine, 50_050.0)
    assert not _fired(engine, 50_060.0)  # it fired: it waits for the price to cross back


def test_the_price_falling_back_before_confirmation_rearms_the_level() -> None:
    engine = _engine()
    _reading(engine, 65.0)
    assert not _fired(engine, 50_100.0)
    assert not _fired(engine, 49_000.0)
    _reading(engine, 75.0)
    assert not _fired(engine, 49_500.0)  # below the level: the indicator alone does not fire it
    assert _fired(engine, 50_001.0)


def test_below_confirms_with_less_or_equal() -> None:
    engine = _engine("PRICE_BELOW", {"indicator": "RSI", "value": 30})
    _reading(engine, 30.0)  # <= 30: equal confirms
    assert _fired(engine, 49_000.0)
    engine = _engine("PRICE_BELOW", {"indicator": "RSI", "value": 30})
    _reading(engine, 31.0)
    assert not _fired(engine, 49_000.0)


def test_above_default_is_greater_or_equal() -> None:
    engine = _engine()
    _reading(engine, 70.0)
    assert _fired(engine, 50_000.0)


def test_the_operator_overrides_the_comparison() -> None:
    strict = _engine(metadata={**SEED, "operator": ">"})
    _reading(strict, 70.0)
    assert not _fired(strict, 50_100.0)
    inverted = _engine(metadata={**SEED, "operator": "<"})  # price breaks out while RSI is still below 70
    _reading(inverted, 55.0)
    assert _fired(inverted, 50_100.0)


def test_the_timeframe_picks_which_bars_are_read() -> None:
    engine = _engine(metadata={**SEED, "timeframe": "4h"})
    _reading(engine, 80.0, "1h")  # an hourly reading does not confirm a 4h rule
    assert not _fired(engine, 50_100.0)
    _reading(engine, 80.0, "4h")
    assert _fired(engine, 50_200.0)


def test_no_indicator_value_yet_does_not_fire() -> None:
    engine = _engine()
    assert not _fired(engine, 50_100.0)  # never read: too little history
    _reading(engine, float("nan"))  # read, but the indicator is still warming up
    assert not _fired(engine, 50_200.0)
    assert 1 in engine.confirming["BTC-USD"]  # crossed, waiting for the indicator
    assert engine.symbols() == {"BTC-USD"}  # still a rule of this symbol (a cluster worker keeps its lease)


def test_confirm_ticks_still_count() -> None:
    engine = _engine(confirm_ticks=2)
    _reading(engine, 72.0)
    assert not _fired(engine, 50_100.0)
    assert _fired(engine, 50_200.0)


def test_the_backtest_gate_fires_on_the_first_confirmed_minute_of_each_stretch() -> None:
    prices = np.array([49.0, 51.0, 52.0, 53.0, 49.0, 51.0, 52.0])
    gate = np.array([True, False, False, True, True, True, True])
    fired = Spec("PRICE_ABOVE", 50.0).signals(prices, None, 0, gate).nonzero()[0].tolist()
    assert fired == [3, 5]
    ungated = Spec("PRICE_ABOVE", 50.0).signals(prices, None, 0).nonzero()[0].tolist()
    assert (
        Spec("PRICE_ABOVE", 50.0).signals(prices, None, 0, np.ones(7, dtype=np.bool_)).nonzero()[0].tolist()
        == ungated
        == [1, 5]
    )


@pytest.mark.parametrize(
    ("condition", "metadata", "frequency", "field"),
    [
        ("PRICE_ABOVE", {"indicator": "RSI"}, "ONCE", "metadata.value"),
        ("PRICE_ABOVE", {**SEED, "operator": "=="}, "ONCE", "metadata.operator"),
        ("PRICE_ABOVE", {**SEED, "operator": 1}, "ONCE", "metadata.operator"),
        ("PRICE_ABOVE", {**SEED, "timeframe": "7m"}, "ONCE", "metadata.timeframe"),
        ("PRICE_ABOVE", SEED, "ONCE_PER_BAR_CLOSE", "frequency"),
        ("GREATER_THAN", {**SEED, "operator": ">="}, "ONCE", "metadata.operator"),
        ("PRICE_ABOVE", {"operator": ">="}, "ONCE", "metadata.operator"),
    ],
)
def test_bad_confirmations_name_the_field(
    condition: str, metadata: dict[str, Any], frequency: str, field: str
) -> None:
    with pytest.raises(AppError) as raised:
        operands.build(condition, 50000.0, metadata, frequency, None)
    assert raised.value.field == field


def test_indicator_only_rules_are_unchanged() -> None:
    for condition in ("GREATER_THAN", "LESS_THAN", "CROSSING", "CROSSING_UP", "CROSSING_DOWN"):
        built = operands.build(condition, 70.0, {"indicator": "RSI"}, "EVERY_TIME", None)
        assert isinstance(built, operands.BarRule) and built.spec == Spec(condition, 70.0)
        assert built.timeframe == "1h"


def test_the_notification_names_both_parts() -> None:
    engine = _engine()
    _reading(engine, 72.0)
    decision = engine.on_price("BTC-USD", 50_100.0, T0.timestamp(), "test", T0)
    assert decision is not None
    message = trigger_message(decision.fired[0], 50_100.0, T0)
    assert message.title == "BTC-USD up: price above 50,000 while RSI(14) 1h >= 70"
    assert message.body == "BTC-USD rose to 50,100 (price above 50,000 while RSI(14) 1h >= 70)"
    assert message.fields["Confirmed by"] == "RSI(14) 1h >= 70" and message.event["threshold"] == 50000.0
