"""Background jobs of the reports domain (found by convention as `app.reports.tasks`)."""

from __future__ import annotations

from datetime import timedelta

from app.core.tasks.registry import JobContext, task
from app.reports import production, schedules


@task("reports.generate")
async def generate_job(ctx: JobContext, reportId: str) -> dict[str, str]:
    """Make one report's file, deliver it and tell its owner (ANALYSIS_COMPLETE)."""
    return {"reportId": reportId, "status": await production.produce(ctx.runtime, reportId, ctx.progress)}


@task("reports.schedules", every=timedelta(minutes=1))
async def schedules_job(ctx: JobContext) -> dict[str, list[str]]:
    """Start the scheduled reports that are due (a run missed while the server was down starts now, once)."""
    return {"started": await schedules.run_due(ctx.runtime)}


@task("reports.upkeep", every=timedelta(minutes=5))
async def upkeep_job(ctx: JobContext) -> dict[str, list[str]]:
    """Fail the reports stuck GENERATING (and tell their owners); remove the files past retention."""
    return {
        "failed": await production.fail_stuck(ctx.runtime),
        "expired": await production.remove_expired(ctx.runtime),
    }
