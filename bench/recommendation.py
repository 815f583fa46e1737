"""The fundamental analysis's BUY / HOLD / SELL replayed on the bundled history: forward 7d and 30d returns.

Of the recommendation's five components only two have a bundled history, so only they are replayed:
- momentum: the technical summary on daily candles, as `fundamental._momentum` asks it of the technical
  analysis (RSI, MACD, BOLLINGER_BANDS; 90 days plus the same warm-up bars; `signals.summary` vote,
  `momentum_score`), computed each day on the recorded daily candles up to and including that day's
  (app/market/replay_data/*_1d.feather): no look-ahead;
- fearGreed: that day's alternative.me Fear & Greed index (app/analysis/research/snapshots/
  alternative_me_fng.json, 2024-04-22 to 2025-04-22), published at 00:00 UTC of the day, `fear_greed_score`.
Each day d of the overlap and each symbol with daily candles: `recommend({"momentum", "fearGreed"})` (so the
total is 2/3 momentum, 1/3 Fear & Greed: their weights 0.30 and 0.15 renormalised), then the forward returns
close(d + 7) / close(d) - 1 and close(d + 30) / close(d) - 1. Printed per class: count, mean, median and hit
rate (share > 0), against all days of the same symbols and period (the reference: the unconditional mean);
pooled over the symbols and per symbol; and for momentum alone and Fear & Greed alone.
Caveats, printed too: 2 of 5 components; one year of one regime (2024-25, mostly rising); the forward windows
of consecutive days overlap and the coins move together, so the ~3,300 pooled days are far fewer independent
observations; not financial advice.

Run: backend/.venv/bin/python bench/recommendation.py     (a few seconds)
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from app.analysis import signals, technical
from app.analysis.fundamental import MOMENTUM_INDICATORS
from app.analysis.research.recommendation import (
    THRESHOLD,
    WEIGHTS,
    Reading,
    fear_greed_score,
    momentum_score,
    recommend,
)
from app.analysis.research.snapshots import SNAPSHOT_DIR
from app.core.periods import parse_period
from app.market import recordings
from app.quant.indicators import library
from app.quant.indicators.spec import Series

DAY = 86400
HORIZONS = (7, 30)
PERIOD = "90d"  # what fundamental._momentum asks the technical analysis for
CLASSES = ("BUY", "HOLD", "SELL")
Variant = Callable[[Reading, Reading], str]


@dataclass(frozen=True, slots=True)
class Day:
    symbol: str
    ts: int
    momentum: Reading
    fear_greed: Reading
    forward: dict[int, float]


def fear_greed() -> dict[int, int]:
    data = json.loads((SNAPSHOT_DIR / "alternative_me_fng.json").read_text())["data"]
    return {int(row["timestamp"]) // DAY * DAY: int(row["value"]) for row in data}


def replay(symbol: str, index: dict[int, int]) -> list[Day]:
    specs = [library.get(name) for name in MOMENTUM_INDICATORS]
    window = parse_period(PERIOD) // DAY + technical.warm_up_bars(specs)
    candles = recordings.load(symbol, "1d")
    position = {int(t): i for i, t in enumerate(candles.ts)}
    days = []
    for ts, value in sorted(index.items()):
        i = position.get(ts)
        if i is None or i + 1 < window or i + max(HORIZONS) >= len(candles):
            continue
        cut = slice(i + 1 - window, i + 1)  # the candles up to and including day d's
        series = Series(
            candles.ts[cut], candles.open[cut], candles.high[cut], candles.low[cut], candles.close[cut],
            candles.volume[cut],
        )  # fmt: skip
        readings = {
            name: technical._reading(spec, series)
            for name, spec in zip(MOMENTUM_INDICATORS, specs, strict=True)
        }
        vote = signals.summary(readings)
        close = float(candles.close[i])
        days.append(
            Day(
                symbol,
                ts,
                Reading(vote["score"], momentum_score(vote["score"], signals.opinions(readings))),
                Reading(value, fear_greed_score(value)),
                {h: float(candles.close[i + h]) / close - 1 for h in HORIZONS},
            )
        )
    return days


VARIANTS: dict[str, Variant] = {
    "momentum + Fear & Greed (the replayable part of recommend)": lambda m, f: (
        recommend({"momentum": m, "fearGreed": f}).action
    ),
    "momentum alone": lambda m, f: recommend({"momentum": m}).action,
    "Fear & Greed alone (contrarian)": lambda m, f: recommend({"fearGreed": f}).action,
}


def stats(values: list[float]) -> str:
    if not values:
        return f"{'-':>8} {'-':>8} {'-':>6}"
    hit = sum(v > 0 for v in values) / len(values)
    return f"{statistics.fmean(values):+8.2%} {statistics.median(values):+8.2%} {hit:6.1%}"


def table(title: str, days: list[Day], actions: list[str]) -> None:
    print(f"  {title}")
    head = "".join(f"  {f'{h}d mean':>8} {f'{h}d med':>8} {f'{h}d hit':>6}" for h in HORIZONS)
    print(f"    {'class':38} {'days':>5}{head}")
    labels = {"BUY": f"BUY (total >= {THRESHOLD})", "HOLD": "HOLD", "SELL": f"SELL (total <= -{THRESHOLD})"}
    rows = [(labels[c], [d for d, a in zip(days, actions, strict=True) if a == c]) for c in CLASSES]
    rows.append(("reference: every day (unconditional)", days))
    for name, chosen in rows:
        cells = "".join(f"  {stats([d.forward[h] for d in chosen])}" for h in HORIZONS)
        print(f"    {name:38} {len(chosen):5d}{cells}")


def per_symbol(symbols: list[str], days: list[Day], actions: list[str]) -> None:
    head = "  ".join(f"{c:>4} {'7d':>7} {'30d':>7}" for c in CLASSES)
    print(f"    {'symbol':8} {head}   {'all':>4} {'7d':>7} {'30d':>7}   (mean forward returns)")
    for symbol in symbols:
        cells = []
        for c in (*CLASSES, None):
            chosen = [d for d, a in zip(days, actions, strict=True) if d.symbol == symbol and c in (None, a)]
            means = (
                " ".join(f"{statistics.fmean(d.forward[h] for d in chosen):+7.2%}" for h in HORIZONS)
                if chosen
                else f"{'-':>7} {'-':>7}"
            )
            cells.append(f"{len(chosen):4d} {means}")
        print(f"    {symbol:8} {'  '.join(cells[:3])}   {cells[3]}")


def main() -> None:
    started = time.perf_counter()
    index = fear_greed()
    first, last = min(index), max(index)
    symbols = [s for s in recordings.symbols() if "1d" in recordings.catalog()[s]]
    days = [day for symbol in symbols for day in replay(symbol, index)]
    covered = {d.ts for d in days}
    share = (WEIGHTS["momentum"] + WEIGHTS["fearGreed"]) / sum(WEIGHTS.values())
    print(
        "Forward returns after each recommendation, replayed on the bundled history. NOT financial advice.\n"
        f"- Only 2 of the 5 components have a history (momentum w={WEIGHTS['momentum']}, fearGreed "
        f"w={WEIGHTS['fearGreed']}: {share:.0%} of the weight); valuation, onChain, sentiment are absent.\n"
        f"- Fear & Greed days {_date(first)} to {_date(last)} ({len(index)}), decisions on "
        f"{len(covered)} days x {len(symbols)} symbols = {len(days)}: one year, one regime (2024-25), "
        "so this says little about other markets.\n"
        "- Forward windows of consecutive days overlap and the coins move together: the pooled days are far\n"
        "  fewer independent observations than their count. Returns close to close, no fees."
    )
    fg = np.array([d.fear_greed.raw_value for d in days if d.symbol == symbols[0]], dtype=float)
    print(f"- Fear & Greed over the period: mean {fg.mean():.0f}, min {fg.min():.0f}, max {fg.max():.0f}")
    for name, variant in VARIANTS.items():
        actions = [variant(d.momentum, d.fear_greed) for d in days]
        print(f"\n{name}")
        table("pooled over the symbols", days, actions)
        print("  per symbol")
        per_symbol(symbols, days, actions)
    print(f"\n({time.perf_counter() - started:.1f} s)")


def _date(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).date().isoformat()


if __name__ == "__main__":
    main()
