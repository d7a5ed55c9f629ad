"""Permission table for the meetings routes (see tests/integration/matrix/common.py).

``build`` sets each event to self-service booking and adds, through the meetings service:
``{request_id}``, a pending request from ``participant_id`` to the delegate's own
registration (so the delegate is the one who may accept or decline it, not cancel it), and
``{meeting_id}``, a confirmed, unbooked meeting between the delegate and a third person
with ``participant_id`` as interpreter (whom the delegate does not act for).

Bodies are the same for the open and the draft event, so bodies that must name a person of
the event name nobody (999999): those rows show who gets past the permission checks to the
validation of the body (422), the successful calls are in test_meetings_api.py.
"""

from __future__ import annotations

from sqlmodel import Session

from app.auth.models import User
from app.events.models import BookingMode
from app.meetings import commands as meeting_commands
from app.meetings import requests as meeting_requests
from app.meetings import rules as meeting_rules
from app.meetings.schemas import MeetingCreate, MeetingRequestCreate, MeetingSettingsUpdate
from app.types import pk
from tests.integration.conftest import add_person
from tests.integration.matrix.common import Call, E, act_for, read, write

R = E + "/meeting-requests"
M = E + "/meetings"
NOBODY = 999999


def _but(expected: dict[tuple[str, str], int], **changes: int) -> dict[tuple[str, str], int]:
    """``expected`` with some (role, "open"/"draft") cells changed: role__state=status."""
    out = dict(expected)
    for key, status in changes.items():
        role, state = key.split("__")
        out[(role, state)] = status
    return out


MATRIX: dict[tuple[str, str], Call] = {
    ("GET", E + "/meeting-settings"): Call(read(200)),
    ("PUT", E + "/meeting-settings"): Call(
        write(200), {"request_deadline": "2027-03-15T17:00:00+07:00"}
    ),
    ("GET", R): Call(act_for(200)),
    # The delegate and organisers reach the body's validation; another event's organiser,
    # not registered for this one, may not ask for meetings in it.
    ("POST", R): Call(
        _but(act_for(422), delegate__open=422),
        {"recipient_id": NOBODY, "message": "Chúng tôi muốn trao đổi về dây chuyền đóng gói."},
    ),
    ("POST", R + "/{request_id}/accept"): Call(act_for(201)),
    ("POST", R + "/{request_id}/decline"): Call(
        act_for(200), {"reason": "Lịch của chúng tôi đã kín trong buổi chiều."}
    ),
    # Only the requester's side withdraws a request; the delegate received this one.
    ("POST", R + "/{request_id}/cancel"): Call(_but(act_for(200), delegate__open=403)),
    ("GET", M): Call(act_for(200)),
    ("POST", M): Call(write(422), {"participant_ids": [NOBODY - 1, NOBODY]}),
    ("GET", M + "/{meeting_id}"): Call(act_for(200)),
    ("PATCH", M + "/{meeting_id}"): Call(write(200), {"locked": True}),
    ("POST", M + "/{meeting_id}/book"): Call(act_for(200), {}),
    ("GET", M + "/{meeting_id}/free-slots"): Call(act_for(200)),
    ("POST", M + "/{meeting_id}/participants"): Call(
        act_for(422), {"participant_id": NOBODY, "role": "colleague"}
    ),
    # The interpreter is not the delegate's to remove: the organisers or the person may.
    ("DELETE", M + "/{meeting_id}/participants/{participant_id}"): Call(
        _but(act_for(200), delegate__open=403)
    ),
    ("POST", M + "/{meeting_id}/cancel"): Call(
        act_for(200), {"reason": "Đoàn thay đổi lịch trình, xin lỗi anh chị."}
    ),
    ("POST", M + "/{meeting_id}/confirm"): Call(act_for(200), {}),
}


def build(db: Session, users: dict[str, User], target: object) -> dict[str, int]:
    event_id: int = target.event_id  # type: ignore[attr-defined]
    ids: dict[str, int] = target.ids  # type: ignore[attr-defined]
    organiser = users["own_organiser"]
    meeting_rules.update_settings(
        db,
        actor=organiser,
        event_id=event_id,
        data=MeetingSettingsUpdate(booking_mode=BookingMode.self_service),
    )
    third = add_person(
        db,
        event_id,
        "Trần Quốc Bảo",
        email=f"bao.{event_id}@cokhi-haiphong.example",
        languages=["vi"],
        actor=organiser,
        commit=False,
    )
    request = meeting_requests.create_request(
        db,
        actor=organiser,
        event_id=event_id,
        data=MeetingRequestCreate(
            requester_id=ids["participant_id"],
            recipient_id=ids["own_participant_id"],
            message="Xin gặp để giới thiệu công nghệ bảo quản lạnh.",
        ),
    )
    meeting = meeting_commands.create_meeting(
        db,
        actor=organiser,
        event_id=event_id,
        data=MeetingCreate(
            participant_ids=[ids["own_participant_id"], third],
            interpreter_ids=[ids["participant_id"]],
        ),
    )
    return {"request_id": pk(request), "meeting_id": pk(meeting)}
