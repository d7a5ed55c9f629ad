# ruff: noqa: F811 - the fixtures of test_outcomes_api are imported and used by name
"""Event-day pages over HTTP: the check-in desk, held / no-show from the grid, the feedback
form (signed link and log-in), agreements, the organiser's report and its downloads, and
who may open what. Real forms with their CSRF tokens; the event of test_outcomes_api."""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session, select

from app.auth.models import Role, User
from app.auth.service import get_user_by_email, start_web_session
from app.checkin import service as checkin_service
from app.checkin.models import Checkin
from app.deps import SESSION_COOKIE
from app.meetings.models import Meeting
from app.outcomes import feedback as feedback_service
from app.outcomes import stats as stats_service
from app.outcomes.models import (
    Agreement,
    MeetingFeedback,
    NextStep,
)
from app.outcomes.schemas import FeedbackIn
from app.settings import get_settings
from tests.conftest import make_user
from tests.integration.conftest import add_person
from tests.integration.test_outcomes_api import (  # noqa: F401 - fixtures used by name
    Day,
    day,
)

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

HTML = {"Accept": "text/html,application/xhtml+xml"}


def _csrf(page_html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page_html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def _text(page_html: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page_html)))


def _error_next_to(page_html: str, field_id: str) -> str:
    match = re.search(
        rf'<p class="field-error" id="{re.escape(field_id)}-error"[^>]*>(.*?)</p>', page_html, re.S
    )
    assert match, f"no message next to {field_id!r}"
    return html.unescape(match.group(1)).strip()


def _browser(app: FastAPI, db: Session, user: User | None) -> TestClient:
    client = TestClient(app, follow_redirects=False, headers=HTML)
    if user is not None:
        key = start_web_session(db, get_settings(), user=user)
        db.commit()
        client.cookies.set(SESSION_COOKIE, key)
    return client


def _post(browser: TestClient, page_url: str, action: str, data: dict[str, Any]) -> Any:
    page = browser.get(page_url)
    assert page.status_code == 200, page.text
    return browser.post(action, data={**data, "csrf_token": _csrf(page.text)})


@pytest.fixture
def desk(app: FastAPI, db: Session, organiser: User) -> TestClient:
    return _browser(app, db, organiser)


def _user(db: Session, email: str) -> User:
    user = get_user_by_email(db, email)
    assert user is not None
    return user


# ---- check-in -----------------------------------------------------------------------------


def test_event_day_staff_find_the_check_in_desk_on_the_event_page(app: FastAPI, day: Day) -> None:
    staff = make_user(day.db, "le-tan@sokhcn.haiphong.gov.vn", Role.delegate, name="Lễ tân")
    add_person(day.db, day.event_id, "Vũ Thị Lễ Tân", user=staff, role="staff", languages=["vi"])
    delegate = make_user(day.db, "dai-bieu@thucpham.example", Role.delegate, name="Đại biểu")
    add_person(day.db, day.event_id, "Ngô Đại Biểu", user=delegate, languages=["vi"])
    day.db.commit()
    link = f'href="/events/{day.event_id}/check-in"'
    page = _browser(app, day.db, staff).get(f"/events/{day.event_id}")
    assert page.status_code == 200
    assert link in page.text
    desk_page = _browser(app, day.db, staff).get(f"/events/{day.event_id}/check-in")
    assert desk_page.status_code == 200
    # A delegate is not offered the desk.
    assert link not in _browser(app, day.db, delegate).get(f"/events/{day.event_id}").text


def test_typed_code_twice_checks_in_once_and_says_already(day: Day, desk: TestClient) -> None:
    page = f"/events/{day.event_id}/check-in"
    code = day.code("lin")
    first = _post(desk, page, page, {"code": f" {code[:4].lower()} {code[4:]} "})
    assert first.status_code == 303, first.text
    card = desk.get(first.headers["location"])
    assert card.status_code == 200
    text = _text(card.text)
    assert "Lin Wei-Ting" in text
    assert "Đoàn doanh nghiệp Đài Loan" in text
    assert 'data-testid="already"' not in card.text

    second = _post(desk, page, page, {"code": code})
    assert second.status_code == 303
    again = desk.get(second.headers["location"])
    assert 'data-testid="already"' in again.text
    assert re.search(
        r"Đã check-in lúc \d\d:\d\d|Already checked in at \d\d:\d\d", _text(again.text)
    )
    day.db.expire_all()
    assert [r.participant_id for r in day.db.exec(select(Checkin)).all()] == [day.people["lin"]]


def test_unknown_code_is_a_message_by_the_field(day: Day, desk: TestClient) -> None:
    page = f"/events/{day.event_id}/check-in"
    response = _post(desk, page, page, {"code": "ZZZZ-0000"})
    assert response.status_code == 422
    assert _error_next_to(response.text, "code")
    empty = _post(desk, page, page, {"code": "   "})
    assert empty.status_code == 422
    assert _error_next_to(empty.text, "code")


def test_name_search_without_accents_and_check_in_from_the_hits(day: Day, desk: TestClient) -> None:
    page = desk.get(f"/events/{day.event_id}/check-in", params={"q": "nguyen thi hoa"})
    assert page.status_code == 200
    assert f'data-testid="hit-{day.people["hoa"]}"' in page.text
    assert "Nguyễn Thị Hoa" in page.text
    done = desk.post(
        f"/events/{day.event_id}/check-in",
        data={"participant_id": str(day.people["hoa"]), "csrf_token": _csrf(page.text)},
    )
    assert done.status_code == 303
    day.db.expire_all()
    row = day.db.get(Checkin, day.people["hoa"])
    assert row is not None
    assert row.method == "search"


def _item(page_html: str, marker: str) -> str:
    start = page_html.index(marker)
    return page_html[start : page_html.index("</li>", start)]


def test_a_registration_not_yet_approved_is_named_at_the_desk_with_the_way_to_approve_it(
    app: FastAPI, day: Day, desk: TestClient
) -> None:
    # Someone whose registration is still pending turns up at the desk: the hit says so in
    # the page's language (never the code "pending"), why there is no check-in button, and
    # an organiser gets the way to the registration; desk staff, who cannot approve, do not.
    waiting = add_person(day.db, day.event_id, "Su Yi-Hsuan", status="pending", languages=["zh"])
    staff = make_user(day.db, "le-tan-2@sokhcn.haiphong.gov.vn", Role.delegate, name="Lễ tân")
    add_person(day.db, day.event_id, "Đỗ Lễ Tân", user=staff, role="staff", languages=["vi"])
    day.db.commit()
    hit = f'data-testid="hit-{waiting}"'
    page = desk.get(f"/events/{day.event_id}/check-in", params={"q": "su yi"})
    assert page.status_code == 200
    item = _item(page.text, hit)
    text = _text(item)
    assert "Chờ duyệt" in text
    assert "ban tổ chức xét duyệt đăng ký trước khi check-in" in text
    assert "pending" not in text.lower()
    assert 'name="participant_id"' not in item  # no check-in button
    review = re.search(r'href="([^"]+)" data-testid="review-registration"', item)
    assert review is not None
    listed = desk.get(html.unescape(review.group(1)))
    assert listed.status_code == 200
    assert "Su Yi-Hsuan" in listed.text
    assert "Chờ duyệt" in _text(listed.text)

    english = desk.get(f"/events/{day.event_id}/check-in", params={"q": "su yi", "lang": "en"})
    item = _item(english.text, hit)
    assert "Pending approval" in _text(item)
    assert "the organisers decide on a registration before check-in" in _text(item)

    at_desk = _browser(app, day.db, staff).get(
        f"/events/{day.event_id}/check-in", params={"q": "su yi"}
    )
    assert at_desk.status_code == 200
    assert "Chờ duyệt" in _text(at_desk.text)
    assert 'data-testid="review-registration"' not in at_desk.text


def test_arrivals_fragment_counts_by_delegation(
    day: Day, desk: TestClient, organiser: User
) -> None:
    for name in ("lin", "hoa"):
        checkin_service.check_in(
            day.db, actor=organiser, event_id=day.event_id, code=day.code(name)
        )
    day.db.commit()
    fragment = desk.get(f"/events/{day.event_id}/check-in/arrivals")
    assert fragment.status_code == 200
    total = re.search(r'data-testid="arrived-total">(.*?)</p>', fragment.text, re.S)
    assert total is not None
    assert _text(total.group(1)).split()[:3] == [
        "2",
        "/",
        "5",
    ]  # approved: lin, chen, hoa, bao, minh
    row = re.search(
        rf'data-testid="delegation-{day.delegation_id}">(.*?)</tr>', fragment.text, re.S
    )
    assert row is not None
    assert re.findall(r'class="n">(\d+)<', row.group(1)) == ["1", "2"]


def test_prefilled_code_from_a_link_shows_who_it_is(day: Day, desk: TestClient) -> None:
    page = desk.get(f"/events/{day.event_id}/check-in", params={"code": day.code("chen")})
    assert page.status_code == 200
    assert f'value="{day.code("chen")}"' in page.text
    assert "Chen Yu-Han" in page.text
    day.db.expire_all()
    assert day.db.exec(select(Checkin)).all() == []  # a GET never checks in


# ---- held / no-show / late arrival from the grid ------------------------------------------


def test_held_and_no_show_buttons_redirect_to_the_grid(day: Day, desk: TestClient) -> None:
    held = day.meet("lin", "hoa", slot=1)
    missed = day.meet("chen", "bao", slot=2)
    day.arrive("lin", "hoa", "bao")
    grid = f"/events/{day.event_id}/sessions/{day.session_id}/grid"
    page = desk.get(grid)
    assert page.status_code == 200
    assert f'data-testid="attendance-{held["id"]}"' in page.text
    token = _csrf(page.text)
    done = desk.post(
        f"/events/{day.event_id}/meetings/{held['id']}/attendance",
        data={"outcome": "held", "back": grid, "csrf_token": token},
    )
    assert done.status_code == 303
    assert done.headers["location"].startswith(grid + "?flash=meeting-held")
    no_show = desk.post(
        f"/events/{day.event_id}/meetings/{missed['id']}/attendance",
        data={
            "outcome": "no_show",
            "absent": str(day.people["chen"]),
            "back": grid,
            "csrf_token": token,
        },
    )
    assert no_show.status_code == 303
    bad = desk.post(
        f"/events/{day.event_id}/meetings/{missed['id']}/attendance",
        data={"outcome": "no_show", "back": "https://evil.example/", "csrf_token": token},
    )
    assert bad.status_code == 303
    assert bad.headers["location"].startswith(grid + "?flash=attendance-invalid")
    day.db.expire_all()
    statuses = {m.id: m.status for m in day.db.exec(select(Meeting)).all()}
    assert statuses == {held["id"]: "held", missed["id"]: "no_show"}
    after = desk.get(grid)
    assert "no_show" in after.text or "Vắng mặt" in after.text or "No-show" in after.text


def test_grid_flags_who_has_not_arrived(day: Day, desk: TestClient) -> None:
    meeting = day.meet("lin", "hoa", slot=3)
    grid = f"/events/{day.event_id}/sessions/{day.session_id}/grid"
    assert 'data-testid="not-arrived-' not in desk.get(grid).text  # nobody checked in yet
    page = f"/events/{day.event_id}/check-in"
    assert _post(desk, page, page, {"code": day.code("lin")}).status_code == 303
    shown = desk.get(grid).text
    assert f'data-testid="not-arrived-{day.people["hoa"]}"' in shown
    assert f'data-testid="not-arrived-{day.people["lin"]}"' not in shown
    late = desk.post(
        f"/events/{day.event_id}/participants/{day.people['hoa']}/late-arrival",
        data={"back": grid, "csrf_token": _csrf(shown)},
    )
    assert late.status_code == 303
    assert "flash=late-arrival" in late.headers["location"]
    del meeting


# ---- feedback -----------------------------------------------------------------------------


def _held(day: Day) -> dict[str, Any]:
    meeting = day.meet("lin", "hoa", slot=1)
    assert day.mark(meeting["id"], "held").status_code == 200
    return meeting


def test_feedback_form_with_the_signed_link_and_a_tampered_one(app: FastAPI, day: Day) -> None:
    meeting = _held(day)
    token = feedback_service.feedback_token(day.people["hoa"], meeting["id"])
    url = f"/events/{day.event_id}/meetings/{meeting['id']}/feedback"
    anonymous = _browser(app, day.db, None)
    page = anonymous.get(url, params={"token": token})
    assert page.status_code == 200, page.text
    assert "Lin Wei-Ting" in page.text
    sent = anonymous.post(
        url + f"?token={token}",
        data={
            "token": token,
            "held": "yes",
            "rating": "4",
            "continue": "yes",
            "next_steps": ["visit", "pilot"],
            "comment": "Hẹn thăm nhà máy",
            "csrf_token": _csrf(page.text),
        },
    )
    assert sent.status_code == 303, sent.text
    day.db.expire_all()
    row = day.db.exec(select(MeetingFeedback)).one()
    assert (row.participant_id, row.rating, row.next_steps) == (
        day.people["hoa"],
        4,
        ["visit", "pilot"],
    )
    tampered = token[:-1] + ("0" if token[-1] != "0" else "1")
    refused = anonymous.get(url, params={"token": tampered})
    assert refused.status_code == 403
    other = feedback_service.feedback_token(day.people["hoa"], meeting["id"] + 999)
    assert anonymous.get(url, params={"token": other}).status_code == 403


def test_feedback_form_after_log_in_with_errors_next_to_fields(app: FastAPI, day: Day) -> None:
    meeting = _held(day)
    url = f"/events/{day.event_id}/meetings/{meeting['id']}/feedback"
    assert _browser(app, day.db, None).get(url).status_code == 303  # log in first
    lin = _browser(app, day.db, _user(day.db, "lin@tw-packaging.example"))
    mine = lin.get(f"/events/{day.event_id}/meetings/mine")
    assert 'data-testid="feedback-link"' in mine.text
    missing = _post(lin, url, url, {"rating": "5"})
    assert missing.status_code == 422
    assert _error_next_to(missing.text, "held")
    contradiction = _post(lin, url, url, {"held": "yes", "continue": "no", "next_steps": "nda"})
    assert contradiction.status_code == 422
    assert _error_next_to(contradiction.text, "next_steps")
    ok = _post(lin, url, url, {"held": "yes", "rating": "5", "continue": "yes"})
    assert ok.status_code == 303
    day.db.expire_all()
    assert day.db.exec(select(MeetingFeedback)).one().participant_id == day.people["lin"]
    stranger = make_user(day.db, "khach@other.example", Role.delegate)
    assert _browser(app, day.db, stranger).get(url).status_code == 403


# ---- agreements ---------------------------------------------------------------------------


def test_agreement_form_errors_next_to_fields_then_saved(day: Day, desk: TestClient) -> None:
    new = f"/events/{day.event_id}/agreements/new"
    bad = _post(
        desk,
        new,
        new,
        {
            "kind": "mou",
            "title_vi": "",
            "parties": [str(day.orgs["tw_pack"])],
            "value": "mười tỷ",
            "status": "planned",
        },
    )
    assert bad.status_code == 422
    # every message at once (session 29's walk: the value first, the parties a round later)
    assert _error_next_to(bad.text, "value")
    assert _error_next_to(bad.text, "title_vi")
    assert _error_next_to(bad.text, "parties")
    assert 'data-testid="agreement-form" novalidate' in bad.text
    no_title = _post(
        desk,
        new,
        new,
        {"kind": "mou", "title_vi": "", "parties": [str(day.orgs["tw_pack"])]},
    )
    assert no_title.status_code == 422
    assert _error_next_to(no_title.text, "title_vi")
    unsigned = _post(
        desk,
        new,
        new,
        {
            "kind": "technology_transfer",
            "title_vi": "Hợp đồng chuyển giao dây chuyền đóng gói",
            "parties": [str(day.orgs["tw_pack"]), str(day.orgs["vn_food"])],
            "status": "signed",
        },
    )
    assert unsigned.status_code == 422
    assert _error_next_to(unsigned.text, "signed_on")
    half_dong = _post(
        desk,
        new,
        new,
        {
            "kind": "mou",
            "title_vi": "Biên bản ghi nhớ",
            "parties": [str(day.orgs["tw_pack"]), str(day.orgs["vn_food"])],
            "value": "1.500.000.000,5",
            "currency": "VND",
        },
    )
    assert half_dong.status_code == 422  # kept and summed into the report before
    assert _error_next_to(half_dong.text, "value") == (
        "VND không có phần thập phân: hãy ghi một số nguyên"
    )
    saved = _post(
        desk,
        new,
        new,
        {
            "kind": "technology_transfer",
            "title_vi": "Hợp đồng chuyển giao dây chuyền đóng gói",
            "title_en": "Packaging line technology transfer",
            "parties": [str(day.orgs["tw_pack"]), str(day.orgs["vn_food"])],
            "status": "signed",
            "signed_on": "2027-03-16",
            "value": "1.500.000.000",
            "currency": "VND",
            "at_ceremony": "1",
        },
    )
    assert saved.status_code == 303, saved.text
    day.db.expire_all()
    row = day.db.exec(select(Agreement)).one()
    assert (row.value, row.currency, row.ceremony_order) == (1500000000, "VND", 1)
    detail = desk.get(saved.headers["location"])
    assert "Packaging line technology transfer" in detail.text or "dây chuyền" in detail.text
    upload = desk.post(
        f"/events/{day.event_id}/agreements/{row.id}/documents",
        data={"csrf_token": _csrf(detail.text)},
        files={
            "file": ("hop-dong.pdf", b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n", "application/pdf")
        },
    )
    assert upload.status_code == 303
    shown = desk.get(f"/events/{day.event_id}/agreements/{row.id}")
    link = re.search(
        rf'href="(/events/{day.event_id}/agreements/{row.id}/documents/\d+)"', shown.text
    )
    assert link is not None
    assert desk.get(link.group(1)).content.startswith(b"%PDF")
    ceremony = desk.get(f"/events/{day.event_id}/agreements/ceremony")
    assert "Hợp đồng chuyển giao dây chuyền đóng gói" in ceremony.text
    wrong = desk.post(
        f"/events/{day.event_id}/agreements/{row.id}/documents",
        data={"csrf_token": _csrf(detail.text)},
        files={"file": ("x.exe", b"MZ\x90\x00", "application/octet-stream")},
    )
    assert wrong.status_code == 303
    assert "upload_error" in wrong.headers["location"]


def test_delegates_see_their_agreements_only(app: FastAPI, day: Day, desk: TestClient) -> None:
    for parties, title in (
        (["tw_pack", "vn_food"], "Biên bản ghi nhớ A"),
        (["tw_robot", "vn_uni"], "Biên bản ghi nhớ B"),
    ):
        new = f"/events/{day.event_id}/agreements/new"
        response = _post(
            desk,
            new,
            new,
            {"kind": "mou", "title_vi": title, "parties": [str(day.orgs[p]) for p in parties]},
        )
        assert response.status_code == 303, response.text
    lin = _browser(app, day.db, _user(day.db, "lin@tw-packaging.example"))
    page = lin.get(f"/events/{day.event_id}/agreements")
    assert page.status_code == 200
    assert "Biên bản ghi nhớ A" in page.text
    assert "Biên bản ghi nhớ B" not in page.text
    assert lin.get(f"/events/{day.event_id}/agreements/new").status_code == 403


# ---- the report ---------------------------------------------------------------------------


def test_report_page_pdf_and_xlsx_show_the_figures(day: Day, desk: TestClient) -> None:
    meeting = _held(day)
    missed = day.meet("chen", "bao", slot=2)
    assert day.mark(missed["id"], "no_show", ["chen"]).status_code == 200
    feedback_service.submit_feedback(
        day.db,
        event_id=day.event_id,
        data=FeedbackIn(
            held=True,
            rating=5,
            meeting_id=meeting["id"],
            wants_to_continue=True,
            next_steps=[NextStep.visit, NextStep.nda],
        ),
        token=feedback_service.feedback_token(day.people["hoa"], meeting["id"]),
    )
    day.db.commit()
    stats = stats_service.event_stats(day.db, event_id=day.event_id)
    page = desk.get(f"/events/{day.event_id}/report")
    assert page.status_code == 200
    key = {
        html.unescape(a).strip(): b.strip()
        for a, b in re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", page.text, re.S)
    }
    assert str(stats.meetings.held) in key.values()
    assert stats.meetings.held == 1
    assert stats.meetings.no_show == 1
    assert stats.ratings.rated == 1
    text = _text(page.text)
    assert str(stats.participants) in text

    # The report's PDF is a print job (it takes seconds at a real event's size): the button
    # queues it, the print page shows it, and its download is the PDF.
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    queued = desk.post(
        f"/events/{day.event_id}/print", data={"what": "report", "csrf_token": token.group(1)}
    )
    assert queued.status_code == 303, queued.text
    job = re.search(r"job=([\w-]+)", queued.headers["location"])
    assert job is not None
    pdf = desk.get(f"/events/{day.event_id}/print/{job.group(1)}/download")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        out = subprocess.run(
            ["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True
        ).stdout.decode()
        assert "Kết quả" in out
        assert "Results" in out
        assert "Hải Phòng" in out  # the Vietnamese title of the event
    # Its rows (XLSX) too: queued from the report page, downloaded as a spreadsheet.
    assert 'value="report_rows"' in page.text
    queued = desk.post(
        f"/events/{day.event_id}/print",
        data={"what": "report_rows", "csrf_token": token.group(1)},
    )
    assert queued.status_code == 303, queued.text
    job = re.search(r"job=([\w-]+)", queued.headers["location"])
    assert job is not None
    done = desk.get(queued.headers["location"])
    assert "Tải bảng tính" in done.text  # "Download the spreadsheet"
    xlsx = desk.get(f"/events/{day.event_id}/print/{job.group(1)}/download")
    assert xlsx.status_code == 200
    assert xlsx.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert xlsx.headers["content-disposition"].startswith("attachment")
    assert ".xlsx" in xlsx.headers["content-disposition"]
    book = load_workbook(io.BytesIO(xlsx.content))
    assert len(book.worksheets) == 4
    participants = book.worksheets[0]
    assert participants.max_row - 1 == stats.participants
    # words, not stored codes (session 29's walk found enterprise, delegate, nda there)
    cells = {str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row}
    assert not cells & {"enterprise", "research_institute", "university", "delegate", "host"}
    steps = {str(c.value) for c in book.worksheets[2]["F"]}
    assert "Tham quan cơ sở, Thoả thuận bảo mật (NDA)" in steps, steps


# ---- who may open what --------------------------------------------------------------------

PRIVATE = [
    "/events/{id}/check-in",
    "/events/{id}/check-in/arrivals",
    "/events/{id}/agreements",
    "/events/{id}/agreements/new",
    "/events/{id}/agreements/ceremony",
    "/events/{id}/report",
]


@pytest.mark.parametrize("page", PRIVATE)
def test_anonymous_visitors_are_sent_to_log_in(app: FastAPI, day: Day, page: str) -> None:
    url = page.format(id=day.event_id)
    response = _browser(app, day.db, None).get(url)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


@pytest.mark.parametrize("page", [p for p in PRIVATE if not p.endswith("/agreements")])
def test_delegates_get_a_403_page(app: FastAPI, day: Day, page: str) -> None:
    lin = _browser(app, day.db, _user(day.db, "lin@tw-packaging.example"))
    response = lin.get(page.format(id=day.event_id))
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/html")


def test_forms_need_their_csrf_token_and_bad_ids_are_404(day: Day, desk: TestClient) -> None:
    refused = desk.post(f"/events/{day.event_id}/check-in", data={"code": day.code("lin")})
    assert refused.status_code == 403
    assert desk.get(f"/events/{day.event_id}/agreements/999999").status_code == 404
    assert desk.get(f"/events/{day.event_id}/meetings/999999/feedback?token=x").status_code == 403
    assert desk.get("/events/999999/check-in").status_code == 404


# ---- the hall's "now" view --------------------------------------------------------------


def test_the_now_view_shows_one_slot_with_who_is_here_for_staff_only(
    app: FastAPI, day: Day, desk: TestClient
) -> None:
    first = day.meet("lin", "hoa", slot=1)
    day.meet("chen", "bao", slot=2)
    day.arrive("lin")
    now = f"/events/{day.event_id}/sessions/{day.session_id}/now"
    page = desk.get(now, params={"slot": 1})
    assert page.status_code == 200
    text = _text(page.text)
    # Slot 1 only: Lin is here, Hoa is not; the slot-2 meeting is a tap away.
    assert "Lin Wei-Ting · đã đến" in text
    assert "Nguyễn Thị Hoa · chưa đến" in text
    assert "Chen Yu-Han" not in text
    assert "1 người đã đến" in text
    assert "1 người chưa đến" in text
    assert 'data-testid="next-slot"' in page.text
    assert f'data-testid="attendance-{first["id"]}"' in page.text
    # Held from the hall comes back to the same slot of the hall.
    done = desk.post(
        f"/events/{day.event_id}/meetings/{first['id']}/attendance",
        data={"outcome": "held", "back": f"{now}?slot=1", "csrf_token": _csrf(page.text)},
    )
    assert done.status_code == 303
    assert done.headers["location"].startswith(f"{now}?slot=1")
    # The desk staff see it; a delegate does not.
    staff = make_user(day.db, "le-tan.now@sokhcn.haiphong.gov.vn", Role.delegate, name="Lễ tân")
    add_person(day.db, day.event_id, "Vũ Thị Lễ Tân", user=staff, role="staff", languages=["vi"])
    day.db.commit()
    assert _browser(app, day.db, staff).get(now).status_code == 200
    lin = _browser(app, day.db, _user(day.db, "lin@tw-packaging.example"))
    assert lin.get(now).status_code == 403


def test_a_no_show_is_re_paired_in_the_same_slot_with_someone_free_and_here(
    day: Day, desk: TestClient
) -> None:
    missed = day.meet("lin", "hoa", slot=1)
    day.meet("bao", "minh", slot=1)  # here too, but busy in this slot
    day.arrive("lin", "chen", "bao", "minh")
    now = f"/events/{day.event_id}/sessions/{day.session_id}/now"
    page = desk.get(now, params={"slot": 1})
    marked = desk.post(
        f"/events/{day.event_id}/meetings/{missed['id']}/attendance",
        data={
            "outcome": "no_show",
            "absent": str(day.people["hoa"]),
            "back": f"{now}?slot=1",
            "csrf_token": _csrf(page.text),
        },
    )
    assert marked.status_code == 303
    page = desk.get(now, params={"slot": 1})
    # what was recorded shows: Hoa absent from this meeting, her box still ticked (session
    # 29's walk: saved, but the hall showed nobody missing and the boxes empty)
    hoa = day.people["hoa"]
    assert "Nguyễn Thị Hoa · vắng mặt ở cuộc gặp này" in _text(page.text)
    assert f'data-testid="absent-{hoa}"' in page.text
    assert re.search(rf'name="absent" value="{hoa}"\s+checked', page.text)
    offer = re.search(rf'data-testid="repair-{missed["id"]}">(.*?)</div>', page.text, flags=re.S)
    assert offer, _text(page.text)
    offered = _text(offer.group(1))
    # Chen is here and free; Hoa did not come; Lin is the one waiting.
    assert "Chen Yu-Han" in offered
    assert "Nguyễn Thị Hoa" not in offered
    assert "Lin Wei-Ting" not in offered
    assert "Trần Quốc Bảo" not in offered
    booked = desk.post(
        f"{now}/repair",
        data={
            "meeting_id": missed["id"],
            "participant_id": day.people["chen"],
            "slot": "1",
            "csrf_token": _csrf(page.text),
        },
    )
    assert booked.status_code == 303
    assert "flash=repaired" in booked.headers["location"]
    day.db.expire_all()
    new = day.db.exec(
        select(Meeting).where(Meeting.slot_id == day.slot(1), Meeting.id != missed["id"])
    ).all()
    pairs = [m for m in new if m.status == "confirmed"]
    assert len(pairs) >= 1
    old = day.db.get(Meeting, missed["id"])
    assert old is not None
    assert old.status == "no_show"  # the no-show stays on record
    # Chen cannot be booked twice in the slot: a second try is refused, not a 500.
    again = desk.post(
        f"{now}/repair",
        data={
            "meeting_id": missed["id"],
            "participant_id": day.people["chen"],
            "slot": "1",
            "csrf_token": _csrf(page.text),
        },
    )
    assert again.status_code == 303
    assert "flash=repair-refused" in again.headers["location"]
