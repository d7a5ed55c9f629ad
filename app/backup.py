"""Backups: the database (agreement documents and print jobs included) and the files kept
beside it, in one ``.tar.gz`` with a manifest, and their restore into an empty database and
folder.

SQLite is copied with its online backup API (``sqlite3.Connection.backup``): a copy of the
live file would lose what is still in the write-ahead log. PostgreSQL is dumped with
``pg_dump --format=custom`` and restored with ``pg_restore``; without those programs the
commands stop with an error saying so. The archive holds::

    manifest.json          format, time, database kind, schema revision, rows per table,
                           every file with its size and SHA-256
    database.sqlite3       (SQLite) or database.dump (PostgreSQL, custom format)
    files/<path>           everything under ``var_dir`` except the database and backups
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from app.settings import Settings

FORMAT = "ketnoi-backup/1"
BACKUP_FOLDER = "backups"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass
class Manifest:
    data: dict[str, Any]

    @property
    def tables(self) -> dict[str, int]:
        return dict(self.data.get("tables", {}))

    @property
    def files(self) -> list[dict[str, Any]]:
        return list(self.data.get("files", []))


def _sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    if not parsed.database or parsed.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(parsed.database).resolve()


def _libpq_url(url: str) -> str:
    """The SQLAlchemy URL as pg_dump and pg_restore take it (no '+driver')."""
    parsed = make_url(url).set(drivername="postgresql")
    return parsed.render_as_string(hide_password=False)


def _program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} was not found on PATH: install the PostgreSQL client programs "
            "(Debian: apt-get install postgresql-client) of the server's major version"
        )
    return found


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def _row_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            names = inspect(connection).get_table_names()
            return {
                name: int(connection.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one())
                for name in sorted(names)
            }
    finally:
        engine.dispose()


def _revision(counts: dict[str, int], url: str) -> str | None:
    if "alembic_version" not in counts:
        return None
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            value = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
            return str(value) if value is not None else None
    finally:
        engine.dispose()


def _kept_files(settings: Settings, database: Path | None) -> list[Path]:
    """Every file under var_dir but the database itself (and its journal) and backups."""
    root = Path(settings.var_dir).resolve()
    if not root.is_dir():
        return []
    skipped = set()
    if database is not None:
        skipped = {database.with_name(database.name + s) for s in ("", "-wal", "-shm", "-journal")}
    found = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if relative.parts[0] == BACKUP_FOLDER or path.resolve() in skipped:
            continue
        if path.is_file() and not path.is_symlink() and not path.name.endswith(".tmp"):
            found.append(path)
    return found


def default_archive(settings: Settings) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return Path(settings.var_dir) / BACKUP_FOLDER / f"ketnoi-{stamp}.tar.gz"


def backup(settings: Settings, archive: Path | None = None) -> tuple[Path, Manifest]:
    """Write the database and the files under var_dir into one archive; return its path."""
    url = settings.database_url
    database = _sqlite_path(url)
    archive = Path(archive or default_archive(settings))
    archive.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ketnoi-backup-") as work:
        folder = Path(work)
        if database is not None:
            if not database.exists():
                raise BackupError(f"no SQLite database at {database}")
            dump = folder / "database.sqlite3"
            source = sqlite3.connect(database)
            target = sqlite3.connect(dump)
            try:
                with target:
                    source.backup(target)  # a consistent snapshot, write-ahead log included
            finally:
                target.close()
                source.close()
            counts = _row_counts(f"sqlite:///{dump}")
            revision = _revision(counts, f"sqlite:///{dump}")
            kind = "sqlite"
        else:
            dump = folder / "database.dump"
            done = subprocess.run(
                [
                    _program("pg_dump"),
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    *("--file", str(dump), "--dbname", _libpq_url(url)),
                ],
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                raise BackupError(f"pg_dump failed: {done.stderr.strip()[-500:]}")
            counts = _row_counts(url)
            revision = _revision(counts, url)
            kind = "postgresql"
        root = Path(settings.var_dir).resolve()
        files: list[dict[str, Any]] = []
        for path in _kept_files(settings, database):
            name = path.relative_to(root).as_posix()
            files.append({"path": name, "size": path.stat().st_size, "sha256": _digest(path)})
        manifest = {
            "format": FORMAT,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": kind,
            "revision": revision,
            "tables": counts,
            "files": files,
        }
        (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        partial = archive.with_name(archive.name + ".tmp")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(folder / "manifest.json", arcname="manifest.json")
            tar.add(dump, arcname=dump.name)
            for item in files:
                tar.add(root / item["path"], arcname=f"files/{item['path']}")
        os.replace(partial, archive)
    return archive, Manifest(manifest)


def read_manifest(archive: Path) -> Manifest:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            member = tar.extractfile("manifest.json")
            if member is None:
                raise BackupError(f"{archive} has no manifest.json")
            data = json.loads(member.read().decode("utf-8"))
    except (OSError, KeyError, tarfile.TarError, ValueError) as exc:
        raise BackupError(f"{archive} is not a Kết Nối backup: {exc}") from exc
    if data.get("format") != FORMAT:
        raise BackupError(f"{archive} is not a Kết Nối backup (format {data.get('format')!r})")
    return Manifest(data)


def _safe_name(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(f"unsafe path in the archive: {name!r}")
    return path


def _check_empty_target(settings: Settings, manifest: Manifest) -> None:
    url = settings.database_url
    database = _sqlite_path(url)
    kind = "sqlite" if database is not None else "postgresql"
    if manifest.data.get("database") != kind:
        raise BackupError(
            f"the backup holds a {manifest.data.get('database')} database; "
            f"the configured database is {kind}"
        )
    if database is not None:
        if database.exists() and _row_counts(f"sqlite:///{database}"):
            raise BackupError(f"{database} is not empty: restore into a new database")
    elif _row_counts(url):
        raise BackupError("the PostgreSQL database is not empty: restore into an empty one")
    root = Path(settings.var_dir)
    for item in manifest.files:
        if (root / _safe_name(item["path"])).exists():
            raise BackupError(f"{root / item['path']} exists: restore into an empty folder")


def restore(settings: Settings, archive: Path) -> Manifest:
    """Restore a backup into the configured (empty) database and var_dir; the files are
    checked against the manifest's SHA-256 sums."""
    manifest = read_manifest(archive)
    _check_empty_target(settings, manifest)
    database = _sqlite_path(settings.database_url)
    root = Path(settings.var_dir)
    with (
        tempfile.TemporaryDirectory(prefix="ketnoi-restore-") as work,
        tarfile.open(archive, "r:gz") as tar,
    ):
        folder = Path(work)
        expected = {f"files/{item['path']}": item for item in manifest.files}
        wanted = {"database.sqlite3" if database is not None else "database.dump", *expected}
        for member in tar.getmembers():
            if member.name not in wanted:
                continue
            if not member.isfile():
                raise BackupError(f"unexpected entry in the archive: {member.name!r}")
            target = folder / _safe_name(member.name)
            target.parent.mkdir(parents=True, exist_ok=True)
            source = tar.extractfile(member)
            assert source is not None
            with target.open("wb") as handle:
                shutil.copyfileobj(source, handle)
        for name, item in expected.items():
            if _digest(folder / name) != item["sha256"]:
                raise BackupError(f"{item['path']} in the archive does not match its checksum")
        if database is not None:
            database.parent.mkdir(parents=True, exist_ok=True)
            source_db = sqlite3.connect(folder / "database.sqlite3")
            target_db = sqlite3.connect(database)
            try:
                with target_db:
                    source_db.backup(target_db)
            finally:
                target_db.close()
                source_db.close()
        else:
            done = subprocess.run(
                [
                    _program("pg_restore"),
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    *("--dbname", _libpq_url(settings.database_url)),
                    str(folder / "database.dump"),
                ],
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                raise BackupError(f"pg_restore failed: {done.stderr.strip()[-500:]}")
        for name, item in expected.items():
            target = root / _safe_name(item["path"])
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(folder / name, target)
    return manifest
