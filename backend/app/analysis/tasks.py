"""Background jobs of the analysis domain (found by convention as `app.analysis.tasks`)."""

from __future__ import annotations

from app.analysis import fundamental
from app.core.tasks.registry import JobContext, task


@task("analysis.fundamental")
async def fundamental_job(ctx: JobContext, analysisId: str) -> dict[str, str]:
    """Finish a fundamental analysis that was not ready within the request's budget."""
    await fundamental.finish_pending(ctx.runtime, analysisId)
    return {"analysisId": analysisId}
