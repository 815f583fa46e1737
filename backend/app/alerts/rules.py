"""How a price-level rule sits around its level: which side it waits on, and whether it starts armed."""

from __future__ import annotations

# Fire when the price reaches the level from below, and when it drops below the level.
RISES = frozenset({"PRICE_ABOVE", "CROSSING_UP", "GREATER_THAN"})
FALLS = frozenset({"PRICE_BELOW", "CROSSING_DOWN", "LESS_THAN"})


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
