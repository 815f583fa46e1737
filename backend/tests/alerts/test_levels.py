"""The level index: a tick touches only the levels it crosses, and rules sit on the right side of them."""

from __future__ import annotations

import random

import pytest

from app.alerts.levels import LevelBook
from app.alerts.rules import arms_on_create, waits_to_rise


def test_a_tick_takes_exactly_the_crossed_levels() -> None:
    rng = random.Random(5)
    book = LevelBook()
    levels = {i: rng.uniform(90, 110) for i in range(2000)}
    for alert_id, level in levels.items():
        book.add(alert_id, level, rise=alert_id % 2 == 0, fire=True)
    price = 100.0
    taken: set[int] = set()
    for new in (104.0, 96.0, 108.5, 91.0):
        hits = {alert_id for alert_id, _ in book.move(new)}
        expected = {
            i
            for i, level in levels.items()
            if i not in taken and ((i % 2 == 0 and level <= new) or (i % 2 == 1 and level > new))
        }
        assert hits == expected
        taken |= hits
        price = new
    assert len(book) == len(levels) - len(taken) and price == 91.0


def test_remove_and_re_add_move_an_alert() -> None:
    book = LevelBook()
    book.add(1, 100.0, rise=True, fire=True)
    book.add(2, 100.0, rise=True, fire=False)
    book.remove(1)
    book.add(2, 120.0, rise=True, fire=True)  # moved, not duplicated
    assert book.move(110.0) == [] and book.move(120.0) == [(2, True)] and len(book) == 0


@pytest.mark.parametrize(
    ("condition", "reference", "armed"),
    [
        ("PRICE_ABOVE", 120.0, True),  # already above: "tell me when above" fires on the next tick
        ("CROSSING_UP", 120.0, False),  # already above: must come back below first
        ("CROSSING_UP", 80.0, True),
        ("CROSSING_DOWN", 80.0, False),
        ("CROSSING_DOWN", 120.0, True),
        ("CROSSING_UP", None, True),
    ],
)
def test_arming_from_the_price_at_creation(condition: str, reference: float | None, armed: bool) -> None:
    assert arms_on_create(condition, 100.0, reference) is armed


def test_sides() -> None:
    assert waits_to_rise("PRICE_ABOVE", True, 100, None) and not waits_to_rise(
        "PRICE_ABOVE", False, 100, None
    )
    assert not waits_to_rise("PRICE_BELOW", True, 100, None) and waits_to_rise(
        "PRICE_BELOW", False, 100, None
    )
    assert waits_to_rise("CROSSING", True, 100, 90.0) and not waits_to_rise("CROSSING", True, 100, 110.0)
