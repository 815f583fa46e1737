"""The patterns a series of bars shows: the chart kinds' catalogue, the `kinds` filter, and what was found."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from app.quant.indicators import candles
from app.quant.patterns import chart
from app.quant.patterns.swings import Line, Point

Signal = Literal["bullish", "bearish", "neutral"]
ChartDirection = Literal["bullish", "bearish", "both"]

# Title and direction of each chart kind; a symmetrical triangle breaks out either way.
CHART_KINDS: dict[str, tuple[str, ChartDirection]] = {
    "double_top": ("Double top", "bearish"),
    "double_bottom": ("Double bottom", "bullish"),
    "head_and_shoulders": ("Head and shoulders", "bearish"),
    "inverse_head_and_shoulders": ("Inverse head and shoulders", "bullish"),
    "ascending_triangle": ("Ascending triangle", "bullish"),
    "descending_triangle": ("Descending triangle", "bearish"),
    "symmetrical_triangle": ("Symmetrical triangle", "both"),
    "bull_flag": ("Bull flag", "bullish"),
    "bear_flag": ("Bear flag", "bearish"),
}
if tuple(CHART_KINDS) != chart.KINDS:
    raise RuntimeError("CHART_KINDS is not app.quant.patterns.chart.KINDS, in its order")

GROUPS = ("candles", "chart", "levels", "trendlines")


@dataclass(frozen=True, slots=True)
class Selection:
    """What to look for: candlestick patterns (CDL names), chart kinds, levels, trend lines."""

    candles: tuple[str, ...]
    chart: tuple[str, ...]
    levels: bool
    trend_lines: bool

    @property
    def scans_chart(self) -> bool:
        return bool(self.chart) or self.levels or self.trend_lines


EVERYTHING = Selection(tuple(candles.CATALOG), chart.KINDS, True, True)


def select(kinds: str | None) -> Selection:
    """The selection a comma list of tokens asks for (any case): `candles` (all 61), `chart` (every kind),
    `levels`, `trendlines`, a CDL name or a chart kind; nothing (None or blank) is everything. An unknown
    token is a PatternError whose field is "kinds".

    >>> chosen = select("Chart, cdlhammer")
    >>> chosen.candles, len(chosen.chart), chosen.levels
    (('CDLHAMMER',), 9, False)
    >>> select("levels,double_top").chart, select(" ") == EVERYTHING
    (('double_top',), True)
    >>> select("candles,hammer")
    Traceback (most recent call last):
    app.quant.patterns.chart.PatternError: unknown pattern kind hammer in kinds; use candles, chart, ...
    """
    tokens = [token.strip() for token in (kinds or "").split(",") if token.strip()]
    if not tokens:
        return EVERYTHING
    names: set[str] = set()
    kinds_wanted: set[str] = set()
    groups: set[str] = set()
    for token in tokens:
        lower, upper = token.lower(), token.upper()
        if lower in GROUPS:
            groups.add(lower)
        elif upper in candles.CATALOG:
            names.add(upper)
        elif lower in CHART_KINDS:
            kinds_wanted.add(lower)
        else:
            raise chart.PatternError(
                f"unknown pattern kind {token} in kinds; use {', '.join(GROUPS)}, a candlestick pattern "
                "(CDLHAMMER...) or a chart kind (double_top...)",
                "kinds",
            )
    if "candles" in groups:
        names = set(candles.CATALOG)
    if "chart" in groups:
        kinds_wanted = set(chart.KINDS)
    return Selection(
        tuple(name for name in candles.CATALOG if name in names),
        tuple(kind for kind in chart.KINDS if kind in kinds_wanted),
        "levels" in groups,
        "trendlines" in groups,
    )


def pattern_of(name: str) -> str:
    """The CDL name (upper case) or chart kind (lower case) a user typed; PatternError (field "pattern")
    when it is neither.

    >>> pattern_of("cdlDoji"), pattern_of("Bull_Flag")
    ('CDLDOJI', 'bull_flag')
    """
    if name.strip().upper() in candles.CATALOG:
        return name.strip().upper()
    if name.strip().lower() in CHART_KINDS:
        return name.strip().lower()
    raise chart.PatternError(
        f"unknown pattern {name}; use a candlestick pattern (CDLHAMMER...) or a chart kind (double_top...)",
        "pattern",
    )


def signal_direction(pattern: candles.Pattern, signal: int) -> Signal:
    """What one signal of a candlestick pattern says: `neutral` for the dojis, else its sign's direction.

    >>> signal_direction(candles.get("CDLENGULFING"), -80), signal_direction(candles.get("CDLDOJI"), 100)
    ('bearish', 'neutral')
    """
    if pattern.direction == "neutral":
        return "neutral"
    return "bullish" if signal > 0 else "bearish"


@dataclass(frozen=True, slots=True)
class Found:
    """A candlestick or chart pattern found in the last bars: `ts` is its signal (or completion) bar's open
    time and `price` that bar's close; a chart pattern also has its key points and lines to draw."""

    name: str
    title: str
    direction: Signal
    ts: int
    price: float
    points: tuple[Point, ...] = ()
    lines: tuple[Line, ...] = ()

    @property
    def is_candle(self) -> bool:
        return self.name in candles.CATALOG


def recent(
    ts: npt.ArrayLike,
    open_: npt.ArrayLike,
    high: npt.ArrayLike,
    low: npt.ArrayLike,
    close: npt.ArrayLike,
    last_n: int,
) -> list[Found]:
    """Every candlestick pattern signalled and every chart pattern completed in the last `last_n` bars, by
    bar (candlestick patterns first, by name), found on all the bars given: the earlier ones are the
    history TA-Lib reads and the chart patterns start in.

    >>> o, h, lo, c = [10, 11, 9.8], [10.5, 11.2, 11.6], [9.5, 9.8, 9.7], [10.2, 10, 11.5]
    >>> [(f.name, f.direction, f.ts, f.price) for f in recent([0, 3600, 7200], o, h, lo, c, 2)]
    [('CDLENGULFING', 'bullish', 7200, 11.5)]
    """
    times = np.asarray(ts, dtype=np.int64)
    closes = np.asarray(close, dtype=np.float64)
    size = len(times)
    if last_n <= 0 or size == 0:
        return []
    first = max(size - last_n, 0)
    found: list[tuple[int, int, Found]] = []
    for hit in candles.found(open_, high, low, close, last_n):
        pattern = candles.CATALOG[hit.name]
        direction, at = signal_direction(pattern, hit.signal), int(times[hit.bar])
        found.append((hit.bar, 0, Found(hit.name, pattern.title, direction, at, float(closes[hit.bar]))))
    for d in chart.detect(times, open_, high, low, closes).detections:
        if d.end.index >= first:
            title = CHART_KINDS[d.kind][0]
            end = d.end.index
            found.append(
                (end, 1, Found(d.kind, title, d.direction, d.end.ts, float(closes[end]), d.points, d.lines))
            )
    return [f for _, _, f in sorted(found, key=lambda item: (item[0], item[1]))]
