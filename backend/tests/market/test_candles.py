"""Candles from ticks: OHLCV per minute, UTC-aligned roll-ups equal the aggregate of their minutes."""

from __future__ import annotations

import itertools

import numpy as np

from app.core.marketdata import INTERVALS, Tick
from app.market.candles import CandleBuilder, ClosedCandle

DAY0 = 1_767_225_600  # 2026-01-01T00:00:00Z


def _tick(ts: float, price: float, volume: float = 1.0, symbol: str = "BTC-USD", source: str = "t") -> Tick:
    return Tick(symbol, price, volume, ts, source, ts)


def _run(ticks: list[Tick]) -> list[ClosedCandle]:
    builder, out = CandleBuilder(), []
    for tick in ticks:
        builder.add(tick, out)
    return out


def test_one_minute_bar_is_the_ticks_ohlcv() -> None:
    out = _run(
        [
            _tick(DAY0 + 1, 100, 1),
            _tick(DAY0 + 20, 105, 2),
            _tick(DAY0 + 40, 95, 3),
            _tick(DAY0 + 59.9, 101, 4),
            _tick(DAY0 + 60, 102, 5),
        ]
    )
    minute = [c.candle for c in out if c.interval == "1m"]
    assert len(minute) == 1
    bar = minute[0]
    assert (bar.ts, bar.open, bar.high, bar.low, bar.close, bar.volume) == (DAY0, 100, 105, 95, 101, 10)
    # The USD traded: each trade's price x quantity (100 + 210 + 285 + 404), not volume x a typical price.
    assert bar.quote_volume == 999


def test_hour_bar_equals_the_aggregate_of_its_sixty_minutes() -> None:
    rng = np.random.default_rng(7)
    times = np.sort(rng.uniform(DAY0, DAY0 + 2 * 86400 + 30, 40_000))
    prices = 100 * np.exp(np.cumsum(rng.normal(0, 0.001, times.size)))
    volumes = rng.uniform(0, 2, times.size)
    out = _run([_tick(float(t), float(p), float(v)) for t, p, v in zip(times, prices, volumes, strict=True)])
    by_interval: dict[str, list] = {}
    for closed in out:
        by_interval.setdefault(closed.interval, []).append(closed.candle)
    minutes = {bar.ts: bar for bar in by_interval["1m"]}
    assert len(by_interval["1d"]) == 2
    for interval in ("5m", "15m", "1h", "4h", "1d"):
        step = INTERVALS[interval]
        for bar in by_interval[interval]:
            assert bar.ts % step == 0
            parts = [minutes[t] for t in range(bar.ts, bar.ts + step, 60)]
            assert bar.open == parts[0].open and bar.close == parts[-1].close
            assert bar.high == max(p.high for p in parts) and bar.low == min(p.low for p in parts)
            assert abs(bar.volume - sum(p.volume for p in parts)) < 1e-9
            assert bar.quote_volume is not None
            assert abs(bar.quote_volume - sum(p.quote_volume or 0 for p in parts)) < 1e-6
    # no gaps, no duplicates, in order
    for interval, bars in by_interval.items():
        stamps = [b.ts for b in bars]
        assert stamps == sorted(set(stamps))
        assert all(b - a == INTERVALS[interval] for a, b in itertools.pairwise(stamps))


def test_quiet_minutes_get_flat_bars_and_dead_feeds_do_not() -> None:
    out = _run([_tick(DAY0 + 5, 100), _tick(DAY0 + 3 * 60 + 5, 110)])
    flat = [c.candle for c in out if c.interval == "1m"]
    assert [(b.ts - DAY0, b.open, b.close, b.volume) for b in flat] == [
        (0, 100, 100, 1),
        (60, 100, 100, 0),
        (120, 100, 100, 0),
    ]
    out = _run([_tick(DAY0 + 5, 100), _tick(DAY0 + 3 * 3600, 110)])
    assert [c.candle.ts for c in out if c.interval == "1m"] == [DAY0]


def test_close_due_closes_a_quiet_minute_and_still_fills_the_gap() -> None:
    builder, out = CandleBuilder(), []
    builder.add(_tick(DAY0 + 5, 100), out)
    closed = builder.close_due(DAY0 + 63)
    assert [c.candle.ts for c in closed if c.interval == "1m"] == [DAY0]
    builder.add(_tick(DAY0 + 185, 120), out)
    assert [c.candle.ts - DAY0 for c in out if c.interval == "1m"] == [60, 120]


def test_sources_and_symbols_are_separate_series() -> None:
    out = _run(
        [
            _tick(DAY0 + 1, 100, source="a"),
            _tick(DAY0 + 2, 200, source="b"),
            _tick(DAY0 + 3, 300, symbol="ETH-USD", source="a"),
            _tick(DAY0 + 61, 1, source="a"),
            _tick(DAY0 + 61, 1, source="b"),
            _tick(DAY0 + 61, 1, symbol="ETH-USD", source="a"),
        ]
    )
    closes = sorted((c.symbol, c.source, c.candle.close) for c in out if c.interval == "1m")
    assert closes == [("BTC-USD", "a", 100), ("BTC-USD", "b", 200), ("ETH-USD", "a", 300)]


def test_current_bar_for_live_charts() -> None:
    builder, out = CandleBuilder(), []
    for ts, price in ((DAY0 + 1, 100), (DAY0 + 61, 105), (DAY0 + 62, 99)):
        builder.add(_tick(ts, price), out)
    hour = builder.current("BTC-USD", "t", "1h")
    assert hour is not None and (hour.open, hour.high, hour.low, hour.close) == (100, 105, 99, 99)
    assert builder.current("ETH-USD", "t", "1h") is None


def test_quote_volume_of_quiet_minutes_is_zero_and_of_walked_paths_unknown() -> None:
    """A quiet minute traded nothing (0 USD); a replayed or simulated bar's ticks split a recorded or made-up
    volume along a walk, so their price x quantity is nobody's trade: unknown (the API estimates it)."""
    traded = _run([_tick(DAY0, 100, 2), _tick(DAY0 + 185, 101, 1), _tick(DAY0 + 3600, 99, 1)])
    minutes = [c.candle for c in traded if c.interval == "1m"]
    assert [m.quote_volume for m in minutes] == [200, 0, 0, 101] + [0] * 56
    hour = next(c.candle for c in traded if c.interval == "1h")
    assert hour.quote_volume == 301

    for walked in ("replay", "simulator"):
        out = _run([_tick(DAY0, 100, 2, source=walked), _tick(DAY0 + 3600, 99, 1, source=walked)])
        assert {c.candle.quote_volume for c in out} == {None}
        builder, sink = CandleBuilder(), []
        builder.add(_tick(DAY0, 100, 2, source=walked), sink)
        assert builder.current("BTC-USD", walked, "1h").quote_volume is None  # type: ignore[union-attr]


def test_the_open_bar_carries_its_quote_volume_so_far() -> None:
    builder, out = CandleBuilder(), []
    for tick in (_tick(DAY0, 100, 1), _tick(DAY0 + 61, 110, 2), _tick(DAY0 + 62, 90, 1)):
        builder.add(tick, out)
    assert builder.current("BTC-USD", "t", "1m").quote_volume == 310  # type: ignore[union-attr]
    assert builder.current("BTC-USD", "t", "1h").quote_volume == 410  # type: ignore[union-attr]
