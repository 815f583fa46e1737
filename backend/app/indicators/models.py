"""custom_indicators, as in the seed, with a description, status and update time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base
from app.core.types import BigIntId, JsonDict, UTCDateTime


class CustomIndicator(Base):
    __tablename__ = "custom_indicators"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_custom_indicators_user_id_key"),)

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    # The name as other formulas write it: "Custom RSI Divergence" -> CUSTOM_RSI_DIVERGENCE.
    key: Mapped[str] = mapped_column(String(100))
    formula: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    parameters: Mapped[dict[str, Any]] = mapped_column(JsonDict, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="ACTIVE")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
