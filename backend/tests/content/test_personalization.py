"""The relevance formula pinned to hand-computed cases, the tagging rules and the de-duplication keys."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.content.personalization import (
    asset_term,
    profile_document,
    recency_term,
    relevance,
    tfidf_similarities,
)
from app.content.stories import normal_title, normal_url, plain, same_story, web_url
from app.content.tagging import Tagger, tagger
from app.market.symbols import BUILTIN_ASSETS

NOW = datetime(2026, 1, 10, 12, tzinfo=UTC)


def test_relevance_of_a_held_asset_story_by_hand() -> None:
    # Documents "Bitcoin rally" and "Dog food", profile "bitcoin": n = 3 documents with the profile.
    # idf(bitcoin) = ln(4/3) + 1 (in the first document and the profile), idf(rally) = ln(4/2) + 1;
    # tf = 1 + ln(1) = 1 (sublinear); T = idf(bitcoin) / sqrt(idf(bitcoin)^2 + idf(rally)^2).
    idf_bitcoin, idf_rally = math.log(4 / 3) + 1, math.log(2) + 1
    expected_t = idf_bitcoin / math.hypot(idf_bitcoin, idf_rally)
    t = tfidf_similarities(["Bitcoin rally", "Dog food"], "bitcoin")
    assert t[0] == pytest.approx(expected_t, abs=1e-12) and t[1] == 0.0
    assert round(expected_t, 4) == 0.6053

    a = asset_term(["BTC-USD"], held={"BTC-USD"}, watched=set())
    r = recency_term(NOW - timedelta(hours=12), NOW)
    assert (a, r) == (1.0, pytest.approx(2**-0.5))
    # 0.5 * 1 + 0.3 * 0.605347 + 0.2 * 0.707107 = 0.823026
    assert relevance(a, t[0], r) == 0.823


def test_relevance_terms_and_bounds() -> None:
    assert asset_term(["ETH-USD", "BTC-USD"], held=set(), watched={"BTC-USD"}) == 0.7
    assert asset_term(["SOL-USD"], held={"BTC-USD"}, watched={"ETH-USD"}) == 0.0
    assert recency_term(NOW - timedelta(hours=48), NOW) == 0.25
    assert recency_term(NOW + timedelta(days=3), NOW) == 1.0  # dated in the future: clamped at age 0
    assert relevance(1.0, 1.0, 1.0) == 1.0 and relevance(0.0, 0.0, 0.0) == 0.0
    # A watched asset, no shared words, a week old: 0.5 * 0.7 + 0.2 * 0.5^7 = 0.351563 -> 0.3516
    assert relevance(0.7, 0.0, recency_term(NOW - timedelta(days=7), NOW)) == 0.3516
    assert tfidf_similarities(["The and of"], "bitcoin") == [0.0]  # only stop words
    assert tfidf_similarities(["Bitcoin"], "") == [0.0]
    assert all(0 <= s <= 1 for s in tfidf_similarities(["ETH ETH ETH staking", "eth"], "eth staking defi"))
    assert profile_document(["defi"], ["Ethereum", "ETH"]) == "defi Ethereum ETH"


def test_tagging_uses_names_tickers_cashtags_and_aliases_without_common_words() -> None:
    tags = tagger(BUILTIN_ASSETS)
    assert tags.tag("XRP Is Launching on Ethereum and Solana") == ["ETH-USD", "SOL-USD", "XRP-USD"]
    assert tags.tag("Ether price rallied 260% last time: can ETH reach $5K?") == ["ETH-USD"]
    assert tags.tag("Crypto giant Tether offers to buy Juventus") == ["USDT"]
    assert tags.tag("Bitcoin Cash forks again") == ["BCH-USD"]  # not Bitcoin as well
    assert tags.tag("Ethereum Classic and xbt") == ["BTC-USD", "ETC-USD"]
    assert tags.tag("$op and $Link pump") == ["LINK-USD", "OP-USD"]
    # Ordinary words and short or everyday tickers are not assets.
    assert (
        tags.tag("an avalanche of optimism, a stellar near miss, the ripple effect, dot the i's, etc.") == []
    )
    assert tags.tag("OP said S&P futures and the DOT fell; the link in bio") == []
    assert tags.tag("Avalanche and Stellar partner") == ["AVAX-USD", "XLM-USD"]
    assert tags.tag("bitcoiners ethereal") == []  # whole words only
    # An asset an admin added later is found by its name and ticker.
    added = Tagger([("BTC-USD", "Bitcoin"), ("PEPE-USD", "Pepe")])
    assert added.tag("PEPE and pepe") == ["PEPE-USD"]


def test_sanitising_and_duplicate_keys() -> None:
    assert plain("<p>a</p><script>x()</script><b>b</b> &lt;3", 500) == "a b <3"
    assert len(plain("word " * 200, 500)) == 500
    assert web_url("JAVASCRIPT:alert(1)") is None and web_url("//evil.example/x") is None
    assert web_url("https://ok.example/a b") is None
    assert normal_url("https://Example.com/News/A/?utm_medium=rss&fbclid=1") == "https://example.com/News/A"
    assert normal_url("http://example.com/a?b=1&utm_source=x#frag") == "http://example.com/a?b=1"
    assert normal_title("Bitcoin ETF inflows hit a record, as institutions pile in!") == normal_title(
        "bitcoin etf inflows  hit a record as institutions pile in"
    )
    nine = "solana validators approve the fee burn change for the whole network"
    ten = nine + " today"
    # Jaccard 10/11 = 0.909: the same story within 48 hours, a different one after.
    assert same_story(nine, NOW, ten, NOW + timedelta(hours=47))
    assert not same_story(nine, NOW, ten, NOW + timedelta(hours=49))
    assert not same_story(nine, NOW, nine.replace("solana", "cardano"), NOW)


def test_sentence_embeddings_from_a_local_model(tmp_path: Path) -> None:
    """The optional text term: the cosine of mean-pooled embeddings (a story identical to the profile is 1),
    in [0, 1]; a directory that holds no model gives None, so relevance falls back to TF-IDF."""
    pytest.importorskip("transformers", reason="transformers is not installed (make install-nlp)")
    from app.content import embeddings
    from tests.quant.tiny_sentiment_model import write_tiny_model

    model = str(write_tiny_model(tmp_path / "model", {0: "negative", 1: "positive"}))
    found = embeddings.similarities(
        model, ["bitcoin soars", "the market is flat", "exchange hacked"], "bitcoin soars"
    )
    assert found is not None and found[0] == pytest.approx(1.0, abs=1e-5)
    assert all(0.0 <= t <= 1.0 for t in found) and found[1] < 1.0 and found[2] < 1.0
    assert embeddings.similarities(str(tmp_path / "missing"), ["bitcoin soars"], "bitcoin") is None
