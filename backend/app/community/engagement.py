"""Engagement per post: views, unique readers and votes cast, in total and per UTC day."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from app.community.access import Viewer, readable_post
from app.community.models import Post, PostDay, Reader
from app.community.schemas import DayStats, PostStats
from app.core.clock import utcnow
from app.core.db import conflict_insert


async def _bump(session: AsyncSession, post_id: int, day: date, **columns: int) -> None:
    insert = conflict_insert(session, PostDay)
    values = {"views": 0, "readers": 0, "upvotes": 0, "downvotes": 0} | columns
    await session.execute(
        insert.values(post_id=post_id, day=day, **values).on_conflict_do_update(
            index_elements=["post_id", "day"],
            set_={name: getattr(PostDay, name) + n for name, n in columns.items()},
        )
    )


async def count_vote(session: AsyncSession, post_id: int, value: int) -> None:
    """A vote cast today (a changed vote counts again; a withdrawn one is not counted)."""
    if value:
        await _bump(session, post_id, utcnow().date(), **{"upvotes" if value > 0 else "downvotes": 1})


async def record_view(session: AsyncSession, viewer: Viewer, post: Post) -> None:
    """A read by someone other than the author: one more view, and one more reader the first time."""
    if viewer.id == post.user_id:
        return
    now = utcnow()
    inserted = await session.execute(
        conflict_insert(session, Reader)
        .values(post_id=post.id, user_id=viewer.id, first_seen=now)
        .on_conflict_do_nothing()
    )
    new_reader = int(inserted.rowcount or 0)  # type: ignore[attr-defined]
    await session.execute(
        update(Post)
        .where(Post.id == post.id)
        .values(views=Post.views + 1, readers=Post.readers + new_reader)
        .execution_options(synchronize_session=False)
    )
    await _bump(session, post.id, now.date(), views=1, readers=new_reader)
    # The response shows the counts with this read, without marking the row for another UPDATE.
    set_committed_value(post, "views", post.views + 1)
    set_committed_value(post, "readers", post.readers + new_reader)


async def stats(session: AsyncSession, viewer: Viewer, post_id: int) -> PostStats:
    """Totals and the day-by-day series (days with any activity)."""
    post = await readable_post(session, viewer, post_id)
    days = await session.scalars(select(PostDay).where(PostDay.post_id == post_id).order_by(PostDay.day))
    return PostStats(
        post_id=post.id,
        views=post.views,
        readers=post.readers,
        upvotes=post.upvotes,
        downvotes=post.downvotes,
        comments=post.comments,
        days=[DayStats.model_validate(d) for d in days],
    )
