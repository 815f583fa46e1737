"""Optional: relevance's text term from a local sentence-embedding model (CPU torch), instead of TF-IDF."""

from __future__ import annotations

import functools
import importlib.util
import logging
from collections.abc import Sequence
from typing import Any

log = logging.getLogger(__name__)
MAX_TOKENS = 256
BATCH = 32


def available() -> bool:
    """Whether torch and transformers can be imported (checked without importing them)."""
    return all(importlib.util.find_spec(name) is not None for name in ("torch", "transformers"))


@functools.lru_cache(maxsize=1)
def _model(directory: str) -> tuple[Any, Any]:
    from transformers import AutoModel, AutoTokenizer  # optional: `make install-nlp`

    # local_files_only: the setting names a directory on this machine; nothing is downloaded.
    tokenizer = AutoTokenizer.from_pretrained(directory, local_files_only=True)
    model = AutoModel.from_pretrained(directory, local_files_only=True)
    model.eval()
    return tokenizer, model


def _embed(directory: str, texts: Sequence[str]) -> Any:
    import torch

    tokenizer, model = _model(directory)
    vectors = []
    with torch.no_grad():
        for start in range(0, len(texts), BATCH):
            batch = tokenizer(
                list(texts[start : start + BATCH]),
                padding=True,
                truncation=True,
                max_length=MAX_TOKENS,
                return_tensors="pt",
            )
            hidden = model(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)  # mean pooling over real tokens
            vectors.append(torch.nn.functional.normalize(mean, dim=1))
    return torch.cat(vectors)


def similarities(directory: str, documents: Sequence[str], profile: str) -> list[float] | None:
    """The cosine of each document's mean-pooled embedding with the profile's, clipped to [0, 1]; None
    when the model cannot be used (packages missing, directory unreadable): the caller falls back to
    TF-IDF."""
    if not documents or not profile.strip() or not available():
        return None
    try:
        vectors = _embed(directory, [*documents, profile])
    except Exception as exc:  # any failure of an optional model must leave news working on TF-IDF
        log.warning("news embeddings unavailable (%s), relevance uses TF-IDF: %s", directory, exc)
        return None
    scores = (vectors[:-1] @ vectors[-1]).tolist()
    return [min(1.0, max(0.0, float(s))) for s in scores]
