"""VADER (Hutto & Gilbert, 2014), alone or with our crypto lexicon: the fast offline analyser."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from app.quant.sentiment.crypto_lexicon import LEXICON, PHRASES
from app.quant.sentiment.labels import Scored, label_of

_CASHTAG = re.compile(r"\$([A-Za-z][A-Za-z0-9]{1,9})\b")  # $BTC reads as BTC


def _phrase_pattern(phrases: Mapping[str, str]) -> re.Pattern[str]:
    ordered = sorted(phrases, key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(p) for p in ordered) + r")\b", re.IGNORECASE)


class VaderScorer:
    """Scores texts with VADER's compound score moved onto [0, 1]: (compound + 1) / 2.

    `crypto=True` adds our lexicon (market words and slang) and reads our phrases as one token each.
    """

    def __init__(self, *, crypto: bool = True) -> None:
        self._analyzer = SentimentIntensityAnalyzer()  # reads VADER's 7,500-word lexicon file
        self._phrases: re.Pattern[str] | None = None
        if crypto:
            self._analyzer.lexicon.update(LEXICON)
            self._phrases = _phrase_pattern(PHRASES)

    def _prepared(self, text: str) -> str:
        text = _CASHTAG.sub(r"\1", text)
        if self._phrases is not None:
            text = self._phrases.sub(lambda m: PHRASES[m.group(1).lower()], text)
        return text

    def score_one(self, text: str) -> Scored:
        compound = float(self._analyzer.polarity_scores(self._prepared(text))["compound"])
        score = (compound + 1.0) / 2.0
        return Scored(score, label_of(score))

    def score(self, texts: Sequence[str]) -> list[Scored]:
        return [self.score_one(text) for text in texts]


@functools.cache
def vader(*, crypto: bool = True) -> VaderScorer:
    """The process's scorer (building one reads the lexicon file: ~50 ms)."""
    return VaderScorer(crypto=crypto)
