"""`ketnoi backup` and `ketnoi restore`, run as processes: a backup of a database with rows
and of the files beside it, restored into an empty database and folder, gives back every row
and every file; a restore never writes over existing data."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

from app.backup import _row_counts
from app.db import get_engine
from app.migrate import upgrade
from app.settings import get_settings
from tests.conftest import B2B_SESSION, IS_POSTGRES


def _ketnoi(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture
def files_beside() -> Iterator[dict[str, bytes]]:
    """An agreement document and a print job's PDF under var/, as the app keeps them."""
    var = Path(get_settings().var_dir)
    content = {
        "documents/3f1c0a": "Biên bản ghi nhớ hợp tác — Đài Loan (Trung Quốc)".encode(),
        "print-jobs/7.pdf": b"%PDF-1.7\n" + os.urandom(2048),
    }
    for name, data in content.items():
        (var / name).parent.mkdir(parents=True, exist_ok=True)
        (var / name).write_bytes(data)
    yield content
    for name in content:
        (var / name).unlink(missing_ok=True)


def _data(client: TestClient, event_id: int, headers: dict[str, str]) -> None:
    response = client.post(f"/api/v1/events/{event_id}/sessions", json=B2B_SESSION, headers=headers)
    assert response.status_code == 201, response.text


@pytest.mark.skipif(IS_POSTGRES, reason="the SQLite round trip")
def test_sqlite_backup_then_restore_into_a_new_database_gives_back_rows_and_files(
    client: TestClient,
    db: Session,
    event_id: int,
    organiser_headers: dict[str, str],
    files_beside: dict[str, bytes],
    tmp_path: Path,
) -> None:
    _data(client, event_id, organiser_headers)
    url = get_settings().database_url
    before = _row_counts(url)
    assert before["event"] == 1
    assert before["event_session"] == 1

    archive = tmp_path / "ketnoi.tar.gz"
    done = _ketnoi("backup", "--output", str(archive))
    assert done.returncode == 0, done.stderr
    assert "Backup written" in done.stdout
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
    assert {"manifest.json", "database.sqlite3"} <= names
    assert {f"files/{n}" for n in files_beside} <= names
    assert manifest["database"] == "sqlite"
    assert manifest["tables"]["event"] == 1
    assert not any(n.endswith(".sqlite3") for n in names if n.startswith("files/"))

    # Wipe: a new, empty database and folder.
    target = {
        "KETNOI_DATABASE_URL": f"sqlite:///{tmp_path / 'restored.sqlite3'}",
        "KETNOI_VAR_DIR": str(tmp_path / "restored-var"),
    }
    done = _ketnoi("restore", str(archive), env=target)
    assert done.returncode == 0, done.stderr
    assert _row_counts(target["KETNOI_DATABASE_URL"]) == before
    for name, data in files_beside.items():
        assert (tmp_path / "restored-var" / name).read_bytes() == data

    # A second restore would overwrite: it is refused, and nothing changes.
    again = _ketnoi("restore", str(archive), env=target)
    assert again.returncode == 1
    assert "not empty" in again.stderr
    assert _row_counts(target["KETNOI_DATABASE_URL"]) == before


def test_sqlite_backup_sees_writes_still_in_the_write_ahead_log(
    db: Session, tmp_path: Path
) -> None:
    if IS_POSTGRES:
        pytest.skip("SQLite only")
    import sqlite3

    from app.backup import backup

    live = tmp_path / "live.sqlite3"
    writer = sqlite3.connect(live)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")  # every write stays in the -wal file
    writer.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, email TEXT)")
    writer.executemany(
        "INSERT INTO accounts (email) VALUES (?)", [(f"a{i}@x.vn",) for i in range(14)]
    )
    writer.commit()
    settings = get_settings().model_copy(
        update={"database_url": f"sqlite:///{live}", "var_dir": tmp_path / "var"}
    )
    _, manifest = backup(settings, tmp_path / "b.tar.gz")
    writer.close()
    assert manifest.tables == {"accounts": 14}


@pytest.mark.skipif(not IS_POSTGRES, reason="the PostgreSQL round trip")
def test_postgresql_backup_wipe_restore_gives_back_rows_and_files(
    client: TestClient,
    db: Session,
    event_id: int,
    organiser_headers: dict[str, str],
    files_beside: dict[str, bytes],
    tmp_path: Path,
) -> None:
    if subprocess.run(["which", "pg_dump"], capture_output=True).returncode != 0:
        pytest.skip("pg_dump is not on PATH")
    _data(client, event_id, organiser_headers)
    url = get_settings().database_url
    before = _row_counts(url)
    archive = tmp_path / "ketnoi.tar.gz"
    done = _ketnoi("backup", "--output", str(archive))
    assert done.returncode == 0, done.stderr

    # Wipe the database and the files.
    db.close()
    get_engine().dispose()
    with get_engine().begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    get_engine().dispose()
    # the whole shared var/ folder (other tests leave files there too): restore wants it empty
    var = Path(get_settings().var_dir)
    for child in var.iterdir():
        if child.is_dir():
            shutil.rmtree(child)
        else:
            child.unlink()
    assert _row_counts(url) == {}

    try:
        done = _ketnoi("restore", str(archive))
        assert done.returncode == 0, done.stderr
    finally:
        if not _row_counts(url):
            upgrade(url)  # never leave the worker's database without its schema
    assert _row_counts(url) == before
    for name, data in files_beside.items():
        assert (Path(get_settings().var_dir) / name).read_bytes() == data
    again = _ketnoi("restore", str(archive))
    assert again.returncode == 1
    assert "not empty" in again.stderr
