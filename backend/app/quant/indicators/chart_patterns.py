"""Chart patterns as indicators: +1 on the bar a bullish pattern completes on, -1 for a bearish one.

One entry per kind, named by it in upper case (DOUBLE_BOTTOM, HEAD_AND_SHOULDERS, BULL_FLAG...), so that
`DOUBLE_BOTTOM() > 0` is a formula like any other. A value is the scan of the bars up to it: a pattern is
reported on its `end` bar (the close that completed it), and `chart.detect` never reads a bar after that,
so the value of a bar does not change when later bars arrive. The zig-zag's first swings depend on where
the series starts, so two series starting at different bars agree only some swings in: on the bundled 1h
candles (BTC, ETH, SOL, BNB, XRP, DOGE, ADA; 3% swings) within 681 bars in every window measured. The
lookback is set for that: alerts and the indicator endpoints load 20 lookbacks (1,180 bars) before the first
bar they judge, so live and backtested alerts agree; strategy backtests load 10 (590).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import numpy as np

from app.quant.indicators.spec import Array, IndicatorSpec, Param, Series
from app.quant.patterns import chart

GROUP = "chart pattern"
# What each kind's sign can be: the triangles take the side their close broke out of.
DIRECTIONS: dict[str, Literal["bullish", "bearish", "both"]] = {
    "double_top": "bearish",
    "double_bottom": "bullish",
    "head_and_shoulders": "bearish",
    "inverse_head_and_shoulders": "bullish",
    "ascending_triangle": "both",
    "descending_triangle": "both",
    "symmetrical_triangle": "both",
    "bull_flag": "bullish",
    "bear_flag": "bearish",
}
TITLES = {
    "double_top": "Double Top",
    "double_bottom": "Double Bottom",
    "head_and_shoulders": "Head and Shoulders",
    "inverse_head_and_shoulders": "Inverse Head and Shoulders",
    "ascending_triangle": "Ascending Triangle",
    "descending_triangle": "Descending Triangle",
    "symmetrical_triangle": "Symmetrical Triangle",
    "bull_flag": "Bull Flag",
    "bear_flag": "Bear Flag",
}
if set(DIRECTIONS) != set(chart.KINDS) or set(TITLES) != set(chart.KINDS):
    raise RuntimeError("every chart pattern kind needs a direction and a title here")

# A scan of fewer than MIN_BARS finds nothing; twice that gives warm-ups of 590 bars and more.
LOOKBACK = 2 * chart.MIN_BARS - 1
PARAMS = (
    Param(
        "threshold",
        chart.THRESHOLD * 100,
        0.5,
        50.0,
        False,
        "zig-zag reversal, % (swings are this far apart)",
    ),
    Param(
        "tolerance", chart.TOLERANCE * 100, 0.1, 20.0, False, '"equal" prices: within this % of their mean'
    ),
)


def signal(kind: str, series: Series, params: Mapping[str, float]) -> Array:
    """+1 on each bar where a bullish pattern of `kind` completes, -1 where a bearish one does, 0 on the other
    bars, NaN on the first LOOKBACK bars. When two of a kind complete on one bar (rare: the triangles, each
    broken out of one side), the first that `chart.detect` lists gives the sign.

    >>> bars = [(0, 80.0), (40, 80.0), (60, 100.0), (70, 90.0), (80, 100.5), (100, 80.0)]
    >>> close = np.interp(np.arange(101), *zip(*bars))
    >>> series = Series(np.arange(101) * 3600, close, close + 0.1, close - 0.1, close, close)
    >>> values = signal("double_top", series, {"threshold": 3, "tolerance": 1.5})
    >>> np.flatnonzero(np.nan_to_num(values)).tolist(), float(values[91]), int(np.isnan(values).sum())
    ([91], -1.0, 59)
    """
    out = np.zeros(len(series))
    scan = chart.detect(
        series.ts,
        series.open,
        series.high,
        series.low,
        series.close,
        kinds=(kind,),
        threshold=params["threshold"] / 100,
        tolerance=params["tolerance"] / 100,
    )
    for detection in reversed(scan.detections):  # the first listed on a bar is written last
        out[detection.end.index] = 1.0 if detection.direction == "bullish" else -1.0
    out[: min(LOOKBACK, len(out))] = np.nan
    return out


def _spec(kind: str) -> IndicatorSpec:
    def compute(series: Series, params: Mapping[str, float]) -> dict[str, Array]:
        return {"value": signal(kind, series, params)}

    return IndicatorSpec(
        name=kind.upper(),
        title=TITLES[kind],
        group=GROUP,
        inputs=("high", "low", "close"),  # no rule reads the open
        params=PARAMS,
        outputs=("value",),
        compute=compute,
        lookback=lambda params: LOOKBACK,
        engine="cryptomon",
    )


SPECS: tuple[IndicatorSpec, ...] = tuple(_spec(kind) for kind in chart.KINDS)
