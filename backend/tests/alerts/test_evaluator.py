"""The pure alert engine without a database, bus or clock: prices in, decisions out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, get_args

from app.alerts import rules
from app.alerts.conditions import Spec
from app.alerts.engine import BarFiring, Evaluator, Rule
from app.alerts.operands import BarRule
from app.alerts.schemas import Condition

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _rule(alert_id: int = 1, condition: str = "PRICE_ABOVE", level: float = 100.0, **kw: Any) -> Rule:
    fields: dict[str, Any] = {
        "frequency": "EVERY_TIME",
        "cooldown": 0.0,
        "expires_at": None,
        "last_fired": None,
        "channels": ["IN_APP"],
        "bar_seconds": 60,
    } | kw
    return Rule(alert_id, 7, "BTC-USD", condition, level, **fields)


def _engine(*added: Rule, armed: bool = True, reference: float | None = None) -> Evaluator:
    engine = Evaluator()
    for rule in added:
        engine.add(rule, armed=armed, reference=reference)
    return engine


def _fired(engine: Evaluator, price: float, at: datetime = T0) -> list[int]:
    decision = (
        engine.on_price("BTC-USD", price, at.timestamp(), "test", at) if engine.watches("BTC-USD") else None
    )
    return [rule.id for rule in decision.fired] if decision else []


def test_condition_sets_cover_the_api_conditions_once() -> None:
    assert frozenset(get_args(Condition)) == rules.CONDITIONS
    assert not rules.RISES & rules.FALLS and rules.BAR_ONLY.isdisjoint(rules.LEVELS)


def test_a_level_fires_on_the_crossing_then_waits_to_cross_back() -> None:
    engine = _engine(_rule())
    assert _fired(engine, 99.0) == []
    assert _fired(engine, 100.0) == [1]
    assert _fired(engine, 101.0) == []  # still above: no second trigger
    decision = engine.on_price("BTC-USD", 99.0, 0.0, "test", T0)
    assert decision is not None and decision.rearmed == [1] and decision.fired == []
    assert _fired(engine, 100.5) == [1]


def test_greater_than_is_strict_and_below_fires_under_the_level() -> None:
    engine = _engine(_rule(1, "GREATER_THAN"), _rule(2, "PRICE_BELOW", 90.0))
    assert _fired(engine, 100.0) == []
    assert _fired(engine, 100.01) == [1]
    assert _fired(engine, 89.99) == [2]


def test_crossing_fires_both_ways() -> None:
    engine = _engine(_rule(1, "CROSSING"), armed=False, reference=95.0)
    assert [_fired(engine, p) for p in (101.0, 99.0, 98.0, 100.0)] == [[1], [1], [], [1]]


def test_once_fires_a_single_time_and_leaves_the_engine() -> None:
    engine = _engine(_rule(frequency="ONCE"))
    assert _fired(engine, 101.0) == [1]
    assert 1 not in engine.rules and not engine.watches("BTC-USD")


def test_cooldown_suppresses_crossings_inside_it() -> None:
    engine = _engine(_rule(cooldown=60.0))
    assert _fired(engine, 101.0) == [1]
    _fired(engine, 99.0)
    assert _fired(engine, 101.0, T0 + timedelta(seconds=30)) == []  # crossed, but cooling
    _fired(engine, 99.0, T0 + timedelta(seconds=31))
    assert _fired(engine, 101.0, T0 + timedelta(seconds=61)) == [1]


def test_confirmation_needs_the_ticks_and_forgets_a_false_break() -> None:
    engine = _engine(_rule(confirm_ticks=3))
    assert [_fired(engine, p) for p in (101.0, 102.0, 99.0)] == [[], [], []]  # back under: a false break
    assert [_fired(engine, p) for p in (101.0, 101.5, 102.0)] == [[], [], [1]]


def test_an_expired_rule_is_reported_not_fired() -> None:
    engine = _engine(_rule(expires_at=T0))
    decision = engine.on_price("BTC-USD", 101.0, 0.0, "test", T0)
    assert decision is not None and decision.expired == [1] and decision.fired == []
    assert 1 not in engine.rules


def test_dropped_rules_and_symbols_are_forgotten() -> None:
    engine = _engine(_rule(1), _rule(2, level=120.0))
    engine.drop(1)
    assert _fired(engine, 110.0) == [] and engine.symbols() == {"BTC-USD"}
    engine.drop_symbol("BTC-USD")
    assert engine.symbols() == set() and engine.rules == {}


def test_bar_closes_decide_firings_expiry_and_what_was_judged() -> None:
    bar = BarRule(Spec("PRICE_ABOVE", 100.0), None, "1h")
    once = _rule(1, frequency="ONCE", bar=bar)
    stale = _rule(2, bar=bar, expires_at=T0)
    engine = _engine(once, stale)
    assert engine.symbols() == {"BTC-USD"} and not engine.watches("BTC-USD")
    judged, expired = engine.due_bar_rules("BTC-USD", "1h", T0)
    assert expired == [2] and 2 not in engine.rules
    firing = BarFiring(once, T0, 101.0, 55.0, True, "replay")
    decisions = engine.bar_closed(judged, expired, [firing], 1_767_225_600, T0)
    assert [d.fired for d in decisions] == [[once], []]
    assert (
        decisions[0].bar == (55.0, True) and decisions[-1].evaluated == [1] and decisions[-1].expired == [2]
    )
    assert 1 not in engine.rules  # ONCE: gone after its firing
