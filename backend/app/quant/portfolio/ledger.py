"""Transactions replayed in order into holdings (average and FIFO cost, realised P&L) and external flows.

Cash model, for an entry of quantity q, price p (USD per unit) and fee f (USD):
- The portfolio holds only what its entries put in it. A BUY's money comes in from outside and a SELL's
  proceeds leave (trades are self-funded: no DEPOSIT is needed before a BUY), so a SELL of BTC and a BUY of
  USDT on the same day net to an internal switch. Flows are signed for the portfolio: > 0 in, < 0 out.
- The external flow of every entry is d * q * p + f, d = +1 for BUY, DEPOSIT and TRANSFER_IN, -1 for SELL,
  WITHDRAW and TRANSFER_OUT, 0 for STAKING_REWARD and FEE (a reward is return, a coin fee a loss: neither is
  money in or out). Zero flows are not listed.
- So every fee is borne by the portfolio's return, never by the money invested: a fee on money coming in is
  brought in with it (BUY: q*p + f), one on money going out is kept back from it (SELL: -(q*p - f)), one on
  an entry without a flow of its own is brought in as +f. `Holding.fees` adds up every f, and a FEE entry's
  coins too (q*p).
- Acquisitions (BUY, DEPOSIT, TRANSFER_IN, STAKING_REWARD) add q, add q*p + f to the cost basis and append a
  FIFO lot at unit cost (q*p + f) / q: a transfer in or a reward is held at its market value at the time
  (plus its fee). A STAKING_REWARD also adds q*p to `income`.
- Disposals (SELL, WITHDRAW, TRANSFER_OUT, FEE) remove q, consume the oldest lots first (splitting a partial
  one) and take q's share of the basis away (average_cost * q). Only a SELL realises P&L: its proceeds
  q*p - f less the cost of the lots consumed (`realised_fifo`) or less average_cost * q (`realised_average`).
- DEPOSIT and WITHDRAW take cash symbols only (`CASH`); the other kinds take any symbol, cash included.
- A holding that reaches exactly 0 drops its basis, lots and `first_acquired`; the next acquisition starts
  afresh. Disposing of more than is held, a quantity <= 0, a negative price or fee, a naive or out-of-order
  time is a `LedgerError` naming the entry, so a replay never holds a negative quantity.

Arithmetic is `Decimal` in the current (default: 28 significant digits) context.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum

_ZERO = Decimal(0)


class Kind(StrEnum):
    """What an entry does to its symbol's holding; each value equals its name, as stored."""

    BUY = "BUY"
    SELL = "SELL"
    DEPOSIT = "DEPOSIT"
    WITHDRAW = "WITHDRAW"
    FEE = "FEE"
    STAKING_REWARD = "STAKING_REWARD"
    TRANSFER_IN = "TRANSFER_IN"
    TRANSFER_OUT = "TRANSFER_OUT"


CASH = frozenset({"USD", "USDT", "USDC"})

_DIRECTION = {
    Kind.BUY: 1,
    Kind.DEPOSIT: 1,
    Kind.TRANSFER_IN: 1,
    Kind.STAKING_REWARD: 0,
    Kind.SELL: -1,
    Kind.WITHDRAW: -1,
    Kind.TRANSFER_OUT: -1,
    Kind.FEE: 0,
}
_ACQUISITIONS = frozenset({Kind.BUY, Kind.DEPOSIT, Kind.TRANSFER_IN, Kind.STAKING_REWARD})
_VERBS = {
    Kind.SELL: "sells",
    Kind.WITHDRAW: "withdraws",
    Kind.TRANSFER_OUT: "transfers out",
    Kind.FEE: "pays a fee of",
}


@dataclass(frozen=True, slots=True)
class Entry:
    """One transaction as stored: `quantity` > 0 (the kind gives the direction), `price` in USD per unit at
    the time (>= 0; 1 for USD), `fee` in USD (>= 0), `at` a UTC time."""

    kind: Kind
    symbol: str
    quantity: Decimal
    price: Decimal
    fee: Decimal
    at: datetime


@dataclass(frozen=True, slots=True)
class Lot:
    """A FIFO lot still held: its remaining quantity, unit cost (fees included) and when it was acquired."""

    quantity: Decimal
    unit_cost: Decimal
    at: datetime


@dataclass(slots=True)
class Holding:
    """One symbol's position after a replay: `cost` is the average-cost basis of what is held (fees
    included), `lots` the FIFO lots that make it up, `first_acquired` when the current holding began (None
    while nothing is held); realised P&L, staking income and fees are in USD, over the whole history."""

    symbol: str
    quantity: Decimal = _ZERO
    cost: Decimal = _ZERO
    realised_fifo: Decimal = _ZERO
    realised_average: Decimal = _ZERO
    income: Decimal = _ZERO
    fees: Decimal = _ZERO
    first_acquired: datetime | None = None
    lots: list[Lot] = field(default_factory=list)

    @property
    def average_cost(self) -> Decimal:
        """cost / quantity, the basis of one unit held; 0 when nothing is held.

        >>> Holding("BTC-USD", quantity=Decimal(4), cost=Decimal(402)).average_cost
        Decimal('100.5')
        """
        return self.cost / self.quantity if self.quantity else _ZERO


@dataclass(frozen=True, slots=True)
class Flow:
    """External money at a time: > 0 into the portfolio, < 0 out of it (USD)."""

    at: datetime
    amount: Decimal


@dataclass(slots=True)
class Ledger:
    """`replay`'s result: a holding for every symbol ever touched (quantity may be 0) and the non-zero
    external flows in entry order."""

    holdings: dict[str, Holding] = field(default_factory=dict)
    flows: list[Flow] = field(default_factory=list)

    @property
    def net_invested(self) -> Decimal:
        """The sum of the flows: money put in less money taken out (0 without flows).

        >>> t = datetime.fromisoformat("2024-01-01T00:00:00+00:00")
        >>> Ledger({}, [Flow(t, Decimal(100)), Flow(t, Decimal(-30))]).net_invested
        Decimal('70')
        """
        return sum((flow.amount for flow in self.flows), _ZERO)

    def held(self) -> dict[str, Decimal]:
        """Symbol -> quantity of the holdings with a quantity > 0.

        >>> Ledger({"ETH-USD": Holding("ETH-USD", Decimal(2)), "SOL-USD": Holding("SOL-USD")}).held()
        {'ETH-USD': Decimal('2')}
        """
        return {symbol: h.quantity for symbol, h in self.holdings.items() if h.quantity > 0}


class LedgerError(ValueError):
    """An entry `replay` cannot apply: `index` is its position in the input, `field` the Entry field at fault
    ("quantity", "price", "fee", "symbol", "kind" or "at") and `message` what is wrong with it."""

    def __init__(self, index: int, field: str, message: str) -> None:
        super().__init__(index, field, message)
        self.index = index
        self.field = field
        self.message = message

    def __str__(self) -> str:
        return f"entry {self.index}, {self.field}: {self.message}"


def replay(entries: Iterable[Entry]) -> Ledger:
    """The holdings and flows after applying the entries in the given order, by the module's cash model.

    The entries must already be in time order (equal times apply in input order); the first invalid one
    raises `LedgerError` with its index.

    >>> t = datetime.fromisoformat("2024-01-01T00:00:00+00:00")
    >>> ledger = replay([
    ...     Entry(Kind.BUY, "BTC-USD", Decimal(2), Decimal(100), Decimal(1), t),  # basis 201, flow +201
    ...     Entry(Kind.SELL, "BTC-USD", Decimal(1), Decimal(150), Decimal(1), t),  # proceeds 149, flow -149
    ... ])
    >>> h = ledger.holdings["BTC-USD"]
    >>> h.quantity, h.cost, h.realised_fifo, h.realised_average, ledger.net_invested
    (Decimal('1'), Decimal('100.5'), Decimal('48.5'), Decimal('48.5'), Decimal('52'))
    """
    ledger = Ledger()
    previous: datetime | None = None
    for index, entry in enumerate(entries):
        kind = _checked(index, entry, previous)
        previous = entry.at
        holding = ledger.holdings.setdefault(entry.symbol, Holding(entry.symbol))
        if kind in _ACQUISITIONS:
            _acquire(holding, entry, kind)
        else:
            _dispose(holding, entry, kind, index)
        amount = flow_amount(entry)
        if amount:
            ledger.flows.append(Flow(entry.at, amount))
    return ledger


def flow_direction(kind: Kind) -> int:
    """d in an entry's external flow d * q * p + f: +1 money in, -1 money out, 0 neither.

    >>> flow_direction(Kind.SELL), flow_direction(Kind.STAKING_REWARD)
    (-1, 0)
    """
    return _DIRECTION[kind]


def quantity_sign(kind: Kind) -> int:
    """+1 when the kind adds its quantity to the holding, -1 when it removes it.

    >>> quantity_sign(Kind.STAKING_REWARD), quantity_sign(Kind.FEE)
    (1, -1)
    """
    return 1 if kind in _ACQUISITIONS else -1


def flow_amount(entry: Entry) -> Decimal:
    """The entry's external flow d * quantity * price + fee, d = +1 for BUY, DEPOSIT and TRANSFER_IN, -1 for
    SELL, WITHDRAW and TRANSFER_OUT, 0 for STAKING_REWARD and FEE (see the module's cash model).

    >>> t = datetime.fromisoformat("2024-01-01T00:00:00+00:00")
    >>> flow_amount(Entry(Kind.SELL, "ETH-USD", Decimal("0.5"), Decimal(3000), Decimal(2), t))
    Decimal('-1498.0')
    >>> flow_amount(Entry(Kind.STAKING_REWARD, "ETH-USD", Decimal("0.01"), Decimal(3000), Decimal(0), t)) == 0
    True
    """
    return _DIRECTION[Kind(entry.kind)] * entry.quantity * entry.price + entry.fee


def _acquire(holding: Holding, entry: Entry, kind: Kind) -> None:
    """Add the entry's quantity, basis and lot to the holding."""
    paid = entry.quantity * entry.price + entry.fee
    if not holding.quantity:
        holding.first_acquired = entry.at
    holding.quantity += entry.quantity
    holding.cost += paid
    holding.fees += entry.fee
    holding.lots.append(Lot(entry.quantity, paid / entry.quantity, entry.at))
    if kind is Kind.STAKING_REWARD:
        holding.income += entry.quantity * entry.price


def _dispose(holding: Holding, entry: Entry, kind: Kind, index: int) -> None:
    """Remove the entry's quantity at average cost and from the oldest lots; a SELL realises the gain."""
    if entry.quantity > holding.quantity:
        raise LedgerError(
            index,
            "quantity",
            f"{_VERBS[kind]} {_text(entry.quantity)} {entry.symbol}"
            f" but only {_text(holding.quantity)} are held at {entry.at.isoformat()}",
        )
    # The whole basis when everything goes, so no rounding residue is left behind.
    average = (
        holding.cost
        if entry.quantity == holding.quantity
        else holding.cost * entry.quantity / holding.quantity
    )
    fifo = _consume(holding.lots, entry.quantity)
    holding.quantity -= entry.quantity
    holding.cost -= average
    holding.fees += entry.fee
    if kind is Kind.SELL:
        proceeds = entry.quantity * entry.price - entry.fee
        holding.realised_fifo += proceeds - fifo
        holding.realised_average += proceeds - average
    elif kind is Kind.FEE:
        holding.fees += entry.quantity * entry.price
    if not holding.quantity:
        holding.cost = _ZERO
        holding.lots.clear()
        holding.first_acquired = None


def _consume(lots: list[Lot], quantity: Decimal) -> Decimal:
    """Take `quantity` from the oldest lots (the last one taken from may be split); the cost taken."""
    cost = _ZERO
    used = 0
    while quantity and used < len(lots):
        lot = lots[used]
        if lot.quantity > quantity:
            lots[used] = Lot(lot.quantity - quantity, lot.unit_cost, lot.at)
            cost += quantity * lot.unit_cost
            break
        cost += lot.quantity * lot.unit_cost
        quantity -= lot.quantity
        used += 1
    del lots[:used]
    return cost


def _checked(index: int, entry: Entry, previous: datetime | None) -> Kind:
    """The entry's kind, once every field is valid; LedgerError naming the first field that is not."""
    try:
        kind = Kind(entry.kind)
    except ValueError:
        raise LedgerError(index, "kind", f"{entry.kind!r} is not one of {', '.join(Kind)}") from None
    if not entry.symbol:
        raise LedgerError(index, "symbol", "must not be empty")
    if kind in (Kind.DEPOSIT, Kind.WITHDRAW) and entry.symbol not in CASH:
        raise LedgerError(
            index, "symbol", f"{kind} takes a cash symbol ({', '.join(sorted(CASH))}), not {entry.symbol}"
        )
    if not entry.quantity.is_finite() or entry.quantity <= 0:
        raise LedgerError(index, "quantity", f"must be greater than 0, got {entry.quantity}")
    for name, value in (("price", entry.price), ("fee", entry.fee)):
        if not value.is_finite() or value < 0:
            raise LedgerError(index, name, f"must be 0 or more, got {value}")
    if entry.at.utcoffset() is None:
        raise LedgerError(index, "at", f"must be timezone-aware (UTC), got {entry.at.isoformat()}")
    if previous is not None and entry.at < previous:
        raise LedgerError(
            index, "at", f"{entry.at.isoformat()} is before the previous entry's {previous.isoformat()}"
        )
    return kind


def _text(quantity: Decimal) -> str:
    """A quantity in plain notation without trailing zeros: 1.50 -> 1.5, 2E+1 -> 20."""
    return format(quantity.normalize(), "f")


@dataclass
class DayTotal:
    """A UTC day's entries summed: each symbol's net quantity change (acquisitions +, disposals -) and the
    day's external flow (Σ flow_amount)."""

    changes: dict[str, Decimal] = field(default_factory=dict)
    flow: Decimal = _ZERO


def day_totals(entries: Iterable[Entry]) -> dict[date, DayTotal]:
    """Entries summed per UTC day (the `portfolio_days` snapshots).

    >>> t = datetime.fromisoformat("2024-01-01T10:00:00+00:00")
    >>> buy = Entry(Kind.BUY, "BTC-USD", Decimal("0.5"), Decimal(40000), Decimal(10), t)
    >>> sell = Entry(Kind.SELL, "BTC-USD", Decimal("0.2"), Decimal(41000), Decimal(4), t)
    >>> total = day_totals([buy, sell])[t.date()]
    >>> total.changes, total.flow
    ({'BTC-USD': Decimal('0.3')}, Decimal('11814.0'))
    """
    out: dict[date, DayTotal] = {}
    for entry in entries:
        day = out.setdefault(entry.at.astimezone(UTC).date(), DayTotal())
        sign = quantity_sign(Kind(entry.kind))
        day.changes[entry.symbol] = day.changes.get(entry.symbol, _ZERO) + sign * entry.quantity
        day.flow += flow_amount(entry)
    return out
