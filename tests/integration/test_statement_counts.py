"""The number of SQL statements of each main page and API call does not grow with the size of
the event: a small event and one three times bigger answer in the same count (no query per
row). The bench (bench/scale_bench.py) times the same pages at 1,500 people."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import delete, event, func, update
from sqlmodel import Session, col, select

from app.audit.models import AuditEntry
from app.auth.models import User
from app.auth.service import start_web_session
from app.db import get_engine
from app.deps import SESSION_COOKIE
from app.events.models import Event, MeetingTable, Slot
from app.meetings.models import Meeting, MeetingQuota, MeetingSeat
from app.registration.models import Participant
from app.settings import get_settings
from app.types import pk
from bench.scale_builder import ScaleEvent, build
from tests.conftest import IS_POSTGRES
from tests.integration import test_meetings_pages as pages
from tests.integration import test_private_page_cache as private_cache

remembered = private_cache.remembered
fair = pages.fair
pytestmark = pytest.mark.usefixtures("fast_password_hashing")


@contextmanager
def counting() -> Iterator[list[str]]:
    statements: list[str] = []

    def listener(*args: Any) -> None:
        statements.append(args[2])

    engine = get_engine()
    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def _paths(scale: ScaleEvent) -> dict[str, str]:
    e = scale.event_id
    s = scale.session_ids[0]
    return {
        "meetings API, 50": f"/api/v1/events/{e}/meetings?limit=50",
        "meetings API, 100": f"/api/v1/events/{e}/meetings?limit=100",
        "meeting requests API": f"/api/v1/events/{e}/meeting-requests?limit=50",
        "check-in search": f"/api/v1/events/{e}/check-in/search?q=Nguy%E1%BB%85n&limit=50",
        "stats API": f"/api/v1/events/{e}/stats",
        "participants page": f"/events/{e}/participants",
        "grid page": f"/events/{e}/sessions/{s}/grid",
        "schedule page": f"/events/{e}/sessions/{s}/schedule",
        "report page": f"/events/{e}/report",
    }


def _counts(
    app: FastAPI, db: Session, organiser: User, headers: dict[str, str], scale: ScaleEvent
) -> dict[str, int]:
    browser = TestClient(app, follow_redirects=False)
    browser.cookies.set(SESSION_COOKIE, start_web_session(db, get_settings(), user=organiser))
    db.commit()
    out: dict[str, int] = {}
    for name, path in _paths(scale).items():
        api = path.startswith("/api/")
        client = TestClient(app, follow_redirects=False) if api else browser
        client.get(path, headers=headers if api else {})  # warm caches (settings, templates)
        with counting() as statements:
            response = client.get(path, headers=headers if api else {})
        assert response.status_code == 200, (name, response.status_code, response.text[:300])
        out[name] = len(statements)
        if api and isinstance(response.json(), dict) and "items" in response.json():
            assert response.json()["items"], name  # a page with rows
        elif api and isinstance(response.json(), list):
            assert response.json(), name
    return out


def test_statement_counts_do_not_grow_with_the_event(
    app: FastAPI,
    client: TestClient,
    db: Session,
    organiser: User,
    organiser_headers: dict[str, str],
) -> None:
    # Both events fill every page measured (100 participants, 100 meetings, 50 requests): a
    # list counts its total in SQL only when its page is full (app.pagination.page_total).
    small = build(
        client, db, organiser_headers, people=100, meetings=100, requests=100, tables=10, slots=8
    )
    big = build(
        client, db, organiser_headers, people=300, meetings=300, requests=300, tables=30, slots=8
    )
    before = _counts(app, db, organiser, organiser_headers, small)
    after = _counts(app, db, organiser, organiser_headers, big)
    print("statements (small, 3× bigger):", {n: (before[n], after[n]) for n in before})
    grown = {name: (before[name], after[name]) for name in before if after[name] > before[name]}
    assert not grown, f"statements grow with the event (small, 3× bigger): {grown}"


def _apply_counted(db: Session, organiser: User, scale: ScaleEvent) -> tuple[int, int]:
    from app.scheduling import service as scheduling

    with counting() as statements:
        outcome = scheduling.schedule_session(
            db,
            actor=organiser,
            event_id=scale.event_id,
            session_id=scale.session_ids[0],
            apply=True,
            time_limit_s=2,  # the statements, not the schedule: a short search
        )
        db.commit()
    return len(statements), outcome.changed


def _seats_match_meetings(db: Session, event_id: int) -> None:
    db.expire_all()
    booked = db.exec(
        select(Meeting).where(Meeting.event_id == event_id, col(Meeting.slot_id).is_not(None))
    ).all()
    seats = db.exec(
        select(MeetingSeat).where(col(MeetingSeat.meeting_id).in_([pk(m) for m in booked]))
    ).all()
    assert len(seats) == 2 * len(booked)
    assert {(s.meeting_id, s.slot_id) for s in seats} == {(pk(m), m.slot_id) for m in booked}
    assert all(m.revision == 2 for m in booked)
    quotas = db.exec(
        select(func.sum(MeetingQuota.booked))
        .join(Participant, col(Participant.id) == col(MeetingQuota.participant_id))
        .where(Participant.event_id == event_id)
    ).one()
    assert quotas == len(seats)


def test_applying_a_schedule_writes_in_bulk(
    client: TestClient, db: Session, organiser: User, organiser_headers: dict[str, str]
) -> None:
    small = build(
        client,
        db,
        organiser_headers,
        people=40,
        meetings=40,
        requests=0,
        tables=5,
        slots=8,
        booked=False,
    )
    small_count, small_changed = _apply_counted(db, organiser, small)
    assert small_changed == 40
    _seats_match_meetings(db, small.event_id)
    big = build(
        client,
        db,
        organiser_headers,
        people=120,
        meetings=120,
        requests=0,
        tables=15,
        slots=8,
        booked=False,
    )
    big_count, big_changed = _apply_counted(db, organiser, big)
    assert big_changed == 120
    assert big_count <= small_count + 5, (small_count, big_count)
    _seats_match_meetings(db, big.event_id)
    audit = db.exec(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.event_id == big.event_id, AuditEntry.action == "meeting.schedule")
    ).one()
    assert audit == 120


def test_applying_refuses_a_meeting_changed_since_the_scheduler_read_it(
    client: TestClient, db: Session, organiser: User, organiser_headers: dict[str, str]
) -> None:
    from app.errors import Conflict
    from app.meetings import commands as meeting_commands

    scale = build(
        client,
        db,
        organiser_headers,
        people=20,
        meetings=4,
        requests=0,
        tables=5,
        slots=4,
        booked=False,
    )
    rows = list(db.exec(select(Meeting).where(Meeting.event_id == scale.event_id)).all())
    slot = db.exec(
        select(Slot).where(Slot.session_id == scale.session_ids[0]).order_by(col(Slot.number))
    ).first()
    tables = db.exec(
        select(MeetingTable)
        .where(MeetingTable.session_id == scale.session_ids[0])
        .order_by(col(MeetingTable.number))
    ).all()
    assert slot is not None
    # Someone else changes the second meeting after the scheduler read it.
    db.execute(
        update(Meeting)
        .where(col(Meeting.id) == rows[1].id)
        .values(revision=Meeting.revision + 1)
        .execution_options(synchronize_session=False)
    )
    event = db.get(Event, scale.event_id)
    assert event is not None
    with pytest.raises(Conflict, match="changed since revision 1"):
        meeting_commands.apply_placements(
            db,
            actor=organiser,
            event=event,
            moves=[(m, slot, pk(t)) for m, t in zip(rows, tables, strict=False)],
            notify=False,
        )
    db.rollback()
    assert db.exec(select(func.count()).select_from(MeetingSeat)).one() == 0


def test_a_big_grid_shows_a_window_with_the_rest_a_click_away(
    app: FastAPI,
    client: TestClient,
    db: Session,
    organiser: User,
    organiser_headers: dict[str, str],
) -> None:
    scale = build(
        client, db, organiser_headers, people=100, meetings=200, requests=0, tables=50, slots=16
    )
    browser = TestClient(app, follow_redirects=False)
    browser.cookies.set(SESSION_COOKIE, start_web_session(db, get_settings(), user=organiser))
    db.commit()
    base = f"/events/{scale.event_id}/sessions/{scale.session_ids[0]}/grid"
    page = browser.get(base + "?lang=en")
    assert page.status_code == 200
    # Before the event day: the first slots and the first 40 tables.
    assert "Slots 1–4 of 16 · tables 1–40 of 50" in page.text
    assert 'data-testid="cell-4-40"' in page.text
    assert 'data-testid="cell-5-1"' not in page.text
    assert 'data-testid="cell-1-41"' not in page.text
    assert "200 scheduled" in page.text  # the whole session's figure
    later = browser.get(base + "?slot=5&table=1&lang=en")
    assert "Slots 5–8 of 16 · tables 1–40 of 50" in later.text
    assert 'data-testid="cell-5-1"' in later.text
    higher = browser.get(base + "?slot=7&table=45&lang=vi")
    assert "Lượt gặp 5–8 trong 16 · bàn 41–50 trong 50" in higher.text
    assert 'data-testid="cell-8-50"' in higher.text
    assert browser.get(base + "?slot=x&table=-3").status_code == 200


@pytest.mark.usefixtures("remembered")
def test_my_meetings_reads_the_session_event_and_own_registration_in_one_statement(
    app: FastAPI, client: TestClient, db: Session, organiser_headers: dict[str, str]
) -> None:
    fair = build_fair_for(client, db, organiser_headers)
    browser = TestClient(app, follow_redirects=False)
    browser.cookies.set(
        SESSION_COOKIE, start_web_session(db, get_settings(), user=fair.users["lin"])
    )
    db.commit()
    path = f"/events/{fair.event_id}/meetings/mine"
    assert browser.get(path).status_code == 200  # builds the page once
    with counting() as statements:
        page = browser.get(path)
    assert page.status_code == 200
    assert "Lin Wei-Ting" in page.text
    # the session with its user, the event and Lin's registration; the stamp of her meetings
    # and requests (the page itself is remembered while that stamp holds)
    assert len(statements) == 2, statements
    assert "FROM web_session" in statements[0]
    assert "JOIN event" in statements[0]
    assert "JOIN participant" in statements[0]
    assert "meeting_participant" in statements[1]


def test_a_remembered_registration_that_is_gone_is_read_again(
    client: TestClient, db: Session, organiser_headers: dict[str, str]
) -> None:
    from app.events import service as events
    from app.registration import service as registration

    fair = build_fair_for(client, db, organiser_headers)
    lin = fair.users["lin"]
    db.expunge_all()
    event = events.get_event(db, fair.event_id, viewer=lin)
    own = registration.participant_for_user(db, event_id=pk(event), user=lin)
    assert own is not None
    assert own.id == fair.people["lin"]
    db.delete(own)
    db.flush()
    assert registration.participant_for_user(db, event_id=pk(event), user=lin) is None
    db.rollback()
    # remembered again, then deleted by someone else and committed: read again, not a crash
    event = events.get_event(db, fair.event_id, viewer=lin)
    db.commit()
    db.exec(delete(Participant).where(col(Participant.id) == fair.people["lin"]))
    db.commit()
    assert registration.participant_for_user(db, event_id=pk(event), user=lin) is None


def build_fair_for(client: TestClient, db: Session, headers: dict[str, str]) -> Any:
    from tests.integration.conftest import build_fair

    return build_fair(client, db, headers, cast=("lin", "hoa"))


def test_my_meetings_is_built_with_its_slots_tables_and_both_boxes_of_requests_at_once(
    fair: pages.Fair,
) -> None:
    # Lin has a meeting (in slot 2 at table 3), a request she sent and one sent to her.
    fair.meet("lin", "bao", slot_id=fair.slot(2), table_id=fair.table(3))
    pages._ask(fair, "lin", "chen", "Xin gặp anh Trần")
    pages._ask(fair, "hoa", "lin", "Xin gặp chị Lin")
    browser = fair.browser("lin")
    with counting() as statements:
        page = browser.get(f"/events/{fair.event_id}/meetings/mine?lang=en")
    assert page.status_code == 200, page.text
    text = pages._text(page.text)
    assert "Trần Quốc Bảo" in text
    assert "Xin gặp anh Trần" in text
    assert "Xin gặp chị Lin" in text
    # each meeting is read with its slot and table; the requests she sent and received in one
    # statement (it was a statement each for slots, tables, inbox and outbox)
    assert not [sql for sql in statements if sql.lstrip().startswith("SELECT slot.")]
    assert not [sql for sql in statements if sql.lstrip().startswith("SELECT meeting_table.")]
    requests = [sql for sql in statements if sql.lstrip().startswith("SELECT meeting_request.")]
    assert len(requests) == 1, requests
    assert len(statements) <= 10, statements


@pytest.mark.skipif(not IS_POSTGRES, reason="SQLite's BEGIN is no round trip: units keep it")
def test_a_delegates_agenda_is_read_without_begin_and_commit(fair: pages.Fair) -> None:
    # My meetings and the meetings API only read: on PostgreSQL each statement runs on its
    # own (autocommit), sparing the BEGIN and COMMIT round trips; a change keeps its transaction
    browser = fair.browser("lin")
    autocommit: dict[str, list[bool]] = {}
    now: list[bool] = []

    def listener(connection: Any, *_: Any) -> None:
        now.append(bool(connection.connection.dbapi_connection.autocommit))

    engine = get_engine()
    event.listen(engine, "before_cursor_execute", listener)
    try:
        for name, call in (
            ("my meetings", lambda: browser.get(f"/events/{fair.event_id}/meetings/mine")),
            ("meetings API", lambda: browser.get(f"/api/v1/events/{fair.event_id}/meetings")),
            ("a meeting made", lambda: fair.meet("lin", "bao", slot_id=fair.slot(2))),
        ):
            now.clear()
            call()
            autocommit[name] = list(now)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    for name in ("my meetings", "meetings API"):
        assert autocommit[name], name
        assert all(autocommit[name]), (name, autocommit[name])
    assert autocommit["a meeting made"]
    assert not any(autocommit["a meeting made"]), autocommit["a meeting made"]


def test_a_unit_declared_reading_only_refuses_to_write() -> None:
    from app.db import _reading_until_writing

    with Session(get_engine()) as session:
        _reading_until_writing(session, reads_only=True)
        session.add(AuditEntry(action="test.write", entity="test"))
        with pytest.raises(RuntimeError, match="reading only"):
            session.flush()
