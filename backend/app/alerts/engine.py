"""The pure alert engine: the active rules and their state in memory; prices and bar firings in, trigger
decisions out. No bus, no database, no clock: the worker (worker.py) feeds it and records what it decides.

Price-level rules live in a LevelBook per symbol, so a price touches only the rules it crosses; a crossing
fires at once or after confirmation (ticks and seconds beyond the level), unless the rule is cooling down
(EVERY_TIME) or already fired in this bar (ONCE_PER_BAR); then the rule waits to cross back (re-arms).
A confirmed price rule (PRICE_ABOVE/PRICE_BELOW with an indicator) also needs its indicator's latest closed
bar to confirm: until it does, the crossed rule waits beyond its level like an unconfirmed one, and fires on
the first tick (still beyond) after the reading confirms; the worker keeps the readings up to date.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from app.alerts.levels import LevelBook
from app.alerts.operands import BarRule, Confirmed
from app.alerts.rules import RISES, waits_to_rise

EPOCH = datetime.fromtimestamp(0, UTC)
# An indicator reading: (symbol, timeframe, operand, owner: the user for a custom indicator, else 0).
ReadingKey = tuple[str, str, str, int]


@dataclass
class Rule:
    """What the engine keeps of an ACTIVE alert."""

    id: int
    user_id: int
    symbol: str
    condition: str
    level: float
    frequency: str
    cooldown: float
    expires_at: datetime | None
    last_fired: datetime | None
    channels: list[str]
    bar_seconds: int  # ONCE_PER_BAR: at most one trigger per bar of this length
    confirm_ticks: int = 1  # consecutive prices beyond the level before it fires
    confirm_seconds: float = 0.0  # ... and for at least this long
    bar: BarRule | None = None  # evaluated on bar closes (None: on ticks)
    armed_from: datetime = EPOCH  # created, resumed or changed then
    evaluated_at: datetime | None = None  # bar rules: the close of the last bar evaluated
    confirm: Confirmed | None = None  # a price rule that fires only while this indicator confirms

    @property
    def reading_key(self) -> ReadingKey:
        assert self.confirm is not None
        formula = self.confirm.formula
        owner = self.user_id if formula.references else 0  # custom indicators are per user
        return (self.symbol, self.confirm.timeframe, formula.text, owner)

    def confirmed(self, ticks: int, since: datetime, now: datetime) -> bool:
        return ticks >= self.confirm_ticks and (now - since).total_seconds() >= self.confirm_seconds

    @property
    def book_level(self) -> float:
        """Where the rule sits in its LevelBook: rising means `price >= level` there, so GREATER_THAN
        (strictly above) sits on the next float up."""
        return math.nextafter(self.level, math.inf) if self.condition == "GREATER_THAN" else self.level

    def cooling(self, now: datetime) -> bool:
        """Whether a crossing now is still inside the cooldown (EVERY_TIME) or the bar (ONCE_PER_BAR)."""
        if self.last_fired is None:
            return False
        if self.frequency == "ONCE_PER_BAR":
            bar = self.bar_seconds
            return int(self.last_fired.timestamp()) // bar == int(now.timestamp()) // bar
        return now < self.last_fired + timedelta(seconds=self.cooldown)

    def expired(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now


@dataclass
class BarFiring:
    """One bar on which a bar rule fired."""

    rule: Rule
    closed_at: datetime
    price: float  # the bar's close
    value: float  # the operand's value then
    up: bool
    source: str


@dataclass
class Decision:
    """What one price (or one bar close) did to the rules: the worker records it."""

    fired: list[Rule]
    expired: list[int]
    rearmed: list[int]
    price: float
    ts: float  # the tick's event time, or the bar's close
    source: str
    at: datetime  # when it was decided (the trigger time), not when it is written
    evaluated: list[int] = field(default_factory=list)  # bar rules that judged the bar closing at `ts`
    bar: tuple[float, bool] | None = None  # a bar rule's firing: the operand's value, and whether it rose


@dataclass(slots=True)
class _Waiting:
    """A crossed rule awaiting confirmation."""

    ticks: int  # consecutive prices beyond the level so far
    since: datetime
    rise: bool  # the side it crossed to: at or above the level


class Evaluator:
    """The rules of the symbols this process judges, by symbol (tick rules) and (symbol, timeframe)."""

    def __init__(self) -> None:
        self.rules: dict[int, Rule] = {}
        self.books: dict[str, LevelBook] = {}
        self.bar_rules: dict[tuple[str, str], dict[int, Rule]] = defaultdict(dict)
        self.confirming: dict[str, dict[int, _Waiting]] = {}
        # Confirmed price rules by (symbol, timeframe), and the latest closed bar's value of each indicator
        # they read (absent or NaN: no value yet, e.g. too little history).
        self.gated: dict[tuple[str, str], dict[int, Rule]] = defaultdict(dict)
        self.readings: dict[ReadingKey, float] = {}

    def add(self, rule: Rule, *, armed: bool, reference: float | None) -> None:
        """Take an ACTIVE alert's rule; `armed` and `reference` (the price when it last changed) are its
        row's state, so a restart rebuilds the books without firing anything twice."""
        self.rules[rule.id] = rule
        if rule.bar is not None:
            self.bar_rules[(rule.symbol, rule.bar.timeframe)][rule.id] = rule
            return
        if rule.confirm is not None:
            self.gated[(rule.symbol, rule.confirm.timeframe)][rule.id] = rule
        rise = waits_to_rise(rule.condition, armed, rule.level, reference)
        fire = rule.condition == "CROSSING" or armed
        book = self.books.get(rule.symbol)
        if book is None:
            book = self.books[rule.symbol] = LevelBook()
        book.add(rule.id, rule.book_level, rise=rise, fire=fire)

    def drop(self, alert_id: int) -> None:
        rule = self.rules.pop(alert_id, None)
        if rule is None:
            return
        self.confirming.get(rule.symbol, {}).pop(alert_id, None)
        if rule.bar is not None:
            self.bar_rules.get((rule.symbol, rule.bar.timeframe), {}).pop(alert_id, None)
        if rule.confirm is not None:
            self.gated.get((rule.symbol, rule.confirm.timeframe), {}).pop(alert_id, None)
        if rule.symbol in self.books:
            self.books[rule.symbol].remove(alert_id)

    def drop_symbol(self, symbol: str) -> None:
        for alert_id in [i for i, rule in self.rules.items() if rule.symbol == symbol]:
            self.drop(alert_id)

    def symbols(self) -> set[str]:
        """The symbols with rules (a rule awaiting confirmation is out of its book, but still counts: its
        symbol's lease must not be given back before the confirming price is judged)."""
        return {rule.symbol for rule in self.rules.values()}

    def watches(self, symbol: str) -> bool:
        """Whether a price of `symbol` can change anything (cheap: asked for every tick)."""
        book = self.books.get(symbol)
        return book is not None and bool(len(book) or self.confirming.get(symbol))

    def on_price(self, symbol: str, price: float, ts: float, source: str, now: datetime) -> Decision | None:
        """Judge one consolidated price of a watched symbol; None when it changed nothing."""
        book = self.books[symbol]
        fired: list[Rule] = []
        expired: list[int] = []
        rearmed: list[int] = []
        self._confirm(symbol, book, price, now, fired)
        for alert_id, fires in book.move(price):
            rule = self.rules[alert_id]
            if rule.expired(now):
                expired.append(alert_id)
                self.rules.pop(alert_id)
                continue
            if not fires:
                rearmed.append(alert_id)
                book.add(alert_id, rule.book_level, rise=rule.condition in RISES, fire=True)
            elif rule.confirmed(1, now, now) and self.confirms(rule):
                self._fire(rule, book, price, now, fired)
            else:  # crossed: it fires once the price has stayed beyond for the ticks/seconds asked (and
                # the indicator confirms)
                waiting = _Waiting(1, now, price >= rule.book_level)
                self.confirming.setdefault(symbol, {})[alert_id] = waiting
        if fired or expired or rearmed:
            return Decision(fired, expired, rearmed, price, ts, source, now)
        return None

    def confirms(self, rule: Rule) -> bool:
        """Whether a rule's indicator confirms it now (always, for a rule without one)."""
        if rule.confirm is None:
            return True
        return rule.confirm.confirmation.holds(self.readings.get(rule.reading_key))

    def read(self, readings: dict[ReadingKey, float]) -> None:
        """The latest closed bar's values of indicators that confirmed price rules read."""
        self.readings.update(readings)

    def due_bar_rules(self, symbol: str, timeframe: str, now: datetime) -> tuple[list[Rule], list[int]]:
        """A bar of (symbol, timeframe) closed: its rules to judge, and the ids of the expired (dropped)."""
        rules = list(self.bar_rules.get((symbol, timeframe), {}).values())
        expired = [r.id for r in rules if r.expired(now)]
        for alert_id in expired:
            self.drop(alert_id)
        return rules, expired

    def bar_closed(
        self,
        rules: list[Rule],
        expired: list[int],
        firings: list[BarFiring] | None,
        close: int,
        now: datetime,
    ) -> list[Decision]:
        """What the bar closing at `close` did to `rules` (`firings` None: the bar was not judged)."""
        evaluated = [r.id for r in rules if r.id in self.rules] if firings is not None else []
        decisions = []
        for firing in firings or []:
            if firing.rule.frequency == "ONCE":
                self.drop(firing.rule.id)
            at = firing.closed_at.timestamp()
            bar = (firing.value, firing.up)
            decisions.append(Decision([firing.rule], [], [], firing.price, at, firing.source, now, bar=bar))
        decisions.append(Decision([], expired, [], 0.0, float(close), "", now, evaluated))
        return decisions

    def _confirm(self, symbol: str, book: LevelBook, price: float, now: datetime, fired: list[Rule]) -> None:
        """Crossed rules awaiting confirmation: fire the confirmed, and put back those the price left."""
        waiting = self.confirming.get(symbol)
        if not waiting:
            return
        for alert_id, state in list(waiting.items()):
            rule = self.rules.get(alert_id)
            if rule is None:
                del waiting[alert_id]
            elif (price >= rule.book_level) != state.rise:  # back on the other side: a false break
                del waiting[alert_id]
                book.add(alert_id, rule.book_level, rise=state.rise, fire=True)
            elif rule.confirmed(state.ticks + 1, state.since, now) and self.confirms(rule):
                del waiting[alert_id]
                self._fire(rule, book, price, now, fired)
            else:
                state.ticks += 1

    def _fire(self, rule: Rule, book: LevelBook, price: float, now: datetime, fired: list[Rule]) -> None:
        cooling = rule.cooling(now)
        if rule.frequency == "ONCE":
            self.rules.pop(rule.id)
        else:  # it crossed: it must cross back before it can fire again
            opposite = rule.condition not in RISES if rule.condition != "CROSSING" else price < rule.level
            book.add(rule.id, rule.book_level, rise=opposite, fire=rule.condition == "CROSSING")
        if not cooling:
            rule.last_fired = now
            fired.append(rule)
