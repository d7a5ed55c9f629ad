"""What the last walk of the journeys found, on a 390 px phone: a stranger's sign-up keeps
what was typed when searching for an organisation and offers countries by name; the
organiser's participant list has no sideways scrolling; the event-day staff find the
check-in desk on the event page."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import Browser, BrowserContext, ViewportSize, expect

from tests.e2e import setup
from tests.e2e.conftest import ORGANISER_EMAIL, ORGANISER_PASSWORD
from tests.e2e.test_meeting_journey import _api, _log_in
from tests.e2e.test_meetings_fixes_journey import _axe

pytestmark = pytest.mark.e2e

PHONE: ViewportSize = {"width": 390, "height": 844}
DESK = ("le-tan.walk@sokhcn.haiphong.gov.vn", "Vũ Thị Lễ Tân", "le-tan-mat-khau-2027")


def _event_with_people(base: str) -> int:
    """An event open for registration with a B2B session, fourteen approved participants
    with long organisation names, and a staff member with an account."""
    client, org = _api(base)
    event_id = setup.event(
        client,
        org,
        "Kết nối công nghệ thủy sản Hải Phòng – Đài Loan (Trung Quốc)",
        "Hai Phong – Taiwan aquaculture technology meetings",
        (date.today() + timedelta(days=30)).isoformat(),
    )
    for n in range(14):
        setup.person(
            client,
            org,
            event_id,
            f"Nguyễn Văn Thành Trung {n}",
            f"dai-bieu-{n}@congtythuysanhaiphong-cathai.example",
            phone="+84 912 345 678",
        )
    email, name, password = DESK
    setup.person(
        client, org, event_id, name, email, password=password, role="staff", languages=["vi"]
    )
    return event_id


def _phone(browser: Browser) -> BrowserContext:
    # bypass_csp: axe-core is injected as a script tag, which the page's CSP refuses.
    return browser.new_context(locale="vi-VN", viewport=PHONE, bypass_csp=True)


def _no_sideways_scroll(context: BrowserContext) -> None:
    page = context.pages[0]
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]


def test_sign_up_search_list_and_desk_on_a_phone(live_server: str, browser: Browser) -> None:
    event_id = _event_with_people(live_server)

    # A stranger signs up on a phone: the top bar fits on one line, "Log in" is in the menu.
    stranger = _phone(browser)
    page = stranger.new_page()
    page.goto(f"{live_server}/events/{event_id}/signup")
    brand = page.locator("a.brand").bounding_box()
    assert brand is not None
    assert brand["height"] < 40  # "Kết Nối" on one line
    # "EN" is a thumb's target, not a 21 px word beside "VI" (found in session 29's walk)
    english = page.locator(".langs a[hreflang=en]").bounding_box()
    assert english is not None
    assert english["width"] >= 24, english
    assert english["height"] >= 24, english
    _no_sideways_scroll(stranger)
    page.get_by_label("Thư điện tử").fill("hoa.walk@thucphamhp.example")
    page.get_by_label("Họ và tên").fill("Nguyễn Thị Hoa")
    page.get_by_label("Tìm tổ chức của bạn").fill("thuc pham hai phong")
    page.get_by_role("button", name="Tìm", exact=True).click()
    # The search is not a submission: what was typed is still there, nothing is refused.
    expect(page.get_by_label("Thư điện tử")).to_have_value("hoa.walk@thucphamhp.example")
    expect(page.get_by_label("Họ và tên")).to_have_value("Nguyễn Thị Hoa")
    expect(page.get_by_label("Tìm tổ chức của bạn")).to_have_value("thuc pham hai phong")
    expect(page.locator(".field-error")).to_have_count(0)
    # Countries by name, the official one for Taiwan; no ISO code to type.
    country = page.locator("#org_country")
    expect(country.locator("option:checked")).to_have_text("Việt Nam")
    country.select_option(label="Đài Loan (Trung Quốc)")
    expect(country).to_have_value("TW")
    _axe(page, "sign-up on a phone")
    stranger.close()

    # The organiser's participant list on a phone: one card per person, no sideways scroll.
    organiser = _phone(browser)
    page = organiser.new_page()
    _log_in(page, live_server, ORGANISER_EMAIL, ORGANISER_PASSWORD)
    page.goto(f"{live_server}/events/{event_id}/participants")
    expect(page.get_by_role("strong").filter(has_text="Nguyễn Văn Thành Trung 13")).to_be_visible()
    _no_sideways_scroll(organiser)
    _axe(page, "participant list on a phone")
    organiser.close()

    # The desk staff find the check-in desk on the event page.
    desk = _phone(browser)
    page = desk.new_page()
    _log_in(page, live_server, DESK[0], DESK[2])
    page.goto(f"{live_server}/events/{event_id}")
    page.get_by_role("link", name="Check-in").click()
    expect(page.get_by_role("heading", name="Check-in", exact=True)).to_be_visible()
    expect(page.get_by_label("Tên, tổ chức hoặc mã (có dấu hoặc không dấu)")).to_be_visible()
    _no_sideways_scroll(desk)
    _axe(page, "check-in desk on a phone")
    desk.close()


def test_an_error_far_down_a_long_page_is_brought_into_view(
    live_server: str, browser: Browser
) -> None:
    """Found in session 29's walk: rejecting the last of many people without a reason sent
    the list back with the error thousands of pixels below the top, and the organiser
    believed the rejection done. The first error is now in view, its field focused."""
    event_id = _event_with_people(live_server)
    organiser = _phone(browser)
    page = organiser.new_page()
    _log_in(page, live_server, ORGANISER_EMAIL, ORGANISER_PASSWORD)
    page.goto(f"{live_server}/events/{event_id}/participants")
    last = page.locator("form.decision").filter(has=page.locator("input[name=reason]")).last
    last.get_by_role("button", name="Từ chối").click()
    error = page.locator(".field-error").first
    expect(error).to_be_in_viewport()
    expect(error).to_contain_text("lý do")
    assert page.evaluate("document.activeElement.name") == "reason"
    assert page.evaluate("window.scrollY") > 1000  # the list is long: it did scroll
    organiser.close()
