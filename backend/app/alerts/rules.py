"""The alert conditions by kind (declared once, here), and how a price-level rule sits around its level:
which side it waits on, and whether it starts armed."""

from __future__ import annotations

# Price levels: fire when the value reaches the level from below, and when it drops below the level.
RISES = frozenset({"PRICE_ABOVE", "CROSSING_UP", "GREATER_THAN"})
FALLS = frozenset({"PRICE_BELOW", "CROSSING_DOWN", "LESS_THAN"})
LEVELS = RISES | FALLS | {"CROSSING"}  # either way across the level
CHANNELS = frozenset({"ENTERING_CHANNEL", "EXITING_CHANNEL", "INSIDE_CHANNEL", "OUTSIDE_CHANNEL"})
MOVES = frozenset({"MOVING_UP", "MOVING_DOWN", "MOVING_UP_PERCENT", "MOVING_DOWN_PERCENT"})
# With metadata.indicator (or formula): the price level, confirmed by the indicator (confirm.py).
CONFIRMABLE = frozenset({"PRICE_ABOVE", "PRICE_BELOW"})
# A candlestick or chart pattern completing on a bar (pattern_rules.py): an event, never a state.
PATTERNS = frozenset({"PATTERN_DETECTED"})
ENGINE_CONDITIONS = LEVELS | CHANNELS | MOVES | PATTERNS | {"VOLUME_SPIKE"}  # what the price engine judges
# Fire on the bar the value moves across, not on every bar where the state holds.
TRANSITIONS = frozenset({"CROSSING", "CROSSING_UP", "CROSSING_DOWN", "ENTERING_CHANNEL", "EXITING_CHANNEL"})
# Conditions defined over bars (a window, a bar's volume, a channel): never evaluated on single ticks.
BAR_ONLY = CHANNELS | MOVES | PATTERNS | {"VOLUME_SPIKE"}
UPWARD = RISES | {"MOVING_UP", "MOVING_UP_PERCENT"}  # a firing is always upward


def waits_to_rise(condition: str, armed: bool, level: float, reference: float | None) -> bool:
    """Which side of its level an alert waits on: armed ABOVE-type rules wait to rise, BELOW-type to fall,
    and the other way round while they re-arm; CROSSING waits for whichever side the price is not on."""
    if condition == "CROSSING":
        return reference is None or reference < level
    return armed if condition in RISES else not armed


def arms_on_create(condition: str, level: float, reference: float | None) -> bool:
    """A crossing rule created with the price already past its level must first come back (no instant fire);
    PRICE_ABOVE/PRICE_BELOW fire at once when the price is already there."""
    if reference is None:
        return True
    if condition == "CROSSING_UP":
        return reference < level
    if condition == "CROSSING_DOWN":
        return reference >= level
    return True


# A portfolio's risk, judged by the portfolio watcher on live values (app.portfolio.risk_rules), never by
# the price engine. Their rows say which portfolio in metadata.portfolioId.
PORTFOLIO_CONDITIONS = frozenset(
    {"ALLOCATION_DRIFT", "DRAWDOWN_BELOW", "VAR_BREACH", "VALUE_ABOVE", "VALUE_BELOW"}
)
PORTFOLIO_SYMBOL = "PORTFOLIO"  # the symbol column of a portfolio rule that names no asset
# A research series (Fear & Greed, an asset's sentiment score, its daily whale movements), judged every few
# minutes by the analysis domain (app.analysis.series_alerts) on the research's figures, never by the engine.
SERIES_CONDITIONS = frozenset(
    {"FEAR_GREED_BELOW", "FEAR_GREED_ABOVE", "SENTIMENT_BELOW", "SENTIMENT_ABOVE", "WHALE_MOVEMENTS_ABOVE"}
)
OUTSIDE_ENGINE = PORTFOLIO_CONDITIONS | SERIES_CONDITIONS
CONDITIONS = ENGINE_CONDITIONS | SERIES_CONDITIONS  # every condition of POST /api/alerts (schemas.Condition)

ACTIVE, PAUSED, TRIGGERED, EXPIRED = "ACTIVE", "PAUSED", "TRIGGERED", "EXPIRED"
