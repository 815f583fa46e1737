"""The portfolio optimiser on real 2025 daily closes (the bundled Binance recordings): minimum variance
against scipy's SLSQP, maximum Sharpe against random portfolios, risk parity's equal contributions, bounds
for every method, the cleaning of solver residue, determinism and every OptimizeError path."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pytest
from scipy.optimize import minimize

from app.market.recordings import load
from app.quant.portfolio.optimizer import Method, OptimizeError, Proposal, _clean, optimize

SYMBOLS = ["BTC-USD", "ETH-USD", "BNB-USD", "SOL-USD", "XRP-USD"]
START, END = 1735689600, 1767225600  # 2025-01-01 and 2026-01-01 00:00 UTC: 366 closes, no gap


def _returns() -> np.ndarray:
    closes = []
    for symbol in SYMBOLS:
        candles = load(symbol, "1d")
        kept = (candles.ts >= START) & (candles.ts <= END)
        assert kept.sum() == 366 and (np.diff(candles.ts[kept]) == 86400).all()
        closes.append(candles.close[kept])
    prices = np.column_stack(closes)
    return prices[1:] / prices[:-1] - 1.0


R = _returns()  # (365, 5)
COV = np.cov(R, rowvar=False)
TRIO = [0, 1, 3]  # BTC, ETH, SOL: unbounded, every method puts more than 0.4 on one of them


def weights(p: Proposal) -> np.ndarray:
    return np.array(list(p.weights.values()))


def sharpe(w: np.ndarray, risk_free: float = 0.0) -> float:
    daily = R @ w
    return (daily.mean() * 365 - risk_free) / (daily.std(ddof=1) * math.sqrt(365))


def assert_feasible(p: Proposal, lo: np.ndarray, hi: np.ndarray) -> None:
    w = weights(p)
    assert abs(w.sum() - 1.0) <= 1e-9
    assert (w >= lo).all() and (w <= hi).all(), (w, lo, hi)


def slsqp_min_variance(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    n = len(lo)
    result = minimize(
        lambda w: w @ COV @ w,
        np.full(n, 1.0 / n),
        jac=lambda w: 2.0 * COV @ w,
        bounds=list(zip(lo, hi, strict=True)),
        constraints=[{"type": "eq", "fun": lambda w: w.sum() - 1.0, "jac": lambda w: np.ones(n)}],
        method="SLSQP",
        options={"ftol": 1e-15, "maxiter": 1000},
    )
    assert result.success
    return np.asarray(result.x)


@pytest.mark.parametrize(
    ("bounds", "default"),
    [({}, (0.0, 1.0)), ({"SOL-USD": (0.05, 0.4), "BTC-USD": (0.1, 0.4)}, (0.0, 0.4))],
    ids=["unbounded", "bounded"],
)
def test_min_variance_matches_slsqp(
    bounds: Mapping[str, tuple[float, float]], default: tuple[float, float]
) -> None:
    p = optimize(SYMBOLS, R, Method.MIN_VARIANCE, bounds=bounds, default_bounds=default)
    lo = np.array([bounds.get(s, default)[0] for s in SYMBOLS])
    hi = np.array([bounds.get(s, default)[1] for s in SYMBOLS])
    assert_feasible(p, lo, hi)
    assert weights(p) == pytest.approx(slsqp_min_variance(lo, hi), abs=1e-4)
    if bounds:  # the caps bind: unbounded, BTC takes 0.80 and SOL nothing
        assert p.weights["BTC-USD"] == 0.4 and p.weights["SOL-USD"] == 0.05  # put on them by the cleaning


@pytest.mark.parametrize(("cap", "risk_free"), [(1.0, 0.0), (0.4, 0.0), (0.4, 0.05)])
def test_max_sharpe_beats_equal_weights_and_200_random_portfolios(cap: float, risk_free: float) -> None:
    p = optimize(SYMBOLS, R, Method.MAX_SHARPE, default_bounds=(0.0, cap), risk_free=risk_free)
    assert_feasible(p, np.zeros(5), np.full(5, cap))
    assert p.sharpe_ratio == pytest.approx(sharpe(weights(p), risk_free), rel=1e-12)
    rng = np.random.default_rng(2025)
    candidates = [np.full(5, 0.2)]
    while len(candidates) < 201:
        w = rng.dirichlet(np.ones(5))
        if w.max() <= cap:
            candidates.append(w)
    best_other = max(sharpe(w, risk_free) for w in candidates)
    assert p.sharpe_ratio >= best_other - 1e-9


def test_risk_parity_equalises_risk_contributions_when_unbounded() -> None:
    w = weights(optimize(SYMBOLS, R, Method.RISK_PARITY))
    contributions = w * (COV @ w)
    assert contributions == pytest.approx(np.full(5, contributions.mean()), rel=1e-4)
    assert (w > 0.1).all()


def test_hrp_sums_to_one_and_respects_bounds() -> None:
    free = optimize(SYMBOLS, R, Method.HRP)
    assert_feasible(free, np.zeros(5), np.ones(5))
    assert (weights(free) > 0).all()
    bounds = {"BTC-USD": (0.0, 0.3), "SOL-USD": (0.15, 1.0)}  # unbounded BTC 0.42 and SOL 0.05
    p = optimize(SYMBOLS, R, Method.HRP, bounds=bounds)
    assert_feasible(p, np.array([0, 0, 0, 0.15, 0]), np.array([0.3, 1, 1, 1, 1]))
    assert p.weights["BTC-USD"] == pytest.approx(0.3, abs=1e-9)
    assert p.weights["SOL-USD"] == pytest.approx(0.15, abs=1e-9)


@pytest.mark.parametrize("method", list(Method))
def test_a_binding_cap_is_respected_by_every_method(method: Method) -> None:
    names = [SYMBOLS[i] for i in TRIO]
    free = weights(optimize(names, R[:, TRIO], method))
    assert free.max() > 0.4 + 1e-3
    p = optimize(names, R[:, TRIO], method, default_bounds=(0.0, 0.4))
    assert_feasible(p, np.zeros(3), np.full(3, 0.4))
    assert weights(p).max() == pytest.approx(0.4, abs=1e-9)


@pytest.mark.parametrize("method", list(Method))
def test_proposal_statistics_and_determinism(method: Method) -> None:
    p = optimize(SYMBOLS, R, method, risk_free=0.04)
    assert p == optimize(SYMBOLS, R, method, risk_free=0.04)
    assert p.method is method and list(p.weights) == SYMBOLS
    daily = R @ weights(p)
    assert p.expected_return == pytest.approx(daily.mean() * 365, rel=1e-12)
    assert p.volatility == pytest.approx(daily.std(ddof=1) * math.sqrt(365), rel=1e-12)
    assert p.sharpe_ratio == pytest.approx((p.expected_return - 0.04) / p.volatility, rel=1e-12)


@pytest.mark.parametrize("method", list(Method))
def test_bounds_that_leave_one_portfolio_and_excluded_assets(method: Method) -> None:
    only = optimize(SYMBOLS, R, method, default_bounds=(0.0, 0.2))  # the maximums add up to exactly 1
    assert weights(only) == pytest.approx(np.full(5, 0.2), abs=1e-12)
    assert abs(weights(only).sum() - 1.0) <= 1e-9
    without_bnb = optimize(SYMBOLS, R, method, bounds={"BNB-USD": (0.0, 0.0)})
    assert without_bnb.weights["BNB-USD"] == 0.0
    assert_feasible(without_bnb, np.zeros(5), np.array([1, 1, 0, 1, 1]))


def test_cleaning_puts_residue_on_the_bounds_and_keeps_the_sum() -> None:
    lo = np.array([0.0, 0.0, 0.1, 0.0])
    hi = np.array([1.0, 0.4, 1.0, 1.0])
    raw = np.array([-3e-10, 0.4000002, 0.0999999, 0.4999996])  # a tiny negative, a cap and a minimum missed
    assert _clean(raw, lo, hi).tolist() == pytest.approx([0.0, 0.4, 0.1, 0.5], abs=1e-15)
    near = _clean(np.array([4e-7, 0.3999995, 0.2, 0.3]), lo, hi)  # on 0 and the cap, then 0.1 to the others
    assert near.tolist() == pytest.approx([0.0, 0.4, 0.2 + 0.1 * 0.8 / 1.5, 0.3 + 0.1 * 0.7 / 1.5], abs=1e-15)
    assert near[0] == 0.0 and near[1] == 0.4
    full = _clean(np.array([0.0, 0.4, 0.4]), np.zeros(3), np.array([1.0, 0.4, 0.4]))  # only the zero has room
    assert full.tolist() == pytest.approx([0.2, 0.4, 0.4], abs=1e-15)
    for cleaned in (_clean(raw, lo, hi), near):
        assert abs(cleaned.sum() - 1.0) <= 1e-15 and (cleaned >= lo).all() and (cleaned <= hi).all()


X2 = R[:, :2]


@pytest.mark.parametrize(
    ("field", "symbols", "returns", "given"),
    [
        ("symbols", ["BTC-USD"], R[:, :1], {}),
        ("symbols", ["BTC-USD", "BTC-USD"], X2, {}),
        ("symbols", ["BTC-USD", "USDT-USD"], np.column_stack([R[:, 0], np.zeros(365)]), {}),
        ("returns", ["BTC-USD", "ETH-USD"], R[:, :3], {}),
        ("returns", ["BTC-USD", "ETH-USD"], R[:, 0], {}),
        ("returns", ["BTC-USD", "ETH-USD"], [[0.01, 0.02], [0.01]], {}),
        ("returns", ["BTC-USD", "ETH-USD"], np.where(np.eye(365, 2, dtype=bool), np.nan, X2), {}),
        ("lookbackDays", ["BTC-USD", "ETH-USD"], X2[:29], {}),
        ("method", ["BTC-USD", "ETH-USD"], X2, {"method": "MAX_RETURN"}),
        ("riskFree", ["BTC-USD", "ETH-USD"], X2, {"risk_free": math.inf}),
        ("riskFree", ["BTC-USD", "BNB-USD"], R[:, [0, 2]], {"method": Method.MAX_SHARPE, "risk_free": 1.0}),
        ("method", ["BTC-USD", "SOL-USD"], R[:, [0, 3]] - 0.01, {"method": Method.MAX_SHARPE}),
        ("bounds", ["BTC-USD", "ETH-USD"], X2, {"bounds": {"BTC-USD": (0.6, 0.5)}}),
        ("bounds", ["BTC-USD", "ETH-USD"], X2, {"bounds": {"BTC-USD": (-0.1, 0.5)}}),
        ("bounds", ["BTC-USD", "ETH-USD"], X2, {"bounds": {"BTC-USD": (0.0, 1.5)}}),
        ("bounds", ["BTC-USD", "ETH-USD"], X2, {"bounds": {"BTC-USD": (0.0, math.nan)}}),
        ("bounds", ["BTC-USD", "ETH-USD"], X2, {"bounds": {"BTC-USD": (0.5,)}}),
        ("bounds", ["BTC-USD", "ETH-USD"], X2, {"bounds": {"DOGE-USD": (0.0, 0.5)}}),
        ("bounds", ["BTC-USD", "ETH-USD"], X2, {"bounds": {"BTC-USD": (0.6, 1), "ETH-USD": (0.5, 1)}}),
        ("bounds", ["BTC-USD", "ETH-USD"], X2, {"default_bounds": (0.0, 0.45)}),
        ("defaultBounds", ["BTC-USD", "ETH-USD"], X2, {"default_bounds": (0.5, 0.2)}),
    ],
)
def test_each_error_names_its_field(field: str, symbols: list[str], returns: object, given: dict) -> None:
    options = dict(given)
    method = options.pop("method", Method.MIN_VARIANCE)
    with pytest.raises(OptimizeError) as raised:
        optimize(symbols, returns, method, **options)
    assert raised.value.field == field, str(raised.value)
    assert isinstance(raised.value, ValueError) and str(raised.value)


def test_error_messages_say_what_to_change() -> None:
    with pytest.raises(OptimizeError, match=r"minimum weights add up to 1\.1, more than 1"):
        optimize(SYMBOLS[:2], X2, Method.HRP, bounds={"BTC-USD": (0.6, 1), "ETH-USD": (0.5, 1)})
    with pytest.raises(OptimizeError, match=r"maximum weights add up to 0\.9, less than 1"):
        optimize(SYMBOLS[:2], X2, Method.HRP, default_bounds=(0.0, 0.45))
    with pytest.raises(OptimizeError, match=r"at best -?\d+\.\d\d% a year against 0\.00%"):
        optimize(["BTC-USD", "SOL-USD"], R[:, [0, 3]] - 0.01, Method.MAX_SHARPE)
