"""The backtest engine: trades equal backtesting.py's on real candles, equity compounds the per-trade returns
net of fees, no look-ahead, stops fill as documented, and a hand-computed 10-bar case gives exact metrics."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest

from app.backtesting import metrics
from app.backtesting.engine import EXIT_REASONS, Costs, Run, run, trade_returns
from app.backtesting.strategies import BUILT_IN, find
from app.market import recordings
from app.quant.indicators.spec import Series

RECORDED = recordings.load("BTC-USD", "1h")
BARS = 24 * 365


def _series(start: int = -BARS, stop: int | None = None) -> Series:
    window = slice(start, stop)
    return Series(
        np.asarray(RECORDED.ts[window], dtype=np.int64),
        *(
            np.asarray(getattr(RECORDED, c)[window], dtype=np.float64)
            for c in ("open", "high", "low", "close", "volume")
        ),
    )


def _run(series: Series, name: str, params: dict[str, Any] | None = None, **costs: Any) -> Run:
    strategy = find(name)
    assert strategy is not None
    signals = strategy.compute(series, strategy.bind(params or {}))
    return run(
        series.open,
        series.high,
        series.low,
        series.close,
        signals.long_entry,
        signals.long_exit,
        10_000.0,
        Costs(**({"fee": 0.0} | costs)),
    )


def _reference_trades(series: Series, name: str) -> list[tuple[int, int, float, float]]:
    """The same rules through backtesting.py (next-open fills, exclusive orders), trades as (entry bar, exit
    bar, entry price, exit price)."""
    from backtesting import Backtest, Strategy

    strategy = find(name)
    assert strategy is not None
    signals = strategy.compute(series, strategy.bind({}))
    frame = pd.DataFrame(
        {
            "Open": series.open,
            "High": series.high,
            "Low": series.low,
            "Close": series.close,
            "Volume": series.volume,
        },
        index=pd.to_datetime(series.ts, unit="s"),
    )
    entry_flags, exit_flags = signals.long_entry, signals.long_exit

    class Rules(Strategy):  # type: ignore[misc]
        def init(self) -> None:
            self.entry = self.I(lambda: entry_flags.astype(float), plot=False)
            self.exit = self.I(lambda: exit_flags.astype(float), plot=False)

        def next(self) -> None:
            if not self.position and self.entry[-1] > 0:
                self.buy(size=1)
            elif self.position and self.exit[-1] > 0:
                self.position.close()

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        stats = Backtest(frame, Rules, cash=10_000_000, commission=0.0, finalize_trades=False).run()
    trades = stats["_trades"]
    return [
        (int(t.EntryBar), int(t.ExitBar), float(t.EntryPrice), float(t.ExitPrice))
        for t in trades.itertuples()
    ]


@pytest.mark.parametrize("name", [s.name for s in BUILT_IN])
def test_trades_equal_backtesting_py_on_a_year_of_real_hours(name: str) -> None:
    series = _series()
    ours = _run(series, name)
    closed = [
        (int(a), int(b), float(p), float(q))
        for a, b, p, q, why in zip(
            ours.entry_bar, ours.exit_bar, ours.entry_price, ours.exit_price, ours.reason, strict=True
        )
        if EXIT_REASONS[why] != "END"
    ]
    reference = _reference_trades(series, name)
    assert len(closed) > 5, "too few trades to compare"
    assert closed == reference


def test_all_in_equity_is_the_product_of_the_trade_returns_net_of_fees() -> None:
    series = _series()
    result = _run(series, "RSI Mean Reversion", fee=0.001, slippage=0.0005)
    compounded = 10_000.0 * float(np.prod(1.0 + trade_returns(result)))
    assert len(result) > 10
    assert result.equity[-1] == pytest.approx(compounded, rel=1e-12)


def test_changing_future_bars_never_changes_an_earlier_trade() -> None:
    series = _series()
    before = _run(series, "MACD Crossover", fee=0.001, stop_loss=0.03, trailing_stop=0.05)
    rng = np.random.default_rng(5)
    for cut in (2000, 5000, 8000):
        noise = 1.0 + rng.normal(0, 0.05, len(series) - cut)
        changed = Series(
            series.ts,
            np.concatenate((series.open[:cut], series.open[cut:] * noise)),
            np.concatenate((series.high[:cut], series.high[cut:] * noise * 1.05)),
            np.concatenate((series.low[:cut], series.low[cut:] * noise * 0.95)),
            np.concatenate((series.close[:cut], series.close[cut:] * noise)),
            series.volume,
        )
        after = _run(changed, "MACD Crossover", fee=0.001, stop_loss=0.03, trailing_stop=0.05)
        done = before.exit_bar < cut
        assert done.sum() > 3
        for field in ("entry_bar", "exit_bar", "entry_price", "exit_price", "units", "fees", "reason"):
            assert np.array_equal(getattr(before, field)[done], getattr(after, field)[: done.sum()]), field
        assert np.array_equal(before.equity[:cut], after.equity[:cut])


def _bars(opens: list[float], highs: list[float], lows: list[float], closes: list[float]) -> tuple[Any, ...]:
    return tuple(np.asarray(x, dtype=np.float64) for x in (opens, highs, lows, closes))


def _flags(n: int, at: list[int]) -> np.ndarray:
    flags = np.zeros(n, dtype=np.bool_)
    flags[at] = True
    return flags


def test_a_hand_computed_ten_bar_case() -> None:
    """Buy signal on bar 1's close, filled at bar 2's open (100); sell signal on bar 4, filled at bar 5's open
    (110); buy on bar 6 -> bar 7 open (120); still open at the end, marked at the last close (108)."""
    opens = [95, 98, 100, 104, 108, 110, 112, 120, 115, 110]
    closes = [97, 99, 103, 107, 109, 111, 118, 116, 111, 108]
    highs = [max(o, c) + 1 for o, c in zip(opens, closes, strict=True)]
    lows = [min(o, c) - 1 for o, c in zip(opens, closes, strict=True)]
    o, h, lo, c = _bars(opens, highs, lows, closes)
    result = run(o, h, lo, c, _flags(10, [1, 6]), _flags(10, [4]), 1000.0, Costs(fee=0.0))
    assert result.entry_bar.tolist() == [2, 7] and result.exit_bar.tolist() == [5, 9]
    assert result.entry_price.tolist() == [100, 120] and result.exit_price.tolist() == [110, 108]
    assert [EXIT_REASONS[r] for r in result.reason] == ["SIGNAL", "END"]
    # 10 units at 100 -> 1100 at 110; 1100/120 units -> marked at 108: 990.
    assert result.equity.tolist() == pytest.approx(
        [1000, 1000, 1030, 1070, 1090, 1100, 1100, 1100 / 120 * 116, 1100 / 120 * 111, 990]
    )
    m = metrics.compute(result, o, c, 1000.0, 86400)
    assert m["totalReturn"] == pytest.approx(-0.01)
    assert m["totalTrades"] == 2 and m["winRate"] == 0.5
    assert m["bestTrade"] == pytest.approx(0.1) and m["worstTrade"] == pytest.approx(-0.1)
    assert m["profitFactor"] == pytest.approx(100 / 110, abs=1e-6)  # +100 won, -110 lost (1100/120 x 12)
    assert m["expectancy"] == pytest.approx(-5.0)
    assert m["exposure"] == pytest.approx(0.6)  # held at the close of bars 2-4 and 7-9
    assert m["buyAndHoldReturn"] == pytest.approx(108 / 95 - 1)
    peak = 1100.0
    assert m["maxDrawdown"] == pytest.approx(990 / peak - 1)
    assert m["maxDrawdownBars"] == 3  # below 1100 from bar 7 to the end (bar 6 equals the peak)
    returns = np.diff(np.concatenate(([1000.0], result.equity))) / np.concatenate(
        ([1000.0], result.equity[:-1])
    )
    sharpe = returns.mean() / returns.std(ddof=1) * np.sqrt(365)
    assert m["sharpeRatio"] == pytest.approx(sharpe, abs=1e-6)
    assert m["feesPaid"] == 0
    daily = 1.05 ** (1 / 365) - 1  # a 5% yearly risk-free rate, per daily bar
    with_rate = metrics.compute(result, o, c, 1000.0, 86400, risk_free=0.05)
    excess = returns - daily
    assert with_rate["sharpeRatio"] == pytest.approx(
        excess.mean() / excess.std(ddof=1) * np.sqrt(365), abs=1e-6
    )


def test_fees_and_slippage_move_fills_against_the_trader() -> None:
    o, h, lo, c = _bars([100] * 5, [101] * 5, [99] * 5, [100] * 5)
    result = run(o, h, lo, c, _flags(5, [0]), _flags(5, [2]), 1000.0, Costs(fee=0.001, slippage=0.01))
    assert result.entry_price[0] == pytest.approx(101) and result.exit_price[0] == pytest.approx(99)
    units = 1000 / (101 * 1.001)
    assert result.units[0] == pytest.approx(units)
    assert result.fees[0] == pytest.approx(units * 101 * 0.001 + units * 99 * 0.001)


def test_stops_fill_at_their_level_or_the_gap_and_the_stop_wins_a_bar_that_hits_both() -> None:
    # Entry at bar 1's open (100). Bar 2 reaches 97 (stop 3%: 97) -> exits at 97.
    o, h, lo, c = _bars([100, 100, 99, 99], [101, 101, 100, 100], [99, 99, 96, 98], [100, 99, 98, 99])
    stop = run(o, h, lo, c, _flags(4, [0]), _flags(4, []), 1000.0, Costs(fee=0.0, stop_loss=0.03))
    assert (
        stop.exit_bar.tolist() == [2]
        and stop.exit_price.tolist() == [97]
        and EXIT_REASONS[stop.reason[0]] == "STOP_LOSS"
    )
    # A gap: bar 2 opens at 90, below the stop: filled at the open.
    o, h, lo, c = _bars([100, 100, 90, 91], [101, 101, 92, 92], [99, 99, 89, 90], [100, 99, 91, 91])
    gap = run(o, h, lo, c, _flags(4, [0]), _flags(4, []), 1000.0, Costs(fee=0.0, stop_loss=0.03))
    assert gap.exit_price.tolist() == [90]
    # One bar reaches both the stop (97) and the take-profit (105): the stop is taken.
    o, h, lo, c = _bars([100, 100, 100, 100], [101, 101, 106, 101], [99, 99, 96, 99], [100, 100, 100, 100])
    both = run(
        o, h, lo, c, _flags(4, [0]), _flags(4, []), 1000.0, Costs(fee=0.0, stop_loss=0.03, take_profit=0.05)
    )
    assert EXIT_REASONS[both.reason[0]] == "STOP_LOSS"
    # Trailing 5%: the best high before the exit bar is 120, so the stop sits at 114.
    o, h, lo, c = _bars(
        [100, 100, 110, 118, 116],
        [101, 105, 120, 119, 117],
        [99, 99, 109, 115, 113],
        [100, 104, 118, 116, 114],
    )
    trail = run(o, h, lo, c, _flags(5, [0]), _flags(5, []), 1000.0, Costs(fee=0.0, trailing_stop=0.05))
    assert trail.exit_bar.tolist() == [4] and trail.exit_price.tolist() == [pytest.approx(114)]
    assert EXIT_REASONS[trail.reason[0]] == "TRAILING_STOP"


def test_long_short_reverses_on_the_opposite_signal() -> None:
    o, h, lo, c = _bars(
        [100, 100, 110, 105, 95, 90],
        [101, 111, 111, 106, 96, 91],
        [99, 99, 104, 94, 89, 89],
        [100, 110, 105, 95, 90, 90],
    )
    result = run(o, h, lo, c, _flags(6, [0]), _flags(6, [1]), 1000.0, Costs(fee=0.0, allow_short=True))
    assert result.units[0] > 0 and result.units[1] < 0  # long 100 -> 110, then short from 110
    assert result.entry_bar.tolist() == [1, 2] and result.exit_price.tolist()[0] == 110
    assert result.equity[-1] == pytest.approx(1000 * 1.1 * (1 + (110 - 90) / 110))
