"""The risk maths: each function against hand-computed cases, scipy/numpy closed forms and a brute-force
drawdown walk, and on the edges (empty, constant, no downside, NaNs)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

from app.quant import risk

NAN = math.nan
R = np.array([-0.01, 0.01, 0.03])  # mean 0.01, sample std 0.02, one loss of 0.01
SAMPLE = np.random.default_rng(7).normal(0.001, 0.02, 2000)


def test_returns_from_marks() -> None:
    assert risk.simple_returns([100.0, 110.0, 99.0, 99.0]) == pytest.approx([0.1, -0.1, 0.0])
    assert risk.log_returns([100.0, 200.0, 100.0]) == pytest.approx([math.log(2), -math.log(2)])
    assert len(risk.simple_returns([5.0])) == 0 and len(risk.log_returns([])) == 0
    gap = risk.simple_returns([100.0, NAN, 120.0, 132.0])
    assert np.isnan(gap[:2]).all() and gap[2] == pytest.approx(0.1)
    with pytest.raises(ValueError, match="1-D"):
        risk.simple_returns([[1.0, 2.0]])


def test_risk_free_is_compounded_per_period() -> None:
    assert risk.periodic_rate(0.05, 365) == pytest.approx(1.05 ** (1 / 365) - 1, rel=1e-15)
    assert risk.periodic_rate(0.0, 365) == 0.0
    returns = np.array([0.01, 0.02])
    assert risk.excess_returns(returns, 365) is returns
    assert risk.excess_returns(returns, 1, 0.01) == pytest.approx([0.0, 0.01])


def test_total_return_and_cagr() -> None:
    assert risk.total_return([100.0, 50.0, 150.0]) == pytest.approx(0.5)
    assert risk.total_return([100.0]) == 0.0 and math.isnan(risk.total_return([]))
    assert risk.cagr([100.0, 110.0, 121.0], 1) == pytest.approx(0.1)
    assert risk.cagr([100.0] + [0.0] * 3 + [400.0], 2) == pytest.approx(1.0)  # 2 years, 4x
    assert risk.cagr([100.0, 25.0], 0.5) == pytest.approx(-0.5)  # half a period per year: two years
    for flat_or_gone in ([100.0], [], [100.0, 0.0], [100.0, -5.0]):
        assert math.isnan(risk.cagr(flat_or_gone, 365))
    # NaN ends take the nearest known mark; the count of bars (time) stays.
    assert risk.cagr([NAN, 100.0, 110.0, 121.0, NAN], 4) == pytest.approx(0.21)
    assert math.isnan(risk.total_return([NAN, NAN]))


def test_cagr_matches_quantstats_years_from_the_return_count() -> None:
    marks = 100.0 * np.cumprod(1.0 + SAMPLE)
    returns = risk.simple_returns(np.concatenate(([100.0], marks)))
    quantstats = np.prod(1.0 + returns) ** (1.0 / (len(returns) / 365)) - 1.0
    assert risk.cagr(np.concatenate(([100.0], marks)), 365) == pytest.approx(quantstats, rel=1e-9)


def test_volatility() -> None:
    assert risk.volatility(R, 4) == pytest.approx(0.04)
    assert risk.volatility(SAMPLE, 252) == pytest.approx(np.std(SAMPLE, ddof=1) * math.sqrt(252), rel=1e-12)
    assert risk.volatility([0.1] * 7, 365) == 0.0  # numpy's std leaves ~1e-17 here
    assert math.isnan(risk.volatility([0.01], 365)) and math.isnan(risk.volatility([], 365))
    assert risk.volatility([-0.01, NAN, 0.01, 0.03], 4) == pytest.approx(0.04)


def test_sharpe() -> None:
    assert risk.sharpe(R, 4) == pytest.approx(1.0)
    rf = risk.periodic_rate(0.05, 365)
    assert risk.sharpe(SAMPLE, 365, 0.05) == pytest.approx(
        (SAMPLE - rf).mean() / (SAMPLE - rf).std(ddof=1) * math.sqrt(365), rel=1e-12
    )
    assert risk.sharpe([0.0, 0.02], 1, risk_free=0.01) == pytest.approx(0.0, abs=1e-15)
    for undefined in ([], [0.01], [0.1] * 7, [NAN, NAN], [0.0] * 3):
        assert math.isnan(risk.sharpe(undefined, 365))
    assert risk.sharpe([NAN, -0.01, 0.01, NAN, 0.03], 4) == pytest.approx(1.0)


def test_sortino_uses_the_downside_deviation_over_all_periods() -> None:
    assert risk.downside_deviation([-0.03, 0.01, 0.04, 0.0]) == pytest.approx(0.015)
    assert risk.sortino(R, 4) == pytest.approx(2 * math.sqrt(3))
    # QuantStats: sqrt(sum(r[r < 0] ** 2) / len(r)) with r the excess returns.
    rf = risk.periodic_rate(0.03, 365)
    excess = SAMPLE - rf
    downside = math.sqrt((excess[excess < 0] ** 2).sum() / len(excess))
    expected = excess.mean() / downside * math.sqrt(365)
    assert risk.sortino(SAMPLE, 365, 0.03) == pytest.approx(expected, rel=1e-12)
    assert math.isnan(risk.sortino([0.01, 0.02, 0.0], 365))  # no downside
    assert math.isnan(risk.sortino([], 365)) and math.isnan(risk.downside_deviation([NAN]))
    assert risk.sortino([-0.02, -0.02], 1) == pytest.approx(-1.0)  # constant losses: mean / |loss|
    assert risk.sortino([0.01, 0.01], 1, risk_free=0.02) == pytest.approx(-1.0)  # below the risk-free rate


def test_drawdowns_of_a_hand_curve() -> None:
    marks = [100.0, 75.0, 100.0, 87.5, 95.0, 99.0, 100.0, 90.0]
    assert risk.drawdown_series(marks) == pytest.approx([0, -0.25, 0, -0.125, -0.05, -0.01, 0, -0.1])
    assert risk.max_drawdown(marks) == -0.25
    summary = risk.drawdown_summary(marks)
    assert summary.max_drawdown == -0.25
    assert summary.deepest == risk.Drawdown(-0.25, 0, 1, 2, 1)
    assert summary.longest == risk.Drawdown(-0.125, 2, 3, 6, 3)
    unrecovered = risk.drawdown_summary([10.0, 12.0, 9.0, 11.0, 8.0, 11.0])
    assert unrecovered.deepest == unrecovered.longest == risk.Drawdown(8 / 12 - 1, 1, 4, None, 4)


def test_drawdown_edges() -> None:
    for never_below in ([], [5.0], [1.0, 2.0, 2.0, 3.0], [NAN, NAN]):
        assert risk.max_drawdown(never_below) == 0.0
        assert risk.drawdown_summary(never_below) == risk.Drawdowns(0.0, None, None)
    # Equal to the peak is not below it; the first of equal troughs and equal lengths counts.
    ties = risk.drawdown_summary([4.0, 2.0, 4.0, 2.0, 4.0])
    assert ties.deepest == ties.longest == risk.Drawdown(-0.5, 0, 1, 2, 1)
    assert risk.drawdown_summary([4.0, 3.0, 2.0, 2.0, 3.0]).deepest == risk.Drawdown(-0.5, 0, 2, None, 4)
    assert np.isnan(risk.drawdown_series([NAN, NAN])).all()


def test_nan_marks_are_carried_forward() -> None:
    gappy = [NAN, 100.0, 120.0, NAN, 90.0, NAN, 130.0, NAN]
    filled = [100.0, 100.0, 120.0, 120.0, 90.0, 90.0, 130.0, 130.0]
    assert risk.drawdown_series(gappy) == pytest.approx(risk.drawdown_series(filled))
    assert risk.drawdown_summary(gappy) == risk.drawdown_summary(filled)
    assert risk.drawdown_summary(gappy).deepest == risk.Drawdown(-0.25, 3, 4, 6, 2)  # bar 3 carries the peak


def _walk(marks: list[float]) -> tuple[float, list[tuple[int, int, int | None, int]]]:
    """The maximum drawdown and the (peak, trough, recovery, bars) stretches, by walking the marks."""
    worst, stretches, peak_at = 0.0, [], 0
    for i, mark in enumerate(marks):
        if mark >= marks[peak_at]:
            if i - peak_at > 1:
                low = min(range(peak_at + 1, i), key=lambda j: (marks[j], j))
                stretches.append((peak_at, low, i, i - peak_at - 1))
            peak_at = i
        worst = min(worst, mark / marks[peak_at] - 1.0)
    if len(marks) - peak_at > 1:
        low = min(range(peak_at + 1, len(marks)), key=lambda j: (marks[j], j))
        stretches.append((peak_at, low, None, len(marks) - peak_at - 1))
    return worst, stretches


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(1.0, 100.0), max_size=40))
def test_drawdown_summary_equals_a_walk(marks: list[float]) -> None:
    worst, stretches = _walk(marks)
    summary = risk.drawdown_summary(marks)
    assert summary.max_drawdown == worst == risk.max_drawdown(marks)
    if not stretches:
        assert summary.deepest is None and summary.longest is None
        return
    longest = max(stretches, key=lambda s: s[3])  # max keeps the first of equals
    assert summary.longest is not None
    got = summary.longest
    assert (got.peak, got.trough, got.recovery, got.bars) == longest
    assert got.depth == marks[got.trough] / marks[got.peak] - 1.0
    assert summary.deepest is not None and summary.deepest.depth == worst


def test_calmar() -> None:
    assert risk.calmar([100.0, 80.0, 100.0, 121.0], 3) == pytest.approx(1.05)
    assert math.isnan(risk.calmar([100.0, 110.0, 121.0], 1))  # no drawdown
    assert math.isnan(risk.calmar([], 365))
    assert risk.calmar([100.0, 50.0], 1) == pytest.approx(-1.0)  # CAGR -50% over a 50% drawdown


def test_historical_var_and_cvar() -> None:
    r = [-0.04, -0.02, 0.0, 0.02, 0.04]
    assert risk.historical_var(r, 0.75) == pytest.approx(0.02)
    assert risk.historical_cvar(r, 0.75) == pytest.approx(0.03)
    # Between order statistics: 10% of the way from -0.04 to -0.02 at the 0.1 level (position 0.4).
    assert risk.historical_var(r, 0.9) == pytest.approx(0.032)
    assert risk.historical_cvar(r, 0.9) == pytest.approx(0.04)
    assert risk.historical_var(SAMPLE, 0.99) == pytest.approx(-np.percentile(SAMPLE, 1), rel=1e-12)
    tail = SAMPLE[np.less_equal(SAMPLE, np.percentile(SAMPLE, 5))]
    assert risk.historical_cvar(SAMPLE, 0.95) == pytest.approx(-tail.mean(), rel=1e-12)
    assert risk.historical_cvar(SAMPLE, 0.95) >= risk.historical_var(SAMPLE, 0.95)
    assert risk.historical_var([0.01, 0.02, 0.03], 0.5) == pytest.approx(-0.02)  # a gain: negative
    assert risk.historical_var([0.01] * 4) == pytest.approx(-0.01)
    assert risk.historical_var([NAN, -0.04, -0.02, 0.0, 0.02, 0.04, NAN], 0.75) == pytest.approx(0.02)
    assert math.isnan(risk.historical_var([])) and math.isnan(risk.historical_cvar([NAN]))


def test_parametric_var_and_cvar_against_scipy() -> None:
    mu, sigma = float(SAMPLE.mean()), float(SAMPLE.std(ddof=1))
    for level in (0.9, 0.95, 0.99):
        var = risk.parametric_var(SAMPLE, level)
        assert var == pytest.approx(-stats.norm.ppf(1 - level, mu, sigma), rel=1e-9)
        cvar = risk.parametric_cvar(SAMPLE, level)
        # Expected Shortfall as the integral of the quantile function over the tail.
        tail_mean, _ = integrate.quad(lambda p: stats.norm.ppf(p, mu, sigma), 0, 1 - level)
        assert cvar == pytest.approx(-tail_mean / (1 - level), rel=1e-7)
        assert cvar > var
    r = [-0.04, -0.02, 0.0, 0.02, 0.04]
    assert risk.parametric_var(r) == pytest.approx(stats.norm.ppf(0.95) * math.sqrt(0.001))
    assert risk.parametric_var([0.01] * 4) == pytest.approx(-0.01)  # no spread: minus the mean
    assert risk.parametric_cvar([-0.02, -0.02]) == pytest.approx(0.02)
    for too_few in ([], [0.01], [NAN, 0.01]):
        assert math.isnan(risk.parametric_var(too_few)) and math.isnan(risk.parametric_cvar(too_few))


@pytest.mark.parametrize(
    "fn", [risk.historical_var, risk.historical_cvar, risk.parametric_var, risk.parametric_cvar]
)
@pytest.mark.parametrize("confidence", [0.0, 1.0, 95.0, -0.5])
def test_confidence_must_be_a_probability(fn: object, confidence: float) -> None:
    with pytest.raises(ValueError, match="confidence"):
        fn([], confidence)  # type: ignore[operator]


def test_beta_and_correlation() -> None:
    r, b = [0.03, -0.01, 0.01, -0.01], [0.01, -0.01, 0.01, -0.01]
    assert risk.beta(r, b) == pytest.approx(1.5)
    assert risk.correlation(r, b) == pytest.approx(6 / math.sqrt(44))
    bench = np.random.default_rng(11).normal(0, 0.01, len(SAMPLE))
    mixed = 0.7 * bench + SAMPLE
    assert risk.beta(mixed, bench) == pytest.approx(stats.linregress(bench, mixed).slope, rel=1e-9)
    assert risk.correlation(mixed, bench) == pytest.approx(np.corrcoef(mixed, bench)[0, 1], rel=1e-12)
    assert risk.beta(2 * bench, bench) == pytest.approx(2.0)
    assert risk.correlation(-bench, bench) == -1.0
    assert risk.beta([*r, NAN, 0.5], [*b, 0.2, NAN]) == pytest.approx(1.5)  # unpaired values dropped
    for undefined in (([], []), ([0.01], [0.02]), ([0.01, 0.02], [0.01, 0.01])):
        assert math.isnan(risk.beta(*undefined)) and math.isnan(risk.correlation(*undefined))
    assert math.isnan(risk.correlation([0.1] * 7, [0.01, 0.02] * 3 + [0.0]))
    with pytest.raises(ValueError, match="length"):
        risk.beta([0.01, 0.02], [0.01])


# QuantStats 0.0.86 on the series below (daily index, periods=365), recorded once in a scratch environment:
# the package is not a dev dependency because it pulls in yfinance and seaborn for plots and downloads.
QUANTSTATS = {
    "volatility": 0.3799346387761955,
    "sharpe": 0.8043648801371097,
    "sharpe rf 5%": 0.6759390398304869,
    "sortino": 1.174101598089902,
    "sortino rf 5%": 0.9812952873883523,
    "cagr": 0.26292718685404903,
    "max_drawdown": -0.3494288771994071,
    "calmar": 0.7524483636308212,
    "value_at_risk": -0.031873413781153666,
    "beta": 1.0278448809651883,
    "longest drawdown days": 216,
}


def test_matches_quantstats() -> None:
    rng = np.random.default_rng(5)
    r = rng.normal(0.0008, 0.02, 1000)
    b = 0.5 * r + rng.normal(0, 0.01, 1000)
    marks = np.concatenate(([1.0], np.cumprod(1 + r)))  # QuantStats compounds returns from 1
    ours = {
        "volatility": risk.volatility(r, 365),
        "sharpe": risk.sharpe(r, 365),
        "sharpe rf 5%": risk.sharpe(r, 365, 0.05),
        "sortino": risk.sortino(r, 365),
        "sortino rf 5%": risk.sortino(r, 365, 0.05),
        "cagr": risk.cagr(marks, 365),
        "max_drawdown": risk.max_drawdown(marks),
        "calmar": risk.calmar(marks, 365),
        "value_at_risk": -risk.parametric_var(r, 0.95),  # QuantStats reports the loss as a negative return
        "beta": risk.beta(r, b),
    }
    longest = risk.drawdown_summary(marks).longest
    assert longest is not None
    ours["longest drawdown days"] = longest.bars
    assert ours == pytest.approx(QUANTSTATS, rel=1e-9)
