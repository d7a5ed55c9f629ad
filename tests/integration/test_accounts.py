"""The way in, over HTTP with real forms and a real SMTP server: sign-up with confirmation,
invitations, password reset, sign-in links, the account page; link tokens are single-use,
expiring, stored as digests and void after a password change; no account enumeration; rate
limits; no takeover of an account or a registration."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select, text

from app.accounts.models import AccountToken, LinkRequest
from app.auth.models import ApiToken, User
from app.auth.service import get_user_by_email, start_web_session
from app.deps import CSRF_COOKIE, LANG_COOKIE, SESSION_COOKIE
from app.notifications.sender import SmtpConfig
from app.registration.models import Participant
from app.settings import get_settings
from app.types import utcnow
from tests.accounts_mail import Inbox, body, deliver, link_in, smtp_server
from tests.conftest import B2B_SESSION, HAI_PHONG_EVENT, PASSWORD, token_for

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

HTML = {"Accept": "text/html,application/xhtml+xml"}
Headers = dict[str, str]
NEW_PASSWORD = "mat-khau-moi-2027"
STRANGER = "hoa.nguyen@thucpham-hp.example"


@pytest.fixture
def mail() -> Iterator[tuple[Inbox, SmtpConfig]]:
    with smtp_server() as pair:
        yield pair


@pytest.fixture
def open_event(client: TestClient, organiser_headers: Headers) -> int:
    event = client.post(
        "/api/v1/events",
        json={**HAI_PHONG_EVENT, "status": "registration_open"},
        headers=organiser_headers,
    )
    assert event.status_code == 201, event.text
    event_id = int(event.json()["id"])
    made = client.post(
        f"/api/v1/events/{event_id}/sessions", json=B2B_SESSION, headers=organiser_headers
    )
    assert made.status_code == 201, made.text
    return event_id


def _browser(app: FastAPI) -> TestClient:
    return TestClient(app, follow_redirects=False, headers=HTML)


@pytest.fixture
def browser(app: FastAPI) -> Iterator[TestClient]:
    with _browser(app) as test_client:
        yield test_client


def _csrf(page_html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page_html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def _text(page_html: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page_html)))


def _field_error(page_html: str, name: str) -> str:
    match = re.search(rf'<p class="field-error" id="{name}-error"[^>]*>(.*?)</p>', page_html, re.S)
    assert match, f"no message next to {name!r}"
    return html.unescape(match.group(1)).strip()


def _post(browser: TestClient, page: str, action: str, data: dict[str, str]):  # type: ignore[no-untyped-def]
    shown = browser.get(page)
    assert shown.status_code == 200, shown.text
    return browser.post(action, data={**data, "csrf_token": _csrf(shown.text)})


def _use(browser: TestClient, link: str, data: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    """Open a link from an e-mail and press its button (or submit its form)."""
    shown = browser.get(link)
    assert shown.status_code == 200, shown.text
    token = re.search(r'name="token" value="([^"]+)"', shown.text)
    assert token
    action = link.split("?")[0]
    return browser.post(
        action, data={"token": token.group(1), "csrf_token": _csrf(shown.text), **(data or {})}
    )


def _signup(browser: TestClient, event_id: int, **overrides: str):  # type: ignore[no-untyped-def]
    data = {
        "email": STRANGER,
        "password": "hoa-dang-ky-2027",
        "full_name": "Nguyễn Thị Hoa",
        "position": "Giám đốc",
        "phone": "0912 345 678",
        "languages": "vi",
        "role": "delegate",
        "organisation_id": "new",
        "org_name_vi": "Công ty Thực phẩm Hải Phòng",
        "org_kind": "enterprise",
        "org_country": "VN",
        **overrides,
    }
    return _post(browser, f"/events/{event_id}/signup", f"/events/{event_id}/signup", data)


def _logged_in(browser: TestClient) -> bool:
    return browser.get("/account").status_code == 200


# ---- sign-up --------------------------------------------------------------------------------


def test_the_organisation_search_inside_sign_up_keeps_what_was_typed_and_saves_nothing(
    browser: TestClient, db: Session, open_event: int
) -> None:
    found = _signup(browser, open_event, action="find_org", org_q="thuc pham")
    assert found.status_code == 200, _text(found.text)
    # Nothing was created: the search is not a submission.
    assert get_user_by_email(db, STRANGER) is None
    # What the person typed is still there, the password is not echoed, the query stays.
    assert f'value="{STRANGER}"' in found.text
    assert 'value="Nguyễn Thị Hoa"' in found.text
    assert "hoa-dang-ky-2027" not in found.text
    assert 'id="org_q" name="org_q" value="thuc pham"' in found.text
    # Countries are chosen by name, never typed as a code.
    assert '<option value="TW"' in found.text
    assert "Đài Loan (Trung Quốc)" in found.text


def test_a_search_that_finds_one_organisation_chooses_it_and_asks_for_the_password_again(
    browser: TestClient, client: TestClient, organiser_headers: Headers, open_event: int
) -> None:
    """Session 29's walk: the one organisation found was not chosen ("a new organisation"
    stayed ticked, a duplicate was easy to make) and the password was emptied unsaid."""
    made = client.post(
        "/api/v1/organisations",
        json={"name_vi": "Công ty TNHH Robot Đài Bắc", "kind": "enterprise", "country": "TW"},
        headers=organiser_headers,
    )
    assert made.status_code == 201, made.text
    org_id = made.json()["id"]
    found = _signup(browser, open_event, action="find_org", org_q="robot dai bac", org_name_vi="")
    assert found.status_code == 200
    assert re.search(rf'name="organisation_id" value="{org_id}"\s+checked', found.text)
    assert not re.search(r'name="organisation_id" value="new"\s+checked', found.text)
    assert 'data-testid="password-again"' in found.text
    assert "Hãy gõ lại mật khẩu" in _text(found.text)
    # a search finding several, or a new organisation being described, chooses nothing
    described = _signup(browser, open_event, action="find_org", org_q="robot dai bac")
    assert re.search(r'name="organisation_id" value="new"\s+checked', described.text)


def test_sign_up_gives_an_account_and_a_registration_that_waits_for_confirmation(
    app: FastAPI,
    browser: TestClient,
    db: Session,
    open_event: int,
    organiser,  # type: ignore[no-untyped-def]
    mail: tuple[Inbox, SmtpConfig],
) -> None:
    inbox, config = mail
    event_page = browser.get(f"/events/{open_event}")
    assert f'href="/events/{open_event}/signup"' in event_page.text

    done = _signup(browser, open_event)
    assert done.status_code == 303, _text(done.text)
    assert done.headers["location"] == f"/signup/sent?event={open_event}"
    user = get_user_by_email(db, STRANGER)
    assert user is not None
    assert user.email_confirmed_at is None
    person = db.exec(select(Participant).where(Participant.email == STRANGER)).one()
    assert person.user_id == user.id
    assert person.status == "pending"

    # The organiser sees the sign-up apart from the queue and cannot approve it yet.
    with _browser(app) as desk:
        key = start_web_session(db, get_settings(), user=organiser)
        db.commit()
        desk.cookies.set(SESSION_COOKIE, key)
        listing = desk.get(f"/events/{open_event}/participants")
        assert "Chờ xác nhận e-mail" in _text(listing.text)
        assert "Chờ xác nhận e-mail: 1" in _text(listing.text)
        refused = desk.post(
            f"/events/{open_event}/participants/{person.id}/decision",
            data={"status": "approved", "csrf_token": _csrf(listing.text)},
        )
        assert refused.status_code == 409
        assert "chưa xác nhận" in _text(refused.text)

    assert deliver(db, config) == 1
    message = inbox.last_to(STRANGER)
    assert "Xác nhận" in str(message["Subject"])
    link = link_in(message, "/account/confirm")
    assert "http://127.0.0.1:8000/account/confirm?token=" in body(message)
    # The database holds the digest only, never the token of the link.
    raw = link.split("token=")[1]
    assert db.exec(select(AccountToken).where(AccountToken.token_hash == raw)).first() is None
    dumped = db.execute(text("SELECT * FROM account_token")).all()
    assert raw not in repr(dumped)

    confirmed = _use(browser, link)
    assert confirmed.status_code == 303
    assert confirmed.headers["location"].startswith(f"/events/{open_event}/me")
    db.expire_all()
    assert get_user_by_email(db, STRANGER).email_confirmed_at is not None  # type: ignore[union-attr]
    mine = browser.get(f"/events/{open_event}/me?flash=email-confirmed")
    assert "đã được xác nhận" in _text(mine.text)
    # Single use: the same link again is refused.
    with _browser(app) as other:
        again = other.get(link)
        assert again.status_code == 410
        assert "không còn dùng được" in _text(again.text)


def test_sign_up_shows_every_error_at_once_and_writes_nothing(
    browser: TestClient, db: Session, open_event: int
) -> None:
    refused = _signup(browser, open_event, email="not-an-address", password="short", full_name="")
    assert refused.status_code == 422
    assert _field_error(refused.text, "email")
    assert _field_error(refused.text, "password") == "ít nhất 10 ký tự"
    assert _field_error(refused.text, "full_name")
    assert all(u.email != "not-an-address" for u in db.exec(select(User)).all())


def test_closed_registration_says_so_with_the_dates(
    client: TestClient, browser: TestClient, organiser_headers: Headers
) -> None:
    opens = (utcnow() + timedelta(days=10)).isoformat()
    event = client.post(
        "/api/v1/events",
        json={**HAI_PHONG_EVENT, "status": "registration_open", "registration_opens_at": opens},
        headers=organiser_headers,
    )
    assert event.status_code == 201, event.text
    page = browser.get(f"/events/{event.json()['id']}/signup")
    assert page.status_code == 200
    shown = _text(page.text)
    assert "Mở đăng ký từ " in shown  # when: "Mở đăng ký từ Thứ …, dd/mm/yyyy hh:mm."
    assert "Quay lại sự kiện" in shown


def test_sign_up_after_registration_says_why_and_leads_on(
    client: TestClient, browser: TestClient, organiser_headers: Headers
) -> None:
    """A stranger following an old link to the sign-up of an event past registration, or of
    one long over, is told which and led to the event and the other events: no dead end."""
    published = client.post(
        "/api/v1/events", json={**HAI_PHONG_EVENT, "status": "published"}, headers=organiser_headers
    )
    over = client.post(
        "/api/v1/events",
        json={
            **HAI_PHONG_EVENT,
            "start_date": "2023-11-16",
            "end_date": "2023-11-16",
            "status": "closed",
        },
        headers=organiser_headers,
    )
    for created, reason in ((published, "Đã hết hạn đăng ký."), (over, "Sự kiện này đã kết thúc.")):
        assert created.status_code == 201, created.text
        event_id = created.json()["id"]
        page = browser.get(f"/events/{event_id}/signup")
        assert page.status_code == 200
        shown = _text(page.text)
        assert reason in shown
        assert (
            f'<a class="button primary" href="/events/{event_id}">Quay lại sự kiện</a>' in page.text
        )
        assert '<a class="button" href="/">Về danh sách sự kiện</a>' in page.text


def test_sign_up_never_takes_over_an_account_or_a_registration(
    browser: TestClient,
    client: TestClient,
    db: Session,
    open_event: int,
    delegate: User,
    organiser_headers: Headers,
    mail: tuple[Inbox, SmtpConfig],
) -> None:
    """A sign-up naming a taken address changes nothing, answers as for a new address (no
    enumeration), and the address's owner receives a way in by e-mail."""
    inbox, config = mail
    before = delegate.password_hash
    taken = _signup(browser, open_event, email=delegate.email.upper())
    fresh = _signup(browser, open_event, email="moi.hoan.toan@x.example")
    assert taken.status_code == fresh.status_code == 303
    assert taken.headers["location"] == fresh.headers["location"]
    db.expire_all()
    assert db.get(User, delegate.id).password_hash == before  # type: ignore[union-attr]
    assert db.exec(select(Participant).where(Participant.email == delegate.email)).first() is None

    added = client.post(
        f"/api/v1/events/{open_event}/participants",
        json={"full_name": "Trần Văn Nam", "email": "nam@cokhi.example", "for_self": False},
        headers=organiser_headers,
    )
    assert added.status_code == 201, added.text
    again = _signup(browser, open_event, email="nam@cokhi.example", full_name="Kẻ mạo danh")
    assert again.status_code == 303
    assert get_user_by_email(db, "nam@cokhi.example") is None
    db.expire_all()
    person = db.get(Participant, int(added.json()["id"]))
    assert person is not None
    assert person.full_name == "Trần Văn Nam"
    assert person.user_id is None

    deliver(db, config)
    assert "đã có tài khoản" in str(inbox.last_to(delegate.email)["Subject"])
    link_in(inbox.last_to(delegate.email), "/login/link/use")
    link_in(inbox.last_to("nam@cokhi.example"), "/invitation")


def test_an_account_made_with_someone_elses_address_does_not_become_them(
    app: FastAPI,
    client: TestClient,
    db: Session,
    open_event: int,
    organiser_headers: Headers,
    other_organiser_headers: Headers,
    mail: tuple[Inbox, SmtpConfig],
) -> None:
    """Issue 15 item 7: an organiser of another event makes an account with a participant's
    address; the account does not see or act for the registration until the address's owner
    proves it with a link."""
    inbox, config = mail
    added = client.post(
        f"/api/v1/events/{open_event}/participants",
        json={"full_name": "Trần Văn Nam", "email": "nam@cokhi.example", "for_self": False},
        headers=organiser_headers,
    )
    assert added.status_code == 201
    made = client.post(
        "/api/v1/users",
        json={
            "email": "nam@cokhi.example",
            "full_name": "Kẻ mạo danh",
            "password": "mao-danh-12345",
            "role": "delegate",
        },
        headers=other_organiser_headers,
    )
    assert made.status_code == 201, made.text
    impostor = token_for(client, "nam@cokhi.example", "mao-danh-12345")
    mine = client.get(f"/api/v1/events/{open_event}/participants/me", headers=impostor)
    assert mine.status_code in (403, 404), mine.text
    with _browser(app) as page:
        key = start_web_session(db, get_settings(), user=get_user_by_email(db, "nam@cokhi.example"))  # type: ignore[arg-type]
        db.commit()
        page.cookies.set(SESSION_COOKIE, key)
        assert page.get(f"/events/{open_event}/me").headers["location"].endswith("/register")

    # The real owner resets the password from the mailbox: the address is proved, the
    # registration is theirs, and the impostor's sessions and tokens are gone.
    with _browser(app) as owner:
        _post(owner, "/forgot-password", "/forgot-password", {"email": "nam@cokhi.example"})
        deliver(db, config)
        done = _use(
            owner,
            link_in(inbox.last_to("nam@cokhi.example"), "/reset-password"),
            {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
        )
        assert done.status_code == 303
        assert done.headers["location"].startswith(f"/events/{open_event}/me")
        assert owner.get(f"/events/{open_event}/me").status_code == 200
    assert client.get("/api/v1/users/me", headers=impostor).status_code == 401


def test_an_administrator_vouches_for_the_accounts_they_make(
    client: TestClient, db: Session, admin: User
) -> None:
    made = client.post(
        "/api/v1/users",
        json={"email": "lan@vien.example", "full_name": "Lan", "password": PASSWORD},
        headers=token_for(client, admin.email),
    )
    assert made.status_code == 201
    assert get_user_by_email(db, "lan@vien.example").email_confirmed_at is not None  # type: ignore[union-attr]


# ---- links: reset, sign-in, no enumeration, rate limits ------------------------------------


def _normalised(page: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]+"', "", page)


def test_link_requests_answer_the_same_whether_or_not_the_account_exists(
    app: FastAPI, db: Session, delegate: User, mail: tuple[Inbox, SmtpConfig]
) -> None:
    inbox, config = mail
    for action in ("/forgot-password", "/login/link", "/account/confirm/resend"):
        with _browser(app) as one, _browser(app) as two:
            known = _post(one, action, action, {"email": delegate.email})
            unknown = _post(two, action, action, {"email": "nobody@nowhere.example"})
            assert known.status_code == unknown.status_code == 200
            assert _normalised(known.text).replace(delegate.email, "X") == _normalised(
                unknown.text
            ).replace("nobody@nowhere.example", "X")
    deliver(db, config)
    # Reset and sign-in reached the account; the confirmed account gets no confirmation.
    assert len(inbox.to(delegate.email)) == 2
    assert inbox.to("nobody@nowhere.example") == []


def test_link_requests_are_rate_limited_per_address_and_per_client(
    app: FastAPI, db: Session, delegate: User
) -> None:
    with _browser(app) as page:
        codes = [
            _post(
                page, "/forgot-password", "/forgot-password", {"email": delegate.email}
            ).status_code
            for _ in range(4)
        ]
        assert codes == [200, 200, 200, 429]
        other = _post(page, "/forgot-password", "/forgot-password", {"email": "khac@x.example"})
        assert other.status_code == 200
        # The unknown address is limited the same way (no enumeration by the limit).
        unknown = [
            _post(page, "/login/link", "/login/link", {"email": "ai@x.example"}).status_code
            for _ in range(4)
        ]
        assert unknown == [200, 200, 200, 429]
        assert "15 phút" in _text(
            _post(page, "/login/link", "/login/link", {"email": "ai@x.example"}).text
        )
    # Per client: many addresses from one client stop at the client's limit.
    db.exec(text("DELETE FROM link_request"))  # type: ignore[call-overload]
    db.commit()
    with _browser(app) as page:
        codes = [
            _post(page, "/login/link", "/login/link", {"email": f"p{i}@x.example"}).status_code
            for i in range(22)
        ]
        assert codes.count(200) == 20
        assert codes[-1] == 429
    assert db.exec(select(LinkRequest)).first() is not None


def test_password_reset_is_single_use_and_ends_the_old_sessions(
    app: FastAPI, client: TestClient, db: Session, delegate: User, mail: tuple[Inbox, SmtpConfig]
) -> None:
    inbox, config = mail
    old = _browser(app)
    old.cookies.set(SESSION_COOKIE, start_web_session(db, get_settings(), user=delegate))
    db.commit()
    api = token_for(client, delegate.email)
    assert _logged_in(old)

    with _browser(app) as page:
        assert 'href="/forgot-password"' in page.get("/login").text
        _post(page, "/forgot-password", "/forgot-password", {"email": delegate.email})
        deliver(db, config)
        link = link_in(inbox.last_to(delegate.email), "/reset-password")
        short = _use(page, link, {"password": "ngan", "password_again": "khac"})
        assert short.status_code == 422
        assert _field_error(short.text, "password") == "ít nhất 10 ký tự"
        assert _field_error(short.text, "password_again")
        done = _use(page, link, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
        assert done.status_code == 303
        assert _logged_in(page)
        assert page.get(link).status_code == 410  # spent
    assert not _logged_in(old)
    assert client.get("/api/v1/users/me", headers=api).status_code == 401
    token_for(client, delegate.email, NEW_PASSWORD)
    old.close()


def test_links_expire_and_die_with_a_password_change(
    app: FastAPI, db: Session, delegate: User, mail: tuple[Inbox, SmtpConfig]
) -> None:
    inbox, config = mail
    with _browser(app) as page:
        _post(page, "/forgot-password", "/forgot-password", {"email": delegate.email})
        _post(page, "/login/link", "/login/link", {"email": delegate.email})
        deliver(db, config)
        reset = link_in(inbox.to(delegate.email)[0], "/reset-password")
        sign_in = link_in(inbox.to(delegate.email)[1], "/login/link/use")
        # Expired: the sign-in link lives 20 minutes.
        row = db.exec(select(AccountToken).where(AccountToken.purpose == "sign_in_link")).one()
        row.expires_at = utcnow() - timedelta(seconds=1)
        db.add(row)
        db.commit()
        assert page.get(sign_in).status_code == 410
        # A password change (account page) voids the outstanding reset link.
        page.cookies.set(SESSION_COOKIE, start_web_session(db, get_settings(), user=delegate))
        db.commit()
        wrong = _post(
            page,
            "/account",
            "/account/password",
            {
                "current_password": "sai-mat-khau",
                "new_password": NEW_PASSWORD,
                "password_again": NEW_PASSWORD,
            },
        )
        assert wrong.status_code == 422
        assert _field_error(wrong.text, "current_password")
        changed = _post(
            page,
            "/account",
            "/account/password",
            {
                "current_password": PASSWORD,
                "new_password": NEW_PASSWORD,
                "password_again": NEW_PASSWORD,
            },
        )
        assert changed.status_code == 303
        assert _logged_in(page)  # the session that changed it stays
        assert page.get(reset).status_code == 410


def test_sign_in_link_signs_in_once(
    app: FastAPI, db: Session, delegate: User, mail: tuple[Inbox, SmtpConfig]
) -> None:
    inbox, config = mail
    with _browser(app) as page:
        assert 'href="/login/link"' in page.get("/login").text
        _post(page, "/login/link", "/login/link", {"email": delegate.email})
        deliver(db, config)
        link = link_in(inbox.last_to(delegate.email), "/login/link/use")
        assert not _logged_in(page)
        assert _use(page, link).status_code == 303
        assert _logged_in(page)
    with _browser(app) as again:
        assert again.get(link).status_code == 410
        token = link.split("token=")[1]
        spent = again.post(
            "/login/link/use",
            data={"token": token, "csrf_token": _csrf(again.get("/login").text)},
        )
        assert spent.status_code == 410
        assert not _logged_in(again)


def test_forms_without_csrf_are_refused(browser: TestClient, delegate: User) -> None:
    for action in ("/forgot-password", "/login/link", "/account/confirm/resend"):
        assert browser.post(action, data={"email": delegate.email}).status_code == 403


def test_a_form_from_a_restored_tab_says_nothing_was_saved_and_opens_it_again(
    browser: TestClient, delegate: User
) -> None:
    """A phone's browser closed and its tab restored: the form's token no longer matches.
    The page says so in the reader's language and leads back to the form, not to a bare
    "not allowed"; the anchor cookie lasts a year, so this is rare."""
    page = browser.get("/forgot-password")
    anchor = page.headers["set-cookie"]
    assert f"{CSRF_COOKIE}=" in anchor
    assert "Max-Age=31536000" in anchor
    token = _csrf(page.text)
    browser.cookies.clear()  # the browser's cookies are gone, the tab's page is not
    for lang, heading, saying, button in (
        ("vi", "Biểu mẫu đã hết hạn", "Chưa có gì được lưu", "Mở lại biểu mẫu"),
        ("en", "This form has expired", "Nothing was saved", "Open the form again"),
    ):
        browser.cookies.set(LANG_COOKIE, lang)
        refused = browser.post(
            "/forgot-password",
            data={"email": delegate.email, "csrf_token": token},
            headers={"Referer": "http://testserver/forgot-password?next=/events/1"},
        )
        assert refused.status_code == 403
        shown = _text(refused.text)
        assert heading in shown
        assert saying in shown
        assert "not allowed" not in shown
        assert f'href="/forgot-password?next=/events/1">{button}</a>' in refused.text
    # a Referer from elsewhere is not followed: the form's own address instead
    browser.cookies.set(LANG_COOKIE, "vi")
    refused = browser.post(
        "/forgot-password",
        data={"email": delegate.email, "csrf_token": token},
        headers={"Referer": "https://elsewhere.example/forgot-password"},
    )
    assert 'href="/forgot-password">Mở lại biểu mẫu</a>' in refused.text


def test_a_form_sent_after_the_session_ended_leads_to_log_in_saying_it_was_not_saved(
    browser: TestClient, db: Session, delegate: User
) -> None:
    """The log-in session ended while a page was open: its form, sent, is not saved. The
    person is asked to log in with that said, and comes back to the page the form was on
    (not to the address it posted to, which has no page)."""
    browser.cookies.set(SESSION_COOKIE, start_web_session(db, get_settings(), user=delegate))
    db.commit()
    page = browser.get("/account")
    browser.cookies.delete(SESSION_COOKIE)
    sent = browser.post(
        "/account/language",
        data={"locale": "en", "csrf_token": _csrf(page.text)},
        headers={"Referer": "http://testserver/account"},
    )
    assert sent.status_code in (302, 303)
    assert sent.headers["location"] == "/login?next=%2Faccount&unsaved=1"
    for lang, saying in (
        ("vi", "Phiên đăng nhập đã kết thúc nên những gì bạn vừa gửi chưa được lưu"),
        ("en", "Your log-in session had ended, so what you just sent was not saved"),
    ):
        browser.cookies.set(LANG_COOKIE, lang)
        login = browser.get(sent.headers["location"])
        assert saying in _text(login.text)
        assert 'name="next" value="/account"' in login.text
    db.expire_all()
    assert db.get(User, delegate.id).locale != "en"  # type: ignore[union-attr]
    # a page asked for without a session says nothing of the kind
    assert "not saved" not in _text(browser.get(browser.get("/account").headers["location"]).text)


# ---- the account page ----------------------------------------------------------------------


def test_account_page_changes_the_language_of_the_emails(
    browser: TestClient, db: Session, delegate: User
) -> None:
    browser.cookies.set(SESSION_COOKIE, start_web_session(db, get_settings(), user=delegate))
    db.commit()
    page = browser.get("/account")
    assert delegate.email in page.text
    saved = browser.post("/account/language", data={"locale": "en", "csrf_token": _csrf(page.text)})
    assert saved.status_code == 303
    db.expire_all()
    assert db.get(User, delegate.id).locale == "en"  # type: ignore[union-attr]
    bad = browser.post("/account/language", data={"locale": "fr", "csrf_token": _csrf(page.text)})
    assert bad.status_code == 422


# ---- invitations ----------------------------------------------------------------------------


def test_organiser_invites_and_the_person_joins(
    app: FastAPI,
    client: TestClient,
    db: Session,
    open_event: int,
    organiser: User,
    organiser_headers: Headers,
    mail: tuple[Inbox, SmtpConfig],
) -> None:
    inbox, config = mail
    ids = []
    for name, email, languages in (
        ("Lin Chen", "lin@itri.example.tw", ["zh", "en"]),
        ("Lê Văn Bình", "binh@cokhi.example", ["vi"]),
        ("Không Thư", None, ["vi"]),
    ):
        made = client.post(
            f"/api/v1/events/{open_event}/participants",
            json={"full_name": name, "email": email, "languages": languages, "for_self": False},
            headers=organiser_headers,
        )
        assert made.status_code == 201, made.text
        ids.append(int(made.json()["id"]))
    with _browser(app) as desk:
        desk.cookies.set(SESSION_COOKIE, start_web_session(db, get_settings(), user=organiser))
        db.commit()
        listing = desk.get(f"/events/{open_event}/participants")
        assert "Chưa mời" in _text(listing.text)
        sent = desk.post(
            f"/events/{open_event}/participants/invite-all",
            data={"csrf_token": _csrf(listing.text)},
        )
        assert sent.status_code == 303
        shown = _text(desk.get(f"/events/{open_event}/participants").text)
        assert shown.count("Đã mời") == 2
        assert "Không có e-mail" in shown
        assert deliver(db, config) == 2
        english = inbox.last_to("lin@itri.example.tw")
        assert "invitation" in str(english["Subject"]).lower()
        assert "Lời mời" in str(inbox.last_to("binh@cokhi.example")["Subject"])
        # Sending again replaces the first link.
        first = link_in(english, "/invitation")
        listing = desk.get(f"/events/{open_event}/participants")
        again = desk.post(
            f"/events/{open_event}/participants/{ids[0]}/invite",
            data={"csrf_token": _csrf(listing.text)},
        )
        assert again.status_code == 303
        deliver(db, config)
        second = link_in(inbox.last_to("lin@itri.example.tw"), "/invitation")
        assert first != second

    with _browser(app) as lin:
        assert lin.get(first).status_code == 410
        joined = _use(lin, second, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
        assert joined.status_code == 303
        assert joined.headers["location"].startswith(f"/events/{open_event}/me")
        me = lin.get(f"/events/{open_event}/me")
        assert me.status_code == 200
        assert "Lin Chen" in me.text
        assert lin.get(second).status_code == 410
    db.expire_all()
    person = db.get(Participant, ids[0])
    account = get_user_by_email(db, "lin@itri.example.tw")
    assert person is not None
    assert account is not None
    assert person.user_id == account.id
    assert account.locale == "en"
    assert account.email_confirmed_at is not None
    with _browser(app) as desk:
        desk.cookies.set(SESSION_COOKIE, start_web_session(db, get_settings(), user=organiser))
        db.commit()
        shown = _text(desk.get(f"/events/{open_event}/participants").text)
        assert "Đã tham gia" in shown


def test_only_the_events_organisers_invite(
    app: FastAPI,
    client: TestClient,
    db: Session,
    open_event: int,
    organiser_headers: Headers,
    other_organiser: User,
) -> None:
    made = client.post(
        f"/api/v1/events/{open_event}/participants",
        json={"full_name": "Bình", "email": "binh@cokhi.example", "for_self": False},
        headers=organiser_headers,
    )
    with _browser(app) as page:
        page.cookies.set(
            SESSION_COOKIE, start_web_session(db, get_settings(), user=other_organiser)
        )
        db.commit()
        csrf = _csrf(page.get("/account").text)
        refused = page.post(
            f"/events/{open_event}/participants/{made.json()['id']}/invite",
            data={"csrf_token": csrf},
        )
        assert refused.status_code in (403, 404)
    assert db.exec(select(AccountToken)).first() is None
    assert db.exec(select(ApiToken).where(col(ApiToken.revoked_at).is_not(None))).first() is None


def test_a_link_is_spent_once_under_concurrent_use(db: Session, delegate: User) -> None:
    """Real connections racing to use one sign-in link: exactly one wins, every round."""
    import threading

    from app.accounts import service as accounts
    from app.accounts.models import Purpose
    from app.db import get_engine

    rounds, racers = 10, 4
    for _ in range(rounds):
        token = accounts.issue(db, Purpose.sign_in_link, email=delegate.email, user=delegate)
        db.commit()
        wins: list[int] = []
        barrier = threading.Barrier(racers)

        def race(barrier: threading.Barrier, token: str, wins: list[int]) -> None:
            with Session(get_engine()) as session:
                barrier.wait()
                try:
                    if accounts.spend(session, Purpose.sign_in_link, token) is not None:
                        session.commit()
                        wins.append(1)
                except Exception:  # a lock timeout is a lost race, never a second winner
                    session.rollback()

        threads = [
            threading.Thread(target=race, args=(barrier, token, wins)) for _ in range(racers)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(wins) == 1
    spent = db.exec(select(AccountToken).where(col(AccountToken.used_at).is_not(None))).all()
    assert len(spent) == rounds
