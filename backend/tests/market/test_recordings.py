"""The bundled recordings and the replay's time mapping: offsets, history windows, loops and their seams."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from app.core.marketdata import INTERVALS
from app.market import recordings
from app.market.arrays import CandleArrays, aggregate
from app.market.replay_clock import DAY, describe, history, history_arrays, plan

ANCHOR = datetime(2026, 11, 24, 15, 30, tzinfo=UTC)
NEXT_MIDNIGHT = datetime(2026, 11, 25, tzinfo=UTC).timestamp()


def ts(value: str) -> int:
    return int(datetime.fromisoformat(value).replace(tzinfo=UTC).timestamp())


def assert_consistent(candles: CandleArrays) -> None:
    assert np.all(np.diff(candles.ts) > 0)
    assert np.all(candles.high >= np.maximum(candles.open, candles.close))
    assert np.all(candles.low <= np.minimum(candles.open, candles.close))
    assert np.all(candles.low > 0)
    assert np.all(candles.volume >= 0)


def test_catalog_lists_what_is_bundled() -> None:
    listing = recordings.catalog()
    assert sorted(listing) == [
        "ADA-USD", "BCH-USD", "BNB-USD", "BTC-USD", "DOGE-USD", "ETH-USD", "SOL-USD", "TRX-USD", "XRP-USD"
    ]  # fmt: skip
    assert list(listing["BTC-USD"]) == ["1m", "1h", "1d"]  # finest first
    assert list(listing["SOL-USD"]) == ["1h", "1d"]
    assert list(listing["TRX-USD"]) == ["1d"]
    btc_1m = listing["BTC-USD"]["1m"]
    assert (btc_1m.first, btc_1m.last, btc_1m.rows) == (ts("2026-03-23 12:09"), ts("2026-04-22 12:07"), 43199)
    btc_1h = listing["ETH-USD"]["1h"]
    assert (btc_1h.first, btc_1h.last) == (ts("2023-01-01 00:00"), ts("2026-03-31 23:00"))
    assert listing["BTC-USD"]["1d"].first == ts("2017-08-17 00:00")
    assert recordings.finest("DOGE-USD").interval == "1h"
    with pytest.raises(recordings.NotRecorded):
        recordings.finest("LINK-USD")


@pytest.mark.parametrize(
    ("symbol", "interval"), [(s, i) for s, by in recordings.catalog().items() for i in by]
)
def test_every_recording_is_clean(symbol: str, interval: str) -> None:
    series = recordings.load(symbol, interval)
    assert series.ts.dtype == np.int64 and series.close.dtype == np.float64
    assert np.all(series.ts % INTERVALS[interval] == 0)
    assert_consistent(series)
    assert recordings.load(symbol, interval) is series  # cached
    assert not series.close.flags.writeable  # shared: nobody may edit the cache


def test_rolled_up_minutes_match_the_recorded_hours() -> None:
    # SOURCES.md: 1m resampled to 1h equals the 1h files; the combined series relies on it.
    start, end = ts("2026-03-23 13:00"), ts("2026-04-01 00:00")
    from_minutes = aggregate(recordings.load("BTC-USD", "1m").between(start, end), "1h")
    recorded = recordings.load("BTC-USD", "1h").between(start, end)
    assert np.array_equal(from_minutes.ts, recorded.ts)
    for field in ("open", "high", "low", "close"):
        assert np.array_equal(getattr(from_minutes, field), getattr(recorded, field))
    np.testing.assert_allclose(from_minutes.volume, recorded.volume, rtol=1e-9)


def test_series_takes_the_finest_recording_available() -> None:
    daily = recordings.series("BTC-USD", "1d")
    assert_consistent(daily)
    assert daily.ts[0] == ts("2017-08-17 00:00")
    # Days missing from the daily export are rolled up from the hours and minutes recorded then.
    for missing in ("2026-01-08", "2026-03-22", "2026-03-25"):
        assert ts(missing) in daily.ts and ts(missing) not in recordings.load("BTC-USD", "1d").ts
    assert np.all(np.diff(daily.ts[daily.ts >= ts("2023-01-01")]) == DAY)
    hourly = recordings.series("BTC-USD", "1h")
    assert np.all(np.diff(hourly.ts[hourly.ts >= ts("2024-01-01")]) == 3600)
    with pytest.raises(recordings.NotRecorded):
        recordings.series("SOL-USD", "1m")


@pytest.mark.parametrize(
    "anchor",
    [ANCHOR, datetime(2026, 11, 24, tzinfo=UTC), datetime(2026, 11, 24, 23, 59, 59, tzinfo=UTC)],
)
@pytest.mark.parametrize("symbol", recordings.symbols())
def test_recording_ends_at_the_next_midnight_after_the_anchor(anchor: datetime, symbol: str) -> None:
    p = plan(symbol, anchor)
    assert p.offset % DAY == 0 and p.period % DAY == 0 and p.loop_start % DAY == 0
    assert p.loop0_end == datetime(2026, 11, 25, tzinfo=UTC).timestamp()
    info = recordings.finest(symbol)
    assert info.first <= p.loop_start < info.first + DAY
    assert info.end - DAY < p.loop_end <= info.end
    assert p.loop_at(anchor.timestamp()) == 0
    assert p.loop_at(p.loop0_end) == 1
    assert p.loop_at(p.loop0_end + p.period) == 2


def test_last_30_days_from_the_anchor_are_minutes_without_gaps() -> None:
    start = ANCHOR - timedelta(days=30)
    for symbol in ("BTC-USD", "ETH-USD"):
        minutes = history_arrays(symbol, "1m", start, ANCHOR, ANCHOR)
        assert np.all(np.diff(minutes.ts) == 60)  # no gap, no duplicate
        assert minutes.ts[-1] == ANCHOR.timestamp() - 60
        # The minute recording starts at 12:09 of its first day; whole-day offsets keep that time of day.
        first_recorded = recordings.finest(symbol).first + plan(symbol, ANCHOR).offset
        assert minutes.ts[0] == first_recorded
        assert ANCHOR.timestamp() - first_recorded > 29 * DAY
        assert_consistent(minutes)
        hours = history_arrays(symbol, "1h", start, ANCHOR, ANCHOR)
        assert len(hours) == 30 * 24 and np.all(np.diff(hours.ts) == 3600)


def test_history_is_the_recording_shifted_by_whole_days() -> None:
    p = plan("BTC-USD", ANCHOR)
    assert p.offset == (datetime(2026, 11, 25, tzinfo=UTC) - datetime(2026, 4, 22, tzinfo=UTC)).days * DAY
    shifted = history(
        "BTC-USD", "1m", ts("2026-03-30 10:00") + p.offset, ts("2026-03-30 10:03") + p.offset, ANCHOR
    )
    original = recordings.load("BTC-USD", "1m").between(ts("2026-03-30 10:00"), ts("2026-03-30 10:03"))
    assert [c.ts - p.offset for c in shifted] == original.ts.tolist()
    assert [c.close for c in shifted] == original.close.tolist()
    # Before the minutes begin, the hourly and daily recordings carry on with the same offset.
    hours = history_arrays("BTC-USD", "1h", ts("2023-01-01") + p.offset, ts("2023-01-02") + p.offset, ANCHOR)
    assert np.array_equal(
        hours.close, recordings.load("BTC-USD", "1h").between(ts("2023-01-01"), ts("2023-01-02")).close
    )
    days = history_arrays("BTC-USD", "1d", 0, ANCHOR, ANCHOR)
    assert days.ts[0] == ts("2017-08-17") + p.offset


@pytest.mark.parametrize(
    ("symbol", "interval"), [("BTC-USD", "1m"), ("BTC-USD", "1h"), ("SOL-USD", "1h"), ("ETH-USD", "1d")]
)
def test_loops_continue_seamlessly_scaled_by_growth(symbol: str, interval: str) -> None:
    p = plan(symbol, ANCHOR)
    seam = p.loop0_end
    step = INTERVALS[interval]
    around = history_arrays(symbol, interval, seam - 3 * step, seam + 3 * step, ANCHOR)
    assert np.all(np.diff(around.ts) == step)
    before, after = around.between(0, seam), around.between(seam, seam + DAY)
    assert after.open[0] == pytest.approx(before.close[-1], rel=1e-12)  # continuous across the seam

    loop0 = history_arrays(symbol, interval, seam - p.period, seam, ANCHOR)
    loop1 = history_arrays(symbol, interval, seam, seam + p.period, ANCHOR)
    loop2 = history_arrays(symbol, interval, seam + p.period, seam + 2 * p.period, ANCHOR)
    assert len(loop0) == len(loop1) == len(loop2)
    assert np.array_equal(loop1.ts, loop0.ts + p.period)
    for field in ("open", "high", "low", "close"):
        assert np.array_equal(getattr(loop1, field), getattr(loop0, field) * p.growth)
        assert np.array_equal(getattr(loop2, field), getattr(loop0, field) * p.growth**2)
    assert np.array_equal(loop1.volume, loop0.volume)  # base-unit volumes are not scaled
    assert p.growth == loop0.close[-1] / loop0.open[0]
    assert loop2.open[0] == pytest.approx(loop1.close[-1], rel=1e-12)


def test_history_spanning_several_loops_has_no_gaps_or_overlaps() -> None:
    p = plan("ETH-USD", ANCHOR)
    start, end = p.loop0_end - 5 * DAY, p.loop0_end + 3 * p.period + 7 * DAY
    hours = history_arrays("ETH-USD", "1h", start, end, ANCHOR)
    assert hours.ts[0] == start and hours.ts[-1] == end - 3600
    assert np.all(np.diff(hours.ts) == 3600)
    assert_consistent(hours)
    # Unaligned bounds select by open time.
    assert history_arrays("ETH-USD", "1h", start + 1, start + 3601, ANCHOR).ts.tolist() == [start + 3600]


def test_describe_says_what_is_replayed() -> None:
    d = describe("BTC-USD", ANCHOR, now=ANCHOR)
    assert (d.recorded_from.isoformat(), d.recorded_to.isoformat()) == ("2026-03-24", "2026-04-21")
    assert (d.interval, d.period_days, d.current_loop, d.intervals) == ("1m", 29, 0, ("1m", "1h", "1d"))
    assert d.offset_days == 217
    assert d.summary.startswith("replay of 2026-03-24..2026-04-21 (real Binance data), shifted by 217 days")
    assert d.history_from == datetime(2017, 8, 17, tzinfo=UTC) + timedelta(days=217)
    later = describe("BTC-USD", ANCHOR, now=NEXT_MIDNIGHT + 29 * DAY + 1)
    assert later.current_loop == 2
    sol = describe("SOL-USD", ANCHOR, now=ANCHOR)
    assert (sol.interval, sol.recorded_from.isoformat(), sol.recorded_to.isoformat()) == (
        "1h",
        "2024-09-14",
        "2026-02-18",
    )
