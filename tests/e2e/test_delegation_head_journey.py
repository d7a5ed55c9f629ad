"""Journey (issue 16, item 4) in a real browser: a delegation head opens a member's requests
from the delegation page and accepts one on the member's behalf; every page on the way says
on whose behalf the head acts, and the member's agenda then holds the meeting."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import ORGANISER_EMAIL, ORGANISER_PASSWORD, expect_signed_in

pytestmark = pytest.mark.e2e

HEAD = ("wang.head@tw-delegation.example.tw", "Wang Chien-Ming", "mat-khau-truong-doan-2027")
HANH = ("hanh.tran@cokhi-haiphong.example.vn", "Trần Thị Hạnh", "mat-khau-cua-hanh-2027")
MEMBER = "Chen Mei-Ling"


def _token(client: httpx.Client, email: str, password: str) -> dict[str, str]:
    response = client.post("/api/v1/auth/token", data={"username": email, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    return dict(response.json())


def _delegation_with_a_request(base: str) -> tuple[int, int, int, int]:
    """An event with a Taiwanese delegation (head with an account, member Chen without one)
    and a Vietnamese enterprise (Hạnh) who asked Chen for a meeting; set up through the API
    as organisers and Hạnh would. Returns (event, delegation, Chen, request) ids."""
    client = httpx.Client(base_url=base, timeout=10)
    org = _token(client, ORGANISER_EMAIL, ORGANISER_PASSWORD)
    event = _created(
        client.post(
            "/api/v1/events",
            json={
                "title_vi": "Kết nối công nghệ cơ khí chính xác Việt Nam – Đài Loan (Trung Quốc)",
                "title_en": "Vietnam – Taiwan precision engineering meetings",
                "timezone": "Asia/Ho_Chi_Minh",
                "start_date": "2027-04-20",
                "end_date": "2027-04-20",
                "languages": ["vi", "en", "zh"],
                "status": "registration_open",
            },
            headers=org,
        )
    )
    eid = int(event["id"])
    _created(
        client.post(
            f"/api/v1/events/{eid}/sessions",
            json={
                "kind": "matchmaking",
                "title_vi": "Gặp gỡ B2B",
                "title_en": "B2B meetings",
                "starts_at": "2027-04-20T14:00:00+07:00",
                "ends_at": "2027-04-20T16:00:00+07:00",
                "slot_minutes": 20,
                "table_count": 5,
            },
            headers=org,
        )
    )
    users = {}
    for key, (email, name, password) in (("head", HEAD), ("hanh", HANH)):
        users[key] = _created(
            client.post(
                "/api/v1/users",
                json={"email": email, "full_name": name, "password": password, "role": "delegate"},
                headers=org,
            )
        )
    delegation = _created(
        client.post(
            f"/api/v1/events/{eid}/delegations",
            json={
                "name": "Đoàn doanh nghiệp Đài Loan (Trung Quốc)",
                "country": "TW",
                "head_user_id": users["head"]["id"],
                "status": "registered",
            },
            headers=org,
        )
    )
    people = {}
    for key, body in (
        ("head", {"full_name": HEAD[1], "email": HEAD[0], "languages": ["zh", "en"]}),
        ("chen", {"full_name": MEMBER, "languages": ["zh", "en"]}),
    ):
        people[key] = _created(
            client.post(
                f"/api/v1/events/{eid}/participants",
                json={**body, "delegation_id": delegation["id"], "for_self": False},
                headers=org,
            )
        )
    _created(
        client.post(
            f"/api/v1/events/{eid}/participants",
            json={"full_name": HANH[1], "email": HANH[0], "languages": ["vi"], "for_self": False},
            headers=org,
        )
    )
    hanh = _token(client, HANH[0], HANH[2])
    request = _created(
        client.post(
            f"/api/v1/events/{eid}/meeting-requests",
            json={
                "recipient_id": people["chen"]["id"],
                "message": "Chúng tôi cần máy phay CNC năm trục, xin được gặp.",
            },
            headers=hanh,
        )
    )
    return eid, int(delegation["id"]), int(people["chen"]["id"]), int(request["id"])


def test_a_head_accepts_a_members_request_on_her_behalf(live_server: str, browser: Browser) -> None:
    event_id, delegation_id, chen_id, request_id = _delegation_with_a_request(live_server)
    context = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(live_server + "/login")
        page.get_by_label("Thư điện tử").fill(HEAD[0])
        page.get_by_label("Mật khẩu").fill(HEAD[2])
        page.get_by_role("button", name="Đăng nhập").click()
        expect_signed_in(page)

        # From the delegation page, the member's row leads to her requests.
        page.goto(f"{live_server}/events/{event_id}/delegations/{delegation_id}")
        row = page.get_by_test_id(f"act-for-{chen_id}")
        # publishing for her says so (it read "Nhu cầu", requests, for a link to the form)
        expect(row.get_by_role("link", name="Đăng chào bán hoặc nhu cầu")).to_have_attribute(
            "href", f"/events/{event_id}/profiles/new?as={chen_id}"
        )
        row.get_by_role("link", name="Yêu cầu gặp").click()
        expect(page).to_have_url(re.compile(rf"/meetings/mine\?as={chen_id}#inbox$"))
        expect(page.get_by_test_id("acting-for")).to_have_text(
            re.compile(rf"Bạn đang thao tác thay cho {MEMBER}\.")
        )
        expect(page.get_by_role("heading", name=f"Cuộc gặp của {MEMBER}")).to_be_visible()

        received = page.get_by_test_id(f"request-{request_id}")
        expect(received).to_contain_text(HANH[1])
        expect(received).to_contain_text("máy phay CNC năm trục")
        received.get_by_role("button", name="Chấp nhận").click()

        # Back on the member's page, still on her behalf, with the request accepted.
        expect(page.get_by_text("Đã chấp nhận yêu cầu: cuộc gặp đã có trong lịch.")).to_be_visible()
        expect(page).to_have_url(re.compile(rf"participant_id={chen_id}"))
        expect(page.get_by_test_id("acting-for")).to_contain_text(MEMBER)
        expect(page.get_by_test_id(f"request-{request_id}")).to_contain_text("Được chấp nhận")
        expect(page.get_by_test_id("agenda")).to_contain_text(HANH[1])

        # The head sees every member's agenda on one page.
        page.goto(f"{live_server}/events/{event_id}/delegations/{delegation_id}/agenda")
        expect(page.get_by_test_id(f"member-agenda-{chen_id}")).to_contain_text(HANH[1])
        # No sideways scrolling on a phone.
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390
    finally:
        context.close()
