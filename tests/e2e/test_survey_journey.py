"""The demand survey in a real browser: the organiser opens it, a Vietnamese enterprise on a
phone says whom it must meet, the visiting company answers the same, the organiser turns the
matching board into meetings and schedules them."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e import setup
from tests.e2e.conftest import ORGANISER_EMAIL, ORGANISER_PASSWORD
from tests.e2e.test_meeting_journey import _api, _created, _log_in

pytestmark = pytest.mark.e2e

PASSWORD = "mat-khau-khao-sat-2027"
PEOPLE = {
    "hoa": (
        "Nguyễn Thị Hoa Khảo Sát",
        "hoa.survey@thucphamhp.vn",
        "Công ty Thực phẩm Cát Hải KS",
    ),
    "lin": ("Lin Wei-Ting Survey", "lin.survey@tw-packaging.com.tw", "Formosa Packaging Survey"),
}


def _event(base: str) -> tuple[int, int, dict[str, int]]:
    client, org = _api(base)
    event_id = setup.event(
        client,
        org,
        "Khảo sát nhu cầu công nghệ Hải Phòng – Đài Loan (Trung Quốc)",
        "Hai Phong – Taiwan technology demand survey",
        "2027-05-20",
    )
    session_id = setup.b2b_session(
        client, org, event_id, "2027-05-20T14:00:00+07:00", "2027-05-20T16:00:00+07:00", tables=4
    )
    ids: dict[str, int] = {}
    for key, (name, email, organisation) in PEOPLE.items():
        found = _created(
            client.post(
                "/api/v1/organisations",
                json={
                    "name_vi": organisation,
                    "kind": "enterprise",
                    "country": "TW" if key == "lin" else "VN",
                },
                headers=org,
            )
        )
        ids[key] = setup.person(
            client, org, event_id, name, email, password=PASSWORD, organisation_id=found["id"]
        )
    return event_id, session_id, ids


def test_an_enterprise_answers_the_survey_and_the_board_becomes_a_schedule(
    live_server: str, browser: Browser
) -> None:
    event_id, session_id, ids = _event(live_server)
    desk = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    organiser = desk.new_page()
    organiser.set_default_timeout(10_000)
    phone = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844})
    hoa = phone.new_page()
    hoa.set_default_timeout(10_000)
    try:
        _log_in(organiser, live_server, ORGANISER_EMAIL, ORGANISER_PASSWORD)
        board = f"{live_server}/events/{event_id}/wishes/board"
        organiser.goto(board)
        organiser.get_by_role("button", name="Mở khảo sát").click()
        expect(organiser.get_by_test_id("survey-state")).to_contain_text("Khảo sát đang mở")

        # The enterprise, on a phone: from the event page to its wishes.
        _log_in(hoa, live_server, PEOPLE["hoa"][1], PASSWORD)
        hoa.goto(f"{live_server}/events/{event_id}")
        hoa.get_by_role("link", name="Bạn muốn gặp ai?").click()
        card = hoa.get_by_test_id(f"wish-{ids['lin']}")
        card.get_by_label("Bắt buộc gặp").check()
        hoa.get_by_role("button", name="Lưu mong muốn").click()
        expect(hoa.get_by_test_id("notice")).to_contain_text("Đã lưu mong muốn")
        assert hoa.evaluate("document.scrollingElement.scrollWidth") <= 390

        # The visiting company says the same.
        phone.clear_cookies()
        _log_in(hoa, live_server, PEOPLE["lin"][1], PASSWORD)
        hoa.goto(f"{live_server}/events/{event_id}/wishes")
        hoa.get_by_test_id(f"wish-{ids['hoa']}").get_by_label("Bắt buộc gặp").check()
        hoa.get_by_role("button", name="Lưu mong muốn").click()
        expect(hoa.get_by_test_id("notice")).to_be_visible()

        # The board: the mutual "must meet" first, ticked; proposed in one step, then scheduled.
        organiser.goto(board)
        pair = organiser.locator("[data-testid^='pair-']").first
        expect(pair).to_contain_text("Bắt buộc gặp")
        expect(pair.locator("input[name=pairs]")).to_be_checked()
        # The organisers name what the meeting is about; it travels to the agenda.
        pair.locator("input.topic-input").fill("Dây chuyền đóng gói hải sản tự động")
        organiser.get_by_role("button", name="Đề xuất các cuộc gặp đã chọn").click()
        expect(organiser.get_by_test_id("notice")).to_contain_text("Đã đề xuất 1 cuộc gặp")
        hoa.goto(f"{live_server}/events/{event_id}/meetings/mine")
        expect(hoa.get_by_test_id("meeting-topic")).to_have_text(
            "Chủ đề: Dây chuyền đóng gói hải sản tự động"
        )
        organiser.goto(f"{live_server}/events/{event_id}/sessions/{session_id}/schedule")
        organiser.get_by_role("button", name="Xếp lịch tất cả").click()
        expect(organiser.get_by_test_id("scheduled")).to_have_text("1")
    finally:
        desk.close()
        phone.close()
