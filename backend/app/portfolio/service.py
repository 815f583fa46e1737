"""Portfolio use cases: create, read, change and delete portfolios; record and correct their transactions."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.alerts import service as alerts_service
from app.alerts.schemas import AlertOut, PortfolioAlertIn
from app.core.bus import Bus
from app.core.bus import messages as bus_messages
from app.core.bus.messages import PortfolioChanged
from app.core.cache import Cache
from app.core.clock import utcnow
from app.core.db import after_commit
from app.core.errors import AppError, ErrorCode, forbidden, not_found
from app.market import service as market_service
from app.notifications.service import Notifier
from app.portfolio import daily_closes, holdings, repository, snapshots, valuation
from app.portfolio.models import Portfolio, PortfolioTransaction
from app.portfolio.schemas import (
    PortfolioCreated,
    PortfolioIn,
    PortfolioOut,
    PortfolioPatch,
    PositionIn,
    PositionOut,
    TransactionIn,
    TransactionOut,
    TransactionPage,
    TransactionPatch,
)
from app.realtime import service as realtime_service
from app.users import service as user_service
from app.users.schemas import Caller
from app.users.service import User

DEFAULT_BANDS = {"LOW": Decimal("0.03"), "MEDIUM": Decimal("0.05"), "HIGH": Decimal("0.10")}


def band_of(row: Portfolio) -> Decimal:
    """The allowed |allocation - target| before rebalancing is due: its own, else its risk profile's."""
    return row.band if row.band is not None else DEFAULT_BANDS[row.risk_profile]


def targets_of(row: Portfolio) -> dict[str, Decimal]:
    return {symbol: Decimal(str(weight)) for symbol, weight in row.target_allocations.items()}


async def canonical_symbol(session: AsyncSession, symbol: str, field: str) -> str:
    """A listed symbol in its canonical form, or USD (cash)."""
    if symbol.strip().upper() == "USD":
        return "USD"
    return (await market_service.resolve(session, symbol, field=field)).symbol


async def _targets(session: AsyncSession, targets: dict[str, Decimal]) -> dict[str, str]:
    out: dict[str, str] = {}
    for symbol, weight in targets.items():
        canonical = await canonical_symbol(session, symbol, "targetAllocations")
        if canonical in out:
            raise AppError(
                ErrorCode.VALIDATION_ERROR,
                f"{symbol} and another key both name {canonical}",
                field="targetAllocations",
            )
        out[canonical] = str(weight)  # JSON keeps the exact decimal text
    return out


def not_future(at: datetime, field: str) -> datetime:
    if at > utcnow():
        raise AppError(ErrorCode.VALIDATION_ERROR, f"{field} is in the future", field=field)
    return at


async def owned(
    session: AsyncSession, caller: Caller, portfolio_id: int, *, for_update: bool = False
) -> Portfolio:
    """The portfolio if the caller owns it (or is an admin): 404 when there is none, 403 if another's."""
    row = await repository.portfolio(session, portfolio_id, for_update=for_update)
    if row is None:
        raise not_found("Portfolio", portfolio_id)
    if row.user_id != caller.id and not caller.is_admin:
        raise forbidden(f"Portfolio {portfolio_id} is not yours")
    return row


# Every new portfolio watches its allocation (the seed's "risk alerts for allocation deviations"): IN_APP,
# each time a weight leaves the band, at most hourly.
DEFAULT_ALERT = PortfolioAlertIn.model_validate(
    {"condition": "ALLOCATION_DRIFT", "channels": ["IN_APP"], "cooldownSeconds": 3600}
)


async def create(
    session: AsyncSession, cache: Cache, bus: Bus, notifier: Notifier, owner: User, body: PortfolioIn
) -> PortfolioCreated:
    owner_id = owner.id
    row = Portfolio(
        user_id=owner_id,
        name=body.name,
        risk_profile=body.risk_profile,
        target_allocations=await _targets(session, body.target_allocations),
        band=body.band,
        created_at=utcnow(),
    )
    session.add(row)
    await session.flush()
    await alerts_service.create_portfolio_alert(
        session, cache, bus, notifier, owner, row.id, None, DEFAULT_ALERT
    )
    return PortfolioCreated(
        portfolio_id=row.id,
        name=row.name,
        risk_profile=body.risk_profile,
        current_value=Decimal(0),
        positions=[],
        created_at=row.created_at,
        target_allocations=targets_of(row),
        band=band_of(row),
    )


async def _out(
    session: AsyncSession, cache: Cache, rows: list[Portfolio], *, day_change: bool = True
) -> list[PortfolioOut]:
    """The portfolios valued now (`day_change` False: without the day's change, which reads daily closes)."""
    positions = await repository.positions_of(session, [r.id for r in rows])
    held = {p.symbol for p in positions if p.quantity > 0}
    priced = await valuation.prices(session, cache, held)
    closes = await daily_closes.last_closes(session, held, utcnow().date()) if day_change else {}
    outs = []
    for row in rows:
        valued = valuation.value([p for p in positions if p.portfolio_id == row.id], priced)
        moved, moved_percent = valuation.day_change(valued, closes)
        deviation = valuation.deviations(valued.weights, targets_of(row))
        largest = max((abs(d) for d in deviation.values()), default=0.0) if valued.total_value else 0.0
        outs.append(
            PortfolioOut(
                portfolio_id=row.id,
                user_id=row.user_id,
                name=row.name,
                risk_profile=row.risk_profile,
                current_value=valued.total_value,
                positions=valued.positions,
                created_at=row.created_at,
                updated_at=row.updated_at,
                target_allocations=targets_of(row),
                band=band_of(row),
                band_is_default=row.band is None,
                total_cost=valued.total_cost,
                total_pnl=valuation.total_pnl(valued),
                realised_pnl=valued.realised,
                unrealised_pnl=valued.unrealised,
                max_deviation=largest,
                rebalancing_needed=bool(row.target_allocations) and largest > float(band_of(row)),
                day_change=moved,
                day_change_percent=moved_percent,
                warnings=[f"{s} has no price yet: its value is not counted" for s in valued.unpriced],
            )
        )
    return outs


async def list_of(session: AsyncSession, cache: Cache, user_id: int) -> list[PortfolioOut]:
    """The user's portfolios, oldest first, each valued now."""
    return await _out(session, cache, await repository.portfolios_of(session, user_id))


async def held_symbols(session: AsyncSession, user_id: int) -> set[str]:
    """The symbols the user holds (a quantity above zero) in any of their portfolios."""
    return (await holdings_of(session, [user_id])).get(user_id, set())


async def holdings_of(session: AsyncSession, user_ids: Collection[int]) -> dict[int, set[str]]:
    """Each of these users who has a portfolio, with the symbols they hold in any of them (two queries)."""
    query = select(Portfolio.id, Portfolio.user_id).where(Portfolio.user_id.in_(user_ids))
    owners: dict[int, int] = {portfolio_id: user_id for portfolio_id, user_id in await session.execute(query)}
    held: dict[int, set[str]] = {user_id: set() for user_id in owners.values()}
    for position in await repository.positions_of(session, list(owners)):
        if position.quantity > 0:
            held[owners[position.portfolio_id]].add(position.symbol)
    return held


async def get(session: AsyncSession, cache: Cache, caller: Caller, portfolio_id: int) -> PortfolioOut:
    [out] = await _out(session, cache, [await owned(session, caller, portfolio_id)])
    return out


async def update(
    session: AsyncSession, cache: Cache, bus: Bus, caller: Caller, portfolio_id: int, body: PortfolioPatch
) -> PortfolioOut:
    row = await owned(session, caller, portfolio_id, for_update=True)
    sent = body.model_fields_set
    if "name" in sent and body.name is not None:
        row.name = body.name
    if "risk_profile" in sent and body.risk_profile is not None:
        row.risk_profile = body.risk_profile
    if "target_allocations" in sent and body.target_allocations is not None:
        row.target_allocations = await _targets(session, body.target_allocations)
    if "band" in sent:
        row.band = body.band
    row.updated_at = utcnow()
    await session.flush()
    _tell_watcher(session, bus, portfolio_id)
    return await get(session, cache, caller, portfolio_id)


async def delete(session: AsyncSession, cache: Cache, bus: Bus, caller: Caller, portfolio_id: int) -> None:
    row = await owned(session, caller, portfolio_id, for_update=True)
    await alerts_service.delete_portfolio_alerts(session, cache, bus, row.user_id, portfolio_id)
    await session.delete(row)
    _tell_watcher(session, bus, portfolio_id)


async def create_alert(
    session: AsyncSession,
    cache: Cache,
    bus: Bus,
    notifier: Notifier,
    caller: Caller,
    portfolio_id: int,
    body: PortfolioAlertIn,
) -> AlertOut:
    """A risk alert on the portfolio, for its owner."""
    row = await owned(session, caller, portfolio_id)
    owner = await user_service.get_user(session, row.user_id)
    symbol = None if body.symbol is None else await canonical_symbol(session, body.symbol, "symbol")
    alert = await alerts_service.create_portfolio_alert(
        session, cache, bus, notifier, owner, row.id, symbol, body
    )
    return alerts_service.to_out(alert)


async def alerts_of(session: AsyncSession, caller: Caller, portfolio_id: int) -> list[AlertOut]:
    """The portfolio's risk alerts, whatever their status, oldest first."""
    row = await owned(session, caller, portfolio_id)
    found = await alerts_service.portfolio_alerts(session, {row.id}, user_id=row.user_id, active_only=False)
    return [alerts_service.to_out(a) for a in found]


def _tell_watcher(session: AsyncSession, bus: Bus, portfolio_id: int) -> None:
    async def publish() -> None:
        await bus.publish(bus_messages.PORTFOLIOS_CHANGED, PortfolioChanged(portfolio_id).encode())

    after_commit(session, publish)


async def _rederive(
    session: AsyncSession,
    portfolio_id: int,
    symbols: set[str],
    changed: PortfolioTransaction | None,
    days: set[date],
) -> None:
    """The holdings of the symbols touched derived again, and the daily snapshots of the days touched."""
    try:
        await holdings.rederive(session, portfolio_id, symbols)
    except holdings.RejectedTransaction as rejected:
        raise holdings.as_error(rejected, changed) from None
    await snapshots.refresh(session, portfolio_id, days)


def transaction_out(row: PortfolioTransaction) -> TransactionOut:
    return TransactionOut(
        transaction_id=row.id,
        portfolio_id=row.portfolio_id,
        kind=row.kind,
        symbol=row.symbol,
        quantity=row.quantity,
        price=row.price,
        fee=row.fee,
        executed_at=row.executed_at,
        external_id=row.external_id,
        note=row.note,
        created_at=row.created_at,
    )


async def changed(session: AsyncSession, cache: Cache, bus: Bus, row: Portfolio) -> PortfolioOut:
    """After a transaction change: the portfolio valued now, sent to the owner as PORTFOLIO_UPDATE, and its
    watcher told to take the new holdings."""
    row.updated_at = utcnow()
    _tell_watcher(session, bus, row.id)
    [out] = await _out(session, cache, [row], day_change=False)
    await realtime_service.emit_user_event(
        session,
        bus,
        row.user_id,
        realtime_service.PORTFOLIO_UPDATE,
        {
            "portfolioId": row.id,
            "totalValue": float(out.current_value),
            "totalPnL": float(out.total_pnl),
            "reason": "TRANSACTION",
        },
    )
    return out


async def record(
    session: AsyncSession, cache: Cache, bus: Bus, caller: Caller, portfolio_id: int, body: TransactionIn
) -> TransactionOut:
    """Add a transaction; the holdings are derived again, and a transaction they cannot accept is a 422."""
    row = await owned(session, caller, portfolio_id, for_update=True)
    if body.external_id is not None and await repository.external_id_taken(
        session, portfolio_id, body.external_id
    ):
        raise AppError(
            ErrorCode.CONFLICT, f"externalId {body.external_id} is already recorded", field="externalId"
        )
    added = PortfolioTransaction(
        portfolio_id=portfolio_id,
        kind=body.kind,
        symbol=await canonical_symbol(session, body.symbol, "symbol"),
        quantity=body.quantity,
        price=body.price,
        fee=body.fee,
        executed_at=not_future(body.executed_at, "executedAt"),
        external_id=body.external_id,
        note=body.note,
        created_at=utcnow(),
    )
    session.add(added)
    await _rederive(session, portfolio_id, {added.symbol}, added, {snapshots.day_of(added.executed_at)})
    await changed(session, cache, bus, row)
    return transaction_out(added)


async def add_position(
    session: AsyncSession, cache: Cache, bus: Bus, caller: Caller, portfolio_id: int, body: PositionIn
) -> PositionOut:
    """The seed's request: a BUY; answers with the symbol's position after it, valued now."""
    buy = TransactionIn.model_construct(
        kind="BUY",
        symbol=body.symbol,
        quantity=body.quantity,
        price=body.entry_price,
        fee=body.fee,
        executed_at=body.entry_date,
        external_id=None,
        note=None,
    )
    try:
        recorded = await record(session, cache, bus, caller, portfolio_id, buy)
    except AppError as error:
        if error.field == "executedAt":
            error.field, error.message = "entryDate", error.message.replace("executedAt", "entryDate")
        raise
    [position] = [
        p for p in await repository.positions_of(session, [portfolio_id]) if p.symbol == recorded.symbol
    ]
    priced = await valuation.prices(session, cache, {position.symbol})
    return valuation.position_out(position, priced.get(position.symbol))


async def transactions(
    session: AsyncSession, caller: Caller, portfolio_id: int, limit: int, offset: int
) -> TransactionPage:
    await owned(session, caller, portfolio_id)
    rows, total = await repository.transaction_page(session, portfolio_id, limit, offset)
    return TransactionPage(transactions=[transaction_out(r) for r in rows], total=total)


async def _transaction(session: AsyncSession, portfolio_id: int, transaction_id: int) -> PortfolioTransaction:
    found = await repository.transaction(session, portfolio_id, transaction_id)
    if found is None:
        raise not_found("Transaction", transaction_id)
    return found


async def correct(
    session: AsyncSession,
    cache: Cache,
    bus: Bus,
    caller: Caller,
    portfolio_id: int,
    transaction_id: int,
    body: TransactionPatch,
) -> TransactionOut:
    row = await owned(session, caller, portfolio_id, for_update=True)
    found = await _transaction(session, portfolio_id, transaction_id)
    touched, days = {found.symbol}, {snapshots.day_of(found.executed_at)}
    for name in body.model_fields_set:
        value = getattr(body, name)
        if value is None and name != "note":
            raise AppError(ErrorCode.VALIDATION_ERROR, f"{name} cannot be null", field=_camel(name))
        if name == "symbol":
            value = await canonical_symbol(session, value, "symbol")
        elif name == "executed_at":
            value = not_future(value, "executedAt")
        setattr(found, name, value)
    days.add(snapshots.day_of(found.executed_at))
    await _rederive(session, portfolio_id, {*touched, found.symbol}, found, days)
    await changed(session, cache, bus, row)
    return transaction_out(found)


async def remove(
    session: AsyncSession, cache: Cache, bus: Bus, caller: Caller, portfolio_id: int, transaction_id: int
) -> None:
    row = await owned(session, caller, portfolio_id, for_update=True)
    found = await _transaction(session, portfolio_id, transaction_id)
    await session.delete(found)
    await _rederive(session, portfolio_id, {found.symbol}, None, {snapshots.day_of(found.executed_at)})
    await changed(session, cache, bus, row)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
