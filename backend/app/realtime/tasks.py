"""Background upkeep of the gateway: stored user events older than the retention are deleted."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from app.core.tasks.registry import JobContext, task
from app.realtime import events


@task("realtime.prune_events", every=timedelta(hours=1))
async def prune_events(ctx: JobContext) -> dict[str, Any]:
    days = ctx.runtime.settings.event_retention_days
    async with ctx.runtime.db.session() as session:
        pruned = await events.prune(session, timedelta(days=days))
    return {"pruned": pruned, "retentionDays": days}
