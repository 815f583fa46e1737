"""Reports benchmark: a COMPREHENSIVE report's build and render times; 100 scheduled reports on 2 workers.

Part 1, embedded (SQLite, in-process runner and cache, the real app in-process over httpx ASGITransport):
100 days of 1h candles for BTC-USD and ETH-USD (the bundled recordings, shifted so that the last candle is
the hour now), a signed-in user, and the seed's COMPREHENSIVE report on ["BTC-USD", "ETH-USD"] with every
section (fundamental, technical, sentiment, on-chain; research figures from the bundled offline snapshots,
CRYPTOMON_RESEARCH_LIVE false being the default). Over --runs runs (default 20), each printed as p50 / p95 /
max (p95 is the value at index int(0.95 n) of the sorted runs, as in the other benches: with 20 runs it is
the largest):
- build: `generator.build` (candles, indicators, research) to a ReportDocument; the first run is cold (empty
  caches, first imports) and printed apart;
- render: the same document to PDF, XLSX, HTML, CSV and JSON (the exporter, in this thread; one untimed
  first render per format, printed apart), with the file size, PDF pages and XLSX sheets;
- end to end: POST /api/reports/generate then GET /api/reports/{id} every 20 ms until READY (the in-process
  runner runs the job: build, render, store the file, IN_APP delivery), for PDF, XLSX and HTML.
The reference, in the same process: rendering the same document to JSON (its data, no layout); each
format's ratio to it. What the PDF time is made of: the charts (`charts.render_png` over the document's
charts), the PDF with those PNGs ready (ReportLab layout and image embedding, and its build passes), and the
PDF of the document without charts.
Goals of the issue: end to end p95 PDF < 3 s (the seed's success metric is < 30 s), XLSX and HTML < 1 s.

Part 2, cluster (PostgreSQL + Redis; skipped, with the reason, when either does not answer): a fresh
database, two `cryptomon worker --concurrency 1` processes (Redis DB 13 by default, a namespace of this
run), 100 users each with one schedule delivered IN_APP (60 DAILY PDF on 1 or 2 symbols with every section,
20 WEEKLY XLSX, 20 MONTHLY HTML), all made due at the same hour (next_run_at set to the hour now), then one
`schedules.run_due` pass in this process (what Celery beat's `reports.schedules` job does) enqueues the 100
reports to the workers. Measured from that call until every report is READY or FAILED: the total against
the goal, reports/min, per report (generated_at - created_at) p50/p95 by format, the job's own time
(started to finished), failures with their error, and the workers' CPU (main and pool processes, from
/proc). The reference: the same mix (3 DAILY PDF, 1 WEEKLY XLSX, 1 MONTHLY HTML) run one after another in
this process on the same database and cache (after one untimed report), in seconds per report, and the
two workers' speed-up over it.
Goal of the issue: 100 scheduled reports due at the same hour finish within 2 minutes with two workers.

Both parts print the load average, and part 2 how busy the whole machine was (/proc/stat) and who used it:
on a shared machine the cluster figures depend on what else runs.

Run: backend/.venv/bin/python bench/reports.py [--runs 20] [--skip-cluster] [--skip-embedded]
Environment: BENCH_REDIS_URL (default redis://127.0.0.1:6379/13), BENCH_PG_ADMIN_URL (see support.py).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import logging
import os
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from api_load import server_env
from asgi_lifespan import LifespanManager
from sqlalchemy import insert, select, update
from support import embedded, postgres
from ws_load import CLK_TCK, cpu_seconds, cryptomon, kill_leftovers, logged, redis_problem, spawn, stop, tail

from app.config import Settings
from app.core.bootstrap import build_runtime
from app.core.clock import utcnow
from app.core.runtime import Runtime
from app.core.security import hash_password
from app.core.tasks.models import Job
from app.core.tasks.service import execute_job
from app.main import create_app
from app.market import recordings, repository
from app.market.repository import CandleRow
from app.reports import generator, schedules, service
from app.reports.document import ReportDocument
from app.reports.exporters import EXPORTERS, charts, pdf
from app.reports.models import Report, ReportSchedule
from app.reports.schemas import ReportOptions, ScheduleIn
from app.users.models import User

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
DAYS = 100
SYMBOLS = ("BTC-USD", "ETH-USD")
FORMATS = ("PDF", "XLSX", "HTML", "CSV", "JSON")
GOALS_S = {"PDF": 3.0, "XLSX": 1.0, "HTML": 1.0}  # end to end p95
POLL_S = 0.02
SEED = {
    "reportType": "COMPREHENSIVE",
    "symbols": list(SYMBOLS),
    "includeFundamental": True,
    "includeTechnical": True,
    "includeSentiment": True,
    "includeOnChain": True,
    "deliveryChannels": ["IN_APP"],
}
SCHEDULED = 100
GOAL_CLUSTER_S = 120.0
WORKERS = 2
REFERENCE = [("DAILY", "PDF", 1), ("DAILY", "PDF", 2), ("DAILY", "PDF", 1), ("WEEKLY", "XLSX", 2)]
REFERENCE += [("MONTHLY", "HTML", 1)]  # 3 PDF, 1 XLSX, 1 HTML: the 60/20/20 mix of the 100
CLUSTER_TIMEOUT_S = 900.0
KOMBU_SHARED = {  # what every Celery worker binds in its Redis DB, whatever its queue
    b"_kombu.binding.celery.pidbox",
    b"_kombu.binding.celeryev",
    b"_kombu.binding.reply.celery.pidbox",
}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def stats(values: list[float], unit: float = 1000.0, suffix: str = "ms") -> str:
    def show(v: float) -> str:
        return f"{v * unit:8.1f}" if unit == 1000.0 else f"{v * unit:6.2f}"

    return (
        f"n={len(values):3d}  p50 {show(statistics.median(values))}  p95 {show(pct(values, 0.95))}  "
        f"max {show(max(values))} {suffix}"
    )


def hourly_candles(symbol: str) -> list[CandleRow]:
    """The last DAYS days of the bundled 1h recording, shifted so that its last candle is the hour now (as
    tests/reports/conftest.py push_recent_candles)."""
    recorded = recordings.load(symbol, "1h")
    end = int(time.time()) // 3600 * 3600
    last = len(recorded.ts) - 1
    shift = end - int(recorded.ts[last]) - 3600
    return [
        CandleRow(
            symbol,
            "1h",
            "binance",
            int(recorded.ts[i]) + shift,
            float(recorded.open[i]),
            float(recorded.high[i]),
            float(recorded.low[i]),
            float(recorded.close[i]),
            float(recorded.volume[i]),
        )
        for i in range(last - DAYS * 24, last + 1)
    ]


async def store_candles(runtime: Runtime, symbols: tuple[str, ...] = SYMBOLS) -> int:
    """`hourly_candles` of each symbol stored; how many."""
    stored = 0
    async with runtime.db.session() as session:
        for symbol in symbols:
            rows = hourly_candles(symbol)
            for start in range(0, len(rows), 5000):
                await repository.upsert_candles(session, rows[start : start + 5000])
            stored += len(rows)
    return stored


def pdf_pages(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def xlsx_sheets(data: bytes) -> int:
    from openpyxl import load_workbook

    return len(load_workbook(io.BytesIO(data), read_only=True).sheetnames)


def size(data: bytes) -> str:
    n = len(data)
    return f"{n / 1024:,.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:,.2f} MB"


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


@contextlib.contextmanager
def patched(owner: Any, name: str, value: Any) -> Iterator[None]:
    saved = getattr(owner, name)
    setattr(owner, name, value)
    try:
        yield
    finally:
        setattr(owner, name, saved)


async def no_progress(fraction: float, message: str) -> None:
    return None


# -- part 1: render times ----------------------------------------------------------------------------------


async def build_document(runtime: Runtime, user_id: int, n: int) -> ReportDocument:
    request = generator.Request(
        report_id=f"RPT-20261203-{n:03d}",
        report_type="COMPREHENSIVE",
        symbols=list(SYMBOLS),
        include_fundamental=True,
        include_technical=True,
        include_sentiment=True,
        include_on_chain=True,
        portfolio_id=None,
        backtest_id=None,
        prepared_for="bench",
    )
    async with runtime.db.session() as session:
        user = await session.get(User, user_id)
        assert user is not None
        return await generator.build(runtime, session, user, request, no_progress)


def describe(document: ReportDocument) -> str:
    sections = document.sections
    figures = sum(len(s.figures) for s in sections)
    tables = sum(len(s.tables) for s in sections)
    rows = sum(len(t.rows) for s in sections for t in s.tables)
    points = sum(len(c.x) * len(c.series) for s in sections for c in s.charts)
    shown = ", ".join(s.key for s in sections)
    return (
        f"{len(sections)} sections ({shown}), {figures} figures, {tables} tables ({rows} rows), "
        f"{sum(len(s.charts) for s in sections)} charts ({points:,} points)"
    )


def pdf_parts(document: ReportDocument, runs: int) -> None:
    """Where the PDF time goes: charts to PNG, then ReportLab with the PNGs ready, then without charts."""
    all_charts = [c for s in document.sections for c in s.charts]
    chart_times: list[float] = []
    pngs: dict[int, bytes] = {}
    for _ in range(runs):
        total = 0.0
        for chart in all_charts:
            elapsed, png = timed(lambda chart=chart: charts.render_png(chart, title=False))
            total += elapsed
            pngs[id(chart)] = png
        chart_times.append(total)

    passes: list[int] = []
    build = pdf._Doc.build

    def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        passes[-1] += 1
        return build(self, *args, **kwargs)

    ready: list[float] = []
    with patched(pdf, "render_png", lambda chart, **_: pngs[id(chart)]), patched(pdf._Doc, "build", counted):
        for _ in range(runs):
            passes.append(0)
            ready.append(timed(lambda: pdf.render_pdf(document))[0])
    bare = replace(document, sections=[replace(s, charts=[]) for s in document.sections])
    plain = [timed(lambda: pdf.render_pdf(bare))[0] for _ in range(runs)]
    png_bytes = sum(len(p) for p in pngs.values())
    print(f"  PDF, where the time goes ({len(all_charts)} charts, {png_bytes / 1024:,.0f} KB of PNG):")
    print(f"    {'charts: render_png x ' + str(len(all_charts)):44} {stats(chart_times)}")
    print(f"    {'PDF with the PNGs ready (layout + images)':44} {stats(ready)}")
    print(f"    {'PDF of the document without its charts':44} {stats(plain)}")
    one_chart = statistics.median(chart_times) / len(all_charts)
    embedding = statistics.median(ready) - statistics.median(plain)
    print(
        f"    ReportLab build passes per PDF (multiBuild, for the contents page numbers): "
        f"{Counter(passes).most_common(1)[0][0]}; one chart {one_chart * 1000:.0f} ms, "
        f"embedding the PNGs {embedding * 1000:.0f} ms"
    )


async def render_times(runs: int) -> None:
    async with embedded(login_ip_limit=10**6, access_token_ttl_seconds=7200) as settings:
        app = create_app(settings)
        async with (
            LifespanManager(app, startup_timeout=60, shutdown_timeout=60),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client,
        ):
            runtime: Runtime = app.state.runtime
            stored = await store_candles(runtime)
            reg = await client.post(
                "/api/auth/register", json={"email": "reports@bench.example", "password": "bench-password"}
            )
            reg.raise_for_status()
            user_id = reg.json()["data"]["user"]["id"]
            auth = {"Authorization": f"Bearer {reg.json()['data']['tokens']['accessToken']}"}
            print(
                f"part 1, embedded (SQLite): COMPREHENSIVE report on {', '.join(SYMBOLS)}, every section, "
                f"research from the bundled snapshots; {stored:,} 1h candles stored; {runs} runs; "
                f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
                flush=True,
            )

            t0 = time.perf_counter()
            document = await build_document(runtime, user_id, 1)
            cold = time.perf_counter() - t0
            builds = []
            for n in range(runs):
                t0 = time.perf_counter()
                document = await build_document(runtime, user_id, n + 2)
                builds.append(time.perf_counter() - t0)
            print(f"  document: {describe(document)}")
            print(f"  {'build, cold (first run, empty caches)':44} {cold * 1000:8.1f} ms")
            print(f"  {'build (generator.build)':44} {stats(builds)}", flush=True)

            renders: dict[str, list[float]] = {}
            files: dict[str, bytes] = {}
            for fmt in FORMATS:
                render = EXPORTERS[fmt].render
                first, files[fmt] = timed(lambda render=render: render(document))
                renders[fmt] = [timed(lambda render=render: render(document))[0] for _ in range(runs)]
                print(f"  {'render ' + fmt + ', first':44} {first * 1000:8.1f} ms", flush=True)
            reference = statistics.median(renders["JSON"])
            for fmt in FORMATS:
                extra = {
                    "PDF": f", {pdf_pages(files['PDF'])} pages",
                    "XLSX": f", {xlsx_sheets(files['XLSX'])} sheets",
                }.get(fmt, "")
                ratio = statistics.median(renders[fmt]) / reference
                label = "render " + fmt + (" (reference)" if fmt == "JSON" else "")
                print(
                    f"  {label:44} {stats(renders[fmt])}  {size(files[fmt])}{extra}"
                    + (f"  {ratio:6.1f}x JSON" if fmt != "JSON" else "")
                )
            print(f"  build p50 / JSON render p50: {statistics.median(builds) / reference:.0f}x", flush=True)
            pdf_parts(document, runs)

            await end_to_end(client, runtime, auth, runs, reference)


async def end_to_end(
    client: httpx.AsyncClient, runtime: Runtime, auth: dict[str, str], runs: int, reference: float
) -> None:
    """POST then GET every 20 ms until READY; then, to see what the polling costs, the job alone (the
    dispatcher held, execute_job awaited here, nobody polling) and one GET of a READY report."""
    for fmt in GOALS_S:
        times, sizes = [], []
        for _ in range(runs):
            t0 = time.perf_counter()
            posted = await client.post("/api/reports/generate", json=SEED | {"format": fmt}, headers=auth)
            assert posted.status_code == 202, posted.text
            url = f"/api/reports/{posted.json()['data']['reportId']}"
            while True:
                report = (await client.get(url, headers=auth)).json()["data"]
                if report["status"] != "GENERATING":
                    break
                await asyncio.sleep(POLL_S)
            times.append(time.perf_counter() - t0)
            assert report["status"] == "READY", report
            sizes.append(report["sizeBytes"])
        p95, goal = pct(times, 0.95), GOALS_S[fmt]
        ratio = statistics.median(times) / reference
        print(
            f"  {'end to end ' + fmt + ' (POST -> READY)':44} {stats(times)}  "
            f"{statistics.median(sizes) / 1024:,.0f} KB  {ratio:6.1f}x JSON  "
            f"goal p95 < {goal:g} s: {'PASS' if p95 < goal else 'FAIL'}",
            flush=True,
        )
    saved, runtime.jobs = runtime.jobs, Held()  # type: ignore[assignment]
    try:
        for fmt in GOALS_S:
            alone = []
            for _ in range(runs):
                posted = await client.post("/api/reports/generate", json=SEED | {"format": fmt}, headers=auth)
                report_id = posted.json()["data"]["reportId"]
                async with runtime.db.session() as session:
                    job_id = await session.scalar(select(Report.job_id).where(Report.public_id == report_id))
                t0 = time.perf_counter()
                await execute_job(runtime, str(job_id))
                alone.append(time.perf_counter() - t0)
            print(f"  {'the job alone ' + fmt + ' (nobody polling)':44} {stats(alone)}", flush=True)
    finally:
        runtime.jobs = saved
    gets = []
    for _ in range(runs):
        t0 = time.perf_counter()
        got = await client.get(f"/api/reports/{report_id}", headers=auth)
        gets.append(time.perf_counter() - t0)
        assert got.json()["data"]["status"] == "READY", got.text
    print(f"  {'GET /api/reports/{id} (one poll)':44} {stats(gets)}", flush=True)


# -- part 2: 100 scheduled reports on two workers ----------------------------------------------------------


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = defaultdict(list)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                stat = (entry / "stat").read_text()
                children[int(stat[stat.rindex(")") + 2 :].split()[1])].append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        kids = children.get(todo.pop(), [])
        found += kids
        todo += kids
    return found


def tree_cpu(pids: list[int]) -> dict[int, float]:
    """CPU seconds of each process of these trees (a worker's main process and its pool)."""
    out = {}
    for pid in pids:
        for p in [pid, *descendants(pid)]:
            with contextlib.suppress(OSError):
                out[p] = cpu_seconds(p)
    return out


def named_cpu(names: tuple[str, ...]) -> dict[int, float]:
    """CPU seconds of every process whose name is one of `names` (PostgreSQL's backends are "postgres")."""
    out = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if (entry / "comm").read_text().strip() in names:
                    out[int(entry.name)] = cpu_seconds(int(entry.name))
    return out


def spent(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds between two readings (a process started in between counts from its start)."""
    return sum(v - before.get(p, 0.0) for p, v in after.items())


def machine_busy() -> float:
    """CPU seconds the whole machine has been busy (every core; /proc/stat, all but idle and iowait)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / CLK_TCK


async def make_users(runtime: Runtime, count: int) -> list[int]:
    password_hash = await asyncio.to_thread(hash_password, "bench-password")
    now = utcnow()
    rows = [
        {
            "email": f"report{i}@bench.example",
            "display_name": f"reader {i}",
            "role": "user",
            "password_hash": password_hash,
            "preferences": {},
            "token_version": 0,
            "created_at": now,
        }
        for i in range(count)
    ]
    async with runtime.db.session() as session:
        await session.execute(insert(User), rows)
    async with runtime.db.session() as session:
        found = dict((await session.execute(select(User.email, User.id))).all())
    return [found[f"report{i}@bench.example"] for i in range(count)]


def schedule_body(i: int) -> dict[str, Any]:
    """60 DAILY PDF (1 or 2 symbols), 20 WEEKLY XLSX, 20 MONTHLY HTML; every section, delivered IN_APP."""
    symbols = list(SYMBOLS[: 1 + i % 2])
    common = {"symbols": symbols, "deliveryChannels": ["IN_APP"], "hour": 8, "timezone": "UTC"}
    common |= {"includeFundamental": True, "includeTechnical": True, "includeSentiment": True}
    common["includeOnChain"] = True
    if i < 60:
        return common | {"reportType": "DAILY", "format": "PDF", "cadence": "DAILY"}
    if i < 80:
        return common | {"reportType": "WEEKLY", "format": "XLSX", "cadence": "WEEKLY", "weekday": 0}
    return common | {"reportType": "MONTHLY", "format": "HTML", "cadence": "MONTHLY", "dayOfMonth": 1}


async def make_schedules(runtime: Runtime, user_ids: list[int]) -> None:
    async with runtime.db.session() as session:
        for i, user_id in enumerate(user_ids):
            user = await session.get(User, user_id)
            assert user is not None
            await schedules.create(session, user, ScheduleIn.model_validate(schedule_body(i)))


class Held:
    """A dispatcher that hands nothing over: the reference runs its jobs here with execute_job."""

    async def dispatch(self, job_id: str) -> None:
        return None

    async def close(self) -> None:
        return None


async def one_here(runtime: Runtime, user_id: int, kind: str, fmt: str, symbols: int) -> tuple[float, float]:
    """One report made here by its job: wall and CPU seconds (this process, its threads included)."""
    body = {k: v for k, v in schedule_body(0).items() if k not in ("hour", "timezone", "cadence")}
    options = ReportOptions.model_validate(
        body | {"reportType": kind, "format": fmt, "symbols": list(SYMBOLS[:symbols])}
    )
    async with runtime.db.session() as session:
        user = await session.get(User, user_id)
        assert user is not None
        row = await service.create(runtime, session, user, options)
        job_id, public_id = row.job_id, row.public_id
    assert job_id is not None
    t0, cpu0 = time.perf_counter(), time.process_time()
    await execute_job(runtime, job_id)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    async with runtime.db.session() as session:
        status, error = (
            await session.execute(select(Report.status, Report.error).where(Report.public_id == public_id))
        ).one()
    assert status == "READY", f"{public_id} {status}: {error}"
    return elapsed, cpu


async def reference_run(runtime: Runtime, user_id: int) -> float:
    """Seconds per report of the mix, one after another in this process (after one untimed report)."""
    saved, runtime.jobs = runtime.jobs, Held()  # type: ignore[assignment]
    try:
        busy0 = machine_busy()
        first, _ = await one_here(runtime, user_id, "DAILY", "PDF", 2)
        measured = [await one_here(runtime, user_id, *spec) for spec in REFERENCE]
        busy = machine_busy() - busy0
    finally:
        runtime.jobs = saved
    times, cpus = [m[0] for m in measured], [m[1] for m in measured]
    shown = ", ".join(
        f"{k} {f} {t:.2f} s ({c:.2f} CPU s)" for (k, f, _), (t, c) in zip(REFERENCE, measured, strict=True)
    )
    print(f"  reference, in this process: first report (untimed) {first:.2f} s; then {shown}")
    per_report = statistics.mean(times)
    wall = first + sum(times)
    print(
        f"  reference: {per_report:.2f} s per report of the mix one at a time, {statistics.mean(cpus):.2f} "
        f"CPU s (100 would take {per_report * SCHEDULED:.0f} s); the machine was "
        f"{busy / wall * 100:.0f}% busy (of {os.cpu_count() * 100}%) meanwhile",
        flush=True,
    )
    return per_report


async def wait_ready(workers: list[Any], logs: list[Path], timeout: float = 300.0) -> None:
    deadline = time.monotonic() + timeout
    for proc, log in zip(workers, logs, strict=True):
        while not logged(log, " ready."):
            if proc.returncode is not None or time.monotonic() > deadline:
                raise RuntimeError(f"worker not ready:\n{tail(log)}")
            await asyncio.sleep(0.25)


async def statuses(runtime: Runtime) -> Counter[str]:
    async with runtime.db.session() as session:
        rows = await session.execute(select(Report.status).where(Report.schedule_id.is_not(None)))
        return Counter(status for (status,) in rows)


async def scheduled(settings: Settings) -> None:
    workdir = settings.data_dir
    env = server_env(settings, workdir)
    async with build_runtime(settings, role="cli") as runtime:
        stored = await store_candles(runtime)
        user_ids = await make_users(runtime, SCHEDULED)
        await make_schedules(runtime, user_ids)
        print(
            f"part 2, cluster (PostgreSQL + Redis {settings.redis_url}, namespace {settings.namespace}): "
            f"{stored:,} 1h candles, {SCHEDULED} users each with a schedule (60 DAILY PDF, 20 WEEKLY XLSX, "
            f"20 MONTHLY HTML; IN_APP), {WORKERS} x `cryptomon worker --concurrency 1`; "
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
            flush=True,
        )
        per_report = await reference_run(runtime, user_ids[0])

        logs = [workdir / f"worker{i}.log" for i in range(WORKERS)]
        args = [*cryptomon(), "worker", "--concurrency", "1"]
        workers = [await spawn(args, env, log, workdir) for log in logs]
        try:
            t0 = time.monotonic()
            await wait_ready(workers, logs)
            print(f"  workers ready in {time.monotonic() - t0:.1f} s (pids {[w.pid for w in workers]})")
            pids = [w.pid for w in workers]
            await asyncio.sleep(2.0)
            idle0, i0 = tree_cpu(pids), time.monotonic()
            await asyncio.sleep(3.0)
            idle_rate = (sum(tree_cpu(pids).values()) - sum(idle0.values())) / (time.monotonic() - i0)

            hour = utcnow().replace(minute=0, second=0, microsecond=0)
            async with runtime.db.session() as session:
                await session.execute(update(ReportSchedule).values(next_run_at=hour))
            cpu0, machine0, own0 = tree_cpu(pids), machine_busy(), time.process_time()
            pg0, redis0 = named_cpu(("postgres",)), named_cpu(("redis-server",))
            started_at, t0 = utcnow(), time.monotonic()
            started = await schedules.run_due(runtime)
            pass_s = time.monotonic() - t0
            print(f"  run_due: {len(started)} reports started (enqueued) in {pass_s:.2f} s", flush=True)
            seen: Counter[str] = Counter()
            while time.monotonic() - t0 < CLUSTER_TIMEOUT_S:
                seen = await statuses(runtime)
                if seen["GENERATING"] == 0 and sum(seen.values()) >= len(started):
                    break
                if any(w.returncode is not None for w in workers):
                    break
                await asyncio.sleep(0.25)
            wall = time.monotonic() - t0
            cpu1, machine, own = tree_cpu(pids), machine_busy() - machine0, time.process_time() - own0
            pg, redis = spent(pg0, named_cpu(("postgres",))), spent(redis0, named_cpu(("redis-server",)))
        finally:
            for proc in workers:
                await stop(proc, grace=30.0)
        for proc, log in zip(workers, logs, strict=True):
            if proc.returncode not in (0, None, -15):
                print(f"  worker {proc.pid} exited {proc.returncode}:\n{tail(log)}")
        workers_cpu = spent(cpu0, cpu1)
        await report_cluster(runtime, started_at, wall, seen, per_report)
        cores = os.cpu_count() or 1
        per = f"{(workers_cpu - idle_rate * wall) / SCHEDULED:.2f} CPU s per report"
        print(
            f"  workers' CPU: {workers_cpu:.1f} s in {wall:.1f} s, {workers_cpu / wall * 100:.0f}% of a core "
            f"(of {cores * 100}%), {per} (idle {idle_rate * 100:.1f}% subtracted); the whole machine "
            f"{machine / wall * 100:.0f}% busy: this process {own / wall * 100:.0f}%, PostgreSQL "
            f"{pg / wall * 100:.0f}%, Redis {redis / wall * 100:.0f}%, other work on the machine "
            f"{(machine - workers_cpu - own - pg - redis) / wall * 100:.0f}%"
        )
        dupes = sum(logged(log, "DuplicateNodenameWarning") for log in logs)
        if dupes:
            print(f"  note: {dupes} worker log(s) warn DuplicateNodenameWarning (both are celery@host)")


async def report_cluster(
    runtime: Runtime,
    started_at: datetime,
    wall: float,
    seen: Counter[str],
    per_report: float,
) -> None:
    async with runtime.db.session() as session:
        rows = (
            await session.execute(
                select(Report, Job.started_at, Job.finished_at)
                .join(Job, Job.id == Report.job_id)
                .where(Report.schedule_id.is_not(None))
            )
        ).all()
    ready = [r for r, _, _ in rows if r.status == "READY" and r.generated_at is not None]
    failed = [r for r, _, _ in rows if r.status == "FAILED"]
    print(f"  statuses: {dict(seen)} after {wall:.1f} s (polled every 0.25 s)")
    if ready:
        last = max(r.generated_at for r in ready if r.generated_at is not None)
        total = (last - started_at).total_seconds()
        done = len(ready) == SCHEDULED
        verdict = "PASS" if done and total < GOAL_CLUSTER_S else "FAIL"
        print(
            f"  all {SCHEDULED} READY: {'yes' if done else 'NO'}; run_due call to the last READY: "
            f"{total:.1f} s  goal < {GOAL_CLUSTER_S:.0f} s: {verdict}; "
            f"throughput {len(ready) / total * 60:.1f} reports/min"
        )
        waits = defaultdict(list)
        jobs = defaultdict(list)
        for r, begun, finished in rows:
            if r.status == "READY" and r.generated_at is not None:
                waits[r.format].append((r.generated_at - r.created_at).total_seconds())
                waits["all"].append((r.generated_at - r.created_at).total_seconds())
                if begun is not None and finished is not None:
                    jobs[r.format].append((finished - begun).total_seconds())
                    jobs["all"].append((finished - begun).total_seconds())
        for fmt in ("all", "PDF", "XLSX", "HTML"):
            if waits[fmt]:
                print(
                    f"    {fmt:4} created -> generated {stats(waits[fmt], 1.0, 's')};  "
                    f"job alone (started -> finished) {stats(jobs[fmt], 1.0, 's')}"
                )
        sequential = per_report * SCHEDULED
        print(
            f"  speed-up of {WORKERS} workers over the reference ({per_report:.2f} s per report one at a "
            f"time, {sequential:.0f} s for {SCHEDULED}): {sequential / total:.2f}x"
        )
    for r in failed:
        print(f"  FAILED {r.public_id} {r.report_type} {r.format}: {r.error}")


async def flush_namespace(url: str, namespace: str) -> int:
    """Delete the run's keys (cache, bus, queue, its kombu binding); and the bindings every Celery worker
    shares (control and events), unless another namespace's queue in this Redis DB still has workers."""
    from redis.asyncio import Redis

    redis = Redis.from_url(url)
    try:
        keys = [key async for key in redis.scan_iter(match=f"*{namespace}*", count=1000)]
        for start in range(0, len(keys), 500):
            await redis.delete(*keys[start : start + 500])
        bindings = {key async for key in redis.scan_iter(match="_kombu.binding.*", count=1000)}
        if bindings <= KOMBU_SHARED:
            shared = [*bindings, b"_kombu.binding_deadlines"]
            keys += [key for key in shared if await redis.delete(key)]
        return len(keys)
    finally:
        await redis.aclose()


async def cluster() -> None:
    problem = await redis_problem(REDIS_URL)
    if problem:
        print(f"part 2 skipped: Redis at {REDIS_URL} does not answer: {problem}")
        return
    namespace = f"reportbench{os.getpid()}"
    try:
        async with postgres(redis_url=REDIS_URL, namespace=namespace) as settings:
            if settings is None:
                print("part 2 skipped: PostgreSQL does not answer")
                return
            await scheduled(settings)
    finally:
        removed = await flush_namespace(REDIS_URL, namespace)
        print(f"  cleaned up: workers stopped, database dropped, {removed} Redis keys of {namespace} deleted")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="runs per measure (part 1)")
    parser.add_argument("--skip-cluster", action="store_true", help="only part 1")
    parser.add_argument("--skip-embedded", action="store_true", help="only part 2")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    if not args.skip_embedded:
        await render_times(args.runs)
    if not args.skip_cluster:
        await cluster()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    finally:
        with contextlib.suppress(Exception):
            kill_leftovers()
