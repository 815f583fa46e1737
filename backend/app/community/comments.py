"""Comments: threaded replies up to a depth limit, edited and deleted by their authors, and the post's
`comments` count recounted under the post's lock whenever one appears or goes."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.community import members, notify, queue, screening, votes
from app.community.access import (
    Viewer,
    ensure_author_or_moderator,
    ensure_not_banned,
    ensure_open,
    is_moderator,
    rate_limit,
    readable_post,
)
from app.community.models import Comment, Post
from app.community.schemas import CommentIn, CommentList, CommentOut, CommentPatch, ModerationOut
from app.community.tally import recount
from app.core.clock import utcnow
from app.core.errors import AppError, ErrorCode, not_found
from app.core.runtime import Runtime

MAX_DEPTH = 6
"""Replies nest at most this many levels (a top-level comment has `depth` 0, the deepest reply 5)."""
MAX_THREAD = 2000


async def create(
    runtime: Runtime, session: AsyncSession, viewer: Viewer, post_id: int, body: CommentIn
) -> CommentOut:
    await rate_limit(runtime.cache, viewer, "comment")
    await ensure_not_banned(session, viewer)
    post = await readable_post(session, viewer, post_id)
    ensure_open(post)
    parent = None
    if body.parent_id is not None:
        parent = await session.scalar(
            select(Comment).where(
                Comment.id == body.parent_id, Comment.post_id == post_id, Comment.status != "DELETED"
            )
        )
        if parent is None:
            raise AppError(
                ErrorCode.NOT_FOUND, f"Comment {body.parent_id} not found on this post", field="parentId"
            )
        if parent.depth + 1 >= MAX_DEPTH:
            raise AppError(
                ErrorCode.VALIDATION_ERROR,
                f"Replies nest at most {MAX_DEPTH} levels: reply to an earlier comment",
                field="parentId",
            )
    screened = await screening.screen(session, viewer.id, "", body.content)
    comment = Comment(
        post_id=post.id,
        user_id=viewer.id,
        parent_id=parent.id if parent else None,
        depth=parent.depth + 1 if parent else 0,
        content=body.content,
        content_html=screened.rendered.html,
        status="PUBLISHED",
        moderation=screened.status,
        moderation_reasons=screened.reasons,
        upvotes=0,
        downvotes=0,
        created_at=utcnow(),
    )
    session.add(comment)
    await session.flush()
    await recount(session, post.id)
    await members.ensure_member(session, viewer.id)
    if comment.moderation == "ALLOW":
        await notify.new_comment(session, runtime, post, comment, parent, screened.rendered.mentions)
    return (await _outs(session, viewer, [comment]))[0]


async def _owned(
    session: AsyncSession, viewer: Viewer, post_id: int, comment_id: int
) -> tuple[Post, Comment]:
    post = await readable_post(session, viewer, post_id)
    comment = await session.scalar(
        select(Comment).where(
            Comment.id == comment_id, Comment.post_id == post_id, Comment.status != "DELETED"
        )
    )
    if comment is None:
        raise not_found("Comment", comment_id)
    return post, comment


async def edit(
    session: AsyncSession, viewer: Viewer, post_id: int, comment_id: int, body: CommentPatch
) -> CommentOut:
    post, comment = await _owned(session, viewer, post_id, comment_id)
    if comment.user_id != viewer.id:
        raise AppError(ErrorCode.FORBIDDEN, "Only its author may edit a comment")
    ensure_open(post)
    screened = await screening.screen(session, viewer.id, "", body.content, editing=True)
    comment.content, comment.content_html = body.content, screened.rendered.html
    if comment.moderation == "ALLOW" or screened.status == "HOLD_FOR_REVIEW":
        comment.moderation, comment.moderation_reasons = screened.status, screened.reasons
    comment.updated_at = utcnow()
    await session.flush()
    await recount(session, post.id)
    return (await _outs(session, viewer, [comment]))[0]


async def remove(session: AsyncSession, viewer: Viewer, post_id: int, comment_id: int) -> None:
    """Soft delete: replies stay, under a "deleted" placeholder."""
    post, comment = await _owned(session, viewer, post_id, comment_id)
    ensure_author_or_moderator(viewer, comment.user_id, "comment")
    comment.status, comment.deleted_at = "DELETED", utcnow()
    await session.flush()
    await recount(session, post.id)
    if viewer.id != comment.user_id:
        await queue.log(
            session, viewer.id, "DELETE", "COMMENT", comment.id, "deleted by a moderator", post_id=post.id
        )


def _shown(viewer: Viewer, comment: Comment) -> bool:
    if comment.status == "DELETED":
        return True  # as a placeholder, so its replies keep their place
    if comment.status == "PUBLISHED" and comment.moderation == "ALLOW":
        return True
    return comment.user_id == viewer.id or is_moderator(viewer)


def threaded(rows: list[Comment]) -> list[Comment]:
    """Comments in reading order: each reply right after its parent's earlier replies, oldest first."""
    children: dict[int | None, list[Comment]] = {}
    for row in sorted(rows, key=lambda c: (c.created_at, c.id)):
        children.setdefault(row.parent_id, []).append(row)
    ordered: list[Comment] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        row = stack.pop()
        ordered.append(row)
        stack.extend(reversed(children.get(row.id, [])))
    return ordered


async def thread(session: AsyncSession, viewer: Viewer, post_id: int) -> CommentList:
    post = await readable_post(session, viewer, post_id)
    rows = list(
        await session.scalars(
            select(Comment).where(Comment.post_id == post_id).order_by(Comment.id).limit(MAX_THREAD)
        )
    )
    shown = [c for c in threaded(rows) if _shown(viewer, c)]
    return CommentList(post_id=post.id, comments=post.comments, items=await _outs(session, viewer, shown))


async def _outs(session: AsyncSession, viewer: Viewer, rows: list[Comment]) -> list[CommentOut]:
    people = await members.authors(session, {c.user_id for c in rows if c.status != "DELETED"})
    mine = await votes.my_comment_votes(session, viewer.id, [c.id for c in rows])
    moderator = is_moderator(viewer)
    out = []
    for c in rows:
        deleted = c.status == "DELETED"
        reasons = c.moderation_reasons if moderator or viewer.id == c.user_id else []
        out.append(
            CommentOut(
                comment_id=c.id,
                post_id=c.post_id,
                parent_id=c.parent_id,
                depth=c.depth,
                user_id=None if deleted else c.user_id,
                author=None if deleted else people.get(c.user_id),
                content="" if deleted else c.content,
                content_html="" if deleted else c.content_html,
                upvotes=c.upvotes,
                downvotes=c.downvotes,
                score=c.upvotes - c.downvotes,
                my_vote=mine.get(c.id, 0),
                status=c.status,
                moderation=ModerationOut.model_validate({"status": c.moderation, "reasons": reasons}),
                created_at=c.created_at,
                updated_at=c.updated_at,
            )
        )
    return out
