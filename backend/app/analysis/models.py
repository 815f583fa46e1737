"""Stored analysis results (the seed's Analysis entity)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base
from app.core.types import BigIntId, JsonDict, UTCDateTime


class Analysis(Base):
    __tablename__ = "analyses"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    public_id: Mapped[str] = mapped_column(String(40), unique=True)
    user_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    symbol: Mapped[str] = mapped_column(String(20), index=True)
    request: Mapped[dict[str, Any]] = mapped_column(JsonDict, default=dict)
    result: Mapped[dict[str, Any] | None] = mapped_column(JsonDict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
