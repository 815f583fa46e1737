"""PATTERN_DETECTED: which pattern an alert waits for (candlestick or chart), which way, on which bars.

`metadata.pattern` names a TA-Lib candlestick pattern (CDLENGULFING) or a chart pattern kind (double_bottom),
any case; its signal is the catalog indicator of the same name, non-zero only on the bar a pattern completes.
`metadata.direction` keeps the bullish (+) or bearish (-) ones, or any; by default the pattern's own
direction when it has only one. `metadata.timeframe` is the bars it is found on (default 1h).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.core.errors import AppError, ErrorCode
from app.core.marketdata import INTERVALS
from app.quant.indicators import candles, chart_patterns
from app.quant.indicators.spec import IndicatorError

DIRECTIONS = ("bullish", "bearish", "any")
DEFAULT_TIMEFRAME = "1h"
FREQUENCIES = ("ONCE", "EVERY_TIME")
# The keys of other bar rules: given here they would be silently ignored, so they are refused.
OPERAND_KEYS = ("indicator", "formula", "params", "output", "value", "operator", "lower", "upper", "window")
_SIGNS = {"bullish": 1, "bearish": -1, "any": 0}


def _invalid(message: str, field: str) -> AppError:
    return AppError(ErrorCode.VALIDATION_ERROR, message, field=field)


@dataclass(frozen=True, slots=True)
class PatternRule:
    """A pattern alert's rule. `gives` is what the pattern's sign can be (bullish, bearish, both, or neutral
    for the dojis, always +100), `direction` what the alert keeps."""

    pattern: str  # as saved: CDLENGULFING, or a chart kind in lower case (double_bottom)
    indicator: str  # the catalog indicator giving its signal: CDLENGULFING, DOUBLE_BOTTOM
    title: str
    gives: str
    direction: str
    timeframe: str

    @property
    def sign(self) -> int:
        """The sign of the signals kept: +1, -1, or 0 for either."""
        return _SIGNS[self.direction]

    def metadata(self) -> dict[str, str]:
        """The rule's keys as saved: canonical names, defaults filled."""
        return {"pattern": self.pattern, "direction": self.direction, "timeframe": self.timeframe}

    def describe(self, signal: float) -> str:
        """The pattern found with this signal, as a notification says it.

        >>> rule = of_metadata({"pattern": "cdlengulfing"})
        >>> rule.describe(-100.0), rule.direction
        ('Engulfing (bearish)', 'any')
        >>> of_metadata({"pattern": "Double Bottom", "timeframe": "4h"}).metadata()
        {'pattern': 'double_bottom', 'direction': 'bullish', 'timeframe': '4h'}
        """
        if self.gives == "neutral":
            return self.title
        return f"{self.title} ({'bullish' if signal > 0 else 'bearish'})"


def _pattern(raw: object) -> tuple[str, str, str, str]:
    """(name as saved, indicator, title, what its sign can be) of a pattern named any case, with - or spaces
    for _."""
    if not isinstance(raw, str) or not raw.strip():
        raise _invalid(
            "PATTERN_DETECTED needs metadata.pattern: a candlestick pattern (CDLENGULFING, CDLHAMMER, ...) "
            f"or a chart pattern ({', '.join(chart_patterns.DIRECTIONS)})",
            "metadata.pattern",
        )
    key = "_".join(raw.replace("-", " ").split()).upper()
    try:
        candle = candles.get(key)
    except IndicatorError:
        pass
    else:
        return candle.name, candle.name, candle.title, candle.direction
    kind = key.lower()
    if kind in chart_patterns.DIRECTIONS:
        return kind, kind.upper(), chart_patterns.TITLES[kind], chart_patterns.DIRECTIONS[kind]
    raise _invalid(
        f"unknown pattern {raw}: a candlestick pattern of GET /api/indicators (group pattern, CDL...) or a "
        f"chart pattern ({', '.join(chart_patterns.DIRECTIONS)})",
        "metadata.pattern",
    )


def _direction(raw: object, name: str, gives: str) -> str:
    default = gives if gives in ("bullish", "bearish") else "any"
    direction = raw.strip().lower() if isinstance(raw, str) else raw
    if direction is None:
        return default
    if direction not in DIRECTIONS:
        raise _invalid(f"metadata.direction must be one of {', '.join(DIRECTIONS)}", "metadata.direction")
    if gives == "neutral" and direction != "any":
        raise _invalid(
            f"{name} has no direction (it is found or not): metadata.direction must be any",
            "metadata.direction",
        )
    if gives in ("bullish", "bearish") and direction not in (gives, "any"):
        raise _invalid(f"{name} is only ever {gives}: it would never fire {direction}", "metadata.direction")
    return str(direction)


def of_metadata(metadata: dict[str, Any]) -> PatternRule:
    """The rule a pattern alert's metadata describes; a 422 naming the key that does not make one."""
    for key in OPERAND_KEYS:
        if key in metadata:
            raise _invalid(f"PATTERN_DETECTED takes metadata.pattern, not metadata.{key}", f"metadata.{key}")
    pattern, indicator, title, gives = _pattern(metadata.get("pattern"))
    direction = _direction(metadata.get("direction"), pattern, gives)
    timeframe = metadata.get("timeframe", DEFAULT_TIMEFRAME)
    if not isinstance(timeframe, str) or timeframe not in INTERVALS:
        raise _invalid(f"metadata.timeframe must be one of {', '.join(INTERVALS)}", "metadata.timeframe")
    return PatternRule(pattern, indicator, title, gives, direction, str(timeframe))


def build(metadata: dict[str, Any], threshold: float | None, frequency: str) -> PatternRule:
    """of_metadata, and the alert's other fields checked: no threshold, ONCE or EVERY_TIME."""
    if threshold is not None:
        raise _invalid("PATTERN_DETECTED takes no threshold: the pattern is the condition", "threshold")
    if frequency not in FREQUENCIES:
        raise _invalid(
            "PATTERN_DETECTED fires on the bar a pattern completes: frequency ONCE or EVERY_TIME", "frequency"
        )
    return of_metadata(metadata)
