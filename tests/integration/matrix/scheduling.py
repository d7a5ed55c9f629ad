"""Permission table for the scheduler routes (see tests/integration/matrix/common.py).

``build`` adds, per event, a confirmed meeting between two new approved people (not placed)
and runs the scheduler once as a dry run, so that the session has a last run to read. Nothing
is booked (a booked meeting would keep the session from being deleted in the core rows), so
publishing reaches the "nothing to publish" refusal (409) for those allowed to publish; the
successful publication is in test_scheduling_service.py."""

from __future__ import annotations

from sqlmodel import Session

from app.auth.models import User
from app.meetings import commands as meeting_commands
from app.meetings.schemas import MeetingCreate
from app.scheduling import service
from app.types import pk
from tests.integration.conftest import add_person
from tests.integration.matrix.common import Call, E, S, write

MATRIX: dict[tuple[str, str], Call] = {
    ("POST", S + "/schedule"): Call(write(200), {"dry_run": True, "time_limit_s": 2}),
    ("GET", S + "/schedule"): Call(write(200)),
    ("POST", E + "/publish"): Call(write(409)),
}


def build(db: Session, users: dict[str, User], target: object) -> dict[str, int]:
    event_id: int = target.event_id  # type: ignore[attr-defined]
    session_id: int = target.session_id  # type: ignore[attr-defined]
    organiser = users["own_organiser"]
    people = [
        add_person(
            db,
            event_id,
            name,
            email=f"{key}.{event_id}@lich-gap.example",
            actor=organiser,
            commit=False,
        )
        for key, name in (("minh", "Phạm Văn Minh"), ("sato", "Sato Kenji"))
    ]
    meeting = meeting_commands.create_meeting(
        db,
        actor=organiser,
        event_id=event_id,
        data=MeetingCreate(participant_ids=people, session_id=session_id),
    )
    service.schedule_session(
        db, actor=organiser, event_id=event_id, session_id=session_id, apply=False, time_limit_s=2
    )
    return {"scheduled_meeting_id": pk(meeting)}
