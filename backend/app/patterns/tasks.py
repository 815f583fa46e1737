"""Background jobs of the patterns domain (found by convention as `app.patterns.tasks`)."""

from __future__ import annotations

from typing import Any

from app.core.tasks.registry import JobContext, task
from app.patterns import service


@task("patterns.stats")
async def stats_job(ctx: JobContext, symbol: str, interval: str, pattern: str) -> dict[str, Any]:
    """Compute and cache how `pattern` did on the stored history of `symbol` at `interval`."""
    return await service.compute_stats(ctx.runtime, symbol, interval, pattern)
