"""The `cryptomon` command: serve, worker, beat, migrate, create-user."""

from __future__ import annotations

import asyncio
import importlib
import threading
from datetime import UTC, datetime
from typing import Annotated

import typer

from app.config import Settings, get_settings
from app.core.logging import configure_logging
from app.market.backfill import BackfillSource

cli = typer.Typer(
    help="Cryptomon: crypto monitoring and analysis.", no_args_is_help=True, pretty_exceptions_enable=False
)


def _settings() -> Settings:
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    return settings


async def _demo_account(settings: Settings) -> tuple[str, str]:
    from app.core.db import Database
    from app.users.service import ensure_demo_account

    db = Database(settings.resolved_database_url)
    try:
        async with db.session() as session:
            return await ensure_demo_account(session, settings)
    finally:
        await db.dispose()


@cli.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on")] = None,
    migrate_first: Annotated[
        bool, typer.Option("--migrate/--no-migrate", help="Apply migrations first")
    ] = True,
) -> None:
    """Serve the API (and the web app) with uvicorn."""
    import uvicorn

    from app.core import migrate as migrations
    from app.main import create_app
    from app.realtime.server import uvicorn_config

    settings = _settings()
    host, port = host or settings.host, port or settings.port
    if migrate_first:
        migrations.upgrade(settings.resolved_database_url)
    banner = [
        f"Cryptomon serving at http://{host}:{port}  (API docs: http://{host}:{port}/docs)",
        f"deployment: {'cluster (Redis/Celery)' if settings.is_cluster else 'embedded (in-process)'}, "
        f"database: {settings.resolved_database_url.split('@')[-1]}",
    ]
    if settings.demo_account and not settings.is_cluster and settings.is_sqlite:
        email, password = asyncio.run(_demo_account(settings))
        banner.append(f"demo account: {email}  password: {password}")
    typer.echo("\n".join(banner))
    # matplotlib takes ~0.9 s to import: paid in the background at start, not by the first chart request.
    threading.Thread(target=importlib.import_module, args=("app.analysis.charts",), daemon=True).start()
    uvicorn.Server(uvicorn_config(create_app(settings), settings, host, port)).run()


@cli.command()
def worker(
    concurrency: Annotated[int | None, typer.Option(help="Worker processes")] = None,
    pool: Annotated[str, typer.Option(help="Celery pool: prefork, solo or threads")] = "prefork",
) -> None:
    """Run a Celery worker that executes background jobs (cluster mode)."""
    from app.core.tasks.celery_app import create_celery

    settings = _settings()
    celery = create_celery(settings)
    celery.worker_main(
        [
            "worker",
            "--loglevel=INFO",
            f"--pool={pool}",
            f"--concurrency={concurrency or settings.worker_concurrency}",
        ]
    )


@cli.command()
def beat() -> None:
    """Run Celery beat, which enqueues the periodic jobs (cluster mode; run exactly one)."""
    from app.core.tasks.celery_app import create_celery

    settings = _settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    create_celery(settings).start(
        ["beat", "--loglevel=INFO", f"--schedule={settings.data_dir / 'celerybeat-schedule'}"]
    )


@cli.command()
def ingest() -> None:
    """Run the market data sources, the ingest pipeline and an alert engine (cluster mode; run one)."""
    from app.alerts.engine import AlertEngine
    from app.core.runtime import build_runtime
    from app.market.runner import MarketRunner

    settings = _settings()

    async def run() -> None:
        async with build_runtime(settings, role="worker") as runtime:
            runner = MarketRunner(runtime)
            engine = AlertEngine(runtime)
            await engine.start()  # first, so that it hears the first prices
            await runner.start(consume_pushes=True)
            typer.echo(f"ingesting from: {', '.join(runner.source_names) or 'pushes only'}")
            try:
                await asyncio.Event().wait()
            finally:
                await runner.stop()
                await engine.stop()

    asyncio.run(run())


@cli.command()
def alerts() -> None:
    """Run one more alert engine (cluster mode; any number): symbols are shared out by leases in Redis."""
    from app.alerts.engine import AlertEngine
    from app.core.runtime import build_runtime

    settings = _settings()
    if not settings.is_cluster:
        raise typer.BadParameter("alert workers share symbols through Redis: set CRYPTOMON_REDIS_URL")

    async def run() -> None:
        async with build_runtime(settings, role="worker") as runtime:
            engine = AlertEngine(runtime)
            await engine.start()
            typer.echo(f"alert engine up: {len(engine.rules):,} rules, symbols shared by leases")
            try:
                await asyncio.Event().wait()
            finally:
                await engine.stop()

    asyncio.run(run())


@cli.command()
def backfill(
    symbol: Annotated[str, typer.Option(help="e.g. BTC-USD")],
    interval: Annotated[str, typer.Option(help="1m 5m 15m 1h 4h 1d")],
    from_: Annotated[datetime, typer.Option("--from", help="UTC start, e.g. 2024-01-01")],
    to: Annotated[datetime | None, typer.Option(help="UTC end (default: now)")] = None,
    source: Annotated[BackfillSource, typer.Option(help="replay, binance or coingecko")] = "binance",
) -> None:
    """Store historical candles; re-running stores nothing twice and resumes where a run stopped."""
    from rich.progress import Progress

    from app.core.errors import AppError
    from app.core.runtime import build_runtime
    from app.market.backfill import backfill as run_backfill

    settings = _settings()

    async def run() -> None:
        async with build_runtime(settings, role="cli") as runtime:
            with Progress() as bar:
                task = bar.add_task(f"{symbol} {interval} from {source}", total=None)

                def advance(done: int, total: int) -> None:
                    bar.update(task, completed=done, total=total)

                result = await run_backfill(
                    runtime, symbol, interval, _utc(from_), _utc(to) if to else None, source, advance
                )
        typer.echo(
            f"{result.symbol} {result.interval}: {result.stored} candles stored from {result.source} "
            f"(from {result.resumed_from.isoformat()})"
        )

    try:
        asyncio.run(run())
    except AppError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(1) from exc


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@cli.command()
def migrate(
    revision: Annotated[str, typer.Argument(help="Target revision")] = "head",
    down: Annotated[bool, typer.Option("--down", help="Downgrade to the revision instead")] = False,
) -> None:
    """Apply (or revert) database migrations."""
    from app.core import migrate as migrations

    settings = _settings()
    if down:
        migrations.downgrade(settings.resolved_database_url, revision)
    else:
        migrations.upgrade(settings.resolved_database_url, revision)
    typer.echo(f"database at {'base' if down and revision == 'base' else revision}")


@cli.command("create-user")
def create_user(
    email: Annotated[str, typer.Option(help="Email address (the login)")],
    password: Annotated[str, typer.Option(help="At least 8 characters")],
    admin: Annotated[bool, typer.Option("--admin", help="Give the administrator role")] = False,
) -> None:
    """Create an account."""
    from app.core.db import Database
    from app.core.errors import AppError
    from app.users.models import Role
    from app.users.schemas import RegisterRequest
    from app.users.service import create_user as create

    settings = _settings()
    try:
        RegisterRequest.model_validate({"email": email, "password": password})
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc

    async def run() -> int:
        db = Database(settings.resolved_database_url)
        try:
            async with db.session() as session:
                user = await create(session, email, password, role=Role.ADMIN if admin else Role.USER)
                return user.id
        finally:
            await db.dispose()

    try:
        user_id = asyncio.run(run())
    except AppError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"created user {user_id} <{email}>{' (admin)' if admin else ''}")


def main() -> None:
    cli()
