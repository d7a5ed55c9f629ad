"""The way in, in a real browser, with every e-mail delivered by the outbox sender to a real
SMTP server (aiosmtpd) and every link followed from the received message:

1. a stranger signs up from the event page, confirms the address, the organiser approves,
   the stranger logs in and publishes a request;
2. the organiser imports three people and invites them; one sets a password from the e-mail
   and sees their registration;
3. a delegate forgets the password, resets it, and the old session stops working.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import create_engine
from sqlmodel import Session

import app.models  # noqa: F401  (every table, for the sender's foreign keys)
from app.notifications.sender import SmtpConfig
from tests.accounts_mail import Inbox, deliver, link_in, smtp_server
from tests.e2e.conftest import ORGANISER_EMAIL, ORGANISER_PASSWORD, expect_signed_in

pytestmark = pytest.mark.e2e

EVENT_TITLE = "Kết nối cung cầu công nghệ Hải Phòng 2027 – đăng ký mở"
STRANGER = ("Đỗ Thị Mai", "mai.do@nongsan-hp.example", "mai-dang-ky-2027")
IMPORTED = (
    ("Trần Quốc Bảo", "bao@cokhi-hp.example"),
    ("Phan Thu Trang", "trang@dulich-hp.example"),
    ("Vũ Minh Khôi", "khoi@logistics-hp.example"),
)


@pytest.fixture(scope="module")
def mail() -> Iterator[tuple[Inbox, SmtpConfig]]:
    with smtp_server() as pair:
        yield pair


@pytest.fixture(scope="module")
def outbox_db(live_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    """The live server's database, for the sender (``ketnoi send-mail`` does the same)."""
    found = sorted(Path(tmp_path_factory.getbasetemp()).glob("e2e*/e2e.sqlite3"))
    assert found, "the live server's database was not found"
    engine = create_engine(f"sqlite:///{found[0]}")
    with Session(engine, expire_on_commit=False) as session:
        yield session
    engine.dispose()


@pytest.fixture(scope="module")
def event_id(live_server: str) -> int:
    with httpx.Client(base_url=live_server, timeout=10) as api:
        token = api.post(
            "/api/v1/auth/token",
            data={"username": ORGANISER_EMAIL, "password": ORGANISER_PASSWORD},
        )
        assert token.status_code == 200, token.text
        api.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        event = api.post(
            "/api/v1/events",
            json={
                "title_vi": EVENT_TITLE,
                "title_en": "Hai Phong technology connection 2027",
                "organiser_unit": "Sở Khoa học và Công nghệ Hải Phòng",
                "start_date": "2027-06-10",
                "end_date": "2027-06-10",
                "languages": ["vi", "en"],
                "status": "registration_open",
            },
        )
        assert event.status_code == 201, event.text
        return int(event.json()["id"])


def _context(browser: Browser) -> BrowserContext:
    return browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844})


def _tab(context: BrowserContext) -> Page:
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    return tab


def _log_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("Thư điện tử").fill(email)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect_signed_in(page)


def _no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 392, f"the page scrolls sideways at 390 px ({width} px)"


def test_stranger_signs_up_confirms_is_approved_and_publishes(
    browser: Browser,
    live_server: str,
    event_id: int,
    mail: tuple[Inbox, SmtpConfig],
    outbox_db: Session,
) -> None:
    inbox, config = mail
    name, email, password = STRANGER
    stranger_context = _context(browser)
    stranger = _tab(stranger_context)
    stranger.goto(f"{live_server}/events/{event_id}")
    stranger.get_by_role("link", name="Đăng ký tham dự").click()
    expect(stranger.get_by_role("heading", level=1)).to_have_text("Đăng ký tham dự")
    _no_sideways_scroll(stranger)

    # Every problem at once, next to its field.
    stranger.get_by_role("button", name="Tạo tài khoản và đăng ký").click()
    expect(stranger.locator("#email-error")).to_be_visible()
    expect(stranger.locator("#password-error")).to_have_text("ít nhất 10 ký tự")
    expect(stranger.locator("#full_name-error")).to_be_visible()

    stranger.locator("#email").fill(email)
    stranger.locator("#password").fill(password)
    stranger.locator("#full_name").fill(name)
    stranger.locator("#position").fill("Trưởng phòng kinh doanh")
    stranger.locator("#org_name_vi").fill("Công ty Nông sản Hải Phòng")
    stranger.get_by_role("button", name="Tạo tài khoản và đăng ký").click()
    expect(stranger.get_by_role("heading", level=1)).to_have_text("Vui lòng kiểm tra hộp thư")

    # Not in the organiser's queue before the address is confirmed.
    organiser_context = _context(browser)
    organiser = _tab(organiser_context)
    _log_in(organiser, live_server, ORGANISER_EMAIL, ORGANISER_PASSWORD)
    organiser.goto(f"{live_server}/events/{event_id}/participants")
    row = organiser.get_by_test_id("participants").locator("tbody tr").filter(has_text=name)
    expect(row.get_by_test_id("unconfirmed")).to_have_text("Chờ xác nhận e-mail")
    expect(row.get_by_role("button", name="Duyệt")).to_have_count(0)

    assert deliver(outbox_db, config) >= 1
    stranger.goto(live_server + link_in(inbox.last_to(email), "/account/confirm"))
    stranger.get_by_role("button", name="Xác nhận địa chỉ của tôi").click()
    expect(stranger).to_have_url(re.compile(rf"/events/{event_id}/me"))
    expect(stranger.get_by_role("status")).to_contain_text("đã được xác nhận")

    organiser.reload()
    row.get_by_role("button", name="Duyệt").click()
    expect(organiser.get_by_role("status")).to_have_text("Đăng ký đã được duyệt.")

    # A fresh browser: the stranger logs in with the password chosen at sign-up.
    stranger_context.close()
    again_context = _context(browser)
    again = _tab(again_context)
    _log_in(again, live_server, email, password)
    again.goto(f"{live_server}/events/{event_id}/profiles/new")
    again.get_by_label("Loại hình", exact=True).select_option("technology_request")
    again.get_by_label("Tiêu đề (tiếng Việt)").fill("Bảo quản lạnh nông sản sau thu hoạch")
    again.get_by_label("Mô tả (tiếng Việt)").fill("Tìm công nghệ kho lạnh tiết kiệm năng lượng.")
    again.get_by_role("button", name="Lưu").click()
    expect(again).to_have_url(re.compile(rf"/events/{event_id}/profiles/\d+$"))
    expect(again.get_by_role("heading", level=1)).to_have_text(
        "Bảo quản lạnh nông sản sau thu hoạch"
    )
    again_context.close()
    organiser_context.close()


def test_organiser_imports_three_and_invites_them(
    browser: Browser,
    live_server: str,
    event_id: int,
    mail: tuple[Inbox, SmtpConfig],
    outbox_db: Session,
    tmp_path: Path,
) -> None:
    inbox, config = mail
    sheet = tmp_path / "khach-moi.csv"
    sheet.write_text(
        "Họ và tên,Email,Tổ chức\r\n"
        + "".join(f"{n},{e},Công ty {n.split()[-1]}\r\n" for n, e in IMPORTED),
        encoding="utf-8-sig",
    )
    organiser_context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    organiser = _tab(organiser_context)
    _log_in(organiser, live_server, ORGANISER_EMAIL, ORGANISER_PASSWORD)
    organiser.goto(f"{live_server}/events/{event_id}/import")
    organiser.locator('input[type="file"]').set_input_files(str(sheet))
    organiser.locator('input[type="file"]').evaluate("input => input.form.requestSubmit()")
    expect(organiser.get_by_test_id("import-preview")).to_be_visible()
    organiser.get_by_test_id("invite-on-apply").check()
    organiser.get_by_test_id("apply").click()
    expect(organiser.get_by_role("status")).to_have_text("Đã gửi thư mời.")
    for person, _ in IMPORTED:
        row = organiser.get_by_test_id("participants").locator("tbody tr").filter(has_text=person)
        expect(row).to_contain_text("Đã mời")

    assert deliver(outbox_db, config) >= 3
    name, email = IMPORTED[0]
    message = inbox.last_to(email)
    assert "Lời mời" in str(message["Subject"])
    guest_context = _context(browser)
    guest = _tab(guest_context)
    guest.goto(live_server + link_in(message, "/invitation"))
    guest.locator("#password").fill("bao-mat-khau-2027")
    guest.locator("#password_again").fill("bao-mat-khau-2027")
    guest.get_by_role("button", name="Lưu mật khẩu").click()
    expect(guest).to_have_url(re.compile(rf"/events/{event_id}/me"))
    expect(guest.get_by_role("status")).to_contain_text("Chào mừng")
    expect(guest.locator("#full_name")).to_have_value(name)
    _no_sideways_scroll(guest)
    guest.goto(f"{live_server}/events/{event_id}/meetings/mine")
    expect(guest.get_by_role("heading", level=1)).to_be_visible()

    organiser.goto(f"{live_server}/events/{event_id}/participants")
    row = organiser.get_by_test_id("participants").locator("tbody tr").filter(has_text=name)
    expect(row).to_contain_text("Đã tham gia")
    guest_context.close()
    organiser_context.close()


def test_delegate_resets_a_forgotten_password_and_the_old_session_ends(
    browser: Browser,
    live_server: str,
    event_id: int,
    mail: tuple[Inbox, SmtpConfig],
    outbox_db: Session,
) -> None:
    inbox, config = mail
    email, password = "quen@cokhi-hp.example", "mat-khau-cu-2027"
    with httpx.Client(base_url=live_server, timeout=10) as api:
        token = api.post(
            "/api/v1/auth/token",
            data={"username": ORGANISER_EMAIL, "password": ORGANISER_PASSWORD},
        )
        made = api.post(
            "/api/v1/users",
            json={"email": email, "full_name": "Ngô Văn Quên", "password": password},
            headers={"Authorization": f"Bearer {token.json()['access_token']}"},
        )
        assert made.status_code == 201, made.text
    old_context = _context(browser)
    old = _tab(old_context)
    _log_in(old, live_server, email, password)

    fresh_context = _context(browser)
    fresh = _tab(fresh_context)
    fresh.goto(live_server + "/login")
    fresh.get_by_role("link", name="Quên mật khẩu?").click()
    fresh.get_by_label("Thư điện tử").fill(email)
    fresh.get_by_role("button", name="Gửi cho tôi liên kết đặt lại mật khẩu").click()
    expect(fresh.get_by_test_id("link-sent")).to_contain_text(email)

    deliver(outbox_db, config)
    fresh.goto(live_server + link_in(inbox.last_to(email), "/reset-password"))
    fresh.locator("#password").fill("mai-mat-khau-moi-2027")
    fresh.locator("#password_again").fill("mai-mat-khau-moi-2027")
    fresh.get_by_role("button", name="Lưu mật khẩu").click()
    expect_signed_in(fresh)

    old.goto(f"{live_server}/account")
    expect(old).to_have_url(re.compile(r"/login"))
    fresh_context.close()
    old_context.close()
