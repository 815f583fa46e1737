"""The `cryptomon` command: serve, worker, beat, migrate, create-user."""

from __future__ import annotations

import asyncio
import importlib
import threading
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from app.config import Settings, get_settings
from app.core.logging import configure_logging
from app.market.backfill import BackfillSource

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from app.users.models import User

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
    # matplotlib takes ~0.9 s to import and the backtest loop is compiled (or loaded from numba's cache):
    # both paid in the background at start, not by the first chart or backtest request.
    threading.Thread(target=_warm_up, daemon=True).start()
    uvicorn.Server(uvicorn_config(create_app(settings), settings, host, port)).run()


def _warm_up() -> None:
    importlib.import_module("app.analysis.charts")
    from app.backtesting.engine import warm

    warm()


@cli.command()
def worker(
    concurrency: Annotated[int | None, typer.Option(help="Worker processes")] = None,
    pool: Annotated[str, typer.Option(help="Celery pool: prefork, solo or threads")] = "prefork",
) -> None:
    """Run a Celery worker that executes background jobs (cluster mode)."""
    from app.core.bootstrap import build_runtime
    from app.core.tasks.celery_app import create_celery

    settings = _settings()
    celery = create_celery(settings, lambda: build_runtime(settings, role="worker"))
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
    """Run the market data sources, the ingest pipeline, an alert engine and the portfolio watcher (cluster
    mode; run one)."""
    from app.alerts.worker import AlertEngine
    from app.core.bootstrap import build_runtime
    from app.core.metrics import serve_metrics
    from app.market.runner import MarketRunner
    from app.portfolio.watcher import PortfolioWatcher

    settings = _settings()
    serve_metrics(settings)

    async def run() -> None:
        async with build_runtime(settings, role="worker") as runtime:
            runner = MarketRunner(runtime)
            engine, watcher = AlertEngine(runtime), PortfolioWatcher(runtime)
            await engine.start()  # first, so that they hear the first prices
            await watcher.start()
            await runner.start(consume_pushes=True)
            typer.echo(f"ingesting from: {', '.join(runner.source_names) or 'pushes only'}")
            try:
                await asyncio.Event().wait()
            finally:
                await runner.stop()
                await watcher.stop()
                await engine.stop()

    asyncio.run(run())


@cli.command()
def alerts() -> None:
    """Run one more alert engine (cluster mode; any number): symbols are shared out by leases in Redis."""
    from app.alerts.worker import AlertEngine
    from app.core.bootstrap import build_runtime

    settings = _settings()
    if not settings.is_cluster:
        raise typer.BadParameter("alert workers share symbols through Redis: set CRYPTOMON_REDIS_URL")
    from app.core.metrics import serve_metrics

    serve_metrics(settings)

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

    from app.core.bootstrap import build_runtime
    from app.core.errors import AppError
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


@cli.command()
def backtest(
    strategy: Annotated[str, typer.Option(help='e.g. "RSI Mean Reversion", "MACD Crossover", Rules')],
    symbol: Annotated[str, typer.Option(help="e.g. BTC-USD")] = "BTC-USD",
    interval: Annotated[str, typer.Option(help="1m 5m 15m 1h 4h 1d")] = "1h",
    period: Annotated[str, typer.Option(help="90d, 12w, 1y... before --to")] = "1y",
    from_: Annotated[datetime | None, typer.Option("--from", help="UTC start (instead of --period)")] = None,
    to: Annotated[datetime | None, typer.Option(help="UTC end (default: now)")] = None,
    param: Annotated[
        list[str] | None, typer.Option(help="name=value, repeatable (Rules: entry=..., exit=...)")
    ] = None,
    sweep: Annotated[
        list[str] | None, typer.Option(help="name=min:max:step, repeatable: a parameter sweep")
    ] = None,
    metric: Annotated[str, typer.Option(help="sweep: rank by this result")] = "sharpeRatio",
    capital: Annotated[float, typer.Option(help="initial capital")] = 10_000.0,
    fees: Annotated[float, typer.Option(help="fee per fill, fraction of notional")] = 0.001,
    slippage: Annotated[float, typer.Option(help="fraction of the price")] = 0.0,
    long_short: Annotated[bool, typer.Option("--long-short", help="also go short")] = False,
    email: Annotated[str | None, typer.Option(help="run as this user (their custom indicators)")] = None,
) -> None:
    """Backtest a strategy on the stored candles and print its results (or a sweep's best combinations)."""
    from rich.console import Console
    from rich.progress import Progress
    from rich.table import Table

    from app.backtesting import optimize, simulation
    from app.backtesting.schemas import OptimizeIn, StrategyIn
    from app.core.bootstrap import build_runtime
    from app.core.errors import AppError

    settings = _settings()
    body: dict[str, object] = {
        "strategyName": strategy,
        "symbol": symbol,
        "interval": interval,
        "period": period,
        "parameters": dict(_pair(item) for item in param or []),
        "initialCapital": capital,
        "fees": fees,
        "slippage": slippage,
        "direction": "LONG_SHORT" if long_short else "LONG_ONLY",
    }
    if from_ is not None:
        body["from"] = _utc(from_).isoformat()
    if to is not None:
        body["to"] = _utc(to).isoformat()
    console = Console()

    async def run() -> None:
        async with build_runtime(settings, role="cli") as runtime, runtime.db.session() as session:
            user = await _cli_user(session, email)
            if sweep:
                ranges = {}
                for item in sweep:
                    name, _, spec = item.partition("=")
                    low, high, step = (float(x) for x in spec.split(":"))
                    ranges[name] = {"min": low, "max": high, "step": step}
                request = OptimizeIn.model_validate(body | {"ranges": ranges, "metric": metric})
                with Progress(console=console) as bar:
                    task = bar.add_task("sweeping", total=1.0)

                    async def advance(fraction: float, message: str) -> None:
                        bar.update(task, completed=fraction, description=message)

                    swept = await optimize.sweep(
                        session, user.id, request, advance, settings.backtest_risk_free_rate
                    )
                    result = swept.model_dump(mode="json", by_alias=True, exclude_unset=True)
                    bar.update(task, completed=1.0)
                table = Table(title=f"{result['strategyName']} on {result['symbol']}: best by {metric}")
                for column in ("parameters", f"{metric} in sample", f"{metric} out of sample", "trades"):
                    table.add_column(column)
                for row in result["results"]:
                    outside = row["outOfSample"] or {}
                    table.add_row(
                        ", ".join(f"{k}={v:g}" for k, v in row["parameters"].items()),
                        str(row["inSample"].get(metric)),
                        str(outside.get(metric)),
                        str(row["inSample"]["totalTrades"]),
                    )
                console.print(table)
                return
            request_one = StrategyIn.model_validate(body)
            with Progress(console=console, transient=True) as bar:
                bar.add_task("loading candles and running", total=None)
                prepared = await simulation.prepare(
                    session, user.id, request_one.strategy_name, request_one.parameters
                )
                window = await simulation.load_window(session, request_one, prepared.lookback)
                _, metrics = simulation.simulate(
                    prepared,
                    window,
                    simulation.costs_of(request_one),
                    float(request_one.initial_capital),
                    settings.backtest_risk_free_rate,
                )
            results = metrics.model_dump(mode="json", by_alias=True, exclude_unset=True)
            table = Table(title=f"{prepared.name} on {window.symbol} {interval} ({results['bars']:,} bars)")
            table.add_column("metric")
            table.add_column("value", justify="right")
            for key, value in results.items():
                table.add_row(
                    key, "-" if value is None else f"{value:,.4f}" if isinstance(value, float) else str(value)
                )
            console.print(table)

    try:
        asyncio.run(run())
    except AppError as exc:
        typer.echo(f"error: {exc.field + ': ' if exc.field else ''}{exc.message}", err=True)
        raise typer.Exit(1) from exc


def _pair(item: str) -> tuple[str, object]:
    name, _, value = item.partition("=")
    try:
        return name, float(value)
    except ValueError:
        return name, value  # a formula (Rules)


async def _cli_user(session: AsyncSession, email: str | None) -> User:
    """The user a command-line run acts as: --email's, else nobody in particular (no custom indicators)."""
    from sqlalchemy import select

    from app.users.models import User

    if email is None:
        return User(id=0, email="cli@localhost", role="user")
    user = await session.scalar(select(User).where(User.email == email.lower()))
    if user is None:
        raise typer.BadParameter(f"no user {email}")
    return user


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


def _change_account(email: str, change: Callable[[AsyncSession, User], Awaitable[None]]) -> None:
    """Apply `change` to the account with `email` in one transaction; exit 1 when there is none."""
    from app.core.db import Database
    from app.users.service import get_by_email

    settings = _settings()

    async def run() -> bool:
        db = Database(settings.resolved_database_url)
        try:
            async with db.session() as session:
                user = await get_by_email(session, email)
                if user is None:
                    return False
                await change(session, user)
                return True
        finally:
            await db.dispose()

    if not asyncio.run(run()):
        typer.echo(f"error: no account with email {email}", err=True)
        raise typer.Exit(1)


@cli.command("set-role")
def set_role(
    email: Annotated[str, typer.Option(help="The account's email address")],
    role: Annotated[str, typer.Option(help="user, moderator or admin")],
) -> None:
    """Give an account a role (moderators and admins moderate the community)."""
    from app.users.models import Role
    from app.users.service import set_role_by_operator

    if role not in {r.value for r in Role}:
        raise typer.BadParameter(f"role must be one of {', '.join(r.value for r in Role)}")

    async def change(session: AsyncSession, user: User) -> None:
        set_role_by_operator(session, user, role)

    _change_account(email, change)
    typer.echo(f"{email} is now {role}")


@cli.command("reset-2fa")
def reset_two_factor(email: Annotated[str, typer.Option(help="The account's email address")]) -> None:
    """Turn off two-factor sign-in of an account that lost its authenticator and recovery codes (check who
    asks first). Every session of the account is ended; the audit log records it."""
    from app.users.service import reset_two_factor as reset

    _change_account(email, reset)
    typer.echo(f"two-factor sign-in of {email} is off; its sessions were ended")


@cli.command()
def backup(
    path: Annotated[
        Path, typer.Argument(help="The archive to write (.tar.gz or .tar), or a directory for a dated one")
    ],
) -> None:
    """Back up the database and the files a user would lose (local mailboxes, report files, the embedded
    mode's secret key and demo credentials) into one archive. Safe while the server runs."""
    from app.system.backup import BackupError, create_backup

    try:
        written = create_backup(get_settings(), path)
    except BackupError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo("\n".join(written.summary()))


@cli.command()
def restore(
    path: Annotated[Path, typer.Argument(help="An archive written by `cryptomon backup`")],
    yes: Annotated[bool, typer.Option("--yes", help="Replace a database (and files) that hold data")] = False,
) -> None:
    """Restore a backup into the configured database and data directory, then migrate it to this release.
    STOP THE SERVER (and every worker, beat, ingest and alerts process) FIRST: a restore is refused while
    another process has the database open."""
    from app.system.backup import BackupError, restore_backup

    settings = get_settings()
    database = settings.resolved_database_url.split("@")[-1]
    typer.echo(f"restoring {path} into {database} (the server must be stopped)")
    try:
        restored = restore_backup(settings, path, replace=yes)
    except BackupError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo("\n".join(restored.summary()))


def main() -> None:
    cli()
