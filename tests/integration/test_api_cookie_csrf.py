"""The JSON API with the browser's session cookie: a change needs the CSRF token header or
a same-site Origin, so a foreign page cannot act for a logged-in organiser; the CSRF cookie
is new after log-in."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.auth.models import User
from tests.conftest import HAI_PHONG_EVENT, PASSWORD

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


def _csrf(client: TestClient, path: str = "/login") -> str:
    page = client.get(path)
    return page.text.split('name="csrf_token" value="')[1].split('"')[0]


def _log_in(client: TestClient, email: str) -> str:
    token = _csrf(client)
    before = client.cookies.get("ketnoi_csrf")
    response = client.post(
        "/login",
        data={"email": email, "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    after = client.cookies.get("ketnoi_csrf")
    assert before
    assert after
    assert after != before  # rotated at log-in
    return _csrf(client, "/")


def test_cookie_api_change_needs_the_csrf_header_or_a_same_site_origin(
    client: TestClient, organiser: User
) -> None:
    token = _log_in(client, organiser.email)
    url = "/api/v1/events"

    forged = client.post(url, json=HAI_PHONG_EVENT)
    assert forged.status_code == 403
    assert forged.headers["content-type"].startswith("application/problem+json")
    assert "X-CSRF-Token" in forged.json()["detail"]

    foreign = client.post(url, json=HAI_PHONG_EVENT, headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403
    wrong = client.post(url, json=HAI_PHONG_EVENT, headers={"X-CSRF-Token": "0" * 64})
    assert wrong.status_code == 403

    with_header = client.post(url, json=HAI_PHONG_EVENT, headers={"X-CSRF-Token": token})
    assert with_header.status_code == 201, with_header.text
    same_site = client.post(
        url,
        json={**HAI_PHONG_EVENT, "title_vi": "Phiên thứ hai"},
        headers={"Origin": "http://testserver"},
    )
    assert same_site.status_code == 201, same_site.text
    # Reading needs neither.
    assert client.get("/api/v1/users/me").status_code == 200


def test_bearer_tokens_need_no_csrf_header(
    client: TestClient, organiser_headers: dict[str, str]
) -> None:
    response = client.post("/api/v1/events", json=HAI_PHONG_EVENT, headers=organiser_headers)
    assert response.status_code == 201
