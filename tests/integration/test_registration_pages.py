"""Registration pages over HTTP: real forms with their CSRF tokens, what the reader sees."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from app.auth.models import Role, User
from app.auth.service import start_web_session
from app.deps import SESSION_COOKIE
from app.registration.models import Delegation, Organisation, Participant, Unavailability
from app.settings import get_settings
from tests.conftest import B2B_SESSION, HAI_PHONG_EVENT, make_user

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

HTML = {"Accept": "text/html,application/xhtml+xml"}
Headers = dict[str, str]


@pytest.fixture
def open_event(client: TestClient, organiser_headers: Headers) -> int:
    event = client.post(
        "/api/v1/events",
        json={**HAI_PHONG_EVENT, "status": "registration_open"},
        headers=organiser_headers,
    )
    assert event.status_code == 201, event.text
    event_id = int(event.json()["id"])
    session = client.post(
        f"/api/v1/events/{event_id}/sessions", json=B2B_SESSION, headers=organiser_headers
    )
    assert session.status_code == 201, session.text
    return event_id


def _browser(app: FastAPI) -> TestClient:
    return TestClient(app, follow_redirects=False, headers=HTML)


@pytest.fixture
def browser(app: FastAPI) -> Iterator[TestClient]:
    with _browser(app) as test_client:
        yield test_client


def _log_in(browser: TestClient, db: Session, user: User) -> TestClient:
    key = start_web_session(db, get_settings(), user=user)
    db.commit()
    browser.cookies.set(SESSION_COOKIE, key)
    return browser


def _csrf(page_html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page_html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def _field_error(page_html: str, name: str) -> str:
    match = re.search(rf'<p class="field-error" id="{name}-error"[^>]*>(.*?)</p>', page_html, re.S)
    assert match, f"no message next to {name!r}"
    return html.unescape(match.group(1)).strip()


def _input_value(page_html: str, name: str) -> str:
    match = re.search(rf'<input id="{name}" name="{name}"[^>]*value="([^"]*)"', page_html)
    assert match, f"no input {name!r}"
    return html.unescape(match.group(1))


def _text(page_html: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page_html)))


def _post_form(browser: TestClient, page_url: str, action: str, data: dict[str, Any]) -> Any:
    page = browser.get(page_url)
    assert page.status_code == 200, page.text
    return browser.post(action, data={**data, "csrf_token": _csrf(page.text)})


REGISTRATION = {
    "full_name": "Lã Minh Tuấn",
    "name_local": "",
    "position": "Giám đốc",
    "phone": "+84 903 111 222",
    "languages": ["vi", "en"],
    "languages_other": "",
    "meeting_cap": "",
    "role": "delegate",
    "organisation_id": "new",
    "org_name_vi": "Công ty TNHH Cơ khí Hải Phòng",
    "org_name_en": "Hai Phong Mechanical Engineering Co., Ltd.",
    "org_kind": "enterprise",
    "org_country": "VN",
    "org_province": "Hải Phòng",
    "org_website": "",
    "org_sectors": ["mechanics", "automation"],
}


# ---- who may open which page --------------------------------------------------------------


@pytest.mark.parametrize(
    "page",
    [
        "/events/{id}/register",
        "/events/{id}/me",
        "/events/{id}/participants",
        "/events/{id}/participants/new",
        "/events/{id}/delegations/new",
    ],
)
def test_anonymous_visitors_are_sent_to_log_in(
    browser: TestClient, open_event: int, page: str
) -> None:
    url = page.format(id=open_event)
    response = browser.get(url)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=" + url.replace("/", "%2F")


@pytest.mark.parametrize(
    "page",
    ["/events/{id}/participants", "/events/{id}/participants/new", "/events/{id}/delegations/new"],
)
def test_delegates_and_other_organisers_get_a_403_page_on_organiser_pages(
    app: FastAPI,
    db: Session,
    open_event: int,
    delegate: User,
    other_organiser: User,
    page: str,
) -> None:
    for user in (delegate, other_organiser):
        with _browser(app) as browser:
            _log_in(browser, db, user)
            response = browser.get(page.format(id=open_event))
        assert response.status_code == 403, user.email
        assert response.headers["content-type"].startswith("text/html")
        assert "<form" not in response.text.split("</header>", 1)[-1]


def test_event_page_offers_registration_and_delegations(
    browser: TestClient, db: Session, open_event: int, delegate: User
) -> None:
    anonymous = browser.get(f"/events/{open_event}")
    assert "Đăng ký tham dự" in anonymous.text
    # A stranger signs up (account and registration in one form); see test_accounts.py.
    assert f'href="/events/{open_event}/signup"' in anonymous.text
    assert f'href="/events/{open_event}/delegations"' in anonymous.text
    assert f'href="/events/{open_event}/participants"' not in anonymous.text
    english = browser.get(f"/events/{open_event}?lang=en")
    assert "Register to attend" in english.text


# ---- self-registration --------------------------------------------------------------------


def test_delegate_registers_with_a_new_organisation_and_sees_it_pending(
    browser: TestClient, db: Session, open_event: int, delegate: User
) -> None:
    _log_in(browser, db, delegate)
    url = f"/events/{open_event}/register"
    page = browser.get(url)
    assert page.status_code == 200
    assert _input_value(page.text, "full_name") == "Lã Minh Tuấn"  # from the account
    response = browser.post(url, data={**REGISTRATION, "csrf_token": _csrf(page.text)})
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"/events/{open_event}/me?flash=registered"
    me = browser.get(response.headers["location"])
    assert "Đã nhận đăng ký của bạn" in me.text
    assert "Chờ duyệt" in me.text
    assert "Công ty TNHH Cơ khí Hải Phòng" in me.text
    participant = db.exec(select(Participant)).one()
    assert participant.user_id == delegate.id
    assert participant.status == "pending"
    assert participant.languages == ["vi", "en"]
    org = db.get(Organisation, participant.organisation_id)
    assert org is not None
    assert org.province == "Hải Phòng"
    # Registered once: the form now leads to the registration.
    again = browser.get(url)
    assert again.status_code == 303
    assert again.headers["location"] == f"/events/{open_event}/me"


def test_duplicate_new_organisation_is_offered_instead_and_nothing_is_written(
    browser: TestClient,
    client: TestClient,
    organiser_headers: Headers,
    db: Session,
    open_event: int,
    delegate: User,
) -> None:
    existing = client.post(
        "/api/v1/organisations",
        json={"name_vi": "Công ty TNHH Cơ khí Hải Phòng", "country": "VN"},
        headers=organiser_headers,
    ).json()
    _log_in(browser, db, delegate)
    url = f"/events/{open_event}/register"
    response = _post_form(
        browser, url, url, {**REGISTRATION, "org_name_vi": "CONG TY CO KHI HAI PHONG JSC"}
    )
    assert response.status_code == 409
    assert "đã được đăng ký" in _field_error(response.text, "org_name_vi")
    # The existing organisation is now a choice, and what was typed is kept.
    assert f'name="organisation_id" value="{existing["id"]}"' in response.text
    assert _input_value(response.text, "phone") == "+84 903 111 222"
    assert db.exec(select(func.count()).select_from(Participant)).one() == 0
    assert db.exec(select(func.count()).select_from(Organisation)).one() == 1
    chosen = browser.post(
        url,
        data={
            **REGISTRATION,
            "organisation_id": str(existing["id"]),
            "csrf_token": _csrf(response.text),
        },
    )
    assert chosen.status_code == 303
    assert db.exec(select(Participant)).one().organisation_id == existing["id"]


def test_organisation_search_on_the_form_ignores_accents(
    browser: TestClient,
    client: TestClient,
    organiser_headers: Headers,
    db: Session,
    open_event: int,
    delegate: User,
) -> None:
    org = client.post(
        "/api/v1/organisations",
        json={"name_vi": "Trường Đại học Hàng hải Việt Nam", "kind": "university"},
        headers=organiser_headers,
    ).json()
    _log_in(browser, db, delegate)
    found = browser.get(f"/events/{open_event}/register", params={"org_q": "dai hoc hang hai"})
    assert f'name="organisation_id" value="{org["id"]}"' in found.text
    assert "Trường Đại học Hàng hải Việt Nam" in found.text
    nothing = browser.get(f"/events/{open_event}/register", params={"org_q": "khong co"})
    assert "Không tìm thấy tổ chức phù hợp" in nothing.text


@pytest.mark.parametrize(
    ("field", "value"),
    [("full_name", "   "), ("meeting_cap", "500"), ("org_country", "Việt Nam"), ("role", "staff")],
)
def test_registration_errors_are_shown_next_to_their_field(
    browser: TestClient, db: Session, open_event: int, delegate: User, field: str, value: str
) -> None:
    _log_in(browser, db, delegate)
    url = f"/events/{open_event}/register"
    response = _post_form(browser, url, url, {**REGISTRATION, field: value})
    assert response.status_code == 422, response.text
    assert _field_error(response.text, field)
    assert db.exec(select(func.count()).select_from(Participant)).one() == 0


def test_registration_form_without_csrf_writes_nothing(
    browser: TestClient, db: Session, open_event: int, delegate: User
) -> None:
    _log_in(browser, db, delegate)
    response = browser.post(f"/events/{open_event}/register", data=REGISTRATION)
    assert response.status_code == 403
    assert db.exec(select(func.count()).select_from(Participant)).one() == 0


def test_registration_page_says_when_registration_is_closed(
    browser: TestClient,
    client: TestClient,
    organiser_headers: Headers,
    db: Session,
    open_event: int,
    delegate: User,
) -> None:
    client.patch(
        f"/api/v1/events/{open_event}", json={"status": "scheduling"}, headers=organiser_headers
    )
    _log_in(browser, db, delegate)
    page = browser.get(f"/events/{open_event}/register")
    assert "Đã hết hạn đăng ký." in page.text  # the event went on to scheduling
    assert f'action="/events/{open_event}/register"' not in page.text.split("</header>")[-1]


# ---- my registration ----------------------------------------------------------------------


def _registered(browser: TestClient, db: Session, event_id: int, user: User) -> Participant:
    _log_in(browser, db, user)
    url = f"/events/{event_id}/register"
    assert _post_form(browser, url, url, REGISTRATION).status_code == 303
    db.expire_all()
    return db.exec(select(Participant).where(Participant.user_id == user.id)).one()


def test_my_registration_page_edits_details_and_blocks_slots(
    browser: TestClient, db: Session, open_event: int, delegate: User
) -> None:
    participant = _registered(browser, db, open_event, delegate)
    url = f"/events/{open_event}/me"
    page = browser.get(url)
    slot_ids = [int(v) for v in re.findall(r'name="slot_ids" value="(\d+)"', page.text)]
    assert len(slot_ids) == 9  # 14:00–17:00 in 20-minute slots
    saved = browser.post(
        url,
        data={
            "full_name": "Lã Minh Tuấn",
            "position": "Phó Giám đốc kỹ thuật",
            "phone": "+84 903 111 222",
            "languages": ["vi", "zh"],
            "meeting_cap": "6",
            "csrf_token": _csrf(page.text),
        },
    )
    assert saved.status_code == 303
    page = browser.get(saved.headers["location"])
    assert "Đã lưu thông tin của bạn." in page.text
    assert _input_value(page.text, "position") == "Phó Giám đốc kỹ thuật"
    blocked = browser.post(
        url + "/availability",
        data={"slot_ids": [str(slot_ids[0]), str(slot_ids[3])], "csrf_token": _csrf(page.text)},
    )
    assert blocked.status_code == 303
    page = browser.get(blocked.headers["location"])
    checked = re.findall(r'name="slot_ids" value="(\d+)" checked', page.text)
    assert [int(c) for c in checked] == [slot_ids[0], slot_ids[3]]
    rows = db.exec(
        select(Unavailability.slot_id).where(Unavailability.participant_id == participant.id)
    ).all()
    assert sorted(rows) == sorted([slot_ids[0], slot_ids[3]])


def test_my_registration_shows_an_error_next_to_the_field(
    browser: TestClient, db: Session, open_event: int, delegate: User
) -> None:
    _registered(browser, db, open_event, delegate)
    url = f"/events/{open_event}/me"
    response = _post_form(
        browser, url, url, {"full_name": "", "languages": ["vi"], "meeting_cap": ""}
    )
    assert response.status_code == 422
    assert _field_error(response.text, "full_name")


def test_my_registration_without_one_leads_to_the_form(
    browser: TestClient, db: Session, open_event: int, delegate: User
) -> None:
    _log_in(browser, db, delegate)
    response = browser.get(f"/events/{open_event}/me")
    assert response.status_code == 303
    assert response.headers["location"] == f"/events/{open_event}/register"


# ---- the organisers' participant list -----------------------------------------------------


def test_organiser_filters_approves_and_rejects_with_a_reason(
    app: FastAPI, db: Session, open_event: int, organiser: User, delegate: User
) -> None:
    hanh = make_user(db, "hanh@thucpham-hp.example", Role.delegate, name="Nguyễn Thị Hạnh")
    with _browser(app) as b1, _browser(app) as b2:
        tuan_row = _registered(b1, db, open_event, delegate)
        _log_in(b2, db, hanh)
        url = f"/events/{open_event}/register"
        other = {
            **REGISTRATION,
            "full_name": "Nguyễn Thị Hạnh",
            "organisation_id": "new",
            "org_name_vi": "Công ty Cổ phần Thực phẩm Hải Phòng",
            "org_name_en": "",
        }
        assert _post_form(b2, url, url, other).status_code == 303
        db.expire_all()
        hanh_row = db.exec(select(Participant).where(Participant.user_id == hanh.id)).one()

    with _browser(app) as browser:
        _log_in(browser, db, organiser)
        listing = browser.get(f"/events/{open_event}/participants")
        assert listing.status_code == 200
        assert re.search(r'data-testid="count-pending">[^<]*<strong>2</strong>', listing.text)
        assert "hanh@thucpham-hp.example" in listing.text  # organisers see contact data
        searched = browser.get(f"/events/{open_event}/participants", params={"q": "thuc pham"})
        assert f'data-testid="participant-{hanh_row.id}"' in searched.text
        assert f'data-testid="participant-{tuan_row.id}"' not in searched.text

        action = f"/events/{open_event}/participants/{tuan_row.id}/decision"
        no_reason = browser.post(
            action,
            data={
                "status": "rejected",
                "reason": "",
                "filter_q": "tuan",
                "csrf_token": _csrf(listing.text),
            },
        )
        assert no_reason.status_code == 422
        assert "lý do" in _field_error(no_reason.text, f"reason-{tuan_row.id}")
        rejected = browser.post(
            action,
            data={
                "status": "rejected",
                "reason": "Chưa có hồ sơ năng lực",
                "filter_q": "tuan",
                "csrf_token": _csrf(listing.text),
            },
        )
        assert rejected.status_code == 303
        assert rejected.headers["location"] == (
            f"/events/{open_event}/participants?q=tuan&flash=decided"
        )
        approved = browser.post(
            f"/events/{open_event}/participants/{hanh_row.id}/decision",
            data={"status": "approved", "csrf_token": _csrf(listing.text)},
        )
        assert approved.status_code == 303
        after = browser.get(f"/events/{open_event}/participants?status=approved")
        assert f'data-testid="participant-{hanh_row.id}"' in after.text
        assert f'data-testid="participant-{tuan_row.id}"' not in after.text

    with _browser(app) as browser:
        _log_in(browser, db, delegate)
        me = browser.get(f"/events/{open_event}/me")
        assert "Bị từ chối" in me.text
        assert "Chưa có hồ sơ năng lực" in _text(me.text)


def test_organiser_adds_a_participant_who_is_approved_at_once(
    browser: TestClient, db: Session, open_event: int, organiser: User
) -> None:
    _log_in(browser, db, organiser)
    url = f"/events/{open_event}/participants/new"
    response = _post_form(
        browser,
        url,
        url,
        {
            "full_name": "Phạm Văn Nam",
            "position": "Trưởng phòng",
            "email": "nam@sokhcn.haiphong.gov.vn",
            "languages": ["vi"],
            "role": "staff",
            "delegation_id": "",
            "organisation_id": "",
        },
    )
    assert response.status_code == 303, response.text
    listing = browser.get(response.headers["location"])
    assert "Đã thêm người tham dự." in listing.text
    row = db.exec(select(Participant)).one()
    assert (row.full_name, row.status, row.role) == ("Phạm Văn Nam", "approved", "staff")
    twin = _post_form(
        browser,
        url,
        url,
        {"full_name": "Người khác", "email": "NAM@sokhcn.haiphong.gov.vn", "languages": ["vi"]},
    )
    assert twin.status_code == 409
    assert _field_error(twin.text, "email") == "đã đăng ký tham dự sự kiện này"


# ---- delegations --------------------------------------------------------------------------


DELEGATION_FORM = {
    "name": "Đoàn doanh nghiệp Đài Loan",
    "name_en": "Taiwan Business Delegation",
    "name_local": "台灣企業代表團",
    "country": "TW",
    "head_email": "tuan@tw-delegation.example",
    "leading_organisation_id": "",
    "arrival_date": "2027-03-15",
    "departure_date": "2027-03-18",
    "languages": "zh, en",
    "needs_interpreter": "1",
    "interpreter_notes": "Phiên dịch Trung – Việt",
    "notes": "",
    "status": "registered",
}


def test_organiser_creates_a_delegation_and_its_head_adds_a_member(
    app: FastAPI, db: Session, open_event: int, organiser: User, delegate: User
) -> None:
    with _browser(app) as browser:
        _log_in(browser, db, organiser)
        url = f"/events/{open_event}/delegations/new"
        created = _post_form(browser, url, url, DELEGATION_FORM)
        assert created.status_code == 303, created.text
        delegation = db.exec(select(Delegation)).one()
        assert delegation.head_user_id == delegate.id
        assert delegation.name_en == "Taiwan Business Delegation"
        assert delegation.needs_interpreter is True
        page_url = f"/events/{open_event}/delegations/{delegation.id}"
        assert created.headers["location"] == page_url + "?flash=delegation-saved"
        unknown_head = _post_form(
            browser,
            url,
            url,
            {**DELEGATION_FORM, "name": "Đoàn Nhật Bản", "head_email": "ai@khong.example"},
        )
        assert unknown_head.status_code == 422
        assert _field_error(unknown_head.text, "head_email")

    with _browser(app) as head:
        _log_in(head, db, delegate)
        # The head reaches their delegation from the event page, in one step.
        event_page = head.get(f"/events/{open_event}").text
        mine = re.search(
            r'<a class="button" href="([^"]+)" data-testid="my-delegation">([^<]+)<', event_page
        )
        assert mine is not None
        assert mine.groups() == (
            f"/events/{open_event}/delegations/{delegation.id}",
            "Đoàn của tôi",
        )
        page = head.get(mine.group(1))
        assert page.status_code == 200
        assert 'id="add-member"' in page.text
        added = head.post(
            f"/events/{open_event}/delegations/{delegation.id}/members",
            data={
                "full_name": "Wang Li",
                "name_local": "王麗",
                "role": "interpreter",
                "languages": ["zh", "vi"],
                "email": "",
                "csrf_token": _csrf(page.text),
            },
        )
        assert added.status_code == 303, added.text
        page = head.get(added.headers["location"])
        assert "Đã thêm thành viên" in page.text
        assert "Wang Li" in page.text
        assert "Chờ duyệt" in page.text
        # The head edits the travel details, without the fields only organisers change.
        form = head.get(f"/events/{open_event}/delegations/{delegation.id}/edit")
        assert form.status_code == 200
        assert 'name="name"' not in form.text
        saved = head.post(
            f"/events/{open_event}/delegations/{delegation.id}/edit",
            data={
                "arrival_date": "2027-03-14",
                "departure_date": "2027-03-18",
                "languages": "zh",
                "status": "registered",
                "csrf_token": _csrf(form.text),
            },
        )
        assert saved.status_code == 303, saved.text
        confirm = head.post(
            f"/events/{open_event}/delegations/{delegation.id}/edit",
            data={"status": "confirmed", "csrf_token": _csrf(form.text)},
        )
        assert confirm.status_code == 403
        assert _field_error(confirm.text, "status")

    db.expire_all()
    member = db.exec(select(Participant)).one()
    assert (member.status, member.delegation_id, member.user_id) == (
        "pending",
        delegation.id,
        None,
    )
    refreshed = db.get(Delegation, delegation.id)
    assert refreshed is not None
    assert refreshed.arrival_date is not None
    assert refreshed.arrival_date.isoformat() == "2027-03-14"

    with _browser(app) as public:
        assert 'data-testid="my-delegation"' not in public.get(f"/events/{open_event}").text
        listing = public.get(f"/events/{open_event}/delegations")
        assert "Đoàn doanh nghiệp Đài Loan" in listing.text
        page = public.get(f"/events/{open_event}/delegations/{delegation.id}")
        assert page.status_code == 200
        assert "Wang Li" not in page.text  # pending members are not public
        assert "Phiên dịch Trung – Việt" not in page.text
        assert 'id="add-member"' not in page.text
        refused = public.post(
            f"/events/{open_event}/delegations/{delegation.id}/members",
            data={"full_name": "X"},
        )
        assert refused.status_code == 303  # to log in
        assert refused.headers["location"].startswith("/login")


def test_a_delegate_who_is_not_the_head_cannot_add_members(
    app: FastAPI,
    client: TestClient,
    organiser_headers: Headers,
    db: Session,
    open_event: int,
    delegate: User,
) -> None:
    delegation = client.post(
        f"/api/v1/events/{open_event}/delegations",
        json={"name": "Đoàn Hàn Quốc", "country": "KR", "status": "confirmed"},
        headers=organiser_headers,
    ).json()
    with _browser(app) as browser:
        _log_in(browser, db, delegate)
        page = browser.get(f"/events/{open_event}/delegations/{delegation['id']}")
        assert page.status_code == 200
        assert 'id="add-member"' not in page.text
        response = browser.post(
            f"/events/{open_event}/delegations/{delegation['id']}/members",
            data={"full_name": "Kim Min-jun", "csrf_token": _csrf(page.text)},
        )
        assert response.status_code == 403
        edit = browser.get(f"/events/{open_event}/delegations/{delegation['id']}/edit")
        assert edit.status_code == 403
    assert db.exec(select(func.count()).select_from(Participant)).one() == 0


def test_delegation_pages_in_english(
    browser: TestClient, db: Session, open_event: int, organiser: User
) -> None:
    _log_in(browser, db, organiser)
    page = browser.get(f"/events/{open_event}/delegations?lang=en")
    assert '<html lang="en">' in page.text
    assert "New delegation" in page.text
    assert "No delegations yet." in page.text
    participants = browser.get(f"/events/{open_event}/participants")
    assert "Add a participant" in participants.text
    assert "Pending approval" in participants.text


def test_editing_a_delegation_keeps_its_leading_organisation(
    browser: TestClient,
    client: TestClient,
    organiser_headers: Headers,
    db: Session,
    open_event: int,
    organiser: User,
) -> None:
    itri = client.post(
        "/api/v1/organisations",
        json={"name_vi": "Viện Nghiên cứu Công nghệ Công nghiệp", "country": "TW"},
        headers=organiser_headers,
    ).json()
    delegation = client.post(
        f"/api/v1/events/{open_event}/delegations",
        json={"name": "Đoàn Đài Loan", "country": "TW", "leading_organisation_id": itri["id"]},
        headers=organiser_headers,
    ).json()
    _log_in(browser, db, organiser)
    url = f"/events/{open_event}/delegations/{delegation['id']}/edit"
    form = browser.get(url)
    assert re.search(rf'<option value="{itri["id"]}" selected>', form.text)
    saved = browser.post(
        url,
        data={
            "name": "Đoàn Đài Loan",
            "country": "TW",
            "leading_organisation_id": str(itri["id"]),
            "status": "invited",
            "csrf_token": _csrf(form.text),
        },
    )
    assert saved.status_code == 303, saved.text
    db.expire_all()
    row = db.get(Delegation, delegation["id"])
    assert row is not None
    assert row.leading_organisation_id == itri["id"]
