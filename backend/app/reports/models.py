"""Generated reports (the seed's table, with a public id, format, status and file) and their schedules."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base
from app.core.types import BigIntId, JsonDict, StringList, UTCDateTime


class Report(Base):
    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    public_id: Mapped[str] = mapped_column(String(40), unique=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    report_type: Mapped[str] = mapped_column(String(50))
    symbols: Mapped[list[str]] = mapped_column(StringList)
    format: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20), index=True)
    # The sections' titles and headline figures (the file holds the rest).
    content: Mapped[dict[str, Any] | None] = mapped_column(JsonDict)
    # The storage key of the file (a path under the report directory, or an S3 key); cleared when removed.
    file_url: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    generated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The request: include flags, portfolioId, backtestId (the columns above hold the rest).
    options: Mapped[dict[str, Any]] = mapped_column(JsonDict, default=dict)
    delivery_channels: Mapped[list[str] | None] = mapped_column(StringList, default=list)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    error: Mapped[str | None] = mapped_column(Text)
    job_id: Mapped[str | None] = mapped_column(String(32))
    schedule_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("report_schedules.id", ondelete="SET NULL"), index=True
    )
    file_name: Mapped[str | None] = mapped_column(String(200))
    content_type: Mapped[str | None] = mapped_column(String(100))
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    # When the file is removed (retention); its links stop working then.
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # The outbox rows that deliver it (notificationSent reads their status).
    notification_ids: Mapped[list[str] | None] = mapped_column(StringList, default=list)


class ReportSchedule(Base):
    __tablename__ = "report_schedules"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    report_type: Mapped[str] = mapped_column(String(50))
    symbols: Mapped[list[str]] = mapped_column(StringList)
    format: Mapped[str] = mapped_column(String(10))
    delivery_channels: Mapped[list[str]] = mapped_column(StringList, default=list)
    options: Mapped[dict[str, Any]] = mapped_column(JsonDict, default=dict)
    cadence: Mapped[str] = mapped_column(String(10))  # DAILY, WEEKLY, MONTHLY
    weekday: Mapped[int | None] = mapped_column(Integer)  # 0 Monday .. 6 Sunday (WEEKLY)
    day_of_month: Mapped[int | None] = mapped_column(Integer)  # 1..31, the month's last day when shorter
    hour: Mapped[int] = mapped_column(Integer)
    timezone: Mapped[str] = mapped_column(String(64))
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    next_run_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_report_id: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
