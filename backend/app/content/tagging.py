"""Which registry assets a story mentions: names, tickers, cashtags and aliases, matched as whole words."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from typing import Protocol

from app.content.aliases import ALIASES, AMBIGUOUS_NAMES, NO_BARE_TICKERS

_PARENTHESES = re.compile(r"\s*\([^)]*\)")
_CASHTAG = re.compile(r"(?<![\w$])\$([A-Za-z][A-Za-z0-9]{1,9})(?!\w)")
MIN_BARE_TICKER = 3  # "OP", "S": two-letter tickers are too often something else


class Listed(Protocol):
    """An asset of the registry, as far as tagging needs it."""

    @property
    def symbol(self) -> str: ...

    @property
    def name(self) -> str: ...


def base_of(symbol: str) -> str:
    return symbol.split("-")[0]


def terms_of(symbol: str, name: str) -> tuple[dict[str, str], dict[str, str]]:
    """The words that mean an asset: ({word as written: symbol} matched in that case only,
    {lower-case word: symbol} matched in any case).

    The registry name (without a parenthesis) and the aliases of `aliases.ALIASES` match in any case, except
    ordinary words (`AMBIGUOUS_NAMES`), which match only capitalised; the ticker matches bare only in upper
    case, with three letters or more and when it is no everyday word (`NO_BARE_TICKERS`).

    >>> terms_of("POL-USD", "Polygon (ex-MATIC)")
    ({'Polygon': 'POL-USD', 'POL': 'POL-USD'}, {'matic': 'POL-USD'})
    >>> terms_of("OP-USD", "Optimism")
    ({'Optimism': 'OP-USD'}, {})
    """
    base = base_of(symbol)
    exact: dict[str, str] = {}
    any_case: dict[str, str] = {}
    for word in (_PARENTHESES.sub("", name).strip(), *ALIASES.get(base, ())):
        if not word:
            continue
        if word.lower() in AMBIGUOUS_NAMES:
            exact[word.title()] = symbol
        else:
            any_case[word.lower()] = symbol
    if len(base) >= MIN_BARE_TICKER and base not in NO_BARE_TICKERS and base.lower() not in any_case:
        exact[base] = symbol
    return exact, any_case


class Tagger:
    """Finds the assets a text mentions; built once per registry (see `tagger`)."""

    def __init__(self, assets: Iterable[tuple[str, str]]) -> None:
        self._exact: dict[str, str] = {}
        self._any_case: dict[str, str] = {}
        self._cashtags: dict[str, str] = {}
        for symbol, name in assets:
            exact, any_case = terms_of(symbol, name)
            # The first asset to claim a word keeps it: the built-ins come before admin additions.
            self._exact = exact | self._exact
            self._any_case = any_case | self._any_case
            self._cashtags.setdefault(base_of(symbol).lower(), symbol)
        # One alternation, longest first, so that "Bitcoin Cash" is one match, not a Bitcoin one as well.
        words = [(w, False) for w in self._exact] + [(w, True) for w in self._any_case]
        words.sort(key=lambda item: len(item[0]), reverse=True)
        alternatives = [f"(?i:{re.escape(w)})" if any_case else re.escape(w) for w, any_case in words]
        self._pattern = re.compile(rf"(?<![\w$])(?:{'|'.join(alternatives) or '(?!)'})(?![\w])")

    def tag(self, text: str) -> list[str]:
        """The canonical symbols of the assets `text` mentions, sorted.

        >>> Tagger([("BTC-USD", "Bitcoin"), ("BCH-USD", "Bitcoin Cash"), ("ETH-USD", "Ethereum"),
        ...         ("AVAX-USD", "Avalanche"), ("DOT-USD", "Polkadot"), ("OP-USD", "Optimism")]).tag(
        ...     "Bitcoin Cash jumps; ether and $op follow, an avalanche of DOT orders, optimism returns")
        ['BCH-USD', 'ETH-USD', 'OP-USD']
        """
        cashtags = (m.group(1).lower() for m in _CASHTAG.finditer(text))
        found = {self._cashtags[tag] for tag in cashtags if tag in self._cashtags}
        for match in self._pattern.finditer(text):
            word = match.group(0)
            symbol = self._exact.get(word) or self._any_case.get(word.lower())
            if symbol is not None:
                found.add(symbol)
        return sorted(found)


@functools.lru_cache(maxsize=8)
def _cached(assets: tuple[tuple[str, str], ...]) -> Tagger:
    return Tagger(assets)


def tagger(assets: Sequence[Listed]) -> Tagger:
    """The tagger of this registry (cached: the registry changes only when an admin adds an asset)."""
    return _cached(tuple((a.symbol, a.name) for a in assets))
