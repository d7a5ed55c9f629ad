"""Reading meetings: their people, one meeting or a list (with permission checks), a
person's agenda and the organiser's grid."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, case, func
from sqlmodel import Session, col, select

from app.auth.models import User
from app.db import hold
from app.errors import Forbidden, NotFound
from app.events import service as events
from app.events.models import (
    Event,
    EventSession,
    MeetingTable,
    SessionKind,
    Slot,
)
from app.meetings.models import (
    Meeting,
    MeetingParticipant,
    MeetingRequest,
    MeetingRole,
    MeetingStatus,
    RequestStatus,
)
from app.meetings.readmodel import by_id, in_meeting_order
from app.meetings.rules import ACTIVE_VALUES, own_participant
from app.pagination import page_total
from app.registration import service as registration
from app.registration.models import ApprovalStatus, Participant, ParticipantRole
from app.types import pk


def default_session_id(session: Session, event_id: int) -> int | None:
    """The event's matchmaking session when it has exactly one; else the scheduler decides."""
    ids = session.exec(
        select(EventSession.id).where(
            EventSession.event_id == event_id,
            EventSession.kind == SessionKind.matchmaking.value,
        )
    ).all()
    return ids[0] if len(ids) == 1 else None


def meeting_people(session: Session, meeting_id: int) -> list[MeetingParticipant]:
    """The meeting's people, in meeting order (parties first, then interpreters and
    colleagues: ``readmodel.in_meeting_order``)."""
    return in_meeting_order(
        session.exec(
            select(MeetingParticipant).where(MeetingParticipant.meeting_id == meeting_id)
        ).all()
    )


def participants_by_id(session: Session, ids: Sequence[int]) -> dict[int, Participant]:
    """The participants of ``ids`` (``readmodel.by_id``: those this unit of work has read
    already come from memory). The rows are held for the unit of work (``app.db.hold``): the
    identity map keeps a row only while something refers to it, and a booking asks for the
    same people twice (may they act, then where)."""
    found: dict[int, Participant] = by_id(session, Participant, ids)
    hold(session, *found.values())
    return found


def party_participants(session: Session, people: Sequence[MeetingParticipant]) -> list[Participant]:
    found = participants_by_id(session, [p.participant_id for p in people])
    return [found[p.participant_id] for p in people if p.participant_id in found]


@dataclass(frozen=True)
class InterpreterNeed:
    needed: bool
    languages: list[str]  # the parties' languages, when they share none
    provided: bool


def interpreter_need(
    people: Sequence[MeetingParticipant], participants: dict[int, Participant]
) -> InterpreterNeed:
    """The parties need an interpreter when every party listed languages and no language is
    common to all of them; an interpreter in the meeting provides it."""
    party_langs = [
        {code.lower() for code in participants[p.participant_id].languages or []}
        for p in people
        if p.role == MeetingRole.party.value and p.participant_id in participants
    ]
    provided = any(p.role == MeetingRole.interpreter.value for p in people)
    if len(party_langs) < 2 or not all(party_langs):
        return InterpreterNeed(False, [], provided)
    if set.intersection(*party_langs):
        return InterpreterNeed(False, [], provided)
    languages = sorted(set.union(*party_langs), key=lambda c: (c != "vi", c))
    return InterpreterNeed(True, languages, provided)


# built once: every change of a meeting reads it (a crowd booking at once)
_MEETING_WITH_PEOPLE = (
    select(Meeting, MeetingParticipant, Participant)
    .outerjoin(MeetingParticipant, col(MeetingParticipant.meeting_id) == col(Meeting.id))
    .outerjoin(Participant, col(Participant.id) == col(MeetingParticipant.participant_id))
    .where(col(Meeting.id) == bindparam("meeting_id"))
)


def load_meeting(
    session: Session, *, viewer: User | None, event_id: int, meeting_id: int
) -> tuple[Event, Meeting, list[MeetingParticipant]]:
    """The event, the meeting and its people (parties first), with the people's registrations
    (held for this unit of work: ``participants_by_id`` finds them), the last three in one
    statement: every change of a meeting starts here."""
    event = events.get_event(session, event_id, viewer=viewer)
    rows = session.exec(_MEETING_WITH_PEOPLE, params={"meeting_id": meeting_id}).all()
    meeting = rows[0][0] if rows else None
    if meeting is None or meeting.event_id != event_id:
        raise NotFound("Meeting", meeting_id)
    hold(session, *(person for _, _, person in rows if person is not None))
    return event, meeting, in_meeting_order(seat for _, seat, _ in rows if seat is not None)


def acts_for_any(
    session: Session,
    user: User | None,
    event: Event,
    people: Sequence[MeetingParticipant],
    *,
    parties_only: bool,
) -> bool:
    ids = [p.participant_id for p in people if not parties_only or p.role == "party"]
    persons = list(participants_by_id(session, ids).values())
    # One's own meeting first: no delegation or organiser lookup needed.
    return any(registration.is_self(person, user) for person in persons) or any(
        registration.can_act_for(session, user, event, person) for person in persons
    )


def get_meeting(session: Session, *, viewer: User, event_id: int, meeting_id: int) -> Meeting:
    """The people of the meeting, their delegation heads and the organisers may read it."""
    event, meeting, people = load_meeting(
        session, viewer=viewer, event_id=event_id, meeting_id=meeting_id
    )
    if not acts_for_any(session, viewer, event, people, parties_only=False):
        raise Forbidden("Only the people of this meeting and the organisers can see it")
    return meeting


def _meetings_of(participant_id: int) -> Any:
    return select(MeetingParticipant.meeting_id).where(
        MeetingParticipant.participant_id == participant_id
    )


def _time_order(query: Any) -> Any:
    # Booked meetings in time order, then the unscheduled ones.
    return query.outerjoin(Slot, col(Slot.id) == col(Meeting.slot_id)).order_by(
        col(Slot.starts_at).is_(None), col(Slot.starts_at), col(Meeting.id)
    )


def list_meetings(
    session: Session,
    *,
    viewer: User,
    event_id: int,
    session_id: int | None = None,
    status: MeetingStatus | None = None,
    participant_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Meeting], int]:
    """Organisers see every meeting; others see the meetings of the person they act for
    (``participant_id``, default their own registration)."""
    event = events.get_event(session, event_id, viewer=viewer)
    query = select(Meeting).where(Meeting.event_id == event_id)
    if participant_id is not None:
        person = registration.get_participant(
            session, event_id=event_id, participant_id=participant_id
        )
        registration.require_act_for(session, viewer, event, person)
        query = query.where(col(Meeting.id).in_(_meetings_of(participant_id)))
    elif not events.can_manage(session, viewer, event):
        own = own_participant(session, viewer, event)
        query = query.where(col(Meeting.id).in_(_meetings_of(pk(own))))
    if session_id is not None:
        query = query.where(Meeting.session_id == session_id)
    if status is not None:
        query = query.where(Meeting.status == status.value)
    # with each meeting's slot and table (kept for the unit of work: readmodel.by_id finds
    # them without another query)
    rows = session.execute(
        _time_order(query.add_columns(Slot, MeetingTable))
        .outerjoin(MeetingTable, col(MeetingTable.id) == col(Meeting.table_id))
        .limit(limit)
        .offset(offset)
    ).all()
    hold(session, *(row for _, slot, table in rows for row in (slot, table) if row is not None))
    meetings: list[Meeting] = [meeting for meeting, _, _ in rows]
    return meetings, page_total(session, query, meetings, limit, offset)


def participant_agenda(session: Session, *, event_id: int, participant_id: int) -> list[Meeting]:
    """A person's active meetings in time order (unscheduled last). No permission check."""
    query = select(Meeting).where(
        Meeting.event_id == event_id,
        col(Meeting.status).in_(ACTIVE_VALUES),
        col(Meeting.id).in_(_meetings_of(participant_id)),
    )
    return list(session.exec(_time_order(query)).all())


def session_grid(session: Session, *, session_id: int) -> dict[tuple[int, int], Meeting]:
    """(slot id, table id) → the meeting there, for the organiser's grid. No permission check."""
    rows = session.exec(
        select(Meeting).where(
            Meeting.session_id == session_id,
            col(Meeting.slot_id).is_not(None),
            col(Meeting.status).in_(ACTIVE_VALUES),
        )
    ).all()
    return {(int(m.slot_id or 0), int(m.table_id or 0)): m for m in rows}


def active_meeting_between(session: Session, a: int, b: int) -> Meeting | None:
    mine = select(MeetingParticipant.meeting_id).where(
        MeetingParticipant.participant_id == a, MeetingParticipant.role == MeetingRole.party.value
    )
    theirs = select(MeetingParticipant.meeting_id).where(
        MeetingParticipant.participant_id == b, MeetingParticipant.role == MeetingRole.party.value
    )
    return session.exec(
        select(Meeting).where(
            col(Meeting.id).in_(mine),
            col(Meeting.id).in_(theirs),
            col(Meeting.status).in_(ACTIVE_VALUES),
        )
    ).first()


def addable_people(
    session: Session, meeting_id: int
) -> tuple[list[Participant], list[Participant]]:
    """Who an organiser can add to a meeting: approved interpreters of the event, and
    colleagues (approved people of a party's organisation or delegation), none of them
    already in it. No permission check."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound("Meeting", meeting_id)
    people = meeting_people(session, meeting_id)
    inside = {p.participant_id for p in people}
    parties = participants_by_id(
        session, [p.participant_id for p in people if p.role == MeetingRole.party.value]
    )
    orgs = {p.organisation_id for p in parties.values() if p.organisation_id is not None}
    delegations = {p.delegation_id for p in parties.values() if p.delegation_id is not None}
    rows = session.exec(
        select(Participant)
        .where(
            Participant.event_id == meeting.event_id,
            Participant.status == ApprovalStatus.approved.value,
        )
        .order_by(col(Participant.full_name), col(Participant.id))
    ).all()
    interpreters = [
        p for p in rows if p.role == ParticipantRole.interpreter.value and pk(p) not in inside
    ]
    colleagues = [
        p
        for p in rows
        if pk(p) not in inside
        and p.role != ParticipantRole.interpreter.value
        and (p.organisation_id in orgs or p.delegation_id in delegations)
    ]
    return interpreters, colleagues


_REQUEST_STATE = {status.value: n for n, status in enumerate(RequestStatus, start=1)}


def _agenda_stamp_query() -> Any:
    # A participant is of one event, so their own rows say it all: the statement starts from
    # the person (two index look-ups) and never reads the event's other meetings or requests,
    # which a plan led by the event id does (1 ms at 1,200 meetings, more as the event grows).
    me: Any = bindparam("participant_id")
    meetings = (
        select(
            func.count(),
            func.coalesce(func.sum(col(Meeting.revision)), 0),
            func.max(col(Meeting.updated_at)),
        )
        .select_from(MeetingParticipant)
        .join(Meeting, col(Meeting.id) == col(MeetingParticipant.meeting_id))
        .where(col(MeetingParticipant.participant_id) == me)
    )
    state = case(
        *((col(MeetingRequest.status) == value, n) for value, n in _REQUEST_STATE.items()),
        else_=0,
    )
    asked = select(
        func.count(),
        func.coalesce(func.sum(col(MeetingRequest.id) * 8 + state), 0),
        func.max(col(MeetingRequest.responded_at)),
    ).where((col(MeetingRequest.requester_id) == me) | (col(MeetingRequest.recipient_id) == me))
    return meetings.union_all(asked)


_AGENDA_STAMP = _agenda_stamp_query()  # built once: it is read on every "My meetings"


def agenda_stamp(session: Session, *, event: Event, participant_id: int) -> tuple[Any, ...]:
    """A stamp of everything of one person that their "My meetings" shows, in one statement:
    their meetings (how many, the sum of revisions — every change of a meeting bumps its
    revision — and the latest change) and the requests they sent or received (how many and
    their states); then the event's own row (already loaded): its last change and whether
    the schedule is published. Equal stamps: nothing of theirs changed
    (app.pagecache.private_page / private_json)."""
    rows = session.execute(_AGENDA_STAMP, {"participant_id": participant_id}).all()
    mine = tuple(value for row in rows for value in row)
    return (*mine, event.updated_at, event.schedule_published_at)
