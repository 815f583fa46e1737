"""System jobs: partition upkeep and a diagnostics job that shows a worker can reach everything."""

from __future__ import annotations

import os
import socket
from datetime import timedelta
from typing import Any

from app.core.clock import isoformat_z, utcnow
from app.core.partitions import ensure_price_partitions
from app.core.tasks.registry import JobContext, task


@task("system.ensure_partitions", every=timedelta(hours=12))
async def ensure_partitions(ctx: JobContext, months_ahead: int | None = None) -> dict[str, Any]:
    ahead = ctx.runtime.settings.partition_months_ahead if months_ahead is None else months_ahead
    now = utcnow()
    async with ctx.runtime.db.session() as session:
        months = await ensure_price_partitions(session, now, now + timedelta(days=31 * ahead))
    return {"months": [m.isoformat() for m in months]}


@task("system.requeue_jobs", every=timedelta(minutes=1))
async def requeue_jobs(ctx: JobContext) -> dict[str, Any]:
    """Hand over again jobs whose dispatch was lost or whose runner died, and prune old system jobs."""
    from app.core.tasks.service import prune_finished, unfinished_job_ids

    stale = [
        job_id
        for job_id in await unfinished_job_ids(ctx.runtime, pending_for=timedelta(minutes=2))
        if job_id != ctx.job_id
    ]
    for job_id in stale:
        await ctx.runtime.jobs.dispatch(job_id)
    pruned = await prune_finished(ctx.runtime, older_than=timedelta(days=7))
    return {"requeued": len(stale), "pruned": pruned}


@task("system.diagnostics")
async def diagnostics(ctx: JobContext) -> dict[str, Any]:
    runtime = ctx.runtime
    await runtime.db.ping()
    await runtime.bus.ping()
    await runtime.cache.ping()
    await ctx.progress(0.5, "infrastructure reachable")
    return {
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "database": runtime.db.dialect,
        "deployment": "cluster" if runtime.settings.is_cluster else "embedded",
        "checkedAt": isoformat_z(utcnow()),
    }
