"""The chart pattern scan (patterns.chart.detect) over 5 years of real 1h BTC candles, per symbol-year.

The scan is every kind (double tops and bottoms, head and shoulders both ways, three triangles, bull and bear
flags) plus the levels, trend lines and swings it returns, at the default 3% zig-zag and at 2% and 5% (more
or fewer swings). The 5 years are the last 43,800 bars of Binance BTC/USDT 1h (2019-04 to 2024-04, from the
shared fixtures; without them, the bundled BTC-USD recording, 3.25 years). Also each bundled 1h recording
(BTC and ETH 3.25 years, five others 1.43). Goal of the issue: under 200 ms per symbol-year. Reference in
the same process, over the same bars: TA-Lib's 61 candlestick functions called in a loop (the other half of
pattern recognition; ratio = scan / that loop), and TA-Lib's SMA(20) as a floor. Medians of 7 runs after a
warm-up.

Run: backend/.venv/bin/python bench/chart_patterns.py
"""

from __future__ import annotations

import functools
import resource
import statistics
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import talib

from app.quant.patterns import chart, continuations, levels, reversals, shapes

GOAL_MS = 200.0  # per symbol-year
HOURS_IN_YEAR = 365 * 24  # 8,760
FIVE_YEARS = 5 * HOURS_IN_YEAR  # 43,800
RUNS = 7
ROOT = Path(__file__).resolve().parents[1]
REPLAY = ROOT / "backend" / "app" / "market" / "replay_data"
BTC_2017 = (
    ROOT.parent / "shared" / "fixtures" / "ohlcv" / "freqtrade_binance_btc_2017_2024" / "BTC_USDT-1h.feather"
)
CANDLESTICKS = [getattr(talib, name) for name in talib.get_function_groups()["Pattern Recognition"]]

Bars = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _bars(frame: pd.DataFrame) -> Bars:
    ts = frame["ts"].to_numpy(dtype=np.int64)
    o, h, lo, c = (
        np.ascontiguousarray(frame[x].to_numpy(dtype=np.float64)) for x in ("open", "high", "low", "close")
    )
    return ts, o, h, lo, c


def five_years() -> tuple[str, Bars]:
    if BTC_2017.exists():
        frame = pd.read_feather(BTC_2017).tail(FIVE_YEARS)
        frame["ts"] = frame["date"].astype("int64") // 10**9
        label = "Binance BTC/USDT 1h (shared fixtures)"
    else:
        frame = pd.read_feather(REPLAY / "BTC-USD_1h.feather")
        label = "bundled BTC-USD 1h (shared fixtures missing: fewer than 5 years)"
    first, last = (pd.Timestamp(int(frame["ts"].iloc[i]), unit="s") for i in (0, -1))
    return f"{label}, {len(frame):,} bars, {first:%Y-%m-%d} to {last:%Y-%m-%d}", _bars(frame)


def median_ms(run: Callable[[], object], runs: int = RUNS) -> float:
    run()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def candlestick_loop(bars: Bars) -> None:
    _, o, h, lo, c = bars
    for function in CANDLESTICKS:
        function(o, h, lo, c)


def parts(bars: Bars, threshold: float) -> dict[str, float]:
    """Where the scan's time goes: the zig-zag (with the mirrored view), each family of rules, and the
    levels and trend lines."""
    ts, _, h, lo, c = bars
    tolerance = chart.TOLERANCE
    given, mirrored = shapes.views(ts, h, lo, c, threshold, tolerance)
    both = (given, mirrored)
    return {
        "swings": median_ms(lambda: shapes.views(ts, h, lo, c, threshold, tolerance)),
        "reversals": median_ms(
            lambda: [reversals.double_tops(v) + reversals.head_and_shoulders(v) for v in both]
        ),
        "triangles": median_ms(lambda: continuations.triangles(given)),
        "flags": median_ms(lambda: [continuations.flags(v) for v in both]),
        "levels+lines": median_ms(
            lambda: (
                levels.levels(given.swings, ts, float(c[-1]), tolerance),
                levels.trend_lines(given.swings, ts, c, tolerance),
            )
        ),
    }


def report(label: str, bars: Bars, threshold: float, reference_ms: float, breakdown: bool) -> float:
    years = len(bars[0]) / HOURS_IN_YEAR
    scan = chart.detect(*bars, threshold=threshold)
    scan_ms = median_ms(lambda: chart.detect(*bars, threshold=threshold))
    per_year = scan_ms / years
    verdict = "met" if per_year < GOAL_MS else "MISSED"
    kinds = Counter(d.kind for d in scan.detections)
    print(
        f"{label:<9} {threshold:4.0%}  swings={len(scan.swings):>5,}  patterns={len(scan.detections):>5,}  "
        f"scan={scan_ms:7.1f} ms  per symbol-year={per_year:6.1f} ms (goal < {GOAL_MS:.0f}: {verdict})  "
        f"x candlesticks={scan_ms / reference_ms:5.2f}"
    )
    if breakdown:
        print("          found: " + ", ".join(f"{kind} {kinds[kind]}" for kind in chart.KINDS))
        print(
            "          parts: "
            + ", ".join(f"{name} {ms:.1f} ms" for name, ms in parts(bars, threshold).items())
        )
    return per_year


def main() -> None:
    label, bars = five_years()
    years = len(bars[0]) / HOURS_IN_YEAR
    print(f"5 years: {label} ({years:.2f} symbol-years)")
    cdl_ms = median_ms(lambda: candlestick_loop(bars))
    sma_ms = median_ms(lambda: talib.SMA(bars[4], 20))
    print(
        f"reference: TA-Lib's {len(CANDLESTICKS)} candlestick functions {cdl_ms:.1f} ms "
        f"({cdl_ms / years:.1f} ms per symbol-year); SMA(20) {sma_ms:.3f} ms"
    )
    for threshold in (0.03, 0.02, 0.05):
        report("BTC 5y", bars, threshold, cdl_ms, breakdown=threshold == 0.03)
    print("bundled 1h recordings, default 3%:")
    worst = 0.0
    for path in sorted(REPLAY.glob("*_1h.feather")):
        recording = _bars(pd.read_feather(path))
        reference = median_ms(functools.partial(candlestick_loop, recording))
        worst = max(worst, report(path.name.split("_")[0], recording, 0.03, reference, breakdown=False))
    print(f"worst per symbol-year of the recordings: {worst:.1f} ms")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"peak RSS: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
