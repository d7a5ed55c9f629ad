# ruff: noqa: F811 - the fixtures of test_outcomes_api are imported and used by name
"""Held and no-show record only what can have happened, and a late arrival that re-places
nothing says why. The event of test_outcomes_api (16/03/2027, B2B 14:00–17:00, 20-minute
slots); its ``day`` fixture sets the outcomes clock to that evening, tests here move it."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app import clock
from app.auth.models import User
from app.auth.service import start_web_session
from app.deps import SESSION_COOKIE
from app.outcomes import day as day_service
from app.settings import get_settings
from tests.integration.test_outcomes_api import (  # noqa: F401 - fixtures used by name
    Day,
    day,
)

pytestmark = pytest.mark.usefixtures("fast_password_hashing")
HTML = {"Accept": "text/html,application/xhtml+xml"}
MORNING = datetime(2027, 3, 16, 2, 0, tzinfo=UTC)  # 09:00 in Hải Phòng: no slot has started


def _fields(response: Any) -> list[str]:
    return [e["field"] for e in response.json().get("errors", [])]


def _attendance(response: Any) -> dict[str, str | None]:
    return {p["full_name"]: p["attendance"] for p in response.json()["participants"]}


def _post(day: Day, meeting_id: int, outcome: str, absent: list[str] | None = None) -> Any:
    """The API call itself, with no check-in on the way (unlike Day.mark)."""
    return day.client.post(
        f"{day.base}/meetings/{meeting_id}/attendance",
        json={"outcome": outcome, "absent_participant_ids": [day.people[n] for n in absent or []]},
        headers=day.org,
    )


@pytest.fixture
def desk(app: FastAPI, db: Session, organiser: User) -> TestClient:
    client = TestClient(app, follow_redirects=False, headers=HTML)
    client.cookies.set(SESSION_COOKIE, start_web_session(db, get_settings(), user=organiser))
    db.commit()
    return client


def _csrf(page_html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page_html)
    assert match
    return match.group(1)


def _flash(desk: TestClient, location: str, lang: str) -> str:
    page = desk.get(location.split("#", 1)[0] + f"&lang={lang}")
    assert page.status_code == 200, page.text
    match = re.search(r'data-testid="notice">(.*?)</p>', page.text, re.S)
    assert match, "no notice on the page"
    return re.sub(r"\s+", " ", match.group(1)).strip()


def test_a_meeting_cannot_be_held_before_its_slot_starts(
    day: Day, desk: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    meeting = day.meet("lin", "hoa", slot=3)  # 14:40
    day.arrive("lin", "hoa")
    monkeypatch.setattr(clock, "now", lambda: MORNING)
    early = _post(day, meeting["id"], "held")
    assert early.status_code == 409, early.text
    assert _fields(early) == ["slot_id"]
    assert "16/03/2027 14:40" in early.json()["detail"]
    grid = f"/events/{day.event_id}/sessions/{day.session_id}/grid"
    page = desk.get(grid)
    refused = desk.post(
        f"/events/{day.event_id}/meetings/{meeting['id']}/attendance",
        data={
            "outcome": "no_show",
            "absent": str(day.people["hoa"]),
            "back": grid,
            "csrf_token": _csrf(page.text),
        },
    )
    assert refused.status_code == 303
    location = refused.headers["location"]
    assert "flash=attendance-not-started" in location
    assert _flash(desk, location, "vi") == (
        "Không ghi nhận được cuộc gặp: khung giờ của cuộc gặp chưa bắt đầu."
    )
    assert _flash(desk, location, "en") == (
        "Could not record the meeting: its time slot has not started yet."
    )
    # At 14:41 it has started.
    monkeypatch.setattr(clock, "now", lambda: datetime(2027, 3, 16, 7, 41, tzinfo=UTC))
    assert _post(day, meeting["id"], "held").status_code == 200


def test_an_unconfirmed_proposal_is_never_held_or_missed(day: Day) -> None:
    proposal = day.meet("lin", "hoa", slot=1, needs_confirmation=True)
    assert proposal["status"] == "proposed"
    day.arrive("lin", "hoa")
    for outcome, absent in (("held", []), ("no_show", ["hoa"])):
        refused = _post(day, proposal["id"], outcome, absent)
        assert refused.status_code == 409, refused.text
        assert _fields(refused) == ["status"]
    after = day.client.get(f"{day.base}/meetings/{proposal['id']}", headers=day.org).json()
    assert after["status"] == "proposed"


def test_present_parties_must_have_checked_in_and_absentees_are_only_those_named(
    day: Day,
) -> None:
    meeting = day.meet("chen", "bao", slot=2)
    # Nobody has checked in: not held.
    refused = _post(day, meeting["id"], "held")
    assert refused.status_code == 409
    assert _fields(refused) == ["absent_participant_ids"]
    assert "Chen Yu-Han" in refused.json()["detail"]
    assert "Trần Quốc Bảo" in refused.json()["detail"]
    # Chen did not come, Bảo has not checked in either: a no-show cannot say Bảo was there.
    no_show = _post(day, meeting["id"], "no_show", ["chen"])
    assert no_show.status_code == 409
    assert "Trần Quốc Bảo" in no_show.json()["detail"]
    assert "Chen Yu-Han" not in no_show.json()["detail"]
    day.arrive("bao")
    recorded = _post(day, meeting["id"], "no_show", ["chen"])
    assert recorded.status_code == 200, recorded.text
    assert _attendance(recorded) == {"Chen Yu-Han": "absent", "Trần Quốc Bảo": "present"}
    # An interpreter who never checked in is recorded as neither present nor absent.
    other = day.meet("lin", "hoa", slot=4)
    added = day.client.post(
        f"{day.base}/meetings/{other['id']}/participants",
        json={"participant_id": day.people["minh"], "role": "interpreter"},
        headers=day.org,
    )
    assert added.status_code in (200, 201), added.text
    day.arrive("lin", "hoa")
    held = _post(day, other["id"], "held")
    assert held.status_code == 200, held.text
    assert _attendance(held) == {
        "Lin Wei-Ting": "present",
        "Nguyễn Thị Hoa": "present",
        "Phạm Văn Minh": None,
    }
    stats = day.client.get(day.base + "/stats", headers=day.org).json()["meetings"]
    assert (stats["held"], stats["no_show"]) == (1, 1)


def test_a_late_arrival_that_moves_nothing_says_why(
    day: Day, desk: TestClient, organiser: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Nothing booked at all.
    monkeypatch.setattr(clock, "now", lambda: MORNING)
    url = f"{day.base}/participants/{day.people['bao']}/late-arrival"
    nothing = day.client.post(url, headers=day.org)
    assert nothing.status_code == 200, nothing.text
    assert nothing.json()["reason"] == "no_booked_meetings"
    # Booked, but the morning of the day: nothing has started.
    day.meet("bao", "chen", slot=1)
    early = day_service.replace_late_arrival(
        day.db,
        actor=organiser,
        event_id=day.event_id,
        participant_id=day.people["bao"],
        now=MORNING,
    )
    day.db.commit()
    assert (early.replaced, early.reason) == ([], "nothing_started")
    check_in = f"/events/{day.event_id}/check-in"
    page = desk.get(check_in)
    posted = desk.post(
        f"/events/{day.event_id}/participants/{day.people['bao']}/late-arrival",
        data={"back": check_in, "csrf_token": _csrf(page.text)},
    )
    assert posted.status_code == 303
    assert _flash(desk, posted.headers["location"], "vi") == (
        "Đến muộn: không có cuộc gặp nào cần xếp lại, chưa cuộc gặp nào của người này bắt đầu."
    )
    # After the session (18:00): the meeting at 14:00 has no later slot, and the page says so.
    monkeypatch.setattr(clock, "now", lambda: datetime(2027, 3, 16, 11, 0, tzinfo=UTC))
    page = desk.get(check_in)
    posted = desk.post(
        f"/events/{day.event_id}/participants/{day.people['bao']}/late-arrival",
        data={"back": check_in, "csrf_token": _csrf(page.text)},
    )
    location = posted.headers["location"]
    vi = _flash(desk, location, "vi")
    assert "Cuộc gặp lúc 14:00: phiên kết nối không còn khung giờ nào sau đó." in vi
    en = _flash(desk, location, "en")
    assert "The meeting at 14:00: the session has no later time slot." in en


def test_a_no_show_refuses_changes_naming_its_status_in_words(day: Day) -> None:
    # the field error says "vắng mặt" (a person reads it), the code stays no_show (a program)
    meeting = day.meet("chen", "bao", slot=2)
    day.arrive("bao")
    assert _post(day, meeting["id"], "no_show", ["chen"]).status_code == 200
    refused = day.client.post(
        f"{day.base}/meetings/{meeting['id']}/cancel", json={"reason": "Đổi lịch"}, headers=day.org
    )
    assert refused.status_code == 409, refused.text
    assert refused.json()["errors"] == [
        {"field": "status", "message": "vắng mặt", "code": "no_show"}
    ]
    assert "vắng mặt" in refused.json()["detail"]
