"""The process's infrastructure, built from settings: database, bus, cache and job dispatcher."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Literal

from app.config import Settings
from app.core.bus import Bus, MemoryBus, RedisBus
from app.core.cache import Cache, MemoryCache, RedisCache
from app.core.db import Database
from app.core.tasks.dispatch import CeleryDispatcher, InProcessDispatcher, JobDispatcher

log = logging.getLogger(__name__)

Role = Literal["api", "worker", "cli"]

FIRST_PERIODIC_DELAY = timedelta(seconds=15)


@dataclass
class Runtime:
    settings: Settings
    db: Database
    bus: Bus
    cache: Cache
    jobs: JobDispatcher = field(init=False)
    background: list[asyncio.Task[None]] = field(default_factory=list)


def _bus_and_cache(settings: Settings) -> tuple[Bus, Cache]:
    if settings.redis_url:
        return (
            RedisBus(settings.redis_url, settings.namespace),
            RedisCache(settings.redis_url, settings.namespace),
        )
    return MemoryBus(), MemoryCache()


@asynccontextmanager
async def build_runtime(settings: Settings, *, role: Role = "api") -> AsyncIterator[Runtime]:
    import app.models  # noqa: F401  # every mapper, so foreign keys resolve in any process

    bus, cache = _bus_and_cache(settings)
    runtime = Runtime(settings, Database(settings.resolved_database_url, settings.db_pool_size), bus, cache)
    if settings.redis_url:
        from app.core.tasks.celery_app import create_celery

        runtime.jobs = CeleryDispatcher(create_celery(settings))
    else:
        runtime.jobs = InProcessDispatcher(runtime, settings.job_concurrency)
    try:
        if role == "api" and not settings.redis_url:
            runtime.background.append(asyncio.create_task(_embedded_scheduler(runtime), name="scheduler"))
            await _resume_unfinished_jobs(runtime)
        yield runtime
    finally:
        for running in runtime.background:
            running.cancel()
        for running in runtime.background:
            with contextlib.suppress(asyncio.CancelledError):
                await running
        await runtime.jobs.close()
        await bus.close()
        await cache.close()
        await runtime.db.dispose()


async def _resume_unfinished_jobs(runtime: Runtime) -> None:
    from app.core.tasks.service import release_running, unfinished_job_ids

    try:
        await release_running(runtime)
        job_ids = await unfinished_job_ids(runtime)
    except Exception:  # the database may not be migrated yet; readiness reports it
        log.warning("could not look for unfinished jobs", exc_info=True)
        return
    for job_id in job_ids:
        await runtime.jobs.dispatch(job_id)


async def _embedded_scheduler(runtime: Runtime) -> None:
    """Celery beat's job in the embedded deployment: enqueue each periodic task on its interval."""
    from app.core.clock import utcnow
    from app.core.tasks.registry import periodic
    from app.core.tasks.service import enqueue

    # The first round waits a little, so a process that starts and stops at once does no upkeep.
    due = {spec.name: utcnow() + FIRST_PERIODIC_DELAY for spec in periodic()}
    specs = {spec.name: spec for spec in periodic()}
    while True:
        now = utcnow()
        for name, at in due.items():
            every = specs[name].every
            if at <= now and every is not None:
                try:
                    async with runtime.db.session() as session:
                        await enqueue(runtime, session, name)
                except Exception:
                    log.exception("could not enqueue periodic job", extra={"job": name})
                due[name] = now + every
        await asyncio.sleep(1.0)
