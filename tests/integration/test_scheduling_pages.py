"""The organiser's "Schedule all" page: trial run, apply, the meetings left out with their
reason in Vietnamese, publish, role checks and field messages."""

from __future__ import annotations

import html
import re
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.auth.models import User
from app.meetings.models import Meeting
from tests.integration.conftest import add_person, add_session, block_slots, make_event
from tests.integration.test_pages import HTML, _csrf, _field_error, _log_in

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


@pytest.fixture
def browser(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False, headers=HTML) as test_client:
        yield test_client


@pytest.fixture
def fair(client: TestClient, db: Session, organiser_headers: dict[str, str]) -> dict[str, int]:
    """An open event, a B2B session of 2 slots × 1 table, and three meetings of one host:
    two fit, the third cannot (the host is busy in both slots)."""
    event_id = make_event(client, organiser_headers, status="registration_open")
    session = add_session(
        client,
        organiser_headers,
        event_id,
        ends_at="2027-03-16T14:40:00+07:00",
        breaks=[],
        table_count=1,
    )
    ids = {"event": event_id, "session": session["id"]}
    names = ["Nguyễn Thị Hạnh", "林薇婷", "山田太郎", "김민준"]
    people = [
        add_person(db, event_id, name, email=f"p{index}@lich.example")
        for index, name in enumerate(names)
    ]
    for guest in people[1:]:
        response = client.post(
            f"/api/v1/events/{event_id}/meetings",
            json={"participant_ids": [people[0], guest]},
            headers=organiser_headers,
        )
        assert response.status_code == 201, response.text
    # 김민준 cannot come at all: nothing can be found for that meeting.
    slots = client.get(f"/api/v1/events/{event_id}/sessions/{session['id']}/slots").json()
    block_slots(db, event_id, people[3], [slot["id"] for slot in slots])
    return ids


def _url(fair: dict[str, int]) -> str:
    return f"/events/{fair['event']}/sessions/{fair['session']}/schedule"


def test_organiser_runs_a_trial_then_applies_and_sees_why_a_meeting_is_left_out(
    browser: TestClient, organiser: User, fair: dict[str, int], db: Session
) -> None:
    _log_in(browser, organiser.email)
    page = browser.get(_url(fair))
    assert page.status_code == 200
    assert "Xếp lịch tất cả" in page.text

    trial = browser.post(_url(fair), data={"csrf_token": _csrf(page.text), "action": "dry_run"})
    assert trial.status_code == 303
    shown = browser.get(trial.headers["location"])
    assert "Đã chạy thử xong" in shown.text
    assert re.search(r'data-testid="scheduled">2</span> / 3<', shown.text)
    assert re.search(r'data-testid="bound">2<', shown.text)
    text = html.unescape(shown.text)
    assert "Nguyễn Thị Hạnh ↔ 김민준" in text
    assert "không có khung giờ nào mà tất cả đều rảnh" in text
    # The idle time per person is read before applying (here nobody waits).
    assert "Thời gian chờ trong lịch của từng người" in text
    assert 'data-testid="no-idle"' in shown.text or 'data-testid="idle-by-person"' in shown.text
    assert db.exec(select(Meeting).where(col(Meeting.slot_id).is_not(None))).all() == []

    applied = browser.post(_url(fair), data={"csrf_token": _csrf(shown.text), "action": "apply"})
    assert applied.status_code == 303
    db.expire_all()
    assert len(db.exec(select(Meeting).where(col(Meeting.slot_id).is_not(None))).all()) == 2

    after = browser.get(applied.headers["location"])
    published = browser.post(
        f"/events/{fair['event']}/sessions/{fair['session']}/publish",
        data={"csrf_token": _csrf(after.text)},
    )
    assert published.status_code == 303
    final = browser.get(published.headers["location"])
    assert "Lịch đã được công bố" in final.text
    assert "Công bố lại" in final.text


def test_the_trial_runs_figures_are_written_as_the_reader_writes_numbers(
    browser: TestClient, organiser: User, fair: dict[str, int]
) -> None:
    _log_in(browser, organiser.email)
    page = browser.get(_url(fair))
    trial = browser.post(_url(fair), data={"csrf_token": _csrf(page.text), "action": "dry_run"})
    vietnamese = browser.get(trial.headers["location"]).text
    # a decimal comma in Vietnamese ("0,01 s", "66,7 %"), never "0.01 s" or "100.0 %"
    assert re.search(r'data-testid="solve-time">\d+(,\d{1,2})? s<', vietnamese)
    assert re.search(r'data-testid="share">\d+(,\d)? %', vietnamese)
    english = browser.get(trial.headers["location"], headers={"Accept-Language": "en"}).text
    assert "Last trial run" in english
    assert re.search(r'data-testid="solve-time">\d+(\.\d{1,2})? s<', english)


def test_a_bad_time_limit_is_shown_next_to_its_field(
    browser: TestClient, organiser: User, fair: dict[str, int]
) -> None:
    _log_in(browser, organiser.email)
    page = browser.get(_url(fair))
    response = browser.post(
        _url(fair),
        data={"csrf_token": _csrf(page.text), "action": "apply", "time_limit_s": "mười"},
    )
    assert response.status_code == 422
    assert _field_error(response.text, "time_limit_s") == "nhập một số giây"
    too_long = browser.post(
        _url(fair),
        data={"csrf_token": _csrf(page.text), "action": "apply", "time_limit_s": "600"},
    )
    assert _field_error(too_long.text, "time_limit_s") == "nhập số giây từ 1 đến 60"
    # what was typed stays beside its message (it went back to 10)
    assert re.search(r'id="time_limit_s" name="time_limit_s"[^>]*value="600"', too_long.text)
    assert re.search(r'id="time_limit_s" name="time_limit_s"[^>]*value="mười"', response.text)


def test_publishing_with_nothing_booked_says_so(
    browser: TestClient, organiser: User, fair: dict[str, int]
) -> None:
    _log_in(browser, organiser.email)
    page = browser.get(_url(fair))
    response = browser.post(
        f"/events/{fair['event']}/sessions/{fair['session']}/publish",
        data={"csrf_token": _csrf(page.text)},
    )
    assert response.status_code == 409
    assert "chưa có cuộc gặp nào được xếp giờ để công bố" in html.unescape(response.text)


def test_forms_without_csrf_change_nothing(
    browser: TestClient, organiser: User, fair: dict[str, int], db: Session
) -> None:
    _log_in(browser, organiser.email)
    response = browser.post(_url(fair), data={"action": "apply"})
    assert response.status_code in (400, 403)
    assert db.exec(select(Meeting).where(col(Meeting.slot_id).is_not(None))).all() == []


def test_only_the_events_organisers_see_the_page(
    browser: TestClient, delegate: User, other_organiser: User, fair: dict[str, int]
) -> None:
    anonymous = browser.get(_url(fair))
    assert anonymous.status_code == 303
    assert anonymous.headers["location"].startswith("/login?next=")
    _log_in(browser, delegate.email)
    assert browser.get(_url(fair)).status_code == 403
    browser.cookies.clear()
    _log_in(browser, other_organiser.email)
    assert browser.get(_url(fair)).status_code == 403


def test_a_schedule_run_leaves_the_server_answering_everyone_else(
    browser: TestClient,
    organiser: User,
    fair: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A run takes up to its time limit (here the solve is held 2 s longer): meanwhile the
    # same server still answers another page at once. Solved in the event loop, that page
    # waited for the whole run.
    from app.scheduling import service

    real = service.solve
    started = threading.Event()

    def slow(*args: Any, **kwargs: Any) -> Any:
        started.set()
        time.sleep(2.0)
        return real(*args, **kwargs)

    monkeypatch.setattr(service, "solve", slow)
    _log_in(browser, organiser.email)
    page = browser.get(_url(fair))
    token = _csrf(page.text)
    with ThreadPoolExecutor(1) as other:
        run = other.submit(
            browser.post, _url(fair), data={"csrf_token": token, "action": "dry_run"}
        )
        assert started.wait(10)
        begun = time.monotonic()
        meanwhile = browser.get(f"/events/{fair['event']}")
        answered = time.monotonic() - begun
        assert meanwhile.status_code == 200
        assert not run.done()  # the run is still going
        assert answered < 1.5
        assert run.result(timeout=30).status_code == 303
