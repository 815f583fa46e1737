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
from typing import Any

import numpy as np

from app.backtesting import service
from app.backtesting.schemas import OptimizeIn, Range
from app.core.errors import AppError, ErrorCode
from app.core.tasks.registry import JobContext, task
from app.users.models import User

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


async def sweep(
    session: Any, user: User, body: OptimizeIn, progress: Progress, risk_free: float = 0.0
) -> dict[str, Any]:
    combos = combinations(body)
    base = await service.prepare(session, user, body.strategy_name, body.parameters)
    window = await service.load_window(session, body, base.lookback * 2)
    tested = len(window.series) - window.first
    split = window.first + round(tested * (1 - body.out_of_sample))
    costs, capital = service.costs_of(body), float(body.initial_capital)
    in_sample = service.Window(window.symbol, _head(window.series, split), window.first, 0, 0, window.step)
    out_sample = service.Window(window.symbol, window.series, split, 0, 0, window.step)
    rows: list[dict[str, Any]] = []
    skipped = 0
    for n, combo in enumerate(combos):
        try:
            prepared = await service.prepare(session, user, body.strategy_name, {**body.parameters, **combo})
            _, inside = service.simulate(prepared, in_sample, costs, capital, risk_free)
        except AppError:
            skipped += 1  # e.g. fastPeriod >= slowPeriod in this corner of the grid
            continue
        outside = (
            service.simulate(prepared, out_sample, costs, capital, risk_free)[1]
            if split < len(window.series)
            else None
        )
        rows.append({"parameters": prepared.parameters, "inSample": inside, "outOfSample": outside})
        if n % 50 == 49:
            await progress((n + 1) / len(combos), f"{n + 1:,} of {len(combos):,} combinations")
    if rows and body.metric not in rows[0]["inSample"]:
        raise AppError(ErrorCode.VALIDATION_ERROR, f"no metric {body.metric}", field="metric")

    def score(row: dict[str, Any]) -> float:
        value = row["inSample"].get(body.metric)
        return float(value) if value is not None else -math.inf

    rows.sort(key=score, reverse=True)
    ts = window.series.ts
    return {
        "strategyName": base.name,
        "symbol": window.symbol,
        "metric": body.metric,
        "combinations": len(combos),
        "skipped": skipped,
        "inSample": {"from": int(ts[window.first]), "bars": split - window.first},
        "outOfSample": {"from": int(ts[split]) if split < len(ts) else None, "bars": len(ts) - split},
        "results": rows[: body.top],
    }


def _head(series: Any, stop: int) -> Any:
    return type(series)(
        *(getattr(series, f)[:stop] for f in ("ts", "open", "high", "low", "close", "volume"))
    )


@task("backtest.optimize")
async def optimize_job(ctx: JobContext, **request: Any) -> dict[str, Any]:
    body = OptimizeIn.model_validate(request)
    async with ctx.runtime.db.session() as session:
        user = await session.get(User, ctx.user_id)
        assert user is not None
        return await sweep(session, user, body, ctx.progress, ctx.runtime.settings.backtest_risk_free_rate)
