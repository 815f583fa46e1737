"""Job use cases: enqueue after commit, claim exactly once, execute, record the outcome."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from prometheus_client import Gauge
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.bus import messages as bus_messages
from app.core.clock import utcnow
from app.core.db import after_commit
from app.core.errors import not_found
from app.core.metrics import on_scrape, set_counts
from app.core.outage import is_outage
from app.core.tasks.models import FINISHED, Job, JobStatus
from app.core.tasks.registry import LEASE, JobCancelled, JobContext, get_task

if TYPE_CHECKING:
    from app.core.runtime import Runtime

log = logging.getLogger(__name__)

# A job that failed only because the database or Redis was unreachable runs again after these pauses (s):
# a restart or failover takes seconds, and a job is at-least-once anyway (a dead runner's is run again).
OUTAGE_PAUSES = (1.0, 3.0, 9.0)
T = TypeVar("T")

UNFINISHED = Gauge("cryptomon_jobs", "Jobs not finished, by status (PENDING: the queue)", ["status"])


@on_scrape
async def measure_queue(runtime: Runtime) -> None:
    """The jobs waiting (PENDING) and running, over every worker."""
    async with runtime.db.session() as session:
        rows = await session.execute(
            select(Job.status, func.count()).where(Job.status.not_in(FINISHED)).group_by(Job.status)
        )
        counts = {JobStatus.PENDING.value: 0, JobStatus.RUNNING.value: 0}
        counts.update((status, n) for status, n in rows)
        set_counts(UNFINISHED, counts)


async def enqueue(
    runtime: Runtime,
    session: AsyncSession,
    name: str,
    args: dict[str, Any] | None = None,
    *,
    user_id: int | None = None,
) -> Job:
    """Add a PENDING job in the caller's transaction; it is handed to a runner only once that commits."""
    get_task(name)
    job = Job(
        id=uuid.uuid4().hex,
        name=name,
        args=args or {},
        user_id=user_id,
        status=JobStatus.PENDING,
        progress=0.0,
        attempts=0,
        cancel_requested=False,
        created_at=utcnow(),
    )
    session.add(job)
    await session.flush()

    async def hand_over() -> None:
        try:
            await runtime.jobs.dispatch(job.id)
        except Exception:
            # The row is committed; system.requeue_jobs hands it over again once the broker answers.
            log.warning(
                "could not hand job over; it will be requeued", exc_info=True, extra={"jobId": job.id}
            )

    after_commit(session, hand_over)
    return job


async def get_job(session: AsyncSession, job_id: str) -> Job:
    job = await session.get(Job, job_id)
    if job is None:
        raise not_found("Job", job_id)
    return job


async def request_cancel(session: AsyncSession, job: Job) -> Job:
    if job.status == JobStatus.PENDING:
        job.status = JobStatus.CANCELLED
        job.finished_at = utcnow()
    elif job.status == JobStatus.RUNNING:
        job.cancel_requested = True
    return job


async def _claim(runtime: Runtime, job_id: str) -> Job | None:
    """Mark the job RUNNING if nobody else holds it; a RUNNING job whose lease ran out is taken over."""
    now = utcnow()
    async with runtime.db.session() as session:
        claimed = await session.execute(
            update(Job)
            .where(Job.id == job_id)
            .where(
                or_(
                    Job.status == JobStatus.PENDING,
                    (Job.status == JobStatus.RUNNING) & (Job.lease_expires_at < now),
                )
            )
            .values(
                status=JobStatus.RUNNING,
                started_at=now,
                lease_expires_at=now + LEASE,
                attempts=Job.attempts + 1,
            )
        )
        if getattr(claimed, "rowcount", 0) != 1:
            return None
        return await session.get(Job, job_id)


async def _finish(
    runtime: Runtime, job_id: str, status: JobStatus, *, result: Any = None, error: str | None = None
) -> None:
    async with runtime.db.session() as session:
        job = await session.get(Job, job_id)
        if job is None:
            return
        job.status = status
        job.result = result
        job.error = error
        job.finished_at = utcnow()
        job.lease_expires_at = None
        if status == JobStatus.DONE:
            job.progress = 1.0
        user_id = job.user_id
    event = bus_messages.UserEvent("JOB_UPDATE", {"jobId": job_id, "status": str(status)}).encode()
    try:  # the outcome is stored: a lost announcement is read from the job by whoever polls it
        await runtime.bus.publish(bus_messages.JOBS, event)
        if user_id is not None:
            await runtime.bus.publish(bus_messages.user(user_id), event)
    except Exception as exc:
        if not is_outage(exc):
            raise
        log.warning("job %s finished as %s, not announced: the bus is unreachable", job_id, status)


async def execute_job(runtime: Runtime, job_id: str) -> None:
    """Run one job to its end; safe to call twice for the same id (the second call does nothing)."""
    job = await _claim(runtime, job_id)
    if job is None:
        return
    context = JobContext(runtime, job.id, job.user_id)
    name, args = job.name, job.args
    try:
        result = await _through_outages(lambda: get_task(name).fn(context, **args), job_id)
    except JobCancelled:
        await _through_outages(lambda: _finish(runtime, job_id, JobStatus.CANCELLED), job_id)
    except Exception as exc:
        log.exception("job failed", extra={"jobId": job_id, "job": name})
        error = f"{type(exc).__name__}: {exc}"
        await _through_outages(lambda: _finish(runtime, job_id, JobStatus.FAILED, error=error), job_id)
    else:
        await _through_outages(lambda: _finish(runtime, job_id, JobStatus.DONE, result=result), job_id)


async def _through_outages(attempt: Callable[[], Awaitable[T]], job_id: str) -> T:
    """`attempt()`, made again after each pause of OUTAGE_PAUSES while it fails for an outage."""
    for pause in OUTAGE_PAUSES:
        try:
            return await attempt()
        except Exception as exc:
            if not is_outage(exc):
                raise
            log.warning("job met an outage; again in %g s", pause, exc_info=True, extra={"jobId": job_id})
        await asyncio.sleep(pause)
    return await attempt()


async def unfinished_job_ids(runtime: Runtime, pending_for: timedelta = timedelta(0)) -> list[str]:
    """Jobs accepted but not finished whose runner is gone: PENDING for longer than `pending_for`
    (never handed over, or lost on the way) or RUNNING past their lease (the runner died)."""
    now = utcnow()
    async with runtime.db.session() as session:
        rows = await session.scalars(
            select(Job.id)
            .where(
                or_(
                    (Job.status == JobStatus.PENDING) & (Job.created_at <= now - pending_for),
                    (Job.status == JobStatus.RUNNING) & (Job.lease_expires_at < now),
                )
            )
            .order_by(Job.created_at)
        )
        return list(rows)


async def release_running(runtime: Runtime) -> None:
    """Embedded start-up: no other process runs jobs, so every RUNNING job was interrupted."""
    async with runtime.db.session() as session:
        await session.execute(
            update(Job)
            .where(Job.status == JobStatus.RUNNING)
            .values(status=JobStatus.PENDING, lease_expires_at=None)
        )


async def prune_finished(runtime: Runtime, older_than: timedelta) -> int:
    """Delete system jobs (no user) finished before `older_than` ago; users' jobs are kept."""
    async with runtime.db.session() as session:
        result = await session.execute(
            delete(Job).where(
                Job.user_id.is_(None),
                Job.status.in_([s.value for s in FINISHED]),
                Job.finished_at < utcnow() - older_than,
            )
        )
        return int(getattr(result, "rowcount", 0) or 0)
