"""The backtest loop: signals on a bar's close, fills at the next bar's open; one compiled pass over the bars.

Execution model (docs/ARCHITECTURE.md, enforced here):
- a signal computed on bar i's close is filled at bar i+1's open, moved against the trader by `slippage`
  (buys higher, sells lower); a fee of `fee` x notional is paid on every fill;
- stop-loss, take-profit and trailing stop are resting orders from the bar after the fill: a bar whose low
  (high, for shorts) reaches the stop exits there — at the open if the bar opens beyond it (a gap) — and the
  stop wins when one bar reaches both (the pessimistic reading); the trailing stop follows the best price of
  the bars before the current one;
- sizing: ALL_IN (all the equity, fee included), FRACTION of the equity, or a fixed AMOUNT of cash;
- nothing reads a bar after the one being decided: changing a future bar never changes an earlier trade.
Equity is marked at every close: cash + position x close.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from numba import njit

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
Ints = npt.NDArray[np.int64]

SIZING = {"ALL_IN": 0, "FRACTION": 1, "AMOUNT": 2}
EXIT_REASONS = ("SIGNAL", "STOP_LOSS", "TAKE_PROFIT", "TRAILING_STOP", "END")


@dataclass(frozen=True)
class Costs:
    fee: float = 0.001
    slippage: float = 0.0
    sizing: str = "ALL_IN"
    size: float = 1.0  # FRACTION: of equity (0-1]; AMOUNT: cash per trade
    stop_loss: float = 0.0  # fraction below (above, short) the entry; 0: none
    take_profit: float = 0.0
    trailing_stop: float = 0.0
    allow_short: bool = False


@dataclass(frozen=True)
class Run:
    """Trades (parallel arrays) and the equity at each bar's close."""

    entry_bar: Ints
    exit_bar: Ints
    entry_price: Floats
    exit_price: Floats
    units: Floats  # > 0 long, < 0 short
    fees: Floats
    reason: Ints  # index into EXIT_REASONS
    equity: Floats
    position: Floats  # units held at each close

    def __len__(self) -> int:
        return len(self.entry_bar)


@njit(cache=True, nogil=True, inline="always")
def _record(
    book: tuple[Ints, Ints, Floats, Floats, Floats, Floats, Ints],
    at: int,
    entered: int,
    exited: int,
    entry: float,
    exit_: float,
    units: float,
    fees: float,
    why: int,
) -> int:
    """Write trade number `at` into the trade arrays; returns the next free number."""
    entry_bar, exit_bar, entry_price, exit_price, units_out, fees_out, reason = book
    entry_bar[at], exit_bar[at], entry_price[at], exit_price[at] = entered, exited, entry, exit_
    units_out[at], fees_out[at], reason[at] = units, fees, why
    return at + 1


@njit(cache=True, nogil=True)
def _loop(
    opens: Floats,
    highs: Floats,
    lows: Floats,
    closes: Floats,
    long_entry: Bools,
    long_exit: Bools,
    short_entry: Bools,
    short_exit: Bools,
    capital: float,
    fee: float,
    slip: float,
    sizing: int,
    size: float,
    stop_loss: float,
    take_profit: float,
    trailing: float,
) -> tuple[Ints, Ints, Floats, Floats, Floats, Floats, Ints, Floats, Floats]:
    n = len(closes)
    cap = n // 2 + 2
    entry_bar = np.empty(cap, np.int64)
    exit_bar = np.empty(cap, np.int64)
    entry_price = np.empty(cap, np.float64)
    exit_price = np.empty(cap, np.float64)
    units_out = np.empty(cap, np.float64)
    fees_out = np.empty(cap, np.float64)
    reason = np.empty(cap, np.int64)
    book = (entry_bar, exit_bar, entry_price, exit_price, units_out, fees_out, reason)
    equity = np.empty(n, np.float64)
    held = np.zeros(n, np.float64)
    cash = capital
    units = 0.0
    paid = 0.0  # fees of the open trade so far
    entered_at = -1
    entered_price = 0.0
    best = 0.0  # best price since entry, for the trailing stop
    trades = 0
    pending = 0  # order decided at the previous close: +1 go long, -1 go short, 2 close
    for i in range(n):
        o, h, lo = opens[i], highs[i], lows[i]
        # 1. Orders decided at the previous close fill at this open.
        if pending != 0 and i > 0:
            if units != 0.0:  # close what is held (an exit, or the first half of a reversal)
                px = o * (1.0 - slip) if units > 0 else o * (1.0 + slip)
                cost = abs(units) * px * fee
                cash += units * px - cost
                paid += cost
                trades = _record(book, trades, entered_at, i, entered_price, px, units, paid, 0)
                units = 0.0
            if pending == 1 or pending == -1:
                px = o * (1.0 + slip) if pending == 1 else o * (1.0 - slip)
                if sizing == 0:
                    budget = cash
                elif sizing == 1:
                    budget = cash * size
                else:
                    budget = min(size, cash)
                if budget > 0.0:
                    qty = budget / (px * (1.0 + fee))
                    cost = qty * px * fee
                    units = qty if pending == 1 else -qty
                    cash -= units * px + cost
                    paid = cost
                    entered_at = i
                    entered_price = px
                    best = px
            pending = 0
        # 2. Resting stops from the bar after the fill.
        if units != 0.0 and i > entered_at:
            long = units > 0
            exit_px = 0.0
            why = 0
            if stop_loss > 0.0:
                level = entered_price * (1.0 - stop_loss) if long else entered_price * (1.0 + stop_loss)
                if (long and lo <= level) or (not long and h >= level):
                    exit_px = min(o, level) if long else max(o, level)
                    why = 1
            if why == 0 and trailing > 0.0:
                level = best * (1.0 - trailing) if long else best * (1.0 + trailing)
                if (long and lo <= level) or (not long and h >= level):
                    exit_px = min(o, level) if long else max(o, level)
                    why = 3
            if why == 0 and take_profit > 0.0:
                level = entered_price * (1.0 + take_profit) if long else entered_price * (1.0 - take_profit)
                if (long and h >= level) or (not long and lo <= level):
                    exit_px = max(o, level) if long else min(o, level)
                    why = 2
            if why != 0:
                px = exit_px * (1.0 - slip) if long else exit_px * (1.0 + slip)
                cost = abs(units) * px * fee
                cash += units * px - cost
                paid += cost
                trades = _record(book, trades, entered_at, i, entered_price, px, units, paid, why)
                units = 0.0
            elif long:
                best = max(best, h)
            else:
                best = min(best, lo)
        # 3. Mark to the close, then decide on it (filled at the next open).
        equity[i] = cash + units * closes[i]
        held[i] = units
        if i + 1 < n:
            if units > 0:
                if short_entry[i]:
                    pending = -1
                elif long_exit[i]:
                    pending = 2
            elif units < 0:
                if long_entry[i]:
                    pending = 1
                elif short_exit[i]:
                    pending = 2
            elif long_entry[i]:
                pending = 1
            elif short_entry[i]:
                pending = -1
    if units != 0.0:  # still open: closed at the last close for the metrics (reported as END)
        px = closes[n - 1]
        cost = abs(units) * px * fee
        trades = _record(book, trades, entered_at, n - 1, entered_price, px, units, paid + cost, 4)
        equity[n - 1] = cash + units * px - cost
    return (
        entry_bar[:trades],
        exit_bar[:trades],
        entry_price[:trades],
        exit_price[:trades],
        units_out[:trades],
        fees_out[:trades],
        reason[:trades],
        equity,
        held,
    )


def run(
    opens: Floats,
    highs: Floats,
    lows: Floats,
    closes: Floats,
    long_entry: Bools,
    long_exit: Bools,
    capital: float,
    costs: Costs,
    short_entry: Bools | None = None,
    short_exit: Bools | None = None,
) -> Run:
    """Run the loop. Long-only ignores short signals; long/short by default shorts on the long exit signal and
    covers on the long entry signal (a reversal) unless the strategy gives its own short signals."""
    if costs.allow_short:
        short_entry = long_exit if short_entry is None else short_entry
        short_exit = long_entry if short_exit is None else short_exit
    else:
        short_entry = short_exit = np.zeros(len(closes), dtype=np.bool_)
    result = _loop(
        opens,
        highs,
        lows,
        closes,
        long_entry,
        long_exit,
        short_entry,
        short_exit,
        float(capital),
        costs.fee,
        costs.slippage,
        SIZING[costs.sizing],
        costs.size,
        costs.stop_loss,
        costs.take_profit,
        costs.trailing_stop,
    )
    return Run(*result)


def warm() -> None:
    """Compile (or load the cached compilation) before the first request needs it."""
    ones = np.ones(4, dtype=np.float64)
    flags = np.array([True, False, False, False])
    run(ones, ones, ones, ones, flags, ~flags, 1000.0, Costs(allow_short=True))


def trade_returns(result: Run) -> Floats:
    """Each trade's return on the cash it used, net of fees (what ALL_IN equity compounds)."""
    gross = result.units * (result.exit_price - result.entry_price)
    used = np.abs(result.units) * result.entry_price + _entry_fees(result)
    returns: Floats = (gross - result.fees) / used
    return returns


def _entry_fees(result: Run) -> Floats:
    """The fee of each trade's entry fill, out of its total fees (entry + exit)."""
    exits = np.abs(result.units) * result.exit_price
    entries = np.abs(result.units) * result.entry_price
    total = entries + exits
    share: Floats = np.where(total > 0, entries / np.where(total > 0, total, 1.0), 0.0)
    return result.fees * share
