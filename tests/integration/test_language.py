"""Vietnamese pages show no English sentence and no raw code; errors reach the API and the
forms in the request's language (Vietnamese by default)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.auth.models import User
from app.auth.service import get_user_by_email, start_web_session
from app.demo import DEMO_DELEGATE_EMAIL, DEMO_ORGANISER_EMAIL
from app.deps import SESSION_COOKIE
from app.events.models import EventSession
from app.meetings.models import MeetingParticipant
from app.registration.models import Delegation, Organisation, Participant
from app.settings import get_settings
from tests.demo_snapshot import demo_event
from tests.integration.test_meetings_api import Fair, fair  # noqa: F401 - the fixture

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

# Stored codes that must never reach a Vietnamese page as they are, and English fragments
# of the messages services used to raise.
RAW_CODES = re.compile(
    r"\b(pending|approved|rejected|no_show|no-show|held|cancelled|proposed|confirmed|declined"
    r"|withdrawn|request_received|request_accepted|meeting_booked|meeting_moved"
    r"|schedule_published|feedback_request|enterprise|research_institute|registration_open"
    r"|food_processing)\b"
)
COUNTRY_CODE = re.compile(r"\((TW|JP|KR|IL|NL|VN|CN|US|SG|TH|DE|FR)\)|\b(Asia|Europe)/[A-Za-z_]+")
# language codes where their names belong: "Phiên dịch: cần VI · EN · JA · ZH" (the switch
# "VI · EN" of the top bar is not one)
LANGUAGE_CODES = re.compile(r"\b(?:VI|EN|ZH|JA|KO|HE|NL)\s*[·,]\s*(?:ZH|JA|KO|HE|NL)\b")
ENGLISH = re.compile(
    r"\b(is pending|is already taken|cannot go from|Input should|not a valid|"
    r"Field required|not found|already have a meeting|try again)\b"
)
HEAD_EMAIL = "weiting.lin@ketnoi.demo"
DESK_EMAIL = "huy.vq@sokhcn-haiphong.example"


def visible_text(html: str) -> str:
    html = re.sub(r"(?is)<(script|style|template)\b.*?</\1>", " ", html)
    # The outbox shows each e-mail as written, in its recipient's language.
    html = re.sub(r"(?is)<details\b.*?</details>|<p class=\"about\">.*?</p>", " ", html)
    html = re.sub(r"(?s)<!--.*?-->", " ", html)
    return re.sub(r"\s+", " ", unescape(re.sub(r"(?s)<[^>]+>", " ", html)))


def raw_words(text: str) -> list[str]:
    found = [m.group(0) for m in RAW_CODES.finditer(text)]
    found += [m.group(0) for m in COUNTRY_CODE.finditer(text)]
    found += [m.group(0) for m in LANGUAGE_CODES.finditer(text)]
    found += [m.group(0) for m in ENGLISH.finditer(text)]
    return found


@pytest.fixture
def browser(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False) as test_client:
        yield test_client


def _log_in(browser: TestClient, db: Session, user: User) -> None:
    browser.cookies.clear()
    browser.cookies.set(SESSION_COOKIE, start_web_session(db, get_settings(), user=user))
    db.commit()


def _user(db: Session, email: str) -> User:
    user = get_user_by_email(db, email)
    assert user is not None
    return user


def test_main_pages_in_vietnamese_show_no_raw_code_or_english(
    db: Session, browser: TestClient
) -> None:
    event = demo_event(db)
    e = event.id
    b2b = db.exec(
        select(EventSession).where(EventSession.event_id == e, EventSession.kind == "matchmaking")
    ).first()
    assert b2b is not None
    head = _user(db, HEAD_EMAIL)
    delegation = db.exec(select(Delegation).where(Delegation.event_id == e)).all()
    own = [d for d in delegation if d.head_user_id == head.id]
    assert own
    # the members the head acts for, and meetings that need or have an interpreter
    members = [
        p.id
        for p in db.exec(select(Participant).where(Participant.delegation_id == own[0].id))
        if p.user_id != head.id
    ]
    interpreted = sorted(
        {
            seat.meeting_id
            for seat in db.exec(
                select(MeetingParticipant).where(
                    col(MeetingParticipant.participant_id).in_(members)
                )
            )
        }
    )[:3]
    assert members
    assert interpreted
    pages = {
        DEMO_ORGANISER_EMAIL: [
            f"/events/{e}",
            f"/events/{e}/participants",
            f"/events/{e}/participants?status=pending",
            f"/events/{e}/participants?status=rejected",
            f"/events/{e}/delegations",
            f"/events/{e}/meeting-requests",
            f"/events/{e}/sessions/{b2b.id}/grid",
            *(f"/events/{e}/sessions/{b2b.id}/grid/{m}" for m in interpreted),
            f"/events/{e}/sessions/{b2b.id}/schedule",
            f"/events/{e}/check-in",
            f"/events/{e}/agreements",
            f"/events/{e}/report",
            f"/events/{e}/profiles",
            f"/events/{e}/print",
            f"/events/{e}/import",
            f"/events/{e}/edit",
            f"/events/{e}/wishes/board",
            "/events/new",
            "/dev/outbox",
        ],
        DEMO_DELEGATE_EMAIL: [
            f"/events/{e}",
            f"/events/{e}/me",
            f"/events/{e}/meetings/mine",
            f"/events/{e}/suggestions",
            f"/events/{e}/wishes",
        ],
        HEAD_EMAIL: [
            f"/events/{e}/delegations/{own[0].id}",
            f"/events/{e}/meetings/mine",
            *(f"/events/{e}/meetings/mine?as={p}" for p in members),
        ],
        DESK_EMAIL: [
            f"/events/{e}",
            f"/events/{e}/check-in",
            f"/events/{e}/check-in?q=su+yi",  # a registration not yet approved
            "/account",
        ],
    }
    problems: dict[str, list[str]] = {}
    for email, paths in pages.items():
        _log_in(browser, db, _user(db, email))
        for path in paths:
            response = browser.get(path, headers={"Accept": "text/html"})
            assert response.status_code == 200, (email, path, response.status_code)
            assert 'lang="vi"' in response.text
            found = raw_words(visible_text(response.text))
            if found:
                problems[f"{email} {path}"] = sorted(set(found))
    assert not problems, problems


def test_organisations_are_named_in_the_pages_language(db: Session, browser: TestClient) -> None:
    # A Taiwanese engineer reading in English sees companies by their English names, a
    # Vietnamese reader by the Vietnamese (official) ones: the head's delegation page, the
    # offers directory, their registration and their meetings.
    event = demo_event(db)
    e = event.id
    head = _user(db, HEAD_EMAIL)
    (own,) = [
        d
        for d in db.exec(select(Delegation).where(Delegation.event_id == e)).all()
        if d.head_user_id == head.id
    ]
    _log_in(browser, db, head)
    paths = [
        f"/events/{e}/delegations/{own.id}",
        f"/events/{e}/profiles",
        f"/events/{e}/me",
        f"/events/{e}/meetings/mine",
    ]
    named = [
        (o.name_vi, o.name_en)
        for o in db.exec(select(Organisation)).all()
        if o.name_en and o.name_en != o.name_vi
    ]
    for path in paths:
        english = visible_text(browser.get(path, params={"lang": "en"}).text)
        vietnamese = visible_text(browser.get(path, params={"lang": "vi"}).text)
        assert [en for vi, en in named if en in english], path
        assert [vi for vi, en in named if vi in english] == [], path
        assert [vi for vi, en in named if vi in vietnamese], path
        assert [en for vi, en in named if en in vietnamese] == [], path
    # the delegation too: its English name on English pages, its Vietnamese one on the rest
    assert own.name_en == "Taiwan Business Delegation"
    for path in (
        f"/events/{e}/delegations",
        f"/events/{e}/delegations/{own.id}",
        f"/events/{e}/me",
    ):
        english = visible_text(browser.get(path, params={"lang": "en"}).text)
        vietnamese = visible_text(browser.get(path, params={"lang": "vi"}).text)
        assert own.name_en in english, path
        assert own.name not in english, path
        assert own.name in vietnamese, path
        assert own.name_en not in vietnamese, path
    # and the English list is in the order of the English names
    english = visible_text(browser.get(f"/events/{e}/delegations", params={"lang": "en"}).text)
    shown = sorted(
        (d.name_en for d in db.exec(select(Delegation)).all() if d.name_en in english),
        key=english.index,
    )
    assert len(shown) >= 2
    assert shown == sorted(shown, key=str.casefold)


def test_the_check_spots_raw_codes() -> None:
    # The checker itself must be able to fail.
    text = visible_text("<p><span class='badge'>pending</span> Lin Wei-Ting (TW)</p>")
    assert raw_words(text) == ["pending", "(TW)"]
    assert raw_words("Múi giờ Asia/Ho_Chi_Minh") == ["Asia/Ho_Chi_Minh"]
    assert raw_words(visible_text("<p>Đang chờ duyệt · Đài Loan (Trung Quốc)</p>")) == []


def test_an_api_conflict_answers_in_vietnamese_by_default_and_in_english_on_request(
    fair: Fair,  # noqa: F811
) -> None:
    assert fair.meet("lin", "hoa", slot=1, table=1).status_code == 201

    def clash(**headers: str) -> dict[str, Any]:
        body = {
            "participant_ids": [fair.people["bao"], fair.people["chen"]],
            "slot_id": fair.slot(1),
            "table_id": fair.table(1),
        }
        lang = headers.pop("lang", None)
        response = fair.client.post(
            fair.base + "/meetings" + (f"?lang={lang}" if lang else ""),
            json=body,
            headers={**fair.org, **headers},
        )
        assert response.status_code == 409
        assert response.headers["content-type"].startswith("application/problem+json")
        problem: dict[str, Any] = response.json()
        assert problem["code"] == "table_is_already_taken_in"
        assert [e["code"] for e in problem["errors"]] == ["another_meeting_has_this_table_in"]
        return problem

    vi = clash()
    assert vi["detail"].startswith("bàn 1 đã có người ngồi ở lượt 1 (")
    assert "already" not in vi["detail"]
    assert "already" not in vi["errors"][0]["message"]
    en = clash(**{"Accept-Language": "en-GB,en;q=0.9"})
    assert en["detail"].startswith("table 1 is already taken in slot 1 (")
    assert clash(**{"Accept-Language": "vi"})["detail"] == vi["detail"]
    assert clash(lang="en")["detail"] == en["detail"]  # sets the language cookie: last


def test_api_validation_messages_are_translated_by_error_type(fair: Fair) -> None:  # noqa: F811
    def bad(**headers: str) -> dict[str, Any]:
        response = fair.client.post(
            fair.base + "/meetings",
            json={"participant_ids": [fair.people["lin"]], "slot_id": "abc"},
            headers={**fair.org, **headers},
        )
        assert response.status_code == 422
        return {e["field"]: e for e in response.json()["errors"]}

    vi, en = bad(), bad(**{"Accept-Language": "en"})
    assert vi["slot_id"]["message"] == "hãy nhập số nguyên"
    assert en["slot_id"]["message"] == "enter a whole number"
    assert vi["slot_id"]["code"] == "int_parsing"
    assert not any("Input should" in e["message"] for e in vi.values())


def test_a_form_shows_the_vietnamese_message_next_to_the_field(
    db: Session, browser: TestClient, organiser: User
) -> None:
    _log_in(browser, db, organiser)
    page = browser.get("/events/new", headers={"Accept": "text/html"})
    assert page.status_code == 200
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    response = browser.post(
        "/events/new",
        data={
            "csrf_token": token.group(1),
            "title_vi": "Hội chợ thử",
            "start_date": "2027-03-16",
            "end_date": "2027-03-16",
            "timezone": "Asia/Ho_Chi_Minh",
            "languages": "vi",
            "meeting_cap": "0",
            "status": "draft",
            "booking_mode": "organiser",
        },
        headers={"Accept": "text/html"},
    )
    assert response.status_code == 422
    errors = re.findall(r'class="field-error"[^>]*>([^<]+)<', response.text)
    assert errors, response.text
    text = visible_text(" ".join(errors))
    assert "phải" in text.lower() or "hãy" in text.lower(), text
    assert not raw_words(text)
    assert not re.search(r"\b(Input|should|must|greater)\b", text), text


def test_the_import_preview_shows_sector_and_kind_names_not_codes(
    db: Session, browser: TestClient, organiser: User, event_id: int
) -> None:
    _log_in(browser, db, organiser)
    page = browser.get(f"/events/{event_id}/import", headers={"Accept": "text/html"})
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    csv = (
        "Họ và tên,Email,Tổ chức,Loại tổ chức,Quốc gia,Lĩnh vực\r\n"
        "Lin Wei-Ting,lin@tw.example,Formosa Aqua,enterprise,TW,aquaculture; food_processing\r\n"
    ).encode()
    response = browser.post(
        f"/events/{event_id}/import",
        data={"csrf_token": token.group(1)},
        files={"file": ("ds.csv", csv, "text/csv")},
        headers={"Accept": "text/html"},
    )
    assert response.status_code in (200, 303)
    if response.status_code == 303:
        response = browser.get(response.headers["location"], headers={"Accept": "text/html"})
    text = visible_text(response.text)
    assert "Formosa Aqua" in text
    assert "food_processing" not in text
    assert "enterprise" not in text
    assert "(TW)" not in text
    assert "Chế biến" in text
    assert "Doanh nghiệp" in text
    assert "Đài Loan (Trung Quốc)" in text
