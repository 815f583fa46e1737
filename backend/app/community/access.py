"""Who may see and change what: visibility, moderators, bans, and the per-user rate limits."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from sqlalchemy import ColumnElement, String, and_, cast, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.community.models import Follow, Member, Post
from app.core.cache import Cache
from app.core.clock import isoformat_z, utcnow
from app.core.errors import AppError, ErrorCode, forbidden, not_found
from app.core.ratelimit import hit


class Viewer(Protocol):
    """Who is asking: the signed-in account (its id and role)."""

    @property
    def id(self) -> int: ...

    @property
    def role(self) -> str: ...


MODERATOR_ROLES = frozenset({"moderator", "admin"})

# Actions per user per minute; the cache is Redis in the cluster, so every API process counts together.
LIMITS = {"post": 5, "comment": 20, "vote": 120, "flag": 10, "upload": 10}


def is_moderator(caller: Viewer) -> bool:
    return caller.role in MODERATOR_ROLES


def require_moderator(caller: Viewer) -> None:
    if not is_moderator(caller):
        if getattr(caller, "staff_locked", False):  # a moderator whose 2FA the site requires and is off
            raise AppError(
                ErrorCode.TWO_FACTOR_REQUIRED,
                "Moderators must turn on two-factor sign-in first (Settings → Security)",
            )
        raise forbidden("Moderators only")


def visible_posts(caller: Viewer) -> ColumnElement[bool]:
    """The posts `caller` may read: live PUBLIC ones, FOLLOWERS ones of people they follow, and their own
    (moderators read everything but deleted posts)."""
    if is_moderator(caller):
        return Post.status != "DELETED"
    follows_author = exists(
        select(Follow.follower_id).where(
            Follow.follower_id == caller.id,
            Follow.kind == "USER",
            Follow.target == cast(Post.user_id, String),
        )
    )
    shown = and_(Post.status == "PUBLISHED", Post.moderation == "ALLOW")
    return or_(
        and_(Post.user_id == caller.id, Post.status != "DELETED"),
        and_(shown, or_(Post.visibility == "PUBLIC", and_(Post.visibility == "FOLLOWERS", follows_author))),
    )


async def readable_post(session: AsyncSession, caller: Viewer, post_id: int) -> Post:
    """The post if `caller` may read it; 404 otherwise (a hidden post's existence is not revealed)."""
    query = select(Post).where(Post.id == post_id, visible_posts(caller))
    post = await session.scalar(query)
    if post is None:
        raise not_found("Post", post_id)
    return post


def ensure_author_or_moderator(caller: Viewer, author_id: int, what: str) -> None:
    if caller.id != author_id and not is_moderator(caller):
        raise forbidden(f"Only its author or a moderator may change this {what}")


async def ensure_not_banned(session: AsyncSession, caller: Viewer, now: datetime | None = None) -> None:
    member = await session.get(Member, caller.id)
    if member is None or member.banned_until is None:
        return
    if member.banned_until > (now or utcnow()):
        until = "further notice" if member.banned_until.year >= 9999 else isoformat_z(member.banned_until)
        raise forbidden(f"You are banned from the community until {until}: {member.ban_reason}")


async def rate_limit(cache: Cache, caller: Viewer, action: str) -> None:
    await hit(cache, f"community:{action}:{caller.id}", LIMITS[action], 60, f"community {action}s")


def ensure_open(post: Post) -> None:
    if post.locked:
        raise AppError(ErrorCode.CONFLICT, "This post is locked: no edits, comments or votes", field="postId")
