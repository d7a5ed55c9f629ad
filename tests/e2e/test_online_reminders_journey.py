"""Online meetings in a real browser: the organiser gives a B2B session a Jitsi room pattern
and makes its meetings online; the delegate, on a 390 px phone, sees the join link on the
next meeting and on the meeting card, without sideways scrolling."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import ORGANISER_EMAIL, ORGANISER_PASSWORD
from tests.e2e.test_meeting_journey import _api, _created, _log_in
from tests.e2e.test_meetings_fixes_journey import _axe

pytestmark = pytest.mark.e2e

PASSWORD = "mat-khau-truc-tuyen-2027"
PATTERN = "https://meet.jit.si/ketnoi-{event}-{meeting}-{token}"


def _setup(base: str) -> dict[str, Any]:
    client, org = _api(base)
    eid = _created(
        client.post(
            "/api/v1/events",
            json={
                "title_vi": "Kết nối công nghệ Việt Nam – Hàn Quốc (kết hợp trực tuyến)",
                "title_en": "Vietnam – Korea technology meetings (hybrid)",
                "timezone": "Asia/Ho_Chi_Minh",
                "start_date": "2027-05-11",
                "end_date": "2027-05-11",
                "languages": ["vi", "en", "ko"],
                "status": "registration_open",
            },
            headers=org,
        )
    )["id"]
    sid = _created(
        client.post(
            f"/api/v1/events/{eid}/sessions",
            json={
                "kind": "matchmaking",
                "title_vi": "Gặp gỡ B2B trực tuyến",
                "title_en": "Online B2B meetings",
                "starts_at": "2027-05-11T09:00:00+07:00",
                "ends_at": "2027-05-11T10:00:00+07:00",
                "slot_minutes": 20,
                "table_count": 2,
            },
            headers=org,
        )
    )["id"]
    ids = {}
    for key, email, name, languages in (
        ("kim", "kim.online@kr-robotics.example", "Kim Min-jun", ["ko", "en"]),
        ("thu", "thu.online@cokhi-hp.example", "Phạm Thị Thu", ["vi"]),
    ):
        _created(
            client.post(
                "/api/v1/users",
                json={"email": email, "full_name": name, "password": PASSWORD, "role": "delegate"},
                headers=org,
            )
        )
        ids[key] = _created(
            client.post(
                f"/api/v1/events/{eid}/participants",
                json={"full_name": name, "email": email, "languages": languages, "for_self": False},
                headers=org,
            )
        )["id"]
    slots = client.get(f"/api/v1/events/{eid}/sessions/{sid}/slots", headers=org).json()
    tables = client.get(f"/api/v1/events/{eid}/sessions/{sid}/tables", headers=org).json()
    mid = _created(
        client.post(
            f"/api/v1/events/{eid}/meetings",
            json={
                "participant_ids": [ids["kim"], ids["thu"]],
                "slot_id": slots[0]["id"],
                "table_id": tables[0]["id"],
            },
            headers=org,
        )
    )["id"]
    published = client.post(f"/api/v1/events/{eid}/publish", headers=org)
    assert published.status_code == 200, published.text
    return {"event": eid, "session": sid, "meeting": mid}


def test_organiser_sets_a_session_room_pattern_and_the_delegate_phone_shows_the_link(
    live_server: str, browser: Browser
) -> None:
    world = _setup(live_server)
    eid, sid, mid = world["event"], world["session"], world["meeting"]
    organiser = browser.new_context(
        locale="vi-VN", viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    page = organiser.new_page()
    page.set_default_timeout(10_000)
    try:
        _log_in(page, live_server, ORGANISER_EMAIL, ORGANISER_PASSWORD)
        page.goto(f"{live_server}/events/{eid}")
        page.get_by_role("link", name="Nhắc lịch và gặp trực tuyến").click()
        card = page.locator(f"#session-{sid}")
        # A plain-http link is refused, next to its field.
        card.get_by_label("Mẫu đường dẫn họp trực tuyến").fill("http://meet.jit.si/{event}")
        card.get_by_role("button", name="Lưu").click()
        card = page.locator(f"#session-{sid}")
        expect(card.locator(".field-error")).to_contain_text("https://")
        _axe(page, "reminders page with an error")
        card.get_by_label("Mẫu đường dẫn họp trực tuyến").fill(PATTERN)
        card.get_by_label("Hình thức gặp của phiên này").select_option(label="Trực tuyến")
        card.get_by_role("button", name="Lưu").click()
        expect(page.get_by_role("status")).to_contain_text("Đã lưu.")
        expect(page.locator(f"#session-{sid}")).to_contain_text("Trực tuyến: 1")
    finally:
        organiser.close()

    phone = browser.new_context(
        locale="vi-VN",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        bypass_csp=True,
    )
    page = phone.new_page()
    page.set_default_timeout(10_000)
    try:
        _log_in(page, live_server, "thu.online@cokhi-hp.example", PASSWORD)
        page.goto(f"{live_server}/events/{eid}/meetings/mine")
        join = page.get_by_test_id("join-link")
        expect(join).to_have_text("Tham gia trực tuyến")
        expect(join).to_have_attribute(
            "href", re.compile(rf"^https://meet\.jit\.si/ketnoi-{eid}-{mid}-[0-9a-f]{{16}}$")
        )
        card = page.get_by_test_id(f"meeting-{mid}")
        expect(card.get_by_test_id("meeting-mode")).to_have_text("Trực tuyến")
        expect(card.get_by_test_id("meeting-join-link")).to_be_visible()
        box = join.bounding_box()
        assert box is not None
        assert box["height"] >= 24
        width = page.evaluate("document.scrollingElement.scrollWidth")
        assert width <= 390, f"the agenda is {width} px wide at 390 px"
        _axe(page, "agenda with an online meeting")
    finally:
        phone.close()
