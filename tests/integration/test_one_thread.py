"""The routes a crowd calls on the event day (a delegate's "My meetings", their meetings through
the API, booking) do all their work — sign-in, reading, writing, commit — in one hand-off to
a worker thread (app.db.one_thread): each hand-off costs about as much as a small query
under load. What they answer and store is the same as for any route."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anyio.to_thread
import pytest
from sqlmodel import select

from app.auth.service import issue_api_token
from app.meetings.models import Meeting
from app.settings import get_settings
from tests.integration import test_meetings_pages as pages
from tests.integration.test_meetings_pages import Fair, _get, _text

fair = pages.fair

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


@pytest.fixture
def hand_offs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the functions handed to worker threads, in order."""
    seen: list[str] = []
    real = anyio.to_thread.run_sync

    async def counting(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        seen.append(getattr(func, "__name__", repr(func)))
        return await real(func, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counting)
    return seen


def test_a_delegates_agenda_list_and_booking_each_take_one_hand_off(
    fair: Fair, hand_offs: list[str]
) -> None:
    fair.mode("self_service")
    meeting = fair.meet("lin", "hoa")
    token = issue_api_token(fair.db, get_settings(), user=fair.users["lin"])
    fair.db.commit()
    lin = {"Authorization": f"Bearer {token}"}
    browser = fair.browser("lin")

    hand_offs.clear()
    page = _get(browser, f"/events/{fair.event_id}/meetings/mine")
    assert "Nguyễn Thị Hoa" in _text(page.text)
    assert len(hand_offs) == 1, hand_offs

    hand_offs.clear()
    listed = fair.api.get(fair.base + "/meetings", headers=lin)
    assert listed.status_code == 200, listed.text
    assert [m["id"] for m in listed.json()["items"]] == [meeting["id"]]
    assert len(hand_offs) == 1, hand_offs

    hand_offs.clear()
    booked = fair.api.post(
        f"{fair.base}/meetings/{meeting['id']}/book",
        json={"slot_id": fair.slot(2)},
        headers=lin,
    )
    assert booked.status_code == 200, booked.text
    assert booked.json()["slot"]["id"] == fair.slot(2)
    assert len(hand_offs) == 1, hand_offs
    # committed: another unit of work sees the booking
    fair.db.expire_all()
    row = fair.db.exec(select(Meeting).where(Meeting.id == meeting["id"])).one()
    assert row.slot_id == fair.slot(2)

    # A refusal is an error answer and changes nothing, still in one hand-off.
    other = fair.meet("lin", "bao")
    hand_offs.clear()
    refused = fair.api.post(
        f"{fair.base}/meetings/{other['id']}/book",
        json={"slot_id": fair.slot(2)},  # Lin is already in a meeting then
        headers=lin,
    )
    assert refused.status_code == 409, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert len(hand_offs) == 1, hand_offs
    fair.db.expire_all()
    assert fair.db.exec(select(Meeting).where(Meeting.id == other["id"])).one().slot_id is None


def test_signed_out_readers_are_refused_as_before(fair: Fair) -> None:
    mine = f"/events/{fair.event_id}/meetings/mine"
    page = fair.browser(None).get(mine)
    assert page.status_code == 303
    assert page.headers["location"].startswith("/login")
    listed = fair.api.get(fair.base + "/meetings")
    assert listed.status_code == 401
    assert listed.headers["content-type"] == "application/problem+json"
    assert "WWW-Authenticate" in listed.headers
