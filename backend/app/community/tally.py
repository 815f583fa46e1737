"""A post's `comments` count kept equal to its live comments."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.community.models import Comment, Post


async def recount(session: AsyncSession, post_id: int) -> int:
    """The post's `comments` set to its live comments (published, not held), counted while its row is
    locked so that concurrent writers cannot leave it wrong."""
    await session.execute(update(Post).where(Post.id == post_id).values(comments=Post.comments))
    count = await session.scalar(
        select(func.count()).where(
            Comment.post_id == post_id, Comment.status == "PUBLISHED", Comment.moderation == "ALLOW"
        )
    )
    await session.execute(update(Post).where(Post.id == post_id).values(comments=count or 0))
    return count or 0
