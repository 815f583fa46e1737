"""Background jobs of the content domain (found by convention as `app.content.tasks`)."""

from __future__ import annotations

from datetime import timedelta

from app.content import aggregator, daily
from app.core.tasks.registry import JobContext, task


@task("content.digests", every=timedelta(minutes=5))
async def digests_job(ctx: JobContext) -> dict[str, int]:
    """Build each user's digest once their digest hour has come, and send it to those who opted in."""
    run = await daily.build_due(ctx.runtime)
    return {"built": run.built, "sent": run.sent, "failed": run.failed}


@task("content.news", every=timedelta(minutes=1))
async def news_job(ctx: JobContext) -> dict[str, int | bool]:
    """Read the enabled feeds when `CRYPTOMON_NEWS_REFRESH_MINUTES` have passed since the last read (the
    check runs every minute, so a changed setting applies without a restart); new stories only."""
    run = await aggregator.refresh_if_due(ctx.runtime)
    if run is None:
        return {"ran": False}
    return {
        "ran": True,
        "feeds": run.feeds,
        "fetched": run.fetched,
        "added": run.added,
        "failed": len(run.failed),
    }
