"""Permission table for the demand survey's API (see tests/integration/matrix/common.py):
reading whether it is open is public like the event; a participant's survey and answers are
for the person and the organisers; the wishes, their import, the board and its proposals are
for the event's organisers. Proposing a pair that is not on the board passes the permission
checks and is refused as a bad value (422); the successful calls are in test_survey_api.py."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from app.auth.models import User
from app.survey import service
from tests.integration.conftest import add_person
from tests.integration.matrix.common import Call, E, act_for, read, write

SURVEY = E + "/survey"
_FILE = (
    "Người muốn gặp,Người được mời,Mức độ\r\n"
    "tuan@tw-delegation.example,chen@tw-robotics.example,Bắt buộc gặp\r\n"
).encode()


def build(db: Session, users: dict[str, User], target: Any) -> dict[str, int]:
    """The survey open, and a third person at the tables whom the file names."""
    service.set_open(db, actor=users["own_organiser"], event_id=target.event_id, open_=True)
    add_person(
        db,
        target.event_id,
        "Chen Yu-Han",
        email="chen@tw-robotics.example",
        actor=users["own_organiser"],
        commit=False,
    )
    return {}


# ``{participant_id}`` is a member of a delegation the delegate does not head: their survey
# is refused to the delegate (403), who answers their own in test_survey_api.py.
SOMEONE_ELSE = {**act_for(200), ("delegate", "open"): 403}

MATRIX: dict[tuple[str, str], Call] = {
    ("GET", SURVEY): Call(read(200)),
    ("PUT", SURVEY): Call(write(200), {"open": True}),
    ("GET", SURVEY + "/participants/{participant_id}"): Call(SOMEONE_ELSE),
    ("PUT", SURVEY + "/participants/{participant_id}/wishes"): Call(
        SOMEONE_ELSE, {"wishes": [{"participant_id": 2_000_000_000, "level": None}]}
    ),
    ("GET", SURVEY + "/wishes"): Call(write(200)),
    ("POST", SURVEY + "/wishes/import"): Call(
        write(200), files={"file": ("nguyen-vong.csv", _FILE, "text/csv")}
    ),
    ("GET", SURVEY + "/board"): Call(write(200)),
    ("POST", SURVEY + "/board/proposals"): Call(
        write(422), {"pairs": [{"pair": "1999999998-1999999999"}]}
    ),
}
