"""Test database and app fixtures: a real SQLite file, or the PostgreSQL database named by
KETNOI_TEST_DATABASE_URL; the schema is made by the Alembic migrations, as in production."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

_TMP = Path(tempfile.mkdtemp(prefix="ketnoi-test-"))


def _worker_database(url: str) -> str:
    """With pytest-xdist, each worker gets a PostgreSQL database of its own (``<name>_gw0`` …),
    created on first use, so that workers never empty each other's tables."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker or not url.startswith("postgresql"):
        return url
    from sqlalchemy import create_engine
    from sqlalchemy import text as sql
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"{base.database}_{worker}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.execute(
            sql("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        ).first()
        if not exists:
            connection.execute(sql(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


# SQLite: one file per process (each xdist worker has its own temporary folder).
DATABASE_URL = _worker_database(
    os.environ.get("KETNOI_TEST_DATABASE_URL") or f"sqlite:///{_TMP / 'test.sqlite3'}"
)

# Settings are read from the environment once: set it before anything imports the app.
os.environ["KETNOI_DATABASE_URL"] = DATABASE_URL
# Print jobs and documents go to a throw-away folder, not the project's var/.
os.environ["KETNOI_VAR_DIR"] = str(_TMP / "var")
os.environ["KETNOI_SECRET_KEY"] = "test-secret-key-" + "x" * 32
# Print jobs run in the web process after the response, so that a test sees them done; the
# production default (a process per job) has its own test in test_print_worker.py.
os.environ["KETNOI_PRINT_JOBS"] = "thread"
# Tests build many apps in one process with the same event ids: no remembered public pages
# (app.pagecache has its own test, which turns it on).
os.environ["KETNOI_PUBLIC_PAGE_SECONDS"] = "0"
os.environ["KETNOI_PRIVATE_PAGE_SECONDS"] = "0"
os.environ.pop("KETNOI_ADMIN_EMAIL", None)
os.environ.pop("KETNOI_ADMIN_PASSWORD", None)

from fastapi import FastAPI  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlmodel import Session  # noqa: E402

from app.auth.models import Role, User, UserCreate  # noqa: E402
from app.auth.service import create_user  # noqa: E402
from app.db import get_engine, metadata  # noqa: E402
from app.main import create_app  # noqa: E402
from app.migrate import upgrade  # noqa: E402
from app.settings import Settings, get_settings  # noqa: E402
from tests.smtp import smtp_server  # noqa: E402, F401  (shared fixture)

IS_POSTGRES = DATABASE_URL.startswith("postgresql")
PASSWORD = "correct-horse-battery"


def _reset_schema() -> None:
    engine = get_engine()
    if IS_POSTGRES:
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS unaccent"))
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))


@pytest.fixture(scope="session")
def database_url() -> str:
    return DATABASE_URL


@pytest.fixture(scope="session")
def migrated(database_url: str) -> Iterator[str]:
    get_settings.cache_clear()
    get_engine.cache_clear()
    _reset_schema()
    upgrade(database_url)
    yield database_url
    get_engine().dispose()


def _empty_all() -> None:
    engine = get_engine()
    names = [t.name for t in reversed(metadata.sorted_tables)]
    with engine.begin() as connection:
        # DELETE, children first: on a test's few rows it takes ~2 ms where TRUNCATE of every
        # table takes ~90 ms on PostgreSQL (it swaps the files of all 46 tables).
        for name in names:
            connection.execute(text(f'DELETE FROM "{name}"'))
        if IS_POSTGRES:
            # ids start at 1 again, as TRUNCATE ... RESTART IDENTITY did
            connection.execute(
                text(
                    "SELECT setval(c.oid, 1, false) FROM pg_class c JOIN pg_namespace n"
                    " ON n.oid = c.relnamespace WHERE c.relkind = 'S'"
                    " AND n.nspname = current_schema()"
                )
            )


@pytest.fixture
def db(migrated: str) -> Iterator[Session]:
    """A session on the real test database; every table is emptied after the test."""
    with Session(get_engine(), expire_on_commit=False) as session:
        yield session
    _empty_all()


# The last app built, with the settings it was built for. Each app builds its routes'
# dependencies and validators once (app.main._warm_routes, ~0.2 s at its start-up): building
# one app per test paid that again in every test. Tests that change the settings get a new
# app, as get_settings() then returns a new object.
_last_app: tuple[Settings, FastAPI] | None = None


@pytest.fixture
def app(db: Session) -> FastAPI:
    global _last_app
    settings = get_settings()
    if _last_app is None or _last_app[0] is not settings:
        _last_app = (settings, create_app(settings))
    return _last_app[1]


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


def make_user(
    db: Session, email: str, role: Role, *, is_admin: bool = False, name: str | None = None
) -> User:
    user = create_user(
        db,
        data=UserCreate(
            email=email, full_name=name or email.split("@")[0], password=PASSWORD, role=role
        ),
        is_admin=is_admin,
    )
    db.commit()
    return user


@pytest.fixture
def organiser(db: Session) -> User:
    return make_user(db, "quynh@sokhcn.haiphong.gov.vn", Role.organiser, name="Phạm Thị Sen Quỳnh")


@pytest.fixture
def other_organiser(db: Session) -> User:
    return make_user(db, "thang@congthuong.hanoi.gov.vn", Role.organiser, name="Nguyễn Đình Thắng")


@pytest.fixture
def delegate(db: Session) -> User:
    return make_user(db, "tuan@tw-delegation.example", Role.delegate, name="Lã Minh Tuấn")


@pytest.fixture
def admin(db: Session) -> User:
    return make_user(db, "admin@ketnoi.example", Role.organiser, is_admin=True, name="Quản trị")


def token_for(client: TestClient, email: str, password: str = PASSWORD) -> dict[str, str]:
    response = client.post("/api/v1/auth/token", data={"username": email, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture
def organiser_headers(client: TestClient, organiser: User) -> dict[str, str]:
    return token_for(client, organiser.email)


@pytest.fixture
def delegate_headers(client: TestClient, delegate: User) -> dict[str, str]:
    return token_for(client, delegate.email)


@pytest.fixture
def other_organiser_headers(client: TestClient, other_organiser: User) -> dict[str, str]:
    return token_for(client, other_organiser.email)


HAI_PHONG_EVENT = {
    "title_vi": "Phiên kết nối cung cầu công nghệ Việt Nam – Đài Loan",
    "title_en": "Vietnam – Taiwan Technology Supply–Demand Connection Session",
    "organiser_unit": "Sở Khoa học và Công nghệ Hải Phòng",
    "venue": "Trung tâm Hội nghị thành phố Hải Phòng",
    "timezone": "Asia/Ho_Chi_Minh",
    "start_date": "2027-03-16",
    "end_date": "2027-03-16",
    "languages": ["vi", "en", "zh"],
}

B2B_SESSION = {
    "kind": "matchmaking",
    "title_vi": "Kết nối B2B",
    "title_en": "B2B matchmaking",
    "room": "Phòng họp tầng 2",
    "starts_at": "2027-03-16T14:00:00+07:00",
    "ends_at": "2027-03-16T17:00:00+07:00",
    "slot_minutes": 20,
    "table_count": 15,
}


@pytest.fixture
def event_id(client: TestClient, organiser_headers: dict[str, str]) -> int:
    response = client.post("/api/v1/events", json=HAI_PHONG_EVENT, headers=organiser_headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


@pytest.fixture
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id with minimal cost, for tests that create many accounts: the algorithm and the
    code paths stay the same, only the work factor (0.3 s per hash here) goes down."""
    from argon2 import PasswordHasher

    from app.auth import security

    monkeypatch.setattr(
        security, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
