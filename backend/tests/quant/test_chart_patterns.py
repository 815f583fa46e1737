"""Chart patterns: each kind on a hand-built series, random walks, no look-ahead on real candles, errors."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import app.market
from app.quant.patterns.chart import KINDS, MIN_BARS, PatternError, detect
from app.quant.patterns.shapes import Detection
from app.quant.patterns.swings import zigzag

Bars = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]
RECORDING = Path(app.market.__file__).parent / "replay_data" / "BTC-USD_1h.feather"
START = 1_700_000_000


def series(vertices: list[tuple[int, float]], wick: float = 0.1) -> Bars:
    """Hourly bars whose closes run straight between the (bar, price) vertices; each opens at the previous
    close and its high and low reach `wick` beyond its body."""
    xs, ys = zip(*vertices, strict=True)
    close = np.interp(np.arange(xs[-1] + 1), xs, ys)
    open_ = np.concatenate([[close[0]], close[:-1]])
    ts = START + 3600 * np.arange(len(close), dtype=np.int64)
    return ts, open_, np.maximum(open_, close) + wick, np.minimum(open_, close) - wick, close


def mirrored(vertices: list[tuple[int, float]], around: float = 200.0) -> list[tuple[int, float]]:
    return [(x, around - y) for x, y in vertices]


DOUBLE_TOP = [(0, 80.0), (20, 100.0), (30, 90.0), (40, 100.5), (60, 80.0)]
HEAD_AND_SHOULDERS = [(0, 80.0), (15, 100.0), (25, 92.0), (35, 108.0), (45, 92.5), (55, 100.5), (75, 80.0)]
TENS = range(0, 80, 10)
ASCENDING = list(zip(TENS, [95.0, 100.0, 88.0, 100.0, 92.0, 100.0, 96.5, 108.0], strict=True))
DESCENDING = list(zip(TENS, [105.0, 100.0, 112.0, 100.0, 108.0, 100.0, 103.5, 92.0], strict=True))
SYMMETRICAL = list(zip(TENS, [95.0, 110.0, 88.0, 106.0, 92.0, 102.0, 96.5, 110.0], strict=True))
# A 16% pole in 8 bars, then a flag drifting down in small waves (highs 18, 22, 26; lows 20, 24, 28).
BULL_FLAG = list(
    zip(
        [0, 10, 18, 20, 22, 24, 26, 28, 32, 40],
        [100.0, 99.0, 115.0, 114.0, 114.5, 113.0, 113.5, 112.5, 120.0, 121.0],
        strict=True,
    )
)


def only(bars: Bars, kind: str) -> Detection:
    found = detect(*bars).detections
    assert [d.kind for d in found] == [kind], found
    return found[0]


def labelled(d: Detection) -> list[tuple[str, int]]:
    return [(p.label, p.index) for p in d.points]


def first_close_beyond(close: np.ndarray, after: int, level: np.ndarray | float, below: bool) -> int:
    beyond = close[after + 1 :] < level if below else close[after + 1 :] > level
    return after + 1 + int(np.argmax(beyond))


def assert_drawn(d: Detection, bars: Bars) -> None:
    """Every point is the bar's time and price it names, and nothing lies after `end`."""
    ts, _, high, low, close = bars
    for p in d.points:
        assert p.ts == ts[p.index] and p.index <= d.end.index
        assert p.price in (high[p.index], low[p.index], close[p.index])
    assert d.start.ts == ts[d.start.index] and d.end.ts == ts[d.end.index]
    assert d.start.index <= d.end.index and 0 <= d.confidence <= 1
    assert all(ts[0] <= line.ts1 <= line.ts2 <= d.end.ts for line in d.lines)


@pytest.mark.parametrize(
    ("vertices", "kind", "direction", "labels"),
    [
        (DOUBLE_TOP, "double_top", "bearish", ["first_top", "neckline", "second_top"]),
        (mirrored(DOUBLE_TOP), "double_bottom", "bullish", ["first_bottom", "neckline", "second_bottom"]),
    ],
)
def test_double_top_and_bottom(
    vertices: list[tuple[int, float]], kind: str, direction: str, labels: list[str]
) -> None:
    bars = series(vertices)
    _, _, high, low, close = bars
    d = only(bars, kind)
    bottom = kind == "double_bottom"
    neckline = high[30] if bottom else low[30]
    breakout = first_close_beyond(close, 40, neckline, below=not bottom)
    assert d.direction == direction
    assert labelled(d) == [(labels[0], 20), (labels[1], 30), (labels[2], 40), ("breakout", breakout)]
    assert d.breakout_level == neckline
    tops = (low if bottom else high)[[20, 40]]
    far = tops.min() if bottom else tops.max()
    assert d.target == pytest.approx(2 * neckline - far)
    assert (d.start.index, d.end.index) == (20, breakout)
    assert d.confidence > 0.9
    assert_drawn(d, bars)


@pytest.mark.parametrize(
    ("vertices", "kind", "direction"),
    [
        (HEAD_AND_SHOULDERS, "head_and_shoulders", "bearish"),
        (mirrored(HEAD_AND_SHOULDERS), "inverse_head_and_shoulders", "bullish"),
    ],
)
def test_head_and_shoulders(vertices: list[tuple[int, float]], kind: str, direction: str) -> None:
    bars = series(vertices)
    _, _, high, low, close = bars
    d = only(bars, kind)
    inverse = kind.startswith("inverse")
    troughs = high if inverse else low
    slope = (troughs[45] - troughs[25]) / 20
    neckline = troughs[25] + slope * (np.arange(len(close)) - 25)
    breakout = first_close_beyond(close, 55, neckline[56:], below=not inverse)
    assert d.direction == direction
    assert labelled(d) == [
        ("left_shoulder", 15),
        ("neckline_left", 25),
        ("head", 35),
        ("neckline_right", 45),
        ("right_shoulder", 55),
        ("breakout", breakout),
    ]
    assert d.breakout_level == pytest.approx(neckline[breakout])
    head = (low if inverse else high)[35]
    assert d.target == pytest.approx(neckline[breakout] - (head - neckline[35]))
    assert d.lines[0].label == "neckline" and d.lines[0].price2 == pytest.approx(neckline[breakout])
    assert d.confidence > 0.9
    assert_drawn(d, bars)


def least_squares(xs: list[int], ys: np.ndarray, at: int) -> float:
    slope, intercept = np.polyfit(xs, ys, 1)
    return float(slope * at + intercept)


@pytest.mark.parametrize(
    ("vertices", "kind", "direction"),
    [
        (ASCENDING, "ascending_triangle", "bullish"),
        (DESCENDING, "descending_triangle", "bearish"),
        (SYMMETRICAL, "symmetrical_triangle", "bullish"),
    ],
)
def test_triangles(vertices: list[tuple[int, float]], kind: str, direction: str) -> None:
    bars = series(vertices)
    _, _, high, low, close = bars
    d = only(bars, kind)
    up = direction == "bullish"
    tops, bottoms = (
        ([10, 30, 50], [20, 40, 60]) if kind != "descending_triangle" else ([20, 40, 60], [10, 30, 50])
    )
    if kind == "ascending_triangle":
        broken = np.full(len(close), high[tops].mean())
    elif kind == "descending_triangle":
        broken = np.full(len(close), low[bottoms].mean())
    else:
        broken = np.array([least_squares(tops, high[tops], i) for i in range(len(close))])
    breakout = first_close_beyond(close, 60, broken[61:], below=not up)
    assert d.direction == direction
    touches = sorted(
        [("upper_touch", i) for i in tops] + [("lower_touch", i) for i in bottoms], key=lambda t: t[1]
    )
    assert labelled(d) == [*touches, ("breakout", breakout)]
    assert d.breakout_level == pytest.approx(broken[breakout])
    assert (d.start.index, d.end.index) == (10, breakout)
    assert {line.label for line in d.lines} == {"upper", "lower"}
    assert d.confidence > 0.9
    assert_drawn(d, bars)


@pytest.mark.parametrize(
    ("vertices", "kind", "direction"),
    [(BULL_FLAG, "bull_flag", "bullish"), (mirrored(BULL_FLAG), "bear_flag", "bearish")],
)
def test_flags(vertices: list[tuple[int, float]], kind: str, direction: str) -> None:
    bars = series(vertices)
    _, _, high, low, close = bars
    d = only(bars, kind)
    bear = kind == "bear_flag"
    start, end = (high[10], low[18]) if bear else (low[10], high[18])
    breakout = d.points[-1].index
    assert d.direction == direction
    assert labelled(d) == [("pole_start", 10), ("pole_end", 18), ("breakout", 29)]
    assert [p.price for p in d.points[:2]] == [start, end]
    upper = next(line for line in d.lines if line.label == "flag_upper")
    assert upper.price2 == pytest.approx(d.breakout_level)
    # The breakout close is the first beyond the flag's line; the flag neither extends the pole nor takes
    # back more than half of it.
    flag_high, flag_low = high[19:breakout].max(), low[19:breakout].min()
    if bear:
        assert close[breakout] < d.breakout_level < close[breakout - 1]
        assert flag_low >= end and flag_high <= end + (start - end) / 2
    else:
        assert close[breakout] > d.breakout_level > close[breakout - 1]
        assert flag_high <= end and flag_low >= end - (end - start) / 2
    assert d.target == pytest.approx(d.breakout_level + (end - start))
    assert d.confidence > 0.75
    assert_drawn(d, bars)


def test_kinds_filter_and_the_result_around_the_detections() -> None:
    bars = series(HEAD_AND_SHOULDERS)
    assert detect(*bars, kinds=["double_top"]).detections == ()
    assert [d.kind for d in detect(*bars, kinds=("head_and_shoulders",)).detections] == ["head_and_shoulders"]
    scan = detect(*bars)
    assert scan.note is None
    assert [p.index for p in scan.swings] == [0, 15, 25, 35, 45, 55]
    assert [p.label for p in scan.swings] == ["swing_low", "swing_high"] * 3
    last_close = bars[4][-1]
    for level in scan.levels:
        assert len(level.touches) >= 2
        assert (level.kind == "support") == (level.price <= last_close)
        assert level.first.index == level.touches[0].index and level.last.index == level.touches[-1].index


def random_walk(seed: int, size: int, start: float = 100.0, step: float = 0.007) -> Bars:
    """Hourly bars of a geometric random walk at about BTC's hourly volatility."""
    rng = np.random.default_rng(seed)
    close = start * np.exp(np.cumsum(rng.normal(0.0, step, size)))
    open_ = np.concatenate([[start], close[:-1]])
    high = np.maximum(open_, close) * (1 + rng.uniform(0, step / 2, size))
    low = np.minimum(open_, close) * (1 - rng.uniform(0, step / 2, size))
    return START + 3600 * np.arange(size, dtype=np.int64), open_, high, low, close


def test_random_walks_give_few_confident_head_and_shoulders() -> None:
    # A random walk has no memory, so any head and shoulders in it is a false one. The shape itself turns
    # up by chance (about 2 per 1,000 bars at the defaults); the confidence has to keep them low.
    found = [
        d
        for seed in range(5)
        for d in detect(
            *random_walk(seed, 10_000), kinds=["head_and_shoulders", "inverse_head_and_shoulders"]
        ).detections
    ]
    confident = [d for d in found if d.confidence >= 0.9]
    assert len(found) < 5 * 10_000 / 300
    assert len(confident) <= 5 and len(confident) < 0.05 * len(found)


@pytest.fixture(scope="module")
def candles() -> Bars:
    """The bundled real BTC-USD 1h candles (28,463 bars from 2023-01-01)."""
    frame = pd.read_feather(RECORDING)
    assert list(frame.columns) == ["ts", "open", "high", "low", "close", "volume"]
    ts, open_, high, low, close = (
        frame[column].to_numpy() for column in ("ts", "open", "high", "low", "close")
    )
    return ts, open_, high, low, close


def invented_future(bars: Bars, k: int, seed: int, step: float, size: int = 1500) -> Bars:
    """Bars k, k+1, ... replaced by `size` that did not happen: a random walk from close[k - 1], hourly."""
    ts, open_, high, low, close = random_walk(seed, size, start=float(bars[4][k - 1]), step=step)
    future = (ts - ts[0] + bars[0][k - 1] + 3600, open_, high, low, close)
    ts, open_, high, low, close = (
        np.concatenate([past[:k], new]) for past, new in zip(bars, future, strict=True)
    )
    return ts, open_, high, low, close


@pytest.mark.parametrize("k", [3_000, 7_777, 12_001, 16_500, 21_234, 26_000])
def test_no_look_ahead_on_real_candles(candles: Bars, k: int) -> None:
    """Scans of the first k bars, of all of them, and of the first k followed by two invented futures (one
    calm, one wild) agree on every pattern completed before bar k, and the first finds nothing else."""
    prefix = detect(*(values[:k] for values in candles)).detections
    assert len(prefix) >= 10  # not vacuous
    for d in prefix:
        assert max(p.index for p in d.points) <= d.end.index < k
    assert prefix == tuple(d for d in detect(*candles).detections if d.end.index < k)
    for seed, step in ((k, 0.01), (k + 1, 0.03)):
        longer = detect(*invented_future(candles, k, seed, step)).detections
        assert prefix == tuple(d for d in longer if d.end.index < k)
        assert any(d.end.index >= k for d in longer)  # the invented future completes patterns of its own


def test_each_pattern_appears_exactly_when_its_last_bar_closes(candles: Bars) -> None:
    """Cutting the bars just before and just after each pattern's `end` agrees with the whole scan on
    everything completed by then: the sharpest place for a look-ahead to show. Over bars 8,000 to 14,000,
    which hold triangles of two windows breaking out on one bar but completed on different bars (where
    keeping the more confident instead of the first completed would look ahead)."""
    bars = tuple(values[8_000:14_000] for values in candles)
    full = detect(*bars).detections
    assert len({d.kind for d in full}) >= 6
    for k in sorted({d.end.index + step for d in full for step in (0, 1)}):
        assert detect(*(values[:k] for values in bars)).detections == tuple(
            d for d in full if d.end.index < k
        )


def test_swings_are_confirmed_after_their_extreme_and_never_revised(candles: Bars) -> None:
    _, _, high, low, _ = candles
    swings = zigzag(high, low, 0.03)
    assert all(a.is_high != b.is_high for a, b in pairwise(swings))
    assert all(s.index < s.confirmed for s in swings)
    for k in (5_000, 17_000):
        assert zigzag(high[:k], low[:k], 0.03) == tuple(s for s in swings if s.confirmed < k)
    # Each swing high is the highest high strictly between its neighbouring lows (a low the lowest low);
    # their own bars are left out, as an outside bar's other extreme is not ordered in time.
    for before, s, after in zip(swings, swings[1:], swings[2:], strict=False):
        window = (high if s.is_high else low)[before.index + 1 : after.index]
        assert s.price == (window.max() if s.is_high else window.min())


def test_trend_lines_hold_on_real_candles(candles: Bars) -> None:
    _, _, _, _, close = candles
    for k in (9_000, 13_000, 21_000):
        scan = detect(*(values[:k] for values in candles))
        for line in scan.trend_lines:
            first, second = line.anchors
            assert first.index < second.index and len(line.touches) >= 2
            run = close[first.index : k] - (
                first.price + line.slope * (np.arange(first.index, k) - first.index)
            )
            assert (run >= 0).all() if line.kind == "support" else (run <= 0).all()
            assert (line.slope > 0) == (line.kind == "support")


def test_unknown_kind_is_named() -> None:
    with pytest.raises(PatternError, match="cup_and_handle") as error:
        detect(*series(DOUBLE_TOP), kinds=["double_top", "cup_and_handle"])
    assert error.value.field == "kinds" and isinstance(error.value, ValueError)
    with pytest.raises(PatternError) as error:
        detect(*series(DOUBLE_TOP), threshold=3.0)
    assert error.value.field == "threshold"
    with pytest.raises(PatternError) as error:
        detect(*series(DOUBLE_TOP)[:4], np.ones(3))
    assert error.value.field == "bars"


def test_too_few_bars_or_swings_give_an_empty_scan_with_a_note() -> None:
    ts, open_, high, low, close = series(DOUBLE_TOP)
    few = detect(
        ts[: MIN_BARS - 1],
        open_[: MIN_BARS - 1],
        high[: MIN_BARS - 1],
        low[: MIN_BARS - 1],
        close[: MIN_BARS - 1],
    )
    assert few.detections == () and few.levels == () and few.swings == ()
    assert few.note == f"{MIN_BARS - 1} bars: chart patterns need at least {MIN_BARS}"
    flat = detect(ts, open_, np.full(len(ts), 100.5), np.full(len(ts), 99.5), np.full(len(ts), 100.0))
    assert flat.detections == () and flat.note is not None and "0 swings of 3.0%" in flat.note
    assert detect(*series(DOUBLE_TOP)).note is None


def test_every_kind_is_found_somewhere_in_real_candles(candles: Bars) -> None:
    found = {d.kind for d in detect(*candles).detections}
    assert found == set(KINDS), set(KINDS) - found
