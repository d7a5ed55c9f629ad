"""Meeting pages over HTTP: "My meetings", the request form, the organisers' grid, proposal
form and request list; real forms with their CSRF tokens, and what each reader sees."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.auth.models import Role, User
from app.auth.service import start_web_session
from app.deps import SESSION_COOKIE
from app.i18n import gettext_for
from app.meetings.models import Meeting, MeetingRequest
from app.settings import get_settings
from tests.conftest import make_user
from tests.integration.conftest import build_fair

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

HTML = {"Accept": "text/html,application/xhtml+xml"}
Headers = dict[str, str]


def _csrf(page_html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page_html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def _text(page_html: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page_html)))


def _error_next_to(page_html: str, field_id: str) -> str:
    """The message shown next to a field (the element its aria-describedby names)."""
    match = re.search(
        rf'<p class="field-error" id="{re.escape(field_id)}-error"[^>]*>(.*?)</p>', page_html, re.S
    )
    assert match, f"no message next to {field_id!r}"
    assert f'aria-describedby="{field_id}-error"' in page_html, "the field does not name it"
    return html.unescape(match.group(1)).strip()


def _part(page_html: str, testid: str) -> str:
    """The text of the element with this data-testid."""
    match = re.search(
        rf'<(\w+)[^>]*data-testid="{re.escape(testid)}"[^>]*>(.*?)</\1>', page_html, re.S
    )
    assert match, f"nothing with data-testid={testid!r}"
    return _text(match.group(2))


@dataclass
class Fair:
    """An open event with a B2B session (9 slots × 3 tables) and approved people."""

    app: FastAPI
    api: TestClient
    db: Session
    event_id: int
    session_id: int
    slots: list[dict[str, Any]]
    tables: list[dict[str, Any]]
    people: dict[str, int]
    users: dict[str, User]
    org: Headers

    @property
    def base(self) -> str:
        return f"/api/v1/events/{self.event_id}"

    def browser(self, who: str | None) -> TestClient:
        client = TestClient(self.app, follow_redirects=False, headers=HTML)
        if who is not None:
            key = start_web_session(self.db, get_settings(), user=self.users[who])
            self.db.commit()
            client.cookies.set(SESSION_COOKIE, key)
        return client

    def mode(self, booking_mode: str) -> None:
        response = self.api.put(
            self.base + "/meeting-settings", json={"booking_mode": booking_mode}, headers=self.org
        )
        assert response.status_code == 200, response.text

    def meet(self, a: str, b: str, **body: Any) -> dict[str, Any]:
        response = self.api.post(
            self.base + "/meetings",
            json={"participant_ids": [self.people[a], self.people[b]], **body},
            headers=self.org,
        )
        assert response.status_code == 201, response.text
        return dict(response.json())

    def slot(self, number: int) -> int:
        return int(self.slots[number - 1]["id"])

    def table(self, number: int) -> int:
        return int(self.tables[number - 1]["id"])


@pytest.fixture
def fair(
    app: FastAPI, client: TestClient, db: Session, organiser: User, organiser_headers: Headers
) -> Fair:
    built = build_fair(client, db, organiser_headers, cast=("lin", "hoa", "bao", "chen", "mai"))
    users = {
        **built.users,
        "stranger": make_user(db, "khach@other.example", Role.delegate, name="Người Ngoài"),
        "organiser": organiser,
    }
    return Fair(
        app,
        client,
        db,
        built.event_id,
        built.session_id,
        built.slots,
        built.tables,
        built.people,
        users,
        organiser_headers,
    )


def _get(browser: TestClient, url: str) -> Any:
    page = browser.get(url)
    assert page.status_code == 200, page.text
    return page


def _post(browser: TestClient, page_url: str, action: str, data: dict[str, Any]) -> Any:
    page = _get(browser, page_url)
    return browser.post(action, data={**data, "csrf_token": _csrf(page.text)})


def _ask(fair: Fair, who: str, whom: str, message: str = "Xin được gặp") -> MeetingRequest:
    browser = fair.browser(who)
    new = f"/events/{fair.event_id}/meeting-requests/new?to={fair.people[whom]}"
    sent = _post(
        browser,
        new,
        f"/events/{fair.event_id}/meeting-requests/new",
        {"recipient_id": fair.people[whom], "fixed": "1", "message": message},
    )
    assert sent.status_code == 303, sent.text
    fair.db.expire_all()
    return fair.db.exec(
        select(MeetingRequest).where(MeetingRequest.requester_id == fair.people[who])
    ).all()[-1]


# ---- who may open which page --------------------------------------------------------------

PRIVATE = [
    "/events/{id}/meetings/mine",
    "/events/{id}/meeting-requests/new",
    "/events/{id}/meeting-requests",
    "/events/{id}/meetings/new",
    "/events/{id}/sessions/{sid}/grid",
    "/dev/outbox",
]


@pytest.mark.parametrize("page", PRIVATE)
def test_anonymous_visitors_are_sent_to_log_in(fair: Fair, page: str) -> None:
    url = page.format(id=fair.event_id, sid=fair.session_id)
    response = fair.browser(None).get(url)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=" + url.replace("/", "%2F")


@pytest.mark.parametrize("page", PRIVATE[2:])
def test_delegates_get_a_403_page_on_organiser_pages(fair: Fair, page: str) -> None:
    response = fair.browser("lin").get(page.format(id=fair.event_id, sid=fair.session_id))
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/html")
    assert "Bạn không có quyền" in response.text


def test_another_organiser_cannot_open_the_grid_of_an_event_they_do_not_manage(
    fair: Fair, db: Session, other_organiser: User
) -> None:
    fair.users["other"] = other_organiser
    response = fair.browser("other").get(f"/events/{fair.event_id}/sessions/{fair.session_id}/grid")
    assert response.status_code == 403


def test_a_delegate_cannot_read_someone_elses_meetings(fair: Fair) -> None:
    response = fair.browser("lin").get(
        f"/events/{fair.event_id}/meetings/mine?participant_id={fair.people['hoa']}"
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/events/abc/meetings/mine", 404),
        ("/events/{id}/meetings/mine?participant_id=x1", 404),
        ("/events/{id}/meetings/mine?participant_id=999999", 404),
        ("/events/{id}/sessions/abc/grid", 404),
        ("/events/{id}/sessions/999999/grid", 404),
        ("/events/{id}/meeting-requests/new?to=999999", 404),
        ("/events/{id}/meeting-requests?status=nonsense&offset=-3", 200),
        ("/dev/outbox?state=x&kind=y&event_id=z&offset=%20", 200),
    ],
)
def test_bad_ids_and_filters_are_a_page_never_a_500(fair: Fair, url: str, status: int) -> None:
    response = fair.browser("organiser").get(url.format(id=fair.event_id))
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/html")


def test_forms_without_the_csrf_token_are_refused(fair: Fair) -> None:
    browser = fair.browser("lin")
    response = browser.post(
        f"/events/{fair.event_id}/meeting-requests/new",
        data={"recipient_id": fair.people["hoa"], "message": "Xin chào"},
    )
    assert response.status_code == 403
    assert fair.db.exec(select(MeetingRequest)).first() is None


# ---- requesting, answering ----------------------------------------------------------------


def test_request_form_names_the_person_and_lands_in_their_inbox(fair: Fair) -> None:
    page = _get(
        fair.browser("lin"), f"/events/{fair.event_id}/meeting-requests/new?to={fair.people['hoa']}"
    )
    assert "Nguyễn Thị Hoa" in _text(page.text)
    request = _ask(fair, "lin", "hoa", "Giải pháp đóng gói tự động cho nhà máy")
    inbox = _get(fair.browser("hoa"), f"/events/{fair.event_id}/meetings/mine")
    item = _part(inbox.text, f"request-{request.id}")
    assert "Lin Wei-Ting" in item
    assert "Giải pháp đóng gói tự động cho nhà máy" in item
    outbox = _get(fair.browser("lin"), f"/events/{fair.event_id}/meetings/mine")
    assert "Nguyễn Thị Hoa" in _part(outbox.text, f"request-{request.id}")


def test_request_form_errors_are_shown_next_to_the_fields(fair: Fair) -> None:
    browser = fair.browser("lin")
    new = f"/events/{fair.event_id}/meeting-requests/new"
    action = f"/events/{fair.event_id}/meeting-requests/new"
    too_long = _post(
        browser, new, action, {"recipient_id": fair.people["hoa"], "message": "x" * 2001}
    )
    assert too_long.status_code == 422
    assert _error_next_to(too_long.text, "message")
    nobody = _post(browser, new, action, {"recipient_id": "", "message": "Xin chào"})
    assert nobody.status_code == 422
    assert _error_next_to(nobody.text, "recipient_id")
    assert "Xin chào" in nobody.text  # what was typed is kept
    myself = _post(browser, new, action, {"recipient_id": fair.people["lin"], "message": "Chào"})
    assert myself.status_code == 422
    assert _error_next_to(myself.text, "recipient_id") == "bạn không thể đề nghị gặp chính mình"
    bad_profile = _post(
        browser,
        new,
        action,
        {"recipient_id": fair.people["hoa"], "message": "Chào", "profile_ids": ["12345", "abc"]},
    )
    assert bad_profile.status_code == 422
    assert _error_next_to(bad_profile.text, "profile_ids")
    _ask(fair, "lin", "hoa")
    twice = _post(browser, new, action, {"recipient_id": fair.people["hoa"], "message": "Lại"})
    assert twice.status_code == 409
    assert "đang chờ trả lời" in _error_next_to(twice.text, "recipient_id")
    assert "bạn đã đề nghị gặp người này" in _text(twice.text)
    assert len(fair.db.exec(select(MeetingRequest)).all()) == 1


def _vi(msgid: str) -> str:
    return gettext_for("vi").gettext(msgid)


def test_decline_needs_a_reason_shown_next_to_it_then_the_asker_reads_it(fair: Fair) -> None:
    request = _ask(fair, "lin", "hoa")
    hoa = fair.browser("hoa")
    mine = f"/events/{fair.event_id}/meetings/mine"
    action = f"/events/{fair.event_id}/meeting-requests/{request.id}/decline"
    refused = _post(hoa, mine, action, {"reason": "  "})
    assert refused.status_code == 422
    assert _error_next_to(refused.text, f"request-{request.id}-reason") == (
        "hãy nêu lý do; người đề nghị sẽ đọc"
    )
    too_long = _post(hoa, mine, action, {"reason": "x" * 1001})
    assert too_long.status_code == 422
    assert _error_next_to(too_long.text, f"request-{request.id}-reason") == (
        _vi("at most 1000 characters")
    )
    done = _post(hoa, mine, action, {"reason": "Chúng tôi đã có nhà cung cấp"})
    assert done.status_code == 303
    assert done.headers["location"].endswith("flash=request-declined")
    seen = _get(fair.browser("lin"), mine)
    assert "Chúng tôi đã có nhà cung cấp" in _part(seen.text, f"request-{request.id}")


def test_a_registration_awaiting_approval_is_told_before_typing_a_request(fair: Fair) -> None:
    """Found in session 29's walk: a newcomer not yet approved filled the request form and
    got "Please correct the fields marked below" with no field marked. The form now says
    why first, and leads to the registration page."""
    from app.registration.models import Participant

    lin = fair.db.get(Participant, fair.people["lin"])
    assert lin is not None
    lin.status = "pending"
    fair.db.add(lin)
    fair.db.commit()
    page = fair.browser("lin").get(
        f"/events/{fair.event_id}/meeting-requests/new?to={fair.people['hoa']}"
    )
    assert page.status_code == 200
    assert "đăng ký của bạn chưa được duyệt" in html.unescape(page.text).lower()
    assert f'action="/events/{fair.event_id}/meeting-requests/new' not in page.text
    assert f'href="/events/{fair.event_id}/me">Đăng ký của tôi</a>' in page.text


def test_the_asker_can_withdraw_a_pending_request(fair: Fair) -> None:
    request = _ask(fair, "lin", "hoa")
    mine = f"/events/{fair.event_id}/meetings/mine"
    done = _post(
        fair.browser("lin"),
        mine,
        f"/events/{fair.event_id}/meeting-requests/{request.id}/cancel",
        {},
    )
    assert done.status_code == 303
    fair.db.expire_all()
    assert fair.db.get(MeetingRequest, request.id).status == "cancelled"  # type: ignore[union-attr]
    # The person asked can no longer accept it: a message, nothing written.
    late = _post(
        fair.browser("hoa"),
        mine,
        f"/events/{fair.event_id}/meeting-requests/{request.id}/accept",
        {},
    )
    assert late.status_code == 409
    assert fair.db.exec(select(Meeting)).first() is None


def test_self_service_accept_then_choose_a_time_shows_on_both_agendas(fair: Fair) -> None:
    fair.mode("self_service")
    request = _ask(fair, "lin", "hoa")
    hoa = fair.browser("hoa")
    mine = f"/events/{fair.event_id}/meetings/mine"
    accepted = _post(hoa, mine, f"/events/{fair.event_id}/meeting-requests/{request.id}/accept", {})
    assert accepted.status_code == 303
    meeting = fair.db.exec(select(Meeting)).one()
    page = _get(hoa, mine)
    choices = re.findall(r'name="slot_id" value="(\d+)"[^>]*> (\d\d:\d\d)–', page.text)
    assert [t for _, t in choices][:3] == ["14:00", "14:20", "14:40"]
    # A tampered slot is a message next to the choice, not an error page.
    tampered = _post(
        hoa, mine, f"/events/{fair.event_id}/meetings/{meeting.id}/book", {"slot_id": "x"}
    )
    assert tampered.status_code == 422
    assert _error_next_to(tampered.text, f"meeting-{meeting.id}-slot_id")
    booked = _post(
        hoa,
        mine,
        f"/events/{fair.event_id}/meetings/{meeting.id}/book",
        {"slot_id": fair.slot(2), "revision": meeting.revision},
    )
    assert booked.status_code == 303, booked.text
    for who, other in (("hoa", "Lin Wei-Ting"), ("lin", "Nguyễn Thị Hoa")):
        row = _part(_get(fair.browser(who), mine).text, f"meeting-{meeting.id}")
        assert "14:20–14:40" in row
        assert "1" in row
        assert other in row


def test_organiser_mode_shows_time_to_be_announced_until_published(fair: Fair) -> None:
    meeting = fair.meet("lin", "hoa", slot_id=fair.slot(3), table_id=fair.table(2))
    mine = f"/events/{fair.event_id}/meetings/mine"
    page = _get(fair.browser("hoa"), mine)
    row = _part(page.text, f"meeting-{meeting['id']}")
    assert "14:40" not in row
    assert 'data-testid="meeting-table"' not in page.text
    assert 'data-testid="times-pending"' in page.text
    assert 'name="slot_id"' not in page.text  # no self-booking in organiser mode
    published = fair.api.post(fair.base + "/publish", headers=fair.org)
    assert published.status_code == 200, published.text
    row = _part(_get(fair.browser("hoa"), mine).text, f"meeting-{meeting['id']}")
    assert "14:40–15:00" in row


def test_agenda_is_in_time_order_with_cancelled_meetings_struck_through(fair: Fair) -> None:
    fair.mode("self_service")
    late = fair.meet("hoa", "lin", slot_id=fair.slot(3))
    early = fair.meet("hoa", "bao", slot_id=fair.slot(1))
    middle = fair.meet("hoa", "chen", slot_id=fair.slot(2), interpreter_ids=[fair.people["mai"]])
    cancelled = fair.api.post(
        f"{fair.base}/meetings/{early['id']}/cancel",
        json={"reason": "Đổi lịch bay"},
        headers=fair.org,
    )
    assert cancelled.status_code == 200, cancelled.text
    page = _get(fair.browser("hoa"), f"/events/{fair.event_id}/meetings/mine")
    rows = re.findall(r'data-testid="meeting-(\d+)"', page.text)
    assert rows == [str(early["id"]), str(middle["id"]), str(late["id"])]
    card = rf'<article id="meeting-{early["id"]}"[^>]*class="meeting-card is-cancelled"'
    struck = re.search(card, page.text)
    assert struck, "the cancelled meeting is not marked"
    assert "Đổi lịch bay" in _part(page.text, f"meeting-{early['id']}")
    assert "Đỗ Thị Mai" in _part(page.text, f"meeting-{middle['id']}")
    assert "Trần Quốc Bảo" in _part(page.text, f"meeting-{early['id']}")


def test_a_party_confirms_a_proposed_meeting_on_the_page(fair: Fair) -> None:
    meeting = fair.meet("lin", "hoa", needs_confirmation=True)
    mine = f"/events/{fair.event_id}/meetings/mine"
    done = _post(
        fair.browser("hoa"),
        mine,
        f"/events/{fair.event_id}/meetings/{meeting['id']}/confirm",
        {"revision": meeting["revision"]},
    )
    assert done.status_code == 303
    fair.db.expire_all()
    assert fair.db.get(Meeting, meeting["id"]).status == "proposed"  # type: ignore[union-attr]
    _post(
        fair.browser("lin"),
        mine,
        f"/events/{fair.event_id}/meetings/{meeting['id']}/confirm",
        {},
    )
    fair.db.expire_all()
    assert fair.db.get(Meeting, meeting["id"]).status == "confirmed"  # type: ignore[union-attr]


# ---- organisers ---------------------------------------------------------------------------


def test_grid_shows_each_meeting_in_its_cell_with_markers_and_unscheduled_below(
    fair: Fair,
) -> None:
    with_interpreter = fair.meet(
        "hoa",
        "chen",
        slot_id=fair.slot(1),
        table_id=fair.table(2),
        interpreter_ids=[fair.people["mai"]],
        locked=True,
    )
    plain = fair.meet("lin", "chen", slot_id=fair.slot(2), table_id=fair.table(1))
    waiting = fair.meet("lin", "hoa")
    page = _get(
        fair.browser("organiser"), f"/events/{fair.event_id}/sessions/{fair.session_id}/grid"
    )
    cell = re.search(r'data-testid="cell-1-2"(.*?)</td>', page.text, re.S)
    assert cell
    assert "Nguyễn Thị Hoa" in cell.group(1)
    assert "Chen Yu-Han" in cell.group(1)
    assert 'class="marker interp"' in cell.group(1)
    assert 'class="marker lock"' in cell.group(1)
    other = re.search(r'data-testid="cell-2-1"(.*?)</td>', page.text, re.S)
    assert other
    assert "Chen Yu-Han" in other.group(1)
    assert 'class="marker' not in other.group(1)
    empty = re.search(r'data-testid="cell-3-3"(.*?)</td>', page.text, re.S)
    assert empty
    assert not _text(empty.group(1)).strip(" >")
    unscheduled = page.text.split('id="unscheduled"')[1].split("</section>")[0]
    assert f'data-testid="meeting-{waiting["id"]}"' in unscheduled
    assert f'data-testid="meeting-{plain["id"]}"' not in unscheduled
    assert with_interpreter["id"] != plain["id"]


def test_organiser_moves_locks_and_cancels_from_the_grid(fair: Fair) -> None:
    meeting = fair.meet("lin", "hoa", slot_id=fair.slot(1), table_id=fair.table(1))
    browser = fair.browser("organiser")
    grid = f"/events/{fair.event_id}/sessions/{fair.session_id}/grid"
    action = f"{grid}/{meeting['id']}"
    moved = _post(
        browser,
        grid,
        action + "/move",
        {"slot_id": fair.slot(4), "table_id": fair.table(3), "revision": meeting["revision"]},
    )
    assert moved.status_code == 303, moved.text
    page = _get(browser, grid)
    cell = re.search(r'data-testid="cell-4-3"(.*?)</td>', page.text, re.S)
    assert cell
    assert "Lin Wei-Ting" in cell.group(1)
    # The form still carries the old revision: the second change is refused, not lost.
    stale = _post(
        browser,
        grid,
        action + "/move",
        {"slot_id": fair.slot(5), "table_id": "", "revision": meeting["revision"]},
    )
    assert stale.status_code == 409
    assert "đã thay đổi" in _text(stale.text)  # Vietnamese, no revision number
    fair.db.expire_all()
    row = fair.db.get(Meeting, meeting["id"])
    assert row is not None
    assert row.slot_id == fair.slot(4)
    assert row.revision == 2
    locked = _post(browser, grid, action + "/lock", {"locked": "1", "revision": row.revision})
    assert locked.status_code == 303
    page = _get(browser, grid)
    cell = re.search(r'data-testid="cell-4-3"(.*?)</td>', page.text, re.S)
    assert cell
    assert 'class="marker lock"' in cell.group(1)
    no_reason = _post(browser, grid, action + "/cancel", {"reason": ""})
    assert no_reason.status_code == 422
    assert _error_next_to(no_reason.text, f"meeting-{meeting['id']}-reason")
    cancelled = _post(browser, grid, action + "/cancel", {"reason": "Khách về sớm"})
    assert cancelled.status_code == 303
    page = _get(browser, grid)
    assert "Khách về sớm" in page.text.split('id="cancelled"')[1]
    assert not re.search(r'data-testid="cell-4-3"[^>]*>\s*<a', page.text)


def test_grid_move_with_a_taken_table_says_so_next_to_the_field(fair: Fair) -> None:
    fair.meet("lin", "bao", slot_id=fair.slot(1), table_id=fair.table(1))
    other = fair.meet("hoa", "chen", slot_id=fair.slot(2), table_id=fair.table(1))
    grid = f"/events/{fair.event_id}/sessions/{fair.session_id}/grid"
    clash = _post(
        fair.browser("organiser"),
        grid,
        f"{grid}/{other['id']}/move",
        {"slot_id": fair.slot(1), "table_id": fair.table(1)},
    )
    assert clash.status_code == 409
    assert _error_next_to(clash.text, f"meeting-{other['id']}-table_id") == (
        "bàn này đã có cuộc gặp khác trong lượt này"
    )


def test_propose_form_checks_its_fields_then_creates_the_meeting(fair: Fair) -> None:
    browser = fair.browser("organiser")
    new = f"/events/{fair.event_id}/meetings/new"
    same = _post(
        browser,
        new,
        new,
        {"participant_a": fair.people["hoa"], "participant_b": fair.people["hoa"]},
    )
    assert same.status_code == 422
    assert _error_next_to(same.text, "participant_ids") == "hãy chọn hai người khác nhau"
    bad_slot = _post(
        browser,
        new,
        new,
        {
            "participant_a": fair.people["hoa"],
            "participant_b": fair.people["chen"],
            "slot_id": "zz",
        },
    )
    assert bad_slot.status_code == 422
    assert _error_next_to(bad_slot.text, "slot_id")
    created = _post(
        browser,
        new,
        new,
        {
            "participant_a": fair.people["hoa"],
            "participant_b": fair.people["chen"],
            "interpreter_id": fair.people["mai"],
            "slot_id": fair.slot(2),
            "needs_confirmation": "1",
        },
    )
    assert created.status_code == 303, created.text
    meeting = fair.db.exec(select(Meeting)).one()
    assert meeting.status == "proposed"
    assert meeting.origin == "organiser"
    assert created.headers["location"].endswith(f"#meeting-{meeting.id}")
    grid = _get(browser, created.headers["location"].split("#")[0])
    cell = re.search(r'data-testid="cell-2-1"(.*?)</td>', grid.text, re.S)
    assert cell
    assert "Chen Yu-Han" in cell.group(1)
    assert 'class="marker interp"' in cell.group(1)


def test_requests_list_filters_by_status(fair: Fair) -> None:
    pending = _ask(fair, "lin", "hoa")
    declined = _ask(fair, "hoa", "chen")
    fair.api.post(
        f"{fair.base}/meeting-requests/{declined.id}/decline",
        json={"reason": "Không phù hợp"},
        headers=fair.org,
    )
    browser = fair.browser("organiser")
    everything = _get(browser, f"/events/{fair.event_id}/meeting-requests")
    assert f'data-testid="request-{pending.id}"' in everything.text
    assert f'data-testid="request-{declined.id}"' in everything.text
    only = _get(browser, f"/events/{fair.event_id}/meeting-requests?status=declined")
    assert f'data-testid="request-{pending.id}"' not in only.text
    assert "Không phù hợp" in _part(only.text, f"request-{declined.id}")
    # The organiser answers for a delegate and comes back to the same filtered list.
    answered = _post(
        browser,
        f"/events/{fair.event_id}/meeting-requests?status=pending",
        f"/events/{fair.event_id}/meeting-requests/{pending.id}/accept",
        {"back": "requests", "filter_status": "pending"},
    )
    assert answered.status_code == 303
    assert answered.headers["location"].startswith(
        f"/events/{fair.event_id}/meeting-requests?status=pending"
    )
    assert fair.db.exec(select(Meeting)).one().request_id == pending.id


def test_outbox_page_lists_the_messages_of_the_organisers_events_only(
    fair: Fair, other_organiser: User
) -> None:
    _ask(fair, "lin", "hoa", "Xin gặp về dây chuyền đóng gói")
    page = _get(fair.browser("organiser"), "/dev/outbox")
    text = _text(page.text)
    assert "hoa@thucpham-hp.example" in text
    assert "Có yêu cầu gặp mới" in text  # the kind as words, not request_received
    assert "request_received" not in text
    assert "Xin gặp về dây chuyền đóng gói" in text
    fair.users["other"] = other_organiser
    theirs = _get(fair.browser("other"), "/dev/outbox")
    assert "hoa@thucpham-hp.example" not in theirs.text


def test_event_page_links_to_the_meeting_pages(fair: Fair) -> None:
    delegate_view = _get(fair.browser("hoa"), f"/events/{fair.event_id}")
    assert f'href="/events/{fair.event_id}/meetings/mine"' in delegate_view.text
    assert f"/sessions/{fair.session_id}/grid" not in delegate_view.text
    organiser_view = _get(fair.browser("organiser"), f"/events/{fair.event_id}")
    assert f'href="/events/{fair.event_id}/sessions/{fair.session_id}/grid"' in organiser_view.text
    assert f'href="/events/{fair.event_id}/meeting-requests"' in organiser_view.text


def test_stranger_without_registration_sees_an_explanation(fair: Fair) -> None:
    page = _get(fair.browser("stranger"), f"/events/{fair.event_id}/meetings/mine")
    assert 'data-testid="agenda"' not in page.text
    refused = fair.browser("stranger").get(
        f"/events/{fair.event_id}/meeting-requests/new?to={fair.people['hoa']}"
    )
    assert refused.status_code == 403
