"""Formula engine vs raw TA-Lib evaluation time (ratio). Run: backend/.venv/bin/python bench/indicators.py"""

from __future__ import annotations

import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import talib

from app.market import recordings
from app.quant.formula import Formula, parse
from app.quant.indicators.spec import Array, Series

GOAL = 1.5  # the target: the engine within 1.5x of the same computation with raw TA-Lib calls
HOURS_IN_YEAR = 365 * 24  # 8,760
MINUTES_IN_5_YEARS = 5 * 365 * 24 * 60  # 2,628,000
SEED = 20_240_101

SPREAD = "RSI(14) - RSI(28)"
# Ten indicator calls: RSI x2, EMA x2, SMA x2, BBANDS, ATR, MOM, ADX.
TEN_TERMS = (
    "(RSI(14) - RSI(28))"
    " + (EMA(CLOSE, 12) - EMA(CLOSE, 26)) / CLOSE * 100"
    " + SMA(CLOSE, 20) / SMA(CLOSE, 50)"
    " - BBANDS(20, 2).upper / CLOSE"
    " + ATR(14) / CLOSE"
    " + MOM(CLOSE, 10) / CLOSE"
    " + ADX(14) / 100"
)


def raw_spread(s: Series) -> Array:
    result: Array = talib.RSI(s.close, 14) - talib.RSI(s.close, 28)
    return result


def raw_ten_terms(s: Series) -> Array:
    c, h, lo = s.close, s.high, s.low
    upper = talib.BBANDS(c, timeperiod=20, nbdevup=2.0, nbdevdn=2.0, matype=0)[0]
    result: Array = (
        (talib.RSI(c, 14) - talib.RSI(c, 28))
        + (talib.EMA(c, 12) - talib.EMA(c, 26)) / c * 100
        + talib.SMA(c, 20) / talib.SMA(c, 50)
        - upper / c
        + talib.ATR(h, lo, c, 14) / c
        + talib.MOM(c, 10) / c
        + talib.ADX(h, lo, c, 14) / 100
    )
    return result


@dataclass(frozen=True)
class Case:
    text: str
    raw: Callable[[Series], Array]


CASES = (Case(SPREAD, raw_spread), Case(TEN_TERMS, raw_ten_terms))


def hourly_year() -> Series:
    """The last 8,760 bundled real BTC-USD 1h candles."""
    raw = recordings.load("BTC-USD", "1h")
    if len(raw) < HOURS_IN_YEAR:
        raise SystemExit(f"only {len(raw)} bundled 1h candles, need {HOURS_IN_YEAR}")
    tail = raw.take(slice(len(raw) - HOURS_IN_YEAR, None))
    return Series(tail.ts, tail.open, tail.high, tail.low, tail.close, tail.volume)


def synthetic_minutes(size: int, seed: int = SEED) -> Series:
    """A seeded geometric random walk at BTC-like volatility (~60%/year), with consistent OHLCV."""
    rng = np.random.default_rng(seed)
    sigma = 0.6 / np.sqrt(365 * 24 * 60)  # per-minute log-return deviation
    log_close = np.log(30_000.0) + np.cumsum(rng.normal(0.0, sigma, size))
    close = np.exp(log_close)
    open_ = np.empty(size)
    open_[0] = 30_000.0
    open_[1:] = close[:-1]
    body_top, body_bottom = np.maximum(open_, close), np.minimum(open_, close)
    high = body_top * np.exp(np.abs(rng.normal(0.0, sigma / 2, size)))
    low = body_bottom * np.exp(-np.abs(rng.normal(0.0, sigma / 2, size)))
    volume = rng.lognormal(np.log(5.0), 1.0, size)
    ts = 1_577_836_800 + 60 * np.arange(size, dtype=np.int64)  # from 2020-01-01T00:00:00Z
    return Series(ts, open_, high, low, close, volume)


def median_ms(run: Callable[[], object], runs: int) -> float:
    times: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def check(formula: Formula, case: Case, series: Series) -> None:
    """Both sides give the same numbers (from the formula's lookback on) before anything is timed."""
    engine, raw = formula.evaluate(series), case.raw(series)
    start = formula.lookback
    assert not np.isnan(engine[start:]).any(), f"{case.text}: NaN after the lookback ({start})"
    np.testing.assert_allclose(engine[start:], raw[start:], rtol=1e-9, err_msg=case.text)


def bench(label: str, series: Series, runs: int) -> None:
    for case in CASES:
        start = time.perf_counter()
        formula = parse(case.text)
        parse_ms = (time.perf_counter() - start) * 1000
        check(formula, case, series)  # doubles as warm-up for both sides
        engine_ms = median_ms(lambda f=formula: f.evaluate(series), runs)
        raw_ms = median_ms(lambda c=case: c.raw(series), runs)
        ratio = engine_ms / raw_ms
        terms = "spread " if case.text == SPREAD else "10-term"
        verdict = "met" if ratio <= GOAL else "MISSED"
        print(
            f"{label:<13} {terms} bars={len(series):>9,}  parse={parse_ms:6.2f} ms  "
            f"engine={engine_ms:9.3f} ms  ta-lib={raw_ms:9.3f} ms  ratio={ratio:5.2f}x  "
            f"goal {GOAL}x: {verdict}  (median of {runs})"
        )


def main() -> None:
    print(f"spread : {SPREAD}")
    print(f"10-term: {TEN_TERMS}")
    print("1h: last 8,760 real BTC-USD candles (bundled recording)")
    print(f"1m: {MINUTES_IN_5_YEARS:,} SYNTHETIC candles (seeded geometric random walk, seed {SEED}):")
    print("    real 1m recordings only cover 30 days")
    bench("1h x 1 year", hourly_year(), runs=7)
    bench("1m x 5 years", synthetic_minutes(MINUTES_IN_5_YEARS), runs=3)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"peak RSS: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
