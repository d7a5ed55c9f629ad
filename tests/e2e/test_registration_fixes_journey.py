"""What a person notices of the registration and search fixes of issue 17, in a real browser:
the organisation search on the registration form keeps what was typed and the registration
saves the chosen organisation; a head is asked before withdrawing the delegation; search
results mark the matched words; on a 390 px phone the top links fold into one "Menu".

The event, the accounts, an organisation, the delegation and one published request are set
up through the API; everything a person does goes through the pages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import ORGANISER_EMAIL, ORGANISER_PASSWORD

pytestmark = pytest.mark.e2e

EVENT_TITLE = "Chợ công nghệ Hải Phòng – Đài Loan 2027"
UNIVERSITY = "Trường Đại học Hàng hải Việt Nam"
DELEGATE = ("hoa.tran@vimaru.example", "Trần Thị Hoa", "mat-khau-dai-bieu-2027")
HEAD = ("chen.ming@tw-itri.example", "Chen Ming", "mat-khau-truong-doan-2027")
DELEGATION = "Đoàn doanh nghiệp Đài Loan (Cơ khí)"
REQUEST_TITLE = "Tự động hoá dây chuyền đóng gói cà phê"


@pytest.fixture(scope="module")
def world(live_server: str) -> dict[str, int]:
    with httpx.Client(base_url=live_server, timeout=20) as api:
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
                "start_date": "2027-06-10",
                "end_date": "2027-06-10",
                "status": "registration_open",
            },
        )
        assert event.status_code == 201, event.text
        event_id = int(event.json()["id"])
        org = api.post(
            "/api/v1/organisations",
            json={"name_vi": UNIVERSITY, "country": "VN", "kind": "university"},
        )
        assert org.status_code == 201, org.text
        users = {}
        for email, name, password in (DELEGATE, HEAD):
            user = api.post(
                "/api/v1/users",
                json={"email": email, "full_name": name, "password": password, "role": "delegate"},
            )
            assert user.status_code == 201, user.text
            users[email] = int(user.json()["id"])
        delegation = api.post(
            f"/api/v1/events/{event_id}/delegations",
            json={
                "name": DELEGATION,
                "country": "TW",
                "head_user_id": users[HEAD[0]],
                "languages": ["zh", "en"],
                "status": "registered",
            },
        )
        assert delegation.status_code == 201, delegation.text
        person = api.post(
            f"/api/v1/events/{event_id}/participants",
            json={
                "full_name": "Lý Văn Phúc",
                "organisation_id": org.json()["id"],
                "for_self": False,
            },
        )
        assert person.status_code == 201, person.text
        profile = api.post(
            f"/api/v1/events/{event_id}/profiles",
            json={
                "participant_id": person.json()["id"],
                "kind": "technology_request",
                "title_vi": REQUEST_TITLE,
                "keywords": ["đóng gói", "tự động hoá"],
            },
        )
        assert profile.status_code == 201, profile.text
        return {"event_id": event_id, "delegation_id": int(delegation.json()["id"])}


@pytest.fixture
def tab(browser: Browser) -> Iterator[Callable[..., Page]]:
    contexts: list[BrowserContext] = []

    def make(width: int = 1200) -> Page:
        context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield make
    for context in contexts:
        context.close()


def _log_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("Thư điện tử").fill(email)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()


def test_organisation_search_keeps_the_form_and_saves_the_organisation(
    live_server: str, world: dict[str, int], tab: Callable[..., Page]
) -> None:
    page = tab()
    _log_in(page, live_server, DELEGATE[0], DELEGATE[2])
    page.goto(f"{live_server}/events/{world['event_id']}/register")
    page.get_by_label("Chức vụ").fill("Giảng viên chính")
    page.get_by_label("Điện thoại").fill("0912 345 678")
    page.get_by_label("Tìm tổ chức của bạn").fill("dai hoc hang hai")
    page.get_by_role("button", name="Tìm", exact=True).click()
    # What was typed is still there, and the university is offered.
    expect(page.get_by_label("Chức vụ")).to_have_value("Giảng viên chính")
    expect(page.get_by_label("Điện thoại")).to_have_value("0912 345 678")
    expect(page.get_by_label("Tìm tổ chức của bạn")).to_have_value("dai hoc hang hai")
    page.get_by_label(UNIVERSITY).check()
    page.get_by_role("button", name="Đăng ký", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Đã nhận đăng ký")
    expect(page.get_by_text(UNIVERSITY).first).to_be_visible()


def test_head_is_asked_before_withdrawing_the_delegation(
    live_server: str, world: dict[str, int], tab: Callable[..., Page]
) -> None:
    page = tab()
    _log_in(page, live_server, HEAD[0], HEAD[2])
    url = f"{live_server}/events/{world['event_id']}/delegations/{world['delegation_id']}"
    page.goto(url + "/edit")
    page.get_by_label("Trạng thái").select_option("withdrawn")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rút đoàn khỏi sự kiện?")
    expect(
        page.get_by_text("Chỉ ban tổ chức sự kiện mới có thể hoàn tác việc này.")
    ).to_be_visible()
    # Changing one's mind leaves the delegation as it was.
    page.get_by_role("link", name="Không, giữ lại").click()
    page.goto(url)
    expect(page.locator(".badge.status-registered")).to_be_visible()
    page.goto(url + "/edit")
    page.get_by_label("Trạng thái").select_option("withdrawn")
    page.get_by_role("button", name="Lưu").click()
    page.get_by_role("button", name="Đồng ý, rút đoàn").click()
    expect(page.locator(".badge.status-withdrawn")).to_have_text("Đã rút")


def test_search_marks_the_matched_words(
    live_server: str, world: dict[str, int], tab: Callable[..., Page]
) -> None:
    page = tab()
    page.goto(f"{live_server}/events/{world['event_id']}/profiles")
    page.get_by_role("searchbox", name="Tìm").fill("dong goi ca phe")
    page.get_by_role("button", name="Tìm").click()
    card = page.get_by_test_id("profile-list").locator("li").first
    expect(card).to_contain_text(REQUEST_TITLE)
    marks = card.locator("h3 mark")
    # Without accents "dong" is also "động": both are marked.
    expect(marks).to_have_text(["động", "đóng", "gói", "cà", "phê"])


def test_phone_menu_folds_the_top_links(
    live_server: str, world: dict[str, int], tab: Callable[..., Page]
) -> None:
    page = tab(390)
    page.goto(f"{live_server}/login")
    page.get_by_label("Thư điện tử").fill(ORGANISER_EMAIL)
    page.get_by_label("Mật khẩu").fill(ORGANISER_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    menu = page.locator("summary", has_text="Menu")
    expect(menu).to_be_visible()
    expect(page.get_by_role("link", name="Hộp thư đi")).to_be_hidden()
    menu.click()
    expect(page.get_by_role("link", name="Hộp thư đi")).to_be_visible()
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()
    box = page.locator("header.topbar").bounding_box()
    assert box is not None
    assert box["height"] < 80  # one row, not one row per link
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
