"""The Celery application of the cluster: one task that executes a job row, and beat's schedule."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

from celery import Celery

from app.config import Settings
from app.core.runtime import Runtime
from app.core.tasks.registry import periodic

RuntimeFactory = Callable[[], AbstractAsyncContextManager[Runtime]]


def create_celery(settings: Settings, make_runtime: RuntimeFactory | None = None) -> Celery:
    """The Celery app; a worker passes `make_runtime` (its tasks need a runtime), a dispatcher need not."""
    if not settings.redis_url:
        raise RuntimeError("CRYPTOMON_REDIS_URL must be set to use Celery")
    queue = f"{settings.namespace}.jobs"
    celery = Celery("cryptomon", broker=settings.redis_url)
    celery.conf.update(
        task_default_queue=queue,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        worker_hijack_root_logger=False,
        broker_connection_retry_on_startup=True,
        task_ignore_result=True,
        beat_schedule={
            spec.name: {
                "task": "cryptomon.enqueue_periodic",
                "schedule": spec.every.total_seconds(),
                "args": [spec.name],
            }
            for spec in periodic()
            if spec.every
        },
    )

    @celery.task(name="cryptomon.execute_job")  # type: ignore[untyped-decorator]
    def execute_job_task(job_id: str) -> None:
        from app.core.tasks.service import execute_job

        _worker(make_runtime).run(lambda runtime: execute_job(runtime, job_id))

    @celery.task(name="cryptomon.enqueue_periodic")  # type: ignore[untyped-decorator]
    def enqueue_periodic_task(name: str) -> None:
        from app.core.tasks.service import enqueue

        async def run(runtime: Any) -> None:
            async with runtime.db.session() as session:
                await enqueue(runtime, session, name)

        _worker(make_runtime).run(run)

    return celery


class _WorkerRuntime:
    """One event loop and one runtime per worker process, made on its first task (after the fork)."""

    def __init__(self, make_runtime: RuntimeFactory) -> None:
        self.loop = asyncio.new_event_loop()
        self._context = make_runtime()
        self.runtime = self.loop.run_until_complete(self._context.__aenter__())

    def run(self, job: Any) -> None:
        self.loop.run_until_complete(job(self.runtime))


_local = threading.local()


def _worker(make_runtime: RuntimeFactory | None) -> _WorkerRuntime:
    if not hasattr(_local, "runtime"):
        if make_runtime is None:
            raise RuntimeError("this Celery app was made to dispatch jobs, not to run them")
        _local.runtime = _WorkerRuntime(make_runtime)
    worker: _WorkerRuntime = _local.runtime
    return worker
