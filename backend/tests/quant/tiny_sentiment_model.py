"""A tiny BERT text classifier with random weights, written to a directory as save_pretrained does.

No network: the vocabulary is ours, the weights are drawn from a seeded generator, and the result is a few
hundred kilobytes that loads in well under a second. Needs torch and transformers (`make install-nlp`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path

WORDS = [
    *("bitcoin", "ether", "soars", "surges", "to", "a", "record", "high", "exchange", "hacked"),
    *("withdrawals", "halted", "gm", "the", "market", "is", "flat", "crash", "dump", "rally"),
    *("moon", "rekt", "hodl", "buy", "sell"),
]
MAX_TOKENS = 16  # the tokenizer's model_max_length: [CLS] + 14 words + [SEP]


def write_tiny_model(
    directory: Path,
    id2label: Mapping[int, str],
    *,
    bias: Sequence[float] | None = None,
    seed: int = 0,
) -> Path:
    """A 2-layer, 32-wide BERT classifier over WORDS with labels `id2label`.

    With `bias` the classifier's weights are zeroed and its bias set: every text then gets the class
    probabilities softmax(bias), so a score can be computed by hand.
    """
    import torch
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

    directory.mkdir(parents=True, exist_ok=True)
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS]
    # transformers 5 takes the vocabulary as `vocab` and silently ignores 4.x's `vocab_file` (every word
    # would be [UNK]).
    tokenizer = BertTokenizer(vocab={token: i for i, token in enumerate(tokens)}, model_max_length=MAX_TOKENS)
    torch.manual_seed(seed)
    config = BertConfig(
        vocab_size=len(WORDS) + 5,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=37,
        max_position_embeddings=64,
        initializer_range=0.5,  # large enough that different texts get visibly different scores
        id2label=dict(id2label),
        label2id={label: i for i, label in id2label.items()},
    )
    model = BertForSequenceClassification(config)
    if bias is not None:
        with torch.no_grad():
            model.classifier.weight.zero_()
            model.classifier.bias.copy_(torch.tensor(bias))
    model.save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


def log_odds(*probabilities: float) -> list[float]:
    """Logits whose softmax is `probabilities`."""
    return [math.log(p) for p in probabilities]
