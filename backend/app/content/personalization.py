"""How relevant a story is to one user: assets held or watched, text similarity to their profile, recency.

relevance = round(0.5·A + 0.3·T + 0.2·R, 4), in [0, 1], where

- A = max over the story's tagged symbols of the user's weight for that asset: held in any of the user's
  portfolios 1.0, on the watchlist 0.7, otherwise 0 (0 when the story tags nothing);
- T = cosine similarity in [0, 1] between the story's TF-IDF vector (title + summary) and the user's profile
  document (their `preferences.interests` tags plus the names, tickers and aliases of the assets they hold
  or watch); TF-IDF is fitted on the candidate stories plus the profile, sublinear tf, English stop words,
  scikit-learn's smooth idf ln((1 + n) / (1 + df)) + 1 and L2-normalised vectors. With
  `CRYPTOMON_NEWS_EMBEDDING_MODEL` set (and torch installed), T is instead the cosine of the texts'
  sentence embeddings, clipped to [0, 1];
- R = 0.5^(ageHours / 24), age from `publishedAt` to now, clamped at 0 (a 24-hour half-life).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime

import numpy as np

ASSET_WEIGHT = 0.5
TEXT_WEIGHT = 0.3
RECENCY_WEIGHT = 0.2
HELD = 1.0
WATCHED = 0.7
HALF_LIFE_HOURS = 24.0


def asset_term(symbols: Iterable[str], held: Collection[str], watched: Collection[str]) -> float:
    """A: the user's strongest tie to an asset the story mentions.

    >>> asset_term(["BTC-USD", "ETH-USD"], held={"ETH-USD"}, watched={"BTC-USD"})
    1.0
    >>> asset_term(["BTC-USD"], held=set(), watched={"BTC-USD"})
    0.7
    >>> asset_term([], held={"BTC-USD"}, watched=set())
    0.0
    """
    weights = [HELD if s in held else WATCHED if s in watched else 0.0 for s in symbols]
    return max(weights, default=0.0)


def recency_term(published_at: datetime, now: datetime) -> float:
    """R = 0.5^(ageHours / 24); a story dated after `now` counts as brand new.

    >>> from datetime import UTC, datetime, timedelta
    >>> now = datetime(2026, 1, 2, tzinfo=UTC)
    >>> recency_term(now - timedelta(hours=24), now), recency_term(now + timedelta(hours=1), now)
    (0.5, 1.0)
    """
    age_hours = max(0.0, (now - published_at).total_seconds() / 3600.0)
    return float(0.5 ** (age_hours / HALF_LIFE_HOURS))


def relevance(asset: float, text: float, recency: float) -> float:
    """round(0.5·A + 0.3·T + 0.2·R, 4), kept within [0, 1].

    >>> relevance(1.0, 0.6053, 0.7071)
    0.823
    """
    score = ASSET_WEIGHT * asset + TEXT_WEIGHT * text + RECENCY_WEIGHT * recency
    return round(min(1.0, max(0.0, score)), 4)


def tfidf_similarities(documents: Sequence[str], profile: str) -> list[float]:
    """T for each document: the cosine of its TF-IDF vector and the profile's, the vectorizer fitted on the
    documents plus the profile (sublinear tf, English stop words). 0 for all when the profile has no word
    that counts.

    >>> [round(t, 4) for t in tfidf_similarities(["Bitcoin rally", "Dog food"], "bitcoin")]
    [0.6053, 0.0]
    """
    if not documents:
        return []
    if not profile.strip():
        return [0.0] * len(documents)
    # Imported here: scikit-learn costs ~1 s of every process start (an API process restarted under load
    # waits for it), and only a digest or a news ranking needs it.
    from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]

    vectorizer = TfidfVectorizer(sublinear_tf=True, stop_words="english")
    try:
        matrix = vectorizer.fit_transform([*documents, profile])
    except ValueError:  # "empty vocabulary": nothing but stop words and punctuation anywhere
        return [0.0] * len(documents)
    # Rows are L2-normalised and non-negative, so the dot product is the cosine and lies in [0, 1].
    similarities = (matrix[:-1] @ matrix[-1].T).toarray().ravel()
    return [float(min(1.0, max(0.0, s))) for s in np.asarray(similarities)]


def profile_document(interests: Iterable[str], asset_words: Iterable[str]) -> str:
    """The user's profile as one text: interest tags (dashes and underscores read as spaces) and the
    names, tickers and aliases of the assets held or watched.

    >>> profile_document(["defi", "layer-2"], ["Ethereum", "ETH", "ether"])
    'defi layer 2 Ethereum ETH ether'
    """
    tags = (tag.replace("-", " ").replace("_", " ") for tag in interests)
    return " ".join([*tags, *asset_words]).strip()
