"""IN_APP notifications through the outbox: replies to you, @mentions of you, new posts in tags you follow."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from app.community import members
from app.community.models import Comment, Post
from app.core.runtime import Runtime
from app.notifications import service as notifications_service
from app.notifications.schemas import Message
from app.realtime.service import COMMUNITY_ACTIVITY
from app.users import service as users_service

CHANNELS = ["IN_APP"]


def _link(runtime: Runtime, post_id: int, comment_id: int | None = None) -> str:
    path = f"/community/posts/{post_id}" + (f"#comment-{comment_id}" if comment_id else "")
    base = runtime.settings.public_url
    return f"{base.rstrip('/')}{path}" if base else path


async def _send(
    session: AsyncSession,
    runtime: Runtime,
    recipients: dict[int, str],
    post: Post,
    comment: Comment | None,
    actor: str,
) -> None:
    for user_id, kind in recipients.items():
        what = {
            "REPLY": f"{actor} replied",
            "MENTION": f"{actor} mentioned you",
            "TAG": f"New post by {actor} in a tag you follow",
        }[kind]
        message = Message(
            title=f"{what}: {post.title}"[:200],
            body=(comment.content if comment else post.content)[:280],
            url=_link(runtime, post.id, comment.id if comment else None),
            event={
                "type": COMMUNITY_ACTIVITY,
                "kind": kind,
                "postId": post.id,
                "commentId": comment.id if comment else None,
                "title": post.title[:200],
            },
        )
        await notifications_service.send(session, runtime.bus, user_id, CHANNELS, message)


async def _mentioned(session: AsyncSession, mentions: list[str]) -> set[int]:
    return set((await users_service.ids_by_handle(session, set(mentions))).values())


async def new_post(session: AsyncSession, runtime: Runtime, post: Post, mentions: list[str]) -> None:
    """Mentions for a post anyone may read or followers may read; tag followers for PUBLIC posts only."""
    if post.visibility == "PRIVATE":
        return
    recipients: dict[int, str] = {}
    if post.visibility == "PUBLIC":
        recipients |= dict.fromkeys(await members.followers_of_tags(session, post.tags), "TAG")
    readers = None if post.visibility == "PUBLIC" else await members.followers_of_user(session, post.user_id)
    for user_id in await _mentioned(session, mentions):
        if readers is None or user_id in readers:
            recipients[user_id] = "MENTION"
    recipients.pop(post.user_id, None)
    actor = (await users_service.handles_of(session, {post.user_id})).get(post.user_id, "someone")
    await _send(session, runtime, recipients, post, None, actor)


async def new_comment(
    session: AsyncSession,
    runtime: Runtime,
    post: Post,
    comment: Comment,
    parent: Comment | None,
    mentions: list[str],
) -> None:
    """The post's author and the parent comment's author hear of a reply; mentioned members of a mention."""
    recipients: dict[int, str] = {post.user_id: "REPLY"}
    if parent is not None:
        recipients[parent.user_id] = "REPLY"
    readers = None if post.visibility == "PUBLIC" else await members.followers_of_user(session, post.user_id)
    for user_id in await _mentioned(session, mentions):
        if user_id not in recipients and (readers is None or user_id in readers):
            recipients[user_id] = "MENTION"
    recipients.pop(comment.user_id, None)
    actor = (await users_service.handles_of(session, {comment.user_id})).get(comment.user_id, "someone")
    await _send(session, runtime, recipients, post, comment, actor)
