"""The built-in indicators TA-Lib computes: a table of rows made into IndicatorSpecs from talib.abstract."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import talib
from talib import abstract

from app.quant.indicators.spec import PRICE_INPUTS, Array, IndicatorSpec, Param, Series

# talib's abstract.pyi types the indicator functions but leaves out Function, its metadata interface.
_function: Callable[[str], Any] = abstract.Function  # type: ignore[attr-defined]

MAX_PERIOD = 1000
MA_TYPES = "0 SMA, 1 EMA, 2 WMA, 3 DEMA, 4 TEMA, 5 TRIMA, 6 KAMA, 7 MAMA, 8 T3"

# One parameter vocabulary for the whole catalog (the own indicators say `period` too); TA-Lib's names
# stay internal. Names not listed here (acceleration, fastk_period, ...) are already readable.
_NAMES = {
    "timeperiod": "period",
    "timeperiod1": "period1",
    "timeperiod2": "period2",
    "timeperiod3": "period3",
    "fastperiod": "fast_period",
    "slowperiod": "slow_period",
    "signalperiod": "signal_period",
    "nbdevup": "up_multiplier",
    "nbdevdn": "down_multiplier",
    "nbdev": "multiplier",
    "matype": "ma_type",
    "slowk_matype": "slowk_ma_type",
    "slowd_matype": "slowd_ma_type",
    "fastd_matype": "fastd_ma_type",
    "vfactor": "volume_factor",
}

# Bounds by TA-Lib parameter name. Window lengths (`timeperiod*`) take the row's `min_period` instead:
# TA-Lib rejects 1 for most of them but accepts it where a one-bar window still means something.
# MA types stop at 8, the set every TA-Lib release has; newer ones are not portable.
_BOUNDS: dict[str, tuple[float, float]] = {
    "fastperiod": (2, MAX_PERIOD),
    "slowperiod": (2, MAX_PERIOD),
    "signalperiod": (1, MAX_PERIOD),
    "fastk_period": (1, MAX_PERIOD),
    "slowk_period": (1, MAX_PERIOD),
    "slowd_period": (1, MAX_PERIOD),
    "fastd_period": (1, MAX_PERIOD),
    "matype": (0, 8),
    "slowk_matype": (0, 8),
    "slowd_matype": (0, 8),
    "fastd_matype": (0, 8),
    "nbdevup": (0.1, 10.0),
    "nbdevdn": (0.1, 10.0),
    "nbdev": (0.1, 10.0),
    "vfactor": (0.0, 1.0),
    "acceleration": (0.001, 1.0),
    "maximum": (0.01, 1.0),
    "penetration": (0.0, 1.0),
}

_DESCRIPTIONS = {
    "timeperiod": "bars in the window",
    "fastperiod": "bars in the fast average",
    "slowperiod": "bars in the slow average",
    "signalperiod": "bars in the signal average",
    "fastk_period": "bars in the raw %K window",
    "slowk_period": "bars smoothing %K",
    "slowd_period": "bars smoothing %D",
    "fastd_period": "bars smoothing %D",
    "nbdevup": "standard deviations above the middle band",
    "nbdevdn": "standard deviations below the middle band",
    "nbdev": "standard deviations",
    "vfactor": "volume factor (0 is an EMA, 1 a DEMA)",
    "acceleration": "acceleration factor step",
    "maximum": "acceleration factor cap",
    "penetration": "share of the first candle's body the pattern reaches into (mat hold: at most)",
}


@dataclass(frozen=True, slots=True)
class _Row:
    name: str
    group: str
    outputs: tuple[str, ...] = ("value",)
    title: str = ""  # TA-Lib's display name when empty
    min_period: int = 2
    aliases: tuple[str, ...] = ()
    hidden: tuple[str, ...] = ()  # TA-Lib parameters not offered: left at TA-Lib's default


_BANDS = ("upper", "middle", "lower")
_KD = ("k", "d")

ROWS: tuple[_Row, ...] = (
    _Row("SMA", "overlap"),
    _Row("EMA", "overlap"),
    _Row("WMA", "overlap"),
    _Row("DEMA", "overlap"),
    _Row("TEMA", "overlap"),
    _Row("KAMA", "overlap"),
    _Row("TRIMA", "overlap"),
    _Row("T3", "overlap", title="T3 Moving Average"),
    _Row("BBANDS", "volatility", _BANDS, aliases=("BOLLINGER_BANDS", "BOLLINGER", "BB")),
    _Row("SAR", "trend", aliases=("PSAR", "PARABOLIC_SAR")),
    _Row("MIDPOINT", "overlap", title="Midpoint over Period"),
    _Row("MIDPRICE", "overlap", title="Midpoint Price over Period"),
    _Row("HT_TRENDLINE", "overlap", title="Hilbert Transform Instantaneous Trendline"),
    _Row("RSI", "momentum"),
    _Row("MACD", "momentum", ("macd", "signal", "histogram")),
    _Row("STOCH", "momentum", _KD, aliases=("STOCHASTIC",)),
    _Row("STOCHF", "momentum", _KD, aliases=("STOCHASTIC_FAST",)),
    _Row("STOCHRSI", "momentum", _KD, aliases=("STOCH_RSI",)),
    _Row("CCI", "momentum"),
    _Row("MFI", "volume", aliases=("MONEY_FLOW_INDEX",)),
    _Row("ROC", "momentum", title="Rate of Change", min_period=1),
    _Row("MOM", "momentum", min_period=1, aliases=("MOMENTUM",)),
    _Row("WILLR", "momentum", aliases=("WILLIAMS_R",)),
    _Row("TRIX", "momentum", title="Triple Smoothed EMA Rate of Change", min_period=1),
    _Row("ULTOSC", "momentum", min_period=1, aliases=("ULTIMATE_OSCILLATOR",)),
    _Row("PPO", "momentum"),
    _Row("APO", "momentum"),
    _Row("CMO", "momentum"),
    _Row("BOP", "momentum"),
    _Row("ADX", "trend"),
    _Row("ADXR", "trend"),
    _Row("DX", "trend"),
    _Row("PLUS_DI", "trend", min_period=1, aliases=("DI+", "PDI")),
    _Row("MINUS_DI", "trend", min_period=1, aliases=("DI-", "MDI")),
    _Row("PLUS_DM", "trend", min_period=1, aliases=("DM+",)),
    _Row("MINUS_DM", "trend", min_period=1, aliases=("DM-",)),
    _Row("AROON", "trend", ("down", "up")),
    _Row("AROONOSC", "trend"),
    _Row("LINEARREG", "trend", aliases=("LINREG",)),
    _Row("LINEARREG_SLOPE", "trend"),
    _Row("LINEARREG_ANGLE", "trend"),
    _Row("LINEARREG_INTERCEPT", "trend"),
    _Row("TSF", "trend"),
    _Row("ATR", "volatility", min_period=1),
    _Row("NATR", "volatility", min_period=1),
    _Row("TRANGE", "volatility", aliases=("TR", "TRUE_RANGE")),
    _Row("STDDEV", "volatility"),
    # TA-Lib's VAR accepts `nbdev` and ignores it; offering it would promise an effect it lacks.
    _Row("VAR", "volatility", hidden=("nbdev",)),
    _Row("OBV", "volume"),
    _Row("AD", "volume", aliases=("ACCUMULATION_DISTRIBUTION",)),
    _Row("ADOSC", "volume", aliases=("CHAIKIN_OSCILLATOR",)),
    _Row("AVGPRICE", "price"),
    _Row("MEDPRICE", "price"),
    _Row("TYPPRICE", "price", aliases=("TYPICAL_PRICE",)),
    _Row("WCLPRICE", "price"),
)
# Every candlestick pattern (CDL*), its signal (+-100 where found) as a float; app.quant.indicators.candles
# describes each one. talib leaves get_function_groups unannotated.
_groups: Callable[[], dict[str, list[str]]] = talib.get_function_groups
PATTERN_NAMES: tuple[str, ...] = tuple(_groups()["Pattern Recognition"])
PATTERN_ROWS: tuple[_Row, ...] = tuple(_Row(name, "pattern") for name in PATTERN_NAMES)


def _inputs(input_names: Mapping[str, str | list[str]]) -> tuple[str, ...]:
    """TA-Lib's input declaration ({'price': 'close', 'prices': ['volume']}) as a flat column list."""
    columns: list[str] = []
    for value in input_names.values():
        columns.extend([value] if isinstance(value, str) else value)
    unknown = set(columns) - set(PRICE_INPUTS)
    if unknown:
        raise RuntimeError(f"TA-Lib input {sorted(unknown)} is not a candle column")
    return tuple(columns)


def _param(talib_name: str, default: float, min_period: int) -> Param:
    integer = not isinstance(default, float)
    if talib_name.startswith("timeperiod"):
        low, high = float(min_period), float(MAX_PERIOD)
    else:
        low, high = (float(bound) for bound in _BOUNDS[talib_name])
    description = MA_TYPES if talib_name.endswith("matype") else _DESCRIPTIONS.get(talib_name, "")
    return Param(_NAMES.get(talib_name, talib_name), float(default), low, high, integer, description)


@functools.lru_cache(maxsize=4096)
def _lookback(name: str, talib_values: tuple[tuple[str, float], ...]) -> int:
    function = _function(name)
    function.set_parameters(dict(talib_values))
    return int(function.lookback)


def _spec(row: _Row) -> IndicatorSpec:
    info = _function(row.name).info
    if len(info["output_names"]) != len(row.outputs):
        raise RuntimeError(f"TA-Lib {row.name} outputs {info['output_names']}, the catalog {row.outputs}")
    inputs = _inputs(info["input_names"])
    offered = [(name, default) for name, default in info["parameters"].items() if name not in row.hidden]
    params = tuple(_param(name, default, row.min_period) for name, default in offered)
    to_talib = {param.name: talib_name for param, (talib_name, _) in zip(params, offered, strict=True)}
    function = getattr(talib, row.name)

    def compute(series: Series, values: Mapping[str, float]) -> dict[str, Array]:
        columns = [np.ascontiguousarray(series.column(column), dtype=np.float64) for column in inputs]
        result = function(*columns, **{to_talib[key]: value for key, value in values.items()})
        arrays = result if isinstance(result, tuple) else (result,)
        outputs: dict[str, Array] = {}
        for output, array in zip(row.outputs, arrays, strict=True):
            outputs[output] = np.asarray(array, dtype=np.float64)
            if array.dtype.kind == "i":  # pattern signals are 0 during TA-Lib's lookback, not NaN
                outputs[output][: lookback(values)] = np.nan
        return outputs

    def lookback(values: Mapping[str, float]) -> int:
        return _lookback(row.name, tuple((to_talib[key], value) for key, value in sorted(values.items())))

    return IndicatorSpec(
        name=row.name,
        title=row.title or info["display_name"],
        group=row.group,
        inputs=inputs,
        params=params,
        outputs=row.outputs,
        compute=compute,
        lookback=lookback,
        engine="ta-lib",
        aliases=row.aliases,
    )


SPECS: tuple[IndicatorSpec, ...] = tuple(_spec(row) for row in (*ROWS, *PATTERN_ROWS))
