"""Job functions by name, and the context a running job gets (database, bus, cache, progress)."""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from app.core.clock import utcnow
from app.core.errors import AppError, ErrorCode

if TYPE_CHECKING:
    from app.core.runtime import Runtime

JobFn = Callable[..., Awaitable[Any]]

# Modules whose import registers tasks; a domain with background jobs adds its `tasks` module here.
TASK_MODULES = ["app.core.maintenance", "app.realtime.tasks", "app.backtesting.tasks"]

LEASE = timedelta(minutes=10)


class JobCancelled(Exception):
    """Raised inside a job when its cancellation was requested."""


@dataclass(frozen=True)
class TaskSpec:
    name: str
    fn: JobFn
    every: timedelta | None = None


TASKS: dict[str, TaskSpec] = {}


def task(name: str, *, every: timedelta | None = None) -> Callable[[JobFn], JobFn]:
    """Register `fn` as the job `name`; with `every`, it is also scheduled periodically."""

    def register(fn: JobFn) -> JobFn:
        if name in TASKS and TASKS[name].fn is not fn:
            raise RuntimeError(f"task {name} registered twice")
        TASKS[name] = TaskSpec(name, fn, every)
        return fn

    return register


def periodic() -> list[TaskSpec]:
    load_all()
    return [spec for spec in TASKS.values() if spec.every]


def load_all() -> None:
    for module in TASK_MODULES:
        importlib.import_module(module)


def get_task(name: str) -> TaskSpec:
    load_all()
    if name not in TASKS:
        raise AppError(ErrorCode.BAD_REQUEST, f"Unknown job {name}", field="name")
    return TASKS[name]


@dataclass
class JobContext:
    runtime: Runtime
    job_id: str
    user_id: int | None

    async def progress(self, fraction: float, message: str | None = None) -> None:
        """Record progress (0..1), extend the lease, and stop here if cancellation was requested."""
        from app.core.tasks.models import Job

        async with self.runtime.db.session() as session:
            job = await session.get(Job, self.job_id)
            if job is None or job.cancel_requested:
                raise JobCancelled(self.job_id)
            job.progress = max(0.0, min(1.0, fraction))
            job.message = message
            job.lease_expires_at = utcnow() + LEASE

    async def cancelled(self) -> bool:
        from app.core.tasks.models import Job

        async with self.runtime.db.session() as session:
            flag = await session.scalar(select(Job.cancel_requested).where(Job.id == self.job_id))
            return bool(flag)
