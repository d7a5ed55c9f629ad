"""A delegate on a phone opens "My meetings" once; in the hall without a network the page
still shows the next meeting and the check-in QR code, says it is the saved copy and when it
was updated; after log-out nothing of it stays on the phone."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e import setup
from tests.e2e.conftest import ORGANISER_EMAIL, ORGANISER_PASSWORD
from tests.e2e.test_meeting_journey import _api, _log_in

pytestmark = pytest.mark.e2e

DELEGATE = ("lin.offline@tw-packaging.com.tw", "Lin Wei-Ting", "mat-khau-ngoai-tuyen-2027")
OTHER = ("hoa.offline@thucphamhp.vn", "Nguyễn Thị Hoa Offline", "mat-khau-ngoai-tuyen-2027")


def _booked_meeting(base: str) -> tuple[int, int, list[int]]:
    client, org = _api(base)
    day = (date.today() + timedelta(days=20)).isoformat()
    event_id = setup.event(
        client,
        org,
        "Kết nối công nghệ đóng gói ngoại tuyến",
        "Packaging technology meetings offline",
        day,
    )
    session_id = setup.b2b_session(
        client, org, event_id, f"{day}T14:00:00+07:00", f"{day}T16:00:00+07:00", tables=5
    )
    ids = [
        setup.person(client, org, event_id, name, email, password=password)
        for email, name, password in (DELEGATE, OTHER)
    ]
    setup.book(client, org, event_id, ids, setup.slot_ids(client, org, event_id, session_id)[1])
    client.post(f"/api/v1/events/{event_id}/publish", headers=org)
    return event_id, session_id, ids


def test_the_agenda_and_check_in_code_work_offline_and_are_forgotten_at_log_out(
    live_server: str, browser: Browser
) -> None:
    event_id, _, _ = _booked_meeting(live_server)
    phone = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844})
    page = phone.new_page()
    page.set_default_timeout(10_000)
    try:
        _log_in(page, live_server, DELEGATE[0], DELEGATE[2])
        mine = f"{live_server}/events/{event_id}/meetings/mine"
        page.goto(mine)
        # The service worker takes the page over; the next load is kept on the phone.
        assert page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.reload()
        page.wait_for_function("navigator.serviceWorker.controller !== null")
        expect(page.get_by_test_id("next-meeting")).to_contain_text("14:20")

        phone.set_offline(True)
        page.reload()
        expect(page.locator("#offline-note")).to_be_visible()
        expect(page.locator("#offline-note")).to_contain_text("Bạn đang ngoại tuyến")
        expect(page.get_by_test_id("next-meeting")).to_contain_text("Nguyễn Thị Hoa Offline")
        expect(page.get_by_test_id("checkin-qr").locator("svg")).to_be_visible()
        expect(page.get_by_test_id("updated-at")).to_contain_text("Cập nhật lúc")
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 390

        # Back online: log out, and the saved pages are gone from the phone.
        phone.set_offline(False)
        page.goto(mine)
        page.locator("details.menu-compact > summary").click()
        page.locator(".menu-compact-items").get_by_role("button", name="Đăng xuất").click()
        page.wait_for_load_state()
        page.wait_for_function(
            "caches.keys().then(keys => keys.length === 0)", polling=200, timeout=10_000
        )
    finally:
        phone.close()


def test_the_site_is_installable(live_server: str, browser: Browser) -> None:
    context = browser.new_context()
    page = context.new_page()
    try:
        response = page.request.get(f"{live_server}/manifest.webmanifest")
        assert response.ok
        manifest = response.json()
        assert manifest["name"] == "Kết Nối"
        assert manifest["display"] == "standalone"
        icon = page.request.get(live_server + manifest["icons"][0]["src"])
        assert icon.ok
        assert icon.headers["content-type"] == "image/png"
        worker = page.request.get(f"{live_server}/sw.js")
        assert worker.headers["service-worker-allowed"] == "/"
    finally:
        context.close()


def test_the_hall_view_picks_up_a_check_in_made_at_the_desk(
    live_server: str, browser: Browser
) -> None:
    event_id, session_id, people = _booked_meeting(live_server)
    phone = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844})
    page = phone.new_page()
    page.set_default_timeout(10_000)
    try:
        _log_in(page, live_server, ORGANISER_EMAIL, ORGANISER_PASSWORD)
        page.goto(f"{live_server}/events/{event_id}/sessions/{session_id}/now?slot=2")
        table = page.get_by_test_id("table-1")
        expect(table).to_contain_text("Lin Wei-Ting · chưa đến")
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
        # The desk checks Lin in; the hall view shows it without a reload.
        client, org = _api(live_server)
        checked = client.post(
            f"/api/v1/events/{event_id}/check-in",
            json={"participant_id": people[0], "method": "search"},
            headers=org,
        )
        assert checked.status_code == 201, checked.text
        page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
        expect(table).to_contain_text("Lin Wei-Ting · đã đến")
        expect(page.get_by_test_id("hall-summary")).to_contain_text("1 người đã đến")
    finally:
        phone.close()
