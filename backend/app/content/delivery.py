"""Sending a digest at the user's hour: email (HTML with a plain-text part) and IN_APP, through the outbox."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined
from sqlalchemy.ext.asyncio import AsyncSession

from app.content.models import Digest
from app.content.phrasing import percent
from app.content.schemas import DigestOut
from app.core.clock import utcnow
from app.core.runtime import Runtime
from app.notifications import service as notifications_service
from app.notifications.schemas import Message
from app.realtime.service import DAILY_DIGEST
from app.users import service as users_service
from app.users.service import User


@cache
def _templates() -> Environment:
    environment = Environment(
        loader=PackageLoader("app.content", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
    )
    environment.globals.update(percent=percent, price=_price)
    return environment


def _price(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.2f}" if value >= 1 else f"{value:.6g}"


def title_of(digest: DigestOut) -> str:
    return f"Your Cryptomon digest for {digest.date}"


def link_of(runtime: Runtime, digest: DigestOut) -> str | None:
    base = runtime.settings.public_url
    return f"{base.rstrip('/')}/digest?date={digest.date}" if base else None


def html_of(digest: DigestOut, link: str | None) -> str:
    return (
        _templates().get_template("digest_email.html.j2").render(title=title_of(digest), d=digest, link=link)
    )


def fields_of(digest: DigestOut) -> dict[str, str]:
    """The plain-text part's lines (and the other channels' fields): movers, news and lessons."""
    overview = digest.market_overview
    fields: dict[str, str] = {"Mood": overview.sentiment}
    if overview.top_movers:
        fields["Top movers"] = ", ".join(f"{m.symbol} {percent(m.change24h)}" for m in overview.top_movers)
    for n, item in enumerate(digest.personalized_news, 1):
        fields[f"News {n}"] = f"{item.title} ({item.source}) {item.url}"
    for n, lesson in enumerate(digest.educational_content, 1):
        fields[f"Lesson {n}"] = f"{lesson.title} {lesson.url}"
    return fields


async def send(runtime: Runtime, session: AsyncSession, user: User, row: Digest) -> bool:
    """Queue the digest on the user's digest channels when they opted in and it was not sent yet."""
    settings = users_service.preferences_of(user).digest
    if not settings.enabled or not settings.channels or row.sent_at is not None:
        return False
    digest = DigestOut.model_validate(row.payload)
    link = link_of(runtime, digest)
    message = Message(
        title=title_of(digest),
        body=digest.market_overview.summary,
        fields=fields_of(digest),
        url=link,
        event={
            "type": DAILY_DIGEST,
            "userId": user.id,
            "date": digest.date,
            "sentiment": digest.market_overview.sentiment,
        },
        html=html_of(digest, link),
    )
    ids = await notifications_service.send(session, runtime.bus, user.id, list(settings.channels), message)
    row.sent_at = utcnow()
    row.notification_ids = [str(i) for i in ids]
    return True
