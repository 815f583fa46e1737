"""The user's alerts: what they are and when they fired, a rule's backtest, and proposing or creating one."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncSession

from app.agent.tools.base import AgentTool, Context, Output, Symbol, ToolArgs
from app.alerts import reporting as alerts_reporting
from app.alerts import service as alerts_service
from app.alerts.schemas import AlertIn, BacktestIn, Condition, Frequency
from app.core.clock import utcnow

OWN_DATA = "Cryptomon (your alerts)"
MAX_ALERTS = 20
MAX_TRIGGERS = 10


class MyAlertsArgs(ToolArgs):
    symbol: Symbol | None = Field(default=None, description="Only this asset's alerts")
    alert_id: int | None = Field(default=None, ge=1, description="One alert and its firings")
    days: int = Field(default=30, ge=1, le=365, description="Firings in the last N days")


async def _my_alerts(ctx: Context, session: AsyncSession, args: MyAlertsArgs) -> Output:
    now = utcnow()
    alerts, total, active = await alerts_service.list_alerts(
        session, ctx.user.id, None, args.symbol, None, None
    )
    if args.alert_id is not None:
        alerts = [alerts_service.to_out(await alerts_service.get(session, ctx.user.id, args.alert_id))]
    fired = await alerts_reporting.history(
        session, ctx.user.id, args.alert_id, now - timedelta(days=args.days), None, MAX_TRIGGERS
    )
    keep = {"id", "symbol", "condition", "threshold", "status", "metadata", "frequency", "trigger_count",
            "triggered_at", "created_at"}  # fmt: skip
    data: dict[str, Any] = {
        "total": total,
        "active": active,
        "alerts": [a.model_dump(mode="json", by_alias=True, include=keep) for a in alerts[:MAX_ALERTS]],
        "recentFirings": [
            t.model_dump(mode="json", by_alias=True, exclude={"channels", "trigger_id"})
            for t in fired.triggers
        ],
    }
    return Output(data, OWN_DATA, now)


class RuleArgs(ToolArgs):
    symbol: Symbol
    condition: Condition
    threshold: float | None = Field(default=None, description="Required except for channel conditions")
    metadata: dict[str, Any] = Field(
        default_factory=dict,
        description="Rule options as POST /api/alerts takes them (indicator, formula...)",
    )


class AlertBacktestArgs(RuleArgs):
    days: int = Field(default=30, ge=1, le=365, description="Over the last N days of stored history")


async def _alert_backtest(ctx: Context, session: AsyncSession, args: AlertBacktestArgs) -> Output:
    now = utcnow()
    body = BacktestIn.model_validate(
        args.model_dump(by_alias=True, exclude={"days"})
        | {"from": now - timedelta(days=args.days), "to": now}
    )
    out = await alerts_reporting.backtest_rule(session, ctx.user, body)
    data = out.model_dump(mode="json", by_alias=True, exclude={"triggers"})
    data["firstTriggers"] = [t.model_dump(mode="json", by_alias=True) for t in out.triggers[:MAX_TRIGGERS]]
    return Output(data, "Cryptomon candles (stored history)", out.to)


class ProposeAlertArgs(RuleArgs):
    channels: list[str] = Field(default_factory=lambda: ["IN_APP"], min_length=1, max_length=6)
    frequency: Frequency = "ONCE"


async def _checked(ctx: Context, session: AsyncSession, args: ProposeAlertArgs) -> AlertIn:
    body = AlertIn.model_validate(args.model_dump(by_alias=True) | {"userId": ctx.user.id})
    await alerts_service.validate(session, ctx.notifier, ctx.user, body)
    return body


def _summary(body: AlertIn) -> str:
    level = "" if body.threshold is None else f" {body.threshold:g}"
    return f"{body.symbol} {body.condition}{level} via {', '.join(body.channels)}"


async def _propose_alert(ctx: Context, session: AsyncSession, args: ProposeAlertArgs) -> Output:
    body = await _checked(ctx, session, args)
    request = body.model_dump(mode="json", by_alias=True, exclude_defaults=True) | {
        "userId": ctx.user.id,
        "channels": body.channels,
    }
    summary = _summary(body)
    data = {"proposed": summary, "note": "Nothing is created until the user clicks the button"}
    return Output(
        data, "Cryptomon (a proposal)", utcnow(), {"kind": "ALERT", "summary": summary, "request": request}
    )


async def _create_alert(ctx: Context, session: AsyncSession, args: ProposeAlertArgs) -> Output:
    body = await _checked(ctx, session, args)
    runtime = ctx.runtime
    alert = await alerts_service.create(session, runtime.cache, runtime.bus, ctx.notifier, ctx.user, body)
    return Output({"created": _summary(body), "alertId": alert.id}, OWN_DATA, utcnow())


MY_ALERTS = AgentTool(
    name="my_alerts",
    description="The user's own alerts (rules, status, trigger counts) and their recent firings with the "
    "price, tick time and source of each: use it to explain why an alert fired.",
    args=MyAlertsArgs,
    run=_my_alerts,
)
ALERT_BACKTEST = AgentTool(
    name="alert_backtest",
    description="When an alert rule would have fired over stored history, and the price change 1h, 24h "
    "and 7d after each firing.",
    args=AlertBacktestArgs,
    run=_alert_backtest,
)
PROPOSE_ALERT = AgentTool(
    name="propose_alert",
    description="Check an alert rule and propose it to the user, who creates it with one click. Creates "
    "nothing.",
    args=ProposeAlertArgs,
    run=_propose_alert,
)
CREATE_ALERT = AgentTool(
    name="create_alert",
    description="Create an alert for the user (only when they asked for it to be created).",
    args=ProposeAlertArgs,
    run=_create_alert,
    writes=True,
)
