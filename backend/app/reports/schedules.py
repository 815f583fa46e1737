"""Report schedules: create, list, pause, delete; and the pass that starts the reports that are due."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from sqlalchemy import select, update

from app.core.clock import utcnow
from app.core.errors import AppError, not_found
from app.reports import production, service
from app.reports.cadence import Cadence, next_run
from app.reports.models import ReportSchedule
from app.reports.schemas import ScheduleIn, ScheduleOut
from app.reports.service import FAILED
from app.reports.validation import check_options, check_schedule
from app.users import service as user_service

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from app.core.runtime import Runtime
    from app.users.service import User

MAX_PER_PASS = 200
log = logging.getLogger(__name__)


def cadence_of(row: ReportSchedule) -> Cadence:
    return Cadence(row.cadence, row.hour, row.timezone, row.weekday, row.day_of_month)


def to_out(row: ReportSchedule) -> ScheduleOut:
    return ScheduleOut(
        schedule_id=row.id,
        name=row.name,
        **service.fields_of(row),
        cadence=row.cadence,
        weekday=row.weekday,
        day_of_month=row.day_of_month,
        hour=row.hour,
        timezone=row.timezone,
        paused=row.paused,
        next_run_at=row.next_run_at,
        last_run_at=row.last_run_at,
        last_report_id=row.last_report_id,
        created_at=row.created_at,
    )


def _zone(user: User, asked: str | None) -> str:
    """The schedule's own zone (checked by its schema), else the owner's preferences.timezone, else UTC."""
    return str(asked or (user.preferences or {}).get("timezone") or "UTC")


def _name(body: ScheduleIn) -> str:
    about = ", ".join(body.symbols[:3]) + ("…" if len(body.symbols) > 3 else "")
    return body.name or f"{body.cadence.title()} {body.report_type.lower()} {body.format}" + (
        f" ({about})" if about else ""
    )


async def create(session: AsyncSession, user: User, body: ScheduleIn) -> ScheduleOut:
    check_options(body)
    check_schedule(body.report_type, body.cadence, body.weekday, body.day_of_month)
    await service.check_owned(session, user, body)
    symbols = await service.canonical(session, body)
    options = service.stored_options(body)
    now = utcnow()
    row = ReportSchedule(
        user_id=user.id,
        name=_name(body),
        report_type=body.report_type,
        symbols=symbols,
        format=body.format,
        delivery_channels=list(dict.fromkeys(body.delivery_channels)),
        options=options,
        cadence=body.cadence,
        weekday=body.weekday if body.cadence == "WEEKLY" else None,
        day_of_month=body.day_of_month if body.cadence == "MONTHLY" else None,
        hour=body.hour,
        timezone=_zone(user, body.timezone),
        paused=False,
        created_at=now,
    )
    row.next_run_at = next_run(cadence_of(row), now)
    session.add(row)
    await session.flush()
    return to_out(row)


async def owned(session: AsyncSession, user: User, schedule_id: int) -> ReportSchedule:
    row = await session.get(ReportSchedule, schedule_id)
    if row is None or (row.user_id != user.id and not user.is_admin):
        raise not_found("Report schedule", schedule_id)
    return row


async def list_for(session: AsyncSession, user_id: int) -> list[ScheduleOut]:
    rows = await session.scalars(
        select(ReportSchedule).where(ReportSchedule.user_id == user_id).order_by(ReportSchedule.id)
    )
    return [to_out(row) for row in rows]


async def set_paused(session: AsyncSession, user: User, schedule_id: int, paused: bool) -> ScheduleOut:
    """Pause or resume; a resumed schedule runs at its next time from now (what it missed is not run)."""
    row = await owned(session, user, schedule_id)
    if row.paused and not paused:
        row.next_run_at = next_run(cadence_of(row), utcnow())
    row.paused = paused
    return to_out(row)


async def delete(session: AsyncSession, user: User, schedule_id: int) -> None:
    await session.delete(await owned(session, user, schedule_id))


async def run_due(runtime: Runtime) -> list[str]:
    """Start every schedule whose time has come: once, however many runs it missed while the server was
    down (the next time is computed from now), and once across processes (compare-and-set on next_run_at)."""
    now = utcnow()
    started: list[str] = []
    async with runtime.db.session() as session:
        due = list(
            await session.scalars(
                select(ReportSchedule)
                .where(ReportSchedule.paused.is_(False), ReportSchedule.next_run_at <= now)
                .order_by(ReportSchedule.next_run_at)
                .limit(MAX_PER_PASS)
            )
        )
    for schedule in due:
        try:
            report_id = await _start(runtime, schedule)
        except Exception:
            log.exception("scheduled report %s could not start", schedule.id)
            continue
        if report_id is not None:
            started.append(report_id)
    return started


async def _start(runtime: Runtime, schedule: ReportSchedule) -> str | None:
    async with runtime.db.session() as session:
        claimed = await session.execute(
            update(ReportSchedule)
            .where(ReportSchedule.id == schedule.id, ReportSchedule.next_run_at == schedule.next_run_at)
            .values(next_run_at=next_run(cadence_of(schedule), utcnow()), last_run_at=utcnow())
        )
        if getattr(claimed, "rowcount", 0) != 1:  # another process took it, or it changed
            return None
        owner = await user_service.get_user(session, schedule.user_id)
        options = service.options_of(schedule)
        try:
            async with session.begin_nested():
                report = await service.create(runtime, session, owner, options, schedule_id=schedule.id)
        except (
            AppError
        ) as exc:  # e.g. its portfolio was deleted: this run fails and is told; the schedule stays
            report = await service.insert(session, owner.id, options, schedule.symbols, schedule.id, FAILED)
            reason = f"the scheduled report could not start: {exc.message}"
            await production.fail(runtime, session, report, reason)
        await session.execute(
            update(ReportSchedule)
            .where(ReportSchedule.id == schedule.id)
            .values(last_report_id=report.public_id)
        )
        return report.public_id
