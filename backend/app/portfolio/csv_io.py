"""Transactions as CSV: an idempotent import naming every bad row by line, and an export that round-trips."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.bus import Bus
from app.core.cache import Cache
from app.core.clock import isoformat_z, utcnow
from app.core.errors import AppError, ErrorCode
from app.portfolio import holdings, repository, service, snapshots
from app.portfolio.models import PortfolioTransaction
from app.portfolio.schemas import ImportOut, RowError, TransactionIn
from app.users.schemas import Caller

COLUMNS = ("kind", "symbol", "quantity", "price", "fee", "executedAt", "externalId", "note")
REQUIRED = ("kind", "symbol", "quantity", "price", "executedAt")
MAX_ROWS = 100_000
Content = tuple[str, str, str, str, str, str]  # kind, symbol, quantity, price, fee, executedAt


def _content(row: PortfolioTransaction) -> Content:
    return (
        row.kind,
        row.symbol,
        str(row.quantity),
        str(row.price),
        str(row.fee),
        isoformat_z(row.executed_at),
    )


@dataclass(slots=True)
class _Parsed:
    line: int
    body: TransactionIn


def _rows(text: str) -> tuple[list[tuple[int, dict[str, str]]], list[RowError]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in header]
    unknown = [h for h in header if h not in COLUMNS]
    if missing or unknown:
        problem = f"missing {', '.join(missing)}" if missing else f"unknown {', '.join(unknown)}"
        raise AppError(
            ErrorCode.VALIDATION_ERROR,
            f"line 1: the header must name the columns {', '.join(COLUMNS)} (optional: fee, externalId, "
            f"note); {problem}",
            field="csv",
        )
    rows, errors = [], []
    for number, record in enumerate(reader, start=2):
        values = {k.strip(): (v or "").strip() for k, v in record.items() if k is not None}
        if None in record:
            errors.append(RowError(line=number, field="csv", message="more values than columns"))
        elif any(values.values()):
            rows.append((number, values))
    if len(rows) > MAX_ROWS:
        raise AppError(ErrorCode.VALIDATION_ERROR, f"at most {MAX_ROWS:,} rows per import", field="csv")
    return rows, errors


async def _parse(session: AsyncSession, text: str) -> tuple[list[_Parsed], list[RowError]]:
    rows, errors = _rows(text)
    parsed = []
    for line, values in rows:
        fields = {k: v for k, v in values.items() if v != ""}
        try:
            body = TransactionIn.model_validate({**fields, "kind": fields.get("kind", "").upper()})
            body.symbol = await service.canonical_symbol(session, body.symbol, "symbol")
            service.not_future(body.executed_at, "executedAt")
        except ValidationError as error:
            first = error.errors()[0]
            field = ".".join(str(p) for p in first["loc"]) or "csv"
            errors.append(RowError(line=line, field=field, message=first["msg"]))
            continue
        except AppError as error:
            errors.append(RowError(line=line, field=error.field or "csv", message=error.message))
            continue
        parsed.append(_Parsed(line, body))
    return parsed, errors


def _refused(errors: list[RowError]) -> AppError:
    return AppError(
        ErrorCode.VALIDATION_ERROR,
        f"{len(errors)} bad row(s): nothing was imported (send partial: true to import the good ones)",
        field="csv",
        details=[{"field": "csv", "message": f"line {e.line} ({e.field}): {e.message}"} for e in errors],
    )


async def import_csv(
    session: AsyncSession, cache: Cache, bus: Bus, caller: Caller, portfolio_id: int, text: str, partial: bool
) -> ImportOut:
    """Rows already recorded (same externalId, or the same kind, symbol, quantity, price, fee and time) are
    skipped and counted; with any bad row nothing is imported unless `partial`."""
    row = await service.owned(session, caller, portfolio_id, for_update=True)
    parsed, errors = await _parse(session, text)
    if errors and not partial:
        raise _refused(errors)
    existing = await repository.transactions_of(session, portfolio_id)
    seen_ids = {t.external_id for t in existing if t.external_id}
    seen = {_content(t) for t in existing}
    added: dict[int, int] = {}  # id(row) -> line
    days: set[date] = set()  # whose snapshots the rows added change
    skipped = 0
    now = utcnow()
    for item in parsed:
        body = item.body
        candidate = PortfolioTransaction(
            portfolio_id=portfolio_id,
            kind=body.kind,
            symbol=body.symbol,
            quantity=body.quantity,
            price=body.price,
            fee=body.fee,
            executed_at=body.executed_at,
            external_id=body.external_id,
            note=body.note,
            created_at=now,
        )
        if (body.external_id and body.external_id in seen_ids) or _content(candidate) in seen:
            skipped += 1
            continue
        seen.add(_content(candidate))
        if body.external_id:
            seen_ids.add(body.external_id)
        session.add(candidate)
        added[id(candidate)] = item.line
        days.add(snapshots.day_of(body.executed_at))
    try:
        await holdings.rederive(session, portfolio_id)
        await snapshots.refresh(session, portfolio_id, days)
    except holdings.RejectedTransaction as rejected:
        line = added.get(id(rejected.row))
        where = f"line {line}" if line else f"transaction {rejected.row.id}"
        raise AppError(
            ErrorCode.VALIDATION_ERROR, f"{where}: {rejected.message}; nothing was imported", field="csv"
        ) from None
    if added:
        await service.changed(session, cache, bus, row)
    return ImportOut(imported=len(added), skipped=skipped, errors=errors)


async def export_csv(session: AsyncSession, caller: Caller, portfolio_id: int) -> str:
    await service.owned(session, caller, portfolio_id)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for t in await repository.transactions_of(session, portfolio_id):
        writer.writerow([*_content(t), t.external_id or "", t.note or ""])
    return out.getvalue()
