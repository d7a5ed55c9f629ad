"""Meetings with their people, read in a fixed number of queries (the read model shared by the
meetings API, the request list and the printed documents).

The rows are kept in the returned object: SQLAlchemy's identity map holds loaded rows only
weakly, so while the object lives, ``session.get(Participant, id)`` and friends (e.g.
``registration.public_fields``) answer from memory without a query per row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm.util import identity_key
from sqlmodel import Session, col, select

from app.events.models import MeetingTable, Slot
from app.meetings.models import Meeting, MeetingParticipant, MeetingRequest, MeetingRole
from app.registration.models import Delegation, Organisation, Participant
from app.types import pk

_ROLE_ORDER = {MeetingRole.party.value: 0, MeetingRole.interpreter.value: 1}


def in_meeting_order(rows: Iterable[MeetingParticipant]) -> list[MeetingParticipant]:
    """A meeting's people as every list shows them: parties, then interpreters, then
    colleagues, each by the time they were added."""
    return sorted(rows, key=lambda r: (_ROLE_ORDER.get(r.role, 2), r.added_at, r.participant_id))


def by_id(session: Session, model: Any, ids: Iterable[int | None]) -> dict[int, Any]:
    """Rows of ``model`` by id: those this unit of work has read already from memory (a
    query would not refresh them either), the rest in one query."""
    found: dict[int, Any] = {}
    missing: list[int] = []
    deleted = session.deleted  # (deleted in this unit of work, not yet flushed: a query omits them)
    for i in sorted({i for i in ids if i}):
        known = session.identity_map.get(identity_key(model, i))
        if isinstance(known, model) and known not in deleted:
            found[i] = known
        else:
            missing.append(i)
    if missing:
        rows = session.exec(select(model).where(col(model.id).in_(missing)))
        found.update({pk(row): row for row in rows})
    return found


def people_by_meeting(
    session: Session, meeting_ids: Sequence[int]
) -> dict[int, list[MeetingParticipant]]:
    """Each meeting's people, in meeting order (``in_meeting_order``)."""
    out: dict[int, list[MeetingParticipant]] = {i: [] for i in meeting_ids}
    if not meeting_ids:
        return out
    for row in session.exec(
        select(MeetingParticipant).where(col(MeetingParticipant.meeting_id).in_(list(out)))
    ).all():
        out[row.meeting_id].append(row)
    return {meeting_id: in_meeting_order(rows) for meeting_id, rows in out.items()}


def parties(session: Session, meeting_ids: Sequence[int]) -> dict[int, list[Participant]]:
    """The parties (not interpreters or colleagues) of each meeting, by participant id: one
    query."""
    out: dict[int, list[Participant]] = {}
    if not meeting_ids:
        return out
    rows = session.exec(
        select(MeetingParticipant, Participant)
        .join(Participant, col(Participant.id) == col(MeetingParticipant.participant_id))
        .where(
            col(MeetingParticipant.meeting_id).in_(list(meeting_ids)),
            MeetingParticipant.role == MeetingRole.party.value,
        )
        .order_by(col(MeetingParticipant.meeting_id), col(Participant.id))
    ).all()
    for seat, person in rows:
        out.setdefault(seat.meeting_id, []).append(person)
    return out


@dataclass
class People:
    """Participants with their organisations and delegations, loaded once."""

    participants: dict[int, Participant] = field(default_factory=dict)
    organisations: dict[int, Organisation] = field(default_factory=dict)
    delegations: dict[int, Delegation] = field(default_factory=dict)


def load_people(session: Session, ids: Iterable[int]) -> People:
    """The participants of ``ids`` with their organisations and delegations: one query."""
    wanted = sorted({i for i in ids if i})
    out = People()
    if not wanted:
        return out
    rows = session.exec(
        select(Participant, Organisation, Delegation)
        .outerjoin(Organisation, col(Organisation.id) == col(Participant.organisation_id))
        .outerjoin(Delegation, col(Delegation.id) == col(Participant.delegation_id))
        .where(col(Participant.id).in_(wanted))
    ).all()
    for person, organisation, delegation in rows:
        out.participants[pk(person)] = person
        if organisation is not None:
            out.organisations[pk(organisation)] = organisation
        if delegation is not None:
            out.delegations[pk(delegation)] = delegation
    return out


@dataclass
class MeetingsLoaded:
    people_of: dict[int, list[MeetingParticipant]]
    people: People
    slots: dict[int, Slot]
    tables: dict[int, MeetingTable]


def load_meetings(session: Session, meetings: Sequence[Meeting]) -> MeetingsLoaded:
    """The people, slots and tables of ``meetings``: four queries whatever their number."""
    people_of = people_by_meeting(session, [pk(m) for m in meetings])
    return MeetingsLoaded(
        people_of=people_of,
        people=load_people(session, (p.participant_id for ps in people_of.values() for p in ps)),
        slots=by_id(session, Slot, (m.slot_id for m in meetings)),
        tables=by_id(session, MeetingTable, (m.table_id for m in meetings)),
    )


@dataclass
class RequestsLoaded:
    people: People
    meeting_of: dict[int, int]  # request id -> meeting id


def load_requests(session: Session, requests: Sequence[MeetingRequest]) -> RequestsLoaded:
    """The people of ``requests`` and the meetings made from them: two queries."""
    ids = [pk(r) for r in requests]
    meeting_of: dict[int, int] = {}
    if ids:
        for meeting_id, request_id in session.exec(
            select(Meeting.id, Meeting.request_id).where(col(Meeting.request_id).in_(ids))
        ).all():
            if request_id is not None and meeting_id is not None:
                meeting_of[request_id] = meeting_id
    return RequestsLoaded(
        people=load_people(
            session, [i for r in requests for i in (r.requester_id, r.recipient_id)]
        ),
        meeting_of=meeting_of,
    )
