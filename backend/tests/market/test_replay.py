"""Ticks derived from candles, and the replay source driven by a fake clock into a fake sink."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest

from app.config import Settings
from app.core.clock import FrozenClock, set_clock
from app.core.marketdata import INTERVALS, Candle, MarketStats, Tick, align
from app.market import recordings
from app.market.arrays import CandleArrays
from app.market.replay_clock import history_arrays, plan
from app.market.sources import get_factory
from app.market.sources.replay import ReplaySource, live_ticks, price_decimals, replayed_symbols
from app.market.symbols import BUILTIN_ASSETS, Asset
from app.market.tickgen import TickArrays, tick_counts, ticks_from_candles

ANCHOR = datetime(2026, 5, 10, 15, 30, tzinfo=UTC)
BTC_ETH = [a for a in BUILTIN_ASSETS if a.symbol in ("BTC-USD", "ETH-USD")]


def rebuild(ticks: TickArrays, interval: str) -> CandleArrays:
    """Candles as the pipeline builds them: first, max, min and last price, volumes added in order."""
    step = INTERVALS[interval]
    buckets = np.floor(ticks.ts / step) * step
    starts = np.flatnonzero(np.diff(buckets, prepend=-1.0))
    ends = np.append(starts[1:], len(ticks)) - 1
    volumes = [sum(ticks.volume[a : b + 1].tolist()) for a, b in zip(starts, ends, strict=True)]
    return CandleArrays(
        buckets[starts].astype(np.int64),
        ticks.price[starts],
        np.maximum.reduceat(ticks.price, starts),
        np.minimum.reduceat(ticks.price, starts),
        ticks.price[ends],
        np.array(volumes),
    )


def assert_same(built: CandleArrays, expected: CandleArrays) -> None:
    for field in CandleArrays.__slots__:
        assert np.array_equal(getattr(built, field), getattr(expected, field)), field


@pytest.mark.parametrize(
    ("symbol", "interval", "count"),
    [("BTC-USD", "1m", None), ("ETH-USD", "1m", None), ("SOL-USD", "1h", 2000)],
)
def test_ticks_rebuild_recorded_candles_exactly(symbol: str, interval: str, count: int | None) -> None:
    candles = recordings.load(symbol, interval).take(slice(-count if count else None, None))
    ticks = ticks_from_candles(candles, interval, seed=7, decimals=price_decimals(symbol))
    assert_same(rebuild(ticks, interval), candles)
    assert np.all(np.diff(ticks.ts) > 0)
    per_candle = np.bincount(ticks.candle)
    least, most = tick_counts(interval)
    assert per_candle.min() >= least and per_candle.max() <= most
    assert per_candle.min() < per_candle.max()  # the count varies


def test_daily_candles_become_ticks_too() -> None:
    candles = recordings.load("TRX-USD", "1d").take(slice(-40, None))
    ticks = ticks_from_candles(candles, "1d", seed=3, decimals=price_decimals("TRX-USD"))
    assert_same(rebuild(ticks, "1d"), candles)


def test_tick_paths_look_like_trading() -> None:
    candles = recordings.load("BTC-USD", "1m").take(slice(0, 2000))
    ticks = ticks_from_candles(candles, "1m", seed=1, decimals=2)
    # In-between prices are on the 0.01 grid of the recorded market.
    assert np.allclose(np.round(ticks.price, 2), ticks.price, rtol=0, atol=1e-9)
    # A rising bar visits its low before its high, a falling one the other way round.
    for i in range(200):
        prices = ticks.price[ticks.candle == i]
        low_at, high_at = np.argmin(prices), np.argmax(prices)
        if candles.close[i] > candles.open[i] and candles.low[i] < candles.open[i] < candles.high[i]:
            assert low_at < high_at
        if candles.close[i] < candles.open[i] and candles.low[i] < candles.open[i] < candles.high[i]:
            assert high_at < low_at


def test_ticks_depend_only_on_the_candle_and_the_seed() -> None:
    candles = recordings.load("ETH-USD", "1m").take(slice(100, 400))
    whole = ticks_from_candles(candles, "1m", seed=5)
    part = ticks_from_candles(candles.take(slice(120, 130)), "1m", seed=5)
    chosen = (whole.candle >= 120) & (whole.candle < 130)
    for field in ("ts", "price", "volume"):
        assert np.array_equal(getattr(part, field), getattr(whole, field)[chosen])
    other = ticks_from_candles(candles, "1m", seed=6)
    assert not np.array_equal(other.ts[:50], whole.ts[:50])


def test_zero_volume_candle_gives_zero_volume_ticks() -> None:
    one = CandleArrays(*(np.array([x]) for x in (0, 5.0, 5.0, 5.0, 5.0, 0.0)))  # type: ignore[arg-type]
    ticks = ticks_from_candles(one, "1m", seed=1)
    assert np.all(ticks.price == 5.0) and np.all(ticks.volume == 0.0)


# --- the source -------------------------------------------------------------------------------------


class Stop(Exception):
    """Raised by the fake sleep once the test has seen enough."""


class FakeSink:
    def __init__(self) -> None:
        self.ticks: list[Tick] = []
        self.batches: list[int] = []
        self.reports: list[tuple[str, bool, str | None]] = []

    async def submit(self, ticks: Sequence[Tick]) -> None:
        self.ticks.extend(ticks)
        self.batches.append(len(ticks))

    async def submit_candles(
        self, source: str, symbol: str, interval: str, candles: Sequence[Candle]
    ) -> None:
        raise AssertionError("not used by the offline sources")

    async def submit_stats(self, stats: Sequence[MarketStats]) -> None:
        raise AssertionError("not used by the offline sources")

    def report(self, source: str, *, connected: bool, error: str | None = None) -> None:
        self.reports.append((source, connected, error))

    def arrays(self, symbol: str) -> TickArrays:
        mine = [t for t in self.ticks if t.symbol == symbol]
        return TickArrays(
            np.array([t.ts for t in mine]),
            np.array([t.price for t in mine]),
            np.array([t.volume for t in mine]),
            np.zeros(len(mine), dtype=np.int64),
        )


def fake_sleep(clock: FrozenClock, done: Callable[[], bool]) -> Callable[[float], Any]:
    """Moves the frozen clock instead of waiting; stops the source once `done()`."""

    async def sleep(seconds: float) -> None:
        assert seconds > 0
        if done():
            raise Stop
        clock.advance(seconds)
        await asyncio.sleep(0)

    return sleep


@pytest.fixture
def clock() -> Iterator[FrozenClock]:
    frozen = FrozenClock(ANCHOR + timedelta(minutes=30))  # 16:00
    previous = set_clock(frozen)
    yield frozen
    set_clock(previous)


def settings(**values: Any) -> Settings:
    return Settings(_env_file=None, environment="test", **values)  # type: ignore[call-arg]


async def drive(source: Any, assets: Sequence[Asset], clock: FrozenClock, virtual_seconds: float) -> FakeSink:
    sink = FakeSink()
    end = clock.now().timestamp() + virtual_seconds
    source.sleep = fake_sleep(clock, lambda: bool(sink.ticks) and sink.ticks[-1].ts >= end)
    with pytest.raises(Stop):
        await source.run(sink, assets)
    return sink


async def test_replay_delivers_the_shifted_recording(clock: FrozenClock) -> None:
    source = ReplaySource(settings(replay_speed=600.0), anchor=ANCHOR)
    start = clock.now().timestamp()
    sink = await drive(source, BTC_ETH, clock, 3600)

    assert sink.reports[0] == ("replay", True, None)
    assert {t.symbol for t in sink.ticks} == {"BTC-USD", "ETH-USD"}
    assert {t.source for t in sink.ticks} == {"replay"}
    # Small batches: a quarter second of wall time each (150 s at 600x, at most 4 ticks a second each).
    assert max(sink.batches) <= 2 * 150 * 4
    for symbol in ("BTC-USD", "ETH-USD"):
        ticks = sink.arrays(symbol)
        assert np.all(np.diff(ticks.ts) > 0) and ticks.ts[0] >= start
        expected = history_arrays(symbol, "1m", start, start + 3600, ANCHOR)
        built = rebuild(ticks, "1m").between(0, start + 3600)
        assert len(built) == 60
        assert_same(built, expected)
        assert all(t.received >= start for t in sink.ticks[:10])


async def test_replay_in_a_later_loop_plays_scaled_prices(clock: FrozenClock) -> None:
    p = plan("ETH-USD", ANCHOR)
    clock.advance(p.loop0_end + p.period - clock.now().timestamp() + 3 * 3600)  # 03:00, second loop
    start = clock.now().timestamp()
    source = ReplaySource(settings(replay_speed=3600.0, replay_symbols=["eth-usd"]), anchor=ANCHOR)
    sink = await drive(source, BTC_ETH, clock, 2 * 3600)
    ticks = sink.arrays("ETH-USD")
    assert {t.symbol for t in sink.ticks} == {"ETH-USD"}
    built = rebuild(ticks, "1m").between(0, start + 2 * 3600)
    assert_same(built, history_arrays("ETH-USD", "1m", start, start + 2 * 3600, ANCHOR))
    unscaled = history_arrays("ETH-USD", "1m", start - 2 * p.period, start + 2 * 3600 - 2 * p.period, ANCHOR)
    assert np.array_equal(built.close, unscaled.close * p.growth**2)


async def test_hourly_and_daily_symbols_are_replayed_from_their_candles(clock: FrozenClock) -> None:
    source = ReplaySource(settings(replay_speed=3600.0), anchor=ANCHOR)
    assets = [a for a in BUILTIN_ASSETS if a.symbol in ("SOL-USD", "TRX-USD", "LINK-USD")]
    start = clock.now().timestamp()
    sink = await drive(source, assets, clock, 3 * 3600)
    assert {t.symbol for t in sink.ticks} == {"SOL-USD", "TRX-USD"}  # LINK has no recording
    sol = sink.arrays("SOL-USD")
    assert 3 * 3600 * 2 <= len(sol) <= 3 * 3600 * 4
    assert_same(
        rebuild(sol, "1h").between(0, start + 3 * 3600),
        history_arrays("SOL-USD", "1h", start, start + 3 * 3600, ANCHOR),
    )
    trx = sink.arrays("TRX-USD")
    day = history_arrays("TRX-USD", "1d", align(start, "1d"), start, ANCHOR)
    assert np.all((trx.price >= day.low[0]) & (trx.price <= day.high[0]))


@pytest.mark.parametrize(("symbol", "interval"), [("BTC-USD", "1m"), ("SOL-USD", "1h"), ("TRX-USD", "1d")])
def test_live_ticks_come_every_second_and_go_through_each_bar(symbol: str, interval: str) -> None:
    """At least one tick in every second, each inside its recorded bar's [low, high], and each bar's
    open first, its high and low on the way and its close last (so they rebuild the bar exactly)."""
    step = INTERVALS[interval]
    start = float(align(ANCHOR.timestamp(), interval)) - 2 * step  # two whole bars
    end = start + 2 * step
    ticks = live_ticks(symbol, start, end, ANCHOR)
    seconds = np.unique(np.floor(ticks.ts))
    assert len(seconds) == 2 * step and seconds[0] == start  # no second without a tick
    bars = history_arrays(symbol, interval, start, end, ANCHOR)
    assert len(bars) == 2
    which = ((ticks.ts - start) // step).astype(np.int64)
    assert np.all(ticks.price >= bars.low[which]) and np.all(ticks.price <= bars.high[which])
    assert_same(rebuild(ticks, interval), bars)


def test_live_ticks_are_the_ticks_of_the_shifted_candles() -> None:
    start = ANCHOR.timestamp()
    window = live_ticks("BTC-USD", start + 20, start + 200, ANCHOR)
    assert window.ts[0] >= start + 20 and window.ts[-1] < start + 200
    whole = live_ticks("BTC-USD", start, start + 240, ANCHOR)
    assert np.array_equal(window.price, whole.between(start + 20, start + 200).price)


def test_symbol_selection() -> None:
    everything = list(BUILTIN_ASSETS)
    assert replayed_symbols(settings(), everything) == [
        "BTC-USD", "ETH-USD", "SOL-USD", "BNB-USD", "XRP-USD", "ADA-USD", "DOGE-USD", "TRX-USD", "BCH-USD"
    ]  # fmt: skip
    assert replayed_symbols(settings(replay_symbols=["sol-usd", "LINK-USD"]), everything) == ["SOL-USD"]
    assert replayed_symbols(settings(), []) == recordings.symbols()


async def test_registered_factory_anchors_at_start_when_unset(clock: FrozenClock) -> None:
    source = get_factory("replay")(settings(replay_speed=600.0))
    assert isinstance(source, ReplaySource) and source.anchor is None
    assert source.describe()["anchor"] is None
    await drive(source, BTC_ETH, clock, 60)
    assert source.anchor == ANCHOR + timedelta(minutes=30)
    described = source.describe()
    assert described["anchor"] == "2026-05-10T16:00:00Z"
    assert described["replayTime"] >= "2026-05-10T16:01:00Z"  # virtual time, at 600x
    assert described["symbols"]["BTC-USD"]["summary"].startswith("replay of 2026-03-24..2026-04-21")


async def test_failures_are_reported_and_survived(clock: FrozenClock) -> None:
    class FlakySink(FakeSink):
        calls = 0

        async def submit(self, ticks: Sequence[Tick]) -> None:
            self.calls += 1
            if self.calls == 2:
                raise RuntimeError("database is down")
            await super().submit(ticks)

    sink = FlakySink()
    source = ReplaySource(settings(replay_speed=600.0), anchor=ANCHOR)
    start = clock.now().timestamp()
    source.sleep = fake_sleep(clock, lambda: bool(sink.ticks) and sink.ticks[-1].ts >= start + 1800)
    with pytest.raises(Stop):
        await source.run(sink, BTC_ETH)
    assert ("replay", False, "RuntimeError: database is down") in sink.reports
    assert sink.reports[-1] == ("replay", True, None)
    assert sink.ticks[-1].ts >= start + 1800


async def test_nothing_to_replay_is_reported(clock: FrozenClock) -> None:
    sink = FakeSink()
    source = ReplaySource(settings(replay_symbols=["LINK-USD"]), anchor=ANCHOR)
    task = asyncio.create_task(source.run(sink, BTC_ETH))
    for _ in range(5):
        await asyncio.sleep(0)
    assert sink.reports == [("replay", False, "no selected symbol has a recording")]
    assert not task.done()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
