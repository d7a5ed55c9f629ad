"""The event day and its outcomes through the HTTP API, on the real database: check-in,
attendance, late arrivals, feedback and its signed link, agreements and their documents,
follow-up reminders, and the organiser's figures checked against the rows."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import Session, col, select

from app import clock
from app.audit.models import AuditEntry
from app.auth.models import Role, User
from app.checkin.models import Checkin
from app.meetings.models import Meeting, MeetingParticipant, MeetingRequest
from app.notifications.models import Outbox
from app.outcomes import day as day_service
from app.outcomes import documents, follow_ups
from app.outcomes import feedback as feedback_service
from app.outcomes.models import (
    Agreement,
    AgreementReminder,
    MeetingFeedback,
)
from app.registration.models import (
    Delegation,
    Organisation,
    OrganisationSector,
    Participant,
)
from app.types import pk
from tests.conftest import make_user, token_for
from tests.integration.conftest import (
    add_delegation,
    add_organisation,
    add_person,
    add_session,
    fair_users,
    make_event,
    session_grid,
)

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

PROBLEM = "application/problem+json"
Headers = dict[str, str]
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


def _fields(response: Any) -> set[str]:
    assert response.headers["content-type"].startswith(PROBLEM), response.text
    return {e["field"] for e in response.json().get("errors", [])}


@dataclass
class Day:
    """An open event (16/03/2027, Asia/Ho_Chi_Minh) with a B2B session of 9 slots × 3
    tables, a Taiwanese delegation and Vietnamese hosts, all approved but one."""

    client: TestClient
    db: Session
    event_id: int
    session_id: int
    slots: list[dict[str, Any]]
    tables: list[dict[str, Any]]
    people: dict[str, int]
    orgs: dict[str, int]
    delegation_id: int
    org: Headers
    lin: Headers
    hoa: Headers

    @property
    def base(self) -> str:
        return f"/api/v1/events/{self.event_id}"

    def slot(self, number: int) -> int:
        return int(self.slots[number - 1]["id"])

    def code(self, name: str) -> str:
        row = self.db.get(Participant, self.people[name])
        assert row is not None
        return row.code

    def meet(self, a: str, b: str, slot: int | None = None, **more: Any) -> dict[str, Any]:
        body: dict[str, Any] = {"participant_ids": [self.people[a], self.people[b]], **more}
        if slot is not None:
            body["slot_id"] = self.slot(slot)
        response = self.client.post(self.base + "/meetings", json=body, headers=self.org)
        assert response.status_code == 201, response.text
        return dict(response.json())

    def arrive(self, *names: str) -> None:
        for name in names:
            response = self.client.post(
                self.base + "/check-in", json={"code": self.code(name)}, headers=self.org
            )
            assert response.status_code in (200, 201), response.text

    def mark(self, meeting_id: int, outcome: str, absent: list[str] | None = None) -> Any:
        """Record a meeting as staff would on the day: its parties not named absent have
        checked in (the event-day clock of ``day`` is past every slot)."""
        meeting = self.client.get(f"{self.base}/meetings/{meeting_id}", headers=self.org).json()
        away = {self.people[n] for n in absent or []}
        for person in meeting.get("participants", []):
            if person.get("role") == "party" and person["id"] not in away:
                self.client.post(
                    self.base + "/check-in",
                    json={"participant_id": person["id"]},
                    headers=self.org,
                )
        return self.client.post(
            f"{self.base}/meetings/{meeting_id}/attendance",
            json={
                "outcome": outcome,
                "absent_participant_ids": [self.people[n] for n in absent or []],
            },
            headers=self.org,
        )


# The end of the event's day (16/03/2027 18:00 in Hải Phòng): every slot has started, so
# meetings can be recorded as held or missed. Check-in and the outcomes read app.clock.
EVENT_DAY_EVENING = datetime(2027, 3, 16, 11, 0, tzinfo=UTC)


@pytest.fixture
def day(
    client: TestClient,
    db: Session,
    organiser_headers: Headers,
    monkeypatch: pytest.MonkeyPatch,
) -> Day:
    monkeypatch.setattr(clock, "now", lambda: EVENT_DAY_EVENING)
    event_id = make_event(client, organiser_headers, status="registration_open")
    session = add_session(client, organiser_headers, event_id, table_count=3)
    slots, tables = session_grid(client, organiser_headers, event_id, session["id"])
    orgs = {
        "tw_pack": add_organisation(
            db, "Taiwan Smart Packaging Co., Ltd.", country="TW", sectors=["automation"]
        ),
        "tw_robot": add_organisation(
            db, "Formosa Robotics Inc.", country="TW", sectors=["automation", "ai"]
        ),
        "vn_food": add_organisation(
            db, "Công ty CP Thực phẩm Hải Phòng", sectors=["food_processing"]
        ),
        "vn_uni": add_organisation(db, "Trường Đại học Hàng hải Việt Nam", kind="university"),
    }
    delegation = add_delegation(
        db, event_id, "Đoàn doanh nghiệp Đài Loan", country="TW", status="confirmed"
    )
    users = fair_users(db)
    people = {
        "lin": add_person(
            db,
            event_id,
            "Lin Wei-Ting",
            organisation_id=orgs["tw_pack"],
            user=users["lin"],
            delegation_id=delegation,
            languages=["zh", "en"],
        ),
        "chen": add_person(
            db,
            event_id,
            "Chen Yu-Han",
            organisation_id=orgs["tw_robot"],
            email="chen@tw-robotics.example",
            delegation_id=delegation,
            languages=["zh", "en"],
        ),
        "hoa": add_person(
            db,
            event_id,
            "Nguyễn Thị Hoa",
            organisation_id=orgs["vn_food"],
            user=users["hoa"],
            languages=["vi"],
        ),
        "bao": add_person(
            db,
            event_id,
            "Trần Quốc Bảo",
            organisation_id=orgs["vn_uni"],
            email="bao@vimaru.example",
            languages=["vi"],
        ),
        "minh": add_person(  # no e-mail
            db, event_id, "Phạm Văn Minh", role="host", languages=["vi"]
        ),
        "pending": add_person(db, event_id, "Hồ Chờ Duyệt", status="pending", languages=["vi"]),
    }
    return Day(
        client,
        db,
        event_id,
        session["id"],
        slots,
        tables,
        people,
        orgs,
        delegation,
        organiser_headers,
        token_for(client, users["lin"].email),
        token_for(client, users["hoa"].email),
    )


# ---- check-in -----------------------------------------------------------------------------


def test_checking_in_twice_is_idempotent(day: Day) -> None:
    first = day.client.post(
        day.base + "/check-in", json={"code": day.code("lin"), "method": "qr"}, headers=day.org
    )
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["participant"]["full_name"] == "Lin Wei-Ting"
    assert body["participant"]["delegation_name"] == "Đoàn doanh nghiệp Đài Loan"
    assert body["already_checked_in"] is False
    assert body["checked_in_at"].endswith("+07:00")

    again = day.client.post(
        day.base + "/check-in",
        json={"participant_id": day.people["lin"], "method": "search"},
        headers=day.org,
    )
    assert again.status_code == 200, again.text
    assert again.json()["already_checked_in"] is True
    assert again.json()["checked_in_at"] == body["checked_in_at"]
    assert again.json()["method"] == "qr"  # the first check-in stands
    day.db.expire_all()
    rows = day.db.exec(select(Checkin)).all()
    assert [r.participant_id for r in rows] == [day.people["lin"]]
    audit = day.db.exec(select(AuditEntry).where(AuditEntry.action == "participant.check_in")).all()
    assert len(audit) == 1


def test_code_typed_with_spaces_dashes_and_lower_case_checks_in(day: Day) -> None:
    code = day.code("hoa")
    typed = f" {code[:4].lower()}-{code[4:].lower()} "
    response = day.client.post(day.base + "/check-in", json={"code": typed}, headers=day.org)
    assert response.status_code == 201, response.text
    assert response.json()["participant"]["full_name"] == "Nguyễn Thị Hoa"
    spaced = " ".join(day.code("bao"))
    assert (
        day.client.post(day.base + "/check-in", json={"code": spaced}, headers=day.org).status_code
        == 201
    )


def test_unknown_code_and_unapproved_person_are_refused_naming_the_field(day: Day) -> None:
    unknown = day.client.post(day.base + "/check-in", json={"code": "ZZZZ-2222"}, headers=day.org)
    assert unknown.status_code == 404
    assert _fields(unknown) == {"code"}
    pending = day.client.post(
        day.base + "/check-in", json={"code": day.code("pending")}, headers=day.org
    )
    assert pending.status_code == 409
    assert _fields(pending) == {"status"}
    assert "đang chờ" in pending.json()["detail"]
    neither = day.client.post(day.base + "/check-in", json={"method": "qr"}, headers=day.org)
    assert neither.status_code == 422
    assert _fields(neither) == {"code"}
    bad_method = day.client.post(
        day.base + "/check-in", json={"code": "X", "method": "fax"}, headers=day.org
    )
    assert bad_method.status_code == 422
    assert _fields(bad_method) == {"method"}
    assert day.db.exec(select(func.count()).select_from(Checkin)).one() == 0


def test_staff_with_an_account_checks_in_but_a_delegate_cannot(day: Day) -> None:
    refused = day.client.post(
        day.base + "/check-in", json={"code": day.code("hoa")}, headers=day.lin
    )
    assert refused.status_code == 403
    desk = make_user(day.db, "le-tan@sokhcn.haiphong.gov.vn", Role.delegate, name="Lễ tân")
    add_person(day.db, day.event_id, "Vũ Thị Lễ Tân", user=desk, role="staff", languages=["vi"])
    staff = token_for(day.client, desk.email)
    checked = day.client.post(day.base + "/check-in", json={"code": day.code("hoa")}, headers=staff)
    assert checked.status_code == 201, checked.text
    assert checked.json()["by_user_id"] == desk.id
    assert day.client.get(day.base + "/arrivals", headers=staff).status_code == 200
    assert day.client.get(day.base + "/arrivals", headers=day.lin).status_code == 403


def test_search_is_accent_insensitive_and_finds_codes(day: Day) -> None:
    hits = day.client.get(
        day.base + "/check-in/search", params={"q": "nguyen thi hoa"}, headers=day.org
    ).json()
    assert [h["participant"]["full_name"] for h in hits] == ["Nguyễn Thị Hoa"]
    assert hits[0]["checked_in_at"] is None
    by_org = day.client.get(
        day.base + "/check-in/search", params={"q": "hang hai"}, headers=day.org
    ).json()
    assert [h["participant"]["full_name"] for h in by_org] == ["Trần Quốc Bảo"]
    by_code = day.client.get(
        day.base + "/check-in/search", params={"q": day.code("chen").lower()}, headers=day.org
    ).json()
    assert [h["participant"]["full_name"] for h in by_code] == ["Chen Yu-Han"]


def test_arrivals_count_by_delegation_and_flag_who_is_late_for_meetings(day: Day) -> None:
    day.meet("lin", "hoa", slot=2)
    day.meet("chen", "bao", slot=1)
    day.meet("minh", "bao", slot=3)
    for name in ("lin", "bao"):
        day.client.post(day.base + "/check-in", json={"code": day.code(name)}, headers=day.org)
    arrivals = day.client.get(day.base + "/arrivals", headers=day.org).json()
    assert arrivals["day"] == "2027-03-16"
    assert (arrivals["total"], arrivals["arrived"]) == (5, 2)  # the pending person is not due
    by = {d["name"]: (d["total"], d["arrived"]) for d in arrivals["by_delegation"]}
    assert by == {"Đoàn doanh nghiệp Đài Loan": (2, 1), "": (3, 1)}
    assert arrivals["by_delegation"][-1]["delegation_id"] is None
    missing = [(m["full_name"], m["first_meeting_at"]) for m in arrivals["missing_with_meetings"]]
    assert missing == [
        ("Chen Yu-Han", "2027-03-16T14:00:00+07:00"),
        ("Nguyễn Thị Hoa", "2027-03-16T14:20:00+07:00"),
        ("Phạm Văn Minh", "2027-03-16T14:40:00+07:00"),
    ]
    undo = day.client.delete(
        f"{day.base}/participants/{day.people['lin']}/check-in", headers=day.org
    )
    assert undo.status_code == 204
    assert day.client.get(day.base + "/arrivals", headers=day.org).json()["arrived"] == 1
    again = day.client.delete(
        f"{day.base}/participants/{day.people['lin']}/check-in", headers=day.org
    )
    assert again.status_code == 404


# ---- on the day ---------------------------------------------------------------------------


def test_no_show_stays_in_history_and_is_counted(day: Day) -> None:
    held = day.meet("lin", "hoa", slot=1)
    missed = day.meet("chen", "bao", slot=2)
    marked = day.mark(held["id"], "held")
    assert marked.status_code == 200, marked.text
    assert marked.json()["status"] == "held"
    assert marked.json()["revision"] == held["revision"] + 1
    assert {p["attendance"] for p in marked.json()["participants"]} == {"present"}

    no_show = day.mark(missed["id"], "no_show", ["chen"])
    assert no_show.status_code == 200, no_show.text
    attendance = {p["full_name"]: p["attendance"] for p in no_show.json()["participants"]}
    assert attendance == {"Chen Yu-Han": "absent", "Trần Quốc Bảo": "present"}
    # Still in the list, in its slot and at its table.
    listed = day.client.get(day.base + "/meetings", headers=day.org).json()["items"]
    kept = next(m for m in listed if m["id"] == missed["id"])
    assert kept["status"] == "no_show"
    assert kept["slot"]["id"] == day.slot(2)
    assert kept["table"] is not None
    entry = day.db.exec(
        select(AuditEntry).where(
            AuditEntry.action == "meeting.attendance", AuditEntry.entity_id == missed["id"]
        )
    ).one()
    assert entry.changes["status"] == ["confirmed", "no_show"]
    stats = day.client.get(day.base + "/stats", headers=day.org).json()
    assert (stats["meetings"]["held"], stats["meetings"]["no_show"]) == (1, 1)
    assert stats["meetings"]["booked"] == 2


def test_attendance_is_refused_with_named_fields(day: Day) -> None:
    meeting = day.meet("lin", "hoa", slot=1)
    nobody = day.mark(meeting["id"], "no_show")
    assert nobody.status_code == 422
    assert _fields(nobody) == {"absent_participant_ids"}
    stranger = day.mark(meeting["id"], "held", ["bao"])
    assert stranger.status_code == 422
    assert _fields(stranger) == {"absent_participant_ids[0]"}
    half = day.mark(meeting["id"], "held", ["hoa"])
    assert half.status_code == 422
    unbooked = day.meet("chen", "bao")
    assert day.mark(unbooked["id"], "held").status_code == 409
    bad = day.client.post(
        f"{day.base}/meetings/{meeting['id']}/attendance",
        json={"outcome": "maybe"},
        headers=day.org,
    )
    assert bad.status_code == 422
    assert _fields(bad) == {"outcome"}
    assert day.mark(meeting["id"], "held").status_code == 200
    # Held meetings no longer move or get cancelled: they happened.
    cancel = day.client.post(
        f"{day.base}/meetings/{meeting['id']}/cancel", json={"reason": "nhầm"}, headers=day.org
    )
    assert cancel.status_code == 409


def test_late_arrival_gets_later_slots_and_the_rest_stays(day: Day, organiser: User) -> None:
    early = day.meet("lin", "hoa", slot=1)
    second = day.meet("lin", "bao", slot=2)
    others = day.meet("chen", "minh", slot=1)
    later = day.meet("hoa", "chen", slot=4)
    now = datetime(2027, 3, 16, 14, 25, tzinfo=UTC) - timedelta(hours=7)  # 14:25 local
    result = day_service.replace_late_arrival(
        day.db,
        actor=organiser,
        event_id=day.event_id,
        participant_id=day.people["lin"],
        now=now,
    )
    day.db.commit()
    assert [r.meeting_id for r in result.replaced] == [early["id"], second["id"]]
    started = {day.slot(1), day.slot(2)}
    for r in result.replaced:
        assert r.slot_id is not None
        assert r.slot_id not in started
    day.db.expire_all()
    kept = day.db.get(Meeting, others["id"])
    assert kept is not None
    assert kept.slot_id == day.slot(1)  # already under way: untouched
    unmoved = day.db.get(Meeting, later["id"])
    assert unmoved is not None
    assert unmoved.slot_id == day.slot(4)
    lins = {r.slot_id for r in result.replaced}
    assert len(lins) == 2  # never two meetings in one slot


# ---- feedback -----------------------------------------------------------------------------


def _held_meeting(day: Day) -> dict[str, Any]:
    meeting = day.meet("lin", "hoa", slot=1)
    assert day.mark(meeting["id"], "held").status_code == 200
    return meeting


def test_feedback_is_upserted_per_person_and_meeting(day: Day) -> None:
    meeting = _held_meeting(day)
    url = day.base + "/outcomes/feedback"
    first = day.client.post(
        url,
        json={
            "meeting_id": meeting["id"],
            "rating": 4,
            "wants_to_continue": True,
            "next_steps": ["pilot", "visit", "pilot"],
            "comment": " Rất hữu ích ",
        },
        headers=day.hoa,
    )
    assert first.status_code == 201, first.text
    assert first.json()["next_steps"] == ["pilot", "visit"]
    assert first.json()["comment"] == "Rất hữu ích"
    second = day.client.post(
        url,
        json={"meeting_id": meeting["id"], "rating": 5, "wants_to_continue": True},
        headers=day.hoa,
    )
    assert second.status_code == 200, second.text
    assert second.json()["id"] == first.json()["id"]
    assert second.json()["rating"] == 5
    assert day.db.exec(select(func.count()).select_from(MeetingFeedback)).one() == 1

    not_rated = day.client.post(
        url, json={"meeting_id": meeting["id"], "held": False, "rating": 3}, headers=day.lin
    )
    assert not_rated.status_code == 422
    assert _fields(not_rated) == {"rating"}
    steps = day.client.post(
        url, json={"meeting_id": meeting["id"], "next_steps": ["nda"]}, headers=day.lin
    )
    assert _fields(steps) == {"next_steps"}
    for_other = day.client.post(
        url,
        json={"meeting_id": meeting["id"], "participant_id": day.people["hoa"], "rating": 1},
        headers=day.lin,
    )
    assert for_other.status_code == 403
    outsider = day.meet("chen", "bao", slot=2)
    not_mine = day.client.post(url, json={"meeting_id": outsider["id"]}, headers=day.lin)
    assert not_mine.status_code == 422
    assert _fields(not_mine) == {"participant_id"}

    mine = day.client.get(url, headers=day.lin).json()
    assert mine["total"] == 0  # Lin reads only the answers given for Lin
    everyone = day.client.get(url, headers=day.org).json()
    assert [(f["participant_name"], f["rating"]) for f in everyone["items"]] == [
        ("Nguyễn Thị Hoa", 5)
    ]


def test_feedback_link_works_without_log_in_and_refuses_tampering(day: Day) -> None:
    meeting = _held_meeting(day)
    sent = day.client.post(
        f"{day.base}/sessions/{day.session_id}/feedback-requests", headers=day.org
    )
    assert sent.status_code == 200, sent.text
    assert sent.json() == {"queued": 2, "already_sent": 0, "without_email": 0}
    again = day.client.post(
        f"{day.base}/sessions/{day.session_id}/feedback-requests", headers=day.org
    )
    assert again.json() == {"queued": 0, "already_sent": 2, "without_email": 0}
    day.db.expire_all()
    mails = day.db.exec(select(Outbox).where(Outbox.kind == "feedback_request")).all()
    assert sorted(m.to_email for m in mails) == [
        "hoa@thucpham-hp.example",
        "lin@tw-packaging.example",
    ]
    to_hoa = next(m for m in mails if m.to_email.startswith("hoa"))
    assert to_hoa.locale == "vi"
    assert "bàn 1: Lin Wei-Ting" in to_hoa.body_text
    link = re.search(r"(http\S+/feedback\?token=(\S+))", to_hoa.body_text)
    assert link is not None
    assert f"/events/{day.event_id}/meetings/{meeting['id']}/feedback" in link.group(1)
    token = link.group(2)

    url = day.base + "/outcomes/feedback"
    anonymous = day.client.post(
        url, params={"token": token}, json={"rating": 5, "wants_to_continue": True}
    )
    assert anonymous.status_code == 201, anonymous.text
    assert anonymous.json()["participant_name"] == "Nguyễn Thị Hoa"
    updated = day.client.post(url, params={"token": token}, json={"rating": 4})
    assert updated.status_code == 200
    row = day.db.exec(select(MeetingFeedback)).one()
    day.db.refresh(row)
    assert (row.rating, row.submitted_by_id) == (4, None)

    pid, mid, expires, mac = token.split(".")
    for forged in (
        f"{day.people['lin']}.{mid}.{expires}.{mac}",  # someone else's answer
        f"{pid}.{mid}.{int(expires) + 86400}.{mac}",  # a longer life
        f"{pid}.{mid}.{expires}.{mac[:-1]}{'0' if mac[-1] != '0' else '1'}",
        "not-a-token",
    ):
        refused = day.client.post(url, params={"token": forged}, json={"rating": 1})
        assert refused.status_code == 403, forged
        assert _fields(refused) == {"token"}
    other = day.client.post(
        url, params={"token": token}, json={"meeting_id": meeting["id"] + 1000, "rating": 1}
    )
    assert other.status_code == 403
    expired = feedback_service.feedback_token(
        day.people["hoa"], meeting["id"], now=datetime.now(UTC) - timedelta(days=61)
    )
    late = day.client.post(url, params={"token": expired}, json={"rating": 1})
    assert late.status_code == 403
    assert "hết hạn" in late.json()["detail"]
    day.db.refresh(row)
    assert row.rating == 4


# ---- agreements ---------------------------------------------------------------------------


def _agreement(day: Day, **more: Any) -> Any:
    body = {
        "kind": "mou",
        "title_vi": "Biên bản ghi nhớ hợp tác về dây chuyền đóng gói tự động",
        "title_en": "MoU on automated packaging lines",
        "status": "signed",
        "signed_on": "2027-03-16",
        "value": "50000.00",
        "currency": "USD",
        "at_ceremony": True,
        "parties": [
            {"organisation_id": day.orgs["tw_pack"], "participant_id": day.people["lin"]},
            {"organisation_id": day.orgs["vn_food"], "participant_id": day.people["hoa"]},
        ],
        **more,
    }
    return day.client.post(day.base + "/outcomes/agreements", json=body, headers=day.org)


def test_agreement_with_parties_documents_and_visibility(day: Day) -> None:
    created = _agreement(day)
    assert created.status_code == 201, created.text
    agreement = created.json()
    assert [p["organisation_name"] for p in agreement["parties"]] == [
        "Taiwan Smart Packaging Co., Ltd.",
        "Công ty CP Thực phẩm Hải Phòng",
    ]
    assert agreement["value"] == "50000.00"
    assert agreement["ceremony_order"] == 1
    url = f"{day.base}/outcomes/agreements/{agreement['id']}"

    upload = day.client.post(
        url + "/documents",
        files={"file": ("Biên bản ký.pdf", PDF, "application/octet-stream")},
        headers=day.org,
    )
    assert upload.status_code == 201, upload.text
    doc = upload.json()
    assert (doc["content_type"], doc["size"]) == ("application/pdf", len(PDF))
    assert documents.load(day.db, doc["sha256"]) == PDF  # in the database, for every machine
    download = day.client.get(f"{url}/documents/{doc['id']}", headers=day.lin)
    assert download.status_code == 200
    assert download.content == PDF
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"].startswith("attachment;")
    assert (
        "filename*=UTF-8''Bi%C3%AAn%20b%E1%BA%A3n%20k%C3%BD.pdf"
        in download.headers["content-disposition"]
    )
    assert download.headers["x-content-type-options"] == "nosniff"

    html = b"<!DOCTYPE html><html><script>alert(1)</script></html>"
    disguised = day.client.post(
        url + "/documents",
        files={"file": ("hop-dong.pdf", html, "application/pdf")},
        headers=day.org,
    )
    assert disguised.status_code == 415
    assert _fields(disguised) == {"file"}
    zipped = day.client.post(
        url + "/documents",
        files={"file": ("x.docx", b"PK\x03\x04not really a zip", "application/zip")},
        headers=day.org,
    )
    assert zipped.status_code == 415
    big = PDF + b"0" * (documents.MAX_DOCUMENT_BYTES + 1 - len(PDF))
    oversized = day.client.post(
        url + "/documents", files={"file": ("lon.pdf", big, "application/pdf")}, headers=day.org
    )
    assert oversized.status_code == 413
    assert _fields(oversized) == {"file"}
    assert len(day.client.get(url, headers=day.org).json()["documents"]) == 1

    # Lin is a party; Bảo's university is not.
    assert day.client.get(url, headers=day.lin).status_code == 200
    listed = day.client.get(day.base + "/outcomes/agreements", headers=day.lin).json()
    assert [a["id"] for a in listed["items"]] == [agreement["id"]]
    bao_user = make_user(day.db, "bao@vimaru.example", Role.delegate, name="Trần Quốc Bảo")
    bao = token_for(day.client, bao_user.email)
    assert day.client.get(url, headers=bao).status_code == 403
    assert day.client.get(f"{url}/documents/{doc['id']}", headers=bao).status_code == 403
    assert day.client.get(day.base + "/outcomes/agreements", headers=bao).json()["total"] == 0
    assert day.client.patch(url, json={"notes": "x"}, headers=day.lin).status_code == 403

    patched = day.client.patch(
        url, json={"status": "in_progress", "follow_up_status": "Đang lắp thử"}, headers=day.org
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["status"] == "in_progress"
    assert day.client.delete(url, headers=day.org).status_code == 204
    assert day.client.get(url, headers=day.org).status_code == 404


def test_agreement_bad_input_names_the_field(day: Day) -> None:
    one = _agreement(day, parties=[{"organisation_id": day.orgs["tw_pack"]}])
    assert one.status_code == 422
    assert _fields(one) == {"parties"}
    twice = _agreement(
        day,
        parties=[
            {"organisation_id": day.orgs["tw_pack"]},
            {"organisation_id": day.orgs["tw_pack"]},
        ],
    )
    assert _fields(twice) == {"parties[1].organisation_id"}
    wrong_person = _agreement(
        day,
        parties=[
            {"organisation_id": day.orgs["tw_pack"], "participant_id": day.people["bao"]},
            {"organisation_id": day.orgs["vn_food"]},
        ],
    )
    assert _fields(wrong_person) == {"parties[0].participant_id"}
    assert _fields(_agreement(day, currency=None)) == {"currency"}
    assert _fields(_agreement(day, currency="BTC")) == {"currency"}
    assert _fields(_agreement(day, signed_on=None)) == {"signed_on"}
    assert _fields(_agreement(day, value="-5")) == {"value"}
    assert _fields(_agreement(day, value="1.234")) == {"value"}
    assert _fields(_agreement(day, kind="loan")) == {"kind"}
    assert _fields(_agreement(day, meeting_id=987654)) == {"meeting_id"}
    assert day.db.exec(select(func.count()).select_from(Agreement)).one() == 0


def test_follow_up_reminders_at_three_and_six_months_exactly_once(day: Day) -> None:
    created = _agreement(day)
    assert created.status_code == 201
    _agreement(day, status="planned", signed_on=None, title_vi="Dự kiến ký")  # never reminded

    def at(d: date) -> datetime:
        return datetime(d.year, d.month, d.day, 2, 0, tzinfo=UTC)  # 09:00 in Hai Phong

    def run(d: date) -> follow_ups.FollowUps:
        result = follow_ups.send_follow_up_reminders(day.db, now=at(d))
        day.db.commit()
        return result

    assert follow_ups.due_reminders(day.db, now=at(date(2027, 6, 15))) == []
    assert run(date(2027, 6, 15)) == follow_ups.FollowUps(0, 0)
    three = run(date(2027, 6, 16))
    # The organiser and both parties' people (Lin and Hoa have e-mail addresses).
    assert three == follow_ups.FollowUps(1, 3)
    assert run(date(2027, 6, 16)) == follow_ups.FollowUps(0, 0)
    assert run(date(2027, 9, 15)) == follow_ups.FollowUps(0, 0)
    six = run(date(2027, 9, 16))
    assert six == follow_ups.FollowUps(1, 3)
    assert run(date(2028, 1, 1)) == follow_ups.FollowUps(0, 0)
    mails = day.db.exec(
        select(Outbox).where(Outbox.kind == "agreement_follow_up").order_by(col(Outbox.id))
    ).all()
    assert len(mails) == 6
    assert Counter(m.to_email for m in mails) == {
        "quynh@sokhcn.haiphong.gov.vn": 2,
        "lin@tw-packaging.example": 2,
        "hoa@thucpham-hp.example": 2,
    }
    organiser_mail = mails[0]
    assert organiser_mail.subject.startswith("Theo dõi sau 3 tháng:")
    assert "16/03/2027" in organiser_mail.body_text
    english = next(m for m in mails if m.to_email.startswith("lin") and "6-month" in m.subject)
    assert "16 Mar 2027" in english.body_text
    reminders = day.db.exec(select(AgreementReminder)).all()
    assert sorted((r.months, r.due_on) for r in reminders) == [
        (3, date(2027, 6, 16)),
        (6, date(2027, 9, 16)),
    ]


def test_an_agreement_recorded_late_gets_only_its_latest_reminder(day: Day) -> None:
    assert _agreement(day, signed_on="2026-01-31").status_code == 201
    result = follow_ups.send_follow_up_reminders(day.db, now=datetime(2027, 1, 5, tzinfo=UTC))
    day.db.commit()
    assert result == follow_ups.FollowUps(1, 3)
    rows = day.db.exec(select(AgreementReminder).order_by(col(AgreementReminder.months))).all()
    assert [(r.months, r.due_on, r.recipients) for r in rows] == [
        (3, date(2026, 4, 30), 0),
        (6, date(2026, 7, 31), 3),
    ]


# ---- figures ------------------------------------------------------------------------------


def _request(day: Day, requester: str, recipient: str) -> int:
    response = day.client.post(
        day.base + "/meeting-requests",
        json={"requester_id": day.people[requester], "recipient_id": day.people[recipient]},
        headers=day.org,
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def test_event_stats_equal_counts_made_from_the_rows(day: Day) -> None:
    db, org = day.db, day.org
    accepted = [_request(day, "lin", "hoa"), _request(day, "chen", "hoa")]
    declined = _request(day, "chen", "bao")
    _request(day, "bao", "lin")  # left pending
    meetings = []
    for request_id in accepted:
        made = day.client.post(
            f"{day.base}/meeting-requests/{request_id}/accept", json={}, headers=org
        )
        assert made.status_code == 201, made.text
        meetings.append(made.json()["id"])
    day.client.post(
        f"{day.base}/meeting-requests/{declined}/decline", json={"reason": "Kín lịch"}, headers=org
    )
    for meeting_id, slot in zip(meetings, (1, 2), strict=True):
        booked = day.client.patch(
            f"{day.base}/meetings/{meeting_id}", json={"slot_id": day.slot(slot)}, headers=org
        )
        assert booked.status_code == 200, booked.text
    assert day.mark(meetings[0], "held").status_code == 200
    assert day.mark(meetings[1], "no_show", ["chen"]).status_code == 200
    cancelled = day.meet("lin", "bao", slot=3)
    day.client.post(
        f"{day.base}/meetings/{cancelled['id']}/cancel", json={"reason": "Đổi lịch"}, headers=org
    )
    day.meet("minh", "bao")  # confirmed, not booked
    for headers, rating, steps in ((day.hoa, 4, ["pilot"]), (day.lin, 5, ["pilot", "contract"])):
        given = day.client.post(
            day.base + "/outcomes/feedback",
            json={
                "meeting_id": meetings[0],
                "rating": rating,
                "wants_to_continue": True,
                "next_steps": steps,
            },
            headers=headers,
        )
        assert given.status_code == 201, given.text
    assert _agreement(day, meeting_id=meetings[0]).status_code == 201
    assert (
        _agreement(
            day,
            kind="technology_transfer",
            status="in_progress",
            value="1200000000",
            currency="VND",
            at_ceremony=False,
        ).status_code
        == 201
    )
    assert _agreement(day, kind="nda", status="cancelled", value="1000").status_code == 201
    assert _agreement(day, kind="mou", value="25000.50").status_code == 201
    for name in ("lin", "hoa"):
        day.client.post(day.base + "/check-in", json={"code": day.code(name)}, headers=org)

    stats = day.client.get(day.base + "/stats", headers=org)
    assert stats.status_code == 200, stats.text
    got = stats.json()
    assert day.client.get(day.base + "/stats", headers=day.lin).status_code == 403

    # Independent counts, straight from the rows.
    db.expire_all()
    people = db.exec(select(Participant).where(Participant.event_id == day.event_id)).all()
    approved = [p for p in people if p.status == "approved"]
    orgs = {pk(o): o for o in db.exec(select(Organisation))}
    delegations = {pk(d): d for d in db.exec(select(Delegation))}

    def country(p: Participant) -> str:
        if p.organisation_id:
            return orgs[p.organisation_id].country
        return delegations[p.delegation_id].country if p.delegation_id else ""

    def as_dict(rows: list[dict[str, Any]]) -> dict[str, int]:
        return {r["key"]: r["count"] for r in rows}

    assert got["participants"] == len(approved) == 5
    assert as_dict(got["participants_by_country"]) == Counter(country(p) for p in approved)
    assert as_dict(got["participants_by_organisation_kind"]) == Counter(
        orgs[p.organisation_id].kind if p.organisation_id else "" for p in approved
    )
    assert as_dict(got["participants_by_role"]) == Counter(p.role for p in approved)

    requests = db.exec(select(MeetingRequest)).all()
    status = Counter(r.status for r in requests)
    assert got["requests"] == {
        "created": len(requests),
        "accepted": status["accepted"],
        "declined": status["declined"],
        "pending": status["pending"],
        "cancelled": status["cancelled"],
        "expired": status["expired"],
        "acceptance_rate": status["accepted"] / (status["accepted"] + status["declined"]),
    }
    assert got["requests"]["acceptance_rate"] == pytest.approx(2 / 3)

    rows = db.exec(select(Meeting)).all()
    by_status = Counter(m.status for m in rows)
    assert got["meetings"] == {
        "total": len(rows),
        "from_requests": sum(1 for m in rows if m.origin == "request"),
        "by_organisers": sum(1 for m in rows if m.origin == "organiser"),
        "proposed": by_status["proposed"],
        "confirmed": by_status["confirmed"],
        "booked": sum(1 for m in rows if m.slot_id is not None),
        "held": by_status["held"],
        "no_show": by_status["no_show"],
        "cancelled": by_status["cancelled"],
    }
    assert (got["meetings"]["held"], got["meetings"]["no_show"]) == (1, 1)
    assert got["meetings"]["cancelled"] == 1

    live = [m for m in rows if m.status != "cancelled"]
    parties = {
        pk(m): [
            mp.participant_id
            for mp in db.exec(
                select(MeetingParticipant).where(
                    MeetingParticipant.meeting_id == m.id, MeetingParticipant.role == "party"
                )
            )
        ]
        for m in live
    }
    by_id = {pk(p): p for p in people}
    sectors_of_org: dict[int, set[str]] = {}
    for s in db.exec(select(OrganisationSector)):
        sectors_of_org.setdefault(s.organisation_id, set()).add(s.sector)
    expected_sector: Counter[str] = Counter()
    expected_country: Counter[str] = Counter()
    expected_delegation: Counter[str] = Counter()
    for m in live:
        found = set()
        for pid in parties[pk(m)]:
            found |= sectors_of_org.get(by_id[pid].organisation_id or 0, set())
        expected_sector.update(found or {""})
        expected_country.update({country(by_id[pid]) for pid in parties[pk(m)]})
        expected_delegation.update(
            {str(by_id[pid].delegation_id) for pid in parties[pk(m)] if by_id[pid].delegation_id}
        )
    assert {g["key"]: g["meetings"] for g in got["meetings_by_sector"]} == expected_sector
    assert {g["key"]: g["meetings"] for g in got["meetings_by_country"]} == expected_country
    assert {g["key"]: g["meetings"] for g in got["meetings_by_delegation"]} == expected_delegation
    assert got["meetings_by_delegation"][0]["label"] == "Đoàn doanh nghiệp Đài Loan"
    held_sector = {g["key"]: g["held"] for g in got["meetings_by_sector"]}
    assert held_sector["automation"] == 1  # Lin's packaging company, the held meeting

    checkins = db.exec(select(Checkin)).all()
    assert got["checkins"] == {"approved": len(approved), "checked_in": len(checkins)}

    feedback = db.exec(select(MeetingFeedback)).all()
    ratings = [f.rating for f in feedback if f.rating is not None]
    assert got["ratings"]["feedback"] == len(feedback)
    assert got["ratings"]["rated"] == len(ratings)
    assert got["ratings"]["average"] == round(sum(ratings) / len(ratings), 2) == 4.5
    assert as_dict(got["ratings"]["distribution"]) == {
        str(n): ratings.count(n) for n in range(1, 6)
    }
    next_steps = as_dict(got["ratings"]["next_steps"])
    assert next_steps["pilot"] == sum(1 for f in feedback if "pilot" in f.next_steps) == 2
    assert next_steps["contract"] == 1

    agreements = db.exec(select(Agreement)).all()
    active = [a for a in agreements if a.status != "cancelled"]
    assert (got["agreements"]["total"], got["agreements"]["active"]) == (
        len(agreements),
        len(active),
    )
    sums: dict[str, Decimal] = {}
    for a in active:
        if a.value is not None and a.currency:
            sums[a.currency] = sums.get(a.currency, Decimal(0)) + Decimal(a.value)
    assert {m["currency"]: Decimal(m["value"]) for m in got["agreements"]["values"]} == sums
    assert sums == {"USD": Decimal("75000.50"), "VND": Decimal("1200000000")}
    kinds = {k["kind"]: k for k in got["agreements"]["by_kind"]}
    assert kinds["mou"]["count"] == sum(1 for a in active if a.kind == "mou") == 2
    assert kinds["nda"]["count"] == 0  # the only NDA was cancelled
    assert as_dict(got["agreements"]["by_status"]) == {
        s: sum(1 for a in agreements if a.status == s)
        for s in ("planned", "signed", "in_progress", "completed", "cancelled")
    }
    ceremony = got["agreements"]["ceremony"]
    # The cancelled NDA keeps its place number; the running order skips it.
    assert [c["order"] for c in ceremony] == [1, 3]
    assert ceremony[0]["parties"] == [
        "Taiwan Smart Packaging Co., Ltd.",
        "Công ty CP Thực phẩm Hải Phòng",
    ]


def test_remind_command_sends_each_milestone_once(day: Day) -> None:
    from typer.testing import CliRunner

    from app.cli import app as cli

    assert _agreement(day, signed_on="2025-01-10").status_code == 201
    runner = CliRunner()
    first = runner.invoke(cli, ["remind"])
    assert first.exit_code == 0, first.output
    assert "3 follow-up e-mail(s) for 1 agreement milestone(s)" in first.output
    second = runner.invoke(cli, ["remind"])
    assert "0 follow-up e-mail(s) for 0 agreement milestone(s)" in second.output
    day.db.expire_all()
    sent = day.db.exec(select(Outbox).where(Outbox.kind == "agreement_follow_up")).all()
    assert len(sent) == 3
    assert all("6" in m.subject for m in sent)
