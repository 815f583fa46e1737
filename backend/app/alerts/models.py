"""The alerts table of the seed (with rule metadata, frequency and expiry), and each alert's triggers."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, Index, Integer, String
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base
from app.core.types import BigIntId, ExactDecimal, JsonDict, StringList, UTCDateTime


class Alert(Base):
    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    symbol: Mapped[str] = mapped_column(String(20), index=True)
    condition: Mapped[str] = mapped_column(String(50))
    threshold: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    status: Mapped[str] = mapped_column(String(20), index=True)
    channels: Mapped[list[str]] = mapped_column(StringList)
    rule: Mapped[dict[str, Any]] = mapped_column("metadata", JsonDict, default=dict)
    triggered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    frequency: Mapped[str] = mapped_column(String(30), default="ONCE", server_default="ONCE")
    cooldown_seconds: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    trigger_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The price when the rule was armed: a level is crossed from where the price was, not from nothing.
    reference_price: Mapped[float | None] = mapped_column(Float)
    # Whether the next move through the level fires (False: it re-arms first, e.g. after EVERY_TIME fired).
    armed: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())
    # Against false breaks: prices in a row beyond the level, and for how long, before it fires.
    confirm_ticks: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    confirm_seconds: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    # Bar rules: the close time of the last bar evaluated, so a restart neither repeats nor skips a bar.
    evaluated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AlertTrigger(Base):
    """One firing: the price and the tick that caused it (traceable when a trigger looks false). Its id is
    made by the engine (a UUID): triggers and their notifications are written in bulk, no round trips."""

    __tablename__ = "alert_triggers"
    __table_args__ = (Index("ix_alert_triggers_user_id_fired_at", "user_id", "fired_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    alert_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("alerts.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    symbol: Mapped[str] = mapped_column(String(20))
    price: Mapped[Decimal] = mapped_column(ExactDecimal)
    threshold: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    tick_at: Mapped[datetime] = mapped_column(UTCDateTime)
    source: Mapped[str] = mapped_column(String(20))
    fired_at: Mapped[datetime] = mapped_column(UTCDateTime)
    direction: Mapped[str] = mapped_column(String(4), default="UP", server_default="UP")  # the move: UP/DOWN
