"""The portfolio risk conditions on hand-computed states; how a rule fires, waits, re-arms and cools down."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.portfolio.risk_rules import NO_BASELINE, Baseline, Judged, PortfolioRule, State, judge, measure

NOW = datetime(2026, 12, 3, 12, tzinfo=UTC)
TARGETS = {"BTC-USD": 0.5, "ETH-USD": 0.3, "USD": 0.2}


def _state(value: float = 100_000.0, **weights: float) -> State:
    held = weights or {"BTC-USD": 0.5, "ETH-USD": 0.3, "USD": 0.2}
    return State(value, {k.replace("_", "-"): v for k, v in held.items()}, TARGETS, 0.05, NO_BASELINE)


def test_drift_judges_the_asset_furthest_from_target_against_the_band() -> None:
    # BTC +4%, ETH -6%, cash +2%: ETH is furthest out, beyond the 5% band
    reading = measure("ALLOCATION_DRIFT", None, None, _state(BTC_USD=0.54, ETH_USD=0.24, USD=0.22))
    assert reading.holds and reading.measured == pytest.approx(-0.06) and reading.level == 0.05
    assert reading.text == "ETH-USD is 24.0% against a 30.0% target (band ±5.0%)" and not reading.up


def test_drift_on_a_named_asset_or_with_its_own_band() -> None:
    state = _state(BTC_USD=0.54, ETH_USD=0.24, USD=0.22)
    assert not measure("ALLOCATION_DRIFT", None, "BTC-USD", state).holds  # BTC is 4% out
    assert measure("ALLOCATION_DRIFT", 0.03, "BTC-USD", state).holds  # ... beyond a 3% band
    assert not measure("ALLOCATION_DRIFT", 0.07, None, state).holds  # nothing is 7% out


def test_a_held_asset_without_target_drifts_by_all_its_weight() -> None:
    reading = measure(
        "ALLOCATION_DRIFT", None, None, _state(BTC_USD=0.45, ETH_USD=0.3, USD=0.15, SOL_USD=0.1)
    )
    assert reading.holds and reading.text.startswith("SOL-USD is 10.0% against a 0.0% target")


def test_drift_never_holds_without_targets_or_value() -> None:
    bare = State(100.0, {"BTC-USD": 1.0}, {}, 0.05, NO_BASELINE)
    assert not measure("ALLOCATION_DRIFT", None, None, bare).holds
    assert not measure("ALLOCATION_DRIFT", None, None, _state(0.0)).holds


def test_drawdown_from_the_peak_of_the_daily_values_or_the_live_value() -> None:
    baseline = Baseline(peak=120_000.0, close=110_000.0, var_return=-0.03)
    state = State(102_000.0, {}, {}, 0.05, baseline)
    reading = measure("DRAWDOWN_BELOW", -10.0, None, state)
    assert reading.measured == pytest.approx(-15.0) and reading.holds  # 102/120 - 1
    assert not measure("DRAWDOWN_BELOW", -20.0, None, state).holds
    above_peak = State(130_000.0, {}, {}, 0.05, baseline)
    assert measure("DRAWDOWN_BELOW", -1.0, None, above_peak).measured == 0.0  # a new peak


def test_var_breach_is_the_change_since_the_last_close_beyond_var95_on_the_live_value() -> None:
    baseline = Baseline(peak=120_000.0, close=110_000.0, var_return=-0.03)
    breach = measure("VAR_BREACH", None, None, State(106_000.0, {}, {}, 0.05, baseline))
    # var95 = -3% x 106,000 = -3,180; the day's change is -4,000
    assert breach.holds and breach.level == pytest.approx(-3_180.0) and breach.measured == -4_000.0
    assert not measure("VAR_BREACH", None, None, State(108_000.0, {}, {}, 0.05, baseline)).holds
    assert not measure("VAR_BREACH", None, None, State(1.0, {}, {}, 0.05, NO_BASELINE)).holds


def test_value_above_and_below() -> None:
    assert measure("VALUE_ABOVE", 100_000.0, None, _state(100_000.0)).holds  # at the level counts
    assert not measure("VALUE_BELOW", 100_000.0, None, _state(100_000.0)).holds
    assert measure("VALUE_BELOW", 100_000.0, None, _state(99_999.0)).holds


def _rule(frequency: str = "EVERY_TIME", cooldown: float = 0.0, **fields: object) -> PortfolioRule:
    defaults: dict[str, object] = {"expires_at": None, "armed": True, "last_fired": None}
    defaults.update(fields)
    return PortfolioRule(1, 7, "VALUE_BELOW", 100.0, None, frequency, cooldown, **defaults)  # type: ignore[arg-type]


def _judge(rule: PortfolioRule, value: float, at: datetime) -> Judged:
    judged = Judged()
    judge([rule], State(value, {}, {}, 0.05, NO_BASELINE), at, judged)
    return judged


def test_a_rule_fires_once_per_breach_and_re_arms_when_it_clears() -> None:
    rule = _rule()
    assert [r.alert_id for r, _ in _judge(rule, 90.0, NOW).fired] == [1]
    assert _judge(rule, 80.0, NOW + timedelta(seconds=1)).fired == []  # still below: no second firing
    assert _judge(rule, 110.0, NOW + timedelta(seconds=2)).rearmed == [1]
    assert len(_judge(rule, 95.0, NOW + timedelta(seconds=3)).fired) == 1


def test_a_breach_inside_the_cooldown_is_skipped_and_must_clear_again() -> None:
    rule = _rule(cooldown=60.0)
    assert len(_judge(rule, 90.0, NOW).fired) == 1
    _judge(rule, 110.0, NOW + timedelta(seconds=10))
    assert _judge(rule, 90.0, NOW + timedelta(seconds=20)).fired == []  # cooling down
    assert _judge(rule, 90.0, NOW + timedelta(seconds=90)).fired == []  # that breach was spent
    _judge(rule, 110.0, NOW + timedelta(seconds=100))
    assert len(_judge(rule, 90.0, NOW + timedelta(seconds=110)).fired) == 1


def test_a_disarmed_rule_from_its_row_does_not_fire_again_after_a_restart() -> None:
    assert _judge(_rule(armed=False, last_fired=NOW), 90.0, NOW + timedelta(hours=1)).fired == []


def test_an_expired_rule_is_reported_not_judged() -> None:
    judged = _judge(_rule(expires_at=NOW), 90.0, NOW)
    assert judged.expired == [1] and judged.fired == []
