"""Jobs: enqueued from the API, run in-process (embedded) or by a real Celery worker (cluster)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis.exceptions

from app.config import Settings
from app.core.bootstrap import build_runtime
from app.core.clock import FrozenClock
from app.core.runtime import Runtime
from app.core.tasks import JobContext, JobStatus, enqueue, get_job, task
from app.core.tasks import service as tasks_service
from app.core.tasks.dispatch import InProcessDispatcher
from app.core.tasks.service import execute_job
from tests.conftest import make_admin, register, serve, settings_env

calls: list[dict[str, Any]] = []


@task("test.add")
async def add(ctx: JobContext, a: int, b: int) -> dict[str, int]:
    calls.append({"a": a, "b": b})
    await ctx.progress(0.5, "halfway")
    return {"sum": a + b}


@task("test.fail")
async def fail(ctx: JobContext) -> None:
    raise ValueError("provider answered 503")


outages: list[int] = []


@task("test.flaky_redis")
async def flaky_redis(ctx: JobContext, failures: int) -> dict[str, int]:
    outages.append(1)
    if len(outages) <= failures:
        raise redis.exceptions.ConnectionError("Connection closed by server.")
    return {"attempts": len(outages)}


@task("test.wait_for_cancel")
async def wait_for_cancel(ctx: JobContext) -> None:
    while True:
        await ctx.progress(0.1)
        await asyncio.sleep(0.01)


async def _enqueue(runtime: Runtime, name: str, **args: Any) -> str:
    async with runtime.db.session() as session:
        job = await enqueue(runtime, session, name, args)
        return job.id


async def _status(runtime: Runtime, job_id: str) -> Any:
    async with runtime.db.session() as session:
        return await get_job(session, job_id)


async def test_job_runs_and_records_its_result(settings: Settings) -> None:
    async with build_runtime(settings, role="cli") as runtime:
        async with runtime.db.session() as session:
            job = await enqueue(runtime, session, "test.add", {"a": 2, "b": 3})
            job_id = job.id
            runtime.jobs = _Recorder()  # type: ignore[assignment]  # nothing runs it before the commit
        assert runtime.jobs.sent == [job_id]  # type: ignore[attr-defined]
        assert (await _status(runtime, job_id)).status == JobStatus.PENDING
        await execute_job(runtime, job_id)
        done = await _status(runtime, job_id)
    assert done.status == JobStatus.DONE
    assert done.result == {"sum": 5}
    assert done.progress == 1.0 and done.attempts == 1 and done.finished_at is not None


class _Recorder:
    def __init__(self) -> None:
        self.sent: list[str] = []

    async def dispatch(self, job_id: str) -> None:
        self.sent.append(job_id)

    async def close(self) -> None:
        return None


async def test_job_is_not_handed_over_when_the_transaction_fails(settings: Settings) -> None:
    async with build_runtime(settings, role="cli") as runtime:
        recorder = _Recorder()
        runtime.jobs = recorder  # type: ignore[assignment]
        with pytest.raises(RuntimeError):
            async with runtime.db.session() as session:
                await enqueue(runtime, session, "test.add", {"a": 1, "b": 1})
                raise RuntimeError("rolled back")
        assert recorder.sent == []


async def test_failure_is_recorded_not_raised(settings: Settings) -> None:
    async with build_runtime(settings, role="cli") as runtime:
        runtime.jobs = _Recorder()  # type: ignore[assignment]
        job_id = await _enqueue(runtime, "test.fail")
        await execute_job(runtime, job_id)
        job = await _status(runtime, job_id)
    assert job.status == JobStatus.FAILED
    assert job.error == "ValueError: provider answered 503"


@pytest.mark.parametrize("failures, outcome", [(2, JobStatus.DONE), (4, JobStatus.FAILED)])
async def test_a_job_that_met_an_outage_runs_again(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, failures: int, outcome: JobStatus
) -> None:
    """Redis restarting under a job is not the job's failure: it runs again after a pause, a few times."""
    monkeypatch.setattr(tasks_service, "OUTAGE_PAUSES", (0.01, 0.01, 0.01))
    outages.clear()
    async with build_runtime(settings, role="cli") as runtime:
        runtime.jobs = _Recorder()  # type: ignore[assignment]
        job_id = await _enqueue(runtime, "test.flaky_redis", failures=failures)
        await execute_job(runtime, job_id)
        job = await _status(runtime, job_id)
    assert job.status == outcome and len(outages) == min(failures + 1, 4)
    if outcome == JobStatus.DONE:
        assert job.result == {"attempts": 3}
    else:
        assert job.error == "ConnectionError: Connection closed by server."


async def test_second_execution_does_nothing(settings: Settings) -> None:
    async with build_runtime(settings, role="cli") as runtime:
        runtime.jobs = _Recorder()  # type: ignore[assignment]
        job_id = await _enqueue(runtime, "test.add", a=1, b=1)
        calls.clear()
        await asyncio.gather(execute_job(runtime, job_id), execute_job(runtime, job_id))
        await execute_job(runtime, job_id)
        assert len(calls) == 1
        assert (await _status(runtime, job_id)).attempts == 1


async def test_running_job_is_cancelled(embedded_settings: Settings) -> None:
    async with build_runtime(embedded_settings, role="cli") as runtime:
        job_id = await _enqueue(runtime, "test.wait_for_cancel")
        async with runtime.db.session() as session:
            job = await get_job(session, job_id)
        for _ in range(200):
            if (await _status(runtime, job_id)).status == JobStatus.RUNNING:
                break
            await asyncio.sleep(0.01)
        from app.core.tasks.service import request_cancel

        async with runtime.db.session() as session:
            await request_cancel(session, await get_job(session, job_id))
        assert isinstance(runtime.jobs, InProcessDispatcher)
        await runtime.jobs.drain()
        assert (await _status(runtime, job_id)).status == JobStatus.CANCELLED
        assert job is not None


async def test_unfinished_jobs_resume_after_a_restart(embedded_settings: Settings) -> None:
    async with build_runtime(embedded_settings, role="cli") as runtime:
        runtime.jobs = _Recorder()  # type: ignore[assignment]  # the process "dies" before running it
        job_id = await _enqueue(runtime, "test.add", a=20, b=22)
    async with build_runtime(embedded_settings, role="api") as restarted:
        assert isinstance(restarted.jobs, InProcessDispatcher)
        await restarted.jobs.drain()
        job = await _status(restarted, job_id)
    assert job.status == JobStatus.DONE and job.result == {"sum": 42}


async def _poll_done(client: httpx.AsyncClient, job_id: str, headers: dict[str, str]) -> dict[str, Any]:
    for _ in range(1200):  # a real Celery worker on 2 busy cores can take half a minute to start
        job = (await client.get(f"/api/jobs/{job_id}", headers=headers)).json()["data"]
        if job["status"] in ("DONE", "FAILED"):
            return dict(job)
        await asyncio.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish: {job}")


async def test_api_job_runs_in_process_when_embedded(embedded_settings: Settings) -> None:
    async with serve(embedded_settings) as client:
        admin = await register(client)
        await make_admin(embedded_settings, admin.id)
        response = await client.post("/api/system/diagnostics", headers=admin.headers)
        assert response.status_code == 202
        job = await _poll_done(client, response.json()["data"]["jobId"], admin.headers)
    assert job["status"] == "DONE"
    assert job["result"]["deployment"] == "embedded" and job["result"]["database"] == "sqlite"


async def test_api_job_runs_on_a_real_celery_worker(cluster_settings: Settings, tmp_path: Path) -> None:
    cryptomon = Path(sys.executable).parent / "cryptomon"
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [str(cryptomon), "worker", "--pool", "solo", "--concurrency", "1"],
        env=settings_env(cluster_settings),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        async with serve(cluster_settings) as client:
            admin = await register(client)
            await make_admin(cluster_settings, admin.id)
            response = await client.post("/api/system/diagnostics", headers=admin.headers)
            assert response.json()["data"]["status"] == "PENDING"
            job = await _poll_done(client, response.json()["data"]["jobId"], admin.headers)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        log.close()
    assert job["status"] == "DONE", (tmp_path / "worker.log").read_text()[-3000:]
    assert job["result"]["deployment"] == "cluster"
    assert job["result"]["database"] == "postgresql"
    assert job["result"]["pid"] != os.getpid()


async def test_job_interrupted_while_running_resumes_after_a_restart(embedded_settings: Settings) -> None:
    async with build_runtime(embedded_settings, role="cli") as runtime:
        runtime.jobs = _Recorder()  # type: ignore[assignment]
        job_id = await _enqueue(runtime, "test.add", a=1, b=2)
        from app.core.tasks.service import _claim

        assert await _claim(runtime, job_id) is not None  # RUNNING, then the process is killed
    async with build_runtime(embedded_settings, role="api") as restarted:
        assert isinstance(restarted.jobs, InProcessDispatcher)
        await restarted.jobs.drain()
        job = await _status(restarted, job_id)
    assert job.status == JobStatus.DONE and job.attempts == 2


async def test_lost_dispatch_and_dead_runner_are_requeued(settings: Settings, clock: FrozenClock) -> None:
    from app.core.tasks.service import _claim
    from app.system.tasks import requeue_jobs

    async with build_runtime(settings, role="cli") as runtime:
        recorder = _Recorder()
        runtime.jobs = recorder  # type: ignore[assignment]
        lost = await _enqueue(runtime, "test.add", a=1, b=1)
        dead = await _enqueue(runtime, "test.add", a=2, b=2)
        assert await _claim(runtime, dead) is not None
        fresh_result = await requeue_jobs(JobContext(runtime, "none", None))
        assert fresh_result["requeued"] == 0
        clock.advance(11 * 60)
        recorder.sent.clear()
        result = await requeue_jobs(JobContext(runtime, "none", None))
        assert result["requeued"] == 2 and sorted(recorder.sent) == sorted([lost, dead])
        await execute_job(runtime, dead)
        assert (await _status(runtime, dead)).status == JobStatus.DONE


async def test_embedded_scheduler_runs_periodic_jobs(embedded_settings: Settings, clock: FrozenClock) -> None:
    from sqlalchemy import select

    from app.core.tasks.models import Job

    async with build_runtime(embedded_settings, role="api") as runtime:
        clock.advance(16)
        names: set[str] = set()
        for _ in range(100):
            async with runtime.db.session() as session:
                names = set(await session.scalars(select(Job.name).where(Job.status == JobStatus.DONE)))
            if {"system.requeue_jobs", "system.ensure_partitions"} <= names:
                break
            await asyncio.sleep(0.05)
    assert {"system.requeue_jobs", "system.ensure_partitions"} <= names


def test_beat_schedules_every_periodic_job(cluster_settings: Settings) -> None:
    from app.core.tasks.celery_app import create_celery

    schedule = create_celery(cluster_settings).conf.beat_schedule
    assert schedule["system.requeue_jobs"]["schedule"] == 60
    assert schedule["system.ensure_partitions"]["args"] == ["system.ensure_partitions"]
    assert create_celery(cluster_settings).conf.task_default_queue == f"{cluster_settings.namespace}.jobs"
