"""Advisory rebalancing: the trades bringing a portfolio back to its target weights; it never trades."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal, localcontext

from app.quant.portfolio.ledger import CASH  # the settlement currency every trade is paid from and into

# Where the money left over from the trades goes when no cash is held: the exchange's quote currency.
SETTLEMENT = "USD"
DEFAULT_STEP = Decimal("0.00000001")
# Targets must sum to 1 within this (0.333333 three times is fine).
TARGET_TOLERANCE = Decimal("0.000001")
# Enough digits that quantities, prices and their products stay exact; the directed roundings below are then
# about the last digit only.
_PRECISION = 50
_ZERO = Decimal(0)
_ONE = Decimal(1)


@dataclass(frozen=True, slots=True)
class Trade:
    """One proposed trade: `side` "BUY" or "SELL", `quantity` in the symbol's units (a multiple of its step),
    `notional` = quantity * price, `fee` = notional * fee_rate (paid in cash), `reason` its numbers."""

    symbol: str
    side: str
    quantity: Decimal
    notional: Decimal
    reason: str
    fee: Decimal = _ZERO


@dataclass(frozen=True, slots=True)
class Plan:
    """`plan`'s advice: the trades (sells first, they fund the buys), the weights before and after them,
    `turnover` = sum of the trades' notionals / total value before (both sides counted, a fraction), `fees`
    their sum in currency, `skipped` one human-readable line per symbol not traded, saying why, and
    `quantities_after` every symbol's quantity once the trades and their settlement in cash are done."""

    trades: list[Trade]
    weights_before: dict[str, float]
    weights_after: dict[str, float]
    turnover: Decimal
    fees: Decimal
    skipped: list[str]
    quantities_after: dict[str, Decimal] = field(default_factory=dict)


@dataclass(slots=True)
class _Move:
    symbol: str
    side: str
    quantity: Decimal
    price: Decimal
    fee_rate: Decimal
    cut: list[str]

    @property
    def notional(self) -> Decimal:
        return self.quantity * self.price

    @property
    def fee(self) -> Decimal:
        return self.notional * self.fee_rate


def plan(
    quantities: Mapping[str, Decimal],
    prices: Mapping[str, Decimal],
    targets: Mapping[str, Decimal],
    *,
    band: Decimal,
    min_trade: Decimal = Decimal("10"),
    fee_rate: Decimal = Decimal("0.001"),
    steps: Mapping[str, Decimal] | None = None,
    turnover_cap: Decimal | None = None,
) -> Plan:
    """The trades that bring the weights back to `targets`, self-funded (no new money), as advice only.

    Symbols are those held (quantity > 0) or targeted (target > 0); a held symbol without a target has target
    0, a targeted symbol not held quantity 0. Value v_s = q_s * p_s, total T = sum_s v_s, weight w_s = v_s / T
    (USD, USDT and USDC priced by `prices` like the others).

    1. Band: nothing is proposed unless some |w_s - target_s| > band; then every symbol is brought toward
       target_s * T, not just the ones outside the band.
    2. Cash (USD, USDT, USDC) is the settlement currency: never traded and paying no fee itself, it receives
       the sales' proceeds and pays for the buys and every fee. The other symbols' wanted change is
       d_s = target_s * T / p_s - q_s (a sale when negative, a purchase when positive).
    3. Turnover cap: when sum_s |d_s| * p_s > turnover_cap * T, every d_s is multiplied by
       turnover_cap * T / sum_s |d_s| * p_s.
    4. Sales: quantity |d_s| rounded DOWN to the symbol's step (`steps`, default 0.00000001), so a sale never
       goes below the target (a symbol without a target is sold entirely when its holding is a multiple of
       its step); a sale with notional < min_trade is dropped. Proceeds net of fees:
       P = sum notional * (1 - fee_rate).
    5. Purchases are paid from P plus the cash above its target, E = sum_cash max(0, v_c - target_c * T):
       when the wanted purchases and their fees, sum d_s * p_s * (1 + fee_rate), exceed P + E, every d_s is
       multiplied by (P + E) / that sum. Quantities are then rounded down to the step (never past the target)
       and a purchase with notional < min_trade is dropped. So the cash never falls below
       min(its holding, its target): there is no new money and no borrowing.
    6. The net cash flow N = P - sum purchases * (1 + fee_rate) settles in cash: a negative N is drawn from
       the cash symbols above their target in proportion to their excess; a positive N goes to the cash
       symbols below their target in proportion to their shortfall, or, when none is, to the largest cash
       holding, or to USD (at `prices`' USD price, else 1) when no cash is held. Stablecoins are never
       converted into one another.

    Weights after come from the quantities after the trades, fees deducted (the total after is T - fees).
    Each trade's reason names its numbers; `skipped` says why every other symbol is not traded (within band,
    at target, cash, rounded to nothing, under min_trade). With nothing held, an empty plan.

    ValueError, naming the symbol, for a missing or non-positive price, a negative quantity, a target outside
    [0, 1] or a step <= 0; and for targets not summing to 1 (within 0.000001), a negative band, min_trade or
    turnover_cap, or a fee_rate outside [0, 1).

    >>> q = {"BTC-USD": Decimal("1.36"), "ETH-USD": Decimal("10"), "USDT": Decimal("7000")}
    >>> p = {"BTC-USD": Decimal("50000"), "ETH-USD": Decimal("2500"), "USDT": Decimal("1")}
    >>> t = {"BTC-USD": Decimal("0.6"), "ETH-USD": Decimal("0.3"), "USDT": Decimal("0.1")}
    >>> advice = plan(q, p, t, band=Decimal("0.05"))
    >>> [(x.side, x.symbol, str(x.quantity), str(x.notional), str(x.fee)) for x in advice.trades]
    [('SELL', 'BTC-USD', '0.16000000', '8000.00000000', '8.00000000000'),
     ('BUY', 'ETH-USD', '2.00000000', '5000.00000000', '5.00000000000')]
    >>> advice.trades[0].reason
    'BTC-USD is 68.0% against a 60.0% target (band ±5.0%): sell 0.16 to bring it to 60.0%'
    >>> advice.turnover, advice.fees, round(advice.weights_after["USDT"], 6)  # (7000 + 7992 - 5005) / 99987
    (Decimal('0.130000'), Decimal('13.00000000000'), 0.099883)
    """
    _check_settings(band, min_trade, fee_rate, turnover_cap)
    with localcontext() as context:
        context.prec = _PRECISION
        return _plan(quantities, prices, targets, band, min_trade, fee_rate, steps or {}, turnover_cap)


def _plan(
    quantities: Mapping[str, Decimal],
    prices: Mapping[str, Decimal],
    targets: Mapping[str, Decimal],
    band: Decimal,
    min_trade: Decimal,
    fee_rate: Decimal,
    steps: Mapping[str, Decimal],
    turnover_cap: Decimal | None,
) -> Plan:
    names = [
        s
        for s in dict.fromkeys([*quantities, *targets])
        if quantities.get(s, _ZERO) != 0 or targets.get(s, _ZERO) != 0
    ]
    held = {s: quantities.get(s, _ZERO) for s in names}
    goal = {s: targets.get(s, _ZERO) for s in names}
    for s in names:
        if held[s] < 0:
            raise ValueError(f"the quantity of {s} is negative: {held[s]}")
        if not 0 <= goal[s] <= 1:
            raise ValueError(f"the target of {s} must be between 0 and 1, got {goal[s]}")
    price = {s: _price(prices, s) for s in names}
    if not names:
        return Plan([], {}, {}, _ZERO, _ZERO, ["nothing is held or targeted: nothing to rebalance"])
    target_sum = sum(goal.values(), _ZERO)
    if abs(target_sum - 1) > TARGET_TOLERANCE:
        raise ValueError(f"the targets must sum to 1, got {target_sum}")
    value = {s: held[s] * price[s] for s in names}
    total = sum(value.values(), _ZERO)
    if total == 0:
        zeros = dict.fromkeys(names, 0.0)
        worthless = ["the holdings are worth 0: nothing to rebalance"]
        return Plan([], zeros, dict(zeros), _ZERO, _ZERO, worthless, dict(held))
    weight = {s: value[s] / total for s in names}
    before = {s: float(weight[s]) for s in names}
    if all(abs(weight[s] - goal[s]) <= band for s in names):
        calm = [
            f"{s} is {_pct(weight[s])} against a {_pct(goal[s])} target: within band (±{_pct(band)})"
            for s in names
        ]
        return Plan([], before, dict(before), _ZERO, _ZERO, calm, dict(held))

    step = {s: steps.get(s, DEFAULT_STEP) for s in names if s not in CASH}
    for s, size in step.items():
        if not size > 0:
            raise ValueError(f"the step of {s} must be positive, got {size}")
    wanted = {s: goal[s] * total / price[s] - held[s] for s in step}
    gross = sum((abs(d) * price[s] for s, d in wanted.items()), _ZERO)
    scale, capped = _ONE, []
    if turnover_cap is not None and gross > turnover_cap * total:
        scale = _divide_down(turnover_cap * total, gross)
        capped = [f"cut to {_pct(scale)} of the move by the {_pct(turnover_cap)} turnover cap"]

    skipped: list[str] = []
    sells = [
        _Move(s, "SELL", _round_down(-d * scale, step[s]), price[s], fee_rate, list(capped))
        for s, d in wanted.items()
        if d < 0
    ]
    sells = _keep_large(sells, min_trade, weight, goal, step, skipped)
    proceeds = sum((m.notional - m.fee for m in sells), _ZERO)
    spare_cash = sum((max(_ZERO, value[c] - goal[c] * total) for c in names if c in CASH), _ZERO)
    buying = {s: d * scale for s, d in wanted.items() if d > 0}
    cost = sum((d * price[s] for s, d in buying.items()), _ZERO) * (1 + fee_rate)
    funded, short = _ONE, []
    if cost > proceeds + spare_cash:
        funded = _divide_down(proceeds + spare_cash, cost)
        short = [f"cut to {_pct(funded)} so the buys and their fees are paid by the sales and spare cash"]
    buys = [
        _Move(s, "BUY", _round_down(d * funded, step[s]), price[s], fee_rate, capped + short)
        for s, d in buying.items()
    ]
    buys = _keep_large(buys, min_trade, weight, goal, step, skipped)
    for s, d in wanted.items():
        if d == 0:
            skipped.append(f"{s} is at its {_pct(goal[s])} target: not traded")

    moves = sells + buys
    after = dict(held)
    for m in moves:
        after[m.symbol] += m.quantity if m.side == "BUY" else -m.quantity
    flow = proceeds - sum((m.notional + m.fee for m in buys), _ZERO)
    settled = _settle(flow, names, value, goal, total)
    for c, amount in settled.items():
        if c not in after:
            names.append(c)
            after[c], goal[c], weight[c], before[c] = _ZERO, _ZERO, _ZERO, 0.0
            price[c] = _price(prices, c) if c in prices else _ONE
        after[c] += amount / price[c]
    total_after = sum((after[s] * price[s] for s in names), _ZERO)
    weight_after = {s: after[s] * price[s] / total_after for s in names}
    for c in (s for s in names if s in CASH):
        amount = settled.get(c, _ZERO)
        change = "is unchanged"
        if amount:
            change = f"receives {_money(amount)}" if amount > 0 else f"pays {_money(-amount)}"
        skipped.append(
            f"{c} is cash, the settlement currency: not traded; it {change} "
            f"({_pct(weight[c])} -> {_pct(weight_after[c])} against a {_pct(goal[c])} target)"
        )

    trades = [
        Trade(
            m.symbol,
            m.side,
            m.quantity,
            m.notional,
            f"{m.symbol} is {_pct(weight[m.symbol])} against a {_pct(goal[m.symbol])} target "
            f"(band ±{_pct(band)}): {m.side.lower()} {_plain(m.quantity)} to bring it to "
            f"{_pct(weight_after[m.symbol])}" + "".join(f"; {note}" for note in m.cut),
            m.fee,
        )
        for m in moves
    ]
    return Plan(
        trades=trades,
        weights_before=before,
        weights_after={s: float(weight_after[s]) for s in names},
        turnover=sum((t.notional for t in trades), _ZERO) / total,
        fees=sum((t.fee for t in trades), _ZERO),
        skipped=skipped,
        quantities_after=after,
    )


def _check_settings(
    band: Decimal, min_trade: Decimal, fee_rate: Decimal, turnover_cap: Decimal | None
) -> None:
    if band < 0:
        raise ValueError(f"band must not be negative, got {band}")
    if min_trade < 0:
        raise ValueError(f"min_trade must not be negative, got {min_trade}")
    if not 0 <= fee_rate < 1:
        raise ValueError(f"fee_rate must be in [0, 1), got {fee_rate}")
    if turnover_cap is not None and turnover_cap < 0:
        raise ValueError(f"turnover_cap must not be negative, got {turnover_cap}")


def _price(prices: Mapping[str, Decimal], symbol: str) -> Decimal:
    if symbol not in prices:
        raise ValueError(f"no price for {symbol}")
    price = prices[symbol]
    if not price > 0:
        raise ValueError(f"the price of {symbol} must be positive, got {price}")
    return price


def _keep_large(
    moves: list[_Move],
    min_trade: Decimal,
    weight: dict[str, Decimal],
    goal: dict[str, Decimal],
    step: dict[str, Decimal],
    skipped: list[str],
) -> list[_Move]:
    """The moves worth trading; a line in `skipped` for each of the others."""
    kept = []
    for m in moves:
        where = f"{m.symbol} is {_pct(weight[m.symbol])} against a {_pct(goal[m.symbol])} target"
        if m.quantity == 0:
            skipped.append(
                f"{where}: the {m.side.lower()} rounds to nothing at its step of {_plain(step[m.symbol])}"
            )
        elif m.notional < min_trade:
            skipped.append(
                f"{where}: {m.side.lower()} {_plain(m.quantity)} ({_money(m.notional)}) is under the "
                f"minimum trade of {_money(min_trade)}"
            )
        else:
            kept.append(m)
    return kept


def _settle(
    flow: Decimal, names: list[str], value: dict[str, Decimal], goal: dict[str, Decimal], total: Decimal
) -> dict[str, Decimal]:
    """The net cash flow of the trades split over the cash symbols (rule 6 of `plan`)."""
    cash = [c for c in names if c in CASH]
    if flow < 0:
        room = {c: max(_ZERO, value[c] - goal[c] * total) for c in cash}
    elif flow > 0:
        room = {c: max(_ZERO, goal[c] * total - value[c]) for c in cash}
        if not any(room.values()):
            room = {max(cash, key=lambda c: value[c]) if cash else SETTLEMENT: _ONE}
    else:
        return {}
    room = {c: r for c, r in room.items() if r > 0} or {SETTLEMENT: _ONE}
    whole = sum(room.values(), _ZERO)
    shares = {c: flow * r / whole for c, r in room.items()}
    last = next(reversed(shares))
    shares[last] = flow - sum((v for c, v in shares.items() if c != last), _ZERO)
    return shares


def _round_down(quantity: Decimal, step: Decimal) -> Decimal:
    """The largest multiple of `step` not above `quantity` (>= 0), written with the step's decimals."""
    return _divide_down(quantity, step).to_integral_value(rounding=ROUND_FLOOR).quantize(_ONE) * step


def _divide_down(a: Decimal, b: Decimal) -> Decimal:
    """a / b rounded toward minus infinity, so a scaled amount never exceeds what was allowed."""
    with localcontext() as context:
        context.rounding = ROUND_FLOOR
        return a / b


def _pct(x: Decimal) -> str:
    return f"{x:.1%}"


def _money(x: Decimal) -> str:
    return f"{x:,.2f}"


def _plain(x: Decimal) -> str:
    return f"{x.normalize():f}"
