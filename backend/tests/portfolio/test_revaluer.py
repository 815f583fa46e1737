"""The live revaluation behind PORTFOLIO_UPDATE: only the holders of a symbol move, by quantity x the move;
0.1% since the last update sent, at most one per interval, a held-back move sent once the interval passed."""

from __future__ import annotations

import pytest

from app.portfolio.revaluer import Revaluer


def _revaluer() -> Revaluer:
    r = Revaluer(min_change=0.001, interval=5.0)
    prices = {"BTC-USD": 50_000.0, "ETH-USD": 2_000.0}
    r.load(1, owner=10, quantities={"BTC-USD": 1.0}, invested=40_000.0, prices=prices, now=0.0)
    r.load(
        2, owner=20, quantities={"BTC-USD": 1.0, "ETH-USD": 10.0}, invested=60_000.0, prices=prices, now=0.0
    )
    r.load(3, owner=30, quantities={"ETH-USD": 5.0}, invested=5_000.0, prices=prices, now=0.0)
    return r


def test_only_the_holders_of_a_symbol_are_revalued() -> None:
    r = _revaluer()
    updates = r.on_price("ETH-USD", 2_100.0, now=10.0)  # +5% on ETH
    assert {u.portfolio_id: u.total_value for u in updates} == {2: 71_000.0, 3: 10_500.0}
    [two] = [u for u in updates if u.portfolio_id == 2]
    assert two.owner == 20 and two.total_pnl == 11_000.0 and two.change == 1_000.0
    assert two.change_percent == pytest.approx(1_000 / 70_000 * 100)


def test_a_small_move_waits_until_it_adds_up_to_the_threshold() -> None:
    r = _revaluer()
    assert r.on_price("BTC-USD", 50_040.0, now=10.0) == []  # +0.08% for portfolio 1
    assert [u.portfolio_id for u in r.on_price("BTC-USD", 50_060.0, now=11.0)] == [1]  # +0.12% in all
    assert r.due(now=100.0) == []


def test_the_interval_holds_a_move_back_and_due_sends_it_later() -> None:
    r = _revaluer()
    assert [u.portfolio_id for u in r.on_price("BTC-USD", 51_000.0, now=10.0)] == [1, 2]
    assert r.on_price("BTC-USD", 52_000.0, now=12.0) == []  # 2 s after the last: held back
    assert r.due(now=14.0) == []
    late = r.due(now=15.0)
    assert [(u.portfolio_id, u.total_value) for u in late] == [(1, 52_000.0), (2, 72_000.0)]
    assert r.due(now=30.0) == []  # sent once


def test_a_move_that_comes_back_is_not_sent() -> None:
    r = _revaluer()
    r.on_price("BTC-USD", 51_000.0, now=10.0)
    assert r.on_price("BTC-USD", 52_000.0, now=11.0) == []  # held back
    assert r.on_price("BTC-USD", 51_010.0, now=12.0) == []  # back within 0.1% of what was sent
    assert r.due(now=20.0) == []


def test_a_dropped_portfolio_is_no_longer_revalued() -> None:
    r = _revaluer()
    r.drop(2)
    assert [u.portfolio_id for u in r.on_price("BTC-USD", 60_000.0, now=10.0)] == [1] and len(r) == 2
