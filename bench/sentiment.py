"""Sentiment analysers on the labelled set (bench/data/sentiment_eval.csv): accuracy, macro-F1, texts/s.

The reference, in the same process: VADER alone (its general-English lexicon). Ours: VADER with the crypto
lexicon and phrases of app/quant/sentiment/crypto_lexicon.py. Also the confusion matrix of each (rows: the
label given by hand; columns: the analyser's) and the per-kind accuracy (headlines, posts). The TRANSFORMERS
analyser joins the table when a model is given (--model, else CRYPTOMON_SENTIMENT_MODEL): a Hub name or a
directory, on CPU, in batches of 32; its load time is printed and not counted in texts/s.

Run: backend/.venv/bin/python bench/sentiment.py [--repeat 5] [--model NAME_OR_PATH]
"""

from __future__ import annotations

import argparse
import csv
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from app.config import get_settings
from app.quant.sentiment import transformers_scorer as tf
from app.quant.sentiment.labels import LABELS, Scored
from app.quant.sentiment.vader import VaderScorer

EVAL_SET = Path(__file__).resolve().parent / "data" / "sentiment_eval.csv"


def macro_f1(truth: Sequence[str], predicted: Sequence[str]) -> float:
    """The mean over the three labels of 2PR / (P + R) (0 for a label never predicted or never true)."""
    scores = []
    for label in LABELS:
        tp = sum(t == label and p == label for t, p in zip(truth, predicted, strict=True))
        fp = sum(t != label and p == label for t, p in zip(truth, predicted, strict=True))
        fn = sum(t == label and p != label for t, p in zip(truth, predicted, strict=True))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores)


def measure(
    name: str,
    score: Callable[[list[str]], list[Scored]],
    rows: list[dict[str, str]],
    repeat: int,
) -> float:
    texts, truth = [r["text"] for r in rows], [r["label"] for r in rows]
    predicted = [s.label for s in score(texts)]  # also warms up
    started = time.perf_counter()
    for _ in range(repeat):
        score(texts)
    rate = repeat * len(texts) / (time.perf_counter() - started)
    accuracy = sum(t == p for t, p in zip(truth, predicted, strict=True)) / len(rows)
    by_kind = {
        kind: sum(t == p for t, p, r in zip(truth, predicted, rows, strict=True) if r["kind"] == kind)
        / max(1, sum(r["kind"] == kind for r in rows))
        for kind in sorted({r["kind"] for r in rows})
    }
    kinds = "  ".join(f"{k} {v:.1%}" for k, v in by_kind.items())
    print(
        f"  {name:34} accuracy {accuracy:6.1%}  macro-F1 {macro_f1(truth, predicted):.3f}  "
        f"{rate:8,.0f} texts/s  ({kinds})"
    )
    header = "".join(f"{label:>9}" for label in LABELS)
    corner = "by hand \\ analyser"
    print(f"  {'':34} {corner:>18}{header}")
    for label in LABELS:
        cells = "".join(
            f"{sum(t == label and p == other for t, p in zip(truth, predicted, strict=True)):9d}"
            for other in LABELS
        )
        print(f"  {'':34} {label:>18}{cells}")
    return accuracy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed passes over the set")
    parser.add_argument(
        "--model", default=None, help="the TRANSFORMERS model (default: CRYPTOMON_SENTIMENT_MODEL)"
    )
    args = parser.parse_args()
    with EVAL_SET.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    counts = {label: sum(r["label"] == label for r in rows) for label in LABELS}
    print(
        f"{len(rows)} labelled texts ({', '.join(f'{k} {v}' for k, v in counts.items())}) "
        f"from {EVAL_SET.name}"
    )
    reference = measure("reference: VADER alone", VaderScorer(crypto=False).score, rows, args.repeat)
    ours = measure(
        "VADER + crypto lexicon (default)",
        VaderScorer(crypto=True).score,
        rows,
        args.repeat,
    )
    print(f"  accuracy gained by the crypto lexicon: {(ours - reference) * 100:+.1f} points")
    transformer(rows, args.repeat, args.model if args.model is not None else get_settings().sentiment_model)


def transformer(rows: list[dict[str, str]], repeat: int, model: str) -> None:
    """The TRANSFORMERS row, or why there is none."""
    if not model.strip():
        print("  TRANSFORMERS: not configured (give --model NAME_OR_PATH or set CRYPTOMON_SENTIMENT_MODEL)")
        return
    if not tf.installed():
        print(f"  TRANSFORMERS: torch and transformers are not installed ({tf.INSTALL_HINT})")
        return
    started = time.perf_counter()
    try:
        scorer = tf.TransformersScorer(model.strip())
    except tf.ModelUnavailable as exc:
        print(f"  TRANSFORMERS: {exc}")
        return
    print(f"  TRANSFORMERS model {model} loaded in {time.perf_counter() - started:.1f} s")
    measure(f"TRANSFORMERS ({Path(model).name or model})"[:34], scorer.score, rows, repeat)


if __name__ == "__main__":
    main()
