"""Calendars, printed agendas and print jobs through the HTTP API, on the real database: what
a phone's calendar and a printer receive, read back with independent tools (the ``ical``
strict parser, icalendar, poppler)."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

import icalendar
import pytest
from fastapi.testclient import TestClient
from ical.calendar import Calendar as StrictCalendar
from ical.calendar_stream import IcsCalendarStream
from pypdf import PdfReader
from sqlmodel import Session

from app.auth.models import Role, User
from app.db import session_scope
from app.events import service as events
from app.events.models import EventCreate, EventStatus, SessionCreate
from app.exports import jobs
from app.exports import service as exports
from app.exports.models import PrintJobRow
from app.meetings import commands as meeting_commands
from app.meetings import requests as meeting_requests
from app.meetings.models import Meeting, MeetingRole
from app.meetings.schemas import MeetingCreate, MeetingRequestCreate
from app.settings import get_settings
from app.types import pk
from tests.conftest import B2B_SESSION, HAI_PHONG_EVENT, make_user, token_for
from tests.integration.conftest import (
    add_delegation,
    add_organisation,
    add_person,
    add_profile,
)

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

PROBLEM = "application/problem+json"
Headers = dict[str, str]


@dataclass
class Fair:
    """An open event in organiser booking mode, a B2B session (9 slots × 3 tables) and:
    Hạnh (Vietnamese machinery maker) meets Lin Wei-Ting 林薇婷 (Taiwanese delegation) at
    slot 1, table 2, with the interpreter Mai, about Lin's packaging line; and Trần Quốc Bảo
    at slot 3, table 1."""

    client: TestClient
    db: Session
    event_id: int
    session_id: int
    slots: list[int]
    tables: list[int]
    people: dict[str, int]
    users: dict[str, User]
    org: Headers
    hanh: Headers
    lin: Headers
    lin_meeting: int
    bao_meeting: int
    delegation_id: int

    @property
    def base(self) -> str:
        return f"/api/v1/events/{self.event_id}"

    def feed_path(self, who: str) -> str:
        return f"{self.base}/participants/{self.people[who]}/calendar.ics"

    def publish(self) -> None:
        response = self.client.post(self.base + "/publish", headers=self.org)
        assert response.status_code == 200, response.text


@pytest.fixture
def fair(client: TestClient, db: Session, organiser: User) -> Fair:
    return build_fair(client, db, organiser)


def build_fair(client: TestClient, db: Session, organiser: User) -> Fair:
    event = events.create_event(
        db,
        actor=organiser,
        data=EventCreate.model_validate(
            {**HAI_PHONG_EVENT, "status": EventStatus.registration_open}
        ),
    )
    row = events.create_session(
        db,
        actor=organiser,
        event_id=pk(event),
        data=SessionCreate.model_validate({**B2B_SESSION, "table_count": 3}),
    )
    slots = [pk(s) for s in events.list_slots(db, session_id=pk(row))]
    tables = [pk(t) for t in events.list_tables(db, session_id=pk(row))]
    users = {
        "hanh": make_user(db, "hanh@cokhi-hp.example", Role.delegate, name="Nguyễn Thị Hạnh"),
        "lin": make_user(db, "lin@tw-precision.example", Role.delegate, name="Lin Wei-Ting"),
        "head": make_user(db, "chang@tw-delegation.example", Role.delegate, name="Chang"),
    }
    eid = pk(event)
    delegation = add_delegation(
        db,
        eid,
        "Đoàn doanh nghiệp Đài Loan",
        country="TW",
        status="confirmed",
        head=users["head"],
        actor=organiser,
        commit=False,
    )
    people = {
        "hanh": add_person(
            db,
            eid,
            "Nguyễn Thị Hạnh",
            languages=["vi"],
            user=users["hanh"],
            position="Giám đốc",
            organisation_id=add_organisation(
                db,
                "Công ty TNHH Cơ khí Chính xác Hải Phòng",
                name_en="Hai Phong Precision",
                country="VN",
                commit=False,
            ),
            commit=False,
        ),
        "lin": add_person(
            db,
            eid,
            "Lin Wei-Ting",
            languages=["zh", "en"],
            user=users["lin"],
            name_local="林薇婷",
            delegation_id=delegation,
            organisation_id=add_organisation(
                db,
                "",
                name_en="Formosa Precision Machinery",
                name_local="台灣精密機械股份有限公司",
                country="TW",
                commit=False,
            ),
            commit=False,
        ),
        "mai": add_person(
            db,
            eid,
            "Đỗ Thị Mai",
            languages=["vi", "zh"],
            role="interpreter",
            email="mai@dich.example",
            commit=False,
        ),
        "bao": add_person(
            db,
            eid,
            "Trần Quốc Bảo",
            languages=["vi"],
            email="bao@cokhi-hp.example",
            commit=False,
        ),
    }
    profile = add_profile(
        db,
        eid,
        people["lin"],
        "technology_offer",
        actor=organiser,
        commit=False,
        title_vi="Dây chuyền đóng gói tự động",
        title_en="Automatic packaging line",
    )
    request = meeting_requests.create_request(
        db,
        actor=organiser,
        event_id=eid,
        data=MeetingRequestCreate(
            requester_id=people["hanh"], recipient_id=people["lin"], profile_ids=[profile]
        ),
    )
    lin_meeting = meeting_requests.accept_request(
        db, actor=users["lin"], event_id=eid, request_id=pk(request)
    )
    meeting_commands.add_participant(
        db,
        actor=organiser,
        event_id=eid,
        meeting_id=pk(lin_meeting),
        participant_id=people["mai"],
        role=MeetingRole.interpreter,
    )
    meeting_commands.place_meeting(
        db, actor=organiser, meeting=lin_meeting, slot_id=slots[0], table_id=tables[1]
    )
    bao_meeting = meeting_commands.create_meeting(
        db,
        actor=organiser,
        event_id=eid,
        data=MeetingCreate(
            participant_ids=[people["hanh"], people["bao"]],
            session_id=pk(row),
            slot_id=slots[2],
            table_id=tables[0],
        ),
    )
    db.commit()
    return Fair(
        client=client,
        db=db,
        event_id=eid,
        session_id=pk(row),
        slots=slots,
        tables=tables,
        people=people,
        users=users,
        org=token_for(client, organiser.email),
        hanh=token_for(client, users["hanh"].email),
        lin=token_for(client, users["lin"].email),
        lin_meeting=pk(lin_meeting),
        bao_meeting=pk(bao_meeting),
        delegation_id=delegation,
    )


def strict(data: bytes) -> StrictCalendar:
    return IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))


def vevents(data: bytes) -> list[icalendar.Event]:
    found = icalendar.Calendar.from_ical(data).walk("VEVENT")
    return [e for e in found if isinstance(e, icalendar.Event)]


def pdftotext(pdf: bytes, tmp_path: Path, page: int | None = None) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(
        ["pdftotext", "-layout", *pages, str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def page_count(pdf: bytes) -> int:
    return len(PdfReader(BytesIO(pdf)).pages)


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    return body


# ---- calendars -----------------------------------------------------------------------------


def test_feed_parses_strictly_and_speaks_the_participants_language(fair: Fair) -> None:
    fair.publish()
    response = fair.client.get(fair.feed_path("hanh"), headers=fair.hanh)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert response.headers["cache-control"].startswith("private")
    assert 'filename="ketnoi-' in response.headers["content-disposition"]
    assert "nguyen-thi-hanh.ics" in response.headers["content-disposition"]
    assert b"\r\n" in response.content
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in response.content

    calendar = strict(response.content)
    assert [tz.tz_id for tz in calendar.timezones] == ["Asia/Ho_Chi_Minh"]
    first, second = sorted(calendar.events, key=lambda e: str(e.dtstart))
    assert first.uid == f"meeting-{fair.lin_meeting}@ketnoi.vn"
    assert first.dtstart == datetime(2027, 3, 16, 7, 0, tzinfo=UTC)  # 14:00 in Hải Phòng
    assert first.summary == (
        "Gặp Lin Wei-Ting (林薇婷) – Formosa Precision Machinery (台灣精密機械股份有限公司) · Bàn 2"
    )
    assert "Chủ đề: Dây chuyền đóng gói tự động" in (first.description or "")
    assert "Phiên dịch: Tiếng Trung – Đỗ Thị Mai" in (first.description or "")
    assert second.summary is not None
    assert "Trần Quốc Bảo" in second.summary
    assert "Bàn 1" in (second.location or "")

    # Lin (from Taiwan) speaks Chinese and English, not Vietnamese: the same meeting in
    # Vietnamese, then Traditional Chinese; names and topics as stored (in English).
    lin = fair.client.get(fair.feed_path("lin"), headers=fair.lin)
    (event,) = vevents(lin.content)
    assert str(event["SUMMARY"]).startswith(
        "Gặp Nguyễn Thị Hạnh – Công ty TNHH Cơ khí Chính xác Hải Phòng · Bàn 2 / "
    )
    assert str(event["SUMMARY"]).endswith("與 Nguyễn Thị Hạnh 會談 · 第 2 桌")
    assert "Chủ đề / 主題: Automatic packaging line" in str(event["DESCRIPTION"])
    assert "Meeting with" not in lin.text
    english = fair.client.get(fair.feed_path("lin") + "?lang=en", headers=fair.lin)
    assert str(vevents(english.content)[0]["SUMMARY"]).startswith("Meeting with Nguyễn Thị")
    # ?lang= overrides the person's language.
    vi = fair.client.get(fair.feed_path("lin") + "?lang=vi", headers=fair.lin)
    assert str(vevents(vi.content)[0]["SUMMARY"]).startswith("Gặp Nguyễn Thị Hạnh")


def test_moving_a_meeting_bumps_sequence_and_keeps_its_uid(fair: Fair) -> None:
    fair.publish()
    before = fair.client.get(fair.feed_path("lin"), headers=fair.lin)
    (old,) = strict(before.content).events
    meeting = fair.db.get(Meeting, fair.lin_meeting)
    assert meeting is not None
    meeting_commands.place_meeting(
        fair.db, actor=None, meeting=meeting, slot_id=fair.slots[4], table_id=fair.tables[2]
    )
    fair.db.commit()
    after = fair.client.get(fair.feed_path("lin"), headers=fair.lin)
    (new,) = strict(after.content).events
    assert new.uid == old.uid
    assert new.sequence == (old.sequence or 0) + 1
    assert new.dtstart == datetime(2027, 3, 16, 8, 20, tzinfo=UTC)  # slot 5: 15:20
    assert new.summary is not None
    assert new.summary.endswith("第 3 桌")  # Lin reads Traditional Chinese: table 3
    assert after.headers["etag"] != before.headers["etag"]


def test_cancelled_meeting_stays_in_the_feed_as_cancelled_at_its_old_time(
    fair: Fair, tmp_path: Path
) -> None:
    fair.publish()
    response = fair.client.post(
        f"{fair.base}/meetings/{fair.bao_meeting}/cancel",
        json={"reason": "Anh Bảo phải về Hà Nội gấp."},
        headers=fair.org,
    )
    assert response.status_code == 200, response.text
    feed = fair.client.get(fair.feed_path("hanh"), headers=fair.hanh)
    cancelled = next(e for e in strict(feed.content).events if "Bảo" in (e.summary or ""))
    assert cancelled.uid == f"meeting-{fair.bao_meeting}@ketnoi.vn"
    assert str(cancelled.status).endswith("CANCELLED")
    assert cancelled.dtstart == datetime(2027, 3, 16, 7, 40, tzinfo=UTC)  # slot 3: 14:40
    assert (cancelled.summary or "").startswith("Đã hủy: ")
    assert cancelled.sequence == 2
    # The printed agenda shows only the meetings that still take place.
    agenda = fair.client.get(
        f"{fair.base}/participants/{fair.people['hanh']}/agenda.pdf", headers=fair.hanh
    )
    text = pdftotext(agenda.content, tmp_path)
    assert "Lin Wei-Ting" in text
    assert "Trần Quốc Bảo" not in text


def test_unchanged_feed_answers_304_to_its_etag(fair: Fair) -> None:
    fair.publish()
    first = fair.client.get(fair.feed_path("hanh"), headers=fair.hanh)
    tag = first.headers["etag"]
    assert tag.startswith('"')
    assert tag.endswith('"')
    again = fair.client.get(fair.feed_path("hanh"), headers={**fair.hanh, "If-None-Match": tag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == tag
    other = fair.client.get(
        fair.feed_path("hanh"), headers={**fair.hanh, "If-None-Match": '"stale"'}
    )
    assert other.status_code == 200
    assert other.content == first.content


def test_token_link_needs_no_log_in_and_a_reset_revokes_the_old_link(fair: Fair) -> None:
    fair.publish()
    path = f"{fair.base}/participants/{fair.people['hanh']}/calendar-token"
    created = fair.client.post(path, headers=fair.hanh)
    assert created.status_code == 201, created.text
    assert created.headers["cache-control"] == "no-store"
    link = created.json()
    assert link["url"].startswith(f"http://127.0.0.1:8000{fair.feed_path('hanh')}?token=")
    assert link["webcal_url"] == "webcal://" + link["url"].removeprefix("http://")
    old = link["url"].removeprefix("http://127.0.0.1:8000")

    anonymous = fair.client.get(old)
    assert anonymous.status_code == 200
    assert len(strict(anonymous.content).events) == 2
    # The token opens only its own person's feed.
    token = old.split("token=", 1)[1]
    _problem(fair.client.get(f"{fair.feed_path('lin')}?token={token}"), 404)

    new = (
        fair.client.post(path, headers=fair.hanh)
        .json()["url"]
        .removeprefix("http://127.0.0.1:8000")
    )
    refused = _problem(fair.client.get(old), 404)
    assert "Hạnh" not in json.dumps(refused, ensure_ascii=False)
    assert fair.client.get(new).status_code == 200
    _problem(fair.client.get(fair.feed_path("hanh") + "?token=made-up"), 404)

    assert fair.client.delete(path, headers=fair.hanh).status_code == 204
    _problem(fair.client.get(new), 404)
    # Logged in, the person still reads their own feed whatever the link says.
    assert fair.client.get(new, headers=fair.hanh).status_code == 200


def test_delegates_read_only_their_own_feed_and_agenda_heads_their_members(
    fair: Fair,
) -> None:
    fair.publish()
    lin_feed = fair.feed_path("lin")
    lin_pdf = f"{fair.base}/participants/{fair.people['lin']}/agenda.pdf"
    _problem(fair.client.get(lin_feed, headers=fair.hanh), 403)
    _problem(fair.client.get(lin_pdf, headers=fair.hanh), 403)
    _problem(fair.client.get(lin_feed), 401)
    head = token_for(fair.client, fair.users["head"].email)
    assert fair.client.get(lin_feed, headers=head).status_code == 200
    assert fair.client.get(lin_pdf, headers=head).status_code == 200
    _problem(fair.client.get(fair.feed_path("hanh"), headers=head), 403)


def test_before_publication_delegates_see_no_times_and_organisers_see_everything(
    fair: Fair, tmp_path: Path
) -> None:
    own = fair.client.get(fair.feed_path("hanh"), headers=fair.hanh)
    assert own.status_code == 200
    assert strict(own.content).events == []
    token = fair.client.post(
        f"{fair.base}/participants/{fair.people['hanh']}/calendar-token", headers=fair.hanh
    ).json()["url"]
    by_link = fair.client.get(token.removeprefix("http://127.0.0.1:8000"))
    assert strict(by_link.content).events == []
    organiser_view = fair.client.get(fair.feed_path("hanh"), headers=fair.org)
    assert len(strict(organiser_view.content).events) == 2

    agenda = fair.client.get(
        f"{fair.base}/participants/{fair.people['hanh']}/agenda.pdf", headers=fair.hanh
    )
    text = pdftotext(agenda.content, tmp_path)
    assert "Lịch gặp chưa được công bố" in text
    assert "Lin Wei-Ting" not in text
    meeting = f"{fair.base}/meetings/{fair.lin_meeting}/calendar.ics"
    assert (
        "schedule"
        in _problem(fair.client.get(meeting, headers=fair.lin), 409)["errors"][0]["field"]
    )
    assert fair.client.get(meeting, headers=fair.org).status_code == 200

    fair.publish()
    assert len(strict(fair.client.get(by_link.url).content).events) == 2


def test_one_meeting_calendar_for_its_people_heads_and_organisers(fair: Fair) -> None:
    fair.publish()
    path = f"{fair.base}/meetings/{fair.lin_meeting}/calendar.ics"
    lin = fair.client.get(path, headers=fair.lin)
    assert lin.status_code == 200, lin.text
    assert f'filename="ketnoi-meeting-{fair.lin_meeting}.ics"' in lin.headers["content-disposition"]
    (event,) = strict(lin.content).events
    assert (event.summary or "").startswith("Meeting with Nguyễn Thị Hạnh")
    assert b"REFRESH-INTERVAL" not in lin.content
    organiser = strict(fair.client.get(path, headers=fair.org).content).events[0]
    assert "Nguyễn Thị Hạnh" in (organiser.summary or "")
    assert "Lin Wei-Ting" in (organiser.summary or "")
    head = token_for(fair.client, fair.users["head"].email)
    assert fair.client.get(path, headers=head).status_code == 200
    _problem(
        fair.client.get(f"{fair.base}/meetings/{fair.bao_meeting}/calendar.ics", headers=fair.lin),
        403,
    )


def test_programme_is_public_and_a_draft_stays_hidden(fair: Fair, organiser: User) -> None:
    response = fair.client.get(f"{fair.base}/calendar.ics")
    assert response.status_code == 200
    assert response.headers["cache-control"].startswith("public")
    (session,) = strict(response.content).events
    assert session.summary == "Kết nối B2B"
    assert session.uid == f"session-{fair.session_id}@ketnoi.vn"
    english = strict(fair.client.get(f"{fair.base}/calendar.ics?lang=en").content).events[0]
    assert english.summary == "B2B matchmaking"
    draft = fair.client.post(
        "/api/v1/events", json={**HAI_PHONG_EVENT, "title_vi": "Bản nháp"}, headers=fair.org
    ).json()["id"]
    _problem(fair.client.get(f"/api/v1/events/{draft}/calendar.ics"), 404)
    assert (
        fair.client.get(f"/api/v1/events/{draft}/calendar.ics", headers=fair.org).status_code == 200
    )


# ---- printed documents ---------------------------------------------------------------------


def test_agenda_prints_vietnamese_and_chinese_names_in_time_order_with_embedded_fonts(
    fair: Fair, tmp_path: Path
) -> None:
    fair.publish()
    response = fair.client.get(
        f"{fair.base}/participants/{fair.people['hanh']}/agenda.pdf", headers=fair.hanh
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert 'filename="agenda-nguyen-thi-hanh.pdf"' in response.headers["content-disposition"]
    text = pdftotext(response.content, tmp_path)
    assert "Nguyễn Thị Hạnh" in text
    assert text.index("Lin Wei-Ting") < text.index("林薇婷") < text.index("Trần Quốc Bảo")
    assert text.index("14:00") < text.index("14:40")
    assert "Dây chuyền đóng gói tự động" in text
    fonts = subprocess.run(
        ["pdffonts", str(tmp_path / "doc.pdf")], check=True, capture_output=True, text=True
    ).stdout.splitlines()[2:]
    assert fonts
    assert all(line.split()[-5] == "yes" for line in fonts), fonts
    assert any("CJK" in line for line in fonts)


def test_all_agendas_one_person_per_page_and_per_delegation(fair: Fair, tmp_path: Path) -> None:
    response = fair.client.get(f"{fair.base}/agendas.pdf", headers=fair.org)
    assert response.status_code == 200, response.text
    pdf = response.content
    names = ["Đỗ Thị Mai", "Lin Wei-Ting", "Nguyễn Thị Hạnh", "Trần Quốc Bảo"]
    assert page_count(pdf) == len(names)
    for number, name in enumerate(names, start=1):
        page = pdftotext(pdf, tmp_path, page=number)
        assert name in page.split("Lịch gặp", 1)[1].splitlines()[1], (number, page)
        assert "1/1" in page
    only = fair.client.get(
        f"{fair.base}/agendas.pdf?delegation_id={fair.delegation_id}", headers=fair.org
    )
    assert page_count(only.content) == 1
    assert "林薇婷" in pdftotext(only.content, tmp_path)
    bad = _problem(
        fair.client.get(f"{fair.base}/agendas.pdf?session_id=999999", headers=fair.org), 422
    )
    assert bad["errors"][0]["field"] == "session_id"


def test_too_many_agendas_for_one_request_point_to_a_print_job(
    fair: Fair, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exports, "SYNC_AGENDA_LIMIT", 2)
    body = _problem(fair.client.get(f"{fair.base}/agendas.pdf", headers=fair.org), 409)
    assert "lệnh in" in body["detail"]


def test_too_many_tables_for_one_request_point_to_a_print_job(
    fair: Fair, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exports, "SYNC_TABLE_LIMIT", 2)
    for document in ("tables.pdf", "grid.pdf"):
        body = _problem(fair.client.get(f"{fair.base}/{document}", headers=fair.org), 409)
        assert "3 bàn" in body["detail"]
        assert "lệnh in" in body["detail"]
        assert body["errors"][0]["field"] == "print-jobs"


def test_table_sheets_and_grid(fair: Fair, tmp_path: Path) -> None:
    sheets = fair.client.get(f"{fair.base}/tables.pdf", headers=fair.org)
    assert sheets.status_code == 200
    assert page_count(sheets.content) == 3
    table_two = pdftotext(sheets.content, tmp_path, page=2)
    assert "Lin Wei-Ting" in table_two
    assert "Nguyễn Thị Hạnh" in table_two
    grid = fair.client.get(f"{fair.base}/grid.pdf?session_id={fair.session_id}", headers=fair.org)
    assert grid.status_code == 200
    box = PdfReader(BytesIO(grid.content)).pages[0].mediabox
    assert box.width > box.height  # landscape
    grid_text = pdftotext(grid.content, tmp_path)
    assert "Trần Quốc Bảo" in grid_text
    assert "16/03/2027" in grid_text  # the grid says which day it is


# ---- print jobs ----------------------------------------------------------------------------


@pytest.fixture
def job_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(get_settings(), "var_dir", tmp_path / "var")
    return tmp_path / "var" / "print-jobs"


def test_print_job_runs_to_completion_and_downloads(
    fair: Fair, job_dir: Path, tmp_path: Path
) -> None:
    created = fair.client.post(
        f"{fair.base}/print-jobs", json={"what": "agendas", "by_delegation": True}, headers=fair.org
    )
    assert created.status_code == 202, created.text
    job = created.json()
    assert created.headers["location"] == f"{fair.base}/print-jobs/{job['id']}"
    # The test client runs background tasks before returning: the job is finished.
    status = fair.client.get(created.headers["location"], headers=fair.org).json()
    assert status["status"] == "done", status
    assert status["done"] == status["total"] == 4
    assert status["download_url"] == f"{fair.base}/print-jobs/{job['id']}/download"
    # Kept in the database, where every process of the app (on any machine) finds it.
    stored = jobs.load(job["id"])
    assert stored is not None
    assert (stored.status, stored.event_id) == ("done", fair.event_id)
    assert not job_dir.exists()  # nothing on the local disk
    download = fair.client.get(status["download_url"], headers=fair.org)
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/pdf"
    assert f"ketnoi-{fair.event_id}-agendas.pdf" in download.headers["content-disposition"]
    # A cover sheet for the Taiwanese delegation, then its one member; then the others.
    assert page_count(download.content) == 5
    assert "Đoàn doanh nghiệp Đài Loan" in pdftotext(download.content, tmp_path, page=1)

    _problem(fair.client.get(f"{fair.base}/print-jobs/..%2F..%2Fetc", headers=fair.org), 404)
    _problem(fair.client.get(created.headers["location"], headers=fair.hanh), 403)


def test_print_job_refuses_unknown_filters_and_reports_a_dead_worker(
    fair: Fair, job_dir: Path
) -> None:
    bad = _problem(
        fair.client.post(
            f"{fair.base}/print-jobs",
            json={"what": "tables", "session_id": 999999},
            headers=fair.org,
        ),
        422,
    )
    assert bad["errors"][0]["field"] == "session_id"
    queued = fair.client.post(
        f"{fair.base}/print-jobs", json={"what": "grid"}, headers=fair.org
    ).json()
    row = jobs.load(queued["id"])
    assert row is not None
    row.status = "running"
    jobs.save(row)
    with session_scope() as session:  # the runner stopped reporting an hour ago
        stale = session.get(PrintJobRow, row.id)
        assert stale is not None
        stale.updated_at = datetime.now(UTC) - timedelta(hours=1)
    status = fair.client.get(f"{fair.base}/print-jobs/{row.id}", headers=fair.org).json()
    assert status["status"] == "failed"
    assert "start it again" in status["error"]
    _problem(fair.client.get(f"{fair.base}/print-jobs/{row.id}/download", headers=fair.org), 409)


@pytest.fixture
def public_address(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Change ``KETNOI_BASE_URL`` for the rest of a test (settings are read once, cached)."""

    def move(url: str) -> None:
        monkeypatch.setenv("KETNOI_BASE_URL", url)
        get_settings.cache_clear()

    yield move
    monkeypatch.delenv("KETNOI_BASE_URL", raising=False)
    get_settings.cache_clear()


def test_links_follow_the_base_url_and_uids_stay_when_it_changes(
    fair: Fair, public_address: Any
) -> None:
    fair.publish()
    path = f"{fair.base}/participants/{fair.people['hanh']}/calendar-token"
    public_address("https://ketnoi.haiphong.gov.vn/")
    link = fair.client.post(path, headers=fair.hanh).json()
    assert link["url"].startswith(f"https://ketnoi.haiphong.gov.vn{fair.feed_path('hanh')}?token=")
    assert link["webcal_url"].startswith("webcal://ketnoi.haiphong.gov.vn/api/v1/")
    before = sorted(str(e["UID"]) for e in vevents(fair.client.get(link["url"]).content))

    public_address("https://ketnoi.example.org:8443")
    moved = fair.client.post(path, headers=fair.hanh).json()
    assert moved["url"].startswith("https://ketnoi.example.org:8443/api/v1/")
    after = sorted(str(e["UID"]) for e in vevents(fair.client.get(moved["url"]).content))
    # The same meetings keep the same UIDs: subscribed calendars update, never duplicate.
    assert after == before
    assert before == sorted(f"meeting-{m}@ketnoi.vn" for m in (fair.lin_meeting, fair.bao_meeting))
