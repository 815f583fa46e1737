"""/metrics: a token keeps it private, and the cluster-wide gauges read the database when it is scraped."""

from __future__ import annotations

from datetime import timedelta

import httpx
from fastapi import FastAPI
from sqlalchemy import update

from app.config import Settings
from app.core.clock import utcnow
from app.core.tasks.models import Job
from app.notifications.models import Notification
from tests.conftest import assert_error, register, serve


def sample(text: str, line_start: str) -> float:
    return float(next(line for line in text.splitlines() if line.startswith(line_start)).split()[-1])


async def test_a_metrics_token_is_required_once_set(settings: Settings) -> None:
    private = settings.model_copy(update={"metrics_token": "s3cret-scrape"})
    async with serve(private) as client:
        missing = await client.get("/metrics")
        wrong = await client.get("/metrics", headers={"Authorization": "Bearer nope"})
        right = await client.get("/metrics", headers={"Authorization": "Bearer s3cret-scrape"})
    assert_error(missing, 401, "UNAUTHORIZED")
    assert_error(wrong, 401, "UNAUTHORIZED")
    assert right.status_code == 200 and "cryptomon_http_requests_total" in right.text


async def test_the_outbox_backlog_and_the_job_queue_are_counted(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    """Rows no process takes while the test looks: notifications due in an hour, jobs never dispatched (the
    embedded scheduler enqueues its first periodic job 15 s after the start)."""
    account = await register(client)
    later = utcnow() + timedelta(hours=1)
    async with app.state.runtime.db.session() as session:
        session.add_all(
            Notification(
                user_id=account.id,
                channel="WEBHOOK",
                status=status,
                payload={},
                created_at=utcnow(),
                next_attempt_at=later,
            )
            for status in ("PENDING", "PENDING", "DELIVERED")
        )
        statuses = ["PENDING", "PENDING", "PENDING", "RUNNING", "DONE"]
        session.add_all(
            Job(id=f"job{i}", name="reports.generate", status=s, created_at=utcnow())
            for i, s in enumerate(statuses)
        )
    text = (await client.get("/metrics")).text
    assert sample(text, 'cryptomon_notifications_pending{channel="WEBHOOK"}') == 2
    assert sample(text, 'cryptomon_jobs{status="PENDING"}') == 3
    assert sample(text, 'cryptomon_jobs{status="RUNNING"}') == 1

    async with app.state.runtime.db.session() as session:
        await session.execute(update(Notification).values(status="DELIVERED"))
        await session.execute(update(Job).values(status="DONE"))
    text = (await client.get("/metrics")).text
    assert sample(text, 'cryptomon_notifications_pending{channel="WEBHOOK"}') == 0  # drained, not stale
    assert sample(text, 'cryptomon_jobs{status="PENDING"}') == 0
