"""The public event page is remembered a few seconds for anonymous visitors (app.pagecache):
a crowd opening a published link is served without the database, in its language, while a
signed-in organiser always sees the page as it is now."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app import pagecache
from app.auth.models import User
from app.auth.service import start_web_session
from app.deps import SESSION_COOKIE
from app.settings import get_settings
from tests.conftest import HAI_PHONG_EVENT


@pytest.fixture
def remembered(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("KETNOI_PUBLIC_PAGE_SECONDS", "60")
    get_settings.cache_clear()
    pagecache.forget()
    yield
    pagecache.forget()
    monkeypatch.delenv("KETNOI_PUBLIC_PAGE_SECONDS")
    get_settings.cache_clear()


def _open_event(client: TestClient, headers: dict[str, str]) -> int:
    created = client.post(
        "/api/v1/events",
        json={**HAI_PHONG_EVENT, "status": "registration_open"},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


def test_anonymous_visitors_get_the_remembered_page_organisers_the_live_one(
    remembered: None, client: TestClient, organiser_headers: dict[str, str]
) -> None:
    event_id = _open_event(client, organiser_headers)
    path = f"/events/{event_id}"
    visitor = TestClient(client.app)
    first = visitor.get(path)
    assert first.status_code == 200
    assert "Phiên kết nối cung cầu công nghệ Việt Nam – Đài Loan" in first.text
    # Every response still carries the security headers and the visitor's CSRF cookie.
    assert "Content-Security-Policy" in first.headers
    assert first.headers["X-Frame-Options"] == "DENY"

    renamed = client.patch(
        f"/api/v1/events/{event_id}",
        json={"title_vi": "Phiên kết nối đã đổi tên"},
        headers=organiser_headers,
    )
    assert renamed.status_code == 200, renamed.text
    # Anonymous: the page of a moment ago (at most KETNOI_PUBLIC_PAGE_SECONDS old).
    again = visitor.get(path)
    assert "Phiên kết nối cung cầu công nghệ Việt Nam – Đài Loan" in again.text
    # Each language is remembered on its own.
    english = visitor.get(path + "?lang=en")
    assert english.status_code == 200
    assert 'lang="en"' in english.text
    # Once forgotten (time passed), the visitor sees the new title.
    pagecache.forget()
    assert "Phiên kết nối đã đổi tên" in visitor.get(path + "?lang=vi").text


def test_a_signed_in_reader_and_a_query_string_are_never_served_from_memory(
    remembered: None,
    client: TestClient,
    db: Session,
    organiser: User,
    organiser_headers: dict[str, str],
) -> None:
    event_id = _open_event(client, organiser_headers)
    path = f"/events/{event_id}"
    visitor = TestClient(client.app)
    assert visitor.get(path).status_code == 200  # remembered now
    client.patch(
        f"/api/v1/events/{event_id}",
        json={"title_vi": "Tên mới của phiên"},
        headers=organiser_headers,
    )
    # A flash message (or any other query) makes a page of its own, read fresh.
    assert "Tên mới của phiên" in visitor.get(path + "?flash=registered").text
    # The organiser, signed in through the browser, sees the live page at once ...
    browser = TestClient(client.app)
    browser.cookies.set(SESSION_COOKIE, start_web_session(db, get_settings(), user=organiser))
    db.commit()
    assert "Tên mới của phiên" in browser.get(path).text
    # ... while an anonymous visitor still gets the page of a moment ago.
    assert "Tên mới của phiên" not in visitor.get(path).text


def test_a_draft_event_is_never_remembered(
    remembered: None, client: TestClient, organiser_headers: dict[str, str]
) -> None:
    created = client.post("/api/v1/events", json=HAI_PHONG_EVENT, headers=organiser_headers)
    event_id = created.json()["id"]
    visitor = TestClient(client.app)
    assert visitor.get(f"/events/{event_id}").status_code == 404
    opened = client.patch(
        f"/api/v1/events/{event_id}",
        json={"status": "registration_open"},
        headers=organiser_headers,
    )
    assert opened.status_code == 200, opened.text
    assert visitor.get(f"/events/{event_id}").status_code == 200
