"""Journey 4 in a real browser, in self-booking mode: a Taiwanese delegate asks a Vietnamese
enterprise for a meeting, she accepts and picks a time, and both "My meetings" pages show
the meeting with its time and table. Two browser contexts: two people, two sessions."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import ORGANISER_EMAIL, ORGANISER_PASSWORD, expect_signed_in

pytestmark = pytest.mark.e2e

LIN = ("lin.weiting@tw-packaging.com.tw", "Lin Wei-Ting", "mat-khau-cua-lin-2027")
HOA = ("hoa.nguyen@thucphamhaiphong.vn", "Nguyễn Thị Hoa", "mat-khau-cua-hoa-2027")


def _api(base: str) -> tuple[httpx.Client, dict[str, str]]:
    client = httpx.Client(base_url=base, timeout=10)
    token = client.post(
        "/api/v1/auth/token", data={"username": ORGANISER_EMAIL, "password": ORGANISER_PASSWORD}
    )
    assert token.status_code == 200, token.text
    return client, {"Authorization": f"Bearer {token.json()['access_token']}"}


def _created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    return dict(response.json())


def _self_booking_event(base: str) -> tuple[int, dict[str, int]]:
    """An open self-booking event with a B2B session and two approved delegates with
    accounts, set up through the API as the organisers would (tested elsewhere)."""
    client, org = _api(base)
    event = _created(
        client.post(
            "/api/v1/events",
            json={
                "title_vi": "Kết nối công nghệ đóng gói Việt Nam – Đài Loan",
                "title_en": "Vietnam – Taiwan packaging technology meetings",
                "timezone": "Asia/Ho_Chi_Minh",
                "start_date": "2027-03-16",
                "end_date": "2027-03-16",
                "languages": ["vi", "en", "zh"],
                "status": "registration_open",
                "booking_mode": "self_service",
            },
            headers=org,
        )
    )
    _created(
        client.post(
            f"/api/v1/events/{event['id']}/sessions",
            json={
                "kind": "matchmaking",
                "title_vi": "Gặp gỡ B2B",
                "title_en": "B2B meetings",
                "starts_at": "2027-03-16T14:00:00+07:00",
                "ends_at": "2027-03-16T16:00:00+07:00",
                "slot_minutes": 20,
                "table_count": 5,
            },
            headers=org,
        )
    )
    ids: dict[str, int] = {}
    for key, (email, name, password) in (("lin", LIN), ("hoa", HOA)):
        _created(
            client.post(
                "/api/v1/users",
                json={"email": email, "full_name": name, "password": password, "role": "delegate"},
                headers=org,
            )
        )
        person = _created(
            client.post(
                f"/api/v1/events/{event['id']}/participants",
                json={
                    "full_name": name,
                    "email": email,
                    "languages": ["zh", "en"] if key == "lin" else ["vi", "en"],
                    "for_self": False,
                },
                headers=org,
            )
        )
        ids[key] = int(person["id"])
    return int(event["id"]), ids


def _log_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("Thư điện tử").fill(email)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect_signed_in(page)


def test_delegate_requests_the_other_accepts_and_books_both_agendas_show_it(
    live_server: str, browser: Browser
) -> None:
    event_id, people = _self_booking_event(live_server)
    contexts = [
        browser.new_context(locale="vi-VN", viewport={"width": 1200, "height": 900})
        for _ in range(2)
    ]
    lin, hoa = (context.new_page() for context in contexts)
    for tab in (lin, hoa):
        tab.set_default_timeout(10_000)
    try:
        # Lin asks Hoa for a meeting, from the link a profile or participant page gives.
        _log_in(lin, live_server, LIN[0], LIN[2])
        lin.goto(f"{live_server}/events/{event_id}/meeting-requests/new?to={people['hoa']}")
        expect(lin.get_by_role("heading", name="Đề nghị gặp")).to_be_visible()
        expect(lin.get_by_text("Nguyễn Thị Hoa")).to_be_visible()
        lin.get_by_label("Lời nhắn").fill("Chúng tôi có dây chuyền đóng gói tự động, xin được gặp.")
        lin.get_by_role("button", name="Gửi yêu cầu").click()
        expect(lin).to_have_url(re.compile(r"/meetings/mine\?flash=request-sent$"))
        sent = lin.locator("#outbox li").first
        expect(sent).to_contain_text("Nguyễn Thị Hoa")
        expect(sent).to_contain_text("Chờ trả lời")

        # Hoa finds it from the event page, accepts, and picks the second slot.
        _log_in(hoa, live_server, HOA[0], HOA[2])
        hoa.goto(f"{live_server}/events/{event_id}")
        hoa.get_by_role("link", name="Cuộc gặp của tôi").click()
        received = hoa.locator("#inbox li").first
        expect(received).to_contain_text("Lin Wei-Ting")
        expect(received).to_contain_text("dây chuyền đóng gói tự động")
        received.get_by_role("button", name="Chấp nhận").click()
        expect(hoa.get_by_role("status")).to_contain_text("Đã chấp nhận yêu cầu")
        choose = hoa.get_by_role("group", name="Chọn giờ gặp")
        expect(choose.get_by_role("radio")).to_have_count(6)
        choose.get_by_label("14:20–14:40").check()
        hoa.get_by_role("button", name="Đặt giờ này").click()
        expect(hoa.get_by_role("status")).to_contain_text("Đã đặt giờ gặp")

        row = hoa.locator("#agenda .meeting-card").first
        expect(row.get_by_test_id("meeting-time")).to_have_text("14:20–14:40")
        expect(row.get_by_test_id("meeting-table")).to_have_text("Bàn 1")
        expect(row).to_contain_text("Lin Wei-Ting")

        # Lin's agenda shows the same time and table.
        lin.reload()
        row = lin.locator("#agenda .meeting-card").first
        expect(row.get_by_test_id("meeting-time")).to_have_text("14:20–14:40")
        expect(row.get_by_test_id("meeting-table")).to_have_text("Bàn 1")
        expect(row).to_contain_text("Nguyễn Thị Hoa")
        expect(lin.locator("#outbox li").first).to_contain_text("Được chấp nhận")
    finally:
        for context in contexts:
            context.close()
