"""price_history: candles per symbol, interval and source (the seed's table, keyed finer); pushed ticks."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Boolean, Float, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base
from app.core.types import BigIntId, ExactDecimal, JsonDict, UTCDateTime


class PriceCandle(Base):
    __tablename__ = "price_history"
    # Range-partitioned by month on PostgreSQL (or a TimescaleDB hypertable); see the first migration.

    symbol: Mapped[str] = mapped_column(String(20), primary_key=True)
    interval: Mapped[str] = mapped_column(String(8), primary_key=True)
    source: Mapped[str] = mapped_column(String(20), primary_key=True)
    timestamp: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    open: Mapped[Decimal] = mapped_column(ExactDecimal)
    high: Mapped[Decimal] = mapped_column(ExactDecimal)
    low: Mapped[Decimal] = mapped_column(ExactDecimal)
    close: Mapped[Decimal] = mapped_column(ExactDecimal)
    volume: Mapped[Decimal] = mapped_column(ExactDecimal)
    # USD traded: the source's own figure or its trades' sum of price x quantity; NULL when neither exists.
    quote_volume: Mapped[Decimal | None] = mapped_column(ExactDecimal, nullable=True)


class AssetRow(Base):
    """An asset an admin added at run time; the built-in registry lives in code (market/symbols.py)."""

    __tablename__ = "assets"

    symbol: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    coingecko_id: Mapped[str | None] = mapped_column(String(100))
    coinmarketcap_id: Mapped[int | None] = mapped_column(Integer)
    binance_pair: Mapped[str | None] = mapped_column(String(20))
    coinbase_product: Mapped[str | None] = mapped_column(String(20))
    stablecoin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class MarketState(Base):
    """Small durable facts of the market domain, e.g. the replay's anchor time."""

    __tablename__ = "market_state"

    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(JsonDict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PushedTick(Base):
    """A tick accepted by POST /api/data/ticks, stored before the push is answered (market/journal.py).
    Epoch seconds and float64 as on the hot path: the row gives back exactly the tick that was judged."""

    __tablename__ = "pushed_ticks"
    __table_args__ = (
        UniqueConstraint("symbol", "ts", "price", "volume", name="uq_pushed_ticks_key"),
        Index("ix_pushed_ticks_ts", "ts"),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    symbol: Mapped[str] = mapped_column(String(20))
    ts: Mapped[float] = mapped_column(Float)
    price: Mapped[float] = mapped_column(Float)
    volume: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(20))
    received: Mapped[float] = mapped_column(Float)
