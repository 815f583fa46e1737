"""Account upkeep: the audit log and ended sessions are kept `audit_retention_days`, then deleted."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from app.core.tasks.registry import JobContext, task
from app.users import audit, sessions


@task("users.prune_security_history", every=timedelta(hours=6))
async def prune_security_history(ctx: JobContext) -> dict[str, Any]:
    days = ctx.runtime.settings.audit_retention_days
    async with ctx.runtime.db.session() as session:
        events = await audit.prune(session, days)
        ended = await sessions.prune(session, timedelta(days=days))
    return {"auditEvents": events, "sessions": ended, "retentionDays": days}
