"""The operator's command line (demo data, accounts) and the health probe."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, func, select
from typer.testing import CliRunner

import app.main
from app.auth.models import User
from app.cli import app as cli
from app.db import make_engine
from app.demo import DEMO_DELEGATE_EMAIL, DEMO_ORGANISER_EMAIL, HAI_PHONG_TITLE
from app.demo.data import DELEGATION_HEAD_PASSWORD, DELEGATIONS
from app.events.models import Event, EventSession, MeetingTable, Slot
from app.main import create_app
from app.settings import Settings, get_settings
from tests.conftest import token_for
from tests.demo_snapshot import demo_event, load_demo

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


def _output(result) -> str:  # type: ignore[no-untyped-def]
    try:
        stderr = result.stderr
    except ValueError:  # older Click: stderr mixed into output
        stderr = ""
    return result.output + stderr


def _counts(db: Session) -> dict[str, int]:
    db.expire_all()
    return {
        model.__name__: db.exec(select(func.count()).select_from(model)).one()
        for model in (User, Event, EventSession, Slot, MeetingTable)
    }


def test_demo_loads_the_hai_phong_event_and_is_idempotent(db: Session) -> None:
    runner = CliRunner()
    first = runner.invoke(cli, ["demo"])
    assert first.exit_code == 0, _output(first)
    assert "loaded" in first.output
    # the demo logins are printed: organiser, delegate, each delegation's head
    assert DEMO_ORGANISER_EMAIL in first.output
    for delegation in DELEGATIONS:
        assert f"{delegation.head_email} / {DELEGATION_HEAD_PASSWORD}" in first.output
    after_first = _counts(db)
    # the played-through Hai Phong day, the closed Hanoi 2023 event, an upcoming open one
    assert after_first["Event"] == 3
    # organiser, delegate, delegation heads and the check-in desk
    assert after_first["User"] == 3 + len(DELEGATIONS)

    second = runner.invoke(cli, ["demo"])
    assert second.exit_code == 0, _output(second)
    assert "already present" in second.output
    assert _counts(db) == after_first


def test_demo_event_has_fifteen_tables_and_eight_slots_in_its_b2b_session(db: Session) -> None:
    event = demo_event(db)
    assert event.status == "published"  # a day already played through
    b2b = db.exec(
        select(EventSession).where(
            EventSession.event_id == event.id, EventSession.kind == "matchmaking"
        )
    ).one()
    tables = db.exec(select(MeetingTable).where(MeetingTable.session_id == b2b.id)).all()
    slots = db.exec(select(Slot).where(Slot.session_id == b2b.id).order_by(col(Slot.number))).all()
    assert sorted(t.number for t in tables) == list(range(1, 16))
    assert len(slots) == 8
    zone = get_settings().default_timezone
    from zoneinfo import ZoneInfo

    starts = [s.starts_at.astimezone(ZoneInfo(zone)).strftime("%H:%M") for s in slots]
    assert starts == ["14:00", "14:20", "14:40", "15:00", "15:20", "16:00", "16:20", "16:40"]


def test_demo_accounts_can_log_in_and_the_event_is_public(db: Session, client: TestClient) -> None:
    load_demo(db)
    from app.demo import DEMO_DELEGATE_PASSWORD, DEMO_ORGANISER_PASSWORD

    organiser = token_for(client, DEMO_ORGANISER_EMAIL, DEMO_ORGANISER_PASSWORD)
    assert client.get("/api/v1/users/me", headers=organiser).json()["role"] == "organiser"
    delegate = token_for(client, DEMO_DELEGATE_EMAIL, DEMO_DELEGATE_PASSWORD)
    assert client.get("/api/v1/users/me", headers=delegate).json()["role"] == "delegate"
    titles = [e["title_vi"] for e in client.get("/api/v1/events").json()["items"]]
    assert HAI_PHONG_TITLE in titles


def test_create_organiser_with_a_short_password_exits_2_naming_password(db: Session) -> None:
    result = CliRunner().invoke(
        cli, ["create-organiser", "--email", "lan@sokhcn.haiphong.gov.vn", "--password", "short"]
    )
    assert result.exit_code == 2
    assert "password" in _output(result)
    assert _counts(db)["User"] == 0


def test_create_organiser_then_log_in(db: Session, client: TestClient) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "create-organiser",
            "--email",
            "Lan@SoKHCN.HaiPhong.gov.vn",
            "--name",
            "Nguyễn Thị Lan",
            "--password",
            "organiser-pw-2026",
        ],
    )
    assert result.exit_code == 0, _output(result)
    assert "lan@sokhcn.haiphong.gov.vn" in result.output
    me = client.get(
        "/api/v1/users/me",
        headers=token_for(client, "lan@sokhcn.haiphong.gov.vn", "organiser-pw-2026"),
    ).json()
    assert me["full_name"] == "Nguyễn Thị Lan"
    assert me["role"] == "organiser"
    assert me["is_admin"] is False


def test_create_organiser_twice_exits_2_and_says_it_exists(db: Session) -> None:
    args = ["create-organiser", "--email", "lan@sokhcn.haiphong.gov.vn", "--password", "x" * 12]
    assert CliRunner().invoke(cli, args).exit_code == 0
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 2
    assert "already exists" in _output(again)
    assert _counts(db)["User"] == 1


def test_create_organiser_with_a_bad_email_exits_2_naming_email(db: Session) -> None:
    result = CliRunner().invoke(
        cli, ["create-organiser", "--email", "not-an-address", "--password", "x" * 12]
    )
    assert result.exit_code == 2
    assert "email" in _output(result)


def test_migrate_command_reports_an_up_to_date_database(migrated: str) -> None:
    result = CliRunner().invoke(cli, ["migrate"])
    assert result.exit_code == 0, _output(result)
    assert "up to date" in result.output
    # The password of the database URL is never printed.
    if "@" in migrated:
        password = migrated.split("://", 1)[1].split("@", 1)[0].partition(":")[2]
        assert f":{password}@" not in result.output


# ---- health -------------------------------------------------------------------------------


def test_healthz_reports_the_database_ok(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"


def test_healthz_is_503_when_the_database_is_unreachable(
    db: Session, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    unreachable = make_engine(f"sqlite:///{tmp_path / 'no' / 'such' / 'dir' / 'db.sqlite3'}")
    application = create_app(get_settings())
    with TestClient(application) as client:
        monkeypatch.setattr(app.main, "get_engine", lambda: unreachable)
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"] == "unreachable"
    assert "no/such/dir" not in response.text  # no internals in the probe's answer


def test_healthz_is_503_when_postgres_refuses_connections(
    db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    refused = make_engine("postgresql+psycopg://nobody:secret@127.0.0.1:1/none?connect_timeout=2")
    with TestClient(create_app(Settings(check_migrations=False))) as client:
        monkeypatch.setattr(app.main, "get_engine", lambda: refused)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert "secret" not in response.text


def test_a_starting_process_compiles_every_page_template_once(
    db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The first visitors of a page do not wait for its template's compile: a process compiles
    # them all as it starts (once, with the one gc.freeze), and from then on Jinja reads none.
    from app.web import env

    monkeypatch.setattr(app.main, "_gc_frozen", False)
    monkeypatch.setattr(app.main, "_freeze_gc", lambda: None)  # one real freeze per process
    env.cache.clear()  # type: ignore[union-attr]
    with TestClient(create_app(get_settings())):
        pass
    loaded: list[str] = []
    real = env.loader.get_source  # type: ignore[union-attr]

    def spy(environment: object, name: str) -> object:
        loaded.append(name)
        return real(environment, name)  # type: ignore[arg-type]

    monkeypatch.setattr(env.loader, "get_source", spy)
    for name in ("meetings/mine.html", "events/event.html", "outcomes/checkin.html"):
        env.get_template(name)
    assert loaded == []


def test_a_starting_process_does_not_wait_for_the_suggestions_library() -> None:
    """scikit-learn (with SciPy, ~3.4 s to import) is loaded where suggestions are computed
    and, in a server, in the background: importing the app and the commands loads neither,
    so `make run`'s commands and a starting server are seconds quicker."""
    import subprocess
    import sys

    probe = (
        "import sys, app.main, app.cli, app.demo, app.worker; "
        "print(sorted(m for m in ('sklearn', 'scipy') if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    assert loaded.stdout.strip() == "[]", loaded.stdout + loaded.stderr
