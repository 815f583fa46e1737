"""The built-ins written here in numpy: VWAP, Ichimoku, Keltner, Donchian, SuperTrend and Heikin-Ashi.

Each returns arrays as long as its input, NaN before its lookback (for every output, as TA-Lib does).
EMA and ATR follow TA-Lib's conventions (seeded with the mean of the first window; ATR's first true range
is bar 1), so KELTNER's middle band is the catalog's EMA and SUPERTREND's bands use the catalog's ATR.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from app.quant.indicators.spec import Array, IndicatorSpec, Param, Series

MAX_PERIOD = 1000.0


def _rolling(values: Array, period: int, reduce: Callable[..., Array]) -> Array:
    # Each window reduced on its own (not a running sum), so no error accumulates over long series.
    out = np.full(len(values), np.nan)
    if len(values) >= period:
        out[period - 1 :] = reduce(sliding_window_view(values, period), axis=1)
    return out


def _midrange(high: Array, low: Array, period: int) -> Array:
    return (_rolling(high, period, np.max) + _rolling(low, period, np.min)) / 2


def _shift(values: Array, bars: int) -> Array:
    """values moved `bars` later (earlier when negative), NaN where nothing moved in."""
    out = np.full(len(values), np.nan)
    if bars == 0:
        out[:] = values
    elif 0 < bars < len(values):
        out[bars:] = values[:-bars]
    elif 0 < -bars < len(values):
        out[:bars] = values[-bars:]
    return out


def _ema(values: Array, period: int) -> Array:
    out = np.full(len(values), np.nan)
    if len(values) < period:
        return out
    alpha = 2.0 / (period + 1)
    value = float(np.mean(values[:period]))
    smoothed = [value]
    for x in values[period:].tolist():
        value += alpha * (x - value)
        smoothed.append(value)
    out[period - 1 :] = smoothed
    return out


def _atr(high: Array, low: Array, close: Array, period: int) -> Array:
    """Wilder's average true range; the first value is at bar `period`."""
    out = np.full(len(close), np.nan)
    if len(close) <= period:
        return out
    previous = close[:-1]
    true_range = np.maximum(high[1:], previous) - np.minimum(low[1:], previous)
    value = float(np.mean(true_range[:period]))
    averaged = [value]
    for tr in true_range[period:].tolist():
        value = (value * (period - 1) + tr) / period
        averaged.append(value)
    out[period:] = averaged
    return out


def _masked(outputs: dict[str, Array], lookback: int) -> dict[str, Array]:
    for values in outputs.values():
        values[: min(lookback, len(values))] = np.nan
    return outputs


def vwap(series: Series, params: Mapping[str, float]) -> dict[str, Array]:
    """Rolling VWAP: typical price weighted by volume over the last `period` bars.

    Crypto trades around the clock, so there is no session to anchor a cumulative VWAP to; a rolling
    window keeps the value comparable along the whole history. A window with no volume at all falls
    back to the plain mean of the typical price (the limit of equal weights), so the output stays
    defined after the lookback.
    """
    period = int(params["period"])
    typical = (series.high + series.low + series.close) / 3
    volume = _rolling(series.volume, period, np.sum)
    weighted = _rolling(typical * series.volume, period, np.sum)
    plain = _rolling(typical, period, np.mean)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(volume > 0, weighted / volume, plain)
    return {"value": value}


def ichimoku(series: Series, params: Mapping[str, float]) -> dict[str, Array]:
    """Ichimoku Kinko Hyo, each line as of the bar it is plotted at.

    The senkou spans are computed `displacement` bars earlier and plotted ahead, so `senkou_a[i]` is the
    value from bar `i - displacement` (the cloud standing at bar i; the part of it drawn beyond the last
    bar is not represented). The chikou span is the close plotted `displacement` bars back, so
    `chikou[i] = close[i + displacement]`: it looks ahead, is NaN on the last `displacement` bars, and
    must not be used for a decision at bar i.
    """
    tenkan = _midrange(series.high, series.low, int(params["tenkan_period"]))
    kijun = _midrange(series.high, series.low, int(params["kijun_period"]))
    displacement = int(params["displacement"])
    outputs = {
        "tenkan": tenkan,
        "kijun": kijun,
        "senkou_a": _shift((tenkan + kijun) / 2, displacement),
        "senkou_b": _shift(_midrange(series.high, series.low, int(params["senkou_period"])), displacement),
        "chikou": _shift(series.close, -displacement),
    }
    return _masked(outputs, _ichimoku_lookback(params))


def _ichimoku_lookback(params: Mapping[str, float]) -> int:
    periods = (params["tenkan_period"], params["kijun_period"], params["senkou_period"])
    return int(max(periods)) - 1 + int(params["displacement"])


def keltner(series: Series, params: Mapping[str, float]) -> dict[str, Array]:
    """Keltner channels: EMA of the close, ± `multiplier` * ATR."""
    middle = _ema(series.close, int(params["period"]))
    width = params["multiplier"] * _atr(series.high, series.low, series.close, int(params["atr_period"]))
    outputs = {"upper": middle + width, "middle": middle, "lower": middle - width}
    return _masked(outputs, _keltner_lookback(params))


def _keltner_lookback(params: Mapping[str, float]) -> int:
    return max(int(params["period"]) - 1, int(params["atr_period"]))


def donchian(series: Series, params: Mapping[str, float]) -> dict[str, Array]:
    """Donchian channels: highest high and lowest low of the last `period` bars, and their midpoint."""
    period = int(params["period"])
    upper = _rolling(series.high, period, np.max)
    lower = _rolling(series.low, period, np.min)
    return {"upper": upper, "middle": (upper + lower) / 2, "lower": lower}


def supertrend(series: Series, params: Mapping[str, float]) -> dict[str, Array]:
    """SuperTrend: the lower band while the trend is up (direction +1), the upper band while down (-1).

    Bands are hl2 ± `multiplier` * ATR(`period`); a band only tightens while the close stays inside
    it, and the trend flips when the close crosses the active band. The first bar starts up, as in
    pandas-ta and TA-Lib's SUPERTREND.
    """
    period = int(params["period"])
    n = len(series)
    value, direction = np.full(n, np.nan), np.full(n, np.nan)
    if n <= period:
        return {"value": value, "direction": direction}
    width = params["multiplier"] * _atr(series.high, series.low, series.close, period)
    middle = (series.high + series.low) / 2
    basic_upper, basic_lower = (middle + width).tolist(), (middle - width).tolist()
    close = series.close.tolist()
    upper, lower, up = basic_upper[period], basic_lower[period], True
    value[period], direction[period] = lower, 1.0
    for i in range(period + 1, n):
        if basic_upper[i] < upper or close[i - 1] > upper:
            upper = basic_upper[i]
        if basic_lower[i] > lower or close[i - 1] < lower:
            lower = basic_lower[i]
        up = close[i] >= lower if up else close[i] > upper
        value[i], direction[i] = (lower, 1.0) if up else (upper, -1.0)
    return {"value": value, "direction": direction}


def heikin_ashi(series: Series, params: Mapping[str, float]) -> dict[str, Array]:
    """Heikin-Ashi candles; the open averages the previous Heikin-Ashi open and close (so it recurses)."""
    close = (series.open + series.high + series.low + series.close) / 4
    opens: list[float] = []
    if len(series):
        value = float(series.open[0] + series.close[0]) / 2
        for previous_close in close[:-1].tolist():
            opens.append(value)
            value = (value + previous_close) / 2
        opens.append(value)
    open_ = np.array(opens, dtype=np.float64)
    high = np.maximum(series.high, np.maximum(open_, close))
    low = np.minimum(series.low, np.minimum(open_, close))
    return {"close": close, "open": open_, "high": high, "low": low}


def _period(
    name: str, default: float, minimum: float = 1.0, description: str = "bars in the window"
) -> Param:
    return Param(name, default, minimum, MAX_PERIOD, True, description)


def _multiplier(default: float, description: str) -> Param:
    return Param("multiplier", default, 0.1, 10.0, False, description)


def _period_lookback(params: Mapping[str, float]) -> int:
    return int(params["period"]) - 1


SPECS: tuple[IndicatorSpec, ...] = (
    IndicatorSpec(
        name="VWAP",
        title="Rolling Volume Weighted Average Price",
        group="volume",
        inputs=("high", "low", "close", "volume"),
        params=(_period("period", 20),),
        outputs=("value",),
        compute=vwap,
        lookback=_period_lookback,
        engine="cryptomon",
        aliases=("ROLLING_VWAP",),
    ),
    IndicatorSpec(
        name="ICHIMOKU",
        title="Ichimoku Cloud",
        group="trend",
        inputs=("high", "low", "close"),
        params=(
            _period("tenkan_period", 9, description="bars in the conversion line"),
            _period("kijun_period", 26, description="bars in the base line"),
            _period("senkou_period", 52, description="bars in leading span B"),
            _period("displacement", 26, 0, "bars the spans are plotted ahead (chikou behind)"),
        ),
        outputs=("tenkan", "kijun", "senkou_a", "senkou_b", "chikou"),
        compute=ichimoku,
        lookback=_ichimoku_lookback,
        engine="cryptomon",
        aliases=("ICHIMOKU_CLOUD",),
    ),
    IndicatorSpec(
        name="KELTNER",
        title="Keltner Channels",
        group="volatility",
        inputs=("high", "low", "close"),
        params=(
            _period("period", 20, 2, "bars in the EMA"),
            _period("atr_period", 10, description="bars in the ATR"),
            _multiplier(2.0, "ATRs from the middle to a band"),
        ),
        outputs=("upper", "middle", "lower"),
        compute=keltner,
        lookback=_keltner_lookback,
        engine="cryptomon",
        aliases=("KELTNER_CHANNELS", "KC"),
    ),
    IndicatorSpec(
        name="DONCHIAN",
        title="Donchian Channels",
        group="volatility",
        inputs=("high", "low"),
        params=(_period("period", 20),),
        outputs=("upper", "middle", "lower"),
        compute=donchian,
        lookback=_period_lookback,
        engine="cryptomon",
        aliases=("DONCHIAN_CHANNELS", "DC"),
    ),
    IndicatorSpec(
        name="SUPERTREND",
        title="SuperTrend",
        group="trend",
        inputs=("high", "low", "close"),
        params=(
            _period("period", 10, description="bars in the ATR"),
            _multiplier(3.0, "ATRs from hl2 to a band"),
        ),
        outputs=("value", "direction"),
        compute=supertrend,
        lookback=lambda params: int(params["period"]),
        engine="cryptomon",
        aliases=("SUPER_TREND",),
    ),
    IndicatorSpec(
        name="HEIKIN_ASHI",
        title="Heikin-Ashi Candles",
        group="price",
        inputs=("open", "high", "low", "close"),
        params=(),
        # close first: a bare HEIKIN_ASHI in a formula stands for outputs[0], and the close is what it means
        outputs=("close", "open", "high", "low"),
        compute=heikin_ashi,
        lookback=lambda params: 0,
        engine="cryptomon",
        aliases=("HA", "HEIKINASHI"),
    ),
)
