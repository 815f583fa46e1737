"""Votes on posts and comments: one per user, changeable, counts recounted under the row's lock."""

from __future__ import annotations

import math
from datetime import UTC, datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from app.community import engagement, members
from app.community.access import Viewer, ensure_not_banned, ensure_open, rate_limit, readable_post
from app.community.models import Comment, CommentVote, Post, Vote
from app.community.schemas import VoteOut
from app.core.cache import Cache
from app.core.clock import utcnow
from app.core.errors import not_found

TRENDING_EPOCH = datetime(2025, 1, 1, tzinfo=UTC)
TRENDING_HALF_DAY = 45_000.0
"""Seconds of age that weigh as much as a tenfold score (12.5 hours)."""


def trending_score(score: int, created_at: datetime) -> float:
    """The TRENDING order: log10 of the net score (signed) plus the post's creation time in units of 12.5 h.

    A post 12.5 hours newer ranks with one whose score is ten times higher. The time term only grows, so the
    score of a post is fixed between votes and the list is an index scan (the formula Reddit published).

    >>> round(trending_score(10, datetime(2025, 1, 1, tzinfo=UTC)), 3)
    1.0
    >>> round(trending_score(-100, datetime(2025, 1, 1, 12, 30, tzinfo=UTC)), 3)
    -1.0
    """
    magnitude = math.log10(max(abs(score), 1))
    sign = (score > 0) - (score < 0)
    return round(sign * magnitude + (created_at - TRENDING_EPOCH).total_seconds() / TRENDING_HALF_DAY, 7)


async def vote_post(session: AsyncSession, cache: Cache, viewer: Viewer, post_id: int, value: int) -> VoteOut:
    await rate_limit(cache, viewer, "vote")
    await ensure_not_banned(session, viewer)
    post = await readable_post(session, viewer, post_id)
    ensure_open(post)
    # A write first: it takes the post's row lock (PostgreSQL) or the database's write lock (SQLite), so the
    # recount below sees every vote committed before it and none can commit during it.
    await session.execute(update(Post).where(Post.id == post_id).values(upvotes=Post.upvotes))
    old = await session.scalar(select(Vote.value).where(Vote.post_id == post_id, Vote.user_id == viewer.id))
    await _store(session, Vote, Vote.post_id, post_id, viewer.id, old, value)
    up, down = await _counts(session, Vote, Vote.post_id, post_id)
    await session.execute(
        update(Post)
        .where(Post.id == post_id)
        .values(upvotes=up, downvotes=down, trending=trending_score(up - down, post.created_at))
    )
    if old != value:
        await engagement.count_vote(session, post_id, value)
        if post.user_id != viewer.id:
            await members.add_votes(session, post.user_id, value - (old or 0))
    return VoteOut(upvotes=up, downvotes=down, score=up - down, my_vote=value)


async def vote_comment(
    session: AsyncSession, cache: Cache, viewer: Viewer, post_id: int, comment_id: int, value: int
) -> VoteOut:
    await rate_limit(cache, viewer, "vote")
    await ensure_not_banned(session, viewer)
    post = await readable_post(session, viewer, post_id)
    ensure_open(post)
    comment = await session.scalar(
        select(Comment).where(
            Comment.id == comment_id, Comment.post_id == post_id, Comment.status == "PUBLISHED"
        )
    )
    if comment is None:
        raise not_found("Comment", comment_id)
    await session.execute(update(Comment).where(Comment.id == comment_id).values(upvotes=Comment.upvotes))
    old = await session.scalar(
        select(CommentVote.value).where(
            CommentVote.comment_id == comment_id, CommentVote.user_id == viewer.id
        )
    )
    await _store(session, CommentVote, CommentVote.comment_id, comment_id, viewer.id, old, value)
    up, down = await _counts(session, CommentVote, CommentVote.comment_id, comment_id)
    await session.execute(update(Comment).where(Comment.id == comment_id).values(upvotes=up, downvotes=down))
    if old != value and comment.user_id != viewer.id:
        await members.add_votes(session, comment.user_id, value - (old or 0))
    return VoteOut(upvotes=up, downvotes=down, score=up - down, my_vote=value)


async def _store(
    session: AsyncSession,
    table: type[Vote] | type[CommentVote],
    key: InstrumentedAttribute[int],
    target_id: int,
    user_id: int,
    old: int | None,
    value: int,
) -> None:
    owner = table.user_id == user_id
    if value == 0:
        if old is not None:
            await session.execute(delete(table).where(key == target_id, owner))
    elif old is None:
        column = "post_id" if table is Vote else "comment_id"
        session.add(table(**{column: target_id}, user_id=user_id, value=value, created_at=utcnow()))
        await session.flush()
    elif old != value:
        await session.execute(
            update(table).where(key == target_id, owner).values(value=value, created_at=utcnow())
        )


async def _counts(
    session: AsyncSession,
    table: type[Vote] | type[CommentVote],
    key: InstrumentedAttribute[int],
    target_id: int,
) -> tuple[int, int]:
    rows = await session.execute(
        select(table.value, func.count()).where(key == target_id).group_by(table.value)
    )
    counts = {value: n for value, n in rows}
    return counts.get(1, 0), counts.get(-1, 0)


async def my_votes(session: AsyncSession, viewer_id: int, post_ids: list[int]) -> dict[int, int]:
    if not post_ids:
        return {}
    rows = await session.execute(
        select(Vote.post_id, Vote.value).where(Vote.user_id == viewer_id, Vote.post_id.in_(post_ids))
    )
    return {target: value for target, value in rows}


async def my_comment_votes(session: AsyncSession, viewer_id: int, comment_ids: list[int]) -> dict[int, int]:
    if not comment_ids:
        return {}
    rows = await session.execute(
        select(CommentVote.comment_id, CommentVote.value).where(
            CommentVote.user_id == viewer_id, CommentVote.comment_id.in_(comment_ids)
        )
    )
    return {target: value for target, value in rows}
