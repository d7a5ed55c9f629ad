"""Journey 1 in a real browser: an organiser logs in, creates the Vietnam–Taiwan event and
its B2B session (14:00–17:00, 20-minute slots, 15 tables) and opens registration."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ORGANISER_EMAIL, ORGANISER_PASSWORD

pytestmark = pytest.mark.e2e


def test_organiser_creates_event_and_b2b_session_through_the_pages(
    live_server: str, page: Page
) -> None:
    page.goto(live_server + "/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    page.get_by_role("link", name="Đăng nhập").click()

    # A wrong password is answered next to the field, in Vietnamese.
    page.get_by_label("Thư điện tử").fill(ORGANISER_EMAIL)
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("#password-error")).to_have_text("Sai thư điện tử hoặc mật khẩu")
    expect(page.get_by_label("Thư điện tử")).to_have_value(ORGANISER_EMAIL)

    page.get_by_label("Mật khẩu").fill(ORGANISER_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()

    page.get_by_role("link", name="Tạo sự kiện").click()
    page.get_by_label("Tiêu đề (tiếng Việt)").fill(
        "Phiên kết nối cung cầu công nghệ Việt Nam – Đài Loan"
    )
    page.get_by_label("Tiêu đề (tiếng Anh)").fill(
        "Vietnam – Taiwan Technology Supply–Demand Session"
    )
    page.get_by_label("Đơn vị tổ chức").fill("Sở Khoa học và Công nghệ Hải Phòng")
    page.get_by_label("Địa điểm", exact=True).fill("Trung tâm Hội nghị thành phố Hải Phòng")
    # The last day before the first: the form answers next to the field and keeps the input.
    page.get_by_label("Ngày bắt đầu").fill("2027-03-16")
    page.get_by_label("Ngày kết thúc").fill("2027-03-15")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("#end_date-error")).to_be_visible()
    expect(page.get_by_label("Tiêu đề (tiếng Việt)")).to_have_value(
        "Phiên kết nối cung cầu công nghệ Việt Nam – Đài Loan"
    )
    page.get_by_label("Ngày kết thúc").fill("2027-03-16")
    page.get_by_label("Trạng thái").select_option("registration_open")
    page.get_by_role("button", name="Lưu").click()

    expect(page).to_have_url(re.compile(r"/events/\d+\?flash=event-saved$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Phiên kết nối cung cầu công nghệ Việt Nam – Đài Loan"
    )
    expect(page.get_by_text("Thứ Ba, 16/03/2027").first).to_be_visible()
    expect(page.get_by_text("Đang mở đăng ký").first).to_be_visible()

    page.get_by_role("link", name="Thêm phiên").click()
    page.get_by_label("Tiêu đề (tiếng Việt)").fill("Kết nối B2B Việt Nam – Đài Loan")
    page.get_by_label("Phòng").fill("Phòng họp lớn tầng 2")
    page.get_by_label("Bắt đầu").fill("14:00")
    page.get_by_label("Kết thúc").fill("17:00")
    page.get_by_label("Thời lượng mỗi lượt gặp (phút)").fill("20")
    page.get_by_label("Số bàn").fill("15")
    page.get_by_role("button", name="Lưu").click()

    session = page.locator("section.session")
    expect(session).to_have_count(1)
    expect(session.get_by_text("9 lượt gặp, mỗi lượt 20 phút")).to_be_visible()
    expect(session.get_by_text("15 bàn")).to_be_visible()
    expect(session.locator("li.slot")).to_have_count(9)
    expect(session.locator("li.slot").first).to_contain_text("14:00–14:20")
    expect(session.locator("li.slot").last).to_contain_text("16:40–17:00")

    # The public sees the opened event on the home page, in English on request.
    page.get_by_role("button", name="Đăng xuất").click()
    page.goto(live_server + "/?lang=en")
    title = page.get_by_role("link", name="Vietnam – Taiwan Technology Supply–Demand Session")
    expect(title).to_be_visible()
    # Other journeys share the server: look at this event's card only.
    card = page.locator(".event-card", has=title)
    expect(card.get_by_text("Registration open")).to_be_visible()
