"""Parameter sweeps: a grid (or a random sample of it) over parameter ranges, ranked in-sample, with the
out-of-sample result of each combination beside it so over-fitting shows (walk-forward: train on the first
part of the range, test on the rest, which the ranking never saw).

Each combination's signals are computed on the whole window once; the loop then runs separately over the
in-sample and out-of-sample bars, each starting flat with the initial capital.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Awaitable, Callable

import numpy as np
from sqlalchemy.ext.asyncio import AsyncSession

from app.backtesting import simulation
from app.backtesting.schemas import OptimizeIn, OutOfSampleSpan, Range, Results, SweepOut, SweepRow, SweepSpan
from app.core.errors import AppError, ErrorCode
from app.quant.indicators.spec import Series

Progress = Callable[[float, str], Awaitable[None]]


def _values(name: str, spec: Range) -> list[float]:
    if spec.values is not None:
        return list(dict.fromkeys(spec.values))
    if spec.min is None or spec.max is None or spec.step is None:
        raise AppError(
            ErrorCode.VALIDATION_ERROR, "give values, or min, max and step", field=f"ranges.{name}"
        )
    if spec.min > spec.max:
        raise AppError(ErrorCode.VALIDATION_ERROR, "min must not exceed max", field=f"ranges.{name}")
    count = math.floor((spec.max - spec.min) / spec.step + 1e-9) + 1
    if count > 10_000:
        raise AppError(ErrorCode.VALIDATION_ERROR, "more than 10,000 values", field=f"ranges.{name}")
    return [round(spec.min + i * spec.step, 10) for i in range(count)]


def combinations(body: OptimizeIn) -> list[dict[str, float]]:
    names = list(body.ranges)
    axes = [_values(name, body.ranges[name]) for name in names]
    total = math.prod(len(axis) for axis in axes)
    if body.method == "RANDOM":
        rng = np.random.default_rng(body.seed)
        picks = rng.choice(total, size=min(body.samples, total), replace=False)
        sizes = [len(axis) for axis in axes]
        chosen = [np.unravel_index(int(p), sizes) for p in sorted(picks)]
        return [
            {n: axes[k][int(i)] for k, (n, i) in enumerate(zip(names, idx, strict=True))} for idx in chosen
        ]
    if total > body.max_combinations:
        raise AppError(
            ErrorCode.VALIDATION_ERROR,
            f"{total:,} combinations: more than maxCombinations ({body.max_combinations:,}); use RANDOM",
            field="ranges",
        )
    return [dict(zip(names, values, strict=True)) for values in itertools.product(*axes)]


# The name of each metric as the request spells it (`metric`: "sharpeRatio").
METRICS = {field.alias or name: name for name, field in Results.model_fields.items() if name != "open_at_end"}


async def sweep(
    session: AsyncSession, user_id: int, body: OptimizeIn, progress: Progress, risk_free: float = 0.0
) -> SweepOut:
    combos = combinations(body)
    metric = METRICS.get(body.metric)
    base = await simulation.prepare(session, user_id, body.strategy_name, body.parameters)
    window = await simulation.load_window(session, body, base.lookback * 2)
    tested = len(window.series) - window.first
    split = window.first + round(tested * (1 - body.out_of_sample))
    costs, capital = simulation.costs_of(body), float(body.initial_capital)
    in_sample = simulation.Window(window.symbol, _head(window.series, split), window.first, 0, 0, window.step)
    out_sample = simulation.Window(window.symbol, window.series, split, 0, 0, window.step)
    rows: list[SweepRow] = []
    skipped = 0
    for n, combo in enumerate(combos):
        try:
            prepared = await simulation.prepare(
                session, user_id, body.strategy_name, {**body.parameters, **combo}
            )
            _, inside = simulation.simulate(prepared, in_sample, costs, capital, risk_free)
        except AppError:
            skipped += 1  # e.g. fastPeriod >= slowPeriod in this corner of the grid
            continue
        outside = (
            simulation.simulate(prepared, out_sample, costs, capital, risk_free)[1]
            if split < len(window.series)
            else None
        )
        rows.append(SweepRow(parameters=prepared.parameters, in_sample=inside, out_of_sample=outside))
        if n % 50 == 49:
            await progress((n + 1) / len(combos), f"{n + 1:,} of {len(combos):,} combinations")
    if rows and metric is None:
        raise AppError(ErrorCode.VALIDATION_ERROR, f"no metric {body.metric}", field="metric")

    def score(row: SweepRow) -> float:
        value = getattr(row.in_sample, metric or "")
        return float(value) if value is not None else -math.inf

    rows.sort(key=score, reverse=True)
    ts = window.series.ts
    return SweepOut(
        strategy_name=base.name,
        symbol=window.symbol,
        metric=body.metric,
        combinations=len(combos),
        skipped=skipped,
        in_sample=SweepSpan(from_=int(ts[window.first]), bars=split - window.first),
        out_of_sample=OutOfSampleSpan(
            from_=int(ts[split]) if split < len(ts) else None, bars=len(ts) - split
        ),
        results=rows[: body.top],
    )


def _head(series: Series, stop: int) -> Series:
    return type(series)(
        *(getattr(series, f)[:stop] for f in ("ts", "open", "high", "low", "close", "volume"))
    )
