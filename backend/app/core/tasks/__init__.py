"""Background jobs: enqueue by name with JSON arguments, run in-process or on Celery, poll the row."""

from app.core.tasks.models import Job, JobStatus
from app.core.tasks.registry import JobContext, periodic, task
from app.core.tasks.service import enqueue, get_job

__all__ = ["Job", "JobContext", "JobStatus", "enqueue", "get_job", "periodic", "task"]
