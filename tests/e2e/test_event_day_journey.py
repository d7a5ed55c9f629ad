"""The event day in a real browser: staff type the code printed on a delegate's agenda at
the check-in desk, mark the meeting held on the grid, the delegate leaves feedback from
"My meetings", and the organiser's report counts it."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import ORGANISER_EMAIL, ORGANISER_PASSWORD
from tests.e2e.test_meeting_journey import HOA as _HOA
from tests.e2e.test_meeting_journey import LIN as _LIN
from tests.e2e.test_meeting_journey import _api, _created, _log_in

# The journeys share one server: the same people, with accounts of their own here.
LIN = ("lin.weiting.day@tw-packaging.com.tw", *_LIN[1:])
HOA = ("hoa.day@thucphamhp.vn", *_HOA[1:])

pytestmark = pytest.mark.e2e


def _today_in_hai_phong() -> tuple[str, str, str]:
    """(date, session start, session end) of a B2B session of 20-minute slots under way now in
    Hải Phòng: its first slot began 30 minutes ago and is over, so that its meeting can be
    recorded; its second began 10 minutes ago and has 9-10 minutes left, so that a test never
    finds it ended half-way (started on the 20-minute mark, it could end seconds into a test)."""
    zone = ZoneInfo("Asia/Ho_Chi_Minh")
    start = datetime.now(zone).replace(second=0, microsecond=0) - timedelta(minutes=30)
    return start.date().isoformat(), start.isoformat(), (start + timedelta(hours=2)).isoformat()


def _organiser_event(base: str) -> tuple[int, int, dict[str, int], str]:
    """An organiser-scheduled event today with one booked meeting Lin ⇄ Hoa in the slot under
    way, set up through the API as the organisers would (tested elsewhere); Lin's agenda
    code from the PDF."""
    client, org = _api(base)
    day, starts_at, ends_at = _today_in_hai_phong()
    event = _created(
        client.post(
            "/api/v1/events",
            json={
                "title_vi": "Ngày kết nối công nghệ Hải Phòng – Đài Loan",
                "title_en": "Hai Phong – Taiwan technology day",
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
                "table_count": 5,
            },
            headers=org,
        )
    )
    ids: dict[str, int] = {}
    for key, (email, name, password) in (("lin", LIN), ("hoa", HOA)):
        client.post(
            "/api/v1/users",
            json={"email": email, "full_name": name, "password": password, "role": "delegate"},
            headers=org,
        )
        person = _created(
            client.post(
                f"/api/v1/events/{event['id']}/participants",
                json={
                    "full_name": name,
                    "email": email,
                    "languages": ["vi", "en"],
                    "for_self": False,
                },
                headers=org,
            )
        )
        ids[key] = int(person["id"])
    slots = client.get(
        f"/api/v1/events/{event['id']}/sessions/{session['id']}/slots", headers=org
    ).json()
    _created(
        client.post(
            f"/api/v1/events/{event['id']}/meetings",
            json={"participant_ids": [ids["lin"], ids["hoa"]], "slot_id": slots[0]["id"]},
            headers=org,
        )
    )
    client.post(f"/api/v1/events/{event['id']}/publish", headers=org)
    agenda = client.get(
        f"/api/v1/events/{event['id']}/participants/{ids['lin']}/agenda.pdf", headers=org
    )
    assert agenda.status_code == 200, agenda.text
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=agenda.content, capture_output=True, check=True
    ).stdout.decode()
    # pdftotext may read a gap between two of the code's glyphs as a space ("P8A J5RZ5"), as
    # a person copying it might get it; the desk takes it either way.
    code = re.search(r"\b([A-Z0-9](?: ?[A-Z0-9]){7})\b", text)
    assert code, text
    return int(event["id"]), int(session["id"]), ids, code.group(1)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext")
def test_check_in_by_the_agenda_code_held_feedback_and_the_report(
    live_server: str, browser: Browser, page: Page
) -> None:
    event_id, session_id, ids, code = _organiser_event(live_server)
    _log_in(page, live_server, ORGANISER_EMAIL, ORGANISER_PASSWORD)

    # The desk: the code typed as printed (a USB scanner types it the same way, then Enter).
    page.goto(f"{live_server}/events/{event_id}/check-in")
    page.locator("#code").fill(code)
    page.locator("#code").press("Enter")
    card = page.get_by_test_id("person-card")
    expect(card).to_contain_text("Lin Wei-Ting")
    expect(card).to_contain_text("Nguyễn Thị Hoa")  # today's meeting on the card
    expect(page.get_by_test_id("arrived-total")).to_contain_text("1 / 2")

    # The grid: Hoa has not arrived (flagged), so the meeting cannot be recorded as held.
    grid = f"{live_server}/events/{event_id}/sessions/{session_id}/grid"
    page.goto(grid)
    expect(page.get_by_test_id(f"not-arrived-{ids['hoa']}")).to_be_visible()
    form = page.locator("form[data-testid^='attendance-']").first
    form.get_by_role("button", name="Đã diễn ra").click()
    expect(page.get_by_test_id("notice")).to_contain_text("chưa check-in")
    # Hoa arrives and is checked in at the desk; now the meeting is held.
    client, org = _api(live_server)
    arrived = client.post(
        f"/api/v1/events/{event_id}/check-in", json={"participant_id": ids["hoa"]}, headers=org
    )
    assert arrived.status_code in (200, 201), arrived.text
    page.goto(grid)
    form = page.locator("form[data-testid^='attendance-']").first
    form.get_by_role("button", name="Đã diễn ra").click()
    expect(page.get_by_test_id("notice")).to_contain_text("đã diễn ra")

    # The delegate's feedback from "My meetings".
    context = browser.new_context(locale="vi-VN")
    lin = context.new_page()
    try:
        _log_in(lin, live_server, LIN[0], LIN[2])
        lin.goto(f"{live_server}/events/{event_id}/meetings/mine")
        lin.get_by_test_id("feedback-link").click()
        form = lin.get_by_test_id("feedback-form")
        form.get_by_label("Có").first.check()
        form.locator("label[for='rating-5']").click()
        form.locator("input[name='continue'][value='yes']").check()
        form.get_by_label("Tham quan cơ sở").check()
        form.get_by_label("Nhận xét").fill("Hẹn thăm nhà máy tháng 4.")
        form.get_by_role("button", name="Gửi đánh giá").click()
        expect(lin.get_by_test_id("notice")).to_contain_text("Xin cảm ơn")
        # and the way back to her meetings (found in session 29's walk: none was offered)
        expect(lin.get_by_test_id("after-feedback").get_by_role("link")).to_have_attribute(
            "href", f"/events/{event_id}/meetings/mine"
        )
    finally:
        context.close()

    # The report counts it.
    page.goto(f"{live_server}/events/{event_id}/report")
    report = page.get_by_test_id("report")
    expect(report).to_be_visible()
    key = report.locator(".rp-key")
    expect(key).to_contain_text("1")
    assert "Đã diễn ra" in key.inner_text() or "1" in key.inner_text()


def test_table_sheets_print_in_the_background_and_the_recent_list_follows(
    live_server: str, page: Page
) -> None:
    """The print page: the organiser starts the table sheets, watches the job finish without
    reloading, and "Recent prints" below says the same (a download link, not "waiting")."""
    event_id, _session_id, _ids, _code = _organiser_event(live_server)
    _log_in(page, live_server, ORGANISER_EMAIL, ORGANISER_PASSWORD)
    page.goto(f"{live_server}/events/{event_id}/print")
    page.locator("form:has(input[name=what][value=tables]) button[type=submit]").click()
    expect(page.get_by_test_id("job-status")).to_contain_text(
        "Xong. Tệp PDF đã sẵn sàng", timeout=90_000
    )
    job = page.locator("#job").get_attribute("data-job")
    listed = page.locator(f'#recent-jobs li[data-job="{job}"]')
    expect(listed.get_by_role("link", name="Tải tệp PDF")).to_be_visible()
    expect(listed).not_to_contain_text("Đang chờ")
    href = page.get_by_test_id("job-download").get_attribute("href")
    assert href is not None
    pdf = page.request.get(live_server + href)
    assert pdf.status == 200
    assert pdf.body().startswith(b"%PDF")
