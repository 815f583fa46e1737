"""Proposed target weights from the portfolio's daily returns (skfolio, run off the event loop)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import numpy as np
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.clock import utcnow
from app.core.errors import AppError, ErrorCode
from app.core.runtime import Runtime
from app.portfolio import daily_closes, repository, service
from app.portfolio.schemas import PortfolioOptimizeIn, PortfolioOptimizeOut
from app.quant.portfolio import optimizer
from app.quant.portfolio.ledger import CASH
from app.users.schemas import Caller

LIBRARY = "skfolio 1.12"
_FIELDS = {"riskFree": "method", "returns": "lookbackDays", "defaultBounds": "defaultBounds"}


async def propose(
    session: AsyncSession, runtime: Runtime, caller: Caller, portfolio_id: int, body: PortfolioOptimizeIn
) -> PortfolioOptimizeOut:
    row = await service.owned(session, caller, portfolio_id)
    positions = await repository.positions_of(session, [portfolio_id])
    wanted = {p.symbol for p in positions if p.quantity > 0} | set(service.targets_of(row))
    symbols = sorted(wanted - CASH)
    for symbol in body.bounds:
        if symbol not in symbols:
            raise AppError(
                ErrorCode.VALIDATION_ERROR,
                f"{symbol} is not one of the portfolio's symbols ({', '.join(symbols) or 'none'})",
                field=f"bounds.{symbol}",
            )
    today = utcnow().date()
    closes = await daily_closes.load(
        session, runtime, symbols, today - timedelta(days=body.lookback_days + 1), today
    )
    window = closes.matrix[:-1]  # complete days only
    empty = [s for j, s in enumerate(symbols) if np.isnan(window[:, j]).all()]
    if empty:
        raise AppError(
            ErrorCode.NO_DATA, f"no daily closes in the lookback for {', '.join(empty)}", field="lookbackDays"
        )
    prices = daily_closes.filled(window)
    returns = prices[1:] / prices[:-1] - 1.0
    try:
        proposal = await asyncio.to_thread(
            optimizer.optimize,
            symbols,
            returns,
            optimizer.Method(body.method),
            bounds={s: (b.min, b.max) for s, b in body.bounds.items()},
            default_bounds=(body.default_bounds.min, body.default_bounds.max),
            risk_free=runtime.settings.portfolio_risk_free_rate,
        )
    except optimizer.OptimizeError as error:
        raise AppError(
            ErrorCode.VALIDATION_ERROR, str(error), field=_FIELDS.get(error.field, error.field)
        ) from None
    return PortfolioOptimizeOut(
        portfolio_id=row.id,
        method=body.method,
        weights=proposal.weights,
        expected_return=proposal.expected_return,
        volatility=proposal.volatility,
        sharpe_ratio=proposal.sharpe_ratio,
        lookback_days=body.lookback_days,
        excluded=sorted(wanted & CASH),
        library=LIBRARY,
    )
