"""Holdings derived from the transactions: the ledger replayed, written to `positions` after every change."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import AppError, ErrorCode
from app.portfolio import repository
from app.portfolio.models import PortfolioTransaction, Position
from app.quant.portfolio.ledger import Entry, Kind, Ledger, LedgerError, flow_amount, replay

_FIELDS = {"quantity": "quantity", "symbol": "symbol", "price": "price", "fee": "fee", "at": "executedAt"}


def entry(row: PortfolioTransaction) -> Entry:
    return Entry(Kind(row.kind), row.symbol, row.quantity, row.price, row.fee, row.executed_at)


class RejectedTransaction(Exception):
    """A transaction the holdings cannot take (selling more than is held...): `field` is the request field."""

    def __init__(self, row: PortfolioTransaction, field: str, message: str) -> None:
        super().__init__(message)
        self.row, self.field, self.message = row, field, message


def ledger_of(rows: list[PortfolioTransaction]) -> Ledger:
    try:
        return replay(entry(row) for row in rows)
    except LedgerError as error:
        raise RejectedTransaction(
            rows[error.index], _FIELDS.get(error.field, error.field), error.message
        ) from None


def as_error(rejected: RejectedTransaction, changed: PortfolioTransaction | None) -> AppError:
    """The 422 for the caller: it names the transaction when it is not the one being written."""
    message = rejected.message
    if rejected.row is not changed:
        row = rejected.row
        message = f"transaction {row.id} ({row.kind} {row.symbol}) would be invalid: {message}"
    return AppError(ErrorCode.VALIDATION_ERROR, message, field=rejected.field)


async def rederive(session: AsyncSession, portfolio_id: int, symbols: set[str] | None = None) -> None:
    """Replay the portfolio's transactions of `symbols` (every symbol when None) and rewrite those positions
    to match: a symbol's holding depends on its own transactions only. RejectedTransaction when one cannot
    be taken (the caller rolls back)."""
    await session.flush()
    rows = await repository.transactions_of(session, portfolio_id, symbols)
    ledger = ledger_of(rows)
    last_touched = {row.symbol: row.executed_at for row in rows}  # a closed position keeps its last date
    net_flow: dict[str, Decimal] = {}
    for t in rows:
        net_flow[t.symbol] = net_flow.get(t.symbol, Decimal(0)) + flow_amount(entry(t))
    existing = {
        p.symbol: p
        for p in await repository.positions_of(session, [portfolio_id])
        if symbols is None or p.symbol in symbols
    }
    for symbol, holding in ledger.holdings.items():
        row = existing.pop(symbol, None)
        if row is None:
            row = Position(portfolio_id=portfolio_id, symbol=symbol)
            session.add(row)
        row.quantity = holding.quantity
        row.entry_price = holding.average_cost
        row.entry_date = holding.first_acquired or last_touched[symbol]
        row.cost = holding.cost
        row.realised_fifo = holding.realised_fifo
        row.realised_average = holding.realised_average
        row.income = holding.income
        row.fees = holding.fees
        row.net_flow = net_flow.get(symbol, Decimal(0))
    await repository.remove_positions(session, portfolio_id, set(existing))
    await session.flush()
