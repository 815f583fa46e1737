"""Who runs a committed job: an asyncio task in this process, or a Celery worker over Redis."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from celery import Celery

    from app.core.runtime import Runtime

log = logging.getLogger(__name__)


class InProcessDispatcher:
    """Embedded mode: jobs run on this event loop, at most `concurrency` at a time."""

    def __init__(self, runtime: Runtime, concurrency: int) -> None:
        self._runtime = runtime
        self._slots = asyncio.Semaphore(concurrency)
        self._running: set[asyncio.Task[None]] = set()

    async def dispatch(self, job_id: str) -> None:
        running = asyncio.create_task(self._run(job_id), name=f"job-{job_id}")
        self._running.add(running)
        running.add_done_callback(self._running.discard)

    async def _run(self, job_id: str) -> None:
        from app.core.tasks.service import execute_job

        async with self._slots:
            await execute_job(self._runtime, job_id)

    async def drain(self) -> None:
        """Wait for every job handed over so far (tests, and a graceful stop)."""
        while self._running:
            await asyncio.gather(*list(self._running), return_exceptions=True)

    async def close(self, grace_seconds: float = 10.0) -> None:
        """Let running jobs finish for a while, then cancel the rest (the next start runs them again)."""
        if self._running:
            await asyncio.wait(list(self._running), timeout=grace_seconds)
        for running in list(self._running):
            running.cancel()
        await asyncio.gather(*list(self._running), return_exceptions=True)


class CeleryDispatcher:
    """Cluster mode: the job id goes to the Redis broker; any `cryptomon worker` runs it."""

    def __init__(self, celery: Celery) -> None:
        self._celery = celery

    async def dispatch(self, job_id: str) -> None:
        # send_task does blocking socket I/O; keep it off the event loop.
        await asyncio.to_thread(self._celery.send_task, "cryptomon.execute_job", args=[job_id])

    async def close(self) -> None:
        return None
