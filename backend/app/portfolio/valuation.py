"""Live valuation: each holding at its latest price (live tick, else the newest stored close, else the peg for
cash), its P&L in the seed's terms, and the portfolio's totals and weights."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.cache import Cache
from app.market import service as market_service
from app.portfolio.models import Position
from app.portfolio.schemas import PositionOut, PriceSource
from app.quant.portfolio.ledger import CASH

PEG = "peg"
_CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Priced:
    price: Decimal
    source: str
    as_of: datetime | None


async def prices(session: AsyncSession, cache: Cache, symbols: set[str]) -> dict[str, Priced]:
    """The latest price of each symbol; USD, and USDT/USDC without a stored price, at their 1.0 peg. A symbol
    without any price is left out (its value is unknown, and said so)."""
    quotes = await market_service.latest_quotes(session, cache, sorted(symbols - {"USD"}))
    out = {s: Priced(Decimal(str(q.price)), q.source, q.as_of) for s, q in quotes.items()}
    for cash in CASH & symbols:
        out.setdefault(cash, Priced(Decimal(1), PEG, None))
    return out


def position_out(position: Position, priced: Priced | None) -> PositionOut:
    """The seed's position at `priced`: value, P&L against the average cost, P&L percent to 2 decimals."""
    price = priced.price if priced else None
    value = pnl = percent = None
    if price is not None:
        value = position.quantity * price
        pnl = (price - position.entry_price) * position.quantity
        if position.entry_price > 0:
            percent = ((price / position.entry_price - 1) * 100).quantize(_CENT, ROUND_HALF_EVEN)
    return PositionOut(
        position_id=position.id,
        portfolio_id=position.portfolio_id,
        symbol=position.symbol,
        quantity=position.quantity,
        entry_price=position.entry_price,
        current_price=price,
        current_value=value,
        pnl=pnl,
        pnl_percent=percent,
        entry_date=position.entry_date,
        cost=position.cost,
        realised_pnl_fifo=position.realised_fifo,
        realised_pnl_average=position.realised_average,
        income=position.income,
        fees=position.fees,
        price=PriceSource(source=priced.source, as_of=priced.as_of) if priced else None,
    )


@dataclass(frozen=True, slots=True)
class Valuation:
    """`total_pnl` = total_value - net_invested: what the holdings are worth against the money put in."""

    positions: list[PositionOut]  # held ones only
    total_value: Decimal
    unrealised: Decimal
    realised: Decimal
    net_invested: Decimal
    total_cost: Decimal
    weights: dict[str, float]
    unpriced: list[str]


def value(positions: list[Position], priced: dict[str, Priced]) -> Valuation:
    held = [p for p in positions if p.quantity > 0]
    outs = [position_out(p, priced.get(p.symbol)) for p in held]
    total = sum((o.current_value for o in outs if o.current_value is not None), Decimal(0))
    unrealised = sum((o.pnl for o in outs if o.pnl is not None), Decimal(0))
    realised = sum((p.realised_fifo for p in positions), Decimal(0))
    invested = sum((p.net_flow for p in positions), Decimal(0))
    cost = sum((p.cost for p in held), Decimal(0))
    weights = {
        o.symbol: float(o.current_value / total) if total else 0.0
        for o in outs
        if o.current_value is not None
    }
    return Valuation(
        outs,
        total,
        unrealised,
        realised,
        invested,
        cost,
        weights,
        [o.symbol for o in outs if o.current_value is None],
    )


def deviations(weights: dict[str, float], targets: dict[str, Decimal]) -> dict[str, float]:
    """allocation - target for every target symbol and every held one (target 0 when it has none)."""
    return {s: weights.get(s, 0.0) - float(targets.get(s, 0)) for s in sorted(set(targets) | set(weights))}


def total_pnl(valuation: Valuation) -> Decimal:
    return valuation.total_value - valuation.net_invested


def day_change(valued: Valuation, closes: dict[str, float]) -> tuple[float | None, float | None]:
    """The current holdings' change since the last daily close: Σ quantity x (price - close) over the priced
    holdings with a close, and that as a percent of Σ quantity x close; (None, None) when none has one."""
    moved = [
        (float(o.quantity), float(o.current_price), closes[o.symbol])
        for o in valued.positions
        if o.current_price is not None and o.symbol in closes
    ]
    if not moved:
        return None, None
    change = sum(q * (price - close) for q, price, close in moved)
    before = sum(q * close for q, _, close in moved)
    return change, change / before * 100 if before else None
