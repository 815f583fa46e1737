"""What the benchmarks share: freshly migrated databases (SQLite file, PostgreSQL database) as Settings."""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from app.config import Settings
from app.core import migrate

PG_ADMIN = os.environ.get("BENCH_PG_ADMIN_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")
QUIET: dict[str, Any] = {
    "_env_file": None,
    "secret_key": "b" * 40,
    "log_level": "WARNING",
    "market_sources": [],
}


@asynccontextmanager
async def embedded(**overrides: Any) -> AsyncIterator[Settings]:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        await asyncio.to_thread(migrate.upgrade, url)
        yield Settings(**QUIET | {"database_url": url, "data_dir": Path(tmp)} | overrides)


async def _admin(sql: str) -> None:
    engine = create_async_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(sql))
    finally:
        await engine.dispose()


@asynccontextmanager
async def postgres(**overrides: Any) -> AsyncIterator[Settings | None]:
    """A migrated throw-away database, or None (with the reason printed) when PostgreSQL does not answer."""
    name = f"cryptomon_bench_{os.getpid()}"
    try:
        await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await _admin(f'CREATE DATABASE "{name}"')
    except OSError as exc:
        print(f"postgres  skipped: {exc}")
        yield None
        return
    url = PG_ADMIN.rsplit("/", 1)[0] + "/" + name
    try:
        await asyncio.to_thread(migrate.upgrade, url)
        with tempfile.TemporaryDirectory() as tmp:
            yield Settings(**QUIET | {"database_url": url, "data_dir": Path(tmp)} | overrides)
    finally:
        await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
