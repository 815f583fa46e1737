"""Builds a process's runtime from settings (embedded or cluster pieces) and runs the embedded scheduler."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from app.config import Settings
from app.core.bus import Bus, MemoryBus, RedisBus
from app.core.cache import Cache, MemoryCache, RedisCache
from app.core.clock import utcnow
from app.core.db import Database
from app.core.discovery import import_domain_modules
from app.core.runtime import Role, Runtime
from app.core.tasks.dispatch import CeleryDispatcher, InProcessDispatcher
from app.core.tasks.registry import periodic
from app.core.tasks.service import enqueue, release_running, unfinished_job_ids

log = logging.getLogger(__name__)

FIRST_PERIODIC_DELAY = timedelta(seconds=15)


def _bus_and_cache(settings: Settings) -> tuple[Bus, Cache]:
    if settings.redis_url:
        return (
            RedisBus(settings.redis_url, settings.namespace),
            RedisCache(settings.redis_url, settings.namespace),
        )
    return MemoryBus(), MemoryCache()


@asynccontextmanager
async def build_runtime(settings: Settings, *, role: Role = "api") -> AsyncIterator[Runtime]:
    import_domain_modules("models")  # every mapper, so foreign keys resolve whatever the process imported

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
