"""Permission table for the event day and outcomes routes (see common.py).

``build`` adds, through the services, for each event: two organisations (the delegate's own
registration now represents the first), a third person of the second one, and
``{checkin_meeting_id}``, a confirmed meeting between the delegate and that person, left
without a slot so that the other areas' expectations (nothing booked yet: publishing is a
409) hold; ``participant_id`` checked in; ``{agreement_id}``, an MoU that came of that
meeting between the two organisations, naming the delegate, with ``{document_id}``, a PDF.

Check-in, arrivals and attendance are the staff's: the organisers of the event (a staff
registration with an account too, tested in test_outcomes_api.py). Outsiders meet the draft
event as 404, as everywhere. Bodies are the same for both events, so those that would name
a person or an organisation name nobody: the rows show who gets past the permission checks
to the validation (404 / 422); the successful calls are in test_outcomes_api.py.
"""

from __future__ import annotations

from sqlmodel import Session

from app.auth.models import User
from app.checkin import service as checkin_service
from app.checkin.models import CheckinMethod
from app.events import service as events
from app.meetings import commands as meeting_commands
from app.meetings.schemas import MeetingCreate
from app.outcomes import agreements as agreement_service
from app.outcomes.models import (
    AgreementKind,
    AgreementStatus,
)
from app.outcomes.schemas import AgreementCreate, PartyIn
from app.registration import service as registration
from app.registration.schemas import ParticipantUpdate
from app.types import pk
from tests.integration.conftest import add_organisation, add_person
from tests.integration.matrix.common import Call, E, S, act_for, write

OUT = E + "/outcomes"
A = OUT + "/agreements/{agreement_id}"
NOBODY = 999999
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _but(expected: dict[tuple[str, str], int], **changes: int) -> dict[tuple[str, str], int]:
    out = dict(expected)
    for key, status in changes.items():
        role, state = key.split("__")
        out[(role, state)] = status
    return out


def staff(ok: int) -> dict[tuple[str, str], int]:
    """The event's staff: a delegate is refused on the open event and sees no draft."""
    return _but(write(ok), delegate__draft=404)


# Rows of these areas are needed too ({meeting_id} comes from the meetings area).
USES = ("meetings",)

MATRIX: dict[tuple[str, str], Call] = {
    ("POST", E + "/check-in"): Call(staff(404), {"code": "zzzz-9999", "method": "qr"}),
    ("GET", E + "/check-in/search"): Call(staff(200)),
    ("DELETE", E + "/participants/{participant_id}/check-in"): Call(staff(204)),
    ("GET", E + "/arrivals"): Call(staff(200)),
    # The meetings area's {meeting_id} has no slot yet: staff get as far as the 409.
    ("POST", E + "/meetings/{meeting_id}/attendance"): Call(staff(409), {"outcome": "held"}),
    ("POST", E + "/participants/{participant_id}/late-arrival"): Call(write(200)),
    ("GET", OUT + "/feedback"): Call(act_for(200)),
    # The delegate and the organisers reach the body's validation: the delegate gives their
    # own feedback (no meeting named), organisers must say for whom.
    ("POST", OUT + "/feedback"): Call(act_for(422), {"held": True, "rating": 5}),
    ("POST", S + "/feedback-requests"): Call(write(200)),
    ("GET", OUT + "/agreements"): Call(act_for(200)),
    ("POST", OUT + "/agreements"): Call(
        write(422),
        {
            "kind": "mou",
            "title_vi": "Biên bản ghi nhớ hợp tác",
            "parties": [{"organisation_id": NOBODY}, {"organisation_id": NOBODY - 1}],
        },
    ),
    ("GET", A): Call(act_for(200)),
    ("PATCH", A): Call(write(200), {"follow_up_status": "Hai bên đã trao đổi bản thảo."}),
    ("DELETE", A): Call(write(204)),
    ("POST", A + "/documents"): Call(
        write(201), files={"file": ("bien-ban-ghi-nho.pdf", PDF, "application/pdf")}
    ),
    ("GET", A + "/documents/{document_id}"): Call(act_for(200)),
    ("GET", E + "/stats"): Call(write(200)),
}


def build(db: Session, users: dict[str, User], target: object) -> dict[str, int]:
    event_id: int = target.event_id  # type: ignore[attr-defined]
    session_id: int = target.session_id  # type: ignore[attr-defined]
    ids: dict[str, int] = target.ids  # type: ignore[attr-defined]
    organiser = users["own_organiser"]
    tw = add_organisation(db, f"Taiwan Smart Packaging {event_id}", country="TW", commit=False)
    vn = add_organisation(db, f"Công ty Cơ khí Hải Phòng {event_id}", country="VN", commit=False)
    own = ids["own_participant_id"]
    registration.update_participant(
        db,
        actor=organiser,
        event_id=event_id,
        participant_id=own,
        data=ParticipantUpdate(organisation_id=tw),
    )
    khoa = add_person(
        db,
        event_id,
        "Đặng Văn Khoa",
        email=f"khoa.{event_id}@cokhi-haiphong.example",
        organisation_id=vn,
        actor=organiser,
        commit=False,
    )
    slot = events.list_slots(db, session_id=session_id)[0]
    meeting = meeting_commands.create_meeting(
        db,
        actor=organiser,
        event_id=event_id,
        data=MeetingCreate(participant_ids=[own, khoa]),
    )
    checkin_service.check_in(
        db,
        actor=organiser,
        event_id=event_id,
        participant_id=ids["participant_id"],
        method=CheckinMethod.search,
    )
    agreement = agreement_service.create_agreement(
        db,
        actor=organiser,
        event_id=event_id,
        data=AgreementCreate(
            kind=AgreementKind.mou,
            title_vi="Biên bản ghi nhớ về dây chuyền đóng gói tự động",
            meeting_id=pk(meeting),
            status=AgreementStatus.signed,
            signed_on=slot.starts_at.date(),
            parties=[
                PartyIn(organisation_id=tw, participant_id=own),
                PartyIn(organisation_id=vn, participant_id=khoa),
            ],
        ),
    )
    document = agreement_service.add_document(
        db,
        actor=organiser,
        event_id=event_id,
        agreement_id=pk(agreement),
        filename="ban-ky.pdf",
        data=PDF,
    )
    return {
        "checkin_meeting_id": pk(meeting),
        "agreement_id": pk(agreement),
        "document_id": pk(document),
    }


# Who reads agreements and signed documents, beyond the roles above (tested in
# test_agreement_visibility.py, on the open event): people who *claim* a party organisation
# without the organisers having approved it, and people who do belong to it. Party
# organisation = the organisation of the delegate's registration ("Taiwan Smart Packaging").
#   claims_by_self_registration: a new account registers itself naming the organisation
#     (pending); claims_by_editing: an approved person of another organisation tries to
#     change their registration's organisation (refused, 403); claims_as_head: a delegation
#     head adds a member naming it (pending); other_organiser: an organiser of another event;
#   colleague: an approved person of the party organisation, not named on the agreement;
#   claims_by_self_registration_approved: the first claimant once the organisers approved.
# Status per (claimant, route); a 200 on a list means the agreement is listed.
AGREEMENT_ROUTES = {
    "api_list": "/api/v1/events/{event_id}/outcomes/agreements",
    "api_read": A,
    "api_document": A + "/documents/{document_id}",
    "page_list": "/events/{event_id}/agreements",
    "page_read": "/events/{event_id}/agreements/{agreement_id}",
    "page_document": "/events/{event_id}/agreements/{agreement_id}/documents/{document_id}",
}
_HIDDEN = {"api_read": 403, "api_document": 403, "page_read": 403, "page_document": 403}
_SHOWN: dict[str, int | str] = dict.fromkeys(AGREEMENT_ROUTES, 200)
CLAIMANTS: dict[str, dict[str, int | str]] = {
    # "empty": 200 without the agreement (an approved person who is not a party).
    "claims_by_self_registration": {"api_list": 403, "page_list": 403, **_HIDDEN},
    "claims_by_editing": {"api_list": "empty", "page_list": "empty", **_HIDDEN},
    "claims_as_head": {"api_list": 403, "page_list": 403, **_HIDDEN},
    "other_organiser": {"api_list": 403, "page_list": 403, **_HIDDEN},
    "colleague": _SHOWN,
    "delegate": _SHOWN,
    "claims_by_self_registration_approved": _SHOWN,
}
