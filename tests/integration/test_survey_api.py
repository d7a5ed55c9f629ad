"""The demand survey through its JSON API: the organisers open it, a participant reads whom
they may ask and answers, the wishes import from a spreadsheet with every problem naming its
row and column, the board suggests a topic from the best-matching offer, and the chosen pairs
become meetings whose topic shows on My meetings, the PDF agenda and the calendar."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from sqlmodel import select

from app.meetings import commands as meeting_commands
from app.meetings.models import Meeting
from app.survey.models import MeetingTopic
from tests.conftest import token_for
from tests.integration import test_meetings_pages as pages
from tests.integration.conftest import add_profile
from tests.integration.test_meetings_pages import Fair, _get

fair = pages.fair  # the same event, people and browsers as the meeting pages' tests

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

PROBLEM = "application/problem+json"
OFFER = ("Dây chuyền đóng gói tự động", "Automatic packaging line")


def _survey(fair: Fair) -> str:
    return f"{fair.base}/survey"


def _profiles(fair: Fair) -> None:
    for who, kind, title, description in (
        (
            "lin",
            "technology_offer",
            OFFER,
            "Dây chuyền đóng gói tự động cho thực phẩm, máy đóng gói chân không",
        ),
        (
            "hoa",
            "technology_request",
            ("Cần tự động hóa khâu đóng gói thực phẩm", "Automating food packaging"),
            "Tìm dây chuyền đóng gói tự động, máy đóng gói chân không",
        ),
    ):
        add_profile(
            fair.db,
            fair.event_id,
            fair.people[who],
            kind,
            title_vi=title[0],
            title_en=title[1],
            description_vi=description,
            keywords=["đóng gói", "tự động hóa"],
            status="published",
        )


def _fields(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.headers["content-type"].startswith(PROBLEM), response.text
    return [e["field"] for e in response.json()["errors"]]


def _pair(fair: Fair, a: str, b: str) -> str:
    return "-".join(str(i) for i in sorted((fair.people[a], fair.people[b])))


def test_answer_the_survey_and_turn_the_board_into_meetings_with_a_topic(
    fair: Fair, tmp_path: Path
) -> None:
    api, org = fair.api, fair.org
    _profiles(fair)
    lin = token_for(api, "lin@tw-packaging.example")
    hoa = token_for(api, "hoa@thucpham-hp.example")
    mine = f"{_survey(fair)}/participants/{fair.people['lin']}"

    # Closed: reading says so, answering is refused naming the event.
    assert api.get(_survey(fair)).json() == {"event_id": fair.event_id, "open": False}
    closed = api.put(
        mine + "/wishes", json={"wishes": [{"participant_id": fair.people["hoa"], "level": "must"}]}
    )
    assert closed.status_code == 401
    closed = api.put(
        mine + "/wishes",
        json={"wishes": [{"participant_id": fair.people["hoa"], "level": "must"}]},
        headers=lin,
    )
    assert closed.status_code == 409
    assert _fields(closed) == ["event_id"]
    assert api.put(_survey(fair), json={"open": True}, headers=lin).status_code == 403
    opened = api.put(_survey(fair), json={"open": True}, headers=org)
    assert opened.status_code == 200, opened.text
    assert opened.json()["open"] is True

    survey = api.get(mine, headers=lin)
    assert survey.status_code == 200, survey.text
    options = {o["participant_id"]: o for o in survey.json()["options"]}
    assert fair.people["hoa"] in options
    assert fair.people["mai"] not in options  # interpreters are not asked for
    assert options[fair.people["hoa"]]["score"] > 0  # her need answers Lin's offer
    # Another person's survey is theirs and the organisers'.
    assert (
        api.get(f"{_survey(fair)}/participants/{fair.people['hoa']}", headers=lin).status_code
        == 403
    )

    bad = api.put(
        mine + "/wishes",
        json={
            "wishes": [
                {"participant_id": fair.people["hoa"], "level": "must"},
                {"participant_id": fair.people["mai"], "level": "would"},
            ]
        },
        headers=lin,
    )
    assert bad.status_code == 422
    assert _fields(bad) == ["wishes[1].participant_id"]
    assert "không thể chọn người này" in bad.text
    wrong = api.put(
        mine + "/wishes",
        json={"wishes": [{"participant_id": fair.people["hoa"], "level": "maybe"}]},
        headers=lin,
    )
    assert wrong.status_code == 422
    assert any("level" in f for f in _fields(wrong)), wrong.text
    saved = api.put(
        mine + "/wishes",
        json={
            "wishes": [
                {"participant_id": fair.people["hoa"], "level": "must"},
                {"participant_id": fair.people["bao"], "level": "would"},
            ]
        },
        headers=lin,
    )
    assert saved.status_code == 200, saved.text
    assert saved.json() == {"participant_id": fair.people["lin"], "count": 2}
    answered = api.put(
        f"{_survey(fair)}/participants/{fair.people['hoa']}/wishes",
        json={"wishes": [{"participant_id": fair.people["lin"], "level": "must"}]},
        headers=hoa,
    )
    assert answered.status_code == 200, answered.text

    wishes = api.get(_survey(fair) + "/wishes", headers=org).json()
    assert wishes["total"] == 3
    assert api.get(_survey(fair) + "/wishes", headers=lin).status_code == 403

    board = api.get(_survey(fair) + "/board", headers=org)
    assert board.status_code == 200, board.text
    first, second = board.json()
    assert first["key"] == _pair(fair, "lin", "hoa")
    assert (first["mutual"], first["priority"]) == (True, 30)
    assert (first["topic_vi"], first["topic_en"]) == OFFER  # the offer that matched
    assert second["key"] == _pair(fair, "lin", "bao")

    unknown = api.post(
        _survey(fair) + "/board/proposals",
        json={"pairs": [{"pair": first["key"]}, {"pair": "1999999998-1999999999"}]},
        headers=org,
    )
    assert unknown.status_code == 422
    assert _fields(unknown) == ["pairs[1].pair"]
    long = api.post(
        _survey(fair) + "/board/proposals",
        json={"pairs": [{"pair": first["key"], "topic": "x" * 301}]},
        headers=org,
    )
    assert long.status_code == 422
    assert _fields(long) == ["pairs.0.topic"] or _fields(long) == ["pairs[0].topic"], long.text
    assert not fair.db.exec(select(Meeting)).all()

    proposed = api.post(
        _survey(fair) + "/board/proposals",
        json={
            "pairs": [
                {"pair": first["key"]},
                {"pair": second["key"], "topic": "Máy đóng gói chân không cho hải sản"},
            ]
        },
        headers=org,
    )
    assert proposed.status_code == 201, proposed.text
    made = {m["pair"]: m for m in proposed.json()["meetings"]}
    assert made[first["key"]]["status"] == "confirmed"
    assert made[first["key"]]["topic_vi"] == OFFER[0]
    assert made[second["key"]]["status"] == "proposed"
    assert made[second["key"]]["topic_vi"] == "Máy đóng gói chân không cho hải sản"
    again = api.post(
        _survey(fair) + "/board/proposals", json={"pairs": [{"pair": first["key"]}]}, headers=org
    )
    assert again.status_code == 200
    assert again.json() == {"meetings": [], "skipped": [first["key"]]}

    # The topic is on Hoa's agenda page, the PDF agenda and the meeting's calendar.
    meeting_id = made[first["key"]]["meeting_id"]
    meeting = fair.db.get(Meeting, meeting_id)
    assert meeting is not None
    meeting_commands.place_meeting(
        fair.db,
        actor=None,
        meeting=meeting,
        slot_id=fair.slots[0]["id"],
        table_id=fair.tables[0]["id"],
    )
    fair.db.commit()
    assert fair.db.get(MeetingTopic, meeting_id) is not None
    published = api.post(fair.base + "/publish", headers=org)
    assert published.status_code == 200, published.text
    page = _get(fair.browser("hoa"), f"/events/{fair.event_id}/meetings/mine")
    assert f"Chủ đề: {OFFER[0]}" in page.text
    english = fair.browser("lin").get(
        f"/events/{fair.event_id}/meetings/mine", headers={"Accept-Language": "en"}
    )
    assert f"Topic: {OFFER[1]}" in english.text
    calendar = api.get(f"{fair.base}/meetings/{meeting_id}/calendar.ics", headers=hoa)
    assert calendar.status_code == 200, calendar.text
    assert f"Chủ đề: {OFFER[0]}" in calendar.content.decode().replace("\r\n ", "")
    pdf = api.get(f"{fair.base}/participants/{fair.people['hoa']}/agenda.pdf", headers=hoa)
    assert pdf.status_code == 200, pdf.text
    path = tmp_path / "agenda.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert OFFER[0] in " ".join(text.split())


def test_wishes_import_through_the_api_names_each_row_and_column(fair: Fair) -> None:
    api, org = fair.api, fair.org
    header = "Người muốn gặp,Người được mời,Mức độ\r\n"
    good = header + "hoa@thucpham-hp.example,lin@tw-packaging.example,Bắt buộc gặp\r\n"
    bad = good + "khong-co@ai.example,lin@tw-packaging.example,Có lẽ\r\n"
    refused = api.post(
        _survey(fair) + "/wishes/import",
        files={"file": ("nguyen-vong.csv", bad.encode(), "text/csv")},
        headers=org,
    )
    assert refused.status_code == 422, refused.text
    fields = _fields(refused)
    # Each problem names its row and the column as the spreadsheet heads it.
    assert fields == ["rows[3].Người muốn gặp", "rows[3].Mức độ"], fields
    assert "Không" in refused.text or "không" in refused.text  # in Vietnamese by default
    preview = api.post(
        _survey(fair) + "/wishes/import?dry_run=true",
        files={"file": ("nguyen-vong.csv", good.encode(), "text/csv")},
        headers=org,
    )
    assert preview.status_code == 200, preview.text
    assert preview.json()["saved"] is None
    assert preview.json()["rows"][0]["level"] == "must"
    assert api.get(_survey(fair) + "/wishes", headers=org).json()["total"] == 0
    done = api.post(
        _survey(fair) + "/wishes/import",
        files={"file": ("nguyen-vong.csv", good.encode(), "text/csv")},
        headers=org,
    )
    assert done.status_code == 200, done.text
    assert done.json()["saved"] == 1
    wish = api.get(_survey(fair) + "/wishes", headers=org).json()["items"][0]
    assert (wish["from_participant_id"], wish["to_participant_id"]) == (
        fair.people["hoa"],
        fair.people["lin"],
    )


def test_the_survey_api_is_documented_in_openapi(fair: Fair) -> None:
    spec = fair.api.get("/api/v1/openapi.json")
    if spec.status_code == 404:
        spec = fair.api.get("/openapi.json")
    assert spec.status_code == 200
    paths = spec.json()["paths"]
    board = "/api/v1/events/{event_id}/survey/board/proposals"
    assert "post" in paths[board]
    assert "201" in paths[board]["post"]["responses"]
    assert "/api/v1/events/{event_id}/survey/participants/{participant_id}/wishes" in paths
