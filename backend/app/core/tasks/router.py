"""Routes to poll and cancel background jobs, and to run the worker diagnostics job."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import Field

from app.core.deps import DbSession, RuntimeDep
from app.core.envelope import ERROR_RESPONSES, Envelope, ok
from app.core.errors import forbidden
from app.core.schemas import ApiModel, JsonObject, UtcDateTime
from app.core.tasks import service as job_service
from app.core.tasks.models import Job
from app.users.deps import AdminUser, CurrentUser
from app.users.models import User

router = APIRouter(prefix="/api", tags=["jobs"], responses=ERROR_RESPONSES)

JobId = Annotated[str, Path(alias="jobId", min_length=1, max_length=32)]


class JobOut(ApiModel):
    job_id: str
    name: str
    status: str
    progress: float
    message: str | None
    result: JsonObject | None = Field(
        description="What the job returned (its own shape: a sweep's is SweepOut)"
    )
    error: str | None
    attempts: int
    created_at: UtcDateTime
    started_at: UtcDateTime | None
    finished_at: UtcDateTime | None


def job_out(job: Job) -> JobOut:
    return JobOut(
        job_id=job.id,
        name=job.name,
        status=job.status,
        progress=job.progress,
        message=job.message,
        result=job.result,
        error=job.error,
        attempts=job.attempts,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
    )


async def _owned_job(session: DbSession, job_id: str, user: User) -> Job:
    job = await job_service.get_job(session, job_id)
    if job.user_id != user.id and not user.is_admin:
        raise forbidden(f"Job {job_id} is not yours")
    return job


@router.get("/jobs/{jobId}", response_model=Envelope[JobOut])
async def get_job(job_id: JobId, user: CurrentUser, session: DbSession) -> Envelope[JobOut]:
    return ok(job_out(await _owned_job(session, job_id, user)))


@router.post("/jobs/{jobId}/cancel", response_model=Envelope[JobOut])
async def cancel_job(job_id: JobId, user: CurrentUser, session: DbSession) -> Envelope[JobOut]:
    job = await _owned_job(session, job_id, user)
    return ok(job_out(await job_service.request_cancel(session, job)))


@router.post("/system/diagnostics", response_model=Envelope[JobOut], status_code=202, tags=["system"])
async def run_diagnostics(user: AdminUser, runtime: RuntimeDep, session: DbSession) -> Envelope[JobOut]:
    """Enqueue a job that checks, from whichever worker runs it, that the database, bus and cache answer."""
    job = await job_service.enqueue(runtime, session, "system.diagnostics", user_id=user.id)
    return ok(job_out(job))
