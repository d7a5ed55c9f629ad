"""Journeys 2 and 3 in a real browser: the head of a Taiwanese delegation registers two
members and publishes a technology request on behalf of one of them; the organiser filters the
pending registrations of that delegation and approves both; the request then appears in the
public search without accents, and the members show as approved on the delegation page.

Only the event, the head's account and the delegation are set up through the API (the
organiser would do that in the pages of journey 1); everything else goes through the pages.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from urllib.parse import quote_plus

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import ORGANISER_EMAIL, ORGANISER_PASSWORD

pytestmark = pytest.mark.e2e

EVENT_TITLE = "Kết nối cung cầu công nghệ Hải Phòng – Đài Loan 2027"
DELEGATION = "Đoàn doanh nghiệp Đài Loan (ITRI)"
HEAD_EMAIL = "lin.weiting@itri.org.tw"
HEAD_NAME = "Lin Wei-Ting"
HEAD_PASSWORD = "mat-khau-truong-doan-2027"
TAIWANESE = ("Chen Chih-Ming", "陳志明")
VIETNAMESE = "Nguyễn Thị Hồng Nhung"
REQUEST_TITLE = "Tự động hoá dây chuyền đóng gói trà Thái Nguyên"


@pytest.fixture
def setup(live_server: str) -> dict[str, int]:
    """An event open for registration, the head's account and the delegation they lead."""
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
                "title_en": "Hai Phong – Taiwan Technology Supply–Demand Connection 2027",
                "organiser_unit": "Sở Khoa học và Công nghệ Hải Phòng",
                "start_date": "2027-05-20",
                "end_date": "2027-05-20",
                "status": "registration_open",
            },
        )
        assert event.status_code == 201, event.text
        event_id = int(event.json()["id"])
        head = api.post(
            "/api/v1/users",
            json={
                "email": HEAD_EMAIL,
                "full_name": HEAD_NAME,
                "password": HEAD_PASSWORD,
                "role": "delegate",
            },
        )
        assert head.status_code == 201, head.text
        delegation = api.post(
            f"/api/v1/events/{event_id}/delegations",
            json={
                "name": DELEGATION,
                "name_local": "台灣企業代表團",
                "country": "TW",
                "head_user_id": head.json()["id"],
                "languages": ["zh", "en"],
                "needs_interpreter": True,
                "status": "registered",
            },
        )
        assert delegation.status_code == 201, delegation.text
        return {"event_id": event_id, "delegation_id": int(delegation.json()["id"])}


@pytest.fixture
def new_tab(browser: Browser) -> Iterator[Callable[[], Page]]:
    """Other people's browsers: each its own cookies, same language and size as ``page``."""
    contexts: list[BrowserContext] = []

    def make() -> Page:
        context = browser.new_context(locale="vi-VN", viewport={"width": 1200, "height": 900})
        contexts.append(context)
        tab = context.new_page()
        tab.set_default_timeout(10_000)
        return tab

    yield make
    for context in contexts:
        context.close()


def _log_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(base + "/")
    page.get_by_role("link", name="Đăng nhập").click()
    page.get_by_label("Thư điện tử").fill(email)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()


def _open_event(page: Page) -> None:
    page.get_by_role("link", name=EVENT_TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(EVENT_TITLE)


def _search(page: Page, words: str) -> None:
    """Search the offers and requests page that ``page`` shows."""
    page.get_by_role("searchbox", name="Tìm").fill(words)
    page.get_by_role("button", name="Tìm").click()
    expect(page).to_have_url(re.compile(r"[?&]q=" + re.escape(quote_plus(words))))


def test_delegation_head_registers_members_and_organiser_approves(
    live_server: str, page: Page, new_tab: Callable[[], Page], setup: dict[str, int]
) -> None:
    event_id, delegation_id = setup["event_id"], setup["delegation_id"]
    head, organiser, anonymous = page, new_tab(), new_tab()

    # ---- the head of the delegation opens its page and adds two members -------------------
    _log_in(head, live_server, HEAD_EMAIL, HEAD_PASSWORD)
    _open_event(head)
    head.get_by_role("link", name="Các đoàn").click()
    head.get_by_role("link", name=DELEGATION).click()
    expect(head.get_by_role("heading", level=1)).to_have_text(DELEGATION)
    expect(head.get_by_text("Chưa có thành viên.")).to_be_visible()

    add = head.locator("#add-member")
    add.get_by_label("Họ và tên").fill(TAIWANESE[0])
    add.get_by_label("Tên viết bằng chữ gốc").fill(TAIWANESE[1])
    add.get_by_label("Chức vụ").fill("Giám đốc kỹ thuật")
    add.get_by_label("Tiếng Trung").check()
    add.get_by_label("Tiếng Anh").check()
    add.get_by_label("Thư điện tử").fill("chen.cm@example.com.tw")
    add.get_by_label("Tham dự với tư cách").select_option("delegate")
    add.get_by_role("button", name="Thêm thành viên").click()
    expect(head.get_by_role("status")).to_have_text(
        "Đã thêm thành viên; thành viên chờ ban tổ chức duyệt."
    )

    add.get_by_label("Họ và tên").fill(VIETNAMESE)
    add.get_by_label("Chức vụ").fill("Phiên dịch viên tiếng Trung")
    add.get_by_label("Tiếng Việt").check()
    add.get_by_label("Tiếng Trung").check()
    add.get_by_label("Tham dự với tư cách").select_option("interpreter")
    add.get_by_role("button", name="Thêm thành viên").click()
    members = head.get_by_test_id("members").locator("tbody tr")
    expect(members).to_have_count(2)
    chen = members.filter(has_text=TAIWANESE[1])
    expect(chen).to_contain_text(TAIWANESE[0])
    expect(chen.get_by_test_id("member-status")).to_have_text("Chờ duyệt")
    nhung = members.filter(has_text=VIETNAMESE)
    expect(nhung).to_contain_text("Phiên dịch")
    expect(nhung.get_by_test_id("member-status")).to_have_text("Chờ duyệt")

    # ---- ... and publishes a technology request on behalf of the Taiwanese member ---------
    head.get_by_role("link", name=EVENT_TITLE).click()
    head.get_by_role("link", name="Chào bán và nhu cầu").click()
    head.get_by_role("link", name="Đăng chào bán hoặc nhu cầu").click()
    head.get_by_label("Đăng thay cho").select_option(label=f"{TAIWANESE[0]} (đang chờ duyệt)")
    head.get_by_label("Loại hình", exact=True).select_option("technology_request")
    head.get_by_label("Tiêu đề (tiếng Việt)").fill(REQUEST_TITLE)
    head.get_by_label("Tiêu đề (tiếng Anh)").fill("Automating a tea packaging line")
    head.get_by_label("Tên bằng ngôn ngữ của đoàn").fill("茶葉包裝生產線自動化")
    head.get_by_label("Ngôn ngữ của đoàn", exact=True).select_option("zh")
    head.get_by_label("Mô tả (tiếng Việt)").fill(
        "Tìm đối tác chuyển giao công nghệ đóng gói tự động cho trà búp, công suất 2 tấn/ngày."
    )
    head.get_by_label("Tự động hoá, robot").check()
    head.get_by_label("Chế biến thực phẩm, đồ uống").check()
    head.get_by_label("Từ khoá", exact=True).fill("đóng gói, trà, robot")
    head.get_by_role("button", name="Lưu").click()
    expect(head).to_have_url(re.compile(rf"/events/{event_id}/profiles/\d+$"))
    expect(head.get_by_role("heading", level=1)).to_have_text(REQUEST_TITLE)
    expect(head.locator('.alt-title[lang="zh"]')).to_have_text("茶葉包裝生產線自動化")
    expect(head.get_by_text(TAIWANESE[0])).to_be_visible()

    # Not yet public: the registration it belongs to waits for approval.
    anonymous.goto(live_server + "/")
    _open_event(anonymous)
    anonymous.get_by_role("link", name="Chào bán và nhu cầu").click()
    _search(anonymous, "tu dong hoa")
    expect(anonymous.get_by_test_id("result-count")).to_have_text("0 chào bán và nhu cầu")

    # ---- the organiser filters the pending registrations of the delegation ----------------
    _log_in(organiser, live_server, ORGANISER_EMAIL, ORGANISER_PASSWORD)
    _open_event(organiser)
    organiser.get_by_role("link", name="Người tham dự").click()
    filters = organiser.get_by_role("search")
    filters.get_by_label("Trạng thái", exact=True).select_option("pending")
    filters.get_by_label("Đoàn", exact=True).select_option(label=DELEGATION)
    filters.get_by_role("button", name="Lọc").click()
    expect(organiser).to_have_url(re.compile(r"status=pending"))
    expect(organiser).to_have_url(re.compile(rf"delegation_id={delegation_id}"))
    rows = organiser.get_by_test_id("participants").locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(organiser.get_by_test_id("shown")).to_have_text("2 trên 2 người tham dự")

    # Approving keeps the filters: each approved person leaves the pending list.
    rows.filter(has_text=TAIWANESE[1]).get_by_role("button", name="Duyệt").click()
    expect(organiser.get_by_role("status")).to_have_text("Đăng ký đã được duyệt.")
    expect(organiser).to_have_url(re.compile(r"status=pending"))
    expect(rows).to_have_count(1)
    rows.filter(has_text=VIETNAMESE).get_by_role("button", name="Duyệt").click()
    expect(organiser.get_by_text("Không có người tham dự nào phù hợp.")).to_be_visible()
    expect(organiser.get_by_test_id("count-approved")).to_have_text(re.compile(r"Đã duyệt:\s*2$"))

    # ---- the request is public now, found without accents ---------------------------------
    _search(anonymous, "tu dong hoa")
    found = anonymous.get_by_test_id("profile-list").get_by_role("listitem")
    expect(found).to_have_count(1)
    expect(found.get_by_role("link", name=REQUEST_TITLE)).to_be_visible()
    expect(found).to_contain_text("Nhu cầu công nghệ")
    expect(found).to_contain_text("Tự động hoá, robot")

    # ---- the head sees both members approved ----------------------------------------------
    head.goto(f"{live_server}/events/{event_id}/delegations/{delegation_id}")
    expect(members).to_have_count(2)
    expect(members.get_by_test_id("member-status")).to_have_text(["Đã duyệt", "Đã duyệt"])
