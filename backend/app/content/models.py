"""News feeds and items, daily digests (the shared market part and each user's), and lesson progress."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base
from app.core.types import BigIntId, JsonDict, StringList, UTCDateTime


class NewsFeed(Base):
    """A feed the aggregator reads; admins add, pause and remove them (the defaults are seeded once)."""

    __tablename__ = "news_feeds"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    kind: Mapped[str] = mapped_column(String(10), default="RSS")  # RSS (RSS or Atom) or REDDIT (a subreddit)
    title: Mapped[str | None] = mapped_column(String(200))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_items: Mapped[int | None] = mapped_column(Integer)


class NewsItem(Base):
    """One story, kept once however many feeds carried it (same URL or near-identical title)."""

    __tablename__ = "news_items"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    url: Mapped[str] = mapped_column(String(2000))
    url_key: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the normalised URL
    title_key: Mapped[str] = mapped_column(String(64), index=True)  # sha256 of the normalised title
    title: Mapped[str] = mapped_column(String(500))
    summary: Mapped[str] = mapped_column(Text, default="")  # plain text, sanitised
    source: Mapped[str] = mapped_column(String(200))  # the outlet: "CoinDesk", "r/Bitcoin"
    provider: Mapped[str] = mapped_column(String(10))  # rss, reddit
    feed_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("news_feeds.id", ondelete="SET NULL"))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime)
    symbols: Mapped[list[str]] = mapped_column(StringList, default=list)
    sentiment: Mapped[float | None] = mapped_column(Float)
    sentiment_label: Mapped[str | None] = mapped_column(String(20))
    snapshot: Mapped[bool] = mapped_column(Boolean, default=False)  # read from the bundled recordings


class DigestMarket(Base):
    """The part of the digests that is the same for everyone: computed once per UTC hour they are built at."""

    __tablename__ = "digest_markets"

    hour: Mapped[str] = mapped_column(String(13), primary_key=True)  # YYYY-MM-DDTHH, UTC
    payload: Mapped[dict[str, Any]] = mapped_column(JsonDict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Digest(Base):
    """One user's digest of one day, as answered by GET /api/content/daily-digest/{userId}."""

    __tablename__ = "digests"
    __table_args__ = (UniqueConstraint("user_id", "date", name="uq_digests_user_date"),)

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    date: Mapped[str] = mapped_column(String(10))  # the user's local date
    payload: Mapped[dict[str, Any]] = mapped_column(JsonDict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notification_ids: Mapped[list[str] | None] = mapped_column(StringList, default=list)


class LessonProgress(Base):
    """A user's progress on one lesson: started, completed, and the quiz's best and last scores."""

    __tablename__ = "lesson_progress"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    lesson_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    quiz_attempts: Mapped[int] = mapped_column(Integer, default=0)
    quiz_score: Mapped[float | None] = mapped_column(Float)  # the last attempt, 0..1
    quiz_best: Mapped[float | None] = mapped_column(Float)
    last_answers: Mapped[list[Any] | None] = mapped_column(JsonDict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
