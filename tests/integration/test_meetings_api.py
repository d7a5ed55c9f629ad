"""Meeting requests, meetings and booking through the HTTP API, on the real database."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event as sa_event
from sqlalchemy import func
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col, select

from app.audit.models import AuditEntry
from app.auth.models import Role
from app.db import get_engine
from app.meetings import requests as meeting_requests
from app.meetings.models import (
    Meeting,
    MeetingParticipant,
    MeetingQuota,
    MeetingRequest,
    MeetingSeat,
)
from app.notifications.models import Outbox
from app.registration.models import Participant
from app.types import utcnow
from tests.conftest import IS_POSTGRES, make_user, token_for
from tests.integration.conftest import (
    add_delegation,
    add_organisation,
    add_person,
    block_slots,
    build_fair,
    join_delegation,
)

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

PROBLEM = "application/problem+json"
Headers = dict[str, str]


def _fields(response: Any) -> set[str]:
    assert response.headers["content-type"].startswith(PROBLEM), response.text
    return {e["field"] for e in response.json().get("errors", [])}


@dataclass
class Fair:
    """An open event with a B2B session (9 slots × 3 tables) and approved people."""

    client: TestClient
    db: Session
    event_id: int
    session_id: int
    slots: list[dict[str, Any]]
    tables: list[dict[str, Any]]
    people: dict[str, int]
    org: Headers
    lin: Headers  # the delegate of the Taiwanese company (speaks zh, en)
    hoa: Headers  # the Vietnamese food processor (speaks vi)

    @property
    def base(self) -> str:
        return f"/api/v1/events/{self.event_id}"

    def slot(self, number: int) -> int:
        return int(self.slots[number - 1]["id"])

    def table(self, number: int) -> int:
        return int(self.tables[number - 1]["id"])

    def post(self, path: str, body: dict[str, Any] | None, headers: Headers) -> Any:
        return self.client.post(self.base + path, json=body, headers=headers)

    def meet(self, *names: str, slot: int | None = None, table: int | None = None, **more: Any):  # type: ignore[no-untyped-def]
        body: dict[str, Any] = {"participant_ids": [self.people[n] for n in names], **more}
        if slot is not None:
            body["slot_id"] = self.slot(slot)
        if table is not None:
            body["table_id"] = self.table(table)
        return self.post("/meetings", body, self.org)

    def mode(self, booking_mode: str) -> None:
        response = self.client.put(
            self.base + "/meeting-settings", json={"booking_mode": booking_mode}, headers=self.org
        )
        assert response.status_code == 200, response.text


@pytest.fixture
def fair(client: TestClient, db: Session, organiser_headers: Headers) -> Fair:
    built = build_fair(client, db, organiser_headers)
    return Fair(
        client,
        db,
        built.event_id,
        built.session_id,
        built.slots,
        built.tables,
        built.people,
        organiser_headers,
        token_for(client, built.users["lin"].email),
        token_for(client, built.users["hoa"].email),
    )


def _consistent(db: Session) -> None:
    """Seats are exactly the people of booked, active meetings; counters match seats."""
    db.expire_all()
    booked = db.exec(
        select(Meeting).where(col(Meeting.slot_id).is_not(None), Meeting.status != "cancelled")
    ).all()
    expected = set()
    for meeting in booked:
        for person in db.exec(
            select(MeetingParticipant).where(MeetingParticipant.meeting_id == meeting.id)
        ).all():
            expected.add((meeting.slot_id, person.participant_id, meeting.id))
    seats = {(s.slot_id, s.participant_id, s.meeting_id) for s in db.exec(select(MeetingSeat))}
    assert seats == expected
    per_person: dict[int, int] = {}
    for _slot, pid, _meeting in seats:
        per_person[pid] = per_person.get(pid, 0) + 1
    for quota in db.exec(select(MeetingQuota)).all():
        if quota.participant_id in {
            p.participant_id
            for p in db.exec(select(MeetingParticipant).where(MeetingParticipant.role == "party"))
        }:
            assert quota.booked == per_person.get(quota.participant_id, 0)


def _outbox(db: Session, kind: str) -> list[Outbox]:
    db.expire_all()
    return list(db.exec(select(Outbox).where(Outbox.kind == kind).order_by(col(Outbox.id))).all())


# ---- requests -----------------------------------------------------------------------------


def test_request_accept_book_then_both_agendas_show_the_meeting(fair: Fair) -> None:
    fair.mode("self_service")
    asked = fair.post(
        "/meeting-requests",
        {"recipient_id": fair.people["hoa"], "message": "Giải pháp đóng gói tự động"},
        fair.lin,
    )
    assert asked.status_code == 201, asked.text
    request = asked.json()
    assert request["status"] == "pending"
    assert request["requester"]["full_name"] == "Lin Wei-Ting"
    assert "email" not in request["recipient"]  # a counterpart never sees private fields

    inbox = fair.client.get(fair.base + "/meeting-requests?box=inbox", headers=fair.hoa).json()
    assert [r["id"] for r in inbox["items"]] == [request["id"]]
    outbox = fair.client.get(fair.base + "/meeting-requests?box=outbox", headers=fair.hoa).json()
    assert outbox["items"] == []

    accepted = fair.post(f"/meeting-requests/{request['id']}/accept", {}, fair.hoa)
    assert accepted.status_code == 201, accepted.text
    meeting = accepted.json()
    assert meeting["status"] == "confirmed"
    assert meeting["slot"] is None
    assert {p["full_name"] for p in meeting["participants"]} == {"Lin Wei-Ting", "Nguyễn Thị Hoa"}
    # zh/en and vi: no common language.
    assert meeting["interpreter_needed"] is True
    assert meeting["interpreter_languages"] == ["vi", "en", "zh"]

    free = fair.client.get(
        fair.base + f"/meetings/{meeting['id']}/free-slots", headers=fair.lin
    ).json()
    assert len(free) == 9
    booked = fair.post(f"/meetings/{meeting['id']}/book", {"slot_id": free[2]["id"]}, fair.lin)
    assert booked.status_code == 200, booked.text
    assert booked.json()["slot"]["starts_at"] == "2027-03-16T14:40:00+07:00"
    assert booked.json()["table"]["number"] == 1
    assert booked.json()["revision"] == 2

    for headers in (fair.lin, fair.hoa):
        agenda = fair.client.get(fair.base + "/meetings", headers=headers).json()
        assert [m["id"] for m in agenda["items"]] == [meeting["id"]]
        assert agenda["items"][0]["table"]["number"] == 1
    listed = fair.client.get(fair.base + "/meeting-requests", headers=fair.lin).json()
    assert listed["items"][0]["status"] == "accepted"
    assert listed["items"][0]["meeting_id"] == meeting["id"]
    _consistent(fair.db)

    # Hoa reads Vietnamese, Lin English; Lin booked, so only Hoa hears about the booking.
    (received,) = _outbox(fair.db, "request_received")
    assert received.to_email == "hoa@thucpham-hp.example"
    assert received.locale == "vi"
    assert received.subject.startswith("Yêu cầu gặp mặt mới từ Lin Wei-Ting")
    assert "Giải pháp đóng gói tự động" in received.body_text
    (accepted_mail,) = _outbox(fair.db, "request_accepted")
    assert accepted_mail.to_email == "lin@tw-packaging.example"
    assert accepted_mail.locale == "en"
    assert accepted_mail.subject.startswith("Nguyễn Thị Hoa accepted your meeting request")
    assert "pick a time" in accepted_mail.body_text
    (booked_mail,) = _outbox(fair.db, "meeting_booked")
    assert booked_mail.to_email == "hoa@thucpham-hp.example"
    assert "14:40, ngày 16/03/2027" in booked_mail.subject
    assert "<p>" in booked_mail.body_html


def test_decline_needs_a_reason_and_tells_the_requester(fair: Fair) -> None:
    request = fair.post("/meeting-requests", {"recipient_id": fair.people["hoa"]}, fair.lin).json()
    missing = fair.post(f"/meeting-requests/{request['id']}/decline", {"reason": "  "}, fair.hoa)
    assert missing.status_code == 422
    assert _fields(missing) == {"reason"}
    not_mine = fair.post(f"/meeting-requests/{request['id']}/decline", {"reason": "x"}, fair.lin)
    assert not_mine.status_code == 403
    declined = fair.post(
        f"/meeting-requests/{request['id']}/decline",
        {"reason": "Chúng tôi chưa có nhu cầu về thiết bị này."},
        fair.hoa,
    )
    assert declined.status_code == 200, declined.text
    assert declined.json()["status"] == "declined"
    assert declined.json()["decline_reason"] == "Chúng tôi chưa có nhu cầu về thiết bị này."
    (mail,) = _outbox(fair.db, "request_declined")
    assert mail.locale == "en"
    assert "Reason: Chúng tôi chưa có nhu cầu về thiết bị này." in mail.body_text
    again = fair.post(f"/meeting-requests/{request['id']}/accept", {}, fair.hoa)
    assert again.status_code == 409
    assert _fields(again) == {"status"}


def test_requests_go_to_approved_others_once_per_pair(fair: Fair) -> None:
    own = fair.post("/meeting-requests", {"recipient_id": fair.people["lin"]}, fair.lin)
    assert own.status_code == 422
    assert _fields(own) == {"recipient_id"}
    unapproved = fair.post("/meeting-requests", {"recipient_id": fair.people["pending"]}, fair.lin)
    assert unapproved.status_code == 422
    assert _fields(unapproved) == {"recipient_id"}
    first = fair.post("/meeting-requests", {"recipient_id": fair.people["hoa"]}, fair.lin)
    assert first.status_code == 201
    twice = fair.post("/meeting-requests", {"recipient_id": fair.people["hoa"]}, fair.lin)
    assert twice.status_code == 409
    assert _fields(twice) == {"recipient_id"}
    reverse = fair.post("/meeting-requests", {"recipient_id": fair.people["lin"]}, fair.hoa)
    assert reverse.status_code == 409
    assert "hãy chấp nhận yêu cầu của họ" in reverse.json()["detail"]  # Vietnamese by default
    # Withdrawn, the pair may ask again.
    cancelled = fair.post(f"/meeting-requests/{first.json()['id']}/cancel", None, fair.lin)
    assert cancelled.json()["status"] == "cancelled"
    assert (
        fair.post("/meeting-requests", {"recipient_id": fair.people["lin"]}, fair.hoa).status_code
        == 201
    )


def test_pending_request_does_not_block_slots(fair: Fair) -> None:
    fair.post("/meeting-requests", {"recipient_id": fair.people["hoa"]}, fair.lin)
    # Both people of the pending request are booked with others in the same slot.
    assert fair.meet("lin", "chen", slot=1).status_code == 201
    assert fair.meet("hoa", "bao", slot=1).status_code == 201
    assert fair.db.exec(select(func.count()).select_from(MeetingSeat)).one() == 4
    _consistent(fair.db)


# ---- the database rules -------------------------------------------------------------------


def test_person_in_two_meetings_in_one_slot_is_refused_naming_slot_id(fair: Fair) -> None:
    first = fair.meet("lin", "hoa", slot=2)
    assert first.status_code == 201, first.text
    clash = fair.meet("lin", "bao", slot=2)
    assert clash.status_code == 409
    assert _fields(clash) == {"slot_id"}
    assert "Lin Wei-Ting" in clash.json()["detail"]
    # Nothing of the refused meeting remains.
    listing = fair.client.get(fair.base + "/meetings", headers=fair.org).json()
    assert listing["total"] == 1
    other = fair.meet("bao", "chen", slot=3).json()
    moved = fair.client.patch(
        fair.base + f"/meetings/{other['id']}",
        json={"slot_id": fair.slot(2), "revision": other["revision"]},
        headers=fair.org,
    )
    assert moved.status_code == 200  # bao and chen are free at slot 2
    blocked = fair.client.patch(
        fair.base + f"/meetings/{first.json()['id']}",
        json={"slot_id": fair.slot(2), "table_id": fair.table(3)},
        headers=fair.org,
    )
    assert blocked.status_code == 200  # the same meeting, another table: no clash with itself
    _consistent(fair.db)


def test_one_meeting_per_table_per_slot_naming_table_id(fair: Fair) -> None:
    assert fair.meet("lin", "hoa", slot=1, table=1).status_code == 201
    clash = fair.meet("bao", "chen", slot=1, table=1)
    assert clash.status_code == 409
    assert _fields(clash) == {"table_id"}
    assert "bàn 1" in clash.json()["detail"]
    automatic = fair.meet("bao", "chen", slot=1)
    assert automatic.status_code == 201
    assert automatic.json()["table"]["number"] == 2
    _consistent(fair.db)


def test_a_slot_with_every_table_taken_is_refused(fair: Fair) -> None:
    for pair in (("lin", "hoa"), ("bao", "chen"), ("minh", "mai")):
        assert fair.meet(*pair, slot=5).status_code == 201
    full = fair.meet("lin", "bao", slot=5)
    assert full.status_code == 409
    assert _fields(full) <= {"table_id", "slot_id"}


def test_meeting_cap_is_enforced_and_cancelling_gives_it_back(fair: Fair) -> None:
    capped = fair.client.put(
        fair.base + "/meeting-settings", json={"default_meeting_cap": 2}, headers=fair.org
    )
    assert capped.json()["default_meeting_cap"] == 2
    first = fair.meet("lin", "hoa", slot=1).json()
    assert fair.meet("lin", "bao", slot=2).status_code == 201
    over = fair.meet("lin", "chen", slot=3)
    assert over.status_code == 409
    assert _fields(over) == {"meeting_cap"}
    assert "Lin Wei-Ting" in over.json()["detail"]
    # An unscheduled meeting does not count: the scheduler respects the cap later.
    assert fair.meet("lin", "chen").status_code == 201
    cancelled = fair.post(
        f"/meetings/{first['id']}/cancel", {"reason": "Đối tác về nước sớm"}, fair.lin
    )
    assert cancelled.status_code == 200
    assert cancelled.json()["slot"] is None
    assert fair.meet("lin", "minh", slot=3).status_code == 201
    _consistent(fair.db)


def test_interpreter_needs_a_free_seat_in_the_slot(fair: Fair) -> None:
    meeting = fair.meet("lin", "hoa", slot=1).json()
    assert meeting["interpreter_needed"] is True
    assert meeting["has_interpreter"] is False
    assert fair.meet("chen", "bao", slot=2).status_code == 201
    busy = fair.meet("minh", "bao", slot=3, interpreter_ids=[fair.people["mai"]])
    assert busy.status_code == 201
    moved = fair.client.patch(
        fair.base + f"/meetings/{busy.json()['id']}",
        json={"slot_id": fair.slot(1)},
        headers=fair.org,
    )
    assert moved.status_code == 200
    # Mai now interprets at slot 1 for another meeting: she cannot sit in Lin's too.
    clash = fair.post(
        f"/meetings/{meeting['id']}/participants",
        {"participant_id": fair.people["mai"], "role": "interpreter"},
        fair.org,
    )
    assert clash.status_code == 409
    assert _fields(clash) == {"slot_id"}
    assert "Đỗ Thị Mai" in clash.json()["detail"]
    fair.client.delete(
        fair.base + f"/meetings/{busy.json()['id']}/participants/{fair.people['mai']}",
        headers=fair.org,
    )
    added = fair.post(
        f"/meetings/{meeting['id']}/participants",
        {"participant_id": fair.people["mai"], "role": "interpreter"},
        fair.org,
    )
    assert added.status_code == 201, added.text
    body = added.json()
    assert body["has_interpreter"] is True
    assert [p["role"] for p in body["participants"]] == ["party", "party", "interpreter"]
    assert body["revision"] == meeting["revision"] + 1
    party = fair.client.delete(
        fair.base + f"/meetings/{meeting['id']}/participants/{fair.people['hoa']}",
        headers=fair.org,
    )
    assert party.status_code == 409
    _consistent(fair.db)


def test_blocked_slot_is_refused(fair: Fair) -> None:
    block_slots(fair.db, fair.event_id, fair.people["hoa"], [fair.slot(4)])
    refused = fair.meet("lin", "hoa", slot=4)
    assert refused.status_code == 409
    assert _fields(refused) == {"slot_id"}
    assert "Nguyễn Thị Hoa bận" in refused.json()["detail"]


# ---- self-service booking -----------------------------------------------------------------


def _accepted(fair: Fair) -> dict[str, Any]:
    request = fair.post("/meeting-requests", {"recipient_id": fair.people["hoa"]}, fair.lin).json()
    return fair.post(f"/meeting-requests/{request['id']}/accept", {}, fair.hoa).json()


def test_free_slots_leave_out_blocked_busy_and_full_slots(fair: Fair) -> None:
    fair.mode("self_service")
    meeting = _accepted(fair)
    block_slots(fair.db, fair.event_id, fair.people["hoa"], [fair.slot(2)])
    block_slots(fair.db, fair.event_id, fair.people["lin"], [fair.slot(5)])
    assert fair.meet("lin", "chen", slot=3).status_code == 201  # Lin is busy at slot 3
    assert fair.meet("bao", "chen", slot=4).status_code == 201
    assert fair.meet("minh", "mai", slot=4).status_code == 201  # one table of 3 left
    fair.people["an"] = add_person(fair.db, fair.event_id, "Lê Văn An", languages=["vi"])
    fair.people["wu"] = add_person(fair.db, fair.event_id, "Wu Jia-Hao", languages=["zh"])
    for pair in (("bao", "minh"), ("chen", "mai"), ("an", "wu")):
        assert fair.meet(*pair, slot=6).status_code == 201  # every table taken
    free = fair.client.get(
        fair.base + f"/meetings/{meeting['id']}/free-slots", headers=fair.hoa
    ).json()
    assert [s["number"] for s in free] == [1, 4, 7, 8, 9]
    assert free[0]["starts_at"] == "2027-03-16T14:00:00+07:00"
    # Slot 4 has one table left: booking it takes table 3, the lowest free one.
    booked = fair.post(f"/meetings/{meeting['id']}/book", {"slot_id": fair.slot(4)}, fair.hoa)
    assert booked.status_code == 200, booked.text
    assert booked.json()["table"]["number"] == 3
    blocked = fair.post(f"/meetings/{meeting['id']}/book", {"slot_id": fair.slot(2)}, fair.hoa)
    assert blocked.status_code == 409
    assert _fields(blocked) == {"slot_id"}
    _consistent(fair.db)


def test_book_without_a_slot_takes_the_earliest_common_free_one(fair: Fair) -> None:
    fair.mode("self_service")
    meeting = _accepted(fair)
    assert fair.meet("hoa", "bao", slot=1).status_code == 201
    booked = fair.post(f"/meetings/{meeting['id']}/book", {}, fair.lin)
    assert booked.status_code == 200
    assert booked.json()["slot"]["number"] == 2
    # Moving it is a change like any other: a new revision and a "moved" e-mail.
    moved = fair.post(f"/meetings/{meeting['id']}/book", {"slot_id": fair.slot(6)}, fair.lin)
    assert moved.json()["slot"]["number"] == 6
    assert moved.json()["revision"] == 3
    (mail,) = _outbox(fair.db, "meeting_moved")
    assert mail.locale == "vi"
    assert "Lịch mới: 15:40, ngày 16/03/2027" in mail.body_text
    assert "Lịch cũ: 14:20, ngày 16/03/2027" in mail.body_text


def test_the_e_mails_name_the_counterparts_organisation_in_the_readers_language(
    fair: Fair,
) -> None:
    # Lin reads English: Hoa's acceptance names her company by its English name; Hoa reads
    # Vietnamese: Lin's request names his by its Vietnamese one.
    for key, name_vi, name_en in (
        ("hoa", "Công ty CP Thực phẩm Đồ Sơn", "Do Son Foods JSC"),
        ("lin", "Công ty TNHH Đóng gói Đài Bắc", "Taipei Packaging Co., Ltd."),
    ):
        person = fair.db.get(Participant, fair.people[key])
        assert person is not None
        person.organisation_id = add_organisation(fair.db, name_vi, name_en=name_en)
        fair.db.add(person)
    fair.db.commit()
    _accepted(fair)
    (received,) = _outbox(fair.db, "request_received")
    assert received.locale == "vi"
    assert "Lin Wei-Ting (Công ty TNHH Đóng gói Đài Bắc) đề nghị gặp" in received.body_text
    (accepted,) = _outbox(fair.db, "request_accepted")
    assert accepted.locale == "en"
    assert "Nguyễn Thị Hoa (Do Son Foods JSC) accepted" in accepted.body_text


def _recorded(
    target: Any, event: str, pick: Callable[..., Any], call: Callable[[], Any]
) -> tuple[list[Any], Any]:
    """What ``pick`` takes of each ``event`` of ``target`` during ``call()``, and what ``call()``
    returns."""
    seen: list[Any] = []

    def listener(*args: Any) -> None:
        seen.append(pick(*args))

    sa_event.listen(target, event, listener)
    try:
        answer = call()
    finally:
        sa_event.remove(target, event, listener)
    return seen, answer


def _statements_of(call: Callable[[], Any]) -> tuple[list[str], Any]:
    """The SQL statements ``call()`` sends to the database, and what it returns."""
    return _recorded(get_engine(), "before_cursor_execute", lambda *a: a[2], call)


def test_a_booking_reads_its_people_once(fair: Fair) -> None:
    # Booking asks twice for the same people (may this person act for a party, then whom to
    # seat): the second ask is answered from memory, not by another query.
    fair.mode("self_service")
    meeting = _accepted(fair)
    statements, booked = _statements_of(
        lambda: fair.post(f"/meetings/{meeting['id']}/book", {"slot_id": fair.slot(3)}, fair.lin)
    )
    # PostgreSQL also locks the people's rows (FOR NO KEY UPDATE): a lock, not a read
    reads = [
        sql
        for sql in statements
        if sql.lstrip().startswith("SELECT") and "participant" in sql and "FOR " not in sql
    ]
    assert booked.status_code == 200, booked.text
    assert booked.json()["slot"]["number"] == 3
    # The booking reads the people with the meeting, in one statement; one more read for the
    # answer's list of people (it was four reads, then two).
    people = [r for r in reads if "participant.id IN" in r]
    assert len(people) == 1, people
    with_meeting = [r for r in reads if "FROM meeting LEFT OUTER JOIN meeting_participant" in r]
    assert len(with_meeting) == 1, reads


def _executed_statements(call: Callable[[], Any]) -> tuple[list[Any], Any]:
    """The statement objects the ORM runs during ``call()`` (kept: their identity is compared),
    and what it returns."""
    return _recorded(OrmSession, "do_orm_execute", lambda state: state.statement, call)


def _slot_6_full(fair: Fair) -> dict[str, Any]:
    """Self-service booking, Hoa and Lin's meeting accepted, every table of slot 6 taken."""
    fair.mode("self_service")
    meeting = _accepted(fair)
    fair.people["an"] = add_person(fair.db, fair.event_id, "Lê Văn An", languages=["vi"])
    fair.people["wu"] = add_person(fair.db, fair.event_id, "Wu Jia-Hao", languages=["zh"])
    for pair in (("bao", "minh"), ("chen", "mai"), ("an", "wu")):
        assert fair.meet(*pair, slot=6).status_code == 201
    return meeting


def test_a_crowd_books_with_statements_built_once(fair: Fair) -> None:
    # Building a SQLAlchemy statement and its cache key cost more than running it: the
    # statements of a booking refused into a full slot (who asks, the meeting and its people,
    # the slot and its free tables) are built once and run again on new parameters.
    meeting = _slot_6_full(fair)

    def refuse() -> Any:
        return fair.post(f"/meetings/{meeting['id']}/book", {"slot_id": fair.slot(6)}, fair.hoa)

    first, refused = _executed_statements(refuse)
    again, refused_again = _executed_statements(refuse)
    assert refused.status_code == refused_again.status_code == 409
    assert len(again) == len(first) == 3, again
    for statement in again:
        assert any(statement is known for known in first), statement


@pytest.mark.skipif(not IS_POSTGRES, reason="SQLite's BEGIN is no round trip: units keep it")
def test_a_booking_reads_without_a_transaction_until_it_writes(fair: Fair, db: Session) -> None:
    # On PostgreSQL a booking's reads run on their own (autocommit): a refusal sends no BEGIN
    # and no ROLLBACK; a booking begins its transaction with its first write or lock, and
    # everything from there is committed together.
    meeting = _slot_6_full(fair)

    def booking(slot: int) -> tuple[list[tuple[bool, str]], Any]:
        return _recorded(
            get_engine(),
            "before_cursor_execute",
            lambda connection, _cursor, statement, *_: (
                bool(connection.connection.dbapi_connection.autocommit),
                statement,
            ),
            lambda: fair.post(
                f"/meetings/{meeting['id']}/book", {"slot_id": fair.slot(slot)}, fair.hoa
            ),
        )

    refusal, refused = booking(6)
    assert refused.status_code == 409, refused.text
    assert refusal
    assert all(auto for auto, _ in refusal), refusal
    made, booked = booking(4)
    assert booked.status_code == 200, booked.text
    first_write = next(
        i
        for i, (_, sql) in enumerate(made)
        if not sql.lstrip().startswith("SELECT") or "FOR " in sql
    )
    assert first_write >= 3, made  # who asks, the meeting and its people, the slot: reads
    assert all(auto for auto, _ in made[:first_write]), made
    assert not any(auto for auto, _ in made[first_write:]), made
    db.expire_all()
    stored = db.get(Meeting, meeting["id"])
    assert stored is not None
    assert stored.slot_id == fair.slot(4)
    # its connection went back to the pool as it came: every pooled one begins transactions
    engine = get_engine()
    held = [engine.connect() for _ in range(engine.pool.checkedin())]  # type: ignore[attr-defined]
    try:
        assert held
        assert not any(getattr(c.connection.dbapi_connection, "autocommit", True) for c in held)
    finally:
        for connection in held:
            connection.close()


def test_booking_into_a_full_slot_is_refused_before_anything_is_written(fair: Fair) -> None:
    # every table of slot 6 taken: the delegate is told which slot is full, naming the
    # table, and the meeting is not touched (no UPDATE, its revision as it was)
    meeting = _slot_6_full(fair)
    statements, refused = _statements_of(
        lambda: fair.post(f"/meetings/{meeting['id']}/book", {"slot_id": fair.slot(6)}, fair.hoa)
    )
    writes = [
        sql
        for sql in statements
        if not sql.lstrip().upper().startswith(("SELECT", "SAVEPOINT", "RELEASE"))
    ]
    assert refused.status_code == 409, refused.text
    assert _fields(refused) == {"table_id"}
    assert "không còn bàn trống ở lượt 6" in refused.json()["detail"]
    assert writes == []
    # the slot and its free tables are read together, in one statement
    slot_reads = [sql for sql in statements if "FROM slot" in sql]
    assert len(slot_reads) == 1, slot_reads
    assert "meeting_table" in slot_reads[0]
    again = fair.client.get(fair.base + f"/meetings/{meeting['id']}", headers=fair.hoa).json()
    assert again["revision"] == meeting["revision"]
    assert again["slot"] is None


def test_delegates_cannot_book_when_the_organisers_schedule(fair: Fair) -> None:
    meeting = _accepted(fair)
    refused = fair.post(f"/meetings/{meeting['id']}/book", {}, fair.lin)
    assert refused.status_code == 409
    assert _fields(refused) == {"booking_mode"}
    assert fair.post(f"/meetings/{meeting['id']}/book", {}, fair.org).status_code == 200


def test_outsider_cannot_read_or_book_a_meeting(fair: Fair, db: Session) -> None:
    fair.mode("self_service")
    meeting = fair.meet("bao", "chen").json()
    for call in (
        fair.client.get(fair.base + f"/meetings/{meeting['id']}", headers=fair.lin),
        fair.post(f"/meetings/{meeting['id']}/book", {}, fair.lin),
        fair.post(f"/meetings/{meeting['id']}/cancel", {"reason": "x"}, fair.lin),
    ):
        assert call.status_code == 403
    assert fair.client.get(fair.base + "/meetings", headers=fair.lin).json()["total"] == 0


# ---- changes: lock, revision, audit -------------------------------------------------------


def test_locked_meeting_refuses_delegate_changes(fair: Fair) -> None:
    fair.mode("self_service")
    meeting = _accepted(fair)
    locked = fair.client.patch(
        fair.base + f"/meetings/{meeting['id']}", json={"locked": True}, headers=fair.org
    )
    assert locked.json()["locked"] is True
    for call in (
        fair.post(f"/meetings/{meeting['id']}/book", {}, fair.lin),
        fair.post(f"/meetings/{meeting['id']}/cancel", {"reason": "Bận việc"}, fair.hoa),
    ):
        assert call.status_code == 403
        assert "khoá" in call.json()["detail"]
    assert (
        fair.client.patch(
            fair.base + f"/meetings/{meeting['id']}", json={"locked": False}, headers=fair.lin
        ).status_code
        == 403
    )
    placed = fair.client.patch(
        fair.base + f"/meetings/{meeting['id']}", json={"slot_id": fair.slot(1)}, headers=fair.org
    )
    assert placed.status_code == 200
    assert placed.json()["locked"] is True


def test_every_change_bumps_the_revision_and_is_audited(fair: Fair) -> None:
    meeting = fair.meet("lin", "hoa").json()
    assert meeting["revision"] == 1
    url = fair.base + f"/meetings/{meeting['id']}"
    placed = fair.client.patch(url, json={"slot_id": fair.slot(2), "revision": 1}, headers=fair.org)
    assert placed.json()["revision"] == 2
    table = fair.client.patch(
        url, json={"table_id": fair.table(3), "revision": 2}, headers=fair.org
    )
    assert table.json()["revision"] == 3
    assert table.json()["table"]["number"] == 3
    same = fair.client.patch(url, json={"table_id": fair.table(3), "revision": 3}, headers=fair.org)
    assert same.json()["revision"] == 3  # no change, no new revision

    stale = fair.client.patch(url, json={"slot_id": fair.slot(5), "revision": 2}, headers=fair.org)
    assert stale.status_code == 409
    assert _fields(stale) == {"revision"}
    assert fair.client.get(url, headers=fair.org).json()["slot"]["number"] == 2

    fair.db.expire_all()
    entries = fair.db.exec(
        select(AuditEntry)
        .where(AuditEntry.entity == "meeting", AuditEntry.entity_id == meeting["id"])
        .order_by(col(AuditEntry.id))
    ).all()
    assert [e.action for e in entries] == ["meeting.create", "meeting.update", "meeting.update"]
    assert entries[1].changes["slot_id"] == [None, fair.slot(2)]
    assert entries[1].changes["revision"] == [1, 2]
    assert entries[2].changes["table_id"][1] == fair.table(3)
    assert "slot_id" not in entries[2].changes
    assert all(e.actor_user_id is not None for e in entries)
    mails = _outbox(fair.db, "meeting_moved")
    assert {m.to_email for m in mails} == {"lin@tw-packaging.example", "hoa@thucpham-hp.example"}


def test_unscheduling_and_cancelling_free_the_seats(fair: Fair) -> None:
    meeting = fair.meet("lin", "hoa", slot=1).json()
    url = fair.base + f"/meetings/{meeting['id']}"
    off = fair.client.patch(url, json={"slot_id": None}, headers=fair.org)
    assert off.json()["slot"] is None
    assert off.json()["table"] is None
    assert fair.meet("lin", "bao", slot=1).status_code == 201
    no_reason = fair.client.patch(url, json={"status": "cancelled"}, headers=fair.org)
    assert no_reason.status_code == 422
    cancelled = fair.client.patch(
        url, json={"status": "cancelled", "reason": "Trùng lịch làm việc"}, headers=fair.org
    )
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["cancelled_reason"] == "Trùng lịch làm việc"
    assert (
        fair.client.patch(url, json={"slot_id": fair.slot(2)}, headers=fair.org).status_code == 409
    )
    _consistent(fair.db)


# ---- organiser-proposed meetings ----------------------------------------------------------


def test_organiser_proposed_meeting_waits_for_both_confirmations(fair: Fair) -> None:
    refused = fair.post(
        "/meetings", {"participant_ids": [fair.people["lin"], fair.people["hoa"]]}, fair.lin
    )
    assert refused.status_code == 403
    proposed = fair.meet("lin", "hoa", slot=1, needs_confirmation=True)
    assert proposed.status_code == 201, proposed.text
    meeting = proposed.json()
    assert meeting["status"] == "proposed"
    assert meeting["origin"] == "organiser"
    assert meeting["slot"]["number"] == 1  # a proposed meeting holds its slot meanwhile
    mails = _outbox(fair.db, "meeting_proposed")
    assert {(m.to_email, m.locale) for m in mails} == {
        ("lin@tw-packaging.example", "en"),
        ("hoa@thucpham-hp.example", "vi"),
    }
    assert all("confirm" in m.body_text or "xác nhận" in m.body_text for m in mails)

    half = fair.post(f"/meetings/{meeting['id']}/confirm", {}, fair.lin).json()
    assert half["status"] == "proposed"
    assert {p["full_name"]: p["confirmed"] for p in half["participants"]} == {
        "Lin Wei-Ting": True,
        "Nguyễn Thị Hoa": False,
    }
    done = fair.post(f"/meetings/{meeting['id']}/confirm", {}, fair.hoa).json()
    assert done["status"] == "confirmed"
    assert done["revision"] == 3

    direct = fair.meet("bao", "chen")
    assert direct.json()["status"] == "confirmed"
    duplicate = fair.meet("chen", "bao")
    assert duplicate.status_code == 409
    assert _fields(duplicate) == {"participant_ids"}


# ---- expiry, settings, notifications ------------------------------------------------------


def test_requests_expire_after_the_deadline(fair: Fair) -> None:
    request = fair.post("/meeting-requests", {"recipient_id": fair.people["hoa"]}, fair.lin).json()
    past = (utcnow() - timedelta(minutes=1)).isoformat()
    settings = fair.client.put(
        fair.base + "/meeting-settings", json={"request_deadline": past}, headers=fair.org
    )
    assert settings.status_code == 200
    assert settings.json()["request_deadline"].endswith("+07:00")
    inbox = fair.client.get(fair.base + "/meeting-requests?box=inbox", headers=fair.hoa).json()
    assert inbox["items"][0]["status"] == "expired"
    pending = fair.client.get(
        fair.base + "/meeting-requests?status=pending", headers=fair.org
    ).json()
    assert pending["total"] == 0
    late = fair.post(f"/meeting-requests/{request['id']}/accept", {}, fair.hoa)
    assert late.status_code == 409
    assert "đã hết hạn" in late.json()["detail"]
    new = fair.post("/meeting-requests", {"recipient_id": fair.people["bao"]}, fair.lin)
    assert new.status_code == 409
    assert _fields(new) == {"request_deadline"}

    assert meeting_requests.expire_requests(fair.db, fair.event_id, utcnow()) == 1
    fair.db.commit()
    row = fair.db.get(MeetingRequest, request["id"])
    assert row is not None
    assert row.status == "expired"


def test_meeting_settings_read_and_update(fair: Fair, client: TestClient) -> None:
    public = client.get(fair.base + "/meeting-settings").json()
    assert public == {
        "event_id": fair.event_id,
        "booking_mode": "organiser",
        "request_deadline": None,
        "default_meeting_cap": 10,
    }
    updated = client.put(
        fair.base + "/meeting-settings",
        json={"booking_mode": "self_service", "request_deadline": "2027-03-15T17:00:00"},
        headers=fair.org,
    ).json()
    assert updated["booking_mode"] == "self_service"
    # A time without an offset is the event's local time.
    assert updated["request_deadline"] == "2027-03-15T17:00:00+07:00"
    cleared = client.put(
        fair.base + "/meeting-settings", json={"request_deadline": None}, headers=fair.org
    ).json()
    assert cleared["request_deadline"] is None
    assert cleared["booking_mode"] == "self_service"
    # The event's own settings follow: one source of truth.
    assert client.get(fair.base).json()["booking_mode"] == "self_service"
    assert (
        client.put(
            fair.base + "/meeting-settings", json={"booking_mode": "self"}, headers=fair.org
        ).status_code
        == 422
    )


def test_people_without_email_get_no_outbox_rows(fair: Fair) -> None:
    meeting = fair.meet("minh", "hoa", slot=1).json()
    fair.post(f"/meetings/{meeting['id']}/cancel", {"reason": "Thay đổi kế hoạch"}, fair.org)
    mails = _outbox(fair.db, "meeting_cancelled")
    assert [m.to_email for m in mails] == ["hoa@thucpham-hp.example"]
    assert "Lý do: Thay đổi kế hoạch" in mails[0].body_text
    assert "Phạm Văn Minh" in mails[0].subject


def test_head_of_delegation_reads_a_members_inbox(fair: Fair, db: Session) -> None:
    head = make_user(db, "truong.doan@tw-delegation.example", Role.delegate, name="Trưởng đoàn")
    delegation = add_delegation(db, fair.event_id, "Đoàn Đài Loan", country="TW", head=head)
    join_delegation(db, fair.event_id, fair.people["chen"], delegation)
    headers = token_for(fair.client, head.email)
    asked = fair.post(
        "/meeting-requests",
        {"requester_id": fair.people["chen"], "recipient_id": fair.people["hoa"]},
        headers,
    )
    assert asked.status_code == 201, asked.text
    outbox = fair.client.get(
        fair.base + f"/meeting-requests?box=outbox&participant_id={fair.people['chen']}",
        headers=headers,
    ).json()
    assert [r["id"] for r in outbox["items"]] == [asked.json()["id"]]
    other = fair.client.get(
        fair.base + f"/meeting-requests?participant_id={fair.people['bao']}", headers=headers
    )
    assert other.status_code == 403


def test_a_closed_meeting_is_refused_with_its_status_in_words(fair: Fair) -> None:
    # The field error names the status as a person reads it, the stored code beside it
    fair.mode("self_service")
    meeting = _accepted(fair)
    cancelled = fair.post(f"/meetings/{meeting['id']}/cancel", {"reason": "Bận việc"}, fair.hoa)
    assert cancelled.status_code == 200, cancelled.text
    refused = fair.post(f"/meetings/{meeting['id']}/book", {}, fair.lin)
    assert refused.status_code == 409
    assert refused.json()["errors"] == [
        {"field": "status", "message": "đã hủy", "code": "cancelled"}
    ]
    english = fair.client.post(
        fair.base + f"/meetings/{meeting['id']}/book",
        json={},
        headers={**fair.lin, "Accept-Language": "en"},
    )
    assert english.json()["errors"] == [
        {"field": "status", "message": "cancelled", "code": "cancelled"}
    ]
