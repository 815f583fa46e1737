"""Moderation by people: members' flags, the moderators' queue, hide / restore / approve / lock, bans, and
the audit log every action writes with its reason."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.community import members, notify, rendering
from app.community.access import Viewer, rate_limit, readable_post, require_moderator
from app.community.models import Comment, Flag, Member, ModerationAction, Post
from app.community.rendering import plain_text
from app.community.schemas import (
    ActionIn,
    ActionList,
    ActionOut,
    AuthorOut,
    BanIn,
    FlagOut,
    ModerationOut,
    QueueItem,
    QueueOut,
)
from app.community.tally import recount
from app.core.cache import Cache
from app.core.clock import utcnow
from app.core.errors import AppError, ErrorCode, not_found
from app.core.runtime import Runtime
from app.users import service as users_service

FOREVER = datetime(9999, 12, 31, 23, 59, 59)
QUEUE_SIZE = 100


async def log(
    session: AsyncSession,
    actor_id: int | None,
    action: str,
    target: str,
    target_id: int,
    reason: str,
    post_id: int | None = None,
) -> ModerationAction:
    row = ModerationAction(
        actor_id=actor_id,
        action=action,
        target=target,
        target_id=target_id,
        post_id=post_id if post_id is not None else (target_id if target == "POST" else None),
        reason=reason,
        created_at=utcnow(),
    )
    session.add(row)
    await session.flush()
    return row


def _out(row: ModerationAction, actor: str | None) -> ActionOut:
    return ActionOut(
        action_id=row.id,
        actor_id=row.actor_id,
        actor=actor,
        action=row.action,
        target=row.target,
        target_id=row.target_id,
        post_id=row.post_id,
        reason=row.reason,
        created_at=row.created_at,
    )


async def _logged(
    session: AsyncSession, viewer: Viewer, subject_id: int, *args: Any, **kwargs: Any
) -> ActionOut:
    """Log the action in the moderation log, and in the audit log of the member it concerns (`subject_id`)."""
    row = await log(session, viewer.id, *args, **kwargs)
    details = {"action": row.action, "target": row.target, "targetId": row.target_id, "reason": row.reason}
    users_service.record_audit(
        session,
        users_service.AuditAction.MODERATION_ACTION,
        user_id=subject_id,
        actor_id=viewer.id,
        details=details,
    )
    return _out(row, (await users_service.handles_of(session, {viewer.id})).get(viewer.id))


async def flag(
    session: AsyncSession, cache: Cache, viewer: Viewer, post_id: int, comment_id: int | None, reason: str
) -> FlagOut:
    """A member's report: once per member and item; it puts the item in the moderators' queue."""
    await rate_limit(cache, viewer, "flag")
    post = await readable_post(session, viewer, post_id)
    author = post.user_id
    if comment_id is not None:
        found = await session.scalar(
            select(Comment.user_id).where(Comment.id == comment_id, Comment.post_id == post_id)
        )
        if found is None:
            raise not_found("Comment", comment_id)
        author = found
    if author == viewer.id:
        raise AppError(ErrorCode.VALIDATION_ERROR, "You cannot report what you wrote yourself")
    target, target_id = ("COMMENT", comment_id) if comment_id is not None else ("POST", post_id)
    exists = await session.scalar(
        select(Flag.id).where(
            Flag.target == target, Flag.target_id == target_id, Flag.reporter_id == viewer.id
        )
    )
    if exists is None:
        session.add(
            Flag(
                target=target,
                target_id=target_id,
                post_id=post_id,
                reporter_id=viewer.id,
                reason=reason,
                created_at=utcnow(),
            )
        )
        await session.flush()
    return FlagOut(flagged=True)


async def _resolve_flags(session: AsyncSession, target: str, target_id: int) -> None:
    await session.execute(
        update(Flag)
        .where(Flag.target == target, Flag.target_id == target_id, Flag.resolved_at.is_(None))
        .values(resolved_at=utcnow())
    )


async def act_on_post(
    runtime: Runtime, session: AsyncSession, viewer: Viewer, post_id: int, body: ActionIn
) -> ActionOut:
    require_moderator(viewer)
    post = await session.get(Post, post_id)
    if post is None:
        raise not_found("Post", post_id)
    if body.action == "HIDE":
        if post.status != "HIDDEN":
            post.status = "HIDDEN"
            await members.add_penalty(session, post.user_id)
    elif body.action == "RESTORE":
        post.status, post.deleted_at = "PUBLISHED", None
    elif body.action == "APPROVE":
        held = post.moderation != "ALLOW"
        post.moderation, post.status = "ALLOW", "PUBLISHED" if post.status == "HIDDEN" else post.status
        if held:  # what its publication would have told, it tells now
            await notify.new_post(session, runtime, post, rendering.render(post.content, {}).mentions)
    else:
        post.locked = body.action == "LOCK"
    await _resolve_flags(session, "POST", post_id)
    return await _logged(session, viewer, post.user_id, body.action, "POST", post_id, body.reason)


async def act_on_comment(
    runtime: Runtime, session: AsyncSession, viewer: Viewer, post_id: int, comment_id: int, body: ActionIn
) -> ActionOut:
    require_moderator(viewer)
    comment = await session.scalar(
        select(Comment).where(Comment.id == comment_id, Comment.post_id == post_id)
    )
    if comment is None:
        raise not_found("Comment", comment_id)
    if body.action in ("LOCK", "UNLOCK"):
        raise AppError(ErrorCode.VALIDATION_ERROR, "Posts are locked, not comments", field="action")
    if body.action == "HIDE" and comment.status != "HIDDEN":
        comment.status = "HIDDEN"
        await members.add_penalty(session, comment.user_id)
    elif body.action == "RESTORE":
        comment.status, comment.deleted_at = "PUBLISHED", None
    elif body.action == "APPROVE":
        held = comment.moderation != "ALLOW"
        comment.moderation = "ALLOW"
        comment.status = "PUBLISHED" if comment.status == "HIDDEN" else comment.status
        if held:
            post = await session.get(Post, post_id)
            parent = await session.get(Comment, comment.parent_id) if comment.parent_id else None
            mentions = rendering.render(comment.content, {}).mentions
            if post is not None:
                await notify.new_comment(session, runtime, post, comment, parent, mentions)
    await session.flush()
    await recount(session, post_id)
    await _resolve_flags(session, "COMMENT", comment_id)
    return await _logged(
        session, viewer, comment.user_id, body.action, "COMMENT", comment_id, body.reason, post_id=post_id
    )


async def ban(session: AsyncSession, viewer: Viewer, user_id: int, body: BanIn) -> ActionOut:
    require_moderator(viewer)
    if user_id == viewer.id:
        raise AppError(ErrorCode.VALIDATION_ERROR, "You cannot ban yourself", field="memberId")
    await members.ensure_member(session, user_id)
    until = FOREVER if body.days is None else utcnow() + timedelta(days=body.days)
    await session.execute(
        update(Member)
        .where(Member.user_id == user_id)
        .values(banned_until=until, ban_reason=body.reason, penalties=Member.penalties + 1)
    )
    return await _logged(session, viewer, user_id, "BAN", "USER", user_id, body.reason)


async def unban(session: AsyncSession, viewer: Viewer, user_id: int, reason: str) -> ActionOut:
    require_moderator(viewer)
    await session.execute(
        update(Member).where(Member.user_id == user_id).values(banned_until=None, ban_reason=None)
    )
    return await _logged(session, viewer, user_id, "UNBAN", "USER", user_id, reason)


async def actions(session: AsyncSession, viewer: Viewer, limit: int, offset: int) -> ActionList:
    require_moderator(viewer)
    rows = list(
        await session.scalars(
            select(ModerationAction).order_by(ModerationAction.id.desc()).limit(limit).offset(offset)
        )
    )
    handles = await users_service.handles_of(session, {r.actor_id for r in rows if r.actor_id is not None})
    return ActionList(items=[_out(r, handles.get(r.actor_id) if r.actor_id else None) for r in rows])


async def pending(session: AsyncSession, viewer: Viewer) -> QueueOut:
    """What needs a moderator: published items held by the automatic checks or with open flags (a hidden
    or deleted item has been dealt with)."""
    require_moderator(viewer)
    flags: dict[tuple[str, int], list[str]] = {}
    for target, target_id, reason in await session.execute(
        select(Flag.target, Flag.target_id, Flag.reason).where(Flag.resolved_at.is_(None)).limit(1000)
    ):
        flags.setdefault((target, target_id), []).append(reason)
    flagged_posts = [i for t, i in flags if t == "POST"]
    flagged_comments = [i for t, i in flags if t == "COMMENT"]
    posts = list(
        await session.scalars(
            select(Post)
            .where(
                Post.status == "PUBLISHED",
                or_(Post.moderation == "HOLD_FOR_REVIEW", Post.id.in_(flagged_posts)),
            )
            .order_by(Post.created_at)
            .limit(QUEUE_SIZE)
        )
    )
    comments = list(
        await session.scalars(
            select(Comment)
            .where(
                Comment.status == "PUBLISHED",
                or_(Comment.moderation == "HOLD_FOR_REVIEW", Comment.id.in_(flagged_comments)),
            )
            .order_by(Comment.created_at)
            .limit(QUEUE_SIZE)
        )
    )
    titles = dict(
        (
            await session.execute(
                select(Post.id, Post.title).where(Post.id.in_({c.post_id for c in comments}))
            )
        ).all()
    )
    people = await members.authors(session, {p.user_id for p in posts} | {c.user_id for c in comments})
    items = [
        _item("POST", p.id, p.id, p.title, p.content, p, people, flags.get(("POST", p.id), [])) for p in posts
    ] + [
        _item(
            "COMMENT",
            c.id,
            c.post_id,
            titles.get(c.post_id, ""),
            c.content,
            c,
            people,
            flags.get(("COMMENT", c.id), []),
        )
        for c in comments
    ]
    return QueueOut(items=sorted(items, key=lambda i: i.created_at))


def _item(
    target: str,
    target_id: int,
    post_id: int,
    title: str,
    content: str,
    row: Post | Comment,
    people: Mapping[int, AuthorOut],
    reasons: list[str],
) -> QueueItem:
    return QueueItem.model_validate(
        {
            "target": target,
            "target_id": target_id,
            "post_id": post_id,
            "title": title,
            "excerpt": plain_text(content)[:300],
            "author": people[row.user_id],
            "status": row.status,
            "locked": row.locked if isinstance(row, Post) else False,
            "moderation": ModerationOut.model_validate(
                {"status": row.moderation, "reasons": row.moderation_reasons}
            ),
            "flags": len(reasons),
            "flag_reasons": reasons,
            "created_at": row.created_at,
        }
    )
