"""The database side of backups: a consistent copy of SQLite or PostgreSQL, its restore, its row counts."""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from sqlalchemy.pool import NullPool

T = TypeVar("T")

TIMESCALE_RESTORE = (
    "this database uses TimescaleDB, which `cryptomon restore` does not restore: follow Timescale's "
    "procedure into a new database (CREATE EXTENSION timescaledb; SELECT timescaledb_pre_restore(); "
    "pg_restore -d DB database.pgdump from the archive; SELECT timescaledb_post_restore()), then run "
    "`cryptomon migrate` (docs/DEPLOYMENT.md)"
)

# Every table of the schema but the partitions (counted through their parent).
_PG_TABLES = (
    "SELECT c.relname FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace "
    "AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY c.relname"
)
# Run first, in the restore's transaction: the tables a newer release added are not in an older backup,
# and would stop its migration to head; pg_restore --clean then drops what the archive itself defines.
_PG_DROP_TABLES = """
DO $$
DECLARE t record;
BEGIN
  FOR t IN SELECT c.relname FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace
           AND c.relkind IN ('r', 'p') AND NOT c.relispartition LOOP
    EXECUTE format('DROP TABLE IF EXISTS %I CASCADE', t.relname);
  END LOOP;
END $$;
"""


class BackupError(Exception):
    """A backup or restore that cannot go on: the message is the one line the user sees."""


@dataclass
class DatabaseState:
    dialect: str
    revision: str | None
    tables: dict[str, int]  # rows per table
    timescale: bool = False


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def first_line(exc: BaseException) -> str:
    message = str(getattr(exc, "orig", None) or exc).strip()
    return message.splitlines()[0] if message else type(exc).__name__


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} not found: install the PostgreSQL client tools (Debian: postgresql-client), of the "
            "server's major version or newer"
        )
    return found


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    try:
        return asyncio.run(coroutine)
    except BackupError:
        raise
    except (SQLAlchemyError, OSError) as exc:
        raise BackupError(f"cannot use the database: {first_line(exc)}") from exc


# SQLite ------------------------------------------------------------------------------------------------


def sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return Path(database).resolve()


def _sqlite_state(conn: sqlite3.Connection, count: bool = True) -> DatabaseState:
    names = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    tables = (
        {n: conn.execute(f"SELECT count(*) FROM {_quote(n)}").fetchone()[0] for n in names} if count else {}
    )
    revision = None
    if "alembic_version" in names:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        revision = row[0] if row else None
    return DatabaseState("sqlite", revision, tables)


def dump_sqlite(database: Path, out: Path) -> DatabaseState:
    """A consistent copy made with SQLite's online backup API (one step: a single read transaction, so
    the server goes on writing meanwhile), left in rollback-journal mode: one self-contained file."""
    if not database.is_file():
        raise BackupError(f"no database at {database}")
    try:
        source, copy = sqlite3.connect(database, timeout=30), sqlite3.connect(out)
        try:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")
            return _sqlite_state(copy)
        finally:
            source.close()
            copy.close()
    except sqlite3.Error as exc:
        raise BackupError(f"cannot copy the SQLite database {database}: {exc}") from exc


def restore_sqlite(copy: Path, database: Path) -> None:
    """Write the copy into the database with the backup API: one write transaction in the target, so a
    failure leaves the target as it was."""
    database.parent.mkdir(parents=True, exist_ok=True)
    try:
        source, target = sqlite3.connect(copy), sqlite3.connect(database, timeout=30)
        try:
            if source.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise BackupError("the database in the archive is damaged (PRAGMA quick_check)")
            source.backup(target)
            if target.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
                target.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            source.close()
            target.close()
    except sqlite3.Error as exc:
        raise BackupError(f"cannot restore into {database}: {exc}") from exc


def _sqlite_holders(database: Path) -> list[str]:
    """The other processes that have the database open (Linux: their open files in /proc)."""
    wanted, found = {str(database), f"{database}-wal"}, []
    proc = Path("/proc")
    for entry in proc.iterdir() if proc.is_dir() else []:
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if any(os.readlink(fd) in wanted for fd in (entry / "fd").iterdir()):
                found.append(f"{(entry / 'comm').read_text().strip()} (pid {entry.name})")
        except OSError:
            continue
    return found


# PostgreSQL --------------------------------------------------------------------------------------------


def libpq_env(url: str) -> dict[str, str]:
    """The environment that points pg_dump, pg_restore and psql at a SQLAlchemy URL's database (the
    password goes in PGPASSWORD, never on a command line)."""
    parsed = make_url(url)
    env = dict(os.environ)
    values = {
        "PGHOST": parsed.host or parsed.query.get("host"),
        "PGPORT": str(parsed.port) if parsed.port else parsed.query.get("port"),
        "PGUSER": parsed.username,
        "PGPASSWORD": parsed.password,
        "PGDATABASE": parsed.database,
        "PGSSLMODE": parsed.query.get("sslmode") or parsed.query.get("ssl"),
        "PGAPPNAME": "cryptomon-backup",
    }
    for key, value in values.items():
        if isinstance(value, tuple):
            value = value[0]
        if value:
            env[key] = {"true": "require", "false": "disable"}.get(str(value), str(value))
    return env


async def _pg_read(conn: AsyncConnection, count: bool = True) -> DatabaseState:
    names = list((await conn.execute(text(_PG_TABLES))).scalars())
    tables = {}
    for name in names if count else []:
        tables[name] = int(await conn.scalar(text(f"SELECT count(*) FROM {_quote(name)}")) or 0)
    revision = (
        await conn.scalar(text("SELECT version_num FROM alembic_version"))
        if "alembic_version" in names
        else None
    )
    timescale = bool(await conn.scalar(text("SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'")))
    return DatabaseState("postgresql", revision, tables, timescale)


async def _pg_state(url: str, count: bool) -> DatabaseState:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            return await _pg_read(conn, count)
    finally:
        await engine.dispose()


def _failure(tool: str, stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if "error" in line.lower() or "fatal" in line.lower()]
    return f"{tool} failed: {(errors or lines or ['no message'])[0].strip()}"


async def _pg_dump(url: str, out: Path, pg_dump: str) -> DatabaseState:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            # The counts in the manifest and pg_dump read one snapshot: restore checks the one by the other.
            conn = await conn.execution_options(isolation_level="REPEATABLE READ")
            snapshot = await conn.scalar(text("SELECT pg_export_snapshot()"))
            state = await _pg_read(conn)
            process = await asyncio.create_subprocess_exec(
                pg_dump,
                "--format=custom",
                "--no-owner",
                f"--snapshot={snapshot}",
                f"--file={out}",
                env=libpq_env(url),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            _, stderr = await process.communicate()
            await conn.rollback()
    finally:
        await engine.dispose()
    if process.returncode != 0:
        raise BackupError(_failure("pg_dump", stderr.decode(errors="replace")))
    return state


def dump_postgres(url: str, out: Path) -> DatabaseState:
    """pg_dump --format=custom of the URL's database, in the snapshot its row counts were read in."""
    return _run(_pg_dump(url, out, _tool("pg_dump")))


def restore_postgres(dump: Path, url: str) -> None:
    """pg_restore --clean --if-exists --no-owner of the dump, run through psql in ONE transaction that
    first drops every table of the schema: committed only when pg_restore read the whole archive and
    every statement succeeded, rolled back (the database as it was) otherwise."""
    pg_restore, psql = _tool("pg_restore"), _tool("psql")
    env = libpq_env(url) | {"PGOPTIONS": "-c client_min_messages=warning"}
    with tempfile.TemporaryFile() as restore_err, tempfile.TemporaryFile() as psql_err:
        loader = subprocess.Popen(
            [psql, "-X", "-q", "-v", "ON_ERROR_STOP=1"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=psql_err,
            env=env,
        )
        script = subprocess.Popen(
            [pg_restore, "--clean", "--if-exists", "--no-owner", "--file=-", str(dump)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=restore_err,
            env=env,
        )
        assert loader.stdin is not None and script.stdout is not None
        try:
            loader.stdin.write(b"BEGIN;\n" + _PG_DROP_TABLES.encode() + b"\n")
            shutil.copyfileobj(script.stdout, loader.stdin, 1 << 20)
            complete = script.wait() == 0
            if complete:
                loader.stdin.write(b"COMMIT;\n")
            loader.stdin.close()  # without COMMIT psql ends and the server rolls the transaction back
        except BrokenPipeError:  # psql stopped at an error (ON_ERROR_STOP): rolled back
            script.kill()
            complete = script.wait() == 0
        loaded = loader.wait() == 0
        if not complete:
            restore_err.seek(0)
            raise BackupError(_failure("pg_restore", restore_err.read().decode(errors="replace")))
        if not loaded:
            psql_err.seek(0)
            raise BackupError(_failure("the restore (psql)", psql_err.read().decode(errors="replace")))


async def _pg_others(url: str) -> list[str]:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                text(
                    "SELECT coalesce(nullif(application_name, ''), 'a client') || coalesce(' from ' || "
                    "host(client_addr), '') FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
            return sorted(str(row[0]) for row in rows)
    finally:
        await engine.dispose()


# Both ------------------------------------------------------------------------------------------------


def state(url: str, count: bool = True) -> DatabaseState:
    """The database's revision and (with `count`) the rows of each table; an absent SQLite file is empty."""
    if not url.startswith("sqlite"):
        return _run(_pg_state(url, count))
    database = sqlite_path(url)
    if not database.is_file():
        return DatabaseState("sqlite", None, {})
    try:
        conn = sqlite3.connect(database, timeout=30)
        try:
            return _sqlite_state(conn, count)
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise BackupError(f"cannot read the SQLite database {database}: {exc}") from exc


def refuse_if_in_use(url: str) -> None:
    """A restore under a running server would leave its caches and connections on the old data: refuse
    while another process has the database open (sessions that just closed get two seconds to go)."""
    for _ in range(10):
        others = _sqlite_holders(sqlite_path(url)) if url.startswith("sqlite") else _run(_pg_others(url))
        if not others:
            return
        time.sleep(0.2)
    raise BackupError(
        f"the database is in use ({', '.join(sorted(set(others))[:5])}): stop the server and every other "
        "cryptomon process (workers, beat, ingest, alerts) first"
    )
