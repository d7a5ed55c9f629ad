"""A no-show re-paired in the same slot, on the staff's phone: the hall's "now" view shows
who is missing, the meeting is recorded as a no-show, and the person left waiting meets
someone else who is here and free, booked with one tap."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import ORGANISER_EMAIL, ORGANISER_PASSWORD
from tests.e2e.test_event_day_journey import _today_in_hai_phong
from tests.e2e.test_meeting_journey import _api, _created, _log_in

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
    event = _created(
        client.post(
            "/api/v1/events",
            json={
                "title_vi": "Ngày kết nối Hải Phòng – Đài Loan (Trung Quốc): ghép lại",
                "title_en": "Hai Phong – Taiwan day: re-pairing",
                "timezone": "Asia/Ho_Chi_Minh",
                "start_date": day,
                "end_date": (date.fromisoformat(day) + timedelta(days=1)).isoformat(),
                "languages": ["vi", "en", "zh"],
                "status": "registration_open",
            },
            headers=org,
        )
    )
    session = _created(
        client.post(
            f"/api/v1/events/{event['id']}/sessions",
            json={
                "kind": "matchmaking",
                "title_vi": "Gặp gỡ B2B",
                "title_en": "B2B meetings",
                "starts_at": starts_at,
                "ends_at": ends_at,
                "slot_minutes": 20,
                "table_count": 4,
            },
            headers=org,
        )
    )
    ids: dict[str, int] = {}
    for key, (name, email) in PEOPLE.items():
        person = _created(
            client.post(
                f"/api/v1/events/{event['id']}/participants",
                json={"full_name": name, "email": email, "languages": ["vi", "en"]},
                headers=org,
            )
        )
        ids[key] = int(person["id"])
    slots = client.get(
        f"/api/v1/events/{event['id']}/sessions/{session['id']}/slots", headers=org
    ).json()
    # The slot under way: the first began up to 40 minutes ago, so take the second if the
    # first is already over.
    _created(
        client.post(
            f"/api/v1/events/{event['id']}/meetings",
            json={"participant_ids": [ids["lin"], ids["hoa"]], "slot_id": slots[1]["id"]},
            headers=org,
        )
    )
    client.post(f"/api/v1/events/{event['id']}/publish", headers=org)
    for key in ("lin", "chen"):
        done = client.post(
            f"/api/v1/events/{event['id']}/check-in",
            json={"participant_id": ids[key], "method": "search"},
            headers=org,
        )
        assert done.status_code == 201, done.text
    return int(event["id"]), int(session["id"]), ids


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
