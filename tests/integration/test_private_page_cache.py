"""A delegate's "My meetings" and their meetings through the API are remembered a few seconds
per reader (app.pagecache.private_page / private_json): answered again while nothing of
theirs changed, never to someone else, with the reader's own form token, and never stale
after a change of their meetings (agenda_stamp)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import select

from app import pagecache
from app.auth.service import issue_api_token
from app.registration.models import Participant
from app.settings import get_settings
from tests.integration import test_meetings_pages as pages
from tests.integration.test_meetings_pages import Fair, _csrf, _get, _text

fair = pages.fair

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


@pytest.fixture
def remembered(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("KETNOI_PRIVATE_PAGE_SECONDS", "60")
    get_settings.cache_clear()
    pagecache.forget()
    yield
    pagecache.forget()
    monkeypatch.setenv("KETNOI_PRIVATE_PAGE_SECONDS", "0")
    get_settings.cache_clear()


def _rename(fair: Fair, who: str, name: str) -> None:
    """A change the stamp does not see (another person's name): only time renews it."""
    person = fair.db.exec(select(Participant).where(Participant.id == fair.people[who])).one()
    person.full_name = name
    fair.db.add(person)
    fair.db.commit()


def test_my_meetings_is_remembered_per_reader_and_renewed_by_their_own_changes(
    remembered: None, fair: Fair
) -> None:
    fair.mode("self_service")
    meeting = fair.meet("lin", "hoa", slot_id=fair.slot(1), table_id=fair.table(1))
    mine = f"/events/{fair.event_id}/meetings/mine"
    laptop = fair.browser("lin")
    first = _get(laptop, mine).text
    assert "Nguyễn Thị Hoa" in _text(first)
    _rename(fair, "hoa", "Nguyễn Thị Hoa Mới")
    # Nothing of Lin's changed: the page of a moment ago (at most a few seconds old) ...
    assert "Hoa Mới" not in _text(_get(laptop, mine).text)
    # ... but never someone else's page: Hoa reads her own, as it is now.
    hoa = _text(_get(fair.browser("hoa"), mine).text)
    assert "Lin Wei-Ting" in hoa
    # Lin's phone (another session) gets the remembered page with its own form token, and its
    # forms work: Lin cancels the meeting from the phone.
    phone = fair.browser("lin")
    page = _get(phone, mine).text
    assert _csrf(page) != _csrf(first)
    cancelled = phone.post(
        f"/events/{fair.event_id}/meetings/{meeting['id']}/cancel",
        data={
            "revision": str(meeting["revision"]),
            "reason": "Đổi lịch bay",
            "csrf_token": _csrf(page),
        },
    )
    assert cancelled.status_code == 303, cancelled.text
    # Lin's meetings changed: both of Lin's sessions see it at once, with the new name too.
    after = _text(_get(laptop, mine).text)
    assert "Đổi lịch bay" in after
    assert "Hoa Mới" in after


def test_the_meetings_api_list_is_remembered_only_for_the_delegates_own_list(
    remembered: None, fair: Fair, monkeypatch: pytest.MonkeyPatch
) -> None:
    meeting = fair.meet("lin", "hoa", slot_id=fair.slot(1), table_id=fair.table(1))
    token = issue_api_token(fair.db, get_settings(), user=fair.users["lin"])
    fair.db.commit()
    lin = {"Authorization": f"Bearer {token}"}
    url = fair.base + "/meetings"
    first = fair.api.get(url, headers=lin)
    assert first.status_code == 200, first.text
    assert first.headers["content-type"] == "application/json"
    assert [m["id"] for m in first.json()["items"]] == [meeting["id"]]
    _rename(fair, "hoa", "Nguyễn Thị Hoa Mới")
    assert fair.api.get(url, headers=lin).json() == first.json()  # remembered
    # The organiser's list is never remembered.
    everyone = fair.api.get(url, headers=fair.org).json()
    assert "Nguyễn Thị Hoa Mới" in str(everyone)
    # Hoa cancels: Lin's list shows it at once (Lin's meeting changed).
    cancel = fair.api.post(
        f"{url}/{meeting['id']}/cancel",
        json={"revision": meeting["revision"], "reason": "Bận đột xuất"},
        headers=fair.org,
    )
    assert cancel.status_code == 200, cancel.text
    after = fair.api.get(url, headers=lin).json()
    assert after["items"][0]["status"] == "cancelled"
    assert "Nguyễn Thị Hoa Mới" in str(after)
    # The same JSON as without memory.
    pagecache.forget()
    assert fair.api.get(url, headers=lin).json() == after
    monkeypatch.setenv("KETNOI_PRIVATE_PAGE_SECONDS", "0")
    get_settings.cache_clear()
    assert fair.api.get(url, headers=lin).json() == after
