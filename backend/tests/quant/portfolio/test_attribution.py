"""Return attribution: a hand-computed two-day case, exact adding-up on random data, and the edges."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.quant.portfolio.attribution import Attribution, attribute

NAN = math.nan


def test_two_days_two_assets_by_hand() -> None:
    # Day 1: w = (.6, .4), r = (.10, 0):   R1 = .06,                B1 = .5 * .10 + .5 * 0 = .05
    # Day 2: w = (.7, .3), r = (-.10, .05): R2 = -.07 + .015 = -.055, B2 = -.05 + .025 = -.025
    a = attribute(["A", "B"], [[0.6, 0.4], [0.7, 0.3]], [[0.10, 0.0], [-0.10, 0.05]], [0.5, 0.5])
    assert isinstance(a, Attribution)
    assert a.portfolio_return == pytest.approx(1.06 * 0.945 - 1, abs=1e-15)  # .0017
    assert a.benchmark_return == pytest.approx(1.05 * 0.975 - 1, abs=1e-15)  # .02375
    assert a.excess_return == pytest.approx(0.0017 - 0.02375, abs=1e-15)  # -.02205
    # Carino: k1 = ln 1.06 / .06 = .971148, k2 = ln .945 / -.055 = 1.028552, K = ln 1.0017 / .0017 = .999151.
    k1, k2, k = math.log(1.06) / 0.06, math.log(0.945) / -0.055, math.log(1.0017) / 0.0017
    # Daily contributions w * r: A .06 then -.07, B 0 then .015.
    assert a.contribution["A"] == pytest.approx((k1 * 0.06 + k2 * -0.07) / k, abs=1e-14)  # -.013741
    assert a.contribution["B"] == pytest.approx(k2 * 0.015 / k, abs=1e-14)  # .015441
    assert a.contribution["A"] == pytest.approx(-0.013741388, abs=1e-9)
    # Daily allocation (w - b)(r - B): day 1 A .1 * .05 = .005, B -.1 * -.05 = .005 (sum .01 = R1 - B1);
    # day 2 A .2 * -.075 = -.015, B -.2 * .075 = -.015 (sum -.03 = R2 - B2).
    x1 = (math.log(1.06) - math.log(1.05)) / 0.01
    x2 = (math.log(0.945) - math.log(0.975)) / -0.03
    x = (math.log(1.0017) - math.log(1.02375)) / -0.02205
    expected = (x1 * 0.005 + x2 * -0.015) / x
    assert a.allocation_effect == {
        "A": pytest.approx(expected, abs=1e-14),
        "B": pytest.approx(expected, abs=1e-14),
    }
    assert expected == pytest.approx(-0.011025, abs=1e-9)
    assert sum(a.contribution.values()) == pytest.approx(a.portfolio_return, abs=1e-15)
    assert sum(a.allocation_effect.values()) == pytest.approx(a.excess_return, abs=1e-15)


def _case(seed: int, days: int, n: int) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    weights = rng.dirichlet(np.ones(n), days)
    returns = rng.normal(0.0, 0.05, (days, n)).clip(-0.9, 2.0)
    held_only = rng.random(n) < 0.3  # some held symbols have no target
    targets = np.where(held_only & (np.arange(n) > 0), 0.0, rng.random(n))
    return [f"S{i}" for i in range(n)], weights, returns, targets / targets.sum()


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 60), st.integers(1, 6))
def test_effects_add_up_to_the_totals(seed: int, days: int, n: int) -> None:
    symbols, weights, returns, targets = _case(seed, days, n)
    a = attribute(symbols, weights, returns, targets)
    assert a.portfolio_return == pytest.approx(np.prod(1 + (weights * returns).sum(axis=1)) - 1, abs=1e-12)
    assert a.benchmark_return == pytest.approx(np.prod(1 + returns @ targets) - 1, abs=1e-12)
    assert a.excess_return == a.portfolio_return - a.benchmark_return
    assert list(a.contribution) == list(a.allocation_effect) == symbols
    assert abs(sum(a.contribution.values()) - a.portfolio_return) <= 1e-12
    assert abs(sum(a.allocation_effect.values()) - a.excess_return) <= 1e-12


def test_weights_at_target_have_no_allocation_and_no_excess() -> None:
    symbols, _, returns, targets = _case(4, 30, 4)
    a = attribute(symbols, np.tile(targets, (30, 1)), returns, targets)
    assert a.excess_return == 0.0
    assert a.allocation_effect == dict.fromkeys(symbols, 0.0)
    assert sum(a.contribution.values()) == pytest.approx(a.portfolio_return, abs=1e-15)


def test_a_single_day_is_not_linked() -> None:
    symbols, weights, returns, targets = _case(8, 1, 5)
    a = attribute(symbols, weights, returns, targets)
    daily = (weights[0] * returns[0]).sum()
    bench = returns[0] @ targets
    assert a.portfolio_return == pytest.approx(daily, abs=1e-15)
    assert list(a.contribution.values()) == pytest.approx(weights[0] * returns[0], abs=1e-15)
    assert list(a.allocation_effect.values()) == pytest.approx(
        (weights[0] - targets) * (returns[0] - bench), abs=1e-15
    )


def test_a_flat_period_and_equal_returns_use_the_limits() -> None:
    # R = 0 over the period (1.1 * (1 / 1.1) = 1): K is its limit 1, and the effects still add up.
    a = attribute(["A", "B"], [[1.0, 0.0], [1.0, 0.0]], [[0.1, 0.0], [1 / 1.1 - 1, 0.0]], [0.5, 0.5])
    assert a.portfolio_return == pytest.approx(0.0, abs=1e-15)
    assert sum(a.contribution.values()) == pytest.approx(0.0, abs=1e-15)
    # Portfolio and benchmark equal on a day though the weights differ (both assets return 2%).
    b = attribute(["A", "B"], [[0.9, 0.1], [0.2, 0.8]], [[0.02, 0.02], [0.05, -0.01]], [0.5, 0.5])
    assert sum(b.allocation_effect.values()) == pytest.approx(b.excess_return, abs=1e-15)
    assert all(math.isfinite(v) for v in b.allocation_effect.values())
    # Nearly equal: the linking coefficient stays near its limit 1 / (1 + B) instead of cancelling.
    c = attribute(["A", "B"], [[0.5 + 1e-13, 0.5 - 1e-13]], [[0.3, -0.1]], [0.5, 0.5])
    assert c.excess_return == pytest.approx(4e-14, rel=1e-2)
    assert c.allocation_effect["A"] == pytest.approx(1e-13 * 0.2, rel=1e-6)


def test_days_without_value_are_left_out() -> None:
    weights = [[0.0, 0.0], [0.6, 0.4], [0.7, 0.3]]
    returns = [[0.5, -0.3], [0.10, 0.0], [-0.10, 0.05]]
    a = attribute(["A", "B"], weights, returns, [0.5, 0.5])
    b = attribute(["A", "B"], weights[1:], returns[1:], [0.5, 0.5])
    assert a == b
    empty = attribute(["A", "B"], [[0.0, 0.0]], [[0.1, 0.2]], [0.5, 0.5])
    assert empty == Attribution(0.0, 0.0, 0.0, {"A": 0.0, "B": 0.0}, {"A": 0.0, "B": 0.0})


def test_nan_returns_only_where_nothing_is_held_or_targeted() -> None:
    # C is neither held nor targeted on day 1 (not listed yet): its NaN counts as 0.
    weights = [[0.5, 0.5, 0.0], [0.4, 0.4, 0.2]]
    returns = [[0.01, 0.02, NAN], [0.03, -0.01, 0.05]]
    a = attribute(["A", "B", "C"], weights, returns, [0.5, 0.5, 0.0])
    assert sum(a.allocation_effect.values()) == pytest.approx(a.excess_return, abs=1e-15)
    with pytest.raises(ValueError, match="C"):
        attribute(["A", "B", "C"], [[0.4, 0.4, 0.2]], [[0.01, 0.02, NAN]], [0.5, 0.5, 0.0])
    with pytest.raises(ValueError, match="C"):
        attribute(["A", "B", "C"], [[0.5, 0.5, 0.0]], [[0.01, 0.02, NAN]], [0.4, 0.4, 0.2])


def test_sums_shapes_and_total_losses_are_checked() -> None:
    with pytest.raises(ValueError, match="targets"):
        attribute(["A", "B"], [[0.5, 0.5]], [[0.0, 0.0]], [0.5, 0.4])
    with pytest.raises(ValueError, match="day 1"):
        attribute(["A", "B"], [[0.5, 0.5], [0.5, 0.6]], [[0.0, 0.0]] * 2, [0.5, 0.5])
    with pytest.raises(ValueError, match="must be"):
        attribute(["A", "B"], [[0.5, 0.5]], [[0.0, 0.0, 0.0]], [0.5, 0.5])
    with pytest.raises(ValueError, match="repeat"):
        attribute(["A", "A"], [[0.5, 0.5]], [[0.0, 0.0]], [0.5, 0.5])
    with pytest.raises(ValueError, match="-100%"):
        attribute(["A", "B"], [[1.0, 0.0]], [[-1.0, 0.0]], [0.5, 0.5])
    # Sums off by float rounding are fine: rows and targets are divided by their sums.
    a = attribute(["A", "B", "C"], [[0.1, 0.2, 0.7 + 1e-9]], [[0.01, 0.02, 0.03]], [1 / 3] * 3)
    assert sum(a.allocation_effect.values()) == pytest.approx(a.excess_return, abs=1e-15)
