"""The indicators written here against plain reference implementations, on real candles and random walks."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import talib
from hypothesis import given, settings
from hypothesis import strategies as st

from app.market import recordings
from app.quant.indicators import library
from app.quant.indicators.spec import PRICE_INPUTS, Array, Series

NAN = math.nan
OWN = sorted(name for name, spec in library.CATALOG.items() if spec.engine == "cryptomon")


def real_series(symbol: str = "BTC-USD", bars: int = 3000) -> Series:
    candles = recordings.load(symbol, "1h")
    return Series(*(getattr(candles, column)[-bars:] for column in ("ts", *PRICE_INPUTS)))


def random_walk(seed: int, bars: int) -> Series:
    rng = np.random.default_rng(seed)
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, bars)))
    open_ = np.concatenate([[100.0], close[:-1]])
    high = np.maximum(open_, close) * (1 + rng.uniform(0, 0.01, bars))
    low = np.minimum(open_, close) * (1 - rng.uniform(0, 0.01, bars))
    volume = rng.uniform(0, 10, bars) * (rng.uniform(size=bars) > 0.2)  # some bars trade nothing
    return Series(np.arange(bars, dtype=np.int64), open_, high, low, close, volume)


@pytest.fixture(scope="module", params=["BTC-USD", "ETH-USD"])
def series(request: pytest.FixtureRequest) -> Series:
    return real_series(request.param)


def assert_same(got: Array, want: Array | list[float]) -> None:
    want = np.asarray(want, dtype=np.float64)
    assert got.dtype == np.float64 and got.shape == want.shape
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=0, equal_nan=True)


# Reference implementations: the textbook definitions, one bar at a time or with pandas.


def ref_ema(values: Array, period: int) -> list[float]:
    out = [NAN] * len(values)
    if len(values) >= period:
        out[period - 1] = sum(values[:period]) / period
        for i in range(period, len(values)):
            out[i] = out[i - 1] + 2 / (period + 1) * (values[i] - out[i - 1])
    return out


def ref_atr(s: Series, period: int) -> list[float]:
    true_range = [NAN] + [
        max(s.high[i] - s.low[i], abs(s.high[i] - s.close[i - 1]), abs(s.low[i] - s.close[i - 1]))
        for i in range(1, len(s))
    ]
    out = [NAN] * len(s)
    if len(s) > period:
        out[period] = sum(true_range[1 : period + 1]) / period
        for i in range(period + 1, len(s)):
            out[i] = (out[i - 1] * (period - 1) + true_range[i]) / period
    return out


def ref_vwap(s: Series, period: int) -> list[float]:
    out = [NAN] * len(s)
    for i in range(period - 1, len(s)):
        window = range(i - period + 1, i + 1)
        typical = [(s.high[j] + s.low[j] + s.close[j]) / 3 for j in window]
        volume = [s.volume[j] for j in window]
        total = sum(volume)
        out[i] = (
            sum(t * v for t, v in zip(typical, volume, strict=True)) / total
            if total
            else sum(typical) / period
        )
    return out


def ref_ichimoku(s: Series, tenkan: int, kijun: int, senkou: int, shift: int) -> dict[str, pd.Series]:
    high, low = pd.Series(s.high), pd.Series(s.low)

    def mid(period: int) -> pd.Series:
        return (high.rolling(period).max() + low.rolling(period).min()) / 2

    lines = {
        "tenkan": mid(tenkan),
        "kijun": mid(kijun),
        "senkou_a": ((mid(tenkan) + mid(kijun)) / 2).shift(shift),
        "senkou_b": mid(senkou).shift(shift),
        "chikou": pd.Series(s.close).shift(-shift),
    }
    lookback = max(tenkan, kijun, senkou) - 1 + shift
    return {name: line.where(line.index >= lookback) for name, line in lines.items()}


def ref_supertrend(s: Series, period: int, multiplier: float) -> tuple[list[float], list[float]]:
    atr = ref_atr(s, period)
    value, direction = [NAN] * len(s), [NAN] * len(s)
    final_upper = final_lower = NAN
    trend = 1
    for i in range(period, len(s)):
        hl2 = (s.high[i] + s.low[i]) / 2
        upper, lower = hl2 + multiplier * atr[i], hl2 - multiplier * atr[i]
        if i > period:
            upper = upper if upper < final_upper or s.close[i - 1] > final_upper else final_upper
            lower = lower if lower > final_lower or s.close[i - 1] < final_lower else final_lower
            if trend == 1 and s.close[i] < lower:
                trend = -1
            elif trend == -1 and s.close[i] > upper:
                trend = 1
        final_upper, final_lower = upper, lower
        value[i], direction[i] = (lower if trend == 1 else upper), trend
    return value, direction


def ref_heikin_ashi(s: Series) -> dict[str, list[float]]:
    candles: dict[str, list[float]] = {"open": [], "high": [], "low": [], "close": []}
    for i in range(len(s)):
        close = (s.open[i] + s.high[i] + s.low[i] + s.close[i]) / 4
        open_ = (candles["open"][-1] + candles["close"][-1]) / 2 if i else (s.open[0] + s.close[0]) / 2
        candles["open"].append(open_)
        candles["close"].append(close)
        candles["high"].append(max(s.high[i], open_, close))
        candles["low"].append(min(s.low[i], open_, close))
    return candles


@pytest.mark.parametrize("period", [1, 20, 55])
def test_vwap(series: Series, period: int) -> None:
    assert_same(library.compute("VWAP", series, {"period": period})["value"], ref_vwap(series, period))


def test_vwap_window_without_volume_is_the_mean_typical_price() -> None:
    s = random_walk(1, 60)
    quiet = Series(s.ts, s.open, s.high, s.low, s.close, np.where(np.arange(60) < 30, 0.0, s.volume))
    got = library.compute("VWAP", quiet, positional=(10,))["value"]
    typical = (quiet.high + quiet.low + quiet.close) / 3
    assert_same(got[9:30], pd.Series(typical).rolling(10).mean().to_numpy()[9:30])
    assert_same(got, ref_vwap(quiet, 10))


@pytest.mark.parametrize("params", [(9, 26, 52, 26), (7, 22, 44, 22), (20, 10, 5, 0)])
def test_ichimoku(series: Series, params: tuple[int, int, int, int]) -> None:
    got = library.compute("ICHIMOKU", series, positional=params)
    want = ref_ichimoku(series, *params)
    assert list(got) == list(want)
    for name, line in want.items():
        assert_same(got[name], line.to_numpy())


@pytest.mark.parametrize("params", [(20, 10, 2.0), (34, 14, 1.5), (2, 1, 0.1)])
def test_keltner(series: Series, params: tuple[int, int, float]) -> None:
    period, atr_period, multiplier = params
    got = library.compute("KELTNER", series, positional=params)
    middle, atr = np.array(ref_ema(series.close, period)), np.array(ref_atr(series, atr_period))
    lookback = max(period - 1, atr_period)
    middle[:lookback] = NAN
    assert_same(got["middle"], middle)
    assert_same(got["upper"], middle + multiplier * atr)
    assert_same(got["lower"], middle - multiplier * atr)


def test_keltner_is_built_from_the_catalogs_ema_and_atr(series: Series) -> None:
    got = library.compute("KELTNER", series, {"period": 20, "atr_period": 20})
    ema, atr = talib.EMA(series.close, 20), talib.ATR(series.high, series.low, series.close, 20)
    assert_same(got["middle"][20:], ema[20:])
    assert_same(got["upper"][20:], (ema + 2 * atr)[20:])


@pytest.mark.parametrize("period", [1, 20, 55])
def test_donchian(series: Series, period: int) -> None:
    got = library.compute("DONCHIAN", series, positional=(period,))
    upper = pd.Series(series.high).rolling(period).max().to_numpy()
    lower = pd.Series(series.low).rolling(period).min().to_numpy()
    assert_same(got["upper"], upper)
    assert_same(got["lower"], lower)
    assert_same(got["middle"], (upper + lower) / 2)


@pytest.mark.parametrize("params", [(10, 3.0), (7, 1.5), (1, 0.1)])
def test_supertrend(series: Series, params: tuple[int, float]) -> None:
    got = library.compute("SUPERTREND", series, positional=params)
    value, direction = ref_supertrend(series, *params)
    assert_same(got["value"], value)
    assert_same(got["direction"], direction)
    assert set(np.unique(got["direction"][params[0] :])) == {-1.0, 1.0}


def test_heikin_ashi(series: Series) -> None:
    got = library.compute("HEIKIN_ASHI", series)
    for name, values in ref_heikin_ashi(series).items():
        assert_same(got[name], values)


@pytest.mark.skipif(
    not hasattr(talib, "SUPERTREND"), reason="TA-Lib before 0.8 has no SUPERTREND, HA, DONCHIAN"
)
def test_agrees_with_newer_talib_where_the_definitions_match(series: Series) -> None:
    # Newer TA-Lib releases carry some of these; where they define them as we do, they must agree.
    value, trend = talib.SUPERTREND(series.high, series.low, series.close, 10, 3.0)
    supertrend = library.compute("SUPERTREND", series)
    assert_same(supertrend["value"], value)
    np.testing.assert_array_equal(supertrend["direction"][10:], trend[10:])
    heikin_ashi = library.compute("HEIKIN_ASHI", series)
    for name, values in zip(
        ("open", "high", "low", "close"),
        talib.HA(*(series.open, series.high, series.low, series.close)),
        strict=True,
    ):
        assert_same(heikin_ashi[name], values)
    donchian = library.compute("DONCHIAN", series)
    for name, values in zip(
        ("upper", "middle", "lower"), talib.DONCHIAN(series.high, series.low, 20), strict=True
    ):
        assert_same(donchian[name], values)


@pytest.mark.parametrize("name", OWN)
def test_lookback_is_the_leading_nans(series: Series, name: str) -> None:
    spec = library.get(name)
    for positional in ((), tuple(p.default + 1 if p.integer else p.default * 2 for p in spec.params)):
        values = spec.bind(positional=positional)
        lookback = spec.lookback(values)
        for output, array in spec.compute(series, values).items():
            # Only the chikou span, the close plotted back, is also unknown at the end.
            tail = int(values["displacement"]) if output == "chikou" else 0
            assert np.isnan(array[:lookback]).all(), output
            assert not np.isnan(array[lookback : len(array) - tail]).any(), output
            assert np.isnan(array[len(array) - tail :]).all(), output


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), bars=st.integers(0, 120), period=st.integers(1, 30))
def test_random_walks_match_the_references(seed: int, bars: int, period: int) -> None:
    s = random_walk(seed, bars)
    assert_same(library.compute("VWAP", s, {"period": period})["value"], ref_vwap(s, period))
    value, direction = ref_supertrend(s, period, 2.0)
    supertrend = library.compute("SUPERTREND", s, {"period": period, "multiplier": 2.0})
    assert_same(supertrend["value"], value)
    assert_same(supertrend["direction"], direction)
    heikin_ashi = library.compute("HEIKIN_ASHI", s)
    for name, values in ref_heikin_ashi(s).items():
        assert_same(heikin_ashi[name], values)
    ichimoku = library.compute("ICHIMOKU", s, positional=(period, period + 5, period + 10, period))
    for name, line in ref_ichimoku(s, period, period + 5, period + 10, period).items():
        assert_same(ichimoku[name], line.to_numpy())
