"""The TRANSFORMERS analyser on tiny random BERT models written here: loading, label mapping, batching."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("torch", reason="torch is not installed (make install-nlp)")
pytest.importorskip("transformers", reason="transformers is not installed (make install-nlp)")

from app.quant.sentiment import transformers_scorer as tf
from app.quant.sentiment.labels import BEARISH_TO, BULLISH_FROM, label_of
from tests.quant.tiny_sentiment_model import MAX_TOKENS, WORDS, log_odds, write_tiny_model

TEXTS = [
    "bitcoin soars to a record high",
    "gm",
    "exchange hacked withdrawals halted",
    "the market is flat",
    "crash dump rekt",
    "moon hodl buy",
    "ether surges",
]


@pytest.fixture(scope="module")
def random_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tiny_model(
        tmp_path_factory.mktemp("random"), {0: "negative", 1: "neutral", 2: "positive"}, seed=3
    )


@pytest.mark.parametrize(
    ("id2label", "probabilities", "expected"),
    [
        # 2 classes: score = P(positive).
        ({0: "NEGATIVE", 1: "POSITIVE"}, (0.8, 0.2), 0.2),
        ({0: "Positive", 1: "Negative"}, (0.7, 0.3), 0.7),
        # 3 classes: score = P(positive) + 0.5 * P(neutral), in FinBERT's order and cardiffnlp's names.
        ({0: "positive", 1: "negative", 2: "neutral"}, (0.5, 0.25, 0.25), 0.625),
        ({0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2"}, (0.2, 0.6, 0.2), 0.5),
        ({0: "negative", 1: "neutral", 2: "positive"}, (0.6, 0.3, 0.1), 0.25),
    ],
)
def test_labels_map_onto_the_score(
    tmp_path: Path, id2label: dict[int, str], probabilities: tuple[float, ...], expected: float
) -> None:
    model = write_tiny_model(tmp_path / "model", id2label, bias=log_odds(*probabilities))
    scored = tf.TransformersScorer(str(model)).score(["bitcoin soars", "gm", "exchange hacked"])
    assert [s.score for s in scored] == pytest.approx([expected] * 3, abs=1e-5)
    assert {s.label for s in scored} == {label_of(expected)}


def test_batches_keep_the_order_sent_and_agree_with_one_at_a_time(random_model: Path) -> None:
    scorer = tf.TransformersScorer(str(random_model), batch_size=3)  # 7 texts: batches of 3, 3 and 1
    together = scorer.score(TEXTS)
    alone = [scorer.score_one(text) for text in TEXTS]
    assert [s.score for s in together] == pytest.approx([s.score for s in alone], abs=1e-5)
    assert len({round(s.score, 3) for s in together}) > 3  # the texts differ, so order is really checked
    for s in together:
        assert 0.0 <= s.score <= 1.0
        assert s.label == label_of(s.score)
        assert (s.label == "BULLISH") == (s.score >= BULLISH_FROM)
        assert (s.label == "BEARISH") == (s.score <= BEARISH_TO)
    assert scorer.score([]) == []


def test_a_long_text_is_cut_to_the_models_length(random_model: Path) -> None:
    scorer = tf.TransformersScorer(str(random_model))
    assert scorer.max_length == MAX_TOKENS  # the tokenizer's limit, below the 64 position embeddings
    words = (WORDS * 40)[:1000]  # 1,000 tokens: 15 times the position table
    long, cut = scorer.score([" ".join(words), " ".join(words[: MAX_TOKENS - 2])])  # [CLS] ... [SEP]
    assert long.score == pytest.approx(cut.score, abs=1e-5)


def test_one_scorer_per_model_per_process(random_model: Path) -> None:
    assert tf.transformers_scorer(str(random_model)) is tf.transformers_scorer(str(random_model))


def test_a_missing_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(tf.ModelLoadError, match="no such directory"):
        tf.TransformersScorer(str(tmp_path / "no-model"))
    with pytest.raises(tf.ModelLoadError, match=r"could not be loaded: .*config\.json"):
        tf.TransformersScorer(str(tmp_path))  # a directory without a model in it


def test_a_hub_name_not_cached_fails_at_once_when_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(tf.ModelLoadError, match="not in the local Hugging Face cache, and HF_HUB_OFFLINE"):
        tf.TransformersScorer("cryptomon-tests/no-such-model")


@pytest.mark.parametrize(
    "id2label",
    [
        {0: "joy", 1: "anger"},
        {0: "LABEL_0", 1: "LABEL_1"},  # a config's default names: which one is positive is unknown
        {0: "negative", 1: "negative", 2: "positive"},
        {0: "negative", 1: "neutral", 2: "positive", 3: "mixed"},
    ],
)
def test_labels_that_are_not_a_sentiment_are_refused_at_load(
    tmp_path: Path, id2label: dict[int, str]
) -> None:
    model = write_tiny_model(tmp_path / "model", id2label)
    with pytest.raises(tf.ModelLoadError, match=r"labels \[.*\] are not a sentiment's"):
        tf.TransformersScorer(str(model))
