"""The HTML pages over HTTP: listing, event page, languages, log-in with CSRF, organiser forms."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from app.auth.models import User, WebSession
from app.deps import LANG_COOKIE, SESSION_COOKIE
from app.events.models import Event
from tests.conftest import B2B_SESSION, HAI_PHONG_EVENT, PASSWORD

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

HTML = {"Accept": "text/html,application/xhtml+xml"}
TEA_BREAK = {
    "starts_at": "2027-03-16T15:40:00+07:00",
    "ends_at": "2027-03-16T16:00:00+07:00",
    "label": "Giải lao / Tea break",
}


@pytest.fixture
def browser(app: FastAPI) -> Iterator[TestClient]:
    """A browser: keeps cookies, does not follow redirects (tests look at them)."""
    with TestClient(app, follow_redirects=False, headers=HTML) as test_client:
        yield test_client


@pytest.fixture
def open_event(client: TestClient, organiser_headers: dict[str, str]) -> int:
    event = client.post(
        "/api/v1/events",
        json={**HAI_PHONG_EVENT, "status": "registration_open"},
        headers=organiser_headers,
    )
    assert event.status_code == 201, event.text
    event_id = event.json()["id"]
    session = client.post(
        f"/api/v1/events/{event_id}/sessions",
        json={**B2B_SESSION, "breaks": [TEA_BREAK]},
        headers=organiser_headers,
    )
    assert session.status_code == 201, session.text
    return int(event_id)


def _csrf(page_html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page_html)
    assert match, "no CSRF token in the form"
    return match.group(1)


def _field_error(page_html: str, name: str) -> str:
    """The message shown next to a field (the element the field's aria-describedby names)."""
    match = re.search(rf'<p class="field-error" id="{name}-error"[^>]*>(.*?)</p>', page_html, re.S)
    assert match, f"no message next to {name!r}"
    return html.unescape(match.group(1)).strip()


def _input_value(page_html: str, name: str) -> str:
    match = re.search(rf'<input id="{name}" name="{name}"[^>]*value="([^"]*)"', page_html)
    assert match, f"no input {name!r}"
    return html.unescape(match.group(1))


def _log_in(browser: TestClient, email: str, password: str = PASSWORD, next_: str = "/"):  # type: ignore[no-untyped-def]
    form = browser.get("/login")
    assert form.status_code == 200
    return browser.post(
        "/login",
        data={
            "email": email,
            "password": password,
            "csrf_token": _csrf(form.text),
            "next": next_,
        },
    )


# ---- home and event page ------------------------------------------------------------------


def test_home_lists_the_open_event_with_a_link_to_it(browser: TestClient, open_event: int) -> None:
    home = browser.get("/")
    assert home.status_code == 200
    assert home.headers["content-type"].startswith("text/html")
    assert "Phiên kết nối cung cầu công nghệ Việt Nam – Đài Loan" in home.text
    assert f'href="/events/{open_event}"' in home.text


def test_home_does_not_list_drafts_to_the_public(
    browser: TestClient, client: TestClient, organiser_headers: dict[str, str]
) -> None:
    client.post(
        "/api/v1/events",
        json={**HAI_PHONG_EVENT, "title_vi": "Bản nháp bí mật"},
        headers=organiser_headers,
    )
    assert "Bản nháp bí mật" not in browser.get("/").text


def test_event_page_shows_sessions_and_slot_times(browser: TestClient, open_event: int) -> None:
    page = browser.get(f"/events/{open_event}")
    assert page.status_code == 200
    assert "Kết nối B2B" in page.text
    assert "Phòng họp tầng 2" in page.text
    slots = re.findall(r"\b(\d\d:\d\d)–(\d\d:\d\d)</li>", page.text)
    assert slots == [
        ("14:00", "14:20"),
        ("14:20", "14:40"),
        ("14:40", "15:00"),
        ("15:00", "15:20"),
        ("15:20", "15:40"),
        ("16:00", "16:20"),
        ("16:20", "16:40"),
        ("16:40", "17:00"),
    ]
    assert "15:40–16:00" in page.text  # the break is shown, not offered as a slot
    assert "Giải lao / Tea break" in page.text
    # The time zone as people say it, not the IANA code.
    assert "Giờ Việt Nam (GMT+07:00)" in page.text
    assert "Asia/Ho_Chi_Minh" not in page.text


def test_event_page_of_a_draft_is_404_for_the_public(
    browser: TestClient, client: TestClient, event_id: int
) -> None:
    page = browser.get(f"/events/{event_id}")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert HAI_PHONG_EVENT["title_vi"] not in page.text


# ---- languages ----------------------------------------------------------------------------


def test_pages_are_vietnamese_by_default(browser: TestClient) -> None:
    page = browser.get("/")
    assert '<html lang="vi">' in page.text
    assert "Đăng nhập" in page.text
    assert "Log in" not in page.text


def test_lang_switch_to_english_is_remembered_in_a_cookie(browser: TestClient) -> None:
    english = browser.get("/?lang=en")
    assert '<html lang="en">' in english.text
    assert "Log in" in english.text
    assert "Đăng nhập" not in english.text
    assert browser.cookies.get(LANG_COOKIE) == "en"
    later = browser.get("/login")
    assert '<html lang="en">' in later.text
    back = browser.get("/?lang=vi")
    assert '<html lang="vi">' in back.text
    assert '<html lang="vi">' in browser.get("/").text


def test_accept_language_english_picks_english(browser: TestClient) -> None:
    page = browser.get("/", headers={**HTML, "Accept-Language": "en-GB,en;q=0.9"})
    assert '<html lang="en">' in page.text
    assert "Log in" in page.text


def test_accept_language_preferring_vietnamese_picks_vietnamese(browser: TestClient) -> None:
    page = browser.get("/", headers={**HTML, "Accept-Language": "en;q=0.5, vi;q=0.9"})
    assert '<html lang="vi">' in page.text


def test_unknown_lang_parameter_falls_back_to_vietnamese(browser: TestClient) -> None:
    page = browser.get("/?lang=xx")
    assert page.status_code == 200
    assert '<html lang="vi">' in page.text


def test_dates_are_shown_in_the_readers_language(browser: TestClient, open_event: int) -> None:
    vietnamese = browser.get(f"/events/{open_event}").text
    assert "Thứ Ba, 16/03/2027" in vietnamese
    english = browser.get(f"/events/{open_event}?lang=en").text
    assert "Tuesday, 16/03/2027" in english
    assert "Thứ Ba" not in english


def test_english_page_shows_the_english_title(browser: TestClient, open_event: int) -> None:
    page = browser.get(f"/events/{open_event}?lang=en").text
    assert "<h1>Vietnam – Taiwan Technology Supply–Demand Connection Session</h1>" in page


# ---- log-in, CSRF, log-out ----------------------------------------------------------------


def test_login_without_csrf_token_is_refused(browser: TestClient, organiser: User) -> None:
    browser.get("/login")
    response = browser.post("/login", data={"email": organiser.email, "password": PASSWORD})
    assert response.status_code == 403
    assert SESSION_COOKIE not in response.cookies


def test_login_with_a_forged_csrf_token_is_refused(browser: TestClient, organiser: User) -> None:
    browser.get("/login")
    response = browser.post(
        "/login", data={"email": organiser.email, "password": PASSWORD, "csrf_token": "0" * 64}
    )
    assert response.status_code == 403


def test_csrf_token_from_another_browser_is_refused(
    app: FastAPI, browser: TestClient, organiser: User
) -> None:
    with TestClient(app, follow_redirects=False, headers=HTML) as other:
        token = _csrf(other.get("/login").text)
    browser.get("/login")
    response = browser.post(
        "/login", data={"email": organiser.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 403


def test_login_sets_an_httponly_samesite_session_cookie(
    browser: TestClient, organiser: User, db: Session
) -> None:
    response = _log_in(browser, organiser.email, next_="/events/new")
    assert response.status_code == 303
    assert response.headers["location"] == "/events/new"
    set_cookie = [v for k, v in response.headers.multi_items() if k.lower() == "set-cookie"]
    session_cookie = next(c for c in set_cookie if c.startswith(f"{SESSION_COOKIE}="))
    assert "httponly" in session_cookie.lower()
    assert "samesite=lax" in session_cookie.lower()
    assert db.exec(select(func.count()).select_from(WebSession)).one() == 1
    page = browser.get("/events/new")
    assert page.status_code == 200
    assert "Phạm Thị Sen Quỳnh" in page.text


def test_wrong_password_is_shown_next_to_the_password_field(
    browser: TestClient, organiser: User
) -> None:
    response = _log_in(browser, organiser.email, "wrong-password-123")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("text/html")
    message = _field_error(response.text, "password")
    assert "mật khẩu" in message  # Vietnamese, the default language
    assert _input_value(response.text, "email") == organiser.email
    assert SESSION_COOKIE not in response.cookies


def test_wrong_password_message_in_english(browser: TestClient, organiser: User) -> None:
    browser.get("/?lang=en")
    response = _log_in(browser, organiser.email, "wrong-password-123")
    assert _field_error(response.text, "password") == "wrong e-mail or password"


def test_page_login_is_rate_limited_too(browser: TestClient, organiser: User) -> None:
    for attempt in range(5):
        assert _log_in(browser, organiser.email, f"wrong-{attempt}-password").status_code == 401
    response = _log_in(browser, organiser.email)
    assert response.status_code == 429
    assert SESSION_COOKIE not in response.cookies


def test_logout_ends_the_session_on_the_server(
    app: FastAPI, browser: TestClient, organiser: User, db: Session
) -> None:
    _log_in(browser, organiser.email)
    stolen = browser.cookies.get(SESSION_COOKIE)
    assert stolen
    page = browser.get("/")
    response = browser.post("/logout", data={"csrf_token": _csrf(page.text)})
    assert response.status_code == 303
    assert db.exec(select(func.count()).select_from(WebSession)).one() == 0
    # Whoever kept a copy of the old cookie is not logged in with it.
    with TestClient(app, follow_redirects=False, headers=HTML) as other:
        other.cookies.set(SESSION_COOKIE, stolen)
        again = other.get("/events/new")
    assert again.status_code == 303
    assert again.headers["location"].startswith("/login")


def test_logout_without_csrf_token_is_refused(browser: TestClient, organiser: User) -> None:
    _log_in(browser, organiser.email)
    assert browser.post("/logout", data={}).status_code == 403
    assert browser.get("/events/new").status_code == 200


@pytest.mark.parametrize(
    "target", ["//evil.example", "https://evil.example/", "/\\evil.example", "evil.example"]
)
def test_login_never_redirects_off_site(browser: TestClient, organiser: User, target: str) -> None:
    response = _log_in(browser, organiser.email, next_=target)
    assert response.status_code == 303
    assert response.headers["location"] == "/"


def test_login_page_with_an_off_site_next_keeps_it_off_the_form(browser: TestClient) -> None:
    page = browser.get("/login?next=//evil.example")
    assert '<input type="hidden" name="next" value="/">' in page.text


# ---- organiser forms ----------------------------------------------------------------------


EVENT_FORM = {
    "title_vi": "Chợ công nghệ và thiết bị Hải Phòng 2027",
    "title_en": "Hai Phong Technology and Equipment Market 2027",
    "organiser_unit": "Sở Khoa học và Công nghệ Hải Phòng",
    "venue": "Trung tâm Hội nghị thành phố Hải Phòng",
    "address": "Số 18 Hoàng Diệu",
    "timezone": "Asia/Ho_Chi_Minh",
    "start_date": "2027-05-20",
    "end_date": "2027-05-21",
    "languages": "vi, en",
    "registration_opens_at": "",
    "registration_closes_at": "2027-05-10T17:00",
    "slot_minutes": "20",
    "meeting_cap": "10",
    "booking_mode": "organiser",
    "status": "registration_open",
    "description_vi": "",
    "description_en": "",
}


@pytest.fixture
def organiser_browser(browser: TestClient, organiser: User) -> TestClient:
    assert _log_in(browser, organiser.email).status_code == 303
    return browser


def test_organiser_creates_an_event_through_the_form(
    organiser_browser: TestClient, db: Session
) -> None:
    form = organiser_browser.get("/events/new")
    response = organiser_browser.post(
        "/events/new", data={**EVENT_FORM, "csrf_token": _csrf(form.text)}
    )
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    match = re.fullmatch(r"/events/(\d+)(\?.*)?", location)
    assert match, location
    page = organiser_browser.get(location)
    assert page.status_code == 200
    assert "Chợ công nghệ và thiết bị Hải Phòng 2027" in page.text
    event = db.get(Event, int(match.group(1)))
    assert event is not None
    assert event.languages == ["vi", "en"]
    assert event.registration_closes_at is not None
    assert event.registration_closes_at.isoformat() == "2027-05-10T10:00:00+00:00"


def test_event_form_without_csrf_creates_nothing(
    organiser_browser: TestClient, db: Session
) -> None:
    response = organiser_browser.post("/events/new", data=EVENT_FORM)
    assert response.status_code == 403
    assert db.exec(select(func.count()).select_from(Event)).one() == 0


def test_event_form_end_before_start_shows_the_message_next_to_end_date(
    organiser_browser: TestClient, db: Session
) -> None:
    form = organiser_browser.get("/events/new")
    response = organiser_browser.post(
        "/events/new",
        data={**EVENT_FORM, "end_date": "2027-05-19", "csrf_token": _csrf(form.text)},
    )
    assert response.status_code == 422
    assert _field_error(response.text, "end_date")
    assert _input_value(response.text, "title_vi") == EVENT_FORM["title_vi"]
    assert _input_value(response.text, "end_date") == "2027-05-19"
    assert _input_value(response.text, "venue") == EVENT_FORM["venue"]
    assert db.exec(select(func.count()).select_from(Event)).one() == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title_vi", ""),
        ("start_date", "20/05/2027"),
        ("meeting_cap", "0"),
        ("slot_minutes", "abc"),
        ("timezone", "Asia/Hai_Phong"),
    ],
)
def test_event_form_errors_are_shown_next_to_their_field(
    organiser_browser: TestClient, field: str, value: str
) -> None:
    form = organiser_browser.get("/events/new")
    response = organiser_browser.post(
        "/events/new", data={**EVENT_FORM, field: value, "csrf_token": _csrf(form.text)}
    )
    assert response.status_code == 422, response.text
    assert _field_error(response.text, field)


def test_organiser_edits_the_event_through_the_form(
    organiser_browser: TestClient, open_event: int, db: Session
) -> None:
    form = organiser_browser.get(f"/events/{open_event}/edit")
    assert _input_value(form.text, "title_vi") == HAI_PHONG_EVENT["title_vi"]
    response = organiser_browser.post(
        f"/events/{open_event}/edit",
        data={
            **EVENT_FORM,
            "start_date": "2027-03-16",
            "end_date": "2027-03-16",
            "venue": "Khách sạn Mường Thanh",
            "csrf_token": _csrf(form.text),
        },
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"].startswith(f"/events/{open_event}")
    db.expire_all()
    event = db.get(Event, open_event)
    assert event is not None
    assert event.venue == "Khách sạn Mường Thanh"


SESSION_FORM = {
    "kind": "matchmaking",
    "title_vi": "Kết nối B2B buổi chiều",
    "title_en": "Afternoon B2B meetings",
    "room": "Phòng 204",
    "day": "2027-03-16",
    "start": "14:00",
    "end": "17:00",
    "slot_minutes": "20",
    "gap_minutes": "0",
    "table_count": "12",
    "breaks": "15:40-16:00 Giải lao",
}


def test_organiser_adds_a_session_through_the_form(
    organiser_browser: TestClient, open_event: int
) -> None:
    form = organiser_browser.get(f"/events/{open_event}/sessions/new")
    response = organiser_browser.post(
        f"/events/{open_event}/sessions/new",
        data={**SESSION_FORM, "csrf_token": _csrf(form.text)},
    )
    assert response.status_code == 303, response.text
    page = organiser_browser.get(f"/events/{open_event}").text
    assert "Kết nối B2B buổi chiều" in page
    assert "Phòng 204" in page


def test_session_form_bad_break_line_is_shown_next_to_breaks(
    organiser_browser: TestClient, open_event: int
) -> None:
    form = organiser_browser.get(f"/events/{open_event}/sessions/new")
    response = organiser_browser.post(
        f"/events/{open_event}/sessions/new",
        data={**SESSION_FORM, "breaks": "15:40 nghỉ", "csrf_token": _csrf(form.text)},
    )
    assert response.status_code == 422
    assert _field_error(response.text, "breaks")
    assert "15:40 nghỉ" in response.text  # the typed text is kept for correction
    assert _input_value(response.text, "title_vi") == SESSION_FORM["title_vi"]


def test_session_form_break_outside_the_session_is_shown_next_to_breaks(
    organiser_browser: TestClient, open_event: int
) -> None:
    form = organiser_browser.get(f"/events/{open_event}/sessions/new")
    response = organiser_browser.post(
        f"/events/{open_event}/sessions/new",
        data={**SESSION_FORM, "breaks": "17:30-17:45 Tiệc", "csrf_token": _csrf(form.text)},
    )
    assert response.status_code == 422
    assert _field_error(response.text, "breaks")


def test_session_form_bad_time_is_shown_next_to_the_field(
    organiser_browser: TestClient, open_event: int
) -> None:
    form = organiser_browser.get(f"/events/{open_event}/sessions/new")
    response = organiser_browser.post(
        f"/events/{open_event}/sessions/new",
        data={**SESSION_FORM, "end": "5pm", "csrf_token": _csrf(form.text)},
    )
    assert response.status_code == 422
    assert _field_error(response.text, "end")
