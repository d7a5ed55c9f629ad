"""Issue 20 in a real browser: the organiser's grid of a big session (60 tables × 16 slots)
shows a window of 4 slots × 40 tables, and the rest is a click away: later slots, higher
tables, and the jump form."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ORGANISER_EMAIL, ORGANISER_PASSWORD
from tests.e2e.test_meeting_journey import _api, _created, _log_in

pytestmark = pytest.mark.e2e


def test_organiser_walks_a_big_grid_window_by_window(live_server: str, page: Page) -> None:
    client, org = _api(live_server)
    eid = _created(
        client.post(
            "/api/v1/events",
            json={
                "title_vi": "Chợ công nghệ lớn",
                "title_en": "Big technology fair",
                "timezone": "Asia/Ho_Chi_Minh",
                "start_date": "2027-05-18",
                "end_date": "2027-05-18",
                "languages": ["vi", "en"],
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
                "title_vi": "Gặp gỡ B2B",
                "title_en": "B2B meetings",
                "starts_at": "2027-05-18T08:00:00+07:00",
                "ends_at": "2027-05-18T13:20:00+07:00",
                "slot_minutes": 20,
                "table_count": 60,
            },
            headers=org,
        )
    )["id"]
    _log_in(page, live_server, ORGANISER_EMAIL, ORGANISER_PASSWORD)
    page.goto(f"{live_server}/events/{eid}/sessions/{sid}/grid")
    position = page.get_by_test_id("grid-window-position")
    # Before the event day: the first slots and the first 40 tables.
    expect(position).to_have_text("Lượt gặp 1–4 trong 16 · bàn 1–40 trong 60")
    expect(page.get_by_test_id("cell-4-40")).to_be_visible()
    expect(page.get_by_test_id("cell-5-1")).to_have_count(0)
    page.get_by_test_id("grid-next-slots").click()
    expect(position).to_have_text("Lượt gặp 5–8 trong 16 · bàn 1–40 trong 60")
    page.get_by_test_id("grid-next-tables").click()
    expect(position).to_have_text("Lượt gặp 5–8 trong 16 · bàn 41–60 trong 60")
    expect(page.get_by_test_id("cell-8-60")).to_be_visible()
    jump = page.get_by_test_id("grid-jump")
    jump.get_by_label("Lượt gặp").select_option(index=13)  # slot 14
    jump.get_by_label("Bàn").fill("3")
    jump.get_by_role("button", name="Xem").click()
    expect(position).to_have_text("Lượt gặp 13–16 trong 16 · bàn 1–40 trong 60")
    expect(page.get_by_test_id("grid-next-slots")).to_have_count(0)
    expect(page.get_by_test_id("cell-16-1")).to_be_visible()
