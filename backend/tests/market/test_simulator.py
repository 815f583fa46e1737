"""The simulator: a seeded, regime-switching random walk with jumps, as history and as a live feed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from app.core.clock import FrozenClock, set_clock
from app.market import synthetic
from app.market.arrays import CandleArrays, aggregate
from app.market.sources import get_factory
from app.market.sources.simulator import SimulatorSource, simulated_symbols
from app.market.symbols import BUILTIN_ASSETS
from tests.market.test_replay import assert_same, drive, rebuild, settings

NOW = datetime(2026, 5, 10, 16, 0, tzinfo=UTC)
DAY = 86400


def source(seed: int = 42) -> SimulatorSource:
    return SimulatorSource(settings(simulator_seed=seed))


def assert_consistent(candles: CandleArrays) -> None:
    assert np.all(candles.high >= np.maximum(candles.open, candles.close))
    assert np.all(candles.low <= np.minimum(candles.open, candles.close))
    assert np.all(candles.low > 0)
    assert np.all(candles.volume >= 0) and np.all(np.isfinite(candles.volume))


@pytest.fixture
def clock() -> Iterator[FrozenClock]:
    frozen = FrozenClock(NOW)
    previous = set_clock(frozen)
    yield frozen
    set_clock(previous)


def test_deterministic_for_a_seed_and_different_across_seeds() -> None:
    start, end = NOW - timedelta(days=2), NOW
    first = source(1).history_arrays("BTC-USD", "1m", start, end)
    again = source(1).history_arrays("BTC-USD", "1m", start, end)
    assert_same(first, again)
    other = source(2).history_arrays("BTC-USD", "1m", start, end)
    assert np.array_equal(first.ts, other.ts) and not np.array_equal(first.close, other.close)
    eth = source(1).history_arrays("ETH-USD", "1m", start, end)
    assert np.corrcoef(np.diff(np.log(first.close)), np.diff(np.log(eth.close)))[0, 1] < 0.2


def test_any_range_agrees_with_any_other() -> None:
    sim = source()
    long = sim.history_arrays("SOL-USD", "1m", NOW - timedelta(days=3), NOW)
    short = sim.history_arrays(
        "SOL-USD", "1m", NOW - timedelta(hours=30, minutes=7), NOW - timedelta(hours=2)
    )
    assert_same(long.between(int(short.ts[0]), int(short.ts[-1]) + 1), short)
    # Before the origin too (the walk goes both ways from it).
    origin = datetime.fromtimestamp(synthetic.ORIGIN, UTC)
    around = sim.history_arrays("SOL-USD", "1h", origin - timedelta(days=2), origin + timedelta(days=2))
    assert_same(
        around.between(0, synthetic.ORIGIN),
        sim.history_arrays("SOL-USD", "1h", origin - timedelta(days=2), origin),
    )
    assert len(around) == 96 and np.all(np.diff(around.ts) == 3600)


def test_coarser_candles_roll_up_the_minutes() -> None:
    sim = source()
    minutes = sim.history_arrays("ETH-USD", "1m", NOW - timedelta(days=2), NOW)
    assert np.all(minutes.open[1:] == minutes.close[:-1])  # each minute opens where the last closed
    hours = sim.history_arrays("ETH-USD", "1h", NOW - timedelta(days=2), NOW)
    assert_same(hours, aggregate(minutes, "1h"))
    days = sim.history_arrays("ETH-USD", "1d", NOW - timedelta(days=10), NOW)
    assert (
        np.array_equal(days.ts, np.arange(10) * DAY + days.ts[0])
        and days.ts[-1] == NOW.timestamp() - 16 * 3600
    )
    for candles in (minutes, hours, days):
        assert_consistent(candles)


@pytest.mark.parametrize("symbol", ["BTC-USD", "DOGE-USD", "MADEUP-USD", "USDT"])
def test_prices_stay_positive_and_plausible_over_years(symbol: str) -> None:
    days = source().history_arrays(symbol, "1d", NOW - timedelta(days=730), NOW)
    assert len(days) == 730
    assert_consistent(days)
    start_price = synthetic.profile(symbol).price
    assert np.all(days.close > start_price / 50) and np.all(days.close < start_price * 50)
    if symbol == "USDT":
        assert np.all(np.abs(days.close - 1.0) < 0.01)


def test_start_prices() -> None:
    assert synthetic.profile("BTC-USD").price == 94_000.0
    assert synthetic.profile("USDC").price == 1.0 and synthetic.profile("ANY", stablecoin=True).price == 1.0
    made_up = synthetic.profile("MADEUP-USD")
    assert made_up == synthetic.profile("MADEUP-USD") and 0.01 <= made_up.price <= 320
    at_origin = source().history_arrays("BTC-USD", "1m", synthetic.ORIGIN, synthetic.ORIGIN + 60)
    assert at_origin.open[0] == 94_000.0


def test_regimes_and_jumps_occur_over_a_long_run() -> None:
    hours = 3 * 8766
    sk = synthetic.skeleton(42, "BTC-USD", -hours // 2, hours // 2)
    assert len(sk) == hours and len(sk.level) == hours + 1
    switches = np.count_nonzero(np.diff(sk.turbulent.astype(np.int8)))
    assert switches >= 20  # both regimes, many times
    assert 0.05 < sk.turbulent.mean() < 0.3
    assert sk.diffusion[sk.turbulent].std() > 2 * sk.diffusion[~sk.turbulent].std()
    jumps = sk.jump != 0
    assert 30 < jumps.sum() < 300
    assert jumps[sk.turbulent].mean() > 3 * jumps[~sk.turbulent].mean()  # jumps cluster in turbulence
    assert np.allclose(np.diff(sk.level), sk.diffusion + sk.jump)


def test_volume_is_larger_on_big_moves() -> None:
    minutes = source().history_arrays("BTC-USD", "1m", NOW - timedelta(days=5), NOW)
    moves = np.abs(np.log(minutes.close / minutes.open))
    big = moves > np.quantile(moves, 0.9)
    notional = minutes.volume * minutes.close
    assert np.median(notional[big]) > 1.5 * np.median(notional[~big])
    assert np.std(np.log(notional)) > 0.4  # lognormal spread, not constant


async def test_live_ticks_rebuild_the_history(clock: FrozenClock) -> None:
    sim = get_factory("simulator")(
        settings(simulator_seed=9, simulator_symbols=["btc-usd", "NEWCOIN-USD", "USDT"])
    )  # USDT is left out: stablecoins are priced at their peg, never simulated
    assert isinstance(sim, SimulatorSource)
    start = NOW.timestamp()
    sink = await drive(sim, BUILTIN_ASSETS, clock, 180)
    assert {t.symbol for t in sink.ticks} == {"BTC-USD", "NEWCOIN-USD"}
    assert {t.source for t in sink.ticks} == {"simulator"}
    assert sink.reports[0] == ("simulator", True, None)
    for symbol in ("BTC-USD", "NEWCOIN-USD"):
        ticks = sink.arrays(symbol)
        assert len(ticks) >= 3 * 120 and np.all(ticks.price > 0)
        built = rebuild(ticks, "1m").between(0, start + 180)
        assert_same(built, sim.history_arrays(symbol, "1m", start, start + 180))
    # Delivered as they fall due, a few times a second: batches stay small.
    assert max(sink.batches) < 100


def test_symbol_selection() -> None:
    alone = settings(market_sources=["simulator"])
    assert list(simulated_symbols(alone, BUILTIN_ASSETS))[:2] == ["BTC-USD", "ETH-USD"]
    # Beside the replay (the default), only what the replay does not play.
    assert list(simulated_symbols(settings(), BUILTIN_ASSETS))[:2] == ["AVAX-USD", "DOT-USD"]
    chosen = simulated_symbols(settings(simulator_symbols=["usdc", "FOO-USD"]), BUILTIN_ASSETS)
    assert chosen == {"FOO-USD": False}
    assert simulated_symbols(settings(), []) == {}
