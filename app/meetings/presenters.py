"""Meetings and requests as the API shows them (times in the event's zone, who may see the
schedule): shared by the API and every package that returns meetings."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from app.auth.models import User
from app.events import service as events
from app.events.models import Event, Slot
from app.events.presenters import in_zone
from app.meetings import queries, readmodel, requests, rules
from app.meetings.models import Meeting, MeetingRequest, MeetingRole, MeetingStatus, RequestStatus
from app.meetings.schemas import (
    MeetingPersonPublic,
    MeetingPublic,
    MeetingRequestPublic,
    PersonPublic,
    SlotBrief,
    TableBrief,
)
from app.registration import service as registration
from app.registration.models import Participant
from app.types import pk, utcnow


def person_public(db: Session, participant: Participant) -> PersonPublic:
    return PersonPublic.model_validate(registration.public_fields(db, participant))


_UNSET: Any = object()


def request_public(
    db: Session,
    event: Event,
    row: MeetingRequest,
    *,
    now: datetime | None = None,
    deadline: datetime | None = _UNSET,
    loaded: readmodel.RequestsLoaded | None = None,
) -> MeetingRequestPublic:
    """``deadline`` and ``loaded`` (from readmodel.load_requests) are given by lists, so that
    a page of requests reads no row twice; one request loads its own the same way."""
    zone = events.event_zone(event)
    if deadline is _UNSET:
        deadline = rules.get_settings(db, pk(event)).answer_by
    if loaded is None:
        loaded = readmodel.load_requests(db, [row])
    requester = loaded.people.participants[row.requester_id]  # foreign keys: always there
    recipient = loaded.people.participants[row.recipient_id]
    status = requests.effective_status(row, deadline, now or utcnow())
    meeting_id = loaded.meeting_of.get(pk(row))
    return MeetingRequestPublic(
        id=pk(row),
        event_id=row.event_id,
        requester=person_public(db, requester),
        recipient=person_public(db, recipient),
        message=row.message,
        profile_ids=row.profile_ids,
        status=status,
        decline_reason=row.decline_reason,
        responded_at=in_zone(row.responded_at, zone),
        expires_at=in_zone(deadline, zone) if status == RequestStatus.pending else None,
        meeting_id=meeting_id,
        created_at=row.created_at.astimezone(zone),
    )


def slot_brief(slot: Slot, zone: ZoneInfo) -> SlotBrief:
    return SlotBrief(
        id=pk(slot),
        session_id=slot.session_id,
        number=slot.number,
        starts_at=slot.starts_at.astimezone(zone),
        ends_at=slot.ends_at.astimezone(zone),
    )


def schedule_hidden(db: Session, event: Event, viewer: User | None) -> bool:
    """In organiser booking mode the schedule is a draft until published: only the event's
    organisers see times and tables before that (events.schedule_visible)."""
    return not events.schedule_visible(db, viewer, event)


def meeting_public(
    db: Session,
    event: Event,
    meeting: Meeting,
    viewer: User | None = None,
    *,
    hidden: bool | None = None,
    loaded: readmodel.MeetingsLoaded | None = None,
) -> MeetingPublic:
    """``viewer``: who reads it (None: a trusted caller that sees everything). Lists pass
    ``hidden`` (decided once) and ``loaded`` (readmodel.load_meetings) to read in bulk; one
    meeting loads its own through the same read model."""
    zone = events.event_zone(event)
    if hidden is None:
        hidden = viewer is not None and schedule_hidden(db, event, viewer)
    if loaded is None:
        loaded = readmodel.load_meetings(db, [meeting])
    people = loaded.people_of[pk(meeting)]
    participants = {
        p.participant_id: loaded.people.participants[p.participant_id]
        for p in people
        if p.participant_id in loaded.people.participants
    }
    need = queries.interpreter_need(people, participants)
    slot = loaded.slots.get(meeting.slot_id) if meeting.slot_id and not hidden else None
    table = loaded.tables.get(meeting.table_id) if meeting.table_id and not hidden else None
    return MeetingPublic(
        id=pk(meeting),
        event_id=meeting.event_id,
        session_id=meeting.session_id,
        status=MeetingStatus(meeting.status),
        origin=meeting.origin,
        slot=slot_brief(slot, zone) if slot else None,
        table=TableBrief(id=pk(table), number=table.number, label=table.label) if table else None,
        locked=meeting.locked,
        revision=meeting.revision,
        priority=meeting.priority,
        request_id=meeting.request_id,
        participants=[
            MeetingPersonPublic.model_validate(
                {
                    **registration.public_fields(db, participants[p.participant_id]),
                    "role": MeetingRole(p.role),
                    "confirmed": p.confirmed_at is not None,
                    "attendance": p.attendance,
                }
            )
            for p in people
            if p.participant_id in participants
        ],
        interpreter_needed=need.needed,
        interpreter_languages=need.languages,
        has_interpreter=need.provided,
        cancelled_reason=meeting.cancelled_reason,
        created_at=meeting.created_at.astimezone(zone),
        updated_at=meeting.updated_at.astimezone(zone),
    )
