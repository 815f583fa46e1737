"""Advisory rebalancing: the seed case by hand, band, steps, minimum trade, fees, turnover cap and funding."""

from __future__ import annotations

from decimal import Decimal as D
from decimal import localcontext

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.quant.portfolio.rebalance import CASH, Plan, Trade, plan

SEED_Q = {"BTC-USD": D("1.36"), "ETH-USD": D("10"), "USDT": D("7000")}
SEED_P = {"BTC-USD": D("50000"), "ETH-USD": D("2500"), "USDT": D("1")}
SEED_T = {"BTC-USD": D("0.60"), "ETH-USD": D("0.30"), "USDT": D("0.10")}
BAND = D("0.05")


def _total(quantities: dict[str, D], prices: dict[str, D]) -> D:
    return sum((q * prices.get(s, D(1)) for s, q in quantities.items()), D(0))


def test_the_seed_case_by_hand() -> None:
    # Values 68,000 + 25,000 + 7,000 = 100,000: weights 68% / 25% / 7% against 60% / 30% / 10%; BTC is 8
    # points out of a 5-point band, so everything goes to target.
    advice = plan(SEED_Q, SEED_P, SEED_T, band=BAND)
    assert isinstance(advice, Plan)
    # BTC: 0.60 * 100,000 / 50,000 = 1.2 wanted, 1.36 held: sell 0.16, 8,000, fee 8 -> proceeds 7,992.
    # ETH: 0.30 * 100,000 / 2,500 = 12 wanted, 10 held: buy 2, 5,000, fee 5 -> costs 5,005 <= 7,992.
    assert advice.trades == [
        Trade(
            "BTC-USD",
            "SELL",
            D("0.16"),
            D("8000"),
            "BTC-USD is 68.0% against a 60.0% target (band ±5.0%): sell 0.16 to bring it to 60.0%",
            D("8"),
        ),
        Trade(
            "ETH-USD",
            "BUY",
            D("2"),
            D("5000"),
            "ETH-USD is 25.0% against a 30.0% target (band ±5.0%): buy 2 to bring it to 30.0%",
            D("5"),
        ),
    ]
    # USDT, the settlement cash, keeps the rest: 7,000 + 7,992 - 5,005 = 9,987. Total 100,000 - 13 = 99,987.
    assert advice.quantities_after == {"BTC-USD": D("1.2"), "ETH-USD": D("12"), "USDT": D("9987")}
    assert advice.fees == D("13") and advice.turnover == D("0.13")  # 13,000 traded of 100,000
    assert advice.weights_before == {"BTC-USD": 0.68, "ETH-USD": 0.25, "USDT": 0.07}
    assert advice.weights_after == {
        "BTC-USD": pytest.approx(60_000 / 99_987, rel=1e-15),
        "ETH-USD": pytest.approx(30_000 / 99_987, rel=1e-15),
        "USDT": pytest.approx(9_987 / 99_987, rel=1e-15),
    }
    assert advice.skipped == [
        "USDT is cash, the settlement currency: not traded; it receives 2,987.00 (7.0% -> 10.0% against "
        "a 10.0% target)"
    ]


def test_within_band_proposes_nothing() -> None:
    q = {"BTC-USD": D("1.24"), "ETH-USD": D("11.2"), "USDT": D("10000")}  # 62% / 28% / 10%
    advice = plan(q, SEED_P, SEED_T, band=BAND)
    assert advice.trades == [] and advice.fees == 0 and advice.turnover == 0
    assert advice.weights_after == advice.weights_before == {"BTC-USD": 0.62, "ETH-USD": 0.28, "USDT": 0.1}
    assert advice.quantities_after == q
    assert len(advice.skipped) == 3 and all("within band" in line for line in advice.skipped)
    assert advice.skipped[0] == "BTC-USD is 62.0% against a 60.0% target: within band (±5.0%)"
    # Exactly on the band's edge is inside it; a narrower band trades.
    assert plan(q, SEED_P, SEED_T, band=D("0.02")).trades == []
    assert len(plan(q, SEED_P, SEED_T, band=D("0.019")).trades) == 2


def test_step_rounding_never_overshoots_the_target() -> None:
    q = {"BTC-USD": D("1.5"), "ETH-USD": D("7.777")}
    p = {"BTC-USD": D("43210.98"), "ETH-USD": D("2345.67")}
    t = {"BTC-USD": D("0.4"), "ETH-USD": D("0.6")}
    steps = {"BTC-USD": D("0.001"), "ETH-USD": D("0.01")}
    advice = plan(q, p, t, band=BAND, steps=steps, fee_rate=D("0"))
    total = _total(q, p)
    sell, buy = advice.trades
    assert (sell.symbol, sell.side, buy.symbol, buy.side) == ("BTC-USD", "SELL", "ETH-USD", "BUY")
    with localcontext() as context:
        context.prec = 50
        btc_target, eth_target = D("0.4") * total / p["BTC-USD"], D("0.6") * total / p["ETH-USD"]
    # Total 64,816.47 + 18,242.27559 = 83,058.74559; BTC wanted 0.4 * that / 43,210.98 = 0.76886..., so
    # 0.73114 to sell: rounding down to 0.001 sells 0.731, leaving BTC a little above its target, never below.
    assert sell.quantity == D("0.731") and q["BTC-USD"] - sell.quantity >= btc_target
    assert q["BTC-USD"] - sell.quantity - steps["BTC-USD"] < btc_target
    assert buy.quantity % steps["ETH-USD"] == 0 and q["ETH-USD"] + buy.quantity <= eth_target
    assert sell.notional == sell.quantity * p["BTC-USD"]


def test_trades_under_the_minimum_are_dropped() -> None:
    # BTC 70,000 (70%), ETH 29,995 (29.995%), USDT 5: ETH is $5 short of 30%, under the $10 minimum.
    q = {"BTC-USD": D("1.4"), "ETH-USD": D("11.998"), "USDT": D("5")}
    advice = plan(q, SEED_P, SEED_T, band=BAND)
    assert [(x.symbol, x.side, x.quantity) for x in advice.trades] == [("BTC-USD", "SELL", D("0.2"))]
    assert (
        "ETH-USD is 30.0% against a 30.0% target: buy 0.002 (5.00) is under the minimum trade of 10.00"
        in advice.skipped
    )
    assert advice.quantities_after["USDT"] == D("5") + D("10000") - D("10")  # proceeds net of the fee
    assert len(plan(q, SEED_P, SEED_T, band=BAND, min_trade=D("5")).trades) == 2


def test_fees_come_out_of_the_portfolio() -> None:
    for fee_rate in (D("0"), D("0.001"), D("0.0075")):
        advice = plan(SEED_Q, SEED_P, SEED_T, band=BAND, fee_rate=fee_rate)
        assert advice.fees == sum(x.notional for x in advice.trades) * fee_rate
        assert all(x.fee == x.notional * fee_rate for x in advice.trades)
        after = _total(advice.quantities_after, SEED_P)
        assert after == _total(SEED_Q, SEED_P) - advice.fees
        assert sum(advice.weights_after.values()) == pytest.approx(1.0, abs=1e-15)
        assert advice.weights_after["BTC-USD"] == pytest.approx(float(D("60000") / after), rel=1e-15)


def test_the_turnover_cap_scales_every_trade() -> None:
    full = plan(SEED_Q, SEED_P, SEED_T, band=BAND)
    capped = plan(SEED_Q, SEED_P, SEED_T, band=BAND, turnover_cap=D("0.1"))
    assert full.turnover == D("0.13") and capped.turnover <= D("0.1")
    assert capped.turnover > D("0.0999")  # rounding down to the step loses little
    # Both trades cut by 0.1 / 0.13 = 76.9%, up to the step.
    for whole, cut in zip(full.trades, capped.trades, strict=True):
        assert whole.symbol == cut.symbol and whole.side == cut.side
        assert cut.quantity == pytest.approx(whole.quantity * D("0.1") / D("0.13"), abs=D("0.00000001"))
        assert "cut to 76.9% of the move by the 10.0% turnover cap" in cut.reason
    assert 0.60 < capped.weights_after["BTC-USD"] < 0.68
    assert plan(SEED_Q, SEED_P, SEED_T, band=BAND, turnover_cap=D("0.5")).trades == full.trades


def test_a_symbol_held_without_target_is_sold_entirely() -> None:
    q = {"BTC-USD": D("1"), "SOL-USD": D("50")}
    p = {"BTC-USD": D("50000"), "SOL-USD": D("100"), "USDT": D("1")}
    t = {"BTC-USD": D("0.9"), "USDT": D("0.1")}
    advice = plan(q, p, t, band=BAND)
    sells = {x.symbol: x for x in advice.trades}
    assert sells["SOL-USD"].side == "SELL" and sells["SOL-USD"].quantity == D("50")
    assert "SOL-USD is 9.1% against a 0.0% target" in sells["SOL-USD"].reason
    assert advice.quantities_after["SOL-USD"] == 0 and advice.weights_after["SOL-USD"] == 0.0
    # BTC 50,000 of 55,000 against 90%: sell 0.01 (500); USDT, not held, takes the proceeds net of fees.
    assert sells["BTC-USD"].quantity == D("0.01")
    assert advice.quantities_after["USDT"] == D("5000") + D("500") - D("5.5")
    assert advice.weights_before["USDT"] == 0.0


def test_a_target_symbol_not_held_is_bought_from_spare_cash() -> None:
    q = {"BTC-USD": D("1"), "USDT": D("50000")}
    p = {"BTC-USD": D("50000"), "ETH-USD": D("2500"), "USDT": D("1")}
    t = {"BTC-USD": D("0.5"), "ETH-USD": D("0.3"), "USDT": D("0.2")}
    advice = plan(q, p, t, band=BAND)
    (buy,) = advice.trades
    assert (buy.symbol, buy.side) == ("ETH-USD", "BUY")
    # 12 ETH (30,000) and its fee (30) exceed the 30,000 of USDT above its target: cut to 30,000 / 30,030.
    assert buy.quantity == D("11.98801198")
    assert buy.notional + buy.fee <= D("30000")
    assert "cut to 99.9% so the buys and their fees are paid by the sales and spare cash" in buy.reason
    assert D("20000") <= advice.quantities_after["USDT"] < D("20000.01")  # cash never goes below its target
    assert advice.weights_before["ETH-USD"] == 0.0


def test_buys_are_funded_by_sales_net_of_fees_and_the_rest_stays_in_usd() -> None:
    q = {"BTC-USD": D("2")}
    p = {"BTC-USD": D("50000"), "ETH-USD": D("2500")}
    t = {"BTC-USD": D("0.5"), "ETH-USD": D("0.5")}
    advice = plan(q, p, t, band=BAND, fee_rate=D("0.001"))
    sell, buy = advice.trades
    assert sell.quantity == D("1") and sell.notional - sell.fee == D("49950")
    assert buy.notional + buy.fee <= D("49950")
    leftover = advice.quantities_after["USD"]
    assert D("0") <= leftover < D("0.1")
    assert leftover == D("49950") - buy.notional - buy.fee
    assert advice.weights_before["USD"] == 0.0
    assert any(line.startswith("USD is cash") for line in advice.skipped)


def test_prices_quantities_targets_and_settings_are_checked() -> None:
    with pytest.raises(ValueError, match="ETH-USD"):
        plan(SEED_Q, {**SEED_P, "ETH-USD": D("0")}, SEED_T, band=BAND)
    with pytest.raises(ValueError, match="ETH-USD"):
        plan(SEED_Q, {"BTC-USD": D("50000"), "USDT": D("1")}, SEED_T, band=BAND)
    with pytest.raises(ValueError, match="SOL-USD"):  # a target not held needs a price too
        plan(SEED_Q, SEED_P, {**SEED_T, "BTC-USD": D("0.5"), "SOL-USD": D("0.1")}, band=BAND)
    with pytest.raises(ValueError, match="USDT"):
        plan(SEED_Q, {**SEED_P, "USDT": D("-1")}, SEED_T, band=BAND)
    with pytest.raises(ValueError, match="BTC-USD"):
        plan({**SEED_Q, "BTC-USD": D("-1")}, SEED_P, SEED_T, band=BAND)
    with pytest.raises(ValueError, match="sum to 1"):
        plan(SEED_Q, SEED_P, {**SEED_T, "USDT": D("0.2")}, band=BAND)
    with pytest.raises(ValueError, match="step of BTC-USD"):
        plan(SEED_Q, SEED_P, SEED_T, band=BAND, steps={"BTC-USD": D("0")})
    for bad in (
        {"band": D("-0.1")},
        {"band": BAND, "fee_rate": D("1")},
        {"band": BAND, "min_trade": D("-1")},
    ):
        with pytest.raises(ValueError):
            plan(SEED_Q, SEED_P, SEED_T, **bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="turnover_cap"):
        plan(SEED_Q, SEED_P, SEED_T, band=BAND, turnover_cap=D("-0.1"))
    # A symbol neither held nor targeted needs no price; nothing at all gives an empty plan.
    assert plan({**SEED_Q, "DOGE-USD": D("0")}, SEED_P, SEED_T, band=BAND).trades
    assert plan({}, {}, {}, band=BAND).trades == []
    worthless = plan({}, SEED_P, SEED_T, band=BAND)
    assert worthless.trades == [] and worthless.weights_after == dict.fromkeys(SEED_T, 0.0)


_STEPS = [D("0.00000001"), D("0.001"), D("0.1"), D("1")]


@st.composite
def _portfolios(draw: st.DrawFn) -> tuple[dict[str, D], dict[str, D], dict[str, D], dict[str, object]]:
    n = draw(st.integers(1, 4))
    symbols = [f"C{i}-USD" for i in range(n)] + draw(st.sampled_from([[], ["USDT"], ["USDT", "USDC"]]))
    quantities = {s: D(draw(st.integers(0, 10**6))) / 1000 for s in symbols}
    prices = {s: D(draw(st.integers(1, 10**7))) / 100 for s in symbols}
    for cash in CASH & set(symbols):
        prices[cash] = D(draw(st.sampled_from(["1", "0.9998", "1.0003"])))
    parts = [draw(st.integers(0, 100)) for _ in symbols]
    parts[0] += 1
    targets = {s: (D(k) / sum(parts)).quantize(D("0.000001")) for s, k in zip(symbols, parts, strict=True)}
    targets[symbols[0]] += 1 - sum(targets.values())
    settings_ = {
        "band": draw(st.sampled_from([D("0"), D("0.02")])),
        "min_trade": draw(st.sampled_from([D("0"), D("10")])),
        "fee_rate": draw(st.sampled_from([D("0"), D("0.001"), D("0.01")])),
        "steps": {s: draw(st.sampled_from(_STEPS)) for s in symbols},
        "turnover_cap": draw(st.sampled_from([None, D("0.05"), D("0.3")])),
    }
    return quantities, prices, targets, settings_


@settings(max_examples=300, deadline=None)
@given(_portfolios())
def test_plans_are_self_funded_and_never_overshoot(
    case: tuple[dict[str, D], dict[str, D], dict[str, D], dict[str, object]],
) -> None:
    quantities, prices, targets, options = case
    total = _total(quantities, prices)
    if total == 0:
        return
    advice = plan(quantities, prices, targets, **options)  # type: ignore[arg-type]
    steps = options["steps"]
    assert isinstance(steps, dict)
    fee_rate = options["fee_rate"]
    assert isinstance(fee_rate, D)
    with localcontext() as context:
        context.prec = 50
        for x in advice.trades:
            assert x.symbol not in CASH and x.quantity > 0 and x.quantity % steps[x.symbol] == 0
            assert x.notional == x.quantity * prices[x.symbol] and x.fee == x.notional * fee_rate
            wanted = targets.get(x.symbol, D(0)) * total / prices[x.symbol]
            after = advice.quantities_after[x.symbol]
            assert (after >= wanted) if x.side == "SELL" else (after <= wanted)
            assert after >= 0
        proceeds = sum((x.notional - x.fee for x in advice.trades if x.side == "SELL"), D(0))
        costs = sum((x.notional + x.fee for x in advice.trades if x.side == "BUY"), D(0))
        spare = sum(
            (max(D(0), quantities[c] * prices[c] - targets[c] * total) for c in CASH & set(quantities)), D(0)
        )
        assert costs <= proceeds + spare  # no new money
        for c in CASH & set(advice.quantities_after):
            held = quantities.get(c, D(0)) * prices.get(c, D(1))
            floor = min(held, targets.get(c, D(0)) * total)
            assert advice.quantities_after[c] * prices.get(c, D(1)) >= floor - D("1e-30") * total
        assert abs(_total(advice.quantities_after, prices) - (total - advice.fees)) <= D("1e-30") * total
        assert advice.turnover == sum((x.notional for x in advice.trades), D(0)) / total
    assert advice.fees == sum((x.fee for x in advice.trades), D(0))
    if options["turnover_cap"] is not None:
        assert advice.turnover <= options["turnover_cap"]  # type: ignore[operator]
    if advice.trades:
        assert sum(advice.weights_after.values()) == pytest.approx(1.0, abs=1e-12)
    traded = {x.symbol for x in advice.trades}
    for s in advice.weights_before:
        assert s in traded or any(line.startswith(s) for line in advice.skipped)
    sides = [x.side for x in advice.trades]
    assert sides == sorted(sides, key=lambda side: side == "BUY")  # sells first
