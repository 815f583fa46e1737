"""Rendering and automatic moderation of what a member writes: the Markdown turned into safe HTML with
assets linked, then the checks run with what the database knows of the author's recent activity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.community import moderation, rendering
from app.community.models import Comment, Post
from app.community.rendering import Rendered
from app.core.clock import utcnow
from app.core.errors import AppError, ErrorCode
from app.market import service as market_service


@dataclass(frozen=True)
class Screened:
    rendered: Rendered
    verdict: moderation.Verdict

    @property
    def status(self) -> str:
        return "ALLOW" if self.verdict.decision == moderation.Decision.ALLOW else "HOLD_FOR_REVIEW"

    @property
    def reasons(self) -> list[dict[str, str]]:
        return [{"code": r.code, "message": r.message} for r in self.verdict.reasons]


async def symbol_map(session: AsyncSession) -> dict[str, str]:
    """`$BTC` and `BTC-USD` to the registry's symbol (a base quoted in USD first)."""
    mapping: dict[str, str] = {}
    for asset in sorted(await market_service.list_assets(session), key=lambda a: a.quote != "USD"):
        mapping[asset.symbol] = asset.symbol
        mapping.setdefault(asset.base, asset.symbol)
    return mapping


def _normalised(text: str) -> str:
    return " ".join(text.lower().split())


async def _signals(session: AsyncSession, author_id: int, text: str, links: list[str]) -> moderation.Signals:
    now = utcnow()
    window = now - timedelta(minutes=moderation.Rules().rate_window_minutes)
    recent_posts = await session.scalar(
        select(func.count()).where(Post.user_id == author_id, Post.created_at >= window)
    )
    recent_comments = await session.scalar(
        select(func.count()).where(Comment.user_id == author_id, Comment.created_at >= window)
    )
    day = now - timedelta(hours=24)
    mine = _normalised(text)
    earlier = await session.scalars(
        select(Post.content).where(Post.user_id == author_id, Post.created_at >= day).limit(200)
    )
    earlier_comments = await session.scalars(
        select(Comment.content).where(Comment.user_id == author_id, Comment.created_at >= day).limit(200)
    )
    duplicate = any(_normalised(t) == mine for t in [*earlier, *earlier_comments])
    return moderation.Signals(
        recent_by_author=(recent_posts or 0) + (recent_comments or 0),
        duplicate_recent=duplicate,
        links=tuple(links),
    )


async def screen(
    session: AsyncSession,
    author_id: int,
    title: str,
    text: str,
    *,
    editing: bool = False,
    extra_links: list[str | None] | None = None,
) -> Screened:
    """Render `text` and run the automatic checks; REJECT is a 422 (CONTENT_REJECTED) naming the reasons."""
    rendered = rendering.render(text, await symbol_map(session))
    links = [*rendered.links, *(url for url in extra_links or [] if url)]
    # An edit is no new message: neither the posting rate nor duplicates apply to it.
    signals = (
        moderation.Signals(links=tuple(links)) if editing else await _signals(session, author_id, text, links)
    )
    verdict = moderation.check(title, rendering.plain_text(text), signals)
    if verdict.decision == moderation.Decision.REJECT:
        raise AppError(
            ErrorCode.CONTENT_REJECTED,
            "Not published: " + " ".join(r.message for r in verdict.reasons),
            field="content",
            details=[{"field": r.code, "message": r.message} for r in verdict.reasons],
        )
    return Screened(rendered, verdict)
