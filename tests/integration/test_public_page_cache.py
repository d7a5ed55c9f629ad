"""The public event page is remembered a few seconds for anonymous visitors (app.pagecache):
a crowd opening a published link is served without the database, in its language, while a
signed-in organiser always sees the page as it is now."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest
from fastapi import Request
from fastapi.responses import HTMLResponse, Response
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


def _anonymous_get(path: str) -> Request:
    return Request(
        {"type": "http", "method": "GET", "path": path, "query_string": b"", "headers": []}
    )


def test_when_a_remembered_page_runs_out_one_reader_builds_it_the_others_get_the_last_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A crowd on the public page: when the kept page runs out, the first reader builds it
    again and the readers arriving meanwhile are answered at once with the page that ran out
    (before: each of them built it too, and 50 readers waited 400 ms at every expiry)."""
    monkeypatch.setenv("KETNOI_PUBLIC_PAGE_SECONDS", "0.3")
    get_settings.cache_clear()
    pagecache.forget()
    built: list[str] = []
    release = threading.Event()

    def build(body: str, wait: bool = False) -> Callable[[], Response]:
        def make() -> Response:
            built.append(body)
            if wait:
                release.wait(10)
            return HTMLResponse(body)

        return make

    try:
        path = "/events/7"
        assert pagecache.public_page(_anonymous_get(path), None, build("v1")).body == b"v1"
        time.sleep(0.35)  # run out
        answers: list[bytes] = []
        builder = threading.Thread(
            target=lambda: answers.append(
                bytes(pagecache.public_page(_anonymous_get(path), None, build("v2", True)).body)
            )
        )
        builder.start()
        deadline = time.monotonic() + 5
        while built != ["v1", "v2"] and time.monotonic() < deadline:
            time.sleep(0.01)
        assert built == ["v1", "v2"]
        # The others meanwhile: the page that ran out, nothing built.
        for _ in range(5):
            reader = pagecache.public_page(_anonymous_get(path), None, build("v3"))
            assert reader.body == b"v1"
        assert built == ["v1", "v2"]
        release.set()
        builder.join(10)
        assert answers == [b"v2"]
        # From now on everyone gets the new page.
        assert pagecache.public_page(_anonymous_get(path), None, build("v4")).body == b"v2"
        assert built == ["v1", "v2"]
        # A page that ran out with nobody building it is built by the reader.
        time.sleep(0.35)
        assert pagecache.public_page(_anonymous_get(path), None, build("v5")).body == b"v5"
    finally:
        release.set()
        pagecache.forget()
        monkeypatch.delenv("KETNOI_PUBLIC_PAGE_SECONDS")
        get_settings.cache_clear()
