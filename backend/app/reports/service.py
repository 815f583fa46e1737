"""Report use cases: request one (a job makes the file), read, list, delete, download by signed link."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.backtesting import service as backtest_service
from app.core import files
from app.core.clock import utcnow
from app.core.errors import AppError, not_found
from app.core.numbering import add_numbered
from app.core.tasks import service as job_service
from app.market import service as market_service
from app.notifications import service as notification_service
from app.notifications.schemas import Delivery
from app.portfolio import reporting as portfolio_reporting
from app.reports import links
from app.reports.models import Report
from app.reports.schemas import (
    MARKET_TYPES,
    GenerateIn,
    GenerateOut,
    ReportOptions,
    ReportOut,
    SectionOut,
)
from app.reports.validation import check_options
from app.users.deps import ensure_can_act_for

if TYPE_CHECKING:
    from app.core.runtime import Runtime
    from app.users.schemas import Caller
    from app.users.service import User

GENERATING, READY, FAILED = "GENERATING", "READY", "FAILED"
# Seconds a report takes before any has been made of its kind: bench/reports.py measured a COMPREHENSIVE on
# two symbols at 1.1-1.6 s (PDF) and 0.2-0.35 s (XLSX, HTML) on 2 cores from the offline snapshots; live
# providers and a busy queue take longer.
FIRST_ESTIMATE = {"PDF": 5, "XLSX": 3, "HTML": 3, "CSV": 2, "JSON": 2}
log = logging.getLogger(__name__)


class Stored(Protocol):
    """A report or a schedule: both keep the report's fields the same way."""

    @property
    def options(self) -> dict[str, Any]: ...

    @property
    def report_type(self) -> str: ...

    @property
    def symbols(self) -> list[str]: ...

    @property
    def format(self) -> str: ...

    @property
    def delivery_channels(self) -> list[str] | None: ...


def options_of(row: Stored) -> ReportOptions:
    return ReportOptions.model_validate(
        {
            **row.options,
            "reportType": row.report_type,
            "symbols": row.symbols,
            "format": row.format,
            "deliveryChannels": row.delivery_channels or [],
        }
    )


def fields_of(row: Stored) -> dict[str, Any]:
    """ReportFields' values of a stored report or schedule."""
    options = options_of(row)
    return {
        "report_type": options.report_type,
        "format": options.format,
        "symbols": row.symbols,
        "include_fundamental": options.include_fundamental,
        "include_technical": options.include_technical,
        "include_sentiment": options.include_sentiment,
        "include_on_chain": bool(options.include_on_chain),
        "portfolio_id": options.portfolio_id,
        "backtest_id": options.backtest_id,
        "delivery_channels": row.delivery_channels or [],
    }


async def canonical(session: AsyncSession, options: ReportOptions) -> list[str]:
    """The symbols as the market knows them (422 naming `symbols` for an unknown one), without repeats."""
    if options.report_type not in MARKET_TYPES:
        return []
    found = [await market_service.resolve(session, symbol, field="symbols") for symbol in options.symbols]
    return list(dict.fromkeys(asset.symbol for asset in found))


async def check_owned(session: AsyncSession, owner: Caller, options: ReportOptions) -> None:
    """403 when the portfolio or backtest named is another user's, 404 when there is none (naming it)."""
    try:
        if options.report_type == "PORTFOLIO" and options.portfolio_id is not None:
            await portfolio_reporting.check_owner(session, owner, options.portfolio_id)
        if options.report_type == "BACKTEST" and options.backtest_id is not None:
            await backtest_service.check_owner(session, owner, options.backtest_id)
    except AppError as exc:
        field = "portfolioId" if options.report_type == "PORTFOLIO" else "backtestId"
        raise AppError(exc.code, exc.message, field=field) from exc


async def estimate(session: AsyncSession, user_id: int, report_type: str, format: str) -> int:
    """Seconds: the slowest of the user's last five reports of this type and format, else a first guess."""
    rows = await session.execute(
        select(Report.created_at, Report.generated_at)
        .where(
            Report.user_id == user_id,
            Report.report_type == report_type,
            Report.format == format,
            Report.status == READY,
        )
        .order_by(Report.id.desc())
        .limit(5)
    )
    taken = [(done - asked).total_seconds() for asked, done in rows if done is not None]
    return max(1, round(max(taken) * 1.2)) if taken else FIRST_ESTIMATE[format]


async def create(
    runtime: Runtime,
    session: AsyncSession,
    owner: Caller,
    options: ReportOptions,
    schedule_id: int | None = None,
) -> Report:
    """Check the request, store the report GENERATING and queue the job that makes it."""
    check_options(options)
    symbols = await canonical(session, options)
    await check_owned(session, owner, options)
    row = await insert(session, owner.id, options, symbols, schedule_id, GENERATING)
    job = await job_service.enqueue(
        runtime, session, "reports.generate", {"reportId": row.public_id}, user_id=owner.id
    )
    row.job_id = job.id
    return row


def stored_options(options: ReportOptions) -> dict[str, Any]:
    """The include flags and ids as a row keeps them (includeOnChain defaults to includeFundamental)."""
    stored = options.model_dump(
        mode="json",
        by_alias=True,
        include={
            "include_fundamental",
            "include_technical",
            "include_sentiment",
            "portfolio_id",
            "backtest_id",
        },
    )
    stored["includeOnChain"] = (
        options.include_fundamental if options.include_on_chain is None else options.include_on_chain
    )
    return stored


async def insert(
    session: AsyncSession,
    owner_id: int,
    options: ReportOptions,
    symbols: list[str],
    schedule_id: int | None,
    status: str,
) -> Report:
    """The report's row, numbered RPT-YYYYMMDD-NNN."""
    now = utcnow()
    stored = stored_options(options)
    return await add_numbered(
        session,
        Report.public_id,
        "RPT",
        now,
        lambda public_id: Report(
            public_id=public_id,
            user_id=owner_id,
            report_type=options.report_type,
            symbols=symbols,
            format=options.format,
            status=status,
            options=stored,
            delivery_channels=list(dict.fromkeys(options.delivery_channels)),
            progress=0.0,
            schedule_id=schedule_id,
            notification_ids=[],
            created_at=now,
        ),
    )


async def generate(runtime: Runtime, session: AsyncSession, caller: User, body: GenerateIn) -> GenerateOut:
    owner_id = caller.id if body.user_id is None else body.user_id
    ensure_can_act_for(caller, owner_id)
    owner = caller if owner_id == caller.id else await _user(session, owner_id)
    row = await create(runtime, session, owner, body)
    return GenerateOut(
        report_id=row.public_id,
        status=GENERATING,
        estimated_time=await estimate(session, owner_id, row.report_type, row.format),
        download_url=None,
        notification_sent=False,
    )


async def _user(session: AsyncSession, user_id: int) -> Caller:
    from app.users import service as user_service

    return await user_service.get_user(session, user_id)


def _notification_ids(row: Report) -> list[int]:
    return [int(i) for i in row.notification_ids or []]


def _taken(row: Report) -> int:
    """A finished report's estimatedTime: the seconds it took."""
    done = row.generated_at or row.created_at
    return max(1, round((done - row.created_at).total_seconds()))


async def to_out(runtime: Runtime, session: AsyncSession, row: Report) -> ReportOut:
    found = await notification_service.deliveries(session, _notification_ids(row))
    if row.status == GENERATING:
        estimated = await estimate(session, row.user_id, row.report_type, row.format)
    else:
        estimated = _taken(row)
    return _out(runtime, row, found, estimated)


def _out(runtime: Runtime, row: Report, found: dict[int, Delivery], estimated: int) -> ReportOut:
    deliveries = [found[i] for i in _notification_ids(row) if i in found]
    url = expires = None
    if row.status == READY and row.file_url:
        url, expires = links.link(runtime.settings, row.public_id, row.created_at, utcnow(), row.expires_at)
    return ReportOut(
        report_id=row.public_id,
        status=row.status,
        estimated_time=estimated,
        download_url=url,
        notification_sent=any(d.status == "DELIVERED" for d in deliveries),
        **fields_of(row),
        progress=1.0 if row.status == READY else row.progress,
        error=row.error,
        file_name=row.file_name if row.file_url else None,
        content_type=row.content_type,
        size_bytes=row.size_bytes,
        download_expires_at=expires,
        expires_at=row.expires_at,
        deliveries=deliveries,
        sections=[SectionOut.model_validate(s) for s in (row.content or {}).get("sections", [])],
        schedule_id=row.schedule_id,
        created_at=row.created_at,
        generated_at=row.generated_at,
    )


async def owned(session: AsyncSession, caller: Caller, public_id: str) -> Report:
    row = await session.scalar(select(Report).where(Report.public_id == public_id))
    if row is None or (row.user_id != caller.id and not caller.is_admin):
        raise not_found("Report", public_id)
    return row


async def get(runtime: Runtime, session: AsyncSession, caller: Caller, public_id: str) -> ReportOut:
    return await to_out(runtime, session, await owned(session, caller, public_id))


async def list_for(
    runtime: Runtime, session: AsyncSession, user_id: int, limit: int, offset: int
) -> tuple[list[ReportOut], int]:
    total = await session.scalar(select(func.count()).where(Report.user_id == user_id)) or 0
    rows = list(
        await session.scalars(
            select(Report)
            .where(Report.user_id == user_id)
            .order_by(Report.id.desc())
            .limit(limit)
            .offset(offset)
        )
    )
    found = await notification_service.deliveries(
        session, [i for row in rows for i in _notification_ids(row)]
    )
    return [
        _out(runtime, row, found, FIRST_ESTIMATE[row.format] if row.status == GENERATING else _taken(row))
        for row in rows
    ], total


async def delete(runtime: Runtime, session: AsyncSession, caller: Caller, public_id: str) -> None:
    """The report and its file; a job still making it stops when it finds the report gone."""
    row = await owned(session, caller, public_id)
    if row.file_url:
        await files.store_for(runtime.settings).delete(row.file_url)
    await session.delete(row)


async def download(
    runtime: Runtime, session: AsyncSession, public_id: str, expires: int, sig: str
) -> tuple[bytes, str, str]:
    """The file, its content type and name, for a link that `links.link` signed and that has not expired."""
    row = await session.scalar(select(Report).where(Report.public_id == public_id))
    if row is None:
        raise not_found("Report", public_id)
    links.check(runtime.settings, public_id, row.created_at, expires, sig, utcnow())
    if row.status != READY or not row.file_url:
        raise not_found("Report file", public_id)
    try:
        data = await files.store_for(runtime.settings).get(row.file_url)
    except FileNotFoundError as exc:
        raise not_found("Report file", public_id) from exc
    return data, row.content_type or "application/octet-stream", row.file_name or public_id


async def set_progress(runtime: Runtime, public_id: str, fraction: float) -> None:
    async with runtime.db.session() as session:
        await session.execute(
            update(Report)
            .where(Report.public_id == public_id, Report.status == GENERATING)
            .values(progress=round(fraction, 3))
        )


def retention_end(runtime: Runtime, now: datetime) -> datetime:
    return now + timedelta(days=runtime.settings.report_retention_days)
