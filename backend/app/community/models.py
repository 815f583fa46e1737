"""Community tables: posts and their revisions, comments, votes, attachments, uploads, moderation, follows."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base
from app.core.types import BigIntId, JsonDict, StringList, UTCDateTime


class Post(Base):
    __tablename__ = "community_posts"
    __table_args__ = (
        Index("ix_community_posts_trending", "trending"),
        Index("ix_community_posts_user_created", "user_id", "created_at"),
        # TOP: the posts by net score, read in order and filtered by the period (no sort of a week's posts).
        Index("ix_community_posts_score", text("(upvotes - downvotes) DESC"), text("id DESC")),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    content: Mapped[str] = mapped_column(Text)
    content_html: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[list[str]] = mapped_column(StringList)
    symbols: Mapped[list[str]] = mapped_column(StringList, default=list)
    attachments: Mapped[list[str]] = mapped_column(StringList)  # the seed's URLs, as given
    visibility: Mapped[str] = mapped_column(String(20), default="PUBLIC")
    status: Mapped[str] = mapped_column(String(20), default="PUBLISHED")  # PUBLISHED, HIDDEN, DELETED
    moderation: Mapped[str] = mapped_column(String(20), default="ALLOW")  # ALLOW, HOLD_FOR_REVIEW
    moderation_reasons: Mapped[list[dict[str, str]]] = mapped_column(JsonDict, default=list)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    upvotes: Mapped[int] = mapped_column(Integer, default=0)
    downvotes: Mapped[int] = mapped_column(Integer, default=0)
    comments: Mapped[int] = mapped_column(Integer, default=0)
    views: Mapped[int] = mapped_column(Integer, default=0)
    readers: Mapped[int] = mapped_column(Integer, default=0)
    trending: Mapped[float] = mapped_column(Float, default=0.0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Label(Base):
    """A post's tag or asset symbol, one row each, so that lists filter by them with an index."""

    __tablename__ = "community_post_labels"

    kind: Mapped[str] = mapped_column(String(10), primary_key=True)  # TAG, SYMBOL
    value: Mapped[str] = mapped_column(String(40), primary_key=True)
    post_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("community_posts.id", ondelete="CASCADE"), primary_key=True
    )


class PostRevision(Base):
    """A post as it was before an edit."""

    __tablename__ = "community_post_revisions"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    post_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("community_posts.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    content: Mapped[str] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(StringList)
    edited_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Comment(Base):
    __tablename__ = "community_comments"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    post_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("community_posts.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("community_comments.id", ondelete="CASCADE")
    )
    depth: Mapped[int] = mapped_column(SmallInteger, default=0)
    content: Mapped[str] = mapped_column(Text)
    content_html: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="PUBLISHED")
    moderation: Mapped[str] = mapped_column(String(20), default="ALLOW")
    moderation_reasons: Mapped[list[dict[str, str]]] = mapped_column(JsonDict, default=list)
    upvotes: Mapped[int] = mapped_column(Integer, default=0)
    downvotes: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Vote(Base):
    __tablename__ = "community_votes"

    post_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("community_posts.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    value: Mapped[int] = mapped_column(SmallInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CommentVote(Base):
    __tablename__ = "community_comment_votes"

    comment_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("community_comments.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    value: Mapped[int] = mapped_column(SmallInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Attachment(Base):
    """What a post carries: a link, an uploaded image, or a runnable insight frozen as it was shared."""

    __tablename__ = "community_attachments"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    post_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("community_posts.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(SmallInteger)
    kind: Mapped[str] = mapped_column(String(20))  # LINK, IMAGE, UPLOAD, ALERT, INDICATOR, BACKTEST
    url: Mapped[str | None] = mapped_column(String(2000))
    source_id: Mapped[str | None] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))
    data: Mapped[dict[str, object]] = mapped_column(JsonDict, default=dict)


class Upload(Base):
    """An uploaded image, re-encoded (metadata stripped); served by its unguessable public id."""

    __tablename__ = "community_uploads"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    media_type: Mapped[str] = mapped_column(String(40))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Member(Base):
    """A user's standing in the community: reputation, penalties and any ban."""

    __tablename__ = "community_members"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    votes_received: Mapped[int] = mapped_column(Integer, default=0)
    penalties: Mapped[int] = mapped_column(Integer, default=0)
    banned_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ban_reason: Mapped[str | None] = mapped_column(String(500))


class Flag(Base):
    """A user's report of a post or comment, open until a moderator acts on it."""

    __tablename__ = "community_flags"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    target: Mapped[str] = mapped_column(String(10))  # POST, COMMENT
    target_id: Mapped[int] = mapped_column(BigInteger, index=True)
    post_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("community_posts.id", ondelete="CASCADE"), index=True
    )
    reporter_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("target", "target_id", "reporter_id", name="uq_community_flags_once"),)


class ModerationAction(Base):
    """The audit log: who did what to which post, comment or user, and why."""

    __tablename__ = "community_moderation_log"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    actor_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(20))
    target: Mapped[str] = mapped_column(String(10))  # POST, COMMENT, USER
    target_id: Mapped[int] = mapped_column(BigInteger)
    post_id: Mapped[int | None] = mapped_column(
        BigInteger
    )  # the post, or the comment's post; kept if deleted
    reason: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class Follow(Base):
    __tablename__ = "community_follows"

    follower_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)  # USER, TAG
    target: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_community_follows_target", "kind", "target"),)


class Reader(Base):
    """Who has read a post (the first time), for unique readers."""

    __tablename__ = "community_readers"

    post_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("community_posts.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime)


class PostDay(Base):
    """A post's engagement per UTC day: views, new readers and votes cast."""

    __tablename__ = "community_post_days"

    post_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("community_posts.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    views: Mapped[int] = mapped_column(Integer, default=0)
    readers: Mapped[int] = mapped_column(Integer, default=0)
    upvotes: Mapped[int] = mapped_column(Integer, default=0)
    downvotes: Mapped[int] = mapped_column(Integer, default=0)
