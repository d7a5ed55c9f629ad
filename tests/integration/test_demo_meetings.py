"""The demo event's meetings (app.demo.meetings, loaded by ``ketnoi demo``): a booked B2B
schedule of more than a hundred meetings, requests in every state, a few cancellations and
interpreters, no double booking, and a second load that changes nothing."""

from __future__ import annotations

import re
import time
from collections import Counter

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, func, select
from typer.testing import CliRunner

from app.audit.models import AuditEntry
from app.auth.service import get_user_by_email, start_web_session
from app.cli import app as cli
from app.demo import DEMO_DELEGATE_EMAIL, DEMO_ORGANISER_EMAIL, HAI_PHONG_TITLE
from app.deps import SESSION_COOKIE
from app.events.models import Event, EventSession
from app.meetings.models import Meeting, MeetingParticipant, MeetingRequest, MeetingSeat
from app.notifications.models import Outbox
from app.registration.models import Participant
from app.settings import get_settings
from tests.demo_snapshot import demo_event

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


def _load(db: Session) -> Event:
    return demo_event(db)


def _command(db: Session) -> Event:
    """The demo through the command itself, for what measures the command."""
    result = CliRunner().invoke(cli, ["demo"])
    assert result.exit_code == 0, result.output
    db.expire_all()
    return db.exec(select(Event).where(Event.title_vi == HAI_PHONG_TITLE)).one()


def _meetings(db: Session, event: Event) -> list[Meeting]:
    db.expire_all()
    return list(db.exec(select(Meeting).where(Meeting.event_id == event.id)).all())


def test_the_demo_has_a_booked_schedule_of_over_a_hundred_meetings(db: Session) -> None:
    started = time.monotonic()
    event = _command(db)
    assert time.monotonic() - started < 20  # `ketnoi demo` stays quick (about 6 s here)
    meetings = _meetings(db, event)
    booked = [m for m in meetings if m.slot_id is not None and m.status != "cancelled"]
    assert len(booked) >= 100
    by_status = Counter(m.status for m in meetings)
    assert 3 <= by_status["cancelled"] <= 10
    assert all(m.cancelled_reason for m in meetings if m.status == "cancelled")
    assert by_status["proposed"] >= 1  # organiser proposals still waiting for confirmation
    assert Counter(m.origin for m in meetings)["organiser"] >= 10
    assert sum(m.locked for m in meetings) == 2
    assert event.schedule_published_at is not None
    interpreted = db.exec(
        select(func.count(func.distinct(MeetingParticipant.meeting_id))).where(
            MeetingParticipant.role == "interpreter"
        )
    ).one()
    assert interpreted >= 3
    requests = Counter(r.status for r in db.exec(select(MeetingRequest)).all())
    assert requests["accepted"] >= 60
    assert requests["pending"] >= 3
    assert requests["declined"] >= 2
    declined = db.exec(select(MeetingRequest).where(MeetingRequest.status == "declined")).all()
    assert all(r.decline_reason for r in declined)


def test_nobody_is_double_booked_and_no_table_holds_two_meetings(db: Session) -> None:
    event = _load(db)
    seats = db.exec(select(MeetingSeat)).all()
    assert len({(s.slot_id, s.participant_id) for s in seats}) == len(seats)
    booked = [m for m in _meetings(db, event) if m.slot_id is not None]
    assert len({(m.slot_id, m.table_id) for m in booked}) == len(booked)
    # Every person of every booked meeting has exactly their seat in its slot.
    expected = {
        (m.slot_id, p.participant_id)
        for m in booked
        for p in db.exec(
            select(MeetingParticipant).where(MeetingParticipant.meeting_id == m.id)
        ).all()
    }
    assert {(s.slot_id, s.participant_id) for s in seats} == expected
    # Nobody above the event's cap (interpreters have none).
    per_person = Counter(
        s.participant_id
        for s in seats
        if db.get(Participant, s.participant_id).role != "interpreter"  # type: ignore[union-attr]
    )
    assert max(per_person.values()) <= event.meeting_cap


def test_a_second_load_changes_nothing(db: Session) -> None:
    event = _load(db)

    def counts() -> tuple[int, ...]:
        db.expire_all()
        return tuple(
            db.exec(select(func.count()).select_from(model)).one()
            for model in (Meeting, MeetingRequest, MeetingSeat, AuditEntry, Outbox)
        )

    before = counts()
    revisions = {m.id: m.revision for m in _meetings(db, event)}
    result = CliRunner().invoke(cli, ["demo"])
    assert result.exit_code == 0, result.output
    assert "nothing changed" in result.output
    assert counts() == before
    assert {m.id: m.revision for m in _meetings(db, event)} == revisions


def test_the_demo_delegate_sees_his_meetings_and_the_organiser_the_grid(
    db: Session, app: FastAPI
) -> None:
    event = _load(db)
    delegate = get_user_by_email(db, DEMO_DELEGATE_EMAIL)
    organiser = get_user_by_email(db, DEMO_ORGANISER_EMAIL)
    assert delegate is not None
    assert organiser is not None
    me = db.exec(
        select(Participant).where(
            Participant.event_id == event.id, Participant.email == DEMO_DELEGATE_EMAIL
        )
    ).one()
    mine = db.exec(
        select(Meeting)
        .join(MeetingParticipant, col(MeetingParticipant.meeting_id) == col(Meeting.id))
        .where(MeetingParticipant.participant_id == me.id, col(Meeting.slot_id).is_not(None))
    ).all()
    assert mine, "the demo delegate has no booked meeting"
    with TestClient(app, follow_redirects=False, headers={"Accept": "text/html"}) as browser:
        browser.cookies.set(SESSION_COOKIE, start_web_session(db, get_settings(), user=delegate))
        db.commit()
        page = browser.get(f"/events/{event.id}/meetings/mine")
        assert page.status_code == 200
        times = re.findall(r'data-testid="meeting-time">(\d\d:\d\d)–', page.text)
        assert len(times) >= len(mine)
        assert times == sorted(times)
        browser.cookies.set(SESSION_COOKIE, start_web_session(db, get_settings(), user=organiser))
        db.commit()
        b2b = db.exec(
            select(EventSession).where(
                EventSession.event_id == event.id, EventSession.kind == "matchmaking"
            )
        ).one()
        started = time.monotonic()
        grid = browser.get(f"/events/{event.id}/sessions/{b2b.id}/grid")
        assert grid.status_code == 200
        assert time.monotonic() - started < 5
        assert len(re.findall(r'<td class="taken', grid.text)) >= 100
