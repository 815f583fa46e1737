"""Routes to poll and cancel background jobs, and to run the worker diagnostics job."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from app.core.deps import DbSession, RuntimeDep
from app.core.envelope import ERROR_RESPONSES, Envelope, ok
from app.core.errors import forbidden
from app.core.tasks import service as job_service
from app.core.tasks.models import Job
from app.core.tasks.schemas import JobOut, job_out
from app.users.deps import AdminUser, CurrentUser
from app.users.service import User

router = APIRouter(prefix="/api", tags=["jobs"], responses=ERROR_RESPONSES)

JobId = Annotated[str, Path(alias="jobId", min_length=1, max_length=32)]


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
