"""`cryptomon backup` and `cryptomon restore`: a round trip on SQLite and PostgreSQL, and every refusal."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import sqlite3
import subprocess
import sys
import tarfile
from collections.abc import Callable
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import create_async_engine
from typer.testing import CliRunner, Result

from app.cli import cli
from app.config import Settings
from app.core.db import Database
from app.core.files import LocalStore
from app.market.repository import CandleRow, upsert_candles
from app.models import Base
from app.notifications import mailbox
from app.system import databases
from tests.conftest import pg_url, register, run_outside_loop, serve, settings_env


def _cli(settings: Settings, *args: str, **env: str) -> Result:
    return CliRunner().invoke(cli, list(args), env=settings_env(settings) | env)


async def _create_data(settings: Settings) -> None:
    """A user with an alert, a portfolio with a transaction and a post, through the API; two candles (one
    from 2024: a partition of its own on PostgreSQL); a mail, a report file and the embedded mode's files."""
    async with serve(settings) as client:
        owner = await register(client, "owner@example.com")
        alert = {"userId": owner.id, "symbol": "BTC-USD", "condition": "PRICE_ABOVE", "threshold": 50000}
        created = await client.post(
            "/api/alerts", json=alert | {"channels": ["IN_APP"]}, headers=owner.headers
        )
        assert created.status_code == 201, created.text
        body = {"userId": owner.id, "name": "Core", "riskProfile": "LOW", "targetAllocations": {"BTC-USD": 1}}
        portfolio = await client.post("/api/portfolios", json=body, headers=owner.headers)
        assert portfolio.status_code == 201, portfolio.text
        buy = {"kind": "BUY", "symbol": "BTC-USD", "quantity": 0.5, "price": 60000, "fee": 1}
        bought = await client.post(
            f"/api/portfolios/{portfolio.json()['data']['portfolioId']}/transactions",
            json=buy | {"executedAt": "2025-01-01T00:00:00Z"},
            headers=owner.headers,
        )
        assert bought.status_code == 201, bought.text
        post = {"userId": owner.id, "title": "Backups matter", "content": "Restore them, too."}
        posted = await client.post("/api/community/posts", json=post, headers=owner.headers)
        assert posted.status_code == 201, posted.text
    db = Database(settings.resolved_database_url)
    try:
        async with db.session() as session:
            candles = [
                CandleRow(
                    "BTC-USD", "1d", "binance", int(datetime(y, m, 1, tzinfo=UTC).timestamp()), 1, 2, 1, 2, 3
                )
                for y, m in ((2024, 3), (2025, 1))
            ]
            await upsert_candles(session, candles)
    finally:
        await db.dispose()
    message = EmailMessage()
    message["Subject"], message["From"], message["To"] = (
        "BTC above 50,000",
        "alerts@localhost",
        "owner@example.com",
    )
    message.set_content("It crossed.")
    mailbox.deliver(mailbox.path_of(settings.resolved_mail_dir, owner.id), message)
    await LocalStore(settings.resolved_report_dir).put(
        "1/report.pdf", b"%PDF-1.7 a report", "application/pdf"
    )
    (settings.data_dir / "secret_key").write_text("the embedded signing key")
    (settings.data_dir / "demo_credentials.json").write_text('{"email": "demo@example.com", "password": "p"}')


async def _rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            rows = {
                table.name: [tuple(r) for r in await conn.execute(select(table).order_by(*table.primary_key))]
                for table in Base.metadata.sorted_tables
            }
            rows["alembic_version"] = [
                tuple(r) for r in await conn.execute(text("SELECT * FROM alembic_version"))
            ]
    finally:
        await engine.dispose()
    return rows


async def _change(url: str) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("DELETE FROM alerts"))
            await conn.execute(text("DELETE FROM portfolio_transactions"))
            await conn.execute(text("UPDATE users SET email = 'changed@example.com'"))
            await conn.execute(text("DELETE FROM price_history"))
    finally:
        await engine.dispose()


def _files(settings: Settings) -> dict[str, bytes]:
    roots = {"mail": settings.resolved_mail_dir, "reports": settings.resolved_report_dir}
    found = {
        f"{name}/{path.relative_to(root)}": path.read_bytes()
        for name, root in roots.items()
        for path in root.rglob("*")
        if path.is_file()
    }
    return found | {
        name: (settings.data_dir / name).read_bytes() for name in ("secret_key", "demo_credentials.json")
    }


def _snapshot(
    settings: Settings,
) -> tuple[dict[str, int], dict[str, list[tuple[Any, ...]]], dict[str, bytes]]:
    url = settings.resolved_database_url
    return databases.state(url).tables, run_outside_loop(_rows(url)), _files(settings)


def test_round_trip(settings: Settings, tmp_path: Path) -> None:
    run_outside_loop(_create_data(settings))
    before = _snapshot(settings)
    counts, rows, files = before
    assert rows["alerts"] and rows["portfolio_transactions"] and rows["community_posts"]
    assert len(rows["price_history"]) == 2 and len(files) == 4
    archive = tmp_path / "backups" / "nightly.tar.gz"
    archive.parent.mkdir()

    writer = None
    if (
        settings.is_sqlite
    ):  # the server writing meanwhile: its open transaction is neither waited for nor copied
        writer = sqlite3.connect(databases.sqlite_path(settings.resolved_database_url))
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE users SET display_name = 'uncommitted'")
    written = _cli(settings, "backup", str(archive))
    if writer is not None:
        writer.rollback()
        writer.close()
    assert written.exit_code == 0, written.output
    dialect = "sqlite" if settings.is_sqlite else "postgresql"
    assert f"database: {dialect} at revision 0021" in written.stdout
    assert f"{sum(counts.values()):,} rows" in written.stdout

    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
    assert names[0] == "manifest.json" and ("database.sqlite" in names) == settings.is_sqlite
    assert manifest["dialect"] == dialect and manifest["alembicRevision"] == "0021"
    assert manifest["deployment"] == ("cluster" if settings.is_cluster else "embedded")
    assert manifest["tables"] == counts and manifest["createdAt"].endswith("Z")
    assert {n for n in manifest["members"] if n.startswith("files/")} == {
        "files/data/secret_key",
        "files/data/demo_credentials.json",
        "files/reports/1/report.pdf",
        *(f"files/{name}" for name in files if name.startswith("mail/")),
    }

    run_outside_loop(_change(settings.resolved_database_url))
    for name in files:
        if name.startswith("mail/"):
            (settings.resolved_mail_dir / name.removeprefix("mail/")).unlink()
    (settings.resolved_report_dir / "2.pdf").write_bytes(b"made after the backup")
    (settings.data_dir / "secret_key").write_text("another key")
    assert _snapshot(settings) != before

    refused = _cli(settings, "restore", str(archive))
    assert refused.exit_code == 1 and "pass --yes" in refused.stderr
    assert "the server must be stopped" in refused.stdout
    restored = _cli(settings, "restore", str(archive), "--yes")
    assert restored.exit_code == 0, restored.output
    assert f"{dialect}, {len(counts)} tables, {sum(counts.values()):,} rows, revision 0021" in restored.stdout
    assert _snapshot(settings) == before
    owner_mail = mailbox.path_of(settings.resolved_mail_dir, rows["users"][0][0])
    assert [m.subject for m in mailbox.page(owner_mail, 0, 10).messages] == ["BTC above 50,000"]
    if settings.is_cluster:  # and a PostgreSQL backup goes into PostgreSQL only
        sqlite_target = {
            "CRYPTOMON_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'o.db'}",
            "CRYPTOMON_REDIS_URL": "",
        }
        other = _cli(settings, "restore", str(archive), **sqlite_target)
        assert other.exit_code == 1 and "a postgresql database and the target is sqlite" in other.stderr


def _rewrite(archive: Path, out: Path, change: Callable[[dict[str, Any], dict[str, bytes]], None]) -> None:
    """Copy an archive with its manifest and members changed by `change`."""
    with tarfile.open(archive) as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar if m.isfile()}  # type: ignore[union-attr]
    manifest = json.loads(members.pop("manifest.json"))
    change(manifest, members)
    with tarfile.open(out, "w") as tar:
        for name, body in [("manifest.json", json.dumps(manifest).encode()), *members.items()]:
            info = tarfile.TarInfo(name)
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))


def _newer(scratch: Path) -> Callable[[dict[str, Any], dict[str, bytes]], None]:
    """The change that makes a backup look like a later release's: its database at an unknown revision."""

    def change(manifest: dict[str, Any], members: dict[str, bytes]) -> None:
        scratch.write_bytes(members["database.sqlite"])
        conn = sqlite3.connect(scratch)
        with conn:
            conn.execute("UPDATE alembic_version SET version_num = '0099'")
        conn.close()
        members["database.sqlite"] = scratch.read_bytes()
        manifest.update(alembicRevision="0099", appVersion="9.0.0")
        manifest["members"]["database.sqlite"]["sha256"] = hashlib.sha256(
            members["database.sqlite"]
        ).hexdigest()

    return change


def test_refusals(embedded_settings: Settings, tmp_path: Path) -> None:
    """Each refusal is one line on stderr, exit code 1, and leaves the database as it was."""
    settings = embedded_settings
    archive = tmp_path / "backup.tar"
    assert _cli(settings, "backup", str(archive)).exit_code == 0
    assert "name the archive" in _cli(settings, "backup", str(tmp_path / "backup.zip")).stderr
    (tmp_path / "nightly").mkdir()
    assert (
        _cli(settings, "backup", str(tmp_path / "nightly")).exit_code == 0
    )  # a dated archive in a directory
    assert [p.name[-7:] for p in (tmp_path / "nightly").iterdir()] == [".tar.gz"]
    url = settings.resolved_database_url

    def refused(path: Path, message: str, **env: str) -> None:
        result = _cli(settings, "restore", str(path), "--yes", **env)
        assert result.exit_code == 1, result.output
        assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert databases.state(url).revision == "0021"

    damaged = tmp_path / "damaged.tar"
    body = bytearray(archive.read_bytes())
    body[body.index(b"SQLite format 3") + 5000] ^= 0xFF
    damaged.write_bytes(bytes(body))
    refused(damaged, "checksum mismatch for database.sqlite")
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(gzip.compress(archive.read_bytes())[:-2000])
    refused(truncated, "not a readable backup archive")
    refused(tmp_path / "missing.tar", "no such file")
    newer = tmp_path / "newer.tar"
    _rewrite(archive, newer, _newer(tmp_path / "newer.db"))
    refused(newer, "made by a newer release (Cryptomon 9.0.0)")
    refused(
        archive, "restored into the same kind of database", CRYPTOMON_DATABASE_URL=pg_url("cryptomon_none")
    )

    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(databases.sqlite_path(url))],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "open\n"
        refused(archive, "stop the server and every other cryptomon process")
    finally:
        holder.communicate("")

    no_tools = {"CRYPTOMON_DATABASE_URL": pg_url("cryptomon_none"), "PATH": "/nonexistent"}
    pg = _cli(settings, "backup", str(tmp_path / "pg.tar"), **no_tools)
    assert pg.exit_code == 1 and "pg_dump not found" in pg.stderr


# Another process with the database open, as a running server has it.
_HOLD = (
    "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute('SELECT 1'); "
    "print('open', flush=True); sys.stdin.read()"
)
