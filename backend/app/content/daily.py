"""The digest job's work: each user's digest of the day once their hour has come, sent when they opted in."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.content import delivery, digest
from app.content.models import Digest
from app.core.clock import utcnow
from app.core.runtime import Runtime
from app.users import service as users_service
from app.users.service import User

log = logging.getLogger(__name__)
BATCH = 200  # users per transaction: SQLite's one writer waits at most about a second


@dataclass
class Run:
    built: int = 0
    sent: int = 0
    failed: int = 0


def due_day(user: User, now: datetime) -> date | None:
    """The user's local date when their digest hour has come today, else None."""
    prefs = users_service.preferences_of(user)
    local = now.astimezone(ZoneInfo(prefs.timezone))
    return local.date() if local.hour >= prefs.digest.hour else None


async def build_due(runtime: Runtime, now: datetime | None = None) -> Run:
    """Build (and send) every due digest not built yet: one unit of work per batch of users, so that the
    database is never held long and a failure loses nothing already built."""
    now = now or utcnow()
    run = Run()
    after = 0
    while True:
        async with runtime.db.session() as session:
            users = await users_service.users_after(session, after, BATCH)
        if not users:
            return run
        after = users[-1].id
        due = [(u, day) for u in users if (day := due_day(u, now)) is not None]
        if not due:
            continue
        try:
            await _batch(runtime, due, run)
        except Exception:
            log.warning("a batch of %d digests failed; building them one by one", len(due), exc_info=True)
            for one in due:
                try:
                    await _batch(runtime, [one], run)
                except Exception:  # one user's problem stops only their own digest; the next run tries again
                    log.exception("digest of user %s for %s failed", one[0].id, one[1])
                    run.failed += 1


async def _batch(runtime: Runtime, due: list[tuple[User, date]], run: Run) -> None:
    """Build the batch's missing digests and send the due ones not sent yet, in one unit of work. Nothing
    is counted unless it commits."""
    built = sent = 0
    async with runtime.db.session() as session:
        stored = await _stored(session, {(u.id, day.isoformat()) for u, day in due})
        missing = [(u, day) for u, day in due if (u.id, day.isoformat()) not in stored]
        if missing:
            rows = await digest.build_many(runtime, session, missing)
            stored |= {(row.user_id, row.date): row for row in rows}
            built = len(rows)
        for user, day in due:
            found = stored.get((user.id, day.isoformat()))
            if found is not None:
                sent += await delivery.send(runtime, session, user, found)
    run.built += built
    run.sent += sent


async def _stored(session: AsyncSession, wanted: set[tuple[int, str]]) -> dict[tuple[int, str], Digest]:
    if not wanted:
        return {}
    user_ids = {uid for uid, _ in wanted}
    days = {day for _, day in wanted}
    rows = await session.scalars(select(Digest).where(Digest.user_id.in_(user_ids), Digest.date.in_(days)))
    return {(r.user_id, r.date): r for r in rows if (r.user_id, r.date) in wanted}
