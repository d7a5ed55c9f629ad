"""The scheduler on real meetings: dry run and apply through the API, the database's rules
holding afterwards, locks, re-runs that keep what people have, publishing and its e-mails."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import Session, col, select

from app.audit.models import AuditEntry
from app.meetings.models import Meeting, MeetingSeat
from app.notifications.models import Outbox
from app.registration.models import Unavailability
from app.scheduling.models import ScheduleRun
from app.types import pk
from tests.integration.conftest import add_person, add_session, block_slots, make_event

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

PROBLEM = "application/problem+json"
Headers = dict[str, str]

HOSTS = [
    "Công ty CP Thực phẩm Hải Phòng",
    "Công ty TNHH Cơ khí Đông Á",
    "Viện Nghiên cứu Hải sản",
]
GUESTS = ["林薇婷", "陳志明", "山田太郎", "김민준", "Noa Levi", "Sanne de Vries"]


@dataclass
class Fair:
    client: TestClient
    db: Session
    event_id: int
    session_id: int
    slot_ids: list[int]
    people: dict[str, int]
    org: Headers

    @property
    def base(self) -> str:
        return f"/api/v1/events/{self.event_id}"

    def meet(self, a: str, b: str, **more: Any) -> int:
        response = self.client.post(
            self.base + "/meetings",
            json={"participant_ids": [self.people[a], self.people[b]], **more},
            headers=self.org,
        )
        assert response.status_code == 201, response.text
        return int(response.json()["id"])

    def schedule(self, dry_run: bool, **more: Any) -> Any:
        return self.client.post(
            f"{self.base}/sessions/{self.session_id}/schedule",
            json={"dry_run": dry_run, "time_limit_s": 5, **more},
            headers=self.org,
        )


@pytest.fixture
def fair(client: TestClient, db: Session, organiser_headers: Headers) -> Fair:
    event_id = make_event(client, organiser_headers, status="registration_open", meeting_cap=3)
    # 14:00–15:20 in 20-minute slots: 4 slots, 2 tables.
    session_id = add_session(
        client,
        organiser_headers,
        event_id,
        ends_at="2027-03-16T15:20:00+07:00",
        breaks=[],
        table_count=2,
    )["id"]
    slots = client.get(f"/api/v1/events/{event_id}/sessions/{session_id}/slots").json()
    people = {
        name: add_person(
            db, event_id, name, email=f"nguoi{index}@ketnoi-test.example", languages=["vi", "en"]
        )
        for index, name in enumerate(HOSTS + GUESTS)
    }
    return Fair(
        client,
        db,
        event_id,
        session_id,
        [s["id"] for s in slots],
        people,
        organiser_headers,
    )


def _booked(db: Session, event_id: int) -> list[Meeting]:
    db.expire_all()
    return list(
        db.exec(
            select(Meeting).where(Meeting.event_id == event_id, col(Meeting.slot_id).is_not(None))
        ).all()
    )


def _check_rules(db: Session, fair: Fair, cap: int) -> None:
    """What the schedule must respect, counted from the rows (not from the solver)."""
    booked = _booked(db, fair.event_id)
    assert len({(m.slot_id, m.table_id) for m in booked}) == len(booked)
    seats = db.exec(select(MeetingSeat)).all()
    assert len({(s.slot_id, s.participant_id) for s in seats}) == len(seats)
    per_person = Counter(s.participant_id for s in seats)
    assert max(per_person.values(), default=0) <= cap
    blocked = {(u.participant_id, u.slot_id) for u in db.exec(select(Unavailability)).all()}
    assert not blocked & {(s.participant_id, s.slot_id) for s in seats}


def test_dry_run_reports_without_moving_and_apply_books_within_every_rule(
    fair: Fair, db: Session
) -> None:
    # Every host wants every guest: 18 meetings for 4 slots × 2 tables = 8 places; caps of
    # 3 per person (hosts: 3 × 3 = 9 at most) leave at most 8 placeable.
    for host in HOSTS:
        for guest in GUESTS:
            fair.meet(host, guest)
    block_slots(db, fair.event_id, fair.people["林薇婷"], [fair.slot_ids[0]])

    dry = fair.schedule(dry_run=True)
    assert dry.status_code == 200, dry.text
    result = dry.json()
    assert result["applied"] is False
    assert result["stats"]["meetings"] == 18
    assert result["stats"]["scheduled"] == 8  # all 8 places used
    assert result["stats"]["upper_bound"] == 8
    assert result["stats"]["optimal"] is True or result["stats"]["scheduled"] == 8
    assert len(result["unscheduled"]) == 10
    assert {u["code"] for u in result["unscheduled"]} <= {"cap", "slots_taken"}
    assert all(u["reason"] for u in result["unscheduled"])
    assert _booked(db, fair.event_id) == []  # a dry run changes nothing

    applied = fair.schedule(dry_run=False)
    assert applied.status_code == 200, applied.text
    body = applied.json()
    assert body["applied"] is True
    assert body["stats"]["scheduled"] == 8
    booked = _booked(db, fair.event_id)
    assert len(booked) == 8
    assert {m.id for m in booked} == {a["meeting_id"] for a in body["assignments"]}
    assert all(m.revision == 2 for m in booked)  # one bump each, not two
    _check_rules(db, fair, cap=3)
    # Nobody hears about a draft schedule before it is published (organiser mode).
    placement_mails = db.exec(
        select(func.count())
        .select_from(Outbox)
        .where(col(Outbox.kind).in_(["meeting_booked", "meeting_moved"]))
    ).one()
    assert placement_mails == 0
    audit = db.exec(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "meeting.schedule")
    ).one()
    assert audit == 8
    runs = db.exec(select(ScheduleRun).order_by(col(ScheduleRun.id))).all()
    assert [r.applied for r in runs] == [False, True]

    again = fair.schedule(dry_run=False).json()
    assert again["stats"]["changes"] == 0
    assert again["stats"]["moved"] == 0
    assert [m.revision for m in _booked(db, fair.event_id)] == [2] * 8


def test_locked_meeting_keeps_its_place_and_rerun_after_a_cancellation_moves_little(
    fair: Fair, db: Session
) -> None:
    # The organiser places and locks one meeting in the last slot by hand.
    meeting_id = fair.meet(HOSTS[0], GUESTS[0])
    first_table = fair.client.get(
        f"{fair.base}/sessions/{fair.session_id}/tables", headers=fair.org
    ).json()[0]["id"]
    placed = fair.client.patch(
        f"{fair.base}/meetings/{meeting_id}",
        json={"slot_id": fair.slot_ids[3], "table_id": first_table, "locked": True},
        headers=fair.org,
    )
    assert placed.status_code == 200, placed.text
    others = [fair.meet(h, g) for h in HOSTS for g in GUESTS[1:3]]
    assert fair.schedule(dry_run=False).status_code == 200
    db.expire_all()
    locked = db.get(Meeting, meeting_id)
    assert locked is not None
    assert locked.slot_id == fair.slot_ids[3]
    assert locked.locked
    before = {m.id: (m.slot_id, m.table_id) for m in _booked(db, fair.event_id)}
    assert len(before) == 7

    # One meeting is cancelled, a new request comes in; the re-run keeps the others put.
    cancelled = next(m for m in others if m in before)
    response = fair.client.post(
        f"{fair.base}/meetings/{cancelled}/cancel",
        json={"reason": "Đoàn về sớm"},
        headers=fair.org,
    )
    assert response.status_code == 200, response.text
    fair.meet(HOSTS[2], GUESTS[5])
    rerun = fair.schedule(dry_run=False).json()
    after = {m.id: (m.slot_id, m.table_id) for m in _booked(db, fair.event_id)}
    kept = {m for m in before if m != cancelled}
    moved = [m for m in kept if after.get(m, (None, None))[0] != before[m][0]]
    assert rerun["stats"]["moved"] == len(moved) <= 1
    assert after[meeting_id] == before[meeting_id]
    _check_rules(db, fair, cap=3)


def test_publish_announces_each_persons_meetings_once_and_later_moves_are_emailed(
    fair: Fair, db: Session
) -> None:
    refused = fair.client.post(f"{fair.base}/publish", headers=fair.org)
    assert refused.status_code == 409
    assert refused.headers["content-type"].startswith(PROBLEM)

    fair.meet(HOSTS[0], GUESTS[0])
    fair.meet(HOSTS[0], GUESTS[3])
    assert fair.schedule(dry_run=False).status_code == 200
    published = fair.client.post(f"{fair.base}/publish", headers=fair.org)
    assert published.status_code == 200, published.text
    assert published.json()["schedule_published_at"] is not None
    mails = db.exec(select(Outbox).where(Outbox.kind == "schedule_published")).all()
    assert sorted(m.participant_id or 0 for m in mails) == sorted(
        fair.people[n] for n in (HOSTS[0], GUESTS[0], GUESTS[3])
    )
    host_mail = next(m for m in mails if m.participant_id == fair.people[HOSTS[0]])
    assert host_mail.locale == "vi"
    assert "2 cuộc gặp" in host_mail.body_text
    assert "林薇婷" in host_mail.body_text
    assert "김민준" in host_mail.body_text

    again = fair.client.post(f"{fair.base}/publish", headers=fair.org)
    assert again.status_code == 200
    assert len(db.exec(select(Outbox).where(Outbox.kind == "schedule_published")).all()) == 3

    # After publication, a move made by the scheduler is announced to the people concerned.
    busy = fair.meet(HOSTS[1], GUESTS[0])
    first = fair.schedule(dry_run=False).json()
    assert first["stats"]["scheduled"] == 3
    booked_mails = db.exec(select(Outbox).where(Outbox.kind == "meeting_booked")).all()
    assert {m.meeting_id for m in booked_mails} == {busy}


def test_bad_requests_name_the_field(fair: Fair, client: TestClient) -> None:
    too_long = fair.schedule(dry_run=True, time_limit_s=600)
    assert too_long.status_code == 422
    assert too_long.headers["content-type"].startswith(PROBLEM)
    assert "time_limit_s" in too_long.text

    sessions = client.get(f"{fair.base}/sessions").json()
    plenary = client.post(
        f"{fair.base}/sessions",
        json={
            "kind": "plenary",
            "title_vi": "Khai mạc",
            "room": "Hội trường A",
            "starts_at": "2027-03-16T08:30:00+07:00",
            "ends_at": "2027-03-16T09:30:00+07:00",
        },
        headers=fair.org,
    )
    assert plenary.status_code == 201, plenary.text
    assert len(sessions) == 1
    wrong = client.post(
        f"{fair.base}/sessions/{plenary.json()['id']}/schedule",
        json={"dry_run": True},
        headers=fair.org,
    )
    assert wrong.status_code == 422
    assert [e["field"] for e in wrong.json()["errors"]] == ["session_id"]

    missing = client.get(f"{fair.base}/sessions/{fair.session_id}/schedule", headers=fair.org)
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith(PROBLEM)
    unknown = client.post(
        f"{fair.base}/sessions/999999/schedule", json={"dry_run": True}, headers=fair.org
    )
    assert unknown.status_code == 404


def test_seats_match_meetings_after_scheduling(fair: Fair, db: Session) -> None:
    for host in HOSTS:
        for guest in GUESTS[:4]:
            fair.meet(host, guest)
    assert fair.schedule(dry_run=False).status_code == 200
    booked = _booked(db, fair.event_id)
    seats = db.exec(select(func.count()).select_from(MeetingSeat)).one()
    assert seats == 2 * len(booked)
    assert all(m.session_id == fair.session_id for m in booked)
    assert {pk(m) for m in booked} <= set(
        db.exec(select(Meeting.id).where(Meeting.event_id == fair.event_id)).all()
    )


def test_delegates_see_times_only_once_the_schedule_is_published(
    fair: Fair, db: Session, delegate: Any, delegate_headers: Headers
) -> None:
    fair.people["me"] = add_person(db, fair.event_id, "Lã Minh Tuấn", user=delegate)
    meeting_id = fair.meet("me", GUESTS[0])
    assert fair.schedule(dry_run=False).status_code == 200

    url = f"{fair.base}/meetings/{meeting_id}"
    organiser_view = fair.client.get(url, headers=fair.org).json()
    assert organiser_view["slot"] is not None  # organisers always see the draft schedule
    draft = fair.client.get(url, headers=delegate_headers).json()
    assert draft["slot"] is None
    assert draft["table"] is None
    listed = fair.client.get(f"{fair.base}/meetings", headers=delegate_headers).json()
    assert [m["slot"] for m in listed["items"]] == [None]

    assert fair.client.post(f"{fair.base}/publish", headers=fair.org).status_code == 200
    published = fair.client.get(url, headers=delegate_headers).json()
    assert published["slot"]["id"] == organiser_view["slot"]["id"]
    assert published["table"]["number"] == organiser_view["table"]["number"]
