"""How a job is shown to its owner: every route that starts or polls a job answers with `JobOut`."""

from __future__ import annotations

from pydantic import Field

from app.core.schemas import ApiModel, JsonObject, UtcDateTime
from app.core.tasks.models import Job


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
