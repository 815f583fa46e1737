"""Posts: the seed's create, read, edit with history, soft delete, and lists (NEW, TOP, TRENDING, search)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from sqlalchemy import Select, delete, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.community import attachments, engagement, members, notify, queue, screening, search, votes
from app.community.access import (
    Viewer,
    ensure_author_or_moderator,
    ensure_not_banned,
    ensure_open,
    is_moderator,
    rate_limit,
    readable_post,
    visible_posts,
)
from app.community.models import Attachment, Label, Post, PostRevision
from app.community.rendering import normalise_tag, normalise_tags, plain_text
from app.community.schemas import (
    AuthorOut,
    ModerationOut,
    PostCard,
    PostIn,
    PostOut,
    PostPage,
    PostPatch,
    RevisionOut,
    Sort,
    TopPeriod,
)
from app.core.clock import utcnow
from app.core.errors import AppError, ErrorCode
from app.core.runtime import Runtime
from app.users import service as users_service
from app.users.service import User

EXCERPT = 240
PERIODS = {
    "day": timedelta(days=1),
    "week": timedelta(days=7),
    "month": timedelta(days=30),
    "year": timedelta(days=365),
}


@dataclass(frozen=True)
class PostQuery:
    sort: Sort | Literal["RELEVANCE"] = "NEW"
    period: TopPeriod = "week"
    tag: str | None = None
    symbol: str | None = None
    author: str | None = None
    q: str | None = None
    limit: int = 20
    offset: int = 0


def tag_filter(tag: str | None) -> str | None:
    """A tag as the list filter takes it (normalised like the posts' tags); 422 naming `tag` if empty."""
    if tag is None or not tag.strip():
        return None
    try:
        return normalise_tag(tag)
    except ValueError as exc:
        raise AppError(ErrorCode.VALIDATION_ERROR, f"tag: {exc}", field="tag") from exc


def _tags(tags: list[str]) -> list[str]:
    try:
        return normalise_tags(tags)
    except ValueError as exc:
        raise AppError(ErrorCode.VALIDATION_ERROR, f"tags: {exc}", field="tags") from exc


def _check_images(runtime: Runtime, images: list[str]) -> None:
    allowed = {h.lower() for h in runtime.settings.community_image_hosts}
    for url in images:
        if (
            not url.startswith("/api/community/uploads/")
            and attachments.link(runtime.settings, 0, url).kind != "IMAGE"
        ):
            raise AppError(
                ErrorCode.VALIDATION_ERROR,
                f"Images in a post come from your uploads or from {', '.join(sorted(allowed))}: {url}",
                field="content",
            )


async def create(
    runtime: Runtime, session: AsyncSession, caller: User, author: User, body: PostIn
) -> PostOut:
    """The seed's create: checked, rendered and screened; REJECT is refused, HOLD_FOR_REVIEW is kept for the
    moderators and shown to its author only."""
    await rate_limit(runtime.cache, caller, "post")
    await ensure_not_banned(session, author)
    tags = _tags(body.tags)
    resolved = []
    for index, item in enumerate(body.attachments):
        if isinstance(item, str):
            resolved.append(attachments.link(runtime.settings, index, item))
        else:
            resolved.append(await attachments.insight(runtime, session, author, index, item))
    screened = await screening.screen(
        session,
        author.id,
        body.title,
        body.content,
        extra_links=[r.url for r in resolved if r.kind == "LINK"],
    )
    _check_images(runtime, screened.rendered.images)
    now = utcnow()
    post = Post(
        user_id=author.id,
        title=body.title,
        content=body.content,
        content_html=screened.rendered.html,
        tags=tags,
        symbols=screened.rendered.symbols,
        attachments=[item for item in body.attachments if isinstance(item, str)],
        visibility=body.visibility,
        status="PUBLISHED",
        moderation=screened.status,
        moderation_reasons=screened.reasons,
        locked=False,
        upvotes=0,
        downvotes=0,
        comments=0,
        views=0,
        readers=0,
        trending=votes.trending_score(0, now),
        created_at=now,
    )
    session.add(post)
    await session.flush()
    for position, made in enumerate(resolved):
        session.add(
            Attachment(
                post_id=post.id,
                position=position,
                kind=made.kind,
                url=made.url,
                source_id=made.source_id,
                title=made.title,
                data=made.data or {},
            )
        )
    _label(session, post)
    await members.ensure_member(session, author.id)
    if post.moderation == "ALLOW":
        await notify.new_post(session, runtime, post, screened.rendered.mentions)
    return await render(session, author, post)


def _label(session: AsyncSession, post: Post) -> None:
    for kind, values in (("TAG", post.tags), ("SYMBOL", post.symbols)):
        for value in values:
            session.add(Label(kind=kind, value=value, post_id=post.id))


async def get(session: AsyncSession, viewer: Viewer, post_id: int) -> PostOut:
    """The post with its HTML and attachments; a read by another member counts as a view."""
    post = await readable_post(session, viewer, post_id)
    await engagement.record_view(session, viewer, post)
    return await render(session, viewer, post)


async def render(session: AsyncSession, viewer: Viewer, post: Post) -> PostOut:
    card = (await cards(session, viewer, [post]))[0]
    rows = await attachments.of_post(session, post.id)
    revisions = await session.scalar(select(func.count()).where(PostRevision.post_id == post.id))
    return PostOut(
        **card.model_dump(),
        content=post.content,
        content_html=post.content_html,
        attachments=[attachments.to_out(r) for r in rows],
        revisions=revisions or 0,
    )


async def update(
    runtime: Runtime, session: AsyncSession, caller: User, post_id: int, body: PostPatch
) -> PostOut:
    """An edit by the author: the post as it was goes to its history, the new text is screened again."""
    post = await readable_post(session, caller, post_id)
    if post.user_id != caller.id:
        raise AppError(ErrorCode.FORBIDDEN, "Only its author may edit a post")
    ensure_open(post)
    await ensure_not_banned(session, caller)
    changes = body.model_dump(exclude_unset=True)
    if not changes:
        return await render(session, caller, post)
    title = body.title if body.title is not None else post.title
    content = body.content if body.content is not None else post.content
    screened = await screening.screen(session, caller.id, title, content, editing=True)
    _check_images(runtime, screened.rendered.images)
    session.add(
        PostRevision(
            post_id=post.id, title=post.title, content=post.content, tags=post.tags, edited_at=utcnow()
        )
    )
    post.title, post.content = title, content
    post.content_html = screened.rendered.html
    post.symbols = screened.rendered.symbols
    if body.tags is not None:
        post.tags = _tags(body.tags)
    if body.visibility is not None:
        post.visibility = body.visibility
    if post.moderation == "ALLOW" or screened.status == "HOLD_FOR_REVIEW":
        post.moderation, post.moderation_reasons = screened.status, screened.reasons
    post.updated_at = utcnow()
    await session.execute(delete(Label).where(Label.post_id == post.id))
    _label(session, post)
    await session.flush()
    return await render(session, caller, post)


async def history(session: AsyncSession, viewer: Viewer, post_id: int) -> list[RevisionOut]:
    post = await readable_post(session, viewer, post_id)
    rows = await session.scalars(
        select(PostRevision).where(PostRevision.post_id == post.id).order_by(PostRevision.id.desc())
    )
    return [RevisionOut.model_validate(r) for r in rows]


async def remove(session: AsyncSession, caller: User, post_id: int) -> None:
    """Soft delete by the author or a moderator; moderators can restore it."""
    post = await readable_post(session, caller, post_id)
    ensure_author_or_moderator(caller, post.user_id, "post")
    post.status, post.deleted_at = "DELETED", utcnow()
    if caller.id != post.user_id:
        await queue.log(session, caller.id, "DELETE", "POST", post.id, "deleted by a moderator")


def _filtered(query: Select[Post], viewer: Viewer, spec: PostQuery, author_id: int | None) -> Select[Post]:
    query = query.where(visible_posts(viewer))
    for kind, value in (("TAG", spec.tag), ("SYMBOL", spec.symbol)):
        if value:
            query = query.where(
                exists().where(Label.kind == kind, Label.value == value, Label.post_id == Post.id)
            )
    if author_id is not None:
        query = query.where(Post.user_id == author_id)
    return query


async def _author_id(session: AsyncSession, author: str | None) -> int | None:
    if not author:
        return None
    if author.isdigit():
        return int(author)
    found = await users_service.ids_by_handle(session, {author.lower()})
    return found.get(author.lower(), 0)


async def page(session: AsyncSession, viewer: Viewer, spec: PostQuery) -> PostPage:
    """A page of posts the viewer may read. TRENDING by `votes.trending_score`, TOP by net score within the
    period, NEW newest first; with `q`, only matching posts (best match first unless a sort is given)."""
    query = _filtered(select(Post), viewer, spec, await _author_id(session, spec.author))
    if spec.q:
        matched = search.ranked(session, query, spec.q)
        if matched is None:
            return PostPage(items=[], limit=spec.limit, offset=spec.offset, has_more=False)
        query = matched if spec.sort == "RELEVANCE" else matched.order_by(None)
    if spec.sort == "TRENDING":
        query = query.order_by(Post.trending.desc(), Post.id.desc())
    elif spec.sort == "TOP":
        if spec.period != "all":
            query = query.where(Post.created_at >= utcnow() - PERIODS[spec.period])
        query = query.order_by((Post.upvotes - Post.downvotes).desc(), Post.id.desc())
    elif spec.sort == "NEW" or not spec.q:  # RELEVANCE without words: newest first
        query = query.order_by(Post.created_at.desc(), Post.id.desc())
    rows = list(await session.scalars(query.limit(spec.limit + 1).offset(spec.offset)))
    items = await cards(session, viewer, rows[: spec.limit])
    return PostPage(items=items, limit=spec.limit, offset=spec.offset, has_more=len(rows) > spec.limit)


async def cards(session: AsyncSession, viewer: Viewer, posts: list[Post]) -> list[PostCard]:
    """The posts as list items, with their authors, attachment kinds and the viewer's votes in 3 queries."""
    ids = [p.id for p in posts]
    people = await members.authors(session, {p.user_id for p in posts})
    mine = await votes.my_votes(session, viewer.id, ids)
    kinds: dict[int, list[str]] = {}
    if ids:
        rows = await session.execute(
            select(Attachment.post_id, Attachment.kind)
            .where(Attachment.post_id.in_(ids))
            .order_by(Attachment.position)
        )
        for post_id, kind in rows:
            kinds.setdefault(post_id, []).append(kind)
    moderator = is_moderator(viewer)
    return [
        PostCard(
            post_id=p.id,
            user_id=p.user_id,
            title=p.title,
            upvotes=p.upvotes,
            comments=p.comments,
            visibility=p.visibility,
            created_at=p.created_at,
            author=people.get(p.user_id)
            or AuthorOut(user_id=p.user_id, display_name=f"user{p.user_id}", reputation=0),
            excerpt=_excerpt(p.content),
            tags=p.tags,
            symbols=p.symbols,
            downvotes=p.downvotes,
            score=p.upvotes - p.downvotes,
            my_vote=mine.get(p.id, 0),
            views=p.views,
            readers=p.readers,
            trending=p.trending,
            status=p.status,
            moderation=ModerationOut.model_validate(
                {
                    "status": p.moderation,
                    "reasons": p.moderation_reasons if moderator or viewer.id == p.user_id else [],
                }
            ),
            locked=p.locked,
            attachment_types=kinds.get(p.id, []),
            updated_at=p.updated_at,
        )
        for p in posts
    ]


def _excerpt(content: str) -> str:
    text = plain_text(content)
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1].rsplit(" ", 1)[0] + "…"
