"""A no-show re-paired in the same slot, on the staff's phone: the hall's "now" view shows
who is missing, the meeting is recorded as a no-show, and the person left waiting meets
someone else who is here and free, booked with one tap."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e import setup
from tests.e2e.conftest import ORGANISER_EMAIL, ORGANISER_PASSWORD
from tests.e2e.test_event_day_journey import _today_in_hai_phong
from tests.e2e.test_meeting_journey import _api, _log_in

pytestmark = pytest.mark.e2e

PEOPLE = {
    "lin": ("Lin Wei-Ting", "lin.repair@tw-packaging.com.tw"),
    "hoa": ("Nguyễn Thị Hoa", "hoa.repair@thucphamhp.vn"),
    "chen": ("Chen Yu-Han", "chen.repair@tw-robotics.com.tw"),
}


def _hall(base: str) -> tuple[int, int, dict[str, int]]:
    """A B2B session under way now: Lin ⇄ Hoa booked in the current slot; Lin and Chen have
    checked in, Hoa has not."""
    client, org = _api(base)
    day, starts_at, ends_at = _today_in_hai_phong()
    last_day = (date.fromisoformat(day) + timedelta(days=1)).isoformat()
    event_id = setup.event(
        client,
        org,
        "Ngày kết nối Hải Phòng – Đài Loan (Trung Quốc): ghép lại",
        "Hai Phong – Taiwan day: re-pairing",
        day,
        last_day=last_day,
    )
    session_id = setup.b2b_session(client, org, event_id, starts_at, ends_at, tables=4)
    ids = {
        key: setup.person(client, org, event_id, name, email)
        for key, (name, email) in PEOPLE.items()
    }
    # The slot under way: the first is over, the second began 10 minutes ago.
    slots = setup.slot_ids(client, org, event_id, session_id)
    setup.book(client, org, event_id, [ids["lin"], ids["hoa"]], slots[1])
    client.post(f"/api/v1/events/{event_id}/publish", headers=org)
    for key in ("lin", "chen"):
        done = client.post(
            f"/api/v1/events/{event_id}/check-in",
            json={"participant_id": ids[key], "method": "search"},
            headers=org,
        )
        assert done.status_code == 201, done.text
    return event_id, session_id, ids


def test_a_no_show_is_re_paired_in_the_same_slot_from_a_phone(
    live_server: str, browser: Browser
) -> None:
    event_id, session_id, _ = _hall(live_server)
    phone = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844})
    page = phone.new_page()
    page.set_default_timeout(10_000)
    try:
        _log_in(page, live_server, ORGANISER_EMAIL, ORGANISER_PASSWORD)
        page.goto(f"{live_server}/events/{event_id}/sessions/{session_id}/now?slot=2")
        table = page.locator("li.hall-table").first
        expect(table).to_contain_text("Nguyễn Thị Hoa · chưa đến")
        expect(table).to_contain_text("Lin Wei-Ting · đã đến")
        # Hoa did not come: recorded as a no-show from the phone.
        table.get_by_label("Nguyễn Thị Hoa vắng").check()
        table.get_by_role("button", name="Vắng mặt").click()
        expect(page.get_by_test_id("notice")).to_contain_text("vắng mặt")
        # Lin waits at the table: Chen is here and free, offered first; one tap books them.
        offer = page.locator("[data-testid^='repair-']")
        expect(offer).to_contain_text("Chen Yu-Han")
        offer.get_by_role("button", name="Xếp gặp ngay").first.click()
        expect(page.get_by_test_id("notice")).to_contain_text("Đã xếp một cuộc gặp mới")
        hall = page.locator("ul.hall")
        expect(hall).to_contain_text("Chen Yu-Han · đã đến")
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    finally:
        phone.close()
