"""Members as the community sees them: handles, reputation (votes received less penalties) and follows."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.community.access import Viewer
from app.community.models import Follow, Member, Post
from app.community.rendering import normalise_tag
from app.community.schemas import AuthorOut, FollowIn, FollowList, FollowOut, MemberOut
from app.core.clock import utcnow
from app.core.db import conflict_insert
from app.core.errors import AppError, ErrorCode
from app.users import service as users_service

PENALTY = 10
"""Reputation lost per moderation penalty (a post or comment hidden by a moderator, a ban)."""


def reputation(votes_received: int, penalties: int) -> int:
    """Votes received on your posts and comments (+1 up, -1 down) less 10 per moderation penalty.

    >>> reputation(25, 1)
    15
    """
    return votes_received - PENALTY * penalties


async def ensure_member(session: AsyncSession, user_id: int) -> None:
    """The member row exists (created on first use, race-free on both databases)."""
    insert = conflict_insert(session, Member)
    await session.execute(
        insert.values(user_id=user_id, votes_received=0, penalties=0).on_conflict_do_nothing()
    )


async def add_votes(session: AsyncSession, user_id: int, delta: int) -> None:
    if delta:
        await ensure_member(session, user_id)
        await session.execute(
            update(Member)
            .where(Member.user_id == user_id)
            .values(votes_received=Member.votes_received + delta)
        )


async def add_penalty(session: AsyncSession, user_id: int) -> None:
    await ensure_member(session, user_id)
    await session.execute(
        update(Member).where(Member.user_id == user_id).values(penalties=Member.penalties + 1)
    )


async def authors(session: AsyncSession, user_ids: set[int]) -> dict[int, AuthorOut]:
    """Each user's handle and reputation, in two queries."""
    handles = await users_service.handles_of(session, user_ids)
    rows = await session.execute(
        select(Member.user_id, Member.votes_received, Member.penalties).where(Member.user_id.in_(user_ids))
    )
    scores = {user_id: reputation(votes, penalties) for user_id, votes, penalties in rows}
    return {
        user_id: AuthorOut(user_id=user_id, display_name=handle, reputation=scores.get(user_id, 0))
        for user_id, handle in handles.items()
    }


async def profile(session: AsyncSession, viewer: Viewer, user_id: int) -> MemberOut:
    user = await users_service.get_user(session, user_id)
    member = await session.get(Member, user_id)
    posts = await session.scalar(
        select(func.count()).where(
            Post.user_id == user_id, Post.status == "PUBLISHED", Post.moderation == "ALLOW"
        )
    )
    followers = await session.scalar(
        select(func.count()).where(Follow.kind == "USER", Follow.target == str(user_id))
    )
    following = await session.get(Follow, (viewer.id, "USER", str(user_id)))
    votes, penalties = (member.votes_received, member.penalties) if member else (0, 0)
    return MemberOut(
        user_id=user_id,
        display_name=users_service.handle_of(user.id, user.display_name),
        reputation=reputation(votes, penalties),
        votes_received=votes,
        penalties=penalties,
        posts=posts or 0,
        followers=followers or 0,
        following=following is not None,
        banned_until=member.banned_until if member else None,
    )


async def _target(session: AsyncSession, body: FollowIn) -> str:
    if body.kind == "TAG":
        try:
            return normalise_tag(body.target)
        except ValueError as exc:
            raise AppError(ErrorCode.VALIDATION_ERROR, str(exc), field="target") from exc
    if not body.target.isdigit():
        raise AppError(ErrorCode.VALIDATION_ERROR, "target: a user's id", field="target")
    await users_service.get_user(session, int(body.target))
    return str(int(body.target))


async def follow(session: AsyncSession, viewer: Viewer, body: FollowIn) -> FollowOut:
    """Follow a user (by id) or a tag; following again changes nothing."""
    target = await _target(session, body)
    if body.kind == "USER" and target == str(viewer.id):
        raise AppError(ErrorCode.VALIDATION_ERROR, "You cannot follow yourself", field="target")
    row = await session.get(Follow, (viewer.id, body.kind, target))
    if row is None:
        row = Follow(follower_id=viewer.id, kind=body.kind, target=target, created_at=utcnow())
        session.add(row)
        await session.flush()
    return FollowOut.model_validate(row)


async def unfollow(session: AsyncSession, viewer: Viewer, kind: str, target: str) -> None:
    try:
        key = normalise_tag(target) if kind == "TAG" else target
    except ValueError:
        return  # no tag of that spelling can be followed, so none is
    row = await session.get(Follow, (viewer.id, kind, key))
    if row is not None:
        await session.delete(row)


async def follows(session: AsyncSession, viewer: Viewer) -> FollowList:
    rows = await session.scalars(
        select(Follow).where(Follow.follower_id == viewer.id).order_by(Follow.created_at.desc())
    )
    return FollowList(items=[FollowOut.model_validate(r) for r in rows])


async def followers_of_tags(session: AsyncSession, tags: list[str]) -> set[int]:
    if not tags:
        return set()
    rows = await session.scalars(
        select(Follow.follower_id).where(Follow.kind == "TAG", Follow.target.in_(tags))
    )
    return set(rows)


async def followers_of_user(session: AsyncSession, user_id: int) -> set[int]:
    rows = await session.scalars(
        select(Follow.follower_id).where(Follow.kind == "USER", Follow.target == str(user_id))
    )
    return set(rows)
