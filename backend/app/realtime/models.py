"""User events (alerts, portfolios, analyses, digests, community activity), stored, then sent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base
from app.core.types import BigIntId, JsonDict, UTCDateTime


class UserEvent(Base):
    """One event for one user; its id is the `eventId` a client resumes from (`lastEventId`)."""

    __tablename__ = "user_events"
    # Ids are eventIds clients resume from: never reused, even after old events are pruned.
    __table_args__ = (Index("ix_user_events_user_id_id", "user_id", "id"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JsonDict, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
