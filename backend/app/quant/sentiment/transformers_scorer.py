"""A HuggingFace `transformers` text classifier as a sentiment analyser, on CPU torch, loaded lazily.

torch and transformers are an optional install (`make install-nlp`): nothing here imports them until a
model is loaded, so the app starts and the VADER analysers work without them.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from app.quant.sentiment.labels import Scored, label_of

log = logging.getLogger(__name__)

INSTALL_HINT = (
    "make install-nlp (or: pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu "
    "&& pip install 'cryptomon[nlp]')"
)
BATCH_SIZE = 32
# Past this a tokenizer's model_max_length is transformers' "no limit" placeholder (1e30), not a length.
_NO_LIMIT = 1_000_000

Kind = Literal["negative", "neutral", "positive"]
_WEIGHT: dict[Kind, float] = {"negative": 0.0, "neutral": 0.5, "positive": 1.0}
_NAMES: dict[str, Kind] = {
    "negative": "negative",
    "neg": "negative",
    "bearish": "negative",
    "neutral": "neutral",
    "neu": "neutral",
    "positive": "positive",
    "pos": "positive",
    "bullish": "positive",
}
# cardiffnlp's twitter-roberta-base-sentiment names its three classes only by index.
_INDEXED: dict[str, Kind] = {"label_0": "negative", "label_1": "neutral", "label_2": "positive"}


class ModelUnavailable(RuntimeError):
    """The transformer analyser cannot run: its packages are missing, or the model did not load."""


class NotInstalled(ModelUnavailable):
    """torch or transformers is not installed."""


class ModelLoadError(ModelUnavailable):
    """The configured model could not be loaded, or its labels are not a sentiment's."""


def installed() -> bool:
    """Whether torch and transformers can be imported (checked without importing them)."""
    return all(importlib.util.find_spec(name) is not None for name in ("torch", "transformers"))


def label_weights(id2label: Mapping[int, str]) -> tuple[float, ...]:
    """Each class's weight in the score (negative 0, neutral 0.5, positive 1), by class index.

    The score of a text is then sum(P(class) * weight): P(positive) for a 2-class model and
    P(positive) + 0.5 * P(neutral) for a 3-class one. Labels are matched case-insensitively;
    `LABEL_0..2` are read as cardiffnlp's negative, neutral, positive.

    >>> label_weights({0: "NEGATIVE", 1: "POSITIVE"})
    (0.0, 1.0)
    >>> label_weights({0: "positive", 1: "negative", 2: "neutral"})  # ProsusAI/finbert
    (1.0, 0.0, 0.5)
    >>> label_weights({0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2"})
    (0.0, 0.5, 1.0)
    >>> label_weights({0: "joy", 1: "anger"})
    Traceback (most recent call last):
    ...
    ValueError: the model's labels ['joy', 'anger'] are not a sentiment's: expected negative/positive or ...
    """
    labels = [id2label[i] for i in sorted(id2label)]
    names = _INDEXED if len(labels) == 3 else {}
    kinds = [_NAMES.get(label.strip().lower()) or names.get(label.strip().lower()) for label in labels]
    if sorted(id2label) != list(range(len(labels))) or sorted(map(str, kinds)) not in (
        ["negative", "positive"],
        ["negative", "neutral", "positive"],
    ):
        raise ValueError(
            f"the model's labels {labels} are not a sentiment's: expected negative/positive or "
            "negative/neutral/positive (also LABEL_0..2 as negative/neutral/positive)"
        )
    return tuple(_WEIGHT[kind] for kind in kinds if kind is not None)


def _max_length(tokenizer: Any, config: Any) -> int:
    """The longest input the model takes, in tokens: the lower of the tokenizer's and the positions'."""
    limit = int(getattr(tokenizer, "model_max_length", _NO_LIMIT) or _NO_LIMIT)
    positions = getattr(config, "max_position_embeddings", None)
    if isinstance(positions, int) and positions > 0:
        # RoBERTa-family models number positions from padding_idx + 1: 514 positions hold 512 tokens.
        model_type = str(getattr(config, "model_type", ""))
        if "roberta" in model_type or model_type == "camembert":
            positions -= 2
        limit = min(limit, positions)
    return limit if limit < _NO_LIMIT else 512


def _offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")


class TransformersScorer:
    """Scores texts with a sequence-classification model: sum of P(class) * weight (see label_weights).

    `model` is a directory written by save_pretrained, or a Hub name: one in the local cache is loaded
    without a network call; another is downloaded unless HF_HUB_OFFLINE is set, when it fails at once.
    """

    def __init__(self, model: str, *, batch_size: int = BATCH_SIZE) -> None:
        if not installed():
            raise NotInstalled(f"torch and transformers are not installed: {INSTALL_HINT}")
        import torch
        from transformers import AutoConfig, AutoModelForSequenceClassification, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # a server's log has no use for "Loading weights" bars
        self.name = model
        self.batch_size = batch_size
        # The config first: a model whose labels are not a sentiment's is refused before its weights load.
        config = _load(model, AutoConfig)
        try:
            weights = label_weights(config.id2label)
        except ValueError as exc:
            raise ModelLoadError(f"sentiment model {model!r}: {exc}") from exc
        self._tokenizer = _load(model, AutoTokenizer)
        self._model = _load(model, AutoModelForSequenceClassification, config=config)
        self._weights = torch.tensor(weights, dtype=torch.float32)
        self.max_length = _max_length(self._tokenizer, self._model.config)
        self._model.eval()
        # A fast tokenizer is not safe to call from two threads at once ("Already borrowed"), and two
        # forward passes on 2 cores would only share them: one batch at a time.
        self._lock = threading.Lock()

    def score_one(self, text: str) -> Scored:
        return self.score([text])[0]

    def score(self, texts: Sequence[str]) -> list[Scored]:
        import torch

        # Batches of texts of similar length pad less; the results go back in the order sent.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        scores = [0.0] * len(texts)
        with self._lock, torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                batch = order[start : start + self.batch_size]
                inputs = self._tokenizer(
                    [texts[i] for i in batch],
                    padding=True,
                    truncation=True,
                    max_length=self.max_length,
                    return_tensors="pt",
                )
                probabilities = torch.softmax(self._model(**inputs).logits.float(), dim=-1)
                for i, value in zip(batch, (probabilities @ self._weights).tolist(), strict=True):
                    scores[i] = min(1.0, max(0.0, float(value)))
        return [Scored(score, label_of(score)) for score in scores]


def _load(model: str, loader: Any, **options: Any) -> Any:
    """`loader.from_pretrained` on a local directory, a cached Hub name, or (online) a download."""
    looks_like_path = model.startswith((".", "/", "~")) or model.count("/") > 1  # a Hub name: owner/name
    path = Path(model).expanduser()
    if path.is_dir():
        source, local = str(path), True
    elif looks_like_path:
        raise ModelLoadError(f"sentiment model {model!r}: no such directory")
    else:
        source, local = model, False
    try:
        try:
            # A cached Hub name loads without asking the Hub whether it changed.
            return loader.from_pretrained(source, local_files_only=True, **options)
        except OSError:
            if local or _offline():
                raise
            log.info("downloading sentiment model %s", source)
            return loader.from_pretrained(source, **options)
    except (OSError, ValueError) as exc:
        if not local and _offline():
            reason = "not in the local Hugging Face cache, and HF_HUB_OFFLINE is set"
        else:
            reason = " ".join(str(exc).split())[:300]
        raise ModelLoadError(f"sentiment model {model!r} could not be loaded: {reason}") from exc


_scorers: dict[str, TransformersScorer] = {}
_loading = threading.Lock()


def transformers_scorer(model: str) -> TransformersScorer:
    """The process's scorer for `model`, loaded on first use (seconds for a base-size model)."""
    with _loading:  # two first requests at once load the model once
        scorer = _scorers.get(model)
        if scorer is None:
            scorer = _scorers[model] = TransformersScorer(model)
        return scorer
