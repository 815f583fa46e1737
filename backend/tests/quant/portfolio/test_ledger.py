"""The ledger replay: each kind against hand-computed holdings and flows, FIFO against average cost, every
LedgerError path, and properties over random buy/sell sequences."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.quant.portfolio.ledger import (
    CASH,
    Entry,
    Flow,
    Holding,
    Kind,
    Ledger,
    LedgerError,
    Lot,
    flow_amount,
    replay,
)

T0 = datetime(2024, 1, 1, tzinfo=UTC)
D = Decimal


def day(n: int) -> datetime:
    return T0 + timedelta(days=n)


def entry(kind: Kind, symbol: str, quantity: str, price: str, fee: str = "0", at: int = 0) -> Entry:
    return Entry(kind, symbol, D(quantity), D(price), D(fee), day(at))


def test_buy_adds_quantity_basis_lot_and_an_inflow() -> None:
    ledger = replay([entry(Kind.BUY, "BTC-USD", "2", "100", fee="2")])
    h = ledger.holdings["BTC-USD"]
    assert (h.quantity, h.cost, h.average_cost, h.fees) == (2, 202, 101, 2)  # 2 * 100 + 2
    assert h.lots == [Lot(D(2), D(101), day(0))]
    assert (h.realised_fifo, h.realised_average, h.income, h.first_acquired) == (0, 0, 0, day(0))
    assert ledger.flows == [Flow(day(0), D(202))]


def test_fifo_and_average_realised_pnl_on_three_buys_and_two_sells() -> None:
    ledger = replay(
        [
            entry(Kind.BUY, "ETH-USD", "1", "100", at=0),
            entry(Kind.BUY, "ETH-USD", "2", "130", at=1),
            entry(Kind.BUY, "ETH-USD", "1", "160", at=2),  # 4 held, basis 100 + 260 + 160 = 520, average 130
            entry(Kind.SELL, "ETH-USD", "1.5", "150", at=3),
            entry(Kind.SELL, "ETH-USD", "2", "120", at=4),
        ]
    )
    h = ledger.holdings["ETH-USD"]
    # Sell 1.5 at 150: proceeds 225.
    #   FIFO: lots 1 @ 100 + 0.5 of the 2 @ 130 = 165, realised 60; average: 1.5 * 130 = 195, realised 30.
    #   Left: 2.5, basis 325 (average still 130); lots 1.5 @ 130, 1 @ 160.
    # Sell 2 at 120: proceeds 240.
    #   FIFO: 1.5 @ 130 + 0.5 @ 160 = 275, realised -35, 60 - 35 = 25 in all;
    #   average: 2 * 130 = 260, realised -20, 30 - 20 = 10 in all.
    #   Left: 0.5, basis 65; lot 0.5 @ 160 (FIFO basis 80).
    assert (h.realised_fifo, h.realised_average) == (25, 10)
    assert (h.quantity, h.cost, h.average_cost) == (D("0.5"), 65, 130)
    assert h.lots == [Lot(D("0.5"), D(160), day(2))]
    # Total P&L at 140 is the same either way: 25 + 0.5 * 140 - 80 = 10 + 0.5 * 140 - 65 = 15
    # = proceeds 465 + value 70 - money in 520.
    assert h.realised_fifo + D(70) - D(80) == h.realised_average + D(70) - h.cost == 15
    assert [f.amount for f in ledger.flows] == [100, 260, 160, -225, -240]
    assert ledger.net_invested == 55


def test_fees_enter_the_basis_of_a_buy_and_leave_the_proceeds_of_a_sell() -> None:
    ledger = replay(
        [
            entry(Kind.BUY, "SOL-USD", "1", "100", fee="1", at=0),  # basis 101, flow +101
            entry(Kind.SELL, "SOL-USD", "0.5", "120", fee="2", at=1),  # proceeds 60 - 2 = 58, flow -58
        ]
    )
    h = ledger.holdings["SOL-USD"]
    assert h.realised_fifo == h.realised_average == D("7.5")  # 58 - 0.5 * 101
    assert (h.cost, h.fees) == (D("50.5"), 3)
    assert [f.amount for f in ledger.flows] == [101, -58]


def test_a_sell_splits_the_oldest_lot_and_keeps_its_time() -> None:
    entries = [
        entry(Kind.BUY, "BTC-USD", "3", "10", at=0),
        entry(Kind.BUY, "BTC-USD", "2", "20", at=1),
        entry(Kind.SELL, "BTC-USD", "1", "30", at=2),
        entry(Kind.SELL, "BTC-USD", "2.5", "30", at=3),
    ]
    h = replay(entries[:3]).holdings["BTC-USD"]
    assert h.lots == [Lot(D(2), D(10), day(0)), Lot(D(2), D(20), day(1))]
    assert h.realised_fifo == 20  # 30 - 10
    h = replay(entries).holdings["BTC-USD"]
    assert h.lots == [Lot(D("1.5"), D(20), day(1))]  # 2 @ 10 gone, then 0.5 of the 2 @ 20
    assert h.realised_fifo == 20 + 75 - 30  # proceeds 75 less 2 * 10 + 0.5 * 20
    assert h.first_acquired == day(0)  # the holding never went to 0


def test_deposit_and_withdraw_move_cash_and_money_with_the_fee_borne_by_the_return() -> None:
    ledger = replay(
        [
            entry(Kind.DEPOSIT, "USD", "1000", "1", fee="5", at=0),  # 1000 arrives, 1005 was paid in
            entry(Kind.WITHDRAW, "USD", "400", "1", fee="2", at=1),  # 400 leaves, 398 reaches the investor
        ]
    )
    h = ledger.holdings["USD"]
    assert (h.quantity, h.cost, h.fees) == (600, 603, 7)  # basis 1005 - 400 * 1.005
    assert h.realised_fifo == h.realised_average == 0
    assert [f.amount for f in ledger.flows] == [1005, -398]
    # Value 600 against 607 put in on balance: the fees are the loss.
    assert D(600) - ledger.net_invested == -h.fees


def test_a_stablecoin_deposit_is_valued_at_its_price() -> None:
    ledger = replay([entry(Kind.DEPOSIT, "USDT", "100", "0.999")])
    assert ledger.holdings["USDT"].cost == D("99.9") == ledger.net_invested
    assert {"USD", "USDT", "USDC"} == CASH


def test_transfers_move_coins_at_market_value_and_realise_nothing() -> None:
    ledger = replay(
        [
            entry(Kind.TRANSFER_IN, "ETH-USD", "1", "2000", at=0),  # held at its market value
            entry(Kind.BUY, "ETH-USD", "1", "2500", at=1),  # 2 held, basis 4500
            entry(Kind.TRANSFER_OUT, "ETH-USD", "1.5", "3000", fee="3", at=2),  # 4500 out, 3 kept back
        ]
    )
    h = ledger.holdings["ETH-USD"]
    assert h.realised_fifo == h.realised_average == 0
    assert (h.quantity, h.cost) == (D("0.5"), 1125)  # 4500 - 1.5 * 2250
    assert h.lots == [Lot(D("0.5"), D(2500), day(1))]
    assert [f.amount for f in ledger.flows] == [2000, 2500, -4497]


def test_a_staking_reward_is_income_held_at_its_price_and_no_flow() -> None:
    ledger = replay(
        [
            entry(Kind.BUY, "ETH-USD", "1", "2000", at=0),
            entry(Kind.STAKING_REWARD, "ETH-USD", "0.1", "2500", at=1),
        ]
    )
    h = ledger.holdings["ETH-USD"]
    assert (h.quantity, h.income, h.cost) == (D("1.1"), 250, 2250)
    assert h.lots[-1] == Lot(D("0.1"), D(2500), day(1))
    assert h.first_acquired == day(0)
    assert ledger.flows == [Flow(day(0), D(2000))]


def test_a_fee_paid_in_a_coin_removes_it_at_average_cost_with_no_flow() -> None:
    ledger = replay(
        [
            entry(Kind.BUY, "ETH-USD", "2", "1000", at=0),
            entry(Kind.FEE, "ETH-USD", "0.01", "1200", at=1),  # a network fee worth 12
        ]
    )
    h = ledger.holdings["ETH-USD"]
    assert (h.quantity, h.cost, h.fees) == (D("1.99"), 1990, 12)  # basis 2000 - 0.01 * 1000
    assert h.realised_fifo == h.realised_average == 0
    assert h.lots == [Lot(D("1.99"), D(1000), day(0))]
    assert len(ledger.flows) == 1


def test_a_fee_on_an_entry_without_a_flow_of_its_own_is_brought_in() -> None:
    reward = entry(Kind.STAKING_REWARD, "ETH-USD", "0.1", "2000", fee="1")
    assert flow_amount(reward) == 1
    h = replay([reward]).holdings["ETH-USD"]
    assert (h.income, h.cost, h.fees) == (200, 201, 1)


@pytest.mark.parametrize(
    ("kind", "symbol", "expected"),
    [
        (Kind.BUY, "BTC-USD", "201"),  # 2 * 100 + 1
        (Kind.DEPOSIT, "USD", "201"),
        (Kind.TRANSFER_IN, "BTC-USD", "201"),
        (Kind.SELL, "BTC-USD", "-199"),  # -(2 * 100 - 1)
        (Kind.WITHDRAW, "USDC", "-199"),
        (Kind.TRANSFER_OUT, "BTC-USD", "-199"),
        (Kind.STAKING_REWARD, "BTC-USD", "1"),
        (Kind.FEE, "BTC-USD", "1"),
    ],
)
def test_flow_amount_of_each_kind(kind: Kind, symbol: str, expected: str) -> None:
    assert flow_amount(entry(kind, symbol, "2", "100", fee="1")) == D(expected)


def test_reaching_zero_resets_the_holding_and_buying_again_starts_afresh() -> None:
    ledger = replay(
        [
            entry(Kind.BUY, "BTC-USD", "1", "100", fee="1", at=0),
            entry(Kind.SELL, "BTC-USD", "1", "90", at=1),
            entry(Kind.BUY, "ETH-USD", "1", "10", at=1),
        ]
    )
    btc = ledger.holdings["BTC-USD"]
    assert (btc.quantity, btc.cost, btc.lots, btc.first_acquired) == (0, 0, [], None)
    assert btc.realised_fifo == btc.realised_average == -11
    assert btc.average_cost == 0
    assert ledger.held() == {"ETH-USD": 1}
    assert set(ledger.holdings) == {"BTC-USD", "ETH-USD"}  # touched, even at 0
    ledger = replay(
        [
            entry(Kind.BUY, "BTC-USD", "1", "100", fee="1", at=0),
            entry(Kind.SELL, "BTC-USD", "1", "90", at=1),
            entry(Kind.BUY, "BTC-USD", "2", "50", at=2),
        ]
    )
    btc = ledger.holdings["BTC-USD"]
    assert (btc.first_acquired, btc.cost, btc.lots) == (day(2), 100, [Lot(D(2), D(50), day(2))])
    assert btc.realised_fifo == -11


def test_selling_everything_in_thirds_leaves_no_rounding_residue() -> None:
    entries = [entry(Kind.BUY, "BTC-USD", "3", "10", fee="1")]  # basis 31: a third is 10.333...
    entries += [entry(Kind.SELL, "BTC-USD", "1", "11", at=1) for _ in range(3)]
    h = replay(entries).holdings["BTC-USD"]
    assert (h.quantity, h.cost, h.lots) == (0, 0, [])
    assert h.realised_fifo == pytest.approx(D(2), abs=D("1e-24"))  # 33 - 31
    assert h.realised_average == pytest.approx(D(2), abs=D("1e-24"))


def test_an_average_cost_with_no_quantity_is_zero() -> None:
    assert Holding("BTC-USD").average_cost == 0
    assert Ledger().net_invested == 0 and Ledger().held() == {}


def test_flows_are_in_entry_order_and_zero_flows_are_left_out() -> None:
    ledger = replay(
        [
            entry(Kind.DEPOSIT, "USD", "50", "1", at=0),
            entry(Kind.BUY, "BTC-USD", "1", "100", at=0),
            entry(Kind.STAKING_REWARD, "BTC-USD", "0.01", "100", at=1),
            entry(Kind.BUY, "DOGE-USD", "100", "0", at=1),  # an airdrop bought at 0: no money moved
            entry(Kind.SELL, "BTC-USD", "0.5", "120", at=2),
        ]
    )
    assert ledger.flows == [Flow(day(0), D(50)), Flow(day(0), D(100)), Flow(day(2), D(-60))]
    assert ledger.net_invested == 90


def test_the_kind_may_be_given_as_its_stored_string() -> None:
    stored = Entry("BUY", "BTC-USD", D(1), D(100), D(0), T0)  # type: ignore[arg-type]
    assert replay([stored]).holdings["BTC-USD"].quantity == 1


BUY_ONE = entry(Kind.BUY, "BTC-USD", "1.5", "100")
AT = "2024-01-01T00:00:00+00:00"


@pytest.mark.parametrize(
    ("bad", "field", "message"),
    [
        (
            entry(Kind.SELL, "BTC-USD", "2", "100"),
            "quantity",
            f"sells 2 BTC-USD but only 1.5 are held at {AT}",
        ),
        (entry(Kind.SELL, "ETH-USD", "1", "100"), "quantity", f"sells 1 ETH-USD but only 0 are held at {AT}"),
        (
            entry(Kind.TRANSFER_OUT, "BTC-USD", "1.50000001", "100"),
            "quantity",
            f"transfers out 1.50000001 BTC-USD but only 1.5 are held at {AT}",
        ),
        (
            entry(Kind.FEE, "BTC-USD", "2.0", "100"),
            "quantity",
            f"pays a fee of 2 BTC-USD but only 1.5 are held at {AT}",
        ),
        (entry(Kind.WITHDRAW, "USD", "1", "1"), "quantity", f"withdraws 1 USD but only 0 are held at {AT}"),
        (entry(Kind.BUY, "BTC-USD", "0", "100"), "quantity", "must be greater than 0, got 0"),
        (entry(Kind.BUY, "BTC-USD", "-1", "100"), "quantity", "must be greater than 0, got -1"),
        (entry(Kind.BUY, "BTC-USD", "NaN", "100"), "quantity", "must be greater than 0, got NaN"),
        (entry(Kind.BUY, "BTC-USD", "1", "-0.01"), "price", "must be 0 or more, got -0.01"),
        (entry(Kind.BUY, "BTC-USD", "1", "Infinity"), "price", "must be 0 or more, got Infinity"),
        (entry(Kind.SELL, "BTC-USD", "1", "100", fee="-1"), "fee", "must be 0 or more, got -1"),
        (
            entry(Kind.DEPOSIT, "BTC-USD", "1", "100"),
            "symbol",
            "DEPOSIT takes a cash symbol (USD, USDC, USDT), not BTC-USD",
        ),
        (
            entry(Kind.WITHDRAW, "BTC-USD", "1", "100"),
            "symbol",
            "WITHDRAW takes a cash symbol (USD, USDC, USDT), not BTC-USD",
        ),
        (entry(Kind.BUY, "", "1", "100"), "symbol", "must not be empty"),
        (
            Entry("SWAP", "BTC-USD", D(1), D(1), D(0), T0),  # type: ignore[arg-type]
            "kind",
            "'SWAP' is not one of BUY, SELL, DEPOSIT, WITHDRAW, FEE, STAKING_REWARD, TRANSFER_IN,"
            " TRANSFER_OUT",
        ),
        (
            Entry(Kind.BUY, "BTC-USD", D(1), D(1), D(0), datetime(2024, 1, 2)),
            "at",
            "must be timezone-aware (UTC), got 2024-01-02T00:00:00",
        ),
        (
            Entry(Kind.BUY, "BTC-USD", D(1), D(1), D(0), T0 - timedelta(seconds=1)),
            "at",
            f"2023-12-31T23:59:59+00:00 is before the previous entry's {AT}",
        ),
    ],
)
def test_each_invalid_entry_is_a_ledger_error_naming_index_field_and_problem(
    bad: Entry, field: str, message: str
) -> None:
    with pytest.raises(LedgerError) as caught:
        replay([BUY_ONE, bad, entry(Kind.SELL, "BTC-USD", "99", "1")])  # the first invalid one is reported
    error = caught.value
    assert (error.index, error.field, error.message) == (1, field, message)
    assert str(error) == f"entry 1, {field}: {message}"
    assert isinstance(error, ValueError)


def test_equal_times_apply_in_input_order() -> None:
    same = [entry(Kind.BUY, "BTC-USD", "1", "100"), entry(Kind.SELL, "BTC-USD", "1", "110")]
    assert replay(same).holdings["BTC-USD"].realised_fifo == 10
    with pytest.raises(LedgerError, match="entry 0, quantity: sells 1 BTC-USD but only 0"):
        replay(same[::-1])


Step = tuple[bool, Decimal, Decimal, Decimal]
# Random buy/sell sequences: up to 4 decimals of quantity, 2 of price and fee.
STEPS = st.lists(
    st.tuples(
        st.booleans(),
        st.decimals(min_value="0.0001", max_value="50", places=4),
        st.decimals(min_value="0", max_value="100000", places=2),
        st.decimals(min_value="0", max_value="25", places=2),
    ),
    min_size=1,
    max_size=30,
)


def _sequence(steps: list[Step], fees: bool) -> list[Entry]:
    """Buys, and sells of at most what is held (a sell of more sells everything); one step per hour."""
    entries, held = [], D(0)
    for n, (sell, quantity, price, fee) in enumerate(steps):
        at, charged = T0 + timedelta(hours=n), fee if fees else D(0)
        if sell and held:
            quantity = min(quantity, held)
            entries.append(Entry(Kind.SELL, "BTC-USD", quantity, price, charged, at))
            held -= quantity
        else:
            entries.append(Entry(Kind.BUY, "BTC-USD", quantity, price, charged, at))
            held += quantity
    return entries


@settings(max_examples=300, deadline=None)
@given(STEPS, st.decimals(min_value="0", max_value="100000", places=2), st.booleans())
def test_fifo_and_average_cost_agree_on_total_pnl(steps: list[Step], mark: Decimal, fees: bool) -> None:
    entries = _sequence(steps, fees)
    ledger = replay(entries)
    h = ledger.holdings["BTC-USD"]
    fifo_basis = sum((lot.quantity * lot.unit_cost for lot in h.lots), D(0))
    fifo_total = h.realised_fifo + mark * h.quantity - fifo_basis
    average_total = h.realised_average + mark * h.quantity - h.cost
    # Either way the total P&L is the value now less the money in on balance.
    assert fifo_total == pytest.approx(average_total, abs=D("1e-12"))
    assert average_total == pytest.approx(mark * h.quantity - ledger.net_invested, abs=D("1e-12"))
    assert sum((lot.quantity for lot in h.lots), D(0)) == h.quantity >= 0


@settings(max_examples=200, deadline=None)
@given(STEPS)
def test_the_flows_are_the_money_in_less_the_money_out(
    steps: list[Step],
) -> None:
    entries = _sequence(steps, fees=True)
    ledger = replay(entries)
    paid_in = sum((e.quantity * e.price + e.fee for e in entries if e.kind is Kind.BUY), D(0))
    paid_out = sum((e.quantity * e.price - e.fee for e in entries if e.kind is Kind.SELL), D(0))
    assert ledger.net_invested == paid_in - paid_out
    assert [f.amount for f in ledger.flows] == [flow_amount(e) for e in entries if flow_amount(e)]
