"""Backtest runs with their parameters and results."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base
from app.core.types import BigIntId, JsonDict, UTCDateTime


class Backtest(Base):
    __tablename__ = "backtests"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    public_id: Mapped[str] = mapped_column(String(40), unique=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    strategy_name: Mapped[str] = mapped_column(String(100))
    symbol: Mapped[str] = mapped_column(String(20))
    interval: Mapped[str] = mapped_column(String(8))
    parameters: Mapped[dict[str, Any]] = mapped_column(JsonDict, default=dict)
    status: Mapped[str] = mapped_column(String(20))
    results: Mapped[dict[str, Any] | None] = mapped_column(JsonDict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The whole request as run (costs, sizing, range), the trades, and the equity at each close.
    config: Mapped[dict[str, Any]] = mapped_column(JsonDict, default=dict, server_default="{}")
    trades: Mapped[list[Any]] = mapped_column(JsonDict, default=list, server_default="[]")
    equity: Mapped[dict[str, Any]] = mapped_column(JsonDict, default=dict, server_default="{}")
