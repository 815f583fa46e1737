"""Risk of the current holdings: a hand-computed case, numpy cross-checks on random data, gaps and edges."""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pytest

from app.quant import risk
from app.quant.portfolio.holdings_risk import (
    ExtendedRisk,
    RiskMetrics,
    carried_closes,
    extended_risk,
    risk_metrics,
    value_series,
)

NAN = math.nan
# Two assets over 6 days, quantities 2 A and 10 B.
QUANTITIES = [2.0, 10.0]
CLOSES = [
    [250.0, 50.0],  # V = 2 * 250 + 10 * 50 = 1000
    [275.0, 55.0],  # 550 + 550 = 1100     r = +0.10
    [295.0, 40.0],  # 590 + 400 = 990      r = -0.10
    [294.5, 50.0],  # 589 + 500 = 1089     r = +0.10
    [265.05, 45.0],  # 530.1 + 450 = 980.1  r = -0.10
    [239.055, 60.0],  # 478.11 + 600 = 1078.11  r = +0.10
]


def _random_closes(seed: int, days: int, assets: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    steps = rng.normal(0.0005, 0.03, (days, assets)) + rng.normal(0, 0.02, (days, 1))  # a common factor
    return 100.0 * np.exp(np.cumsum(steps, axis=0))


def test_the_hand_computed_case_pins_every_metric() -> None:
    values = value_series(QUANTITIES, CLOSES)
    assert values == pytest.approx([1000.0, 1100.0, 990.0, 1089.0, 980.1, 1078.11], rel=1e-12)
    m = risk_metrics(values, total_value=10_000.0, risk_free=0.05)
    # mean(r) = 0.1 / 5 = 0.02; deviations .08 -.12 .08 -.12 .08; sum of squares 3 * .0064 + 2 * .0144 = .048;
    # sample variance .048 / 4 = .012; volatility sqrt(.012) * sqrt(365) = sqrt(4.38) = 2.0928...
    assert m.volatility == pytest.approx(math.sqrt(4.38), rel=1e-12)
    # Sharpe: (.02 * 365 - .05) / sqrt(4.38) = 7.25 / 2.0928... = 3.4642...
    assert m.sharpe_ratio == pytest.approx(7.25 / math.sqrt(4.38), rel=1e-12)
    # Sorted returns -.1 -.1 .1 .1 .1: the 5th percentile sits at position .05 * 4 = .2, between -.1 and -.1.
    assert m.var95 == pytest.approx(-0.1 * 10_000.0, rel=1e-12)
    # Peak 1100 from day 1 on; the lowest value after it is 980.1: 980.1 / 1100 - 1 = -.109 -> -10.9%.
    assert m.max_drawdown == pytest.approx(-10.9, rel=1e-12)
    assert m == RiskMetrics(m.var95, m.max_drawdown, m.sharpe_ratio, m.volatility)


def test_risk_metrics_against_numpy_on_random_data() -> None:
    closes = _random_closes(3, 200, 3)
    quantities = np.array([0.5, 3.0, 12.0])
    values = value_series(quantities, closes)
    assert values == pytest.approx((closes * quantities).sum(axis=1), rel=1e-12)
    r = values[1:] / values[:-1] - 1.0
    total = float(values[-1])
    for rf, ppy in ((0.0, 365), (0.04, 365), (0.02, 252)):
        m = risk_metrics(values, total, risk_free=rf, periods_per_year=ppy)
        vol = r.std(ddof=1) * math.sqrt(ppy)
        assert m.volatility == pytest.approx(vol, rel=1e-12)
        assert m.sharpe_ratio == pytest.approx((r.mean() * ppy - rf) / vol, rel=1e-12)
        assert m.var95 == pytest.approx(np.percentile(r, 5) * total, rel=1e-12)
        peak = np.maximum.accumulate(values)
        assert m.max_drawdown == pytest.approx(((values / peak) - 1.0).min() * 100.0, rel=1e-12)
    # With no risk-free rate the arithmetic Sharpe is the risk module's.
    assert risk_metrics(values, total).sharpe_ratio == pytest.approx(risk.sharpe(r, 365), rel=1e-12)


def test_missing_closes_are_carried_forward_and_back_filled() -> None:
    gappy = [
        [NAN, 10.0, 1.0],
        [NAN, NAN, 1.0],
        [100.0, 12.0, NAN],
        [NAN, 11.0, 1.0],
        [90.0, NAN, NAN],
    ]
    filled = [
        [100.0, 10.0, 1.0],  # A has no close yet: back-filled with its first, 100
        [100.0, 10.0, 1.0],
        [100.0, 12.0, 1.0],
        [100.0, 11.0, 1.0],
        [90.0, 11.0, 1.0],
    ]
    assert carried_closes(gappy).tolist() == filled
    assert value_series([1.0, 2.0, 50.0], gappy).tolist() == [170.0, 170.0, 174.0, 172.0, 162.0]
    assert carried_closes(filled).tolist() == filled
    assert value_series([1.0], np.empty((0, 1))).tolist() == []


def test_an_asset_without_any_close_and_bad_shapes_are_errors() -> None:
    with pytest.raises(ValueError, match=r"\[1\]"):
        value_series([1.0, 1.0], [[1.0, NAN], [2.0, NAN]])
    with pytest.raises(ValueError, match="shape"):
        value_series([1.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="quantities"):
        value_series([1.0, 2.0], [[1.0], [2.0]])
    with pytest.raises(ValueError, match="repeat"):
        extended_risk(["A", "A"], [1.0, 1.0], [[1.0, 1.0], [2.0, 2.0]], None, 2.0)
    with pytest.raises(ValueError, match="symbols"):
        extended_risk(["A"], [1.0, 1.0], [[1.0, 1.0], [2.0, 2.0]], None, 2.0)


def test_a_constant_series_has_zero_volatility_and_no_sharpe() -> None:
    m = risk_metrics([500.0] * 6, total_value=500.0)
    assert m.volatility == 0.0 and math.isnan(m.sharpe_ratio)
    assert m.var95 == 0.0 and m.max_drawdown == 0.0
    e = extended_risk(["USDT"], [500.0], [[1.0]] * 6, [1.0] * 6, 500.0)
    assert math.isnan(e.sortino_ratio) and math.isnan(e.calmar_ratio)
    assert e.parametric_var95 == 0.0 and e.cvar95 == 0.0 and e.parametric_cvar95 == 0.0
    assert math.isnan(e.beta) and math.isnan(e.correlation)
    assert e.asset_volatility == {"USDT": 0.0} and math.isnan(e.risk_contribution["USDT"])
    assert math.isnan(e.correlation_matrix["USDT"]["USDT"]) and e.concentration_hhi == 1.0


def test_too_few_values_give_nan() -> None:
    for values in ([], [100.0], [100.0, 101.0]):
        m = risk_metrics(values, 100.0)
        assert math.isnan(m.volatility) and math.isnan(m.sharpe_ratio)
    assert math.isnan(risk_metrics([], 100.0).var95) and math.isnan(risk_metrics([], 100.0).max_drawdown)
    assert risk_metrics([100.0], 100.0).max_drawdown == 0.0
    assert risk_metrics([100.0, 90.0], 1000.0).var95 == pytest.approx(
        -100.0
    )  # one return is its own quantile
    e = extended_risk(["A", "B"], [1.0, 1.0], [[1.0, 2.0], [1.1, 2.1]], [1.0, 1.1], 3.2)
    assert math.isnan(e.parametric_var95) and math.isnan(e.risk_contribution["A"])
    assert math.isnan(e.correlation_matrix["A"]["B"]) and math.isnan(e.beta)


def test_days_without_value_have_no_return() -> None:
    # 100 -> 0 -> 0 -> 110 -> 99: only the last return (-10%) is observed; the drawdown carries 100 over.
    m = risk_metrics([100.0, 0.0, 0.0, 110.0, 99.0], total_value=1000.0)
    assert m.var95 == pytest.approx(-100.0) and m.max_drawdown == pytest.approx(-10.0)
    assert math.isnan(m.volatility)
    nothing = risk_metrics(value_series([], np.zeros((5, 0))), total_value=0.0)
    assert all(
        math.isnan(x) for x in (nothing.var95, nothing.max_drawdown, nothing.sharpe_ratio, nothing.volatility)
    )
    e = extended_risk([], [], np.zeros((5, 0)), [1.0, 2.0, 3.0, 4.0, 5.0], 0.0)
    assert e.asset_volatility == e.risk_contribution == e.correlation_matrix == {}
    assert math.isnan(e.beta) and math.isnan(e.concentration_hhi) and math.isnan(e.parametric_var95)


def test_extended_risk_against_numpy_on_random_data() -> None:
    closes = _random_closes(5, 250, 4)
    closes[[10, 11, 40], 2] = NAN  # gaps, carried forward
    closes[:5, 3] = NAN  # listed on day 5, back-filled
    bench_closes = _random_closes(6, 250, 1)[:, 0]
    bench_closes[100] = NAN
    quantities = np.array([1.0, 2.5, 0.3, 7.0])
    symbols = ["BTC-USD", "ETH-USD", "SOL-USD", "XRP-USD"]
    total, rf = 12_345.0, 0.03
    e = extended_risk(symbols, quantities, closes, bench_closes, total, risk_free=rf)
    assert isinstance(e, ExtendedRisk)

    filled = carried_closes(closes)
    values = filled @ quantities
    r = values[1:] / values[:-1] - 1.0
    mu, sd = r.mean(), r.std(ddof=1)
    z = NormalDist().inv_cdf(0.95)
    assert z == pytest.approx(1.644854, abs=1e-6)
    assert e.parametric_var95 == pytest.approx((mu - z * sd) * total, rel=1e-12)
    assert e.cvar95 == pytest.approx(r[r <= np.percentile(r, 5)].mean() * total, rel=1e-12)
    assert e.parametric_cvar95 == pytest.approx((mu - sd * NormalDist().pdf(z) / 0.05) * total, rel=1e-12)
    assert e.cvar95 <= risk_metrics(values, total).var95 < 0
    downside = math.sqrt(np.mean(np.minimum(r, 0.0) ** 2))
    assert e.sortino_ratio == pytest.approx((mu * 365 - rf) / (downside * math.sqrt(365)), rel=1e-12)
    assert extended_risk(symbols, quantities, closes, None, total).sortino_ratio == pytest.approx(
        risk.sortino(r, 365), rel=1e-12
    )
    cagr = (values[-1] / values[0]) ** (365 / (len(values) - 1)) - 1
    deepest = (values / np.maximum.accumulate(values) - 1.0).min()
    assert e.calmar_ratio == pytest.approx(cagr / abs(deepest), rel=1e-12)

    b = bench_closes[1:] / bench_closes[:-1] - 1.0
    both = ~np.isnan(b)  # the NaN close on day 100 drops the returns of days 99-100 and 100-101
    assert both.sum() == len(b) - 2
    assert e.beta == pytest.approx(np.cov(r[both], b[both])[0, 1] / b[both].var(ddof=1), rel=1e-12)
    assert e.correlation == pytest.approx(np.corrcoef(r[both], b[both])[0, 1], rel=1e-12)

    asset_returns = filled[1:] / filled[:-1] - 1.0
    for i, s in enumerate(symbols):
        assert e.asset_volatility[s] == pytest.approx(asset_returns[:, i].std(ddof=1) * math.sqrt(365))
    cov = np.cov(asset_returns.T)
    w = filled[-1] * quantities / values[-1]
    shares = w * (cov @ w) / (w @ cov @ w)
    assert list(e.risk_contribution) == symbols
    assert [e.risk_contribution[s] for s in symbols] == pytest.approx(shares, rel=1e-12)
    assert sum(e.risk_contribution.values()) == pytest.approx(1.0, abs=1e-12)
    corr = np.corrcoef(asset_returns.T)
    for i, s in enumerate(symbols):
        for j, t in enumerate(symbols):
            assert e.correlation_matrix[s][t] == pytest.approx(corr[i, j], rel=1e-12, abs=1e-15)
            assert e.correlation_matrix[s][t] == e.correlation_matrix[t][s]
        assert e.correlation_matrix[s][s] == 1.0
    assert e.concentration_hhi == pytest.approx(float((w**2).sum()), rel=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_risk_contributions_sum_to_one_and_hhi_is_bounded(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 8))
    symbols = [f"C{i}" for i in range(n)]
    closes = _random_closes(seed + 100, 60, n)
    quantities = rng.uniform(0.01, 10.0, n)
    e = extended_risk(symbols, quantities, closes, None, 1.0)
    assert sum(e.risk_contribution.values()) == pytest.approx(1.0, abs=1e-12)
    assert 1.0 / n - 1e-12 <= e.concentration_hhi <= 1.0 + 1e-12
    # Equal values in every asset: the lower bound 1/n.
    equal = extended_risk(symbols, 1.0 / closes[-1], closes, None, 1.0)
    assert equal.concentration_hhi == pytest.approx(1.0 / n, rel=1e-12)


def test_one_asset_is_fully_concentrated_and_carries_all_the_risk() -> None:
    closes = _random_closes(9, 40, 1)
    e = extended_risk(["ETH-USD"], [3.0], closes, None, 1.0)
    assert e.concentration_hhi == 1.0 and e.risk_contribution == {"ETH-USD": pytest.approx(1.0)}
    assert e.correlation_matrix == {"ETH-USD": {"ETH-USD": 1.0}}


def test_beta_of_the_benchmark_against_itself_is_one() -> None:
    btc = _random_closes(12, 90, 1)
    e = extended_risk(["BTC-USD"], [0.7], btc, btc[:, 0], 1.0)
    assert e.beta == pytest.approx(1.0, rel=1e-12) and e.correlation == pytest.approx(1.0, rel=1e-12)
    gappy = btc[:, 0].copy()
    gappy[[5, 30]] = NAN  # fewer pairs, the same slope
    e = extended_risk(["BTC-USD"], [0.7], btc, gappy, 1.0)
    assert e.beta == pytest.approx(1.0, rel=1e-12)
    assert math.isnan(extended_risk(["BTC-USD"], [0.7], btc, None, 1.0).beta)
    with pytest.raises(ValueError, match="length"):
        extended_risk(["BTC-USD"], [0.7], btc, btc[1:, 0], 1.0)
