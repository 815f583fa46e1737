"""Backups: one archive with the database and the files a user would lose, and its checked restore."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from alembic.script import ScriptDirectory

from app import __version__
from app.config import Settings
from app.core import migrate
from app.core.clock import isoformat_z
from app.system import databases
from app.system.databases import BackupError, DatabaseState

__all__ = ["BackupError", "Restored", "Written", "create_backup", "restore_backup"]

FORMAT = "cryptomon-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DB_MEMBER = {"sqlite": "database.sqlite", "postgresql": "database.pgdump"}
FILES = "files"
DATA_FILES = (
    "secret_key",
    "secrets_key",
    "demo_credentials.json",
)  # what the embedded mode generates in data_dir
_CHUNK = 1 << 20


@dataclass
class Written:
    path: Path
    size: int
    state: DatabaseState
    files: dict[str, int]
    notes: list[str] = field(default_factory=list)

    def summary(self) -> list[str]:
        return [
            f"backup written: {self.path} ({_size(self.size)})",
            f"database: {self.state.dialect} at revision {self.state.revision}, {_tables(self.state.tables)}",
            f"files: {_files(self.files)}",
            *self.notes,
        ]


@dataclass
class Restored:
    manifest: dict[str, Any]
    state: DatabaseState
    revision: str
    files: dict[str, int]
    notes: list[str] = field(default_factory=list)

    def summary(self) -> list[str]:
        made = f"made {self.manifest['createdAt']} by Cryptomon {self.manifest['appVersion']}"
        migrated = (
            f", migrated {self.state.revision} -> {self.revision}"
            if self.revision != self.state.revision
            else ""
        )
        return [
            f"database restored ({made}): {self.state.dialect}, {_tables(self.state.tables)}, "
            f"revision {self.state.revision}{migrated}",
            f"files restored: {_files(self.files)}",
            *self.notes,
        ]


def _size(n: int) -> str:
    return f"{n / 1e6:,.1f} MB" if n >= 100_000 else f"{n:,} bytes"


def _tables(tables: dict[str, int]) -> str:
    return f"{_count(len(tables), 'table')}, {_count(sum(tables.values()), 'row')}"


def _count(n: int, what: str) -> str:
    return f"{n:,} {what}{'' if n == 1 else 's'}"


def _files(files: dict[str, int]) -> str:
    return ", ".join(f"{name}: {_count(count, 'file')}" for name, count in files.items()) or "none"


def _directories(settings: Settings) -> dict[str, Path]:
    """The directories of files kept for users, by their name in the archive (reports only when local)."""
    found = {"mail": settings.resolved_mail_dir}
    if not settings.report_s3_bucket:
        found["reports"] = settings.resolved_report_dir
    return found


def _check_directories(settings: Settings, *inside: Path) -> None:
    """A kept directory is replaced whole by a restore: it must not hold the database or the data dir."""
    for name, directory in _directories(settings).items():
        for path in inside:
            if path.resolve().is_relative_to(directory.resolve()):
                raise BackupError(
                    f"the {name} directory {directory} holds {path}: give it a directory of its own"
                )


def _s3_note(settings: Settings) -> list[str]:
    if not settings.report_s3_bucket:
        return []
    return [
        f"report files are in the S3 bucket {settings.report_s3_bucket}, not in this archive: back the "
        "bucket up with your storage's own tools"
    ]


def _in_flight(relative: PurePosixPath) -> bool:
    """A Maildir delivery under way (tmp/) or a report file being written (.part-*): not a kept file."""
    return "tmp" in relative.parts[:-1] or relative.name.startswith(".part-")


def _copy_tree(source: Path, target: Path) -> int:
    """Copy the kept files of a directory that may be written meanwhile (a file may vanish between the
    listing and the copy: a Maildir message moved from new/ to cur/ is copied under its new name or not
    at all, as a reader of the mailbox would see it)."""
    copied = 0
    for root, dirs, names in os.walk(source):
        here = Path(root)
        relative_dir = here.relative_to(source)
        (target / relative_dir).mkdir(parents=True, exist_ok=True)
        (target / relative_dir).chmod(here.stat().st_mode & 0o777)
        dirs[:] = [d for d in dirs if not (here / d).is_symlink()]
        for name in names:
            relative = PurePosixPath(*relative_dir.parts, name)
            if (here / name).is_symlink() or _in_flight(relative):
                continue
            try:
                shutil.copy2(here / name, target / relative_dir / name)
            except FileNotFoundError:
                continue
            copied += 1
    return copied


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _destination(path: Path) -> Path:
    if path.is_dir():
        return path / f"cryptomon-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.tar.gz"
    if not path.name.endswith((".tar", ".tar.gz", ".tgz")):
        raise BackupError(f"name the archive *.tar.gz or *.tar, or give an existing directory: {path}")
    if not path.parent.is_dir():
        raise BackupError(f"no such directory: {path.parent}")
    return path


def create_backup(settings: Settings, path: Path) -> Written:
    """Write the archive: manifest.json, the database (a consistent copy while the server runs) and the
    kept files under `files/`. Written beside and renamed, so a failed run leaves no partial archive."""
    try:
        return _create(settings, path)
    except OSError as exc:
        raise BackupError(f"cannot write the backup: {exc}") from exc


def _create(settings: Settings, path: Path) -> Written:
    target = _destination(path)
    _check_directories(settings, target.parent)
    dialect = "sqlite" if settings.is_sqlite else "postgresql"
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".cryptomon-backup-") as tmp:
        staging = Path(tmp)
        member = DB_MEMBER[dialect]
        if dialect == "sqlite":
            state = databases.dump_sqlite(
                databases.sqlite_path(settings.resolved_database_url), staging / member
            )
        else:
            state = databases.dump_postgres(settings.resolved_database_url, staging / member)
        if state.revision is None:
            raise BackupError("the database has not been migrated (no alembic revision): nothing to back up")
        counts: dict[str, int] = {}
        for name, directory in _directories(settings).items():
            if directory.is_dir():
                counts[name] = _copy_tree(directory, staging / FILES / name)
        captured = sorted(counts)
        for name in DATA_FILES:
            if (settings.data_dir / name).is_file():
                (staging / FILES / "data").mkdir(parents=True, exist_ok=True)
                shutil.copy2(settings.data_dir / name, staging / FILES / "data" / name)
        if (staging / FILES / "data").is_dir():
            counts["data"] = len(list((staging / FILES / "data").iterdir()))
        manifest = {
            "format": FORMAT,
            "formatVersion": FORMAT_VERSION,
            "appVersion": __version__,
            "alembicRevision": state.revision,
            "deployment": "cluster" if settings.is_cluster else "embedded",
            "dialect": dialect,
            "timescale": state.timescale,
            "createdAt": isoformat_z(datetime.now(UTC).replace(microsecond=0)),
            "directories": captured,
            "tables": state.tables,
            "members": {
                name: {"sha256": _sha256(staging / name), "size": (staging / name).stat().st_size}
                for name in _regular_files(staging)
            },
        }
        partial = target.with_name(f".{target.name}.partial")
        try:
            # Mode 600 from the start: it holds password hashes and, in embedded mode, the signing key.
            with (
                open(partial, "wb", opener=lambda name, flags: os.open(name, flags, 0o600)) as raw,
                tarfile.open(fileobj=raw, mode="w:gz" if target.name.endswith("gz") else "w") as tar,
            ):
                body = json.dumps(manifest, indent=2).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(body), int(datetime.now(UTC).timestamp()), 0o600
                tar.addfile(info, io.BytesIO(body))
                tar.add(staging / member, arcname=member)
                if (staging / FILES).is_dir():
                    tar.add(staging / FILES, arcname=FILES)
            os.replace(partial, target)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise BackupError(f"cannot write {target}: {exc.strerror or exc}") from exc
    return Written(target, target.stat().st_size, state, counts, _s3_note(settings))


def _regular_files(root: Path) -> list[str]:
    return sorted(
        p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and not p.is_symlink()
    )


def _safe_name(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(f"not a Cryptomon backup: unsafe member {name!r}")
    if path.parts[0] != FILES and name not in (MANIFEST, *DB_MEMBER.values()):
        raise BackupError(f"not a Cryptomon backup: unexpected member {name!r}")
    return path


def _unpack(source: Path, staging: Path) -> dict[str, Any]:
    """Extract the archive into `staging`, checking every file against the manifest's sha256."""
    if not source.is_file():
        raise BackupError(f"no such file: {source}")
    seen: dict[str, str] = {}
    manifest: dict[str, Any] | None = None
    try:
        with tarfile.open(source, "r:*") as tar:
            for member in tar:
                path = _safe_name(member.name)
                if member.isdir():
                    (staging / path).mkdir(parents=True, exist_ok=True)
                    (staging / path).chmod(0o700 | (member.mode & 0o777))
                    continue
                if not member.isfile():
                    raise BackupError(f"not a Cryptomon backup: {member.name!r} is not a regular file")
                handle = tar.extractfile(member)
                if handle is None:
                    raise BackupError(f"cannot read {member.name!r} in the archive")
                if member.name == MANIFEST:
                    manifest = json.loads(handle.read())
                    continue
                (staging / path).parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with (staging / path).open("wb") as out:
                    while chunk := handle.read(_CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                (staging / path).chmod(member.mode & 0o777 or 0o600)
                seen[member.name] = digest.hexdigest()
    except (tarfile.TarError, zlib.error, EOFError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BackupError(f"{source} is not a readable backup archive (damaged or truncated): {exc}") from exc
    except OSError as exc:
        raise BackupError(f"cannot read {source}: {exc.strerror or exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{source} is not a Cryptomon backup (no {MANIFEST})")
    members = manifest.get("members")
    if not isinstance(members, dict) or not isinstance(manifest.get("tables"), dict):
        raise BackupError(f"{source} has a damaged {MANIFEST}")
    for name, expected in sorted(members.items()):
        if name not in seen:
            raise BackupError(f"the archive is incomplete: {name} is missing")
        if not isinstance(expected, dict) or seen[name] != expected.get("sha256"):
            raise BackupError(f"checksum mismatch for {name}: the archive is damaged")
    extra = sorted(set(seen) - set(members))
    if extra:
        raise BackupError(f"the archive holds files its manifest does not list: {', '.join(extra[:3])}")
    return manifest


def _check(manifest: dict[str, Any], settings: Settings) -> None:
    version = manifest.get("formatVersion")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise BackupError(
            f"the backup's format version {version} is newer than this release reads ({FORMAT_VERSION}): "
            f"restore it with Cryptomon {manifest.get('appVersion')} or later"
        )
    target = "sqlite" if settings.is_sqlite else "postgresql"
    if manifest.get("dialect") != target:
        raise BackupError(
            f"this backup is of a {manifest.get('dialect')} database and the target is {target}: a backup is "
            "restored into the same kind of database (CRYPTOMON_DATABASE_URL)"
        )
    if DB_MEMBER[target] not in manifest.get("members", {}):
        raise BackupError(f"the archive is incomplete: {DB_MEMBER[target]} is missing")
    script = ScriptDirectory.from_config(migrate.alembic_config(settings.resolved_database_url))
    revision = manifest.get("alembicRevision")
    if not isinstance(revision, str) or revision not in {r.revision for r in script.walk_revisions()}:
        raise BackupError(
            f"the backup's database is at revision {revision}, which this release ({__version__}, revision "
            f"{script.get_current_head()}) does not know: it was made by a newer release (Cryptomon "
            f"{manifest.get('appVersion')}); restore it with that release or a later one"
        )
    if manifest.get("timescale"):
        raise BackupError(databases.TIMESCALE_RESTORE)


def _existing_files(settings: Settings, names: list[str]) -> dict[str, int]:
    directories = _directories(settings)
    found = {}
    for name in names:
        directory = directories.get(name)
        if directory is not None and directory.is_dir():
            count = sum(1 for _ in _walk_files(directory))
            if count:
                found[name] = count
    return found


def _walk_files(root: Path) -> Iterator[Path]:
    for here, _, names in os.walk(root):
        yield from (Path(here) / name for name in names)


def _replace_directory(source: Path, target: Path) -> None:
    """Make `target` hold exactly `source`'s files, in place (it may be a mounted volume)."""
    target.mkdir(parents=True, exist_ok=True)
    for child in target.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    for child in source.iterdir():
        shutil.move(child, target / child.name)
    target.chmod(source.stat().st_mode & 0o777)


def restore_backup(settings: Settings, path: Path, *, replace: bool = False) -> Restored:
    """Restore an archive into the configured database and directories, then migrate it to this release.

    Refuses, before changing anything: a damaged archive, another dialect, a revision this release does
    not know, a database still in use, and (unless `replace`) a database or directories holding data."""
    try:
        return _restore(settings, path, replace)
    except OSError as exc:
        raise BackupError(f"cannot restore: {exc}") from exc


def _restore(settings: Settings, path: Path, replace: bool) -> Restored:
    url = settings.resolved_database_url
    _check_directories(
        settings, settings.data_dir, *([databases.sqlite_path(url)] if settings.is_sqlite else [])
    )
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=settings.data_dir, prefix=".cryptomon-restore-") as tmp:
        staging = Path(tmp)
        manifest = _unpack(path, staging)
        _check(manifest, settings)
        databases.refuse_if_in_use(url)
        current = databases.state(url)
        if current.timescale:
            raise BackupError(databases.TIMESCALE_RESTORE)
        existing = _existing_files(settings, list(manifest.get("directories", [])))
        held = {name: rows for name, rows in current.tables.items() if rows and name != "alembic_version"}
        if (held or existing) and not replace:
            what = [f"{_count(sum(held.values()), 'row')} in {_count(len(held), 'table')}"] if held else []
            what += [f"{_count(count, 'file')} in {name}" for name, count in existing.items()]
            raise BackupError(
                f"the target holds data ({', '.join(what)}): pass --yes to replace it with the backup"
            )
        dialect = manifest["dialect"]
        if dialect == "sqlite":
            databases.restore_sqlite(staging / DB_MEMBER[dialect], databases.sqlite_path(url))
        else:
            databases.restore_postgres(staging / DB_MEMBER[dialect], url)
        restored = databases.state(url)
        if restored.tables != manifest["tables"] or restored.revision != manifest["alembicRevision"]:
            differ = sorted(
                name
                for name in set(restored.tables) | set(manifest["tables"])
                if restored.tables.get(name) != manifest["tables"].get(name)
            )
            raise BackupError(
                "the restored database differs from the backup's manifest "
                f"(tables {', '.join(differ[:5]) or 'none'}; revision {restored.revision}): check the archive"
            )
        try:
            migrate.upgrade(url)
        except Exception as exc:
            raise BackupError(
                f"the database was restored at revision {restored.revision} but migrating it failed: "
                f"{databases.first_line(exc)}"
            ) from exc
        revision = databases.state(url, count=False).revision or "?"
        try:
            files = _restore_files(settings, staging, manifest)
        except OSError as exc:
            raise BackupError(f"the database was restored, but not all of its files: {exc}") from exc
        notes = [f"the previous files of {', '.join(existing)} were replaced"] if existing else []
        if "reports" in manifest.get("directories", []) and settings.report_s3_bucket:
            notes.append(
                f"the archive's report files were not restored: this deployment keeps them in the S3 bucket "
                f"{settings.report_s3_bucket} (they are under files/reports/ in the archive)"
            )
    return Restored(manifest, restored, revision, files, notes)


def _restore_files(settings: Settings, staging: Path, manifest: dict[str, Any]) -> dict[str, int]:
    files: dict[str, int] = {}
    for name, directory in _directories(settings).items():
        if name in manifest.get("directories", []):
            _replace_directory(staging / FILES / name, directory)
            files[name] = sum(1 for _ in _walk_files(directory))
    for name in DATA_FILES:
        if (staging / FILES / "data" / name).is_file():
            shutil.copy2(staging / FILES / "data" / name, settings.data_dir / name)
            files["data"] = files.get("data", 0) + 1
    return files
