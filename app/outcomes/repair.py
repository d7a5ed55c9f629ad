"""Re-pairing after a no-show: when one side of a booked meeting did not come, the person who
did come is offered other checked-in people who are free in that same slot, the best match
first (the suggestion score of app.matchmaking), and the organisers book one with a click.

The no-show stays on record (the report counts it); only the present person's seat in that
slot is released, so that the new meeting can take them. The new meeting goes through
``meeting_commands.create_meeting``: the database's rules against double booking hold as for any
other booking."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlmodel import Session, col, delete, select

from app.audit.service import record
from app.auth.models import User
from app.checkin.service import checked_in_map
from app.errors import Conflict, FieldError, Invalid, NotFound, _l
from app.events import service as events
from app.events.models import Slot
from app.matchmaking import service as matchmaking
from app.meetings import commands as meeting_commands
from app.meetings.models import (
    Attendance,
    Meeting,
    MeetingParticipant,
    MeetingRole,
    MeetingSeat,
    MeetingStatus,
)
from app.meetings.schemas import MeetingCreate
from app.registration.models import (
    ApprovalStatus,
    Participant,
    ParticipantRole,
    Unavailability,
)
from app.types import pk, utcnow

CANDIDATES = 8


@dataclass(frozen=True)
class Candidate:
    participant: Participant
    score: float


def present_party(
    session: Session, meeting: Meeting, arrived: Collection[int] | None = None
) -> Participant | None:
    """The party of a no-show who came (checked in and not recorded absent), if exactly one
    side is left waiting at the table."""
    if meeting.status != MeetingStatus.no_show.value or meeting.slot_id is None:
        return None
    rows = session.exec(
        select(MeetingParticipant).where(
            MeetingParticipant.meeting_id == pk(meeting),
            MeetingParticipant.role == MeetingRole.party.value,
        )
    ).all()
    if arrived is None:
        arrived = set(checked_in_map(session, event_id=meeting.event_id))
    here = [
        r.participant_id
        for r in rows
        if r.attendance != Attendance.absent.value and r.participant_id in arrived
    ]
    if len(here) != 1:
        return None
    return session.get(Participant, here[0])


def candidates(
    session: Session,
    meeting: Meeting,
    limit: int = CANDIDATES,
    arrived: Collection[int] | None = None,
) -> list[Candidate]:
    """Checked-in, approved delegates free in the no-show's slot (no seat there, not blocked,
    no meeting already with the person waiting), best suggestion score first; none once the
    slot is over."""
    if arrived is None:
        arrived = set(checked_in_map(session, event_id=meeting.event_id))
    waiting = present_party(session, meeting, arrived)
    if waiting is None or meeting.slot_id is None:
        return []
    slot = session.get(Slot, meeting.slot_id)
    if slot is None or slot.ends_at <= utcnow():
        return []  # the slot is over: nobody can meet in it any more
    event_id = meeting.event_id
    seated = set(
        session.exec(
            select(MeetingSeat.participant_id).where(MeetingSeat.slot_id == meeting.slot_id)
        ).all()
    )
    blocked = set(
        session.exec(
            select(Unavailability.participant_id).where(Unavailability.slot_id == meeting.slot_id)
        ).all()
    )
    met = _already_meeting(session, pk(waiting))
    people = session.exec(
        select(Participant).where(
            Participant.event_id == event_id,
            Participant.status == ApprovalStatus.approved.value,
            Participant.role == ParticipantRole.delegate.value,
            col(Participant.id).in_(set(arrived) - seated - blocked - met - {pk(waiting)}),
        )
    ).all()
    scores = matchmaking.match_scores(session, event_id=event_id, participant=waiting)
    ranked = sorted(people, key=lambda p: (-scores.get(pk(p), 0.0), p.full_name, pk(p)))
    return [Candidate(p, scores.get(pk(p), 0.0)) for p in ranked[:limit]]


def _already_meeting(session: Session, participant_id: int) -> set[int]:
    """Everyone with whom this person has an active meeting (a pair meets once)."""
    mine = select(MeetingParticipant.meeting_id).where(
        MeetingParticipant.participant_id == participant_id,
        MeetingParticipant.role == MeetingRole.party.value,
    )
    rows = session.exec(
        select(MeetingParticipant.participant_id)
        .join(Meeting, col(Meeting.id) == col(MeetingParticipant.meeting_id))
        .where(
            col(MeetingParticipant.meeting_id).in_(mine),
            MeetingParticipant.role == MeetingRole.party.value,
            Meeting.status != MeetingStatus.cancelled.value,
        )
    ).all()
    return set(rows)


def repair(
    session: Session, *, actor: User, event_id: int, meeting_id: int, partner_id: int
) -> Meeting:
    """Book the waiting party of no-show ``meeting_id`` with ``partner_id`` in the same slot
    (another free table of it). Organisers only, like every meeting they create."""
    events.managed_event(session, actor, event_id)
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.event_id != event_id:
        raise NotFound("Meeting", meeting_id)
    arrived = set(checked_in_map(session, event_id=event_id))
    waiting = present_party(session, meeting, arrived)
    if waiting is None:
        raise Conflict(
            "only a no-show with one party waiting at the table can be re-paired",
            [FieldError("meeting_id", "not a no-show with someone waiting")],
        )
    free = candidates(session, meeting, limit=10_000, arrived=arrived)
    if partner_id not in {pk(c.participant) for c in free}:
        raise Invalid("participant_id", _l("this person is not free and checked in for this slot"))
    # The no-show keeps its record; the waiting person's seat in the slot is released.
    session.exec(  # type: ignore[call-overload]
        delete(MeetingSeat).where(
            col(MeetingSeat.meeting_id) == meeting_id,
            col(MeetingSeat.participant_id) == pk(waiting),
        )
    )
    created = meeting_commands.create_meeting(
        session,
        actor=actor,
        event_id=event_id,
        data=MeetingCreate(
            participant_ids=[pk(waiting), partner_id],
            session_id=meeting.session_id,
            slot_id=meeting.slot_id,
        ),
    )
    record(
        session,
        actor_id=actor.id,
        action="meeting.repair",
        entity="meeting",
        entity_id=pk(created),
        event_id=event_id,
        changes={"after_no_show": [None, meeting_id], "participant_id": [None, partner_id]},
    )
    return created
