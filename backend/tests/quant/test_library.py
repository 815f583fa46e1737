"""The built-in catalog: TA-Lib entries against direct TA-Lib calls on real candles, binding, metadata."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
import talib
from talib import abstract

from app.market import recordings
from app.quant.indicators import library
from app.quant.indicators.spec import PRICE_INPUTS, Array, IndicatorError, IndicatorSpec, Series

BARS = 3000
TALIB_SPECS = [spec for spec in library.CATALOG.values() if spec.engine == "ta-lib"]
REQUIRED_NAMES = """
RSI MACD BBANDS SMA EMA WMA DEMA TEMA KAMA TRIMA T3 ATR NATR TRANGE ADX ADXR PLUS_DI MINUS_DI DX AROON
AROONOSC CCI MFI ROC MOM WILLR STOCH STOCHF STOCHRSI OBV AD ADOSC SAR TRIX ULTOSC PPO APO CMO BOP STDDEV
VAR LINEARREG LINEARREG_SLOPE LINEARREG_ANGLE TSF MIDPOINT MIDPRICE HT_TRENDLINE
VWAP ICHIMOKU KELTNER DONCHIAN SUPERTREND HEIKIN_ASHI
"""
REQUIRED = REQUIRED_NAMES.split()


def real_series(symbol: str, bars: int = BARS) -> Series:
    candles = recordings.load(symbol, "1h")
    return Series(*(getattr(candles, column)[-bars:] for column in ("ts", *PRICE_INPUTS)))


@pytest.fixture(scope="module", params=["BTC-USD", "ETH-USD"])
def series(request: pytest.FixtureRequest) -> Series:
    return real_series(request.param)


def leading_nans(values: Array) -> int:
    defined = np.flatnonzero(~np.isnan(values))
    return int(defined[0]) if len(defined) else len(values)


def talib_inputs(name: str, series: Series) -> list[Array]:
    # From TA-Lib's own declaration, not the spec's, so a wrong `inputs` in the catalog cannot hide.
    columns: list[str] = []
    for value in abstract.Function(name).info["input_names"].values():
        columns.extend([value] if isinstance(value, str) else value)
    return [np.ascontiguousarray(series.column(column)) for column in columns]


def varied(spec: IndicatorSpec) -> tuple[float, ...]:
    """A non-default parameter set inside the bounds, in declaration order."""
    values: list[float] = []
    for param in spec.params:
        if param.name.endswith("ma_type"):
            values.append(int(param.default + 1) % 3)
        elif param.integer:
            values.append(int(min(param.default + 3, param.maximum)))
        else:
            larger = param.default * 1.5
            values.append(larger if larger <= param.maximum else param.default / 2)
    return tuple(values)


@pytest.mark.parametrize("variant", ["defaults", "varied"])
@pytest.mark.parametrize("spec", TALIB_SPECS, ids=lambda spec: spec.name)
def test_talib_entry_equals_direct_call(spec: IndicatorSpec, variant: str, series: Series) -> None:
    positional = varied(spec) if variant == "varied" else ()
    # Positional on both sides: the catalog's parameter order must be TA-Lib's, names aside.
    direct = getattr(talib, spec.name)(*talib_inputs(spec.name, series), *positional)
    expected = direct if isinstance(direct, tuple) else (direct,)
    result = library.compute(spec.name, series, positional=positional)
    lookback = spec.lookback(spec.bind(positional=positional))
    assert list(result) == list(spec.outputs)
    for output, want in zip(spec.outputs, expected, strict=True):
        if want.dtype.kind == "i":  # a pattern's signal: TA-Lib's 0 during the lookback is the catalog's NaN
            assert not want[:lookback].any(), output
            want = np.where(np.arange(len(want)) < lookback, np.nan, want)
        got = result[output]
        assert got.dtype == np.float64 and got.shape == (len(series),)
        assert leading_nans(want) == lookback, output
        assert np.isnan(got[:lookback]).all() and not np.isnan(got[lookback:]).any(), output
        np.testing.assert_allclose(got[lookback:], want[lookback:], rtol=1e-9, atol=0, err_msg=output)


@pytest.mark.parametrize("spec", TALIB_SPECS, ids=lambda spec: spec.name)
def test_talib_accepts_every_bound(spec: IndicatorSpec) -> None:
    candles = real_series("BTC-USD")
    for param in spec.params:
        for value in (param.minimum, param.maximum):
            values = spec.bind({param.name: value})
            result = spec.compute(candles, values)
            lookback = min(spec.lookback(values), len(candles))
            assert all(leading_nans(array) == lookback for array in result.values()), (param.name, value)


@pytest.mark.parametrize("bars", [0, 1, 5])
@pytest.mark.parametrize("name", sorted(library.CATALOG))
def test_short_input_gives_nan_arrays_of_its_length(name: str, bars: int) -> None:
    candles = real_series("BTC-USD", 100)
    short = Series(*(getattr(candles, column)[:bars] for column in ("ts", *PRICE_INPUTS)))
    spec = library.get(name)
    lookback = min(spec.lookback(spec.bind()), bars)
    for array in library.compute(name, short).values():
        assert array.shape == (bars,) and array.dtype == np.float64
        assert np.isnan(array[:lookback]).all()


def test_bind_fills_defaults_then_positional_then_named() -> None:
    macd = library.get("MACD")
    assert macd.bind() == {"fast_period": 12, "slow_period": 26, "signal_period": 9}
    assert macd.bind(positional=(5, 35)) == {"fast_period": 5, "slow_period": 35, "signal_period": 9}
    assert macd.bind({"signal_period": 4}, (5,)) == {"fast_period": 5, "slow_period": 26, "signal_period": 4}
    bands = library.get("BBANDS").bind({"up_multiplier": 2.5, "period": 21.0})
    assert bands == {"period": 21, "up_multiplier": 2.5, "down_multiplier": 2.0, "ma_type": 0}
    assert isinstance(bands["period"], int)


def test_named_and_positional_parameters_compute_the_same() -> None:
    candles = real_series("BTC-USD", 500)
    by_position = library.compute("STOCH", candles, positional=(9, 4, 1, 5))
    by_name = library.compute(
        "stoch", candles, {"fastk_period": 9, "slowk_period": 4, "slowk_ma_type": 1, "slowd_period": 5}
    )
    direct = talib.STOCH(candles.high, candles.low, candles.close, 9, 4, 1, 5)
    for output, want in zip(("k", "d"), direct, strict=True):
        np.testing.assert_array_equal(by_position[output], by_name[output])
        np.testing.assert_array_equal(by_name[output], want)


@pytest.mark.parametrize(
    ("name", "given", "positional", "field"),
    [
        ("RSI", {"period": 1}, (), "period"),
        ("RSI", {"period": 1001}, (), "period"),
        ("RSI", {"period": 14.5}, (), "period"),
        ("RSI", {}, (7.25,), "period"),
        ("BBANDS", {"up_multiplier": 11}, (), "up_multiplier"),
        ("BBANDS", {"ma_type": 9}, (), "ma_type"),
        ("SAR", {"acceleration": 0}, (), "acceleration"),
        ("SUPERTREND", {"multiplier": 0.0}, (), "multiplier"),
        ("ICHIMOKU", {"kijun_period": 26.5}, (), "kijun_period"),
        ("MACD", {"length": 3}, (), "length"),
        ("MACD", {}, (1, 2, 3, 4), "params"),
        ("BOP", {}, (1,), "params"),
    ],
)
def test_bad_parameters_name_their_field(
    name: str, given: dict[str, float], positional: tuple[float, ...], field: str
) -> None:
    with pytest.raises(IndicatorError) as raised:
        library.compute(name, real_series("BTC-USD", 50), given, positional)
    assert raised.value.field == field
    assert name in str(raised.value)


def test_unknown_indicator() -> None:
    with pytest.raises(IndicatorError, match="unknown indicator FOO") as raised:
        library.get("foo")
    assert raised.value.field == "name"


@pytest.mark.parametrize(
    ("alias", "name"),
    [
        ("DI+", "PLUS_DI"),
        ("di-", "MINUS_DI"),
        ("BOLLINGER_BANDS", "BBANDS"),
        (" bollinger_bands ", "BBANDS"),
        ("kc", "KELTNER"),
        ("HA", "HEIKIN_ASHI"),
        ("rsi", "RSI"),
    ],
)
def test_get_resolves_aliases_and_case(alias: str, name: str) -> None:
    assert library.get(alias).name == name


def test_catalog_metadata() -> None:
    entries = library.catalog()
    names = [entry["name"] for entry in entries]
    aliases = [alias for entry in entries for alias in entry["aliases"]]
    assert len(entries) >= 40 and len(TALIB_SPECS) >= 40
    assert len(set(names)) == len(names) and set(REQUIRED) <= set(names)
    assert len(set(aliases)) == len(aliases) and not set(aliases) & set(names)
    assert json.loads(json.dumps(entries, allow_nan=False)) == entries
    for entry in entries:
        assert set(entry) == {
            "name", "title", "group", "inputs", "params", "outputs", "lookback", "engine", "aliases"
        }  # fmt: skip
        assert entry["group"] in {
            "momentum", "trend", "volatility", "volume", "overlap", "price", "pattern", "chart pattern"
        }  # fmt: skip
        assert entry["engine"] in {"ta-lib", "cryptomon"}
        assert entry["title"] and set(entry["inputs"]) <= set(PRICE_INPUTS)
        assert entry["outputs"] and len(set(entry["outputs"])) == len(entry["outputs"])
        assert entry["lookback"] >= 0
        for param in entry["params"]:
            assert param["min"] <= param["default"] <= param["max"], (entry["name"], param)
            kind: Any = int if param["integer"] else float
            assert all(type(param[key]) is kind for key in ("default", "min", "max")), (entry["name"], param)


def test_friendly_output_names() -> None:
    outputs = {name: library.get(name).outputs for name in ("MACD", "BBANDS", "STOCH", "STOCHRSI", "AROON")}
    assert outputs == {
        "MACD": ("macd", "signal", "histogram"),
        "BBANDS": ("upper", "middle", "lower"),
        "STOCH": ("k", "d"),
        "STOCHRSI": ("k", "d"),
        "AROON": ("down", "up"),
    }
    assert library.get("RSI").outputs == ("value",)
