"""Routes: the seed's POST /api/alerts and GET /api/alerts/{userId}, and one alert's read/change/pause/
resume/delete by its owner."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from app.alerts import backtest, history, service
from app.alerts.schemas import (
    AlertBacktestOut,
    AlertHistory,
    AlertIn,
    AlertList,
    AlertMetrics,
    AlertOut,
    AlertPatch,
    BacktestIn,
    Status,
)
from app.core.cached_json import cached_json_ok
from app.core.deps import DbSession, RuntimeDep
from app.core.envelope import ERROR_RESPONSES, Envelope, ok
from app.core.schemas import DbId
from app.notifications.deps import NotifierDep
from app.users import service as user_service
from app.users.deps import CurrentUser, OwnUserId, ensure_can_act_for

router = APIRouter(prefix="/api/alerts", tags=["alerts"], responses=ERROR_RESPONSES)
AlertId = Annotated[DbId, Path(alias="alertId")]


@router.post("", response_model=Envelope[AlertOut], status_code=201)
async def create_alert(
    body: AlertIn,
    caller: CurrentUser,
    runtime: RuntimeDep,
    session: DbSession,
    notifier: NotifierDep,
) -> Envelope[AlertOut]:
    """The seed's request; the rule is armed from the current price and evaluated on every accepted tick."""
    ensure_can_act_for(caller, body.user_id)
    owner = caller if caller.id == body.user_id else await user_service.get_user(session, body.user_id)
    alert = await service.create(session, runtime.cache, runtime.bus, notifier, owner, body)
    return ok(service.to_out(alert))


@router.post("/backtest", response_model=Envelope[AlertBacktestOut])
async def backtest_alert(
    body: BacktestIn, caller: CurrentUser, session: DbSession
) -> Envelope[AlertBacktestOut]:
    """Run a rule over stored history with the engine's evaluator: when it would have fired, and the price
    change 1h, 24h and 7d after each firing (`returns`, fractions), summarised per horizon."""
    return ok(await backtest.run(session, caller, body))


@router.get("/{userId}", response_model=Envelope[AlertList])
async def list_alerts(
    user_id: OwnUserId,
    session: DbSession,
    runtime: RuntimeDep,
    request: Request,
    status: Annotated[Status | None, Query()] = None,
    symbol: Annotated[str | None, Query(max_length=30)] = None,
    from_: Annotated[datetime | None, Query(alias="from", description="Created at or after")] = None,
    to: Annotated[datetime | None, Query(description="Created before")] = None,
) -> Response:
    """The seed's list: `alerts` (newest first), `total` matching, `active` of all the user's alerts."""
    page = await service.listed_json(session, runtime.cache, user_id, status, symbol, from_, to)
    return cached_json_ok(page, request.headers.get("accept-encoding", ""))


@router.get("/{userId}/history", response_model=Envelope[AlertHistory])
async def alert_history(
    user_id: OwnUserId,
    session: DbSession,
    alert_id: Annotated[DbId | None, Query(alias="alertId")] = None,
    from_: Annotated[datetime | None, Query(alias="from", description="Fired at or after")] = None,
    to: Annotated[datetime | None, Query(description="Fired before")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Envelope[AlertHistory]:
    """Each trigger, newest first: price, tick time and source, and each channel's delivery and latency."""
    return ok(await history.history(session, user_id, alert_id, from_, to, limit))


@router.get("/{userId}/metrics", response_model=Envelope[AlertMetrics])
async def alert_metrics(
    user_id: OwnUserId,
    session: DbSession,
    from_: Annotated[datetime | None, Query(alias="from")] = None,
    to: Annotated[datetime | None, Query()] = None,
) -> Envelope[AlertMetrics]:
    """Trigger counts, delivery success rate and p50/p99 latency per channel, and accuracy: the share of
    triggers after which the price had moved further the alert's way 1h and 24h later."""
    return ok(await history.metrics(session, user_id, from_, to))


@router.get("/{userId}/{alertId}", response_model=Envelope[AlertOut])
async def get_alert(
    user_id: OwnUserId, alert_id: AlertId, session: DbSession, runtime: RuntimeDep
) -> Envelope[AlertOut]:
    alert = await service.get(session, user_id, alert_id)
    return ok(service.to_out(alert, (await service.readings_of(runtime.cache, [alert])).get(alert.id)))


@router.patch("/{userId}/{alertId}", response_model=Envelope[AlertOut])
async def update_alert(
    user_id: OwnUserId,
    alert_id: AlertId,
    body: AlertPatch,
    runtime: RuntimeDep,
    session: DbSession,
    notifier: NotifierDep,
) -> Envelope[AlertOut]:
    alert = await service.get(session, user_id, alert_id)
    owner = await user_service.get_user(session, user_id)
    updated = await service.update(session, runtime.cache, runtime.bus, notifier, owner, alert, body)
    return ok(service.to_out(updated))


async def _set_status(
    runtime: RuntimeDep, session: DbSession, user_id: int, alert_id: int, status: str
) -> Envelope[AlertOut]:
    alert = await service.get(session, user_id, alert_id)
    return ok(service.to_out(await service.set_status(session, runtime.cache, runtime.bus, alert, status)))


@router.post("/{userId}/{alertId}/pause", response_model=Envelope[AlertOut])
async def pause_alert(
    user_id: OwnUserId, alert_id: AlertId, runtime: RuntimeDep, session: DbSession
) -> Envelope[AlertOut]:
    """Stop evaluating an ACTIVE alert (409 otherwise)."""
    return await _set_status(runtime, session, user_id, alert_id, service.PAUSED)


@router.post("/{userId}/{alertId}/resume", response_model=Envelope[AlertOut])
async def resume_alert(
    user_id: OwnUserId, alert_id: AlertId, runtime: RuntimeDep, session: DbSession
) -> Envelope[AlertOut]:
    """Evaluate a PAUSED or TRIGGERED alert again, armed from the current price (409 otherwise)."""
    return await _set_status(runtime, session, user_id, alert_id, service.ACTIVE)


@router.delete("/{userId}/{alertId}", status_code=204)
async def delete_alert(
    user_id: OwnUserId, alert_id: AlertId, runtime: RuntimeDep, session: DbSession
) -> Response:
    await service.delete(session, runtime.cache, runtime.bus, await service.get(session, user_id, alert_id))
    return Response(status_code=204)
