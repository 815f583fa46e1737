"""TA-Lib's 61 candlestick patterns (its CDL functions): what each one is, and finding them in candles.

A pattern's signal is TA-Lib's, unchanged: one int32 per bar, 0 where the pattern is not found (and during
TA-Lib's lookback), +-100 on the bar where it ends, signed as its `direction` says. Three patterns also
give +-80 when one end of the two bodies is level rather than beyond (CDLENGULFING, CDLHARAMI,
CDLHARAMICROSS), and the hikkakes give +-200 on the bar that confirms an earlier +-100.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal, NamedTuple

import numpy as np
import numpy.typing as npt
import talib

from app.quant.indicators import library, talib_catalog
from app.quant.indicators.spec import Array, IndicatorError

Signals = npt.NDArray[np.int32]
Direction = Literal["bullish", "bearish", "both", "neutral"]


@dataclass(frozen=True, slots=True)
class Pattern:
    """One TA-Lib pattern. `direction` is what its sign means: a `bullish` pattern only ever gives +100, a
    `bearish` one -100, `both` gives + for the bullish form and - for the bearish one, and `neutral` (the
    dojis) is +100 for "found", bullish or bearish only by the trend it ends. `candles` counts the bars
    TA-Lib's rule compares, ending at the signal bar (its hammer also reads the candle before it)."""

    name: str
    title: str
    direction: Direction
    candles: int
    description: str


class Detection(NamedTuple):
    bar: int  # index into the candles given
    name: str
    signal: int


PATTERNS: tuple[Pattern, ...] = (
    Pattern("CDL2CROWS", "Two Crows", "bearish", 3,
        "A long white candle, a black one gapping up, then a black one closing inside the white body."),
    Pattern("CDL3BLACKCROWS", "Three Black Crows", "bearish", 4,
        "After a white candle, three long black ones, each opening in the last body and closing lower."),
    Pattern("CDL3INSIDE", "Three Inside Up/Down", "both", 3,
        "A long candle, a short one inside its body, then one closing beyond the first's open."),
    Pattern("CDL3LINESTRIKE", "Three-Line Strike", "both", 4,
        "Three candles stepping one way, then an opposite one wiping them out (+ if the three are white)."),
    Pattern("CDL3OUTSIDE", "Three Outside Up/Down", "both", 3,
        "A candle engulfed by an opposite one, then a third closing further the engulfing one's way."),
    Pattern("CDL3STARSINSOUTH", "Three Stars in the South", "bullish", 3,
        "Three black candles with shrinking ranges and higher lows, the last a small marubozu."),
    Pattern("CDL3WHITESOLDIERS", "Three White Soldiers", "bullish", 3,
        "Three long white candles, each opening in or near the last body and closing higher, near its high."),
    Pattern("CDLABANDONEDBABY", "Abandoned Baby", "both", 3,
        "A long candle, a doji gapping away from it, then an opposite one gapping back deep into its body."),
    Pattern("CDLADVANCEBLOCK", "Advance Block", "bearish", 3,
        "Three rising white candles with shrinking bodies or growing upper shadows: a rise tiring."),
    Pattern("CDLBELTHOLD", "Belt-hold", "both", 1,
        "A long candle opening at its extreme: white with no lower shadow, or black with no upper one."),
    Pattern("CDLBREAKAWAY", "Breakaway", "both", 5,
        "A long candle, a gap and three candles extending it, then an opposite one closing in the gap."),
    Pattern("CDLCLOSINGMARUBOZU", "Closing Marubozu", "both", 1,
        "A long candle with no shadow at its closing end, signed by its colour."),
    Pattern("CDLCONCEALBABYSWALL", "Concealing Baby Swallow", "bullish", 4,
        "Two black marubozu, a black candle gapping down into the second, then a black one engulfing it."),
    Pattern("CDLCOUNTERATTACK", "Counterattack", "both", 2,
        "Two long candles of opposite colours closing at the same price."),
    Pattern("CDLDARKCLOUDCOVER", "Dark Cloud Cover", "bearish", 2,
        "A long white candle, then a black one opening above its high and closing deep into its body."),
    Pattern("CDLDOJI", "Doji", "neutral", 1,
        "A candle whose open and close are (nearly) equal: indecision."),
    Pattern("CDLDOJISTAR", "Doji Star", "both", 2,
        "A long candle, then a doji gapping away from its body (- after a white candle, + after black)."),
    Pattern("CDLDRAGONFLYDOJI", "Dragonfly Doji", "neutral", 1,
        "A doji with a long lower shadow and no upper one: read as bullish after a fall."),
    Pattern("CDLENGULFING", "Engulfing", "both", 2,
        "A body engulfing the previous one, of the other colour (+-80 when one end is level)."),
    Pattern("CDLEVENINGDOJISTAR", "Evening Doji Star", "bearish", 3,
        "A long white candle, a doji gapping up, then a black one closing deep into the white body."),
    Pattern("CDLEVENINGSTAR", "Evening Star", "bearish", 3,
        "A long white candle, a short one gapping up, then a black one closing deep into the white body."),
    Pattern("CDLGAPSIDESIDEWHITE", "Up/Down-gap Side-by-side White Lines", "both", 3,
        "A gap, then two similar white candles side by side: the gap's direction goes on."),
    Pattern("CDLGRAVESTONEDOJI", "Gravestone Doji", "neutral", 1,
        "A doji with a long upper shadow and no lower one: read as bearish after a rise."),
    Pattern("CDLHAMMER", "Hammer", "bullish", 2,
        "A small body atop a long lower shadow, no upper one, at or below the previous candle's low."),
    Pattern("CDLHANGINGMAN", "Hanging Man", "bearish", 2,
        "A small body atop a long lower shadow, no upper one, at or above the previous candle's high."),
    Pattern("CDLHARAMI", "Harami", "both", 2,
        "A long candle, then a short body inside it (- after a white candle; +-80 when one end is level)."),
    Pattern("CDLHARAMICROSS", "Harami Cross", "both", 2,
        "A long candle, then a doji inside its body (- after a white candle, + after a black one)."),
    Pattern("CDLHIGHWAVE", "High-Wave Candle", "both", 1,
        "A short body with very long shadows on both sides, signed by its colour."),
    Pattern("CDLHIKKAKE", "Hikkake", "both", 3,
        "An inside bar, then a false breakout from it; +-200 on a confirming close within three bars."),
    Pattern("CDLHIKKAKEMOD", "Modified Hikkake", "both", 4,
        "A hikkake after a second inside bar closing near its low (or high); +-200 on confirmation."),
    Pattern("CDLHOMINGPIGEON", "Homing Pigeon", "bullish", 2,
        "A long black candle, then a short black one whose body lies inside the first body."),
    Pattern("CDLIDENTICAL3CROWS", "Identical Three Crows", "bearish", 3,
        "Three long black candles, each opening at about the previous close and closing near its low."),
    Pattern("CDLINNECK", "In-Neck", "bearish", 2,
        "A long black candle, then a white one opening below its low and closing at about its close."),
    Pattern("CDLINVERTEDHAMMER", "Inverted Hammer", "bullish", 2,
        "A small body under a long upper shadow, no lower one, gapping down from the previous body."),
    Pattern("CDLKICKING", "Kicking", "both", 2,
        "Two marubozu of opposite colours with a gap between them, signed by the second."),
    Pattern("CDLKICKINGBYLENGTH", "Kicking by Length", "both", 2,
        "Two marubozu of opposite colours with a gap between them, signed by the longer."),
    Pattern("CDLLADDERBOTTOM", "Ladder Bottom", "bullish", 5,
        "Three falling black candles, a fourth with an upper shadow, then a white one opening above it."),
    Pattern("CDLLONGLEGGEDDOJI", "Long-Legged Doji", "neutral", 1,
        "A doji with a long upper or lower shadow: wide swings, no decision."),
    Pattern("CDLLONGLINE", "Long Line Candle", "both", 1,
        "A long body with short shadows, signed by its colour."),
    Pattern("CDLMARUBOZU", "Marubozu", "both", 1,
        "A long body with (nearly) no shadows, signed by its colour."),
    Pattern("CDLMATCHINGLOW", "Matching Low", "bullish", 2,
        "Two black candles closing at the same price: a floor."),
    Pattern("CDLMATHOLD", "Mat Hold", "bullish", 5,
        "A long white candle, three small ones holding in it after a gap up, then a higher white close."),
    Pattern("CDLMORNINGDOJISTAR", "Morning Doji Star", "bullish", 3,
        "A long black candle, a doji gapping down, then a white one closing deep into the black body."),
    Pattern("CDLMORNINGSTAR", "Morning Star", "bullish", 3,
        "A long black candle, a short one gapping down, then a white one closing deep into the black body."),
    Pattern("CDLONNECK", "On-Neck", "bearish", 2,
        "A long black candle, then a white one opening below its low and closing at that low."),
    Pattern("CDLPIERCING", "Piercing", "bullish", 2,
        "A long black candle, then a long white one opening below its low and closing above its middle."),
    Pattern("CDLRICKSHAWMAN", "Rickshaw Man", "neutral", 1,
        "A doji with long shadows and its body near the middle of its range."),
    Pattern("CDLRISEFALL3METHODS", "Rising/Falling Three Methods", "both", 5,
        "A long candle, three small opposite ones inside its range, then a long one closing beyond it."),
    Pattern("CDLSEPARATINGLINES", "Separating Lines", "both", 2,
        "A candle, then a long opposite one opening at the same price and moving away from it."),
    Pattern("CDLSHOOTINGSTAR", "Shooting Star", "bearish", 2,
        "A small body under a long upper shadow, no lower one, gapping up from the previous body."),
    Pattern("CDLSHORTLINE", "Short Line Candle", "both", 1,
        "A short body with short shadows, signed by its colour."),
    Pattern("CDLSPINNINGTOP", "Spinning Top", "both", 1,
        "A short body with shadows longer than it, signed by its colour."),
    Pattern("CDLSTALLEDPATTERN", "Stalled Pattern", "bearish", 3,
        "Two long white candles, then a small white one opening near the second's close: a rise stalling."),
    Pattern("CDLSTICKSANDWICH", "Stick Sandwich", "bullish", 3,
        "Two black candles closing at the same price around a white one trading above the first close."),
    Pattern("CDLTAKURI", "Takuri", "bullish", 1,
        "A dragonfly doji with a very long lower shadow: a fall firmly rejected."),
    Pattern("CDLTASUKIGAP", "Tasuki Gap", "both", 3,
        "Two candles of one colour with a gap, then an opposite one closing in the gap, not filling it."),
    Pattern("CDLTHRUSTING", "Thrusting", "bearish", 2,
        "A long black candle, then a white one opening below its low and closing into it, below its middle."),
    Pattern("CDLTRISTAR", "Tristar", "both", 3,
        "Three dojis, the middle one gapping away from the others (- when it gaps up)."),
    Pattern("CDLUNIQUE3RIVER", "Unique Three River", "bullish", 3,
        "A long black candle, a black harami making a lower low, then a small white one closing lower."),
    Pattern("CDLUPSIDEGAP2CROWS", "Upside Gap Two Crows", "bearish", 3,
        "A long white candle, a small black one gapping up, then a black one engulfing it above the gap."),
    Pattern("CDLXSIDEGAP3METHODS", "Upside/Downside Gap Three Methods", "both", 3,
        "Two candles of one colour with a gap, then an opposite one closing inside the first body."),
)  # fmt: skip

CATALOG: dict[str, Pattern] = {pattern.name: pattern for pattern in PATTERNS}
if tuple(CATALOG) != talib_catalog.PATTERN_NAMES:
    raise RuntimeError("the pattern table is not TA-Lib's list of candlestick patterns, in its order")

_FUNCTIONS: dict[str, Callable[..., Signals]] = {name: getattr(talib, name) for name in CATALOG}


def get(name: str) -> Pattern:
    """The pattern called `name` (any case); IndicatorError with field "pattern" if there is none.

    >>> get("cdlhammer").direction
    'bullish'
    """
    return CATALOG[_key(name)]


def _key(name: str) -> str:
    if name in _FUNCTIONS:
        return name
    key = name.strip().upper()
    if key not in _FUNCTIONS:
        raise IndicatorError(f"unknown pattern {key}", field="pattern")
    return key


def _columns(*columns: npt.ArrayLike) -> tuple[Array, ...]:
    arrays = tuple(np.ascontiguousarray(column, dtype=np.float64) for column in columns)
    if len({len(array) for array in arrays}) > 1:
        raise IndicatorError("open, high, low and close must be equally long", field="candles")
    return arrays


def compute(
    name: str,
    open: npt.ArrayLike,
    high: npt.ArrayLike,
    low: npt.ArrayLike,
    close: npt.ArrayLike,
    **params: float,
) -> Signals:
    """TA-Lib's signal for pattern `name` on every bar (see the module's docstring). `params` is only ever
    `penetration`, on the patterns with one (TA-Lib's default when not given), within the bounds the
    indicator catalogue gives it.

    >>> open, high, low, close = [10, 11, 9.8], [10.5, 11.2, 11.6], [9.5, 9.8, 9.7], [10.2, 10, 11.5]
    >>> compute("CDLENGULFING", open, high, low, close).tolist()  # a black candle engulfed by a white one
    [0, 0, 100]
    >>> compute("CDLENGULFING", open, high, low, close, penetration=0.5)
    Traceback (most recent call last):
    app.quant.indicators.spec.IndicatorError: CDLENGULFING has no parameter penetration
    """
    key = _key(name)
    columns = _columns(open, high, low, close)
    if not params:
        return _FUNCTIONS[key](*columns)
    return _FUNCTIONS[key](*columns, **library.get(key).bind(params))


def scan(
    open: npt.ArrayLike,
    high: npt.ArrayLike,
    low: npt.ArrayLike,
    close: npt.ArrayLike,
    names: Iterable[str] | None = None,
) -> dict[str, Signals]:
    """compute() of every pattern in `names` (all 61 by default, in TA-Lib's order) at default parameters,
    by upper-case name; an unknown name fails before anything is computed.

    >>> signals = scan([10, 11, 9.8], [10.5, 11.2, 11.6], [9.5, 9.8, 9.7], [10.2, 10, 11.5])
    >>> len(signals), signals["CDLENGULFING"].tolist(), signals["CDLDOJI"].tolist()
    (61, [0, 0, 100], [0, 0, 0])
    """
    functions = _FUNCTIONS if names is None else {key: _FUNCTIONS[key] for key in map(_key, names)}
    columns = _columns(open, high, low, close)
    return {name: function(*columns) for name, function in functions.items()}


def found(
    open: npt.ArrayLike,
    high: npt.ArrayLike,
    low: npt.ArrayLike,
    close: npt.ArrayLike,
    last_n: int,
    names: Iterable[str] | None = None,
) -> list[Detection]:
    """Every non-zero signal among the last `last_n` bars, by bar then name. Patterns are computed on all
    the candles given, so that the first of the last bars still has the history TA-Lib reads.

    >>> found([10, 11, 9.8], [10.5, 11.2, 11.6], [9.5, 9.8, 9.7], [10.2, 10, 11.5], last_n=2)
    [Detection(bar=2, name='CDLENGULFING', signal=100)]
    """
    if last_n < 0:
        raise IndicatorError("last_n must be 0 or more", field="last_n")
    signals = scan(open, high, low, close, names)
    size = len(next(iter(signals.values()), ()))
    start = max(size - last_n, 0)
    hits = [
        Detection(start + int(offset), name, int(values[start + offset]))
        for name, values in signals.items()
        for offset in np.flatnonzero(values[start:])
    ]
    return sorted(hits)
