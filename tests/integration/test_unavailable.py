"""When the database is down or out of connections the answer is 503 with Retry-After (a
Vietnamese page for pages), not 500; /healthz names what fails; oversized bodies are
refused while they stream in."""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

import app.db
from app.db import get_engine
from app.main import create_app
from app.settings import Settings, get_settings
from tests.conftest import DATABASE_URL

PROBLEM = "application/problem+json"


@pytest.fixture
def database_down(migrated: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    # A real PostgreSQL URL on a port where nothing listens.
    monkeypatch.setenv("KETNOI_DATABASE_URL", "postgresql+psycopg://k:k@127.0.0.1:9/ketnoi")
    get_settings.cache_clear()
    get_engine.cache_clear()
    try:
        with TestClient(create_app(Settings(check_migrations=False))) as client:
            yield client
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
        get_engine.cache_clear()


def test_database_down_gives_503_with_retry_after(database_down: TestClient) -> None:
    api = database_down.get("/api/v1/events")
    assert api.status_code == 503
    assert api.headers["content-type"].startswith(PROBLEM)
    assert int(api.headers["retry-after"]) > 0
    assert "thử lại" in api.json()["detail"]
    english = database_down.get("/api/v1/events", headers={"Accept-Language": "en"})
    assert "try again" in english.json()["detail"]

    page = database_down.get("/?lang=vi", headers={"Accept": "text/html"})
    assert page.status_code == 503
    assert "text/html" in page.headers["content-type"]
    assert "vui lòng thử lại sau giây lát" in page.text

    health = database_down.get("/healthz")
    assert health.status_code == 503
    assert health.json()["database"] == "unreachable"


def test_pool_exhausted_gives_503(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, db: object
) -> None:
    tiny = create_engine(DATABASE_URL, pool_size=1, max_overflow=0, pool_timeout=0.2)
    held = tiny.connect()
    monkeypatch.setattr(app.db, "get_engine", lambda: tiny)
    try:
        response = client.get("/api/v1/events")
    finally:
        held.close()
        tiny.dispose()
    assert response.status_code == 503
    assert response.headers["content-type"].startswith(PROBLEM)
    assert "retry-after" in response.headers


def test_healthz_reports_a_var_folder_it_cannot_write(migrated: str, tmp_path: Path) -> None:
    blocked = tmp_path / "var"
    blocked.write_text("a file where the folder should be")
    with TestClient(create_app(Settings(var_dir=blocked))) as client:
        health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json()["database"] == "ok"
    assert health.json()["var"] == "not writable"


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "tiny"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    with contextlib.suppress(OSError):  # fill it up
        (folder / "filler").write_bytes(b"\0" * 16384)
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)


def test_healthz_reports_a_full_disk(migrated: str, full_disk: Path) -> None:
    with TestClient(create_app(Settings(var_dir=full_disk))) as client:
        health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json()["var"] == "full"


def test_an_oversized_body_is_refused_while_it_streams(migrated: str) -> None:
    limit = 64 * 1024
    with TestClient(create_app(Settings(max_request_bytes=limit))) as client:
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        declared = client.post("/api/v1/auth/token", content=b"x" * (limit + 1), headers=form)
        assert declared.status_code == 413
        assert declared.headers["content-type"].startswith(PROBLEM)

        def chunks() -> Iterator[bytes]:
            for _ in range(100):  # 6.4 MB in all, without a Content-Length
                yield b"y" * limit

        streamed = client.post(
            "/api/v1/auth/token",
            content=chunks(),
            headers=form,
        )
        assert streamed.status_code == 413
