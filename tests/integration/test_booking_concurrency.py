"""Two real connections race to book on PostgreSQL: the database lets exactly one win.

Each round, two threads (each with its own TestClient, so each request runs on its own
pooled connection in its own transaction) wait at a barrier and then send their booking at
the same moment. The loser must get a 409 problem+json naming the field, and the seats must
be exactly those of the booked meetings: nothing half written.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import Session, col, select

from app.auth.models import Role
from app.auth.service import issue_api_token
from app.db import get_engine
from app.events import service as events
from app.events.models import BookingMode, EventCreate, EventStatus, SessionCreate
from app.meetings import commands as meeting_commands
from app.meetings import rules as meeting_rules
from app.meetings.models import Meeting, MeetingParticipant, MeetingQuota, MeetingSeat
from app.meetings.schemas import MeetingCreate, MeetingSettingsUpdate
from app.settings import get_settings
from app.types import pk
from tests.conftest import B2B_SESSION, HAI_PHONG_EVENT, IS_POSTGRES, make_user
from tests.integration.conftest import add_person

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not IS_POSTGRES,
        reason="SQLite serialises all writers, so there is no race to lose; "
        "set KETNOI_TEST_DATABASE_URL to a PostgreSQL database",
    ),
    pytest.mark.usefixtures("fast_password_hashing"),
]

ROUNDS = 30
PROBLEM = "application/problem+json"


@pytest.fixture
def clients(app: FastAPI) -> Iterator[tuple[TestClient, TestClient]]:
    with TestClient(app) as first, TestClient(app) as second:
        yield first, second


class Stage:
    """An open self-service event with one B2B session and the people of the races."""

    def __init__(self, db: Session) -> None:
        self.db = db
        self.organiser = make_user(db, "quynh@sokhcn.haiphong.gov.vn", Role.organiser)
        self.delegate = make_user(db, "lin@tw-packaging.example", Role.delegate)
        event = events.create_event(
            db,
            actor=self.organiser,
            data=EventCreate.model_validate(
                {**HAI_PHONG_EVENT, "status": EventStatus.registration_open}
            ),
        )
        self.event_id = pk(event)
        row = events.create_session(
            db,
            actor=self.organiser,
            event_id=self.event_id,
            data=SessionCreate.model_validate({**B2B_SESSION, "table_count": 4}),
        )
        self.slots = [pk(s) for s in events.list_slots(db, session_id=pk(row))]
        self.tables = [pk(t) for t in events.list_tables(db, session_id=pk(row))]
        meeting_rules.update_settings(
            db,
            actor=self.organiser,
            event_id=self.event_id,
            data=MeetingSettingsUpdate(booking_mode=BookingMode.self_service),
        )
        self.people = {
            name: add_person(
                db,
                self.event_id,
                name.title(),
                languages=["vi"],
                user=self.delegate if name == "lin" else None,
                meeting_cap=1 if name == "capped" else None,
                actor=self.organiser,
                commit=False,
            )
            for name in ("lin", "hoa", "bao", "an", "binh", "cuong", "dung", "capped", "x", "y")
        }
        db.commit()
        settings = get_settings()
        self.org_headers = {
            "Authorization": f"Bearer {issue_api_token(db, settings, user=self.organiser)}"
        }
        self.lin_headers = {
            "Authorization": f"Bearer {issue_api_token(db, settings, user=self.delegate)}"
        }
        db.commit()

    def meeting(self, *names: str) -> int:
        meeting = meeting_commands.create_meeting(
            self.db,
            actor=self.organiser,
            event_id=self.event_id,
            data=MeetingCreate(participant_ids=[self.people[n] for n in names]),
        )
        self.db.commit()
        return pk(meeting)

    def cancel(self, *meeting_ids: int) -> None:
        self.db.expire_all()
        for meeting_id in meeting_ids:
            meeting_commands.cancel_meeting(
                self.db,
                actor=self.organiser,
                event_id=self.event_id,
                meeting_id=meeting_id,
                reason="next round",
            )
        self.db.commit()

    @property
    def base(self) -> str:
        return f"/api/v1/events/{self.event_id}/meetings"


def _post(url: str, body: dict[str, Any], headers: dict[str, str], client: TestClient) -> Any:
    return client.post(url, json=body, headers=headers)


def _patch(url: str, body: dict[str, Any], headers: dict[str, str], client: TestClient) -> Any:
    return client.patch(url, json=body, headers=headers)


def race(
    clients: tuple[TestClient, TestClient], calls: list[Callable[[TestClient], Any]]
) -> list[Any]:
    barrier = threading.Barrier(2, timeout=30)
    results: list[Any] = [None, None]
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = calls[index](clients[index])
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def assert_consistent() -> None:
    """Seats are exactly the people of the booked meetings; counters match the seats."""
    with Session(get_engine()) as check:
        booked = check.exec(
            select(Meeting).where(col(Meeting.slot_id).is_not(None), Meeting.status != "cancelled")
        ).all()
        expected = set()
        for meeting in booked:
            for person in check.exec(
                select(MeetingParticipant).where(MeetingParticipant.meeting_id == meeting.id)
            ).all():
                expected.add((meeting.slot_id, person.participant_id, meeting.id))
        seats = {
            (s.slot_id, s.participant_id, s.meeting_id) for s in check.exec(select(MeetingSeat))
        }
        assert seats == expected
        counts = dict(
            check.exec(
                select(MeetingSeat.participant_id, func.count()).group_by(
                    col(MeetingSeat.participant_id)
                )
            ).all()
        )
        for quota in check.exec(select(MeetingQuota)).all():
            assert quota.booked == counts.get(quota.participant_id, 0)


def one_winner(responses: list[Any], field: str) -> int:
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200, 409], [r.text for r in responses]
    loser = next(r for r in responses if r.status_code == 409)
    assert loser.headers["content-type"].startswith(PROBLEM)
    assert [e["field"] for e in loser.json()["errors"]] == [field]
    winner = next(r for r in responses if r.status_code == 200)
    return int(winner.json()["id"])


def test_same_person_same_slot_exactly_one_booking_wins(
    db: Session, clients: tuple[TestClient, TestClient]
) -> None:
    stage = Stage(db)
    for round_ in range(ROUNDS):
        first = stage.meeting("lin", "hoa")
        second = stage.meeting("lin", "bao")
        slot = stage.slots[round_ % len(stage.slots)]
        responses = race(
            clients,
            [
                partial(_post, f"{stage.base}/{m}/book", {"slot_id": slot}, stage.lin_headers)
                for m in (first, second)
            ],
        )
        winner = one_winner(responses, "slot_id")
        assert winner in (first, second)
        assert_consistent()
        stage.cancel(first, second)
    assert_consistent()


def test_same_table_same_slot_exactly_one_placement_wins(
    db: Session, clients: tuple[TestClient, TestClient]
) -> None:
    stage = Stage(db)
    for round_ in range(ROUNDS):
        first = stage.meeting("an", "binh")
        second = stage.meeting("cuong", "dung")
        body = {
            "slot_id": stage.slots[round_ % len(stage.slots)],
            "table_id": stage.tables[round_ % len(stage.tables)],
        }
        responses = race(
            clients,
            [
                partial(_patch, f"{stage.base}/{m}", body, stage.org_headers)
                for m in (first, second)
            ],
        )
        one_winner(responses, "table_id")
        assert_consistent()
        stage.cancel(first, second)
    assert_consistent()


def test_last_meeting_under_the_cap_goes_to_exactly_one_booking(
    db: Session, clients: tuple[TestClient, TestClient]
) -> None:
    stage = Stage(db)
    for round_ in range(ROUNDS):
        first = stage.meeting("capped", "x")
        second = stage.meeting("capped", "y")
        slots = (stage.slots[round_ % 4], stage.slots[4 + round_ % 4])
        responses = race(
            clients,
            [
                partial(_patch, f"{stage.base}/{m}", {"slot_id": s}, stage.org_headers)
                for m, s in zip((first, second), slots, strict=True)
            ],
        )
        one_winner(responses, "meeting_cap")
        assert_consistent()
        stage.cancel(first, second)
    assert_consistent()
