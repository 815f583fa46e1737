"""All 61 candlestick patterns on 30 x 1 year of 1h candles: candles.scan vs a raw TA-Lib loop (ratio).

Run: backend/.venv/bin/python bench/candle_patterns.py
"""

from __future__ import annotations

import resource
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import talib

from app.quant.indicators import candles, library
from app.quant.indicators.spec import Array, Series

GOAL = 1.2  # the target: the wrapper within 1.2x of the same TA-Lib calls made directly
HOURS_IN_YEAR = 365 * 24  # 8,760
SERIES = 30
RUNS = 7
ROOT = Path(__file__).resolve().parents[1]
REPLAY = ROOT / "backend" / "app" / "market" / "replay_data"
BTC_2017 = (
    ROOT.parent / "shared" / "fixtures" / "ohlcv" / "freqtrade_binance_btc_2017_2024" / "BTC_USDT-1h.feather"
)
NAMES = talib.get_function_groups()["Pattern Recognition"]
FUNCTIONS = [getattr(talib, name) for name in NAMES]

Candles = tuple[Array, Array, Array, Array]


def _windows(frame: pd.DataFrame, label: str) -> list[tuple[str, Candles]]:
    """Non-overlapping 8,760-bar windows, newest first."""
    columns = [
        np.ascontiguousarray(frame[c].to_numpy(dtype=np.float64)) for c in ("open", "high", "low", "close")
    ]
    out = []
    for end in range(len(frame), HOURS_IN_YEAR - 1, -HOURS_IN_YEAR):
        start = end - HOURS_IN_YEAR
        first = pd.Timestamp(int(frame["ts"].iloc[start]), unit="s")
        o, h, lo, c = (np.ascontiguousarray(column[start:end]) for column in columns)
        out.append((f"{label} {first:%Y-%m}", (o, h, lo, c)))
    return out


def real_years() -> list[tuple[str, Candles]]:
    """Every distinct real year of 1h candles at hand: the bundled recordings, and BTC before 2023 from the
    shared fixtures (the recordings start on 2023-01-01)."""
    years: list[tuple[str, Candles]] = []
    for path in sorted(REPLAY.glob("*_1h.feather")):
        years += _windows(pd.read_feather(path), path.name.split("_")[0])
    if BTC_2017.exists():
        older = pd.read_feather(BTC_2017)
        older["ts"] = older["date"].astype("int64") // 10**9
        older = older[older["ts"] < 1_672_531_200].reset_index(drop=True)  # before 2023-01-01
        years += _windows(older, "BTC-USD")
    return years


def median_ms(run: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def raw(data: list[Candles]) -> None:
    for o, h, lo, c in data:
        for function in FUNCTIONS:
            function(o, h, lo, c)


def wrapped(data: list[Candles]) -> None:
    for o, h, lo, c in data:
        candles.scan(o, h, lo, c)


def found(data: list[Candles]) -> None:
    for o, h, lo, c in data:
        candles.found(o, h, lo, c, last_n=24)


def catalogue(data: list[Series]) -> None:
    for series in data:
        for name in NAMES:
            library.compute(name, series)


def main() -> None:
    years = real_years()
    chosen = [years[i % len(years)] for i in range(SERIES)]
    data = [candles_ for _, candles_ in chosen]
    symbols = sorted({label.split()[0] for label, _ in years})
    print(f"{len(NAMES)} patterns x {SERIES} series x {HOURS_IN_YEAR:,} real 1h candles")
    print(
        f"only {len(symbols)} symbols have a year of 1h candles ({', '.join(symbols)}): their "
        f"{len(years)} distinct non-overlapping years are used, the first {SERIES - len(years)} of them "
        f"twice to make {SERIES} series"
    )
    print("years: " + ", ".join(label for label, _ in years))
    for o, h, lo, c in data:  # the same numbers on both sides, and a warm-up
        for name, signal in candles.scan(o, h, lo, c).items():
            np.testing.assert_array_equal(signal, getattr(talib, name)(o, h, lo, c), err_msg=name)
    for attempt in range(3):  # alternate so that drift on a shared machine hits both sides
        raw_ms = median_ms(lambda: raw(data))
        scan_ms = median_ms(lambda: wrapped(data))
        ratio = scan_ms / raw_ms
        verdict = "met" if ratio <= GOAL else "MISSED"
        calls = SERIES * len(NAMES)
        print(
            f"round {attempt + 1}: raw TA-Lib loop {raw_ms:8.1f} ms  scan {scan_ms:8.1f} ms  "
            f"ratio {ratio:5.3f}x  goal {GOAL}x: {verdict}  "
            f"({raw_ms * 1000 / calls:.0f} / {scan_ms * 1000 / calls:.0f} us per pattern and series, "
            f"median of {RUNS})"
        )
    found_ms = median_ms(lambda: found(data))
    print(
        f"found(last_n=24) on all {SERIES} series: {found_ms:8.1f} ms  "
        f"({found_ms / raw_ms:.3f}x the raw loop)"
    )
    frames = [Series(np.arange(len(o)), o, h, lo, c, c) for o, h, lo, c in data]
    catalogue_ms = median_ms(lambda: catalogue(frames))
    print(
        f"indicator catalogue (float64, NaN lookback, as formulas use it): {catalogue_ms:8.1f} ms  "
        f"({catalogue_ms / raw_ms:.3f}x the raw loop)"
    )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"peak RSS: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
