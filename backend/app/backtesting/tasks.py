"""Background jobs of the backtesting domain (found by convention as `app.backtesting.tasks`)."""

from __future__ import annotations

from typing import Any

from app.backtesting.optimize import sweep
from app.backtesting.schemas import OptimizeIn
from app.core.tasks.registry import JobContext, task
from app.users import service as user_service


@task("backtest.optimize")
async def optimize_job(ctx: JobContext, **request: Any) -> dict[str, Any]:
    """A parameter sweep; its result is a `SweepOut` (metrics a combination did not get are left out)."""
    body = OptimizeIn.model_validate(request)
    assert ctx.user_id is not None
    async with ctx.runtime.db.session() as session:
        owner = await user_service.get_user(session, ctx.user_id)  # a deleted user's queued sweep fails here
        result = await sweep(
            session, owner.id, body, ctx.progress, ctx.runtime.settings.backtest_risk_free_rate
        )
    return result.model_dump(mode="json", by_alias=True, exclude_unset=True)
