"""The digest's summary in words: templates with several phrasings, filled with the day's real figures."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from app.content.mood import BreadthCount, Mood


@dataclass(frozen=True, slots=True)
class Facts:
    """What the summary may say; anything None or empty is left out."""

    leaders: list[tuple[str, float]]  # (symbol, 24h change), biggest rise first
    laggards: list[tuple[str, float]]  # biggest fall first
    count: BreadthCount
    mood: Mood
    fear_greed: tuple[int, str, int | None] | None = None  # value, classification, change over a day
    alerts_triggered: int = 0
    portfolio: tuple[str, float, float, str] | None = None  # name, change (fraction), value, currency
    fear_greed_dated: str | None = None  # the reading's date when it is not recent (a snapshot)


def percent(change: float) -> str:
    """A fraction as a signed percentage: two decimals under 1 %, one above.

    >>> percent(0.0423), percent(-0.0042), percent(0.0)
    ('+4.2%', '-0.42%', '0.00%')
    """
    if change == 0:
        return "0.00%"
    digits = 2 if abs(change) < 0.01 else 1
    return f"{change * 100:+.{digits}f}%"


def _pick(options: tuple[str, ...], seed: str) -> str:
    """One phrasing, the same for the same seed (a user's digest reads the same when asked again)."""
    digest = hashlib.sha256(seed.encode()).digest()
    return options[digest[0] % len(options)]


def _names(pairs: list[tuple[str, float]]) -> str:
    parts = [f"{symbol} ({percent(change)})" for symbol, change in pairs]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _market(facts: Facts, seed: str) -> str | None:
    count = facts.count
    assets = count.advancers + count.decliners + count.unchanged
    if not assets or count.mean_change is None:
        return None
    move = percent(count.mean_change)
    tracked = _plural(assets, "tracked asset", "tracked assets")
    gainers = _plural(count.advancers, "gainer", "gainers")
    decliners = _plural(count.decliners, "decliner", "decliners")
    options = (
        f"Across {tracked} the average move over 24 hours was {move}: "
        f"{count.advancers} rose and {count.decliners} fell.",
        f"{count.advancers} of {tracked} rose over the last 24 hours and "
        f"{count.decliners} fell, an average move of {move}.",
        f"The tracked market moved {move} on average in 24 hours, with {gainers} against {decliners}.",
    )
    return _pick(options, seed + ":market")


def _leaders(facts: Facts, seed: str) -> str | None:
    up = [(s, c) for s, c in facts.leaders if c > 0]
    down = [(s, c) for s, c in facts.laggards if c < 0]
    options: tuple[str, ...]
    if up and down:
        options = (
            f"{_names(up)} led, while {_names(down)} lagged.",
            f"Leaders: {_names(up)}; laggards: {_names(down)}.",
            f"The strongest were {_names(up)}; the weakest {_names(down)}.",
        )
    elif up:
        options = (f"{_names(up)} led the gains.", f"The biggest gains: {_names(up)}.")
    elif down:
        options = (f"{_names(down)} fell the most.", f"The biggest losses: {_names(down)}.")
    else:
        return None
    return _pick(options, seed + ":leaders")


def _fear_greed(facts: Facts, seed: str) -> str | None:
    if facts.fear_greed is None:
        return None
    value, classification, change = facts.fear_greed
    if change is None or change == 0:
        trend = "unchanged from the day before" if change == 0 else None
    else:
        points = _plural(abs(change), "point", "points")
        trend = f"{'up' if change > 0 else 'down'} {points} in a day"
    tail = f", {trend}" if trend else ""
    if facts.fear_greed_dated:
        day = facts.fear_greed_dated
        return f"The latest Fear & Greed reading at hand, of {day}, is {value} ({classification})."
    options = (
        f"The Fear & Greed index reads {value} ({classification}){tail}.",
        f"Fear & Greed stands at {value}, {classification.lower()}{tail}.",
    )
    return _pick(options, seed + ":fng")


def _yours(facts: Facts, seed: str) -> list[str]:
    said = []
    if facts.portfolio is not None:
        name, change, value, currency = facts.portfolio
        said.append(
            _pick(
                (
                    f"Your portfolio {name} changed {percent(change)} since the last daily close, "
                    f"to {value:,.2f} {currency}.",
                    f"{name}, your portfolio, moved {percent(change)} since the last daily close "
                    f"to {value:,.2f} {currency}.",
                ),
                seed + ":portfolio",
            )
        )
    if facts.alerts_triggered:
        n = facts.alerts_triggered
        said.append(
            _pick(
                (
                    f"Your alerts fired {_plural(n, 'time', 'times')} in the last 24 hours.",
                    f"{_plural(n, 'alert trigger', 'alert triggers')} of yours in the last 24 hours.",
                ),
                seed + ":alerts",
            )
        )
    return said


_MOOD = {
    "BULLISH": ("The mood is bullish.", "Overall: bullish."),
    "BEARISH": ("The mood is bearish.", "Overall: bearish."),
    "NEUTRAL": ("The mood is neutral.", "Overall: neutral."),
}


def summary(facts: Facts, seed: str) -> str:
    """A short paragraph: the market, leaders and laggards, Fear & Greed, the mood, then the user's own.

    >>> f = Facts([("SOL-USD", 0.062)], [("DOGE-USD", -0.031)], BreadthCount(5, 2, 1, 0.0123), "BULLISH",
    ...           (71, "Greed", 4), 2, ("Main", -0.004, 12345.6, "USD"))
    >>> text = summary(f, "1:2026-12-04")
    >>> "+1.2%" in text and "SOL-USD (+6.2%)" in text and "DOGE-USD (-3.1%)" in text
    True
    >>> "71" in text and "up 4 points" in text and "-0.40%" in text and "12,345.60 USD" in text
    True
    >>> one = Facts([("BTC-USD", 0.01)], [], BreadthCount(1, 0, 0, 0.01), "BULLISH", None, 1)
    >>> [summary(one, seed).count("1 gainers") + summary(one, seed).count("1 times") for seed in "abcdef"]
    [0, 0, 0, 0, 0, 0]
    >>> summary(Facts([], [], BreadthCount(0, 0, 0, None), "NEUTRAL"), "x")
    'No market data was stored for the last 24 hours, so there is no market summary today.'
    """
    parts = [_market(facts, seed), _leaders(facts, seed), _fear_greed(facts, seed)]
    said = [p for p in parts if p]
    if not said:
        market = "No market data was stored for the last 24 hours, so there is no market summary today."
    else:
        market = " ".join([*said, _pick(_MOOD[facts.mood], seed + ":mood")])
    return " ".join([market, *_yours(facts, seed)])
