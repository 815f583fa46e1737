"""Background jobs of the analysis domain (found by convention as `app.analysis.tasks`)."""

from __future__ import annotations

from datetime import timedelta

from app.analysis import fundamental, series_alerts
from app.core.tasks.registry import JobContext, task


@task("analysis.fundamental")
async def fundamental_job(ctx: JobContext, analysisId: str) -> dict[str, str]:
    """Finish a fundamental analysis that was not ready within the request's budget."""
    await fundamental.finish_pending(ctx.runtime, analysisId)
    return {"analysisId": analysisId}


@task("analysis.series_alerts", every=timedelta(minutes=5))
async def series_alerts_job(ctx: JobContext) -> dict[str, list[int]]:
    """Judge the alerts on Fear & Greed, sentiment and whale movements (their figures are cached for minutes
    to an hour, so a pass costs few provider calls)."""
    return {"fired": await series_alerts.judge(ctx.runtime)}
