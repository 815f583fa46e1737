"""Routes: the seed's posts, comments, votes, attachments and uploads, moderation, follows and engagement."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Path, Query, Response, UploadFile

from app.community import attachments, comments, engagement, members, posts, queue, uploads, votes
from app.community.access import rate_limit, readable_post, require_moderator
from app.community.schemas import (
    ActionIn,
    ActionList,
    ActionOut,
    BanIn,
    CloneOut,
    CommentIn,
    CommentList,
    CommentOut,
    CommentPatch,
    FlagIn,
    FlagOut,
    FollowIn,
    FollowKind,
    FollowList,
    FollowOut,
    MemberOut,
    PostIn,
    PostOut,
    PostPage,
    PostPatch,
    PostStats,
    QueueOut,
    RevisionOut,
    Sort,
    TopPeriod,
    UploadOut,
    VoteIn,
    VoteOut,
)
from app.core.deps import DbSession, RuntimeDep
from app.core.envelope import ERROR_RESPONSES, Envelope, ok
from app.core.errors import not_found
from app.core.schemas import DbId
from app.notifications.deps import NotifierDep
from app.users import service as user_service
from app.users.deps import CurrentUser, ensure_can_act_for

router = APIRouter(prefix="/api/community", tags=["community"], responses=ERROR_RESPONSES)
PostId = Annotated[DbId, Path(alias="postId")]
CommentId = Annotated[DbId, Path(alias="commentId")]
AttachmentId = Annotated[DbId, Path(alias="attachmentId")]
MemberId = Annotated[DbId, Path(alias="memberId")]


@router.post("/posts", response_model=Envelope[PostOut], status_code=201)
async def create_post(
    body: PostIn, user: CurrentUser, runtime: RuntimeDep, session: DbSession
) -> Envelope[PostOut]:
    """The seed's request and response (postId, userId, title, upvotes, comments, visibility, createdAt),
    with the rendered post, its moderation and attachments."""
    ensure_can_act_for(user, body.user_id)
    author = user if user.id == body.user_id else await user_service.get_user(session, body.user_id)
    return ok(await posts.create(runtime, session, user, author, body))


@router.get("/posts", response_model=Envelope[PostPage])
async def list_posts(
    user: CurrentUser,
    session: DbSession,
    sort: Annotated[Sort | Literal["RELEVANCE"], Query()] = "NEW",
    period: Annotated[TopPeriod, Query(description="TOP: the posts of this period")] = "week",
    tag: Annotated[str | None, Query(max_length=40)] = None,
    symbol: Annotated[str | None, Query(max_length=30)] = None,
    author: Annotated[str | None, Query(max_length=80, description="A handle or a user id")] = None,
    q: Annotated[str | None, Query(max_length=200, description="Full-text search")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> Envelope[PostPage]:
    spec = posts.PostQuery(
        sort=sort,
        period=period,
        tag=posts.tag_filter(tag),
        symbol=symbol.strip().upper() if symbol else None,
        author=author,
        q=q,
        limit=limit,
        offset=offset,
    )
    return ok(await posts.page(session, user, spec))


@router.get("/posts/{postId}", response_model=Envelope[PostOut])
async def get_post(post_id: PostId, user: CurrentUser, session: DbSession) -> Envelope[PostOut]:
    return ok(await posts.get(session, user, post_id))


@router.patch("/posts/{postId}", response_model=Envelope[PostOut])
async def edit_post(
    post_id: PostId, body: PostPatch, user: CurrentUser, runtime: RuntimeDep, session: DbSession
) -> Envelope[PostOut]:
    return ok(await posts.update(runtime, session, user, post_id, body))


@router.delete("/posts/{postId}", status_code=204)
async def delete_post(post_id: PostId, user: CurrentUser, session: DbSession) -> Response:
    await posts.remove(session, user, post_id)
    return Response(status_code=204)


@router.get("/posts/{postId}/history", response_model=Envelope[list[RevisionOut]])
async def post_history(post_id: PostId, user: CurrentUser, session: DbSession) -> Envelope[list[RevisionOut]]:
    """The post as it was before each edit, newest first."""
    return ok(await posts.history(session, user, post_id))


@router.get("/posts/{postId}/stats", response_model=Envelope[PostStats])
async def post_stats(post_id: PostId, user: CurrentUser, session: DbSession) -> Envelope[PostStats]:
    return ok(await engagement.stats(session, user, post_id))


@router.post("/posts/{postId}/votes", response_model=Envelope[VoteOut])
async def vote_post(
    post_id: PostId, body: VoteIn, user: CurrentUser, runtime: RuntimeDep, session: DbSession
) -> Envelope[VoteOut]:
    """1 up, -1 down, 0 withdraws; voting again with the same value changes nothing."""
    return ok(await votes.vote_post(session, runtime.cache, user, post_id, body.value))


@router.get("/posts/{postId}/comments", response_model=Envelope[CommentList])
async def list_comments(post_id: PostId, user: CurrentUser, session: DbSession) -> Envelope[CommentList]:
    return ok(await comments.thread(session, user, post_id))


@router.post("/posts/{postId}/comments", response_model=Envelope[CommentOut], status_code=201)
async def add_comment(
    post_id: PostId, body: CommentIn, user: CurrentUser, runtime: RuntimeDep, session: DbSession
) -> Envelope[CommentOut]:
    return ok(await comments.create(runtime, session, user, post_id, body))


@router.patch("/posts/{postId}/comments/{commentId}", response_model=Envelope[CommentOut])
async def edit_comment(
    post_id: PostId, comment_id: CommentId, body: CommentPatch, user: CurrentUser, session: DbSession
) -> Envelope[CommentOut]:
    return ok(await comments.edit(session, user, post_id, comment_id, body))


@router.delete("/posts/{postId}/comments/{commentId}", status_code=204)
async def delete_comment(
    post_id: PostId, comment_id: CommentId, user: CurrentUser, session: DbSession
) -> Response:
    await comments.remove(session, user, post_id, comment_id)
    return Response(status_code=204)


@router.post("/posts/{postId}/comments/{commentId}/votes", response_model=Envelope[VoteOut])
async def vote_comment(
    post_id: PostId,
    comment_id: CommentId,
    body: VoteIn,
    user: CurrentUser,
    runtime: RuntimeDep,
    session: DbSession,
) -> Envelope[VoteOut]:
    return ok(await votes.vote_comment(session, runtime.cache, user, post_id, comment_id, body.value))


@router.post(
    "/posts/{postId}/attachments/{attachmentId}/clone", response_model=Envelope[CloneOut], status_code=201
)
async def clone_attachment(
    post_id: PostId,
    attachment_id: AttachmentId,
    user: CurrentUser,
    runtime: RuntimeDep,
    session: DbSession,
    notifier: NotifierDep,
) -> Envelope[CloneOut]:
    """Copy a shared alert, indicator or backtest into your account (checked as yours)."""
    post = await readable_post(session, user, post_id)
    row = next((a for a in await attachments.of_post(session, post.id) if a.id == attachment_id), None)
    if row is None:
        raise not_found("Attachment", attachment_id)
    return ok(await attachments.clone(runtime, session, notifier, user, row))


@router.post("/posts/{postId}/flags", response_model=Envelope[FlagOut])
async def flag_post(
    post_id: PostId, body: FlagIn, user: CurrentUser, runtime: RuntimeDep, session: DbSession
) -> Envelope[FlagOut]:
    """Report a post to the moderators (once per member)."""
    return ok(await queue.flag(session, runtime.cache, user, post_id, None, body.reason))


@router.post("/posts/{postId}/comments/{commentId}/flags", response_model=Envelope[FlagOut])
async def flag_comment(
    post_id: PostId,
    comment_id: CommentId,
    body: FlagIn,
    user: CurrentUser,
    runtime: RuntimeDep,
    session: DbSession,
) -> Envelope[FlagOut]:
    return ok(await queue.flag(session, runtime.cache, user, post_id, comment_id, body.reason))


@router.post("/uploads", response_model=Envelope[UploadOut], status_code=201)
async def upload_image(
    user: CurrentUser,
    runtime: RuntimeDep,
    session: DbSession,
    file: Annotated[UploadFile, File(description="A PNG, JPEG, GIF or WebP image")],
) -> Envelope[UploadOut]:
    """An image for your posts: re-encoded without its metadata; attach it with {"type": "UPLOAD", "id"}."""
    await rate_limit(runtime.cache, user, "upload")
    limit = runtime.settings.community_upload_max_bytes
    data = await file.read(limit + 1)
    return ok(await uploads.store(session, user.id, data, limit))


@router.get("/uploads/{uploadId}", response_class=Response, responses={200: {"content": {"image/png": {}}}})
async def get_upload(
    upload_id: Annotated[
        str, Path(alias="uploadId", min_length=8, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")
    ],
    session: DbSession,
) -> Response:
    """An uploaded image, by its unguessable id (no sign-in: posts show it in <img>)."""
    row = await uploads.get(session, upload_id)
    return Response(
        row.content,
        media_type=row.media_type,
        headers={"Cache-Control": "public, max-age=31536000, immutable", "X-Content-Type-Options": "nosniff"},
    )


@router.get("/members/{memberId}", response_model=Envelope[MemberOut])
async def member(member_id: MemberId, user: CurrentUser, session: DbSession) -> Envelope[MemberOut]:
    """A member's handle, reputation and standing."""
    return ok(await members.profile(session, user, member_id))


@router.get("/follows", response_model=Envelope[FollowList])
async def my_follows(user: CurrentUser, session: DbSession) -> Envelope[FollowList]:
    return ok(await members.follows(session, user))


@router.post("/follows", response_model=Envelope[FollowOut], status_code=201)
async def follow(body: FollowIn, user: CurrentUser, session: DbSession) -> Envelope[FollowOut]:
    return ok(await members.follow(session, user, body))


@router.delete("/follows/{kind}/{target}", status_code=204)
async def unfollow(
    kind: FollowKind,
    target: Annotated[str, Path(min_length=1, max_length=64)],
    user: CurrentUser,
    session: DbSession,
) -> Response:
    await members.unfollow(session, user, kind, target)
    return Response(status_code=204)


@router.get("/moderation/queue", response_model=Envelope[QueueOut])
async def moderation_queue(user: CurrentUser, session: DbSession) -> Envelope[QueueOut]:
    """Held and flagged posts and comments, oldest first (moderators and admins)."""
    return ok(await queue.pending(session, user))


@router.get("/moderation/log", response_model=Envelope[ActionList])
async def moderation_log(
    user: CurrentUser,
    session: DbSession,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> Envelope[ActionList]:
    return ok(await queue.actions(session, user, limit, offset))


@router.post("/moderation/posts/{postId}", response_model=Envelope[ActionOut])
async def moderate_post(
    post_id: PostId, body: ActionIn, user: CurrentUser, runtime: RuntimeDep, session: DbSession
) -> Envelope[ActionOut]:
    """HIDE, RESTORE (also a deleted post), APPROVE (a held one), LOCK or UNLOCK, with a reason."""
    return ok(await queue.act_on_post(runtime, session, user, post_id, body))


@router.post("/moderation/posts/{postId}/comments/{commentId}", response_model=Envelope[ActionOut])
async def moderate_comment(
    post_id: PostId,
    comment_id: CommentId,
    body: ActionIn,
    user: CurrentUser,
    runtime: RuntimeDep,
    session: DbSession,
) -> Envelope[ActionOut]:
    return ok(await queue.act_on_comment(runtime, session, user, post_id, comment_id, body))


@router.post("/moderation/members/{memberId}/ban", response_model=Envelope[ActionOut])
async def ban_user(
    member_id: MemberId, body: BanIn, user: CurrentUser, session: DbSession
) -> Envelope[ActionOut]:
    require_moderator(user)
    await user_service.get_user(session, member_id)
    return ok(await queue.ban(session, user, member_id, body))


@router.post("/moderation/members/{memberId}/unban", response_model=Envelope[ActionOut])
async def unban_user(
    member_id: MemberId, body: FlagIn, user: CurrentUser, session: DbSession
) -> Envelope[ActionOut]:
    require_moderator(user)
    await user_service.get_user(session, member_id)  # 404 for an unknown account, as ban
    return ok(await queue.unban(session, user, member_id, body.reason))
