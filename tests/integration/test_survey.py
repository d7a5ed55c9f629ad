"""The demand survey through its pages: the organisers open it, participants say whom they must
or would like to meet, the board puts mutual "must meet" first, and the chosen pairs become
meetings with the priority the wishes give (confirmed when both asked)."""

from __future__ import annotations

import re

import pytest
from sqlmodel import col, select

from app.meetings.models import Meeting, MeetingParticipant
from app.survey.service import wish_priority
from tests.integration import test_meetings_pages as pages
from tests.integration.test_meetings_pages import Fair, _csrf, _get, _post

fair = pages.fair  # the same event, people and browsers as the meeting pages' tests

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


def _board(fair: Fair) -> str:
    return f"/events/{fair.event_id}/wishes/board"


def _wishes(fair: Fair) -> str:
    return f"/events/{fair.event_id}/wishes"


def _open(fair: Fair) -> None:
    organiser = fair.browser("organiser")
    done = _post(organiser, _board(fair), _board(fair), {"action": "open"})
    assert done.status_code == 303, done.text


def _meeting_of(fair: Fair, a: str, b: str) -> Meeting | None:
    fair.db.expire_all()
    for meeting in fair.db.exec(select(Meeting).where(Meeting.event_id == fair.event_id)).all():
        people = set(
            fair.db.exec(
                select(MeetingParticipant.participant_id).where(
                    MeetingParticipant.meeting_id == meeting.id
                )
            ).all()
        )
        if people == {fair.people[a], fair.people[b]}:
            return meeting
    return None


def test_priorities_of_wishes() -> None:
    assert wish_priority("must", "must") == 30
    assert wish_priority("would", "must") == 20
    assert wish_priority(None, "must") == 15
    assert wish_priority("would", "would") == 10
    assert wish_priority("would", None) == 5
    assert wish_priority(None, None) == 0


def test_wishes_become_meetings_with_their_priority(fair: Fair) -> None:
    lin, hoa = fair.browser("lin"), fair.browser("hoa")
    # Closed: the page says so and a submission changes nothing.
    closed = _get(lin, _wishes(fair))
    assert 'data-testid="survey-closed"' in closed.text
    _open(fair)
    page = _get(lin, _wishes(fair))
    assert "Bạn muốn gặp ai?" in page.text
    assert f'data-testid="wish-{fair.people["mai"]}"' not in page.text  # interpreters do not
    saved = _post(
        lin,
        _wishes(fair),
        _wishes(fair),
        {f"wish_{fair.people['hoa']}": "must", f"wish_{fair.people['bao']}": "would"},
    )
    assert saved.status_code == 303, saved.text
    assert _post(hoa, _wishes(fair), _wishes(fair), {f"wish_{fair.people['lin']}": "must"})
    # A wish that is not one of the three choices is refused next to the person.
    bad = _post(hoa, _wishes(fair), _wishes(fair), {f"wish_{fair.people['bao']}": "maybe"})
    assert bad.status_code == 422
    assert "hãy chọn bắt buộc gặp, muốn gặp hoặc không" in bad.text

    board = _get(fair.browser("organiser"), _board(fair))
    order = re.findall(r'data-testid="pair-(\d+-\d+)"', board.text)
    lin_hoa = "-".join(str(i) for i in sorted((fair.people["lin"], fair.people["hoa"])))
    lin_bao = "-".join(str(i) for i in sorted((fair.people["lin"], fair.people["bao"])))
    assert order == [lin_hoa, lin_bao]  # mutual "must meet" first
    proposed = _post(
        fair.browser("organiser"),
        _board(fair),
        _board(fair),
        {"action": "propose", "pairs": [lin_hoa, lin_bao]},
    )
    assert proposed.status_code == 303, proposed.text
    assert "created=2" in proposed.headers["location"]
    both = _meeting_of(fair, "lin", "hoa")
    assert both is not None
    assert (both.status, both.priority) == ("confirmed", 30)
    one = _meeting_of(fair, "lin", "bao")
    assert one is not None
    assert (one.status, one.priority) == ("proposed", 5)  # Bảo confirms first
    again = _get(fair.browser("organiser"), _board(fair))
    assert again.text.count("Đã có cuộc gặp") == 2


def test_only_organisers_see_the_board_and_only_the_approved_answer(fair: Fair) -> None:
    assert fair.browser("lin").get(_board(fair)).status_code == 403
    assert fair.browser("stranger").get(_wishes(fair)).status_code == 403
    assert fair.browser(None).get(_wishes(fair)).status_code in (302, 303, 401)
    # A closed survey refuses answers with a message, not a 500.
    lin = fair.browser("lin")
    page = _get(lin, _wishes(fair))
    refused = lin.post(
        _wishes(fair),
        data={f"wish_{fair.people['hoa']}": "must", "csrf_token": _csrf(page.text)},
    )
    assert refused.status_code == 409, refused.text[-600:]
    assert "ban tổ chức chưa mở khảo sát" in refused.text
    assert not fair.db.exec(select(col(Meeting.id))).all()


def test_wishes_import_previews_row_errors_then_applies(fair: Fair) -> None:
    organiser = fair.browser("organiser")
    board = _get(organiser, _board(fair))
    rows = [
        "Người muốn gặp,Người được mời,Mức độ",
        "lin@tw-packaging.example,hoa@thucpham-hp.example,Bắt buộc gặp",
        "khong-co@ai.example,hoa@thucpham-hp.example,Muốn gặp",
        "hoa@thucpham-hp.example,bao@cokhi-hp.example,có lẽ",
    ]
    checked = organiser.post(
        f"/events/{fair.event_id}/wishes/import",
        data={"csrf_token": _csrf(board.text)},
        files={"file": ("mong-muon.csv", "\n".join(rows).encode(), "text/csv")},
    )
    assert checked.status_code == 422
    text = checked.text
    # Each problem names its row and column, in Vietnamese; nothing saved yet.
    assert "Dòng 3, cột Người muốn gặp: không có người tham dự đã duyệt nào" in text
    assert "Dòng 4, cột Mức độ: hãy ghi" in text
    assert "Nhập các mong muốn này" not in text
    fixed = organiser.post(
        f"/events/{fair.event_id}/wishes/import",
        data={"csrf_token": _csrf(board.text)},
        files={"file": ("mong-muon.csv", "\n".join(rows[:2]).encode(), "text/csv")},
    )
    assert fixed.status_code == 200
    assert 'data-testid="import-ok"' in fixed.text
    rows_field = re.findall(r'name="row" value="([^"]+)"', fixed.text)
    applied = organiser.post(
        f"/events/{fair.event_id}/wishes/import/apply",
        data={"csrf_token": _csrf(fixed.text), "row": rows_field},
    )
    assert applied.status_code == 303
    after = _get(organiser, _board(fair))
    assert "Đã nhập 1 mong muốn" in _get(organiser, applied.headers["location"]).text
    assert after.text.count('data-testid="pair-') == 1


def test_the_board_names_a_topic_and_a_too_long_one_is_refused_next_to_it(fair: Fair) -> None:
    _open(fair)
    lin, hoa = fair.browser("lin"), fair.browser("hoa")
    assert _post(lin, _wishes(fair), _wishes(fair), {f"wish_{fair.people['hoa']}": "must"})
    assert _post(hoa, _wishes(fair), _wishes(fair), {f"wish_{fair.people['lin']}": "must"})
    organiser = fair.browser("organiser")
    key = "-".join(str(i) for i in sorted((fair.people["lin"], fair.people["hoa"])))
    board = _get(organiser, _board(fair))
    assert f'name="topic_{key}"' in board.text
    too_long = _post(
        organiser,
        _board(fair),
        _board(fair),
        {"action": "propose", "pairs": [key], f"topic_{key}": "x" * 301},
    )
    assert too_long.status_code == 422
    assert f'id="topic_{key}-error"' in too_long.text
    assert "tối đa 300 ký tự" in too_long.text
    assert _meeting_of(fair, "lin", "hoa") is None
    done = _post(
        organiser,
        _board(fair),
        _board(fair),
        {"action": "propose", "pairs": [key], f"topic_{key}": "Bao bì giấy cho bánh đa cua"},
    )
    assert done.status_code == 303, done.text
    meeting = _meeting_of(fair, "lin", "hoa")
    assert meeting is not None
    page = _get(hoa, f"/events/{fair.event_id}/meetings/mine")
    assert "Chủ đề: Bao bì giấy cho bánh đa cua" in page.text
