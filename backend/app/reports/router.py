"""Routes: the seed's POST /api/reports/generate, the user's reports and their downloads, and schedules."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Response

from app.core.deps import DbSession, RuntimeDep
from app.core.envelope import ERROR_RESPONSES, Envelope, ok
from app.core.schemas import DbId
from app.reports import schedules, service
from app.reports.schemas import (
    GenerateIn,
    GenerateOut,
    ReportList,
    ReportOut,
    ScheduleIn,
    ScheduleList,
    ScheduleOut,
    SchedulePatch,
)
from app.users.deps import CurrentUser

router = APIRouter(prefix="/api/reports", tags=["reports"], responses=ERROR_RESPONSES)
ReportId = Annotated[str, Path(alias="reportId", pattern=r"^RPT-\d{8}-\d{3,}$", max_length=40)]
ScheduleId = Annotated[DbId, Path(alias="scheduleId")]


@router.post("/generate", response_model=Envelope[GenerateOut], status_code=202)
async def generate(
    body: GenerateIn, user: CurrentUser, runtime: RuntimeDep, session: DbSession
) -> Envelope[GenerateOut]:
    """The seed's request and response: the report is made by a job (poll GET /api/reports/{reportId}, or
    wait for ANALYSIS_COMPLETE on the WebSocket), then delivered on `deliveryChannels`."""
    return ok(await service.generate(runtime, session, user, body))


@router.get("", response_model=Envelope[ReportList])
async def list_reports(
    user: CurrentUser,
    runtime: RuntimeDep,
    session: DbSession,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Envelope[ReportList]:
    """Your reports, newest first (`count` is the total)."""
    reports, total = await service.list_for(runtime, session, user.id, limit, offset)
    return ok(ReportList(reports=reports, count=total))


@router.get("/schedules", response_model=Envelope[ScheduleList])
async def list_schedules(user: CurrentUser, session: DbSession) -> Envelope[ScheduleList]:
    found = await schedules.list_for(session, user.id)
    return ok(ScheduleList(schedules=found, count=len(found)))


@router.post("/schedules", response_model=Envelope[ScheduleOut], status_code=201)
async def create_schedule(body: ScheduleIn, user: CurrentUser, session: DbSession) -> Envelope[ScheduleOut]:
    """A report made DAILY, WEEKLY (weekday) or MONTHLY (dayOfMonth) at `hour` in `timezone` (default your
    preferences.timezone, else UTC)."""
    return ok(await schedules.create(session, user, body))


@router.patch("/schedules/{scheduleId}", response_model=Envelope[ScheduleOut])
async def pause_schedule(
    schedule_id: ScheduleId, body: SchedulePatch, user: CurrentUser, session: DbSession
) -> Envelope[ScheduleOut]:
    """Pause or resume (a resumed schedule next runs at its next time from now)."""
    return ok(await schedules.set_paused(session, user, schedule_id, body.paused))


@router.delete("/schedules/{scheduleId}", status_code=204)
async def delete_schedule(schedule_id: ScheduleId, user: CurrentUser, session: DbSession) -> Response:
    await schedules.delete(session, user, schedule_id)
    return Response(status_code=204)


@router.get("/{reportId}", response_model=Envelope[ReportOut])
async def get_report(
    report_id: ReportId, user: CurrentUser, runtime: RuntimeDep, session: DbSession
) -> Envelope[ReportOut]:
    """Status (GENERATING -> READY or FAILED; EXPIRED once the file is removed), progress, the signed
    downloadUrl while READY, and each delivery."""
    return ok(await service.get(runtime, session, user, report_id))


@router.delete("/{reportId}", status_code=204)
async def delete_report(
    report_id: ReportId, user: CurrentUser, runtime: RuntimeDep, session: DbSession
) -> Response:
    await service.delete(runtime, session, user, report_id)
    return Response(status_code=204)


@router.get(
    "/{reportId}/download",
    response_class=Response,
    responses={200: {"description": "The file", "content": {"application/octet-stream": {}}}},
)
async def download(
    report_id: ReportId,
    runtime: RuntimeDep,
    session: DbSession,
    expires: Annotated[int, Query(ge=0, le=2**40)],
    sig: Annotated[str, Query(min_length=1, max_length=64)],
) -> Response:
    """The file, for a signed link from `downloadUrl` (no sign-in): 410 LINK_EXPIRED once it has expired."""
    data, content_type, name = await service.download(runtime, session, report_id, expires, sig)
    return Response(
        data,
        media_type=content_type,
        headers={
            "Content-Disposition": f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}",
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
