"""Event and session pages without contradictions (issue 17): one rule says whether
registration is open, the event form shows every mistake at once, languages come from a
vocabulary, tables are at least one and editable, deleting a session asks first."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.auth.models import User
from app.events.models import Event, EventSession, MeetingTable, Slot
from app.events.service import registration_closed_reason, registration_open
from app.meetings.models import Meeting
from tests.conftest import B2B_SESSION, HAI_PHONG_EVENT
from tests.integration.test_pages import (
    EVENT_FORM,
    SESSION_FORM,
    _csrf,
    _field_error,
    _input_value,
    browser,  # noqa: F401 - a fixture
    organiser_browser,  # noqa: F401 - a fixture
)

Headers = dict[str, str]


def _event(**changes: object) -> Event:
    values: dict[str, object] = {
        "title_vi": "Hội chợ",
        "start_date": date(2027, 3, 16),
        "end_date": date(2027, 3, 16),
        "status": "registration_open",
        **changes,
    }
    return Event(**values)  # type: ignore[arg-type]


def test_registration_is_open_only_with_the_status_the_window_and_future_dates() -> None:
    now = datetime(2027, 3, 1, 3, 0, tzinfo=UTC)
    assert registration_open(_event(), now)
    assert registration_closed_reason(_event(status="draft"), now) == "status"
    # past registration (scheduling, published, closed): it has closed, or the event is over
    assert registration_closed_reason(_event(status="published"), now) == "closed"
    assert registration_closed_reason(_event(status="scheduling"), now) == "closed"
    opens = datetime(2027, 3, 2, tzinfo=UTC)
    assert registration_closed_reason(_event(registration_opens_at=opens), now) == "not_yet"
    closes = datetime(2027, 3, 1, 3, 0, tzinfo=UTC)
    assert registration_closed_reason(_event(registration_closes_at=closes), now) == "closed"
    old = _event(start_date=date(2020, 5, 20), end_date=date(2020, 5, 21))
    assert registration_closed_reason(old, now) == "over"
    old_closed = _event(start_date=date(2020, 5, 20), end_date=date(2020, 5, 21), status="closed")
    assert registration_closed_reason(old_closed, now) == "over"
    # The last day counts in the event's own time zone: 16/03 23:30 in Hà Nội is still on.
    late = datetime(2027, 3, 16, 16, 30, tzinfo=UTC)
    assert registration_open(_event(timezone="Asia/Ho_Chi_Minh"), late)


def test_an_event_from_2020_shows_closed_on_its_page_the_home_page_and_the_form(
    browser: TestClient,  # noqa: F811
    client: TestClient,
    organiser_headers: Headers,
    delegate_headers: Headers,
) -> None:
    created = client.post(
        "/api/v1/events",
        json={
            **HAI_PHONG_EVENT,
            "start_date": "2020-05-20",
            "end_date": "2020-05-21",
            "status": "registration_open",
        },
        headers=organiser_headers,
    )
    assert created.status_code == 201, created.text
    event_id = created.json()["id"]
    page = browser.get(f"/events/{event_id}")
    assert "Đã đóng đăng ký" in page.text
    assert "Đang mở đăng ký" not in page.text
    assert f'href="/events/{event_id}/register"' not in page.text
    home = browser.get("/")
    assert "Đang mở đăng ký" not in home.text
    refused = client.post(
        f"/api/v1/events/{event_id}/participants",
        json={"full_name": "Lã Minh Tuấn"},
        headers=delegate_headers,
    )
    assert refused.status_code == 409


def test_the_event_form_shows_every_mistake_at_once(
    organiser_browser: TestClient,  # noqa: F811
    db: Session,
) -> None:
    form = organiser_browser.get("/events/new")
    response = organiser_browser.post(
        "/events/new",
        data={
            **EVENT_FORM,
            "title_vi": "",
            "meeting_cap": "0",
            "timezone": "Asia/Hai_Phong",
            "start_date": "2027-05-20",
            "end_date": "2027-05-19",
            "registration_opens_at": "2027-05-10T17:00",
            "registration_closes_at": "2027-05-01T17:00",
            "languages": ["vi", "en"],
            "languages_other": "klingon",
            "csrf_token": _csrf(form.text),
        },
    )
    assert response.status_code == 422
    for field in (
        "title_vi",
        "meeting_cap",
        "timezone",
        "end_date",
        "registration_closes_at",
        "languages_other",
    ):
        assert _field_error(response.text, field), field
    assert "klingon" in _field_error(response.text, "languages_other")
    assert _input_value(response.text, "languages_other") == "klingon"
    assert db.exec(select(Event)).first() is None


def test_languages_come_from_the_iso_vocabulary(
    client: TestClient, organiser_headers: Headers
) -> None:
    refused = client.post(
        "/api/v1/events",
        json={**HAI_PHONG_EVENT, "languages": ["vi", "klingon"]},
        headers=organiser_headers,
    )
    assert refused.status_code == 422
    assert "klingon" in refused.text
    accepted = client.post(
        "/api/v1/events",
        json={**HAI_PHONG_EVENT, "languages": ["vi", "th", "zh-TW"]},
        headers=organiser_headers,
    )
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["languages"] == ["vi", "th", "zh-tw"]


def test_tables_are_at_least_one_and_editable_but_not_under_a_meeting(
    organiser_browser: TestClient,  # noqa: F811
    client: TestClient,
    organiser_headers: Headers,
    event_id: int,
    db: Session,
) -> None:
    form = organiser_browser.get(f"/events/{event_id}/sessions/new")
    none = organiser_browser.post(
        f"/events/{event_id}/sessions/new",
        data={**SESSION_FORM, "table_count": "0", "csrf_token": _csrf(form.text)},
    )
    assert none.status_code == 422
    assert _field_error(none.text, "table_count")
    assert db.exec(select(EventSession)).first() is None

    created = client.post(
        f"/api/v1/events/{event_id}/sessions", json=B2B_SESSION, headers=organiser_headers
    )
    session_id = created.json()["id"]
    edit_url = f"/events/{event_id}/sessions/{session_id}/edit"
    edit = organiser_browser.get(edit_url)
    assert _input_value(edit.text, "table_count") == "15"
    values = {
        **SESSION_FORM,
        "title_vi": B2B_SESSION["title_vi"],
        "breaks": "",
        "csrf_token": _csrf(edit.text),
    }

    def numbers() -> list[int]:
        db.expire_all()
        rows = db.exec(select(MeetingTable).where(MeetingTable.session_id == session_id))
        return sorted(t.number for t in rows)

    more = organiser_browser.post(edit_url, data={**values, "table_count": "18"})
    assert more.status_code == 303, more.text
    assert numbers() == list(range(1, 19))

    table_17 = db.exec(
        select(MeetingTable).where(MeetingTable.session_id == session_id, MeetingTable.number == 17)
    ).one()
    slot = db.exec(select(Slot).where(Slot.session_id == session_id)).first()
    assert slot is not None
    # Written directly: only its table matters; create_meeting would need two approved people.
    db.add(Meeting(event_id=event_id, session_id=session_id, slot_id=slot.id, table_id=table_17.id))
    db.commit()
    refused = organiser_browser.post(edit_url, data={**values, "table_count": "12"})
    assert refused.status_code == 409
    assert "17" in _field_error(refused.text, "table_count")
    assert numbers() == list(range(1, 19))
    fewer = organiser_browser.post(edit_url, data={**values, "table_count": "17"})
    assert fewer.status_code == 303, fewer.text
    assert numbers() == list(range(1, 18))
    zero = organiser_browser.post(edit_url, data={**values, "table_count": "0"})
    assert zero.status_code == 422
    assert _field_error(zero.text, "table_count")


def test_deleting_a_session_asks_first_and_refuses_while_it_holds_meetings(
    organiser_browser: TestClient,  # noqa: F811
    client: TestClient,
    organiser_headers: Headers,
    event_id: int,
    db: Session,
    organiser: User,
) -> None:
    created = client.post(
        f"/api/v1/events/{event_id}/sessions", json=B2B_SESSION, headers=organiser_headers
    )
    session_id = created.json()["id"]
    edit = organiser_browser.get(f"/events/{event_id}/sessions/{session_id}/edit")
    url = f"/events/{event_id}/sessions/{session_id}/delete"
    asked = organiser_browser.post(url, data={"csrf_token": _csrf(edit.text)})
    assert asked.status_code == 200
    assert "Xoá phiên này?" in asked.text
    assert "15 bàn" in asked.text
    assert db.get(EventSession, session_id) is not None
    deleted = organiser_browser.post(
        url, data={"csrf_token": _csrf(asked.text), "confirm": "delete"}
    )
    assert deleted.status_code == 303, deleted.text
    db.expire_all()
    assert db.get(EventSession, session_id) is None


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_event_page_names_its_languages(
    browser: TestClient,  # noqa: F811
    client: TestClient,
    organiser_headers: Headers,
    lang: str,
) -> None:
    created = client.post(
        "/api/v1/events",
        json={**HAI_PHONG_EVENT, "status": "registration_open"},
        headers=organiser_headers,
    )
    page = browser.get(f"/events/{created.json()['id']}?lang={lang}")
    expected = "Tiếng Việt, Tiếng Anh, Tiếng Trung" if lang == "vi" else "Vietnamese, English"
    assert expected in page.text
