"""The "Calendar and agenda" page of a participant and the organisers' print page, as a
browser sees them: links, the subscription link shown once, reset and turn-off forms with
CSRF, print jobs with progress and a download link."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.auth.models import User
from app.auth.service import start_web_session
from app.deps import SESSION_COOKIE
from app.settings import get_settings
from tests.integration.test_exports_api import Fair, build_fair

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

HTML = {"Accept": "text/html,application/xhtml+xml"}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def fair(client: TestClient, db: Session, organiser: User) -> Fair:
    return build_fair(client, db, organiser)


@pytest.fixture
def browser(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False) as test_client:
        yield test_client


def log_in(browser: TestClient, db: Session, user: User) -> None:
    key = start_web_session(db, get_settings(), user=user)
    db.commit()
    browser.cookies.set(SESSION_COOKIE, key)


def csrf(html: str) -> str:
    match = CSRF.search(html)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


def _feed_links(html: str) -> tuple[str, str]:
    https = re.search(
        r'data-testid="https-link" value="([^"]+)"|value="([^"]+)"[^>]*'
        r'data-testid="https-link"',
        html,
    )
    webcal = re.search(r'href="(webcal://[^"]+)"', html)
    assert https, html
    assert webcal, html
    return unescape(https.group(1) or https.group(2)), unescape(webcal.group(1))


def test_event_page_links_to_the_calendar_and_for_organisers_the_print_page(
    fair: Fair, browser: TestClient, db: Session, organiser: User
) -> None:
    anonymous = browser.get(f"/events/{fair.event_id}", headers=HTML).text
    assert f'href="/api/v1/events/{fair.event_id}/calendar.ics"' in anonymous
    assert f'/events/{fair.event_id}/calendar"' not in anonymous
    log_in(browser, db, fair.users["hanh"])
    page = browser.get(f"/events/{fair.event_id}", headers=HTML).text
    assert "Lịch gặp của tôi" in page
    assert f"/events/{fair.event_id}/print" not in page
    mine = browser.get(f"/events/{fair.event_id}/calendar", headers=HTML)
    assert mine.status_code == 303
    assert mine.headers["location"] == (
        f"/events/{fair.event_id}/participants/{fair.people['hanh']}/calendar"
    )
    log_in(browser, db, organiser)
    assert (
        f'href="/events/{fair.event_id}/print"'
        in browser.get(f"/events/{fair.event_id}", headers=HTML).text
    )


def test_subscription_link_is_shown_once_and_a_reset_revokes_the_old_one(
    fair: Fair, browser: TestClient, db: Session
) -> None:
    fair.publish()
    page_url = f"/events/{fair.event_id}/participants/{fair.people['hanh']}/calendar"
    log_in(browser, db, fair.users["hanh"])
    page = browser.get(page_url, headers=HTML)
    assert page.status_code == 200
    assert 'data-testid="link-none"' in page.text
    assert "Lin Wei-Ting" in page.text  # the meetings, with the counterpart
    assert f"/api/v1/events/{fair.event_id}/participants/{fair.people['hanh']}/agenda.pdf" in (
        page.text
    )

    created = browser.post(page_url + "/link", data={"csrf_token": csrf(page.text)}, headers=HTML)
    assert created.status_code == 200
    assert created.headers["cache-control"] == "no-store"
    https, webcal = _feed_links(created.text)
    assert webcal == "webcal://" + https.removeprefix("http://")
    feed_path = https.removeprefix("http://127.0.0.1:8000")
    assert fair.client.get(feed_path).status_code == 200  # no log-in needed

    again = browser.get(page_url, headers=HTML).text
    assert 'data-testid="link-active"' in again
    assert https not in again  # shown once: only the digest is kept
    reset = browser.post(page_url + "/link", data={"csrf_token": csrf(again)}, headers=HTML)
    new_https, _ = _feed_links(reset.text)
    assert new_https != https
    assert fair.client.get(feed_path).status_code == 404
    new_path = new_https.removeprefix("http://127.0.0.1:8000")
    assert fair.client.get(new_path).status_code == 200

    off = browser.post(
        page_url + "/link/revoke", data={"csrf_token": csrf(reset.text)}, headers=HTML
    )
    assert off.status_code == 303
    assert fair.client.get(new_path).status_code == 404
    after = browser.get(off.headers["location"], headers=HTML).text
    assert "Liên kết đăng ký lịch đã được tắt" in after
    assert 'data-testid="link-none"' in after


def test_link_forms_need_the_csrf_token_and_the_right_person(
    fair: Fair, browser: TestClient, db: Session
) -> None:
    hanh_page = f"/events/{fair.event_id}/participants/{fair.people['hanh']}/calendar"
    log_in(browser, db, fair.users["hanh"])
    refused = browser.post(hanh_page + "/link", data={"csrf_token": "forged"}, headers=HTML)
    assert refused.status_code == 403
    assert "Tạo liên kết" not in refused.text
    lin_page = f"/events/{fair.event_id}/participants/{fair.people['lin']}/calendar"
    other = browser.get(lin_page, headers=HTML)
    assert other.status_code == 403
    assert "林薇婷" not in other.text
    anonymous = TestClient(browser.app, follow_redirects=False).get(hanh_page, headers=HTML)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"].startswith("/login?next=")


def test_the_new_link_page_opened_again_leads_to_the_calendar_page(
    fair: Fair, browser: TestClient, db: Session
) -> None:
    """A phone restoring the tab that showed a new link asks for its address again: the
    calendar page (the link is shown only once), not "GET is not allowed"."""
    page = f"/events/{fair.event_id}/participants/{fair.people['hanh']}/calendar"
    log_in(browser, db, fair.users["hanh"])
    again = browser.get(page + "/link", headers=HTML)
    assert again.status_code in (302, 303)
    assert again.headers["location"] == page
    assert browser.get(again.headers["location"], headers=HTML).status_code == 200


def test_before_publication_the_page_says_the_schedule_is_not_out(
    fair: Fair, browser: TestClient, db: Session
) -> None:
    log_in(browser, db, fair.users["lin"])
    page = browser.get(
        f"/events/{fair.event_id}/participants/{fair.people['lin']}/calendar?lang=en",
        headers=HTML,
    ).text
    assert "have not published the meeting schedule yet" in page
    assert "Nguyễn Thị Hạnh" not in page


def test_print_page_runs_a_job_and_offers_the_download(
    fair: Fair,
    browser: TestClient,
    db: Session,
    organiser: User,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(get_settings(), "var_dir", tmp_path / "var")
    log_in(browser, db, organiser)
    page = browser.get(f"/events/{fair.event_id}/print", headers=HTML)
    assert page.status_code == 200
    assert "Đoàn doanh nghiệp Đài Loan" in page.text  # the delegation filter
    assert page.text.count('action="/events/') >= 3
    started = browser.post(
        f"/events/{fair.event_id}/print",
        data={"csrf_token": csrf(page.text), "what": "tables", "session_id": str(fair.session_id)},
        headers=HTML,
    )
    assert started.status_code == 303
    location = started.headers["location"]
    assert location.startswith(f"/events/{fair.event_id}/print?job=")
    progress = browser.get(location, headers=HTML).text
    assert 'data-testid="job-progress"' in progress
    assert "Xong. Tệp PDF đã sẵn sàng." in progress
    download = re.search(r'href="([^"]+/download)"', progress)
    assert download
    pdf = browser.get(download.group(1))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    # Later, the print page itself finds the job again.
    later = browser.get(f"/events/{fair.event_id}/print", headers=HTML).text
    recent = later.split('id="recent-jobs"', 1)[1]
    assert "Các lần in gần đây" in recent
    assert location.split("?job=", 1)[1] in recent
    assert download.group(1) in recent

    bad = browser.post(
        f"/events/{fair.event_id}/print",
        data={"csrf_token": csrf(page.text), "what": "agendas", "delegation_id": "999999"},
        headers=HTML,
    )
    assert bad.status_code == 422
    assert 'class="form-error"' in bad.text

    # Table sheets for a Japanese delegation: headings in Vietnamese and Japanese.
    japanese = browser.post(
        f"/events/{fair.event_id}/print",
        data={
            "csrf_token": csrf(page.text),
            "what": "tables",
            "session_id": str(fair.session_id),
            "second": "ja",
        },
        headers=HTML,
    )
    assert japanese.status_code == 303
    shown = browser.get(japanese.headers["location"], headers=HTML).text
    sheets = re.search(r'href="([^"]+/download)"', shown)
    assert sheets
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=browser.get(sheets.group(1)).content, capture_output=True
    ).stdout.decode()
    assert "テーブル" in text
    unknown = browser.post(
        f"/events/{fair.event_id}/print",
        data={"csrf_token": csrf(page.text), "what": "tables", "second": "klingon"},
        headers=HTML,
    )
    assert unknown.status_code == 422
    assert "hãy chọn một trong các ngôn ngữ có trong danh sách" in unknown.text


def test_delegates_get_a_403_page_on_the_print_page(
    fair: Fair, browser: TestClient, db: Session
) -> None:
    log_in(browser, db, fair.users["hanh"])
    response = browser.get(f"/events/{fair.event_id}/print", headers=HTML)
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/html")
