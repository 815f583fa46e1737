"""The job's work: build the document, render the file, keep it, deliver it and tell the owner; and upkeep
(reports stuck GENERATING are failed, files past retention removed)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import files
from app.core.clock import utcnow
from app.core.errors import AppError
from app.notifications import service as notification_service
from app.notifications.schemas import Attachment, Message
from app.realtime import service as realtime_service
from app.reports import generator, links
from app.reports.exporters import EXPORTERS
from app.reports.models import Report
from app.reports.service import FAILED, GENERATING, READY, options_of, retention_end, set_progress
from app.users import service as user_service

if TYPE_CHECKING:
    from app.core.runtime import Runtime

ANALYSIS_COMPLETE = "ANALYSIS_COMPLETE"
EXPIRED = "EXPIRED"
log = logging.getLogger(__name__)
JobProgress = Callable[[float, str | None], Awaitable[None]]


def file_name(row: Report, extension: str) -> str:
    return f"cryptomon-{row.report_type.lower()}-{row.public_id}.{extension}"


def _request(row: Report, prepared_for: str) -> generator.Request:
    options = options_of(row)
    return generator.Request(
        report_id=row.public_id,
        report_type=row.report_type,
        symbols=list(row.symbols),
        include_fundamental=options.include_fundamental,
        include_technical=options.include_technical,
        include_sentiment=options.include_sentiment,
        include_on_chain=bool(options.include_on_chain),
        portfolio_id=options.portfolio_id,
        backtest_id=options.backtest_id,
        prepared_for=prepared_for,
    )


async def produce(runtime: Runtime, public_id: str, job_progress: JobProgress) -> str:
    """Make a GENERATING report's file; the status it ends in (READY, FAILED, or gone)."""

    async def progress(fraction: float, message: str) -> None:
        await job_progress(fraction, message)
        await set_progress(runtime, public_id, fraction)

    async with runtime.db.session() as session:
        row = await session.scalar(select(Report).where(Report.public_id == public_id))
        if row is None or row.status != GENERATING:
            return row.status if row else "GONE"
        owner = await user_service.get_user(session, row.user_id)
        request = _request(row, owner.display_name or owner.email)
        fmt = row.format
        exporter = EXPORTERS[fmt]
        name = file_name(row, exporter.extension)
        key = f"{row.user_id}/{name}"
        try:
            document = await generator.build(runtime, session, owner, request, progress)
        except AppError as exc:
            return await _fail(runtime, public_id, exc.message)
        except Exception as exc:
            log.exception("report %s could not be built", public_id)
            return await _fail(runtime, public_id, f"could not build the report: {type(exc).__name__}: {exc}")
    try:
        data = await generator.render(document, fmt)
        await progress(0.85, "rendered")
        await files.store_for(runtime.settings).put(key, data, exporter.content_type)
    except Exception as exc:
        log.exception("report %s could not be rendered or stored", public_id)
        return await _fail(runtime, public_id, f"could not write the file: {type(exc).__name__}: {exc}")
    summary = {
        "title": document.title,
        "symbols": document.symbols,
        "sections": [{"key": s.key, "title": s.title} for s in document.sections],
    }
    return await _finish(runtime, public_id, key, name, exporter.content_type, len(data), summary)


async def _finish(
    runtime: Runtime,
    public_id: str,
    key: str,
    name: str,
    content_type: str,
    size: int,
    summary: dict[str, Any],
) -> str:
    async with runtime.db.session() as session:
        row = await session.scalar(select(Report).where(Report.public_id == public_id).with_for_update())
        if row is None:  # deleted while it was being made
            await files.store_for(runtime.settings).delete(key)
            return "GONE"
        now = utcnow()
        row.status, row.progress, row.error = READY, 1.0, None
        row.file_url, row.file_name, row.content_type, row.size_bytes = key, name, content_type, size
        row.content, row.generated_at, row.expires_at = summary, now, retention_end(runtime, now)
        row.symbols = summary["symbols"]  # a portfolio's or run's, known once it is read
        path, _ = links.link(runtime.settings, public_id, row.created_at, now, row.expires_at)
        fields = {
            "reportId": public_id,
            "status": READY,
            "reportType": row.report_type,
            "format": row.format,
            "downloadUrl": path,
            "url": f"/api/reports/{public_id}",
        }
        message = _ready_message(runtime, row, links.absolute(runtime.settings, path), fields)
        await _tell(runtime, session, row, message, fields)
        return READY


def _size(size: int) -> str:
    return f"{size / 1024:,.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:,.1f} MB"


def _ready_message(runtime: Runtime, row: Report, url: str, fields: dict[str, Any]) -> Message:
    settings = runtime.settings
    size = row.size_bytes or 0
    attached = size <= settings.report_email_attach_bytes
    about = ", ".join(row.symbols) or row.report_type.lower()
    return Message(
        title=f"Your {row.report_type.lower()} report is ready",
        body=f"{row.public_id} ({about}) is ready as {row.format}"
        + (" and attached to this email." if attached else ". Download it from the link."),
        fields={
            "Report": row.public_id,
            "Format": row.format,
            "Size": _size(size),
            "Link works until": f"{utcnow() + timedelta(seconds=settings.report_link_seconds):%Y-%m-%d %H:%M}"
            " UTC",
        },
        url=url,
        event={"type": ANALYSIS_COMPLETE, **fields},
        attachment=Attachment(
            key=row.file_url or "",
            filename=row.file_name or row.public_id,
            content_type=row.content_type or "application/octet-stream",
            size=size,
            max_bytes=settings.report_email_attach_bytes,
        ),
    )


async def _fail(runtime: Runtime, public_id: str, reason: str) -> str:
    """FAILED with its reason, told to the owner live and on the report's channels."""
    async with runtime.db.session() as session:
        row = await session.scalar(select(Report).where(Report.public_id == public_id).with_for_update())
        if row is None or row.status != GENERATING:
            return row.status if row else "GONE"
        await fail(runtime, session, row, reason)
        return FAILED


async def fail(runtime: Runtime, session: AsyncSession, row: Report, reason: str) -> None:
    row.status, row.error = FAILED, reason[:1000]
    fields = {
        "reportId": row.public_id,
        "status": FAILED,
        "reportType": row.report_type,
        "format": row.format,
        "error": row.error,
        "url": f"/api/reports/{row.public_id}",
    }
    message = Message(
        title=f"Your {row.report_type.lower()} report failed",
        body=f"{row.public_id} could not be made: {row.error}",
        fields={"Report": row.public_id, "Format": row.format},
        url=links.absolute(runtime.settings, "/reports"),
        event={"type": ANALYSIS_COMPLETE, **fields},
    )
    await _tell(runtime, session, row, message, fields)


async def _tell(
    runtime: Runtime, session: AsyncSession, row: Report, message: Message, fields: dict[str, Any]
) -> None:
    """The report's channels through the outbox, and ANALYSIS_COMPLETE to its owner: by the IN_APP delivery
    when IN_APP is one of them (once, durable), else at once."""
    channels = row.delivery_channels or []
    if channels:
        ids = await notification_service.send(session, runtime.bus, row.user_id, channels, message)
        row.notification_ids = [str(i) for i in ids]
    if "IN_APP" not in channels:
        await realtime_service.emit_user_event(session, runtime.bus, row.user_id, ANALYSIS_COMPLETE, fields)


async def fail_stuck(runtime: Runtime) -> list[str]:
    """The watchdog: a report GENERATING longer than `report_stuck_minutes` (its worker was lost, or the job
    never ran) is FAILED, and its owner told."""
    cutoff = utcnow() - timedelta(minutes=runtime.settings.report_stuck_minutes)
    async with runtime.db.session() as session:
        rows = list(
            await session.scalars(
                select(Report)
                .where(Report.status == GENERATING, Report.created_at < cutoff)
                .limit(500)
                .with_for_update(skip_locked=True)
            )
        )
        minutes = runtime.settings.report_stuck_minutes
        for row in rows:
            await fail(runtime, session, row, f"not finished within {minutes:g} minutes; generate it again")
        return [row.public_id for row in rows]


async def remove_expired(runtime: Runtime) -> list[str]:
    """Retention: files kept longer than `report_retention_days` are removed and their links cleared."""
    store = files.store_for(runtime.settings)
    async with runtime.db.session() as session:
        rows = list(
            await session.scalars(
                select(Report)
                .where(Report.status == READY, Report.expires_at <= utcnow())
                .limit(500)
                .with_for_update(skip_locked=True)
            )
        )
        for row in rows:
            if row.file_url:
                await store.delete(row.file_url)
            row.status, row.file_url = EXPIRED, None
        return [row.public_id for row in rows]
