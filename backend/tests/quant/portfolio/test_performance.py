"""Time- and money-weighted returns against published worked examples (each re-derived by hand below),
closed forms, and the edges: deposits before a crash, full withdrawals, days worth nothing, short periods."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
from scipy.optimize import brentq

from app.quant.portfolio import performance
from app.quant.portfolio.performance import PERIODS, daily_twr_returns, mwr, period_start, twr, xirr

T0 = datetime(2021, 1, 1, tzinfo=UTC)
# 2021-01-01, 2022-01-01 and 2023-01-01 are 365 days apart: one year each under the 365-day count.
YEARS = [T0 + timedelta(days=365 * n) for n in range(5)]
NAN = math.nan


def test_cfa_one_share_example() -> None:
    # CFA Institute, CFA Program Level I, Quantitative Methods, "Rates and Returns" (before 2022 "Discounted
    # Cash Flow Applications"), money- vs time-weighted return: an investor buys a share at 100 at t = 0; at
    # t = 1 it pays a dividend of 2 and a second share is bought at 120; at t = 2 each share pays 2 and both
    # are sold at 130. Published: MWR 13.86%, TWR 15.84%. Re-derived:
    #   cash flows (investor's signs) -100, -(120 - 2) = -118, 2 * 130 + 2 * 2 = +264;
    #   with v = 1 / (1 + r): 264 v^2 - 118 v - 100 = 0, v = (118 + sqrt(118^2 + 4 * 264 * 100)) / 528
    #   = (118 + sqrt(119524)) / 528 = 0.878262, r = 1 / v - 1 = 0.138612;
    #   holding-period returns (120 + 2) / 100 - 1 = 22% and (260 + 4) / 240 - 1 = 10%,
    #   TWR = sqrt(1.22 * 1.10) - 1 = sqrt(1.342) - 1 = 0.158447 a year.
    mwr_closed = 528 / (118 + math.sqrt(119524)) - 1
    assert xirr(YEARS[:3], [-100.0, -118.0, 264.0]) == pytest.approx(mwr_closed, rel=1e-12)
    assert round(mwr_closed, 4) == 0.1386
    # As a portfolio: 100 in, worth 122 (share and dividend cash) a year on; then 118 in, worth 264.
    assert mwr(YEARS[0], 100.0, [(YEARS[1], 118.0)], YEARS[2], 264.0) == pytest.approx(mwr_closed, rel=1e-12)
    assert daily_twr_returns([122.0, 264.0], [100.0, 118.0]) == pytest.approx([0.22, 0.10])
    two_years = twr([122.0, 264.0], [100.0, 118.0])
    assert two_years == pytest.approx(0.342)
    assert round(math.sqrt(1 + two_years) - 1, 4) == 0.1584


def test_cfa_fund_inflow_example() -> None:
    # CFA Program Level I practice problem (Rates and Returns): a fund has 10 million at the start of year 1
    # and earns 14%; 100 million more come in at the start of year 2, which earns 8%. Published: MWR 8.53%,
    # below the TWR of 10.96%. Re-derived: end value 10 * 1.14 * 1.08 + 100 * 1.08 = 120.312;
    #   10 y^2 + 100 y - 120.312 = 0 (y = 1 + r): y = (-100 + sqrt(100^2 + 40 * 120.312)) / 20, r = 0.085327;
    #   TWR = sqrt(1.14 * 1.08) - 1 = 0.109595.
    closed = (-100 + math.sqrt(100**2 + 40 * 120.312)) / 20 - 1
    assert mwr(YEARS[0], 10.0, [(YEARS[1], 100.0)], YEARS[2], 120.312) == pytest.approx(closed, rel=1e-12)
    assert round(closed, 4) == 0.0853
    growth = twr([11.4, 120.312], [10.0, 100.0])
    assert round(math.sqrt(1 + growth) - 1, 4) == 0.1096


def test_two_period_deposit_at_the_boundary() -> None:
    # The standard illustration: 1,000,000 grows 10% to 1,100,000; 1,000,000 is added at the boundary and
    # the second period loses 5%: 2,100,000 * 0.95 = 1,995,000.
    #   TWR = 1.10 * 0.95 - 1 = 4.5%;
    #   MWR: 1e6 y^2 + 1e6 y - 1,995,000 = 0, y = (-1 + sqrt(1 + 4 * 1.995)) / 2 = (-1 + sqrt(8.98)) / 2,
    #   r = y - 1 = -0.1668% a period: the larger second-period money lost, so the investor did worse.
    values, flows = [1_100_000.0, 1_995_000.0], [1_000_000.0, 1_000_000.0]
    assert daily_twr_returns(values, flows) == pytest.approx([0.10, -0.05])
    assert twr(values, flows) == pytest.approx(0.045)
    closed = (-1 + math.sqrt(8.98)) / 2 - 1
    assert closed == pytest.approx(-0.0016676, abs=1e-7)
    assert mwr(YEARS[0], 1e6, [(YEARS[1], 1e6)], YEARS[2], 1_995_000.0) == pytest.approx(closed, rel=1e-10)


@pytest.mark.parametrize("deposit", [10.0, 10_000.0])
def test_a_deposit_the_day_before_a_crash_moves_mwr_not_twr(deposit: float) -> None:
    # Day 0: 100 in, doubles to 200; day 1: the deposit comes in, flat; day 2: everything halves.
    values = [200.0, 200.0 + deposit, (200.0 + deposit) / 2]
    flows = [100.0, deposit, 0.0]
    assert daily_twr_returns(values, flows) == pytest.approx([1.0, 0.0, -0.5])
    assert twr(values, flows) == pytest.approx(0.0)  # 2 * 1 * 0.5 - 1, whatever the deposit
    money = mwr(T0, 0.0, [(T0, 100.0), (T0 + timedelta(days=1), deposit)], T0 + timedelta(days=3), values[-1])
    if deposit > 1000:
        assert money < -0.45  # most of the money was in for the halving only
    else:
        assert -0.1 < money < 0.0  # 110 in, 105 out


def test_a_full_withdrawal_stops_the_compounding_until_money_comes_back() -> None:
    # Day 0: 100 in, 110 at the close. Day 1: everything is sold at 121 (+10% on the day) and taken out.
    # Days 2-3: nothing is held. Day 4: 50 comes back in and ends the day at 55.
    values = [110.0, 0.0, 0.0, 0.0, 55.0]
    flows = [100.0, -121.0, 0.0, 0.0, 50.0]
    assert daily_twr_returns(values, flows) == pytest.approx([0.1, 0.1, 0.0, 0.0, 0.1])
    assert twr(values[:4], flows[:4]) == twr(values[:2], flows[:2]) == pytest.approx(0.21)
    assert twr(values, flows) == pytest.approx(1.1**3 - 1)


def test_money_out_is_counted_at_the_days_end() -> None:
    # 100 at the close; the next day 99% is sold 0.5% higher (99.495 out) and the 1% left ends at 1.005.
    # At the day's end: (1.005 + 99.495) / 100 - 1 = 0.5%, the day's move. (At its start the capital would be
    # 100 - 99.495 = 0.505, and 1.005 / 0.505 - 1 = +99%.)
    assert daily_twr_returns([1.005], [-99.495], previous=100.0) == pytest.approx([0.005])
    # A sale of everything a little below the previous close: the day's loss, not -100%.
    assert daily_twr_returns([0.0], [-99.9], previous=100.0) == pytest.approx([-0.001])
    # Money in at the day's start: 100 + 50 earns the day's 10%.
    assert daily_twr_returns([165.0], [50.0], previous=100.0) == pytest.approx([0.1])


def test_days_worth_nothing_return_nothing() -> None:
    returns = daily_twr_returns([0.0, 0.0, 100.0, 110.0], [0.0, 0.0, 100.0, 0.0])
    assert returns.tolist() == pytest.approx([0.0, 0.0, 0.0, 0.1])
    assert twr([0.0, 0.0], [0.0, 0.0]) == 0.0
    assert twr([110.0, 0.0], [100.0, 0.0]) == pytest.approx(-1.0)  # invested and lost: -100%


def test_a_single_day_and_a_period_after_inception() -> None:
    assert twr([105.0], [100.0]) == pytest.approx(0.05)
    assert twr([105.0], [0.0], previous=100.0) == pytest.approx(0.05)
    # A window of the longer history gives the same chain when it starts from the previous close.
    values, flows = [110.0, 132.0, 118.8], [100.0, 0.0, 0.0]
    assert twr(values[1:], flows[1:], previous=values[0]) == pytest.approx(1.2 * 0.9 - 1)
    assert math.isnan(twr([], []))
    assert daily_twr_returns([], []).shape == (0,)


def test_twr_rejects_unequal_lengths_and_carries_nan() -> None:
    with pytest.raises(ValueError, match="differ in length: 2 and 1"):
        daily_twr_returns([1.0, 2.0], [1.0])
    returns = daily_twr_returns([110.0, NAN, 121.0, 133.1], [100.0, 0.0, 0.0, 0.0])
    assert np.isnan(returns[1:3]).all() and returns[3] == pytest.approx(0.1)
    assert math.isnan(twr([110.0, NAN], [100.0, 0.0]))


def test_xirr_closed_forms() -> None:
    assert xirr(YEARS[:2], [-100.0, 110.0]) == pytest.approx(0.1, rel=1e-12)  # 365 days: the simple rate
    assert xirr([YEARS[0], YEARS[2]], [-100.0, 121.0]) == pytest.approx(0.1, rel=1e-12)
    # Half a 365-day year (182.5 days, fractional): 1.05 ** 2 - 1.
    assert xirr([T0, T0 + timedelta(days=182, hours=12)], [-100.0, 105.0]) == pytest.approx(0.1025, rel=1e-12)
    # Extremes inside the bracket.
    assert xirr(YEARS[:2], [-1.0, 100_000.0]) == pytest.approx(99_999.0, rel=1e-9)
    assert xirr(YEARS[:2], [-100.0, 0.001]) == pytest.approx(-0.99999, rel=1e-9)
    # Only the order of the times matters, not the order given; dates and naive times read as UTC agree.
    assert xirr([YEARS[1], YEARS[0]], [110.0, -100.0]) == pytest.approx(0.1, rel=1e-12)
    assert xirr([date(2021, 1, 1), datetime(2022, 1, 1)], [-100.0, 110.0]) == pytest.approx(0.1, rel=1e-12)


@pytest.mark.parametrize(
    ("amounts", "published"),
    [
        # numpy-financial's `irr` docstring examples (periodic, as numpy's own `irr` before 1.20).
        ([-100.0, 39.0, 59.0, 55.0, 20.0], 0.28095),
        ([-100.0, 0.0, 0.0, 74.0], -0.0955),
        ([-100.0, 100.0, 0.0, -7.0], -0.0833),
        ([-100.0, 100.0, 0.0, 7.0], 0.06206),
        ([-5.0, 10.5, 1.0, -8.0, 1.0], 0.0886),
    ],
)
def test_xirr_on_yearly_flows_matches_numpy_financial_irr(amounts: list[float], published: float) -> None:
    assert round(xirr(YEARS[: len(amounts)], amounts), 5) == published


def test_xirr_matches_excels_documented_example() -> None:
    # Microsoft's XIRR help page (365-day years, the same day count): 0.373362535, from an iteration that
    # stops within 0.000001% (1e-8), so it is pinned to that.
    when = [date(2008, 1, 1), date(2008, 3, 1), date(2008, 10, 30), date(2009, 2, 15), date(2009, 4, 1)]
    assert xirr(when, [-10000.0, 2750.0, 4250.0, 3250.0, 2750.0]) == pytest.approx(0.373362535, abs=1e-8)


def test_xirr_takes_the_root_nearest_to_zero() -> None:
    # -100 + 230 v - 132 v^2 = 0: v = (230 -+ 10) / 264, so 20% and 10% both zero it.
    assert xirr(YEARS[:3], [-100.0, 230.0, -132.0]) == pytest.approx(0.1, rel=1e-10)


@pytest.mark.parametrize(
    "amounts",
    [[], [-100.0], [-100.0, -10.0], [100.0, 10.0], [0.0, 0.0], [-100.0, NAN], [-100.0, math.inf]],
)
def test_xirr_is_nan_without_a_root(amounts: list[float]) -> None:
    assert math.isnan(xirr(YEARS[: len(amounts)], amounts))


def test_xirr_rejects_unequal_lengths() -> None:
    with pytest.raises(ValueError, match="differ in length"):
        xirr(YEARS[:2], [-1.0])


def test_mwr_is_annualised_only_beyond_a_year() -> None:
    half_year = T0 + timedelta(days=182)
    assert mwr(T0, 100.0, [], half_year, 105.0) == pytest.approx(0.05, rel=1e-12)  # the period's own
    assert mwr(T0, 100.0, [], YEARS[1], 110.0) == pytest.approx(0.1, rel=1e-12)  # a year: either way
    assert mwr(T0, 100.0, [], YEARS[2], 121.0) == pytest.approx(0.1, rel=1e-12)  # two years: 10% a year
    year_and_half = T0 + timedelta(days=547, hours=12)  # 1.5 years: 1.15 ** (1 / 1.5) - 1 a year
    assert mwr(T0, 100.0, [], year_and_half, 115.0) == pytest.approx(1.15 ** (2 / 3) - 1, rel=1e-12)
    # A period's return is its annual rate de-annualised over its days.
    flows = [(T0 + timedelta(days=40), 50.0), (T0 + timedelta(days=90), -30.0)]
    period = mwr(T0, 100.0, flows, half_year, 130.0)
    annual = xirr([T0, flows[0][0], flows[1][0], half_year], [-100.0, -50.0, 30.0, 130.0])
    assert period == pytest.approx((1 + annual) ** (182 / 365) - 1, rel=1e-10)


def test_mwr_of_a_short_volatile_period_stays_in_the_bracket() -> None:
    # +20% in a day is a 1.2 ** 365 annual rate, far beyond any bracket; the period's own rate is 20%.
    assert mwr(T0, 100.0, [], T0 + timedelta(days=1), 120.0) == pytest.approx(0.2, rel=1e-12)


def test_mwr_starts_at_the_first_money_in() -> None:
    # Empty until day 20 of a 30-day period, then 100 in, 110 at the end: 10% for the money's 10 days.
    start, end = T0, T0 + timedelta(days=30)
    assert mwr(start, 0.0, [(T0 + timedelta(days=20), 100.0)], end, 110.0) == pytest.approx(0.1, rel=1e-12)


def test_mwr_edges() -> None:
    end = T0 + timedelta(days=30)
    assert mwr(T0, 100.0, [], end, 0.0) == -1.0  # all lost
    assert mwr(T0, 100.0, [(T0 + timedelta(days=10), -100.0)], end, 0.0) == pytest.approx(0.0, abs=1e-12)
    assert math.isnan(mwr(T0, 0.0, [], end, 0.0))  # no money ever in
    assert math.isnan(mwr(T0, 0.0, [], end, 50.0))
    assert math.isnan(mwr(T0, 100.0, [], T0, 100.0))  # no time
    assert math.isnan(mwr(T0, NAN, [], end, 100.0))
    assert math.isnan(mwr(T0, 100.0, [(T0, NAN)], end, 0.0))
    assert math.isnan(mwr(T0, 100.0, [], end, NAN))
    with pytest.raises(ValueError, match="is before start"):
        mwr(end, 100.0, [], T0, 100.0)
    with pytest.raises(ValueError, match="is outside"):
        mwr(T0, 100.0, [(end + timedelta(seconds=1), 5.0)], end, 100.0)


def _full_grid_brackets(times: np.ndarray, amounts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The grid and every sign change on it (interval indices), all 4,001 points evaluated at once."""
    grid = np.linspace(performance._LOW_GROWTH, performance._HIGH_GROWTH, performance._GRID)
    signs = np.sign(performance._scaled_values(grid, times, amounts))
    return grid, np.flatnonzero(signs[:-1] * signs[1:] <= 0)


def _full_grid_log_irr(times: np.ndarray, amounts: np.ndarray) -> float:
    """The brute-force search: the full grid's sign change whose midpoint is nearest 0, solved by Brent."""
    if not (np.isfinite(amounts).all() and (amounts > 0).any() and (amounts < 0).any()):
        return NAN
    grid, brackets = _full_grid_brackets(times, amounts)
    if not len(brackets):
        return NAN
    nearest = brackets[np.argmin(np.abs(grid[brackets] + grid[brackets + 1]))]
    root: float = brentq(
        lambda g: float(performance._scaled_values(np.array([g]), times, amounts)[0]),
        grid[nearest],
        grid[nearest + 1],
        xtol=1e-15,
    )
    return root


def _random_flows(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Either flows whose present value is a polynomial with 2-4 chosen roots, near 0% or far out (log growths
    up to +-12), at evenly spaced times in [0, 1]; or a few random flows of random sign at random times."""
    if rng.random() < 0.6:
        count = int(rng.integers(2, 5))
        growths = rng.choice([-1.0, 1.0], count) * 10 ** rng.uniform(-3, 1.1, count)
        unit = 1.0 / count
        amounts = np.poly(np.exp(-growths * unit))[::-1] * 10 ** rng.uniform(-2, 6)
        return np.arange(count + 1) * unit, amounts
    count = int(rng.integers(3, 40))
    times = np.sort(rng.random(count))
    times = (times - times[0]) / (times[-1] - times[0])
    return times, rng.choice([-1.0, 1.0], count) * 10 ** rng.uniform(0, 4, count)


def test_the_outward_search_finds_the_full_grids_root() -> None:
    rng = np.random.default_rng(20240310)
    several = far = none = 0
    for _ in range(400):
        times, amounts = _random_flows(rng)
        expected = _full_grid_log_irr(times, amounts)
        found = performance._log_irr(times, amounts)
        assert found == expected or (math.isnan(found) and math.isnan(expected)), (times, amounts)
        brackets = _full_grid_brackets(times, amounts)[1]
        several += len(brackets) >= 2
        far += abs(expected) > 1.0
        none += math.isnan(expected)
    # The draw covers what it is for: many sets with several roots, roots far out, and sets without any.
    assert several >= 150 and far >= 50 and none >= 10


Portfolio = tuple[datetime, float, list[tuple[datetime, float]], datetime, float]


def _daily_portfolio(flows: int = 1100) -> Portfolio:
    """A portfolio of 3 years (1,095 days), one flow about every day (deposits mostly), volatile days."""
    rng = np.random.default_rng(0)
    end = T0 + timedelta(days=3 * 365)
    step = (end - T0) / (flows + 1)
    value, moves = 1000.0, []
    for k in range(1, flows + 1):
        value *= 1 + rng.normal(0.0005, 0.03)
        amount = max(float(rng.normal(20.0, 40.0)), -0.5 * value)
        value += amount
        moves.append((T0 + step * k, amount))
    return T0, 1000.0, moves, end, value * (1 + rng.normal(0.0005, 0.03))


def test_mwr_of_1100_daily_flows_matches_the_full_grid_evaluating_few_points(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    portfolio = _daily_portfolio()
    rows: list[int] = []
    scaled_values = performance._scaled_values

    def counted(growths: np.ndarray, times: np.ndarray, amounts: np.ndarray) -> np.ndarray:
        rows.append(len(growths))
        return scaled_values(growths, times, amounts)

    with monkeypatch.context() as patch:
        patch.setattr(performance, "_scaled_values", counted)
        found = mwr(*portfolio)
    with monkeypatch.context() as patch:
        patch.setattr(performance, "_log_irr", _full_grid_log_irr)
        expected = mwr(*portfolio)
    assert found == expected
    assert -0.5 < found < 0.5
    # A window near 0% holds the root: under 200 of the 4,001 grid points evaluated (Brent's steps included),
    # in blocks of at most _BLOCK exponentials (1,102 cash flows: the start, 1,100 flows, the end).
    assert sum(rows) < 200 and max(rows) * 1102 <= performance._BLOCK


def test_no_root_among_1100_flows_evaluates_the_grid_once_in_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    # -100 first and last, 1 spread over the days between: the present value is below 0 at every rate.
    when = [T0 + timedelta(days=k) for k in range(1100)]
    amounts = [-100.0] + [1.0 / 1098] * 1098 + [-100.0]
    rows: list[int] = []
    scaled_values = performance._scaled_values

    def counted(growths: np.ndarray, times: np.ndarray, amounts: np.ndarray) -> np.ndarray:
        rows.append(len(growths))
        return scaled_values(growths, times, amounts)

    monkeypatch.setattr(performance, "_scaled_values", counted)
    assert math.isnan(xirr(when, amounts))
    assert sum(rows) == performance._GRID and max(rows) * len(amounts) <= performance._BLOCK


TODAY = date(2024, 3, 10)


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("1D", date(2024, 3, 10)),  # today only: the return from yesterday's close
        ("7D", date(2024, 3, 4)),
        ("30D", date(2024, 2, 10)),  # February 2024 has 29 days
        ("YTD", date(2024, 1, 1)),
        ("1Y", date(2023, 3, 12)),  # 365 days including today, across 29 February
        ("ALL", date(2020, 5, 1)),
    ],
)
def test_period_start(key: str, expected: date) -> None:
    assert period_start(key, TODAY, date(2020, 5, 1)) == expected


def test_period_start_on_new_years_day_and_clamped_to_inception() -> None:
    assert period_start("YTD", date(2025, 1, 1), date(2020, 1, 1)) == date(2025, 1, 1)
    assert period_start("1D", date(2025, 1, 1), date(2020, 1, 1)) == date(2025, 1, 1)
    inception = date(2024, 3, 8)
    starts = {key: period_start(key, TODAY, inception) for key in PERIODS}
    assert starts == {"1D": TODAY} | {key: inception for key in PERIODS[1:]}


@pytest.mark.parametrize("key", ["2W", "ytd", "", "1d"])
def test_period_start_rejects_unknown_keys(key: str) -> None:
    with pytest.raises(ValueError, match="unknown period"):
        period_start(key, TODAY, TODAY)
