"""Issue 17, meetings and scheduling: an accepted request outranks an unconfirmed proposal,
people whose accepted meeting stays without a time are told why (once per run), the grid's
move form lists the free (time, table) pairs, and an empty request message is refused."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.auth.models import User
from app.auth.service import start_web_session
from app.deps import SESSION_COOKIE
from app.exports import jobs
from app.meetings.models import Meeting, MeetingRequest
from app.notifications.models import Outbox
from app.scheduling import service as scheduling
from app.settings import get_settings
from tests.integration import test_meetings_pages as pages
from tests.integration.conftest import block_slots
from tests.integration.test_exports_api import build_fair
from tests.integration.test_meetings_pages import (
    Fair,
    _ask,
    _csrf,
    _error_next_to,
    _get,
    _part,
    _post,
)

fair = pages.fair  # the same event, people and browsers as the meeting pages' tests

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


def _only_first_slot_for(fair: Fair, who: str) -> None:
    block_slots(fair.db, fair.event_id, fair.people[who], [slot["id"] for slot in fair.slots[1:]])


def _accepted(fair: Fair, who: str, whom: str) -> int:
    request = _ask(fair, who, whom)
    mine = f"/events/{fair.event_id}/meetings/mine"
    accept = f"/events/{fair.event_id}/meeting-requests/{request.id}/accept"
    done = _post(fair.browser(whom), mine, accept, {})
    assert done.status_code == 303, done.text
    fair.db.expire_all()
    meeting = fair.db.exec(select(Meeting).where(Meeting.request_id == request.id)).one()
    return int(meeting.id or 0)


def _apply(fair: Fair) -> scheduling.ScheduleOutcome:
    outcome = scheduling.schedule_session(
        fair.db,
        actor=fair.users["organiser"],
        event_id=fair.event_id,
        session_id=fair.session_id,
        apply=True,
        time_limit_s=3,
    )
    fair.db.commit()
    return outcome


def test_an_accepted_request_outranks_an_unconfirmed_proposal(fair: Fair) -> None:
    fair.mode("organiser")
    accepted = _accepted(fair, "lin", "hoa")
    # The organisers propose Hoa–Bảo with a high priority; neither has confirmed it.
    proposal = fair.meet("hoa", "bao", needs_confirmation=True, priority=50)
    _only_first_slot_for(fair, "hoa")  # room for one of the two meetings only
    outcome = _apply(fair)
    fair.db.expire_all()
    assert fair.db.get(Meeting, accepted).slot_id == fair.slot(1)  # type: ignore[union-attr]
    assert fair.db.get(Meeting, proposal["id"]).slot_id is None  # type: ignore[union-attr]
    # Figures stay in plain priorities: 1 scheduled of at most 1 + 50.
    assert outcome.stats["priority_sum"] == 1
    assert 1 <= outcome.stats["upper_bound"] <= 51
    # Nobody is told about the proposal left out: it was never agreed.
    assert not fair.db.exec(select(Outbox).where(Outbox.kind == "meeting_unscheduled")).all()


def _unscheduled_mails(fair: Fair, meeting_id: int) -> list[Outbox]:
    fair.db.expire_all()
    return list(
        fair.db.exec(
            select(Outbox).where(
                Outbox.kind == "meeting_unscheduled", Outbox.meeting_id == meeting_id
            )
        ).all()
    )


def test_people_whose_accepted_meeting_stays_unscheduled_are_told_why_once(fair: Fair) -> None:
    fair.mode("organiser")
    first = _accepted(fair, "lin", "hoa")
    second = int(fair.meet("bao", "hoa")["id"])  # an organiser's meeting, confirmed
    _only_first_slot_for(fair, "hoa")
    _apply(fair)
    fair.db.expire_all()
    placed = {m: fair.db.get(Meeting, m).slot_id for m in (first, second)}  # type: ignore[union-attr]
    left = [m for m, slot in placed.items() if slot is None]
    assert len(left) == 1
    # Before the first publication the schedule is a draft: nobody is told anything yet.
    assert _unscheduled_mails(fair, left[0]) == []
    scheduling.publish(fair.db, actor=fair.users["organiser"], event_id=fair.event_id)
    fair.db.commit()
    mails = _unscheduled_mails(fair, left[0])
    assert sorted(m.to_email or "" for m in mails) == sorted(
        {"hoa@thucpham-hp.example"}
        | ({"lin@tw-packaging.example"} if left[0] == first else {"bao@cokhi-hp.example"})
    )
    hoa = next(m for m in mails if m.to_email == "hoa@thucpham-hp.example")
    assert "chưa xếp được giờ" in hoa.subject
    # Hoa's one free time went to the other meeting: that is the reason given.
    assert "Lý do: các khung giờ phù hợp đều đã kín" in hoa.body_text
    # Another run after publication leaves it out again: the people were told already.
    _apply(fair)
    assert len(_unscheduled_mails(fair, left[0])) == len(mails)


def test_the_favicon_is_served(fair: Fair) -> None:
    icon = fair.api.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.headers["content-type"] == "image/x-icon"
    assert icon.content[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_trial_lists_what_moves_and_applying_over_a_published_schedule_asks_first(
    fair: Fair,
) -> None:
    fair.mode("organiser")
    meeting = fair.meet("lin", "hoa")
    organiser = fair.browser("organiser")
    page_url = f"/events/{fair.event_id}/sessions/{fair.session_id}/schedule"
    tried = _post(organiser, page_url, page_url, {"action": "dry_run", "time_limit_s": "2"})
    assert tried.status_code == 303
    page = _get(organiser, page_url).text
    row = _part(page, f"diff-{meeting['id']}")
    assert "Lin Wei-Ting ↔ Nguyễn Thị Hoa" in row
    assert "chưa có giờ" in row.lower()
    assert "14:00" in row
    applied = _post(organiser, page_url, page_url, {"action": "apply", "time_limit_s": "2"})
    assert applied.status_code == 303
    publish_url = f"/events/{fair.event_id}/sessions/{fair.session_id}/publish"
    first = _post(organiser, page_url, publish_url, {})
    assert "sent=2" in first.headers["location"]
    assert "2" in _part(_get(organiser, first.headers["location"]).text, "published-flash")
    # Lin can no longer come at 14:00: applying again would move a published meeting.
    block_slots(fair.db, fair.event_id, fair.people["lin"], [fair.slot(1)])
    asked = _post(organiser, page_url, page_url, {"action": "apply", "time_limit_s": "2"})
    assert asked.status_code == 200
    assert "đã được công bố" in _part(asked.text, "confirm-apply")
    fair.db.expire_all()
    assert fair.db.get(Meeting, meeting["id"]).slot_id == fair.slot(1)  # type: ignore[union-attr]
    shown = _part(asked.text, f"diff-{meeting['id']}")
    confirmed = _apply_run(organiser, page_url, asked.text)
    assert confirmed.status_code == 303
    fair.db.expire_all()
    moved = fair.db.get(Meeting, meeting["id"])
    assert moved is not None
    assert moved.slot_id != fair.slot(1)
    # Applied as shown: the page's "what changed" row is the one the organiser confirmed.
    assert _part(_get(organiser, page_url).text, f"diff-{meeting['id']}") == shown
    again = _post(organiser, page_url, publish_url, {})
    flash = _part(_get(organiser, again.headers["location"]).text, "published-flash")
    assert "không gửi thêm thư" in flash


def _run_id(page: str) -> str:
    found = re.search(r'name="run_id" value="(\d+)"', page)
    assert found, "no trial run to apply on the page"
    return found.group(1)


def _apply_run(organiser: TestClient, page_url: str, page: str) -> Any:
    """Press the page's "apply this trial run" button."""
    data = {"action": "apply_run", "run_id": _run_id(page), "time_limit_s": "2"}
    return organiser.post(page_url, data={**data, "csrf_token": _csrf(page)})


def test_a_trial_run_is_applied_as_shown_and_never_after_the_session_changed(
    fair: Fair,
) -> None:
    fair.mode("organiser")
    first = fair.meet("lin", "hoa")
    organiser = fair.browser("organiser")
    page_url = f"/events/{fair.event_id}/sessions/{fair.session_id}/schedule"
    _post(organiser, page_url, page_url, {"action": "dry_run", "time_limit_s": "2"})
    page = _get(organiser, page_url).text
    assert "Áp dụng lần chạy thử này" in _part(page, "apply-trial")
    shown = _part(page, f"diff-{first['id']}")
    # Before the organiser applies it, Hoa blocks the slot the trial run gave the meeting.
    trial_slot = fair.slot(1)
    block_slots(fair.db, fair.event_id, fair.people["hoa"], [trial_slot])
    stale = _apply_run(organiser, page_url, page)
    assert stale.status_code == 200
    notice = _part(stale.text, "run-stale")
    assert "Chưa áp dụng gì" in notice
    fair.db.expire_all()
    row = fair.db.get(Meeting, first["id"])
    assert row is not None
    assert row.slot_id is None
    fresh = _part(stale.text, f"diff-{first['id']}")
    assert fresh != shown
    assert "14:00" not in fresh
    applied = _apply_run(organiser, page_url, stale.text)
    assert applied.status_code == 303
    fair.db.expire_all()
    row = fair.db.get(Meeting, first["id"])
    assert row is not None
    assert row.slot_id not in (None, trial_slot)
    assert _part(_get(organiser, page_url).text, f"diff-{first['id']}") == fresh
    # The API says the same: a trial run that is not the latest or has gone stale is refused.
    trial = fair.api.post(
        f"/api/v1/events/{fair.event_id}/sessions/{fair.session_id}/schedule",
        json={"dry_run": True, "time_limit_s": 2},
        headers=fair.org,
    )
    assert trial.status_code == 200, trial.text
    block_slots(fair.db, fair.event_id, fair.people["lin"], [fair.slot(2)])
    refused = fair.api.post(
        f"/api/v1/events/{fair.event_id}/sessions/{fair.session_id}/schedule",
        json={"dry_run": False, "run_id": trial.json()["run_id"]},
        headers=fair.org,
    )
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["field"] == "run_id"


def test_the_meeting_page_lists_free_times_and_tables_and_moves_there(fair: Fair) -> None:
    meeting = fair.meet("lin", "hoa", slot_id=fair.slot(1), table_id=fair.table(1))
    fair.meet("bao", "chen", slot_id=fair.slot(2), table_id=fair.table(1))
    fair.meet("hoa", "bao", slot_id=fair.slot(3), table_id=fair.table(2))  # Hoa is busy at 3
    block_slots(fair.db, fair.event_id, fair.people["lin"], [fair.slot(4)])
    browser = fair.browser("organiser")
    url = f"/events/{fair.event_id}/sessions/{fair.session_id}/grid/{meeting['id']}"
    page = _get(browser, url).text
    options = dict(re.findall(r'data-testid="option-slot-(\d+)"(.*?)</div>', page, re.S))
    assert "3" not in options  # Hoa is in another meeting
    assert "4" not in options  # Lin blocked it
    assert "1" not in options  # where it is now
    slot2 = re.findall(r'name="place" value="(\d+):(\d+)"', options["2"])
    assert [int(t) for _, t in slot2] == [fair.table(2), fair.table(3)]  # table 1 is taken
    moved = browser.post(
        url + "/place",
        data={
            "place": f"{fair.slot(2)}:{fair.table(2)}",
            "revision": meeting["revision"],
            "csrf_token": _csrf(page),
        },
    )
    assert moved.status_code == 303, moved.text
    fair.db.expire_all()
    row = fair.db.get(Meeting, meeting["id"])
    assert row is not None
    assert (row.slot_id, row.table_id) == (fair.slot(2), fair.table(2))
    bad = browser.post(url + "/place", data={"place": "x", "csrf_token": _csrf(page)})
    assert bad.status_code == 422
    assert 'id="place-error"' in bad.text


def test_a_slot_only_move_keeps_the_table_if_free_else_takes_a_free_one(fair: Fair) -> None:
    meeting = fair.meet("lin", "hoa", slot_id=fair.slot(1), table_id=fair.table(2))
    fair.meet("bao", "chen", slot_id=fair.slot(2), table_id=fair.table(2))
    grid = f"/events/{fair.event_id}/sessions/{fair.session_id}/grid"
    browser = fair.browser("organiser")
    moved = _post(browser, grid, f"{grid}/{meeting['id']}/move", {"slot_id": fair.slot(2)})
    assert moved.status_code == 303, moved.text  # table 2 is taken at 2: a free one instead
    fair.db.expire_all()
    row = fair.db.get(Meeting, meeting["id"])
    assert row is not None
    assert row.slot_id == fair.slot(2)
    assert row.table_id != fair.table(2)
    kept = row.table_id
    again = _post(browser, grid, f"{grid}/{meeting['id']}/move", {"slot_id": fair.slot(5)})
    assert again.status_code == 303, again.text
    fair.db.expire_all()
    assert fair.db.get(Meeting, meeting["id"]).table_id == kept  # type: ignore[union-attr]


def test_an_organiser_adds_an_interpreter_from_the_meeting_page(fair: Fair) -> None:
    meeting = fair.meet("lin", "hoa", slot_id=fair.slot(1), table_id=fair.table(1))
    browser = fair.browser("organiser")
    grid = _get(browser, f"/events/{fair.event_id}/sessions/{fair.session_id}/grid").text
    assert "cần phiên dịch" in _part(grid, f"meeting-{meeting['id']}")
    url = f"/events/{fair.event_id}/sessions/{fair.session_id}/grid/{meeting['id']}"
    page = _get(browser, url).text
    assert f'value="interpreter:{fair.people["mai"]}"' in page
    added = browser.post(
        url + "/people",
        data={"person": f"interpreter:{fair.people['mai']}", "csrf_token": _csrf(page)},
    )
    assert added.status_code == 303, added.text
    after = _get(browser, added.headers["location"]).text
    assert "Đỗ Thị Mai" in _part(after, "meeting-people")
    grid = _get(browser, f"/events/{fair.event_id}/sessions/{fair.session_id}/grid").text
    assert "cần phiên dịch" not in _part(grid, f"meeting-{meeting['id']}")
    assert "Đỗ Thị Mai" in _part(grid, f"meeting-{meeting['id']}")
    # Hoa's agenda shows her interpreter.
    mine = _get(fair.browser("hoa"), f"/events/{fair.event_id}/meetings/mine").text
    assert "Đỗ Thị Mai" in _part(mine, f"meeting-{meeting['id']}")


def test_an_empty_request_message_is_refused_next_to_its_field(fair: Fair) -> None:
    browser = fair.browser("lin")
    new = f"/events/{fair.event_id}/meeting-requests/new"
    empty = _post(browser, new, new, {"recipient_id": "", "message": "  "})
    assert empty.status_code == 422
    # Both mistakes at once.
    assert _error_next_to(empty.text, "message")
    assert _error_next_to(empty.text, "recipient_id")
    assert not fair.db.exec(select(MeetingRequest)).all()
    # Choosing the person from the list keeps what was typed.
    chosen = _get(browser, f"{new}?to={fair.people['hoa']}&message=Xin+ch%C3%A0o")
    assert "Nguyễn Thị Hoa" in chosen.text
    assert "Xin chào" in chosen.text


def test_a_print_download_before_it_is_ready_is_a_translated_page(
    client: TestClient,
    db: Session,
    organiser: User,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(get_settings(), "var_dir", tmp_path / "var")
    exports = build_fair(client, db, organiser)
    queued = client.post(
        f"{exports.base}/print-jobs", json={"what": "grid"}, headers=exports.org
    ).json()
    row = jobs.load(queued["id"])
    assert row is not None
    row.status, row.done = "running", 0
    jobs.save(row)
    client.cookies.set(SESSION_COOKIE, start_web_session(db, get_settings(), user=organiser))
    db.commit()
    page = client.get(f"/events/{exports.event_id}/print?job={row.id}", headers=pages.HTML)
    assert 'data-testid="job-download"' in page.text
    assert not re.search(r'\shref="[^"]+/download"', page.text)  # nothing to click yet
    early = client.get(f"/events/{exports.event_id}/print/{row.id}/download", headers=pages.HTML)
    assert early.status_code == 409
    assert early.headers["content-type"].startswith("text/html")
    assert "chưa sẵn sàng" in early.text
    row.status = "done"
    jobs.save(row)
    ready = client.get(f"/events/{exports.event_id}/print?job={row.id}", headers=pages.HTML)
    link = re.search(r'\shref="([^"]+/download)"', ready.text)
    assert link


def test_once_the_event_is_over_pending_requests_expire_and_none_can_be_sent(fair: Fair) -> None:
    from datetime import date, timedelta

    from app.events.models import Event

    request = _ask(fair, "lin", "hoa")
    event = fair.db.get(Event, fair.event_id)
    assert event is not None
    yesterday = date.today() - timedelta(days=2)
    event.start_date = event.end_date = yesterday
    # Written directly: update_event refuses dates that leave the B2B session outside them.
    fair.db.add(event)
    fair.db.commit()
    # The request nobody answered reads as expired, with no button to accept it.
    mine = _get(fair.browser("hoa"), f"/events/{fair.event_id}/meetings/mine")
    assert "Đã hết hạn" in mine.text
    assert f"/meeting-requests/{request.id}/accept" not in mine.text
    # The request form says why instead of offering a form that cannot be sent.
    form = _get(fair.browser("lin"), f"/events/{fair.event_id}/meeting-requests/new")
    assert "Sự kiện đã kết thúc: không thể gửi thêm yêu cầu gặp" in form.text
    assert 'name="message"' not in form.text


def test_moving_a_meeting_by_hand_shows_the_idle_gaps_it_gives_or_takes(fair: Fair) -> None:
    meeting = fair.meet("lin", "hoa", slot_id=fair.slot(1), table_id=fair.table(1))
    fair.meet("hoa", "bao", slot_id=fair.slot(3), table_id=fair.table(2))  # Hoa: 1 and 3
    fair.meet("lin", "chen", slot_id=fair.slot(2), table_id=fair.table(1))  # Lin: 1 and 2
    browser = fair.browser("organiser")
    url = f"/events/{fair.event_id}/sessions/{fair.session_id}/grid/{meeting['id']}"
    page = _get(browser, url).text
    options = dict(re.findall(r'data-testid="option-slot-(\d+)"(.*?)</div>', page, re.S))
    # At slot 4 Hoa waits no longer (3, 4), Lin once more (2 … 4).
    assert "−1 khoảng chờ: Nguyễn Thị Hoa" in options["4"]
    assert "+1 khoảng chờ: Lin Wei-Ting" in options["4"]
    # At slot 5 both wait once more than now: Hoa (3 … 5), Lin (2 … 5).
    assert "+1 khoảng chờ: Lin Wei-Ting" in options["5"]
    assert "khoảng chờ: Nguyễn Thị Hoa" not in options["5"]  # 1 … 3 or 3 … 5: one gap either way
    assert "người này sẽ phải chờ thêm một lần" in page  # the legend
