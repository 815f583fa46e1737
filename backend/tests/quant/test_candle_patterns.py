"""The candlestick pattern catalogue: TA-Lib unchanged on real candles, hand-checked cases, formulas."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import talib

from app.quant.formula import FormulaError, parse
from app.quant.indicators import candles, library
from app.quant.indicators.spec import IndicatorError, Series

REPLAY = Path(__file__).parents[2] / "app" / "market" / "replay_data"
TALIB_PATTERNS = talib.get_function_groups()["Pattern Recognition"]
PENETRATION = {  # TA-Lib's defaults
    "CDLABANDONEDBABY": 0.3,
    "CDLDARKCLOUDCOVER": 0.5,
    "CDLEVENINGDOJISTAR": 0.3,
    "CDLEVENINGSTAR": 0.3,
    "CDLMATHOLD": 0.5,
    "CDLMORNINGDOJISTAR": 0.3,
    "CDLMORNINGSTAR": 0.3,
}
Candles = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def load(symbol: str) -> pd.DataFrame:
    return pd.read_feather(REPLAY / f"{symbol}_1h.feather")


def ohlc(frame: pd.DataFrame) -> Candles:
    return tuple(frame[column].to_numpy(dtype=np.float64) for column in ("open", "high", "low", "close"))


def rows(*bars: tuple[float, float, float, float]) -> Candles:
    """Candles from (open, high, low, close) rows."""
    return tuple(np.array(column, dtype=np.float64) for column in zip(*bars, strict=True))


@pytest.fixture(scope="module")
def btc() -> pd.DataFrame:
    frame = load("BTC-USD")
    assert list(frame.columns) == ["ts", "open", "high", "low", "close", "volume"]
    return frame


def test_catalogue_is_talibs_61_patterns() -> None:
    assert len(TALIB_PATTERNS) == 61
    assert [pattern.name for pattern in candles.PATTERNS] == TALIB_PATTERNS
    assert len({pattern.title for pattern in candles.PATTERNS}) == 61
    for pattern in candles.PATTERNS:
        assert pattern.direction in {"bullish", "bearish", "both", "neutral"}, pattern.name
        assert 1 <= pattern.candles <= 5, pattern.name
        assert pattern.title and pattern.title != pattern.name, pattern.name
        description = pattern.description
        assert description[0].isupper() and description.endswith(".") and ". " not in description, (
            pattern.name
        )
    assert candles.get("CDLHAMMER").direction == "bullish"
    assert candles.get("CDLSHOOTINGSTAR").direction == "bearish"
    assert candles.get("cdlengulfing").direction == "both"
    assert candles.get("CDLDOJI").direction == "neutral"


@pytest.mark.parametrize("name", TALIB_PATTERNS)
def test_compute_is_talib_unchanged_on_real_candles(name: str, btc: pd.DataFrame) -> None:
    open_, high, low, close = ohlc(btc)
    want = getattr(talib, name)(open_, high, low, close)
    got = candles.compute(name, open_, high, low, close)
    assert got.dtype == want.dtype == np.int32 and got.shape == (len(btc),)
    np.testing.assert_array_equal(got, want)
    # pandas columns and a lower-case name give the same
    np.testing.assert_array_equal(candles.compute(name.lower(), btc.open, btc.high, btc.low, btc.close), want)


def test_scan_is_every_pattern_unchanged(btc: pd.DataFrame) -> None:
    open_, high, low, close = ohlc(btc)
    signals = candles.scan(open_, high, low, close)
    assert list(signals) == TALIB_PATTERNS
    for name, got in signals.items():
        np.testing.assert_array_equal(got, getattr(talib, name)(open_, high, low, close), err_msg=name)
    some = candles.scan(open_, high, low, close, names=["cdldoji", "CDLHAMMER"])
    assert list(some) == ["CDLDOJI", "CDLHAMMER"]
    np.testing.assert_array_equal(some["CDLHAMMER"], signals["CDLHAMMER"])


@pytest.mark.parametrize("symbol", ["BTC-USD", "ETH-USD", "SOL-USD", "DOGE-USD"])
def test_signals_are_signed_as_the_direction_says(symbol: str) -> None:
    signs = {"bullish": {1}, "bearish": {-1}, "neutral": {1}, "both": {1, -1}}
    signals = candles.scan(*ohlc(load(symbol)))
    for pattern in candles.PATTERNS:
        magnitudes = {100}
        magnitudes |= {80} if pattern.name in {"CDLENGULFING", "CDLHARAMI", "CDLHARAMICROSS"} else set()
        magnitudes |= {200} if pattern.name.startswith("CDLHIKKAKE") else set()
        allowed = {sign * size for sign in signs[pattern.direction] for size in magnitudes} | {0}
        seen = set(np.unique(signals[pattern.name]).tolist())
        assert seen <= allowed, (pattern.name, seen - allowed)


@pytest.mark.parametrize(("name", "default"), PENETRATION.items())
def test_penetration_defaults_to_talibs_and_is_passed_on(
    name: str, default: float, btc: pd.DataFrame
) -> None:
    open_, high, low, close = ohlc(btc)
    spec = library.get(name)
    assert [(param.name, param.default) for param in spec.params] == [("penetration", default)]
    np.testing.assert_array_equal(
        candles.compute(name, open_, high, low, close),
        getattr(talib, name)(open_, high, low, close, penetration=default),
    )
    np.testing.assert_array_equal(
        candles.compute(name, open_, high, low, close, penetration=0.8),
        getattr(talib, name)(open_, high, low, close, penetration=0.8),
    )


def test_penetration_changes_what_is_found(btc: pd.DataFrame) -> None:
    open_, high, low, close = ohlc(btc)
    loose = candles.compute("CDLMORNINGSTAR", open_, high, low, close, penetration=0.0)
    strict = candles.compute("CDLMORNINGSTAR", open_, high, low, close, penetration=0.9)
    assert np.count_nonzero(strict) < np.count_nonzero(loose)
    assert set(np.flatnonzero(strict)) <= set(np.flatnonzero(loose))  # stricter only drops detections


def test_bullish_engulfing_by_hand() -> None:
    # bar 1 is black (11 -> 10); bar 2 is white, opens below bar 1's close and closes above its open
    open_, high, low, close = rows((10, 10.5, 9.5, 10.2), (11, 11.2, 9.8, 10), (9.8, 11.6, 9.7, 11.5))
    assert candles.compute("CDLENGULFING", open_, high, low, close).tolist() == [0, 0, 100]
    # opening at bar 1's close instead of below it: only one end engulfs
    assert candles.compute("CDLENGULFING", [10, 11, 10], high, low, close).tolist() == [0, 0, 80]
    # a white bar 2 that stays inside bar 1's body engulfs nothing
    assert candles.compute("CDLENGULFING", [10, 11, 10.2], high, low, [10.2, 10, 10.8]).tolist() == [0, 0, 0]


def test_bearish_engulfing_by_hand() -> None:
    # bar 1 is white (10 -> 11); bar 2 is black, opens above 11 and closes below 10
    open_, high, low, close = rows((10, 10.5, 9.5, 10.2), (10, 11.2, 9.8, 11), (11.2, 11.6, 9.5, 9.8))
    assert candles.compute("CDLENGULFING", open_, high, low, close).tolist() == [0, 0, -100]
    assert candles.found(open_, high, low, close, last_n=1) == [(2, "CDLENGULFING", -100)]


def test_doji_by_hand() -> None:
    # Ten candles of range 2 (body 1), then one whose body is at most 10% of that average range: TA-Lib's doji
    history = [(10, 11.5, 9.5, 11)] * 10
    open_, high, low, close = rows(*history, (10, 11, 9, 10.15))
    assert candles.compute("CDLDOJI", open_, high, low, close).tolist() == [0] * 10 + [100]
    open_, high, low, close = rows(*history, (10, 11, 9, 10.25))  # a body of 0.25 > 0.2: no doji
    assert candles.compute("CDLDOJI", open_, high, low, close).tolist() == [0] * 11


def test_found_lists_the_last_bars_detections_in_order(btc: pd.DataFrame) -> None:
    open_, high, low, close = ohlc(btc)
    signals = candles.scan(open_, high, low, close)
    last = 48
    detections = candles.found(open_, high, low, close, last_n=last)
    want = sorted(
        (bar, name, int(values[bar]))
        for name, values in signals.items()
        for bar in range(len(btc) - last, len(btc))
        if values[bar]
    )
    assert detections == want and len(detections) > 10
    assert detections == sorted(detections, key=lambda hit: (hit.bar, hit.name))
    assert {hit.bar for hit in detections} <= set(range(len(btc) - last, len(btc)))
    assert candles.found(open_, high, low, close, last_n=0) == []
    hammers = candles.found(open_, high, low, close, last_n=500, names=["CDLHAMMER"])
    assert [hit.bar for hit in hammers] == [
        len(btc) - 500 + i for i in np.flatnonzero(signals["CDLHAMMER"][-500:])
    ]
    assert all(hit.signal == 100 for hit in hammers)
    everything = candles.found(open_[-30:], high[-30:], low[-30:], close[-30:], last_n=10_000)
    assert everything == candles.found(open_[-30:], high[-30:], low[-30:], close[-30:], last_n=30)


def test_errors_name_their_field(btc: pd.DataFrame) -> None:
    open_, high, low, close = ohlc(btc.tail(50))
    with pytest.raises(IndicatorError, match="unknown pattern CDLFOO") as raised:
        candles.compute("cdlfoo", open_, high, low, close)
    assert raised.value.field == "pattern"
    with pytest.raises(IndicatorError) as raised:
        candles.scan(open_, high, low, close, names=["CDLDOJI", "HAMMER"])
    assert raised.value.field == "pattern" and "HAMMER" in str(raised.value)
    with pytest.raises(IndicatorError) as raised:
        candles.get("")
    assert raised.value.field == "pattern"
    with pytest.raises(IndicatorError) as raised:
        candles.compute("CDLMORNINGSTAR", open_, high, low, close, penetration=1.5)
    assert raised.value.field == "penetration"
    with pytest.raises(IndicatorError) as raised:
        candles.compute("CDLDOJI", open_, high, low, close, penetration=0.5)
    assert raised.value.field == "penetration"
    with pytest.raises(IndicatorError) as raised:
        candles.compute("CDLDOJI", open_, high, low, close[:-1])
    assert raised.value.field == "candles"
    with pytest.raises(IndicatorError) as raised:
        candles.found(open_, high, low, close, last_n=-1)
    assert raised.value.field == "last_n"


def series_of(frame: pd.DataFrame) -> Series:
    return Series(
        frame.ts.to_numpy(),
        *(frame[c].to_numpy(dtype=np.float64) for c in ("open", "high", "low", "close", "volume")),
    )


@pytest.mark.parametrize("name", TALIB_PATTERNS)
def test_every_pattern_is_in_the_indicator_catalogue(name: str) -> None:
    spec = library.get(name)
    assert (spec.group, spec.inputs, spec.outputs, spec.engine) == (
        "pattern",
        ("open", "high", "low", "close"),
        ("value",),
        "ta-lib",
    )
    assert [param.name for param in spec.params] == (["penetration"] if name in PENETRATION else [])


def test_catalogue_entry_is_the_signal_as_float(btc: pd.DataFrame) -> None:
    series = series_of(btc.tail(2000))
    value = library.compute("CDLENGULFING", series)["value"]
    want = talib.CDLENGULFING(series.open, series.high, series.low, series.close)
    lookback = library.get("CDLENGULFING").lookback({})
    assert value.dtype == np.float64 and lookback == 2
    assert np.isnan(value[:lookback]).all()
    np.testing.assert_array_equal(value[lookback:], want[lookback:].astype(np.float64))


def test_formula_on_a_pattern(btc: pd.DataFrame) -> None:
    series = series_of(btc.tail(2000))
    signal = talib.CDLENGULFING(series.open, series.high, series.low, series.close)
    formula = parse("CDLENGULFING() > 0")
    assert formula.text == "CDLENGULFING() > 0" and formula.lookback == 2
    result = formula.evaluate(series)
    assert np.isnan(result[:2]).all()
    np.testing.assert_array_equal(result[2:], (signal[2:] > 0).astype(np.float64))
    assert 0 < np.nansum(result) < len(result) - 2
    bearish = parse("cdlengulfing < 0 and close < open").evaluate(series)
    np.testing.assert_array_equal(
        bearish[2:], (signal[2:] < 0).astype(np.float64)
    )  # bearish bodies are black
    strict = parse("CDLMORNINGSTAR(penetration=0.6)").evaluate(series)
    want = talib.CDLMORNINGSTAR(series.open, series.high, series.low, series.close, penetration=0.6)
    np.testing.assert_array_equal(strict[12:], want[12:].astype(np.float64))
    with pytest.raises(FormulaError, match="CDLENGULFING reads open, high, low, close"):
        parse("CDLENGULFING(CLOSE)")
