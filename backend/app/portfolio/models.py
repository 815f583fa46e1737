"""Portfolios, their transactions (the source of truth) and the holdings derived from them (`positions`)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base
from app.core.types import BigIntId, ExactDecimal, JsonDict, UTCDateTime


class Portfolio(Base):
    __tablename__ = "portfolios"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    risk_profile: Mapped[str] = mapped_column(String(20))
    target_allocations: Mapped[dict[str, Any]] = mapped_column(JsonDict, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # None: the risk profile's default band (LOW 0.03, MEDIUM 0.05, HIGH 0.10).
    band: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Position(Base):
    """One symbol's holding in a portfolio, derived from its transactions (rewritten whenever they change)."""

    __tablename__ = "positions"
    __table_args__ = (UniqueConstraint("portfolio_id", "symbol", name="uq_positions_portfolio_symbol"),)

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    portfolio_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("portfolios.id", ondelete="CASCADE"), index=True
    )
    symbol: Mapped[str] = mapped_column(String(20))
    quantity: Mapped[Decimal] = mapped_column(ExactDecimal)
    # Average cost per unit of what is held, fees included.
    entry_price: Mapped[Decimal] = mapped_column(ExactDecimal)
    # When the current holding began (the first acquisition since it was last at zero).
    entry_date: Mapped[datetime] = mapped_column(UTCDateTime)
    cost: Mapped[Decimal] = mapped_column(ExactDecimal, default=Decimal(0), server_default="0")
    realised_fifo: Mapped[Decimal] = mapped_column(ExactDecimal, default=Decimal(0), server_default="0")
    realised_average: Mapped[Decimal] = mapped_column(ExactDecimal, default=Decimal(0), server_default="0")
    income: Mapped[Decimal] = mapped_column(ExactDecimal, default=Decimal(0), server_default="0")
    fees: Mapped[Decimal] = mapped_column(ExactDecimal, default=Decimal(0), server_default="0")
    # External money this symbol's transactions brought in (out when negative): value - net_flow is its P&L.
    net_flow: Mapped[Decimal] = mapped_column(ExactDecimal, default=Decimal(0), server_default="0")


class PortfolioTransaction(Base):
    __tablename__ = "portfolio_transactions"
    __table_args__ = (
        Index("ix_portfolio_transactions_order", "portfolio_id", "executed_at", "id"),
        Index("ix_portfolio_transactions_symbol_order", "portfolio_id", "symbol", "executed_at", "id"),
        UniqueConstraint("portfolio_id", "external_id", name="uq_portfolio_transactions_external_id"),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    portfolio_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("portfolios.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    symbol: Mapped[str] = mapped_column(String(20))
    quantity: Mapped[Decimal] = mapped_column(ExactDecimal)
    price: Mapped[Decimal] = mapped_column(ExactDecimal)
    fee: Mapped[Decimal] = mapped_column(ExactDecimal, default=Decimal(0))
    executed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # An importer's id of the row (an exchange's trade id): importing the same row twice is skipped.
    external_id: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PortfolioDay(Base):
    """A daily snapshot: one UTC day of a portfolio's transactions summed (snapshots.py) — each symbol's net
    quantity change and the day's external flow. Cumulated, they are the holdings at each day's close."""

    __tablename__ = "portfolio_days"

    portfolio_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("portfolios.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    # symbol -> net quantity change, as exact decimal text
    changes: Mapped[dict[str, Any]] = mapped_column(JsonDict)
    flow: Mapped[Decimal] = mapped_column(ExactDecimal)
