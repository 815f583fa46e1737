"""Time-weighted (daily chain-linked) and money-weighted (XIRR) returns with external flows; period starts."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
from scipy.optimize import brentq  # type: ignore[import-untyped]

from app.quant.risk.arrays import ArrayLike, Floats, floats

PERIODS = ("1D", "7D", "30D", "YTD", "1Y", "ALL")

_DAY_SECONDS = 86400.0
_YEAR_DAYS = 365.0
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# The rate bracket, as log growth ln(1 + x): x from -99.99999% to +100,000,000%.
_LOW_GROWTH = math.log1p(-0.9999999)
_HIGH_GROWTH = math.log1p(1e6)
_GRID = 4001
_GROWTHS = np.linspace(_LOW_GROWTH, _HIGH_GROWTH, _GRID)
# The grid's intervals, nearest to 0% first (by |midpoint|, ties to the lower: `np.argmin`'s pick), searched
# in windows of _FIRST_WINDOW intervals (about half each side of 0), then 2, 4, ... times as many.
_OUTWARD = np.argsort(np.abs(_GROWTHS[:-1] + _GROWTHS[1:]), kind="stable")
_FIRST_WINDOW = 16
# At most this many exponentials at once (rows of the grid times flows) when evaluating grid points.
_BLOCK = 1 << 16


def daily_twr_returns(values: ArrayLike, flows: ArrayLike, previous: float = 0.0) -> Floats:
    """Each day's time-weighted return, net money in at the day's start and net money out at its end:

        r[t] = (values[t] + out[t]) / (values[t-1] + in[t]) - 1,  in[t] = max(flows[t], 0),
                                                                  out[t] = max(-flows[t], 0),

    `values[t]` the portfolio's value at the close of day t (after the day's flows), `flows[t]` the day's net
    external flow (> 0 in, < 0 out, as `Ledger.flows`) and values[-1] = `previous`, the close before the
    first day (0 for a portfolio's first day). Money going out is counted at the day's end because it leaves
    at its trade price, not at the previous close: a full sale then gives that day's return rather than a
    division by almost nothing (on a day with money only in, or no flow, this is the start-of-day formula
    values[t] / (values[t-1] + flows[t]) - 1).

    A day with no capital (values[t-1] + in[t] <= 0, e.g. before the first deposit or after a full withdrawal)
    returns 0.0: no money, no return. A NaN value makes its day and the next NaN. ValueError unless values
    and flows have the same length.

    >>> daily_twr_returns([110.0, 99.0, 0.0, 0.0], [100.0, 0.0, -99.0, 0.0]).round(6).tolist()
    [0.1, -0.1, 0.0, 0.0]
    """
    v, f = floats(values), floats(flows)
    if len(v) != len(f):
        raise ValueError(f"values and flows differ in length: {len(v)} and {len(f)}")
    before = np.concatenate(([previous], v[:-1]))
    capital = before + np.maximum(f, 0.0)
    invested = capital > 0.0
    ending = v + np.maximum(-f, 0.0)
    returns = np.where(invested, ending / np.where(invested, capital, 1.0) - 1.0, 0.0)
    returns[np.isnan(capital) | np.isnan(v)] = math.nan
    return returns


def twr(values: ArrayLike, flows: ArrayLike, previous: float = 0.0) -> float:
    """Time-weighted return of the days given: prod(1 + r[t]) - 1 over `daily_twr_returns(values, flows,
    previous)`, a fraction of the period (not annualised). NaN for no days or a NaN value.

    >>> round(twr([110.0, 1054.5], [100.0, 1000.0]), 6)  # +10%, then 1110 -> 1054.5 (-5%): 1.1 * 0.95 - 1
    0.045
    """
    returns = daily_twr_returns(values, flows, previous)
    return float(np.prod(1.0 + returns) - 1.0) if len(returns) else math.nan


def xirr(when: Sequence[datetime | date], amounts: Sequence[float]) -> float:
    """The annual rate x with sum(amounts[i] / (1 + x) ** years[i]) = 0, years[i] = (when[i] - t0) in exact
    fractional days (seconds / 86400) over 365-day years, t0 the earliest time (Excel's XIRR day count).

    Investor's sign convention: money put in is negative, money taken out and the final value positive. A date
    is its midnight UTC, a naive datetime is read as UTC. Among several roots, the one nearest to 0% (smallest
    |ln(1 + x)|: a grid over -99.99999%..+1e8%, searched outward from 0%, brackets it, then Brent's method
    solves it). NaN for fewer than two amounts, a non-finite one, or no root in the bracket (all amounts one
    sign, say). ValueError unless `when` and `amounts` have the same length.

    >>> round(xirr([date(2021, 1, 1), date(2022, 1, 1)], [-100.0, 110.0]), 9)  # 365 days: the simple rate
    0.1
    """
    if len(when) != len(amounts):
        raise ValueError(f"when and amounts differ in length: {len(when)} and {len(amounts)}")
    seconds = np.array([_seconds(w) for w in when], dtype=np.float64)
    if not len(seconds):
        return math.nan
    years = (seconds - seconds.min()) / (_DAY_SECONDS * _YEAR_DAYS)
    return math.expm1(_log_irr(years, floats(amounts)))


def mwr(
    start: datetime,
    start_value: float,
    flows: Sequence[tuple[datetime, float]],
    end: datetime,
    end_value: float,
) -> float:
    """Money-weighted return of the period from `start` to `end`: the XIRR of the investor's cash flows
    -start_value at `start` (when > 0), -amount at each flow's time (flows signed for the portfolio, > 0 in,
    as `Ledger.flows`) and +end_value at `end`, over the span from the earliest of those cash flows to `end`:

        (1 + x) ** (days / 365) - 1, days the span in fractional days,

    so a span of up to 365 days gives its own, un-annualised return, and a longer one the annual rate x.
    The span starts at the first money in, not at `start`, when the portfolio was empty then: money held for
    one week of a month returns its week's growth, not that growth compounded over the month.

    -1.0 when money went in and nothing ever came back (all lost); NaN when no money ever went in, for an
    empty span, a NaN amount, or when no root is found (as `xirr`). ValueError when `end` is before `start`
    or a flow lies outside [start, end]. Times as in `xirr`.

    >>> t = datetime(2024, 1, 1, tzinfo=UTC)
    >>> round(mwr(t, 100.0, [], t + timedelta(days=182), 105.0), 9)  # half a year: not annualised
    0.05
    """
    if end < start:
        raise ValueError(f"end {end.isoformat()} is before start {start.isoformat()}")
    times: list[float] = []
    amounts: list[float] = []
    if not start_value <= 0:  # NaN included, to come out as NaN
        times.append(_seconds(start))
        amounts.append(-start_value)
    for at, amount in flows:
        if not start <= at <= end:
            raise ValueError(f"flow at {at.isoformat()} is outside {start.isoformat()}..{end.isoformat()}")
        times.append(_seconds(at))
        amounts.append(-amount)
    times.append(_seconds(end))
    amounts.append(end_value)
    return _period_mwr(np.array(times, dtype=np.float64), floats(amounts))


def period_start(key: str, today: date, inception: date) -> date:
    """The first day of the period `key` whose last day is `today`, both included; its return runs from the
    close of the day before. "1D": today (one day's return, from yesterday's close); "7D": today - 6 days;
    "30D": today - 29 days; "YTD": January 1 of today's year; "1Y": today - 364 days (365 days, leap years
    too); "ALL": inception. Never before `inception` (clamped to it); after `today` only when inception is.
    ValueError for a key not in PERIODS.

    >>> [period_start(k, date(2024, 3, 10), date(2024, 3, 1)).isoformat() for k in ("1D", "7D", "30D")]
    ['2024-03-10', '2024-03-04', '2024-03-01']
    """
    if key == "YTD":
        start = date(today.year, 1, 1)
    elif key == "ALL":
        start = inception
    else:
        days = {"1D": 1, "7D": 7, "30D": 30, "1Y": 365}.get(key)
        if days is None:
            raise ValueError(f"unknown period {key!r}; expected one of {', '.join(PERIODS)}")
        start = today - timedelta(days=days - 1)
    return max(start, inception)


def _period_mwr(seconds: Floats, amounts: Floats) -> float:
    """`mwr` from the investor's cash flows, the last one at the period's end."""
    if not np.isfinite(amounts).all() or not (amounts < 0).any():
        return math.nan
    if not (amounts > 0).any():
        return -1.0
    span = seconds[-1] - seconds.min()
    if span <= 0:
        return math.nan
    # Solved per span, not per year, so a short span's large annual rate never leaves the bracket.
    growth = _log_irr((seconds - seconds.min()) / span, amounts)
    days = span / _DAY_SECONDS
    return math.expm1(growth * _YEAR_DAYS / days if days > _YEAR_DAYS else growth)


def _log_irr(times: Floats, amounts: Floats) -> float:
    """The log growth g = ln(1 + x) per unit of `times` (>= 0) that zeroes the present value; NaN if none.

    The root is the one in the sign change of the grid `_GROWTHS` whose interval's midpoint is nearest 0 (the
    lower one on a tie). The intervals are tried in that order (`_OUTWARD`), in windows of doubling size,
    evaluating only the grid points a window adds: the first window with a sign change holds that interval,
    and a sign change far from 0 (or none, NaN) costs no more than evaluating the whole grid at once.
    """
    if not (np.isfinite(amounts).all() and (amounts > 0).any() and (amounts < 0).any()):
        return math.nan
    values = np.empty(_GRID)
    low = high = int(_OUTWARD[0])  # the grid points evaluated so far: values[low:high]
    done, size = 0, _FIRST_WINDOW
    while done < len(_OUTWARD):
        window = _OUTWARD[done:size]
        start, stop = int(window.min()), int(window.max()) + 2
        if start < low:
            _evaluate(values, start, low, times, amounts)
            low = start
        if stop > high:
            _evaluate(values, high, stop, times, amounts)
            high = stop
        changes = np.flatnonzero(np.sign(values[window]) * np.sign(values[window + 1]) <= 0)
        if len(changes):
            nearest = window[changes[0]]
            root: float = brentq(
                lambda g: float(_scaled_values(np.array([g]), times, amounts)[0]),
                _GROWTHS[nearest],
                _GROWTHS[nearest + 1],
                xtol=1e-15,
            )
            return root
        done, size = size, 2 * size
    return math.nan


def _evaluate(values: Floats, start: int, stop: int, times: Floats, amounts: Floats) -> None:
    """values[start:stop] = `_scaled_values` at _GROWTHS[start:stop], in blocks of at most `_BLOCK` terms."""
    rows = max(1, _BLOCK // len(times))
    for first in range(start, stop, rows):
        last = min(first + rows, stop)
        values[first:last] = _scaled_values(_GROWTHS[first:last], times, amounts)


def _scaled_values(growths: Floats, times: Floats, amounts: Floats) -> Floats:
    """sum(amounts * exp(-g * times)) for each log growth g, times exp(g * shift) > 0 (which keeps its sign
    and roots), shift the latest time for g < 0 and 0 otherwise, so that no exponent is above 0."""
    shift = np.where(growths < 0, times.max(), 0.0)
    exponents = -(times[None, :] - shift[:, None]) * growths[:, None]
    return np.exp(exponents) @ amounts


def _seconds(moment: datetime | date) -> float:
    """Seconds since the Unix epoch; a date is its midnight UTC, a naive datetime is read as UTC."""
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment, time(), UTC)
    elif moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - _EPOCH).total_seconds()
