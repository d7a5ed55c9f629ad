"""E-mails about meetings: booked, moved, proposed, cancelled, left unscheduled, and the
published schedule."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from app.auth.models import User
from app.events import service as events
from app.events.models import (
    Event,
    MeetingTable,
    Slot,
)
from app.meetings.models import (
    Meeting,
    MeetingParticipant,
    MeetingRole,
)
from app.meetings.queries import meeting_people, participants_by_id
from app.meetings.rules import people_names
from app.notifications.models import Outbox
from app.notifications.service import enqueue
from app.types import pk


def slot_context(
    session: Session, event: Event, slot_id: int | None, table_id: int | None
) -> tuple[datetime | None, int | None]:
    slot = session.get(Slot, slot_id) if slot_id else None
    table = session.get(MeetingTable, table_id) if table_id else None
    zone = events.event_zone(event)
    return (slot.starts_at.astimezone(zone) if slot else None), (table.number if table else None)


def notify_people(
    session: Session,
    *,
    kind: str,
    event: Event,
    meeting: Meeting,
    actor: User | None,
    context: dict[str, Any],
    only: Sequence[int] | None = None,
    people: Sequence[MeetingParticipant] | None = None,
) -> None:
    """E-mail the meeting's people (not the one who made the change), naming the others.
    ``people``: the meeting's people when the caller holds them as they are now."""
    if people is None:
        people = meeting_people(session, pk(meeting))
    everyone = participants_by_id(session, [p.participant_id for p in people])
    for person in everyone.values():
        if only is not None and person.id not in only:
            continue
        if actor is not None and person.user_id == actor.id:
            continue
        others = [
            everyone[p.participant_id]
            for p in people
            if p.participant_id != person.id
            and p.role == MeetingRole.party.value
            and p.participant_id in everyone
        ]
        enqueue(
            session,
            kind=kind,
            to_participant=person,
            event=event,
            meeting_id=meeting.id,
            context={"counterpart": people_names(others), **context},
        )


def notify_placement(
    session: Session,
    *,
    event: Event,
    meeting: Meeting,
    actor: User | None,
    before: dict[str, Any],
    people: Sequence[MeetingParticipant] | None = None,
) -> None:
    if (before["slot_id"], before["table_id"]) == (meeting.slot_id, meeting.table_id):
        return
    starts_at, number = slot_context(session, event, meeting.slot_id, meeting.table_id)
    if before["slot_id"] is None:
        notify_people(
            session,
            kind="meeting_booked",
            event=event,
            meeting=meeting,
            actor=actor,
            context={"starts_at": starts_at, "table_number": number},
            people=people,
        )
        return
    old_starts_at, old_number = slot_context(session, event, before["slot_id"], before["table_id"])
    notify_people(
        session,
        kind="meeting_moved",
        event=event,
        meeting=meeting,
        actor=actor,
        context={
            "starts_at": starts_at,
            "table_number": number,
            "old_starts_at": old_starts_at,
            "old_table_number": old_number,
        },
        people=people,
    )


def notify_unscheduled(session: Session, *, event: Event, meeting: Meeting, reason: str) -> int:
    """Tell the parties of a confirmed meeting that the scheduler could not give it a time,
    and why (``reason``: the scheduler's code). Once: a person already told since the
    meeting last changed is not told again by the next run. Returns how many e-mails were
    queued."""
    people = meeting_people(session, pk(meeting))
    parties = [p.participant_id for p in people if p.role == MeetingRole.party.value]
    everyone = participants_by_id(session, parties)
    told = set(
        session.exec(
            select(Outbox.participant_id).where(
                Outbox.kind == "meeting_unscheduled",
                Outbox.meeting_id == pk(meeting),
                col(Outbox.created_at) >= meeting.updated_at,
            )
        ).all()
    )
    queued = 0
    for pid in parties:
        person = everyone.get(pid)
        if person is None or pid in told:
            continue
        others = [everyone[o] for o in parties if o != pid and o in everyone]
        if enqueue(
            session,
            kind="meeting_unscheduled",
            to_participant=person,
            event=event,
            meeting_id=meeting.id,
            context={"counterpart": people_names(others), "reason": reason},
        ):
            queued += 1
    return queued


def announce_schedule(session: Session, *, event: Event, meetings: Sequence[Meeting]) -> int:
    """E-mail each person their booked meetings (time, table, counterpart) when the schedule
    is first published. Returns how many e-mails were queued."""
    by_person: dict[int, list[Meeting]] = {}
    people_of: dict[int, list[MeetingParticipant]] = {}
    for meeting in meetings:
        people = meeting_people(session, pk(meeting))
        people_of[pk(meeting)] = people
        for mp in people:
            by_person.setdefault(mp.participant_id, []).append(meeting)
    everyone = participants_by_id(session, list(by_person))
    slots = {
        pk(s): s
        for s in session.exec(
            select(Slot).where(col(Slot.id).in_([m.slot_id for m in meetings if m.slot_id]))
        ).all()
    }
    tables = {
        pk(t): t
        for t in session.exec(
            select(MeetingTable).where(
                col(MeetingTable.id).in_([m.table_id for m in meetings if m.table_id])
            )
        ).all()
    }
    zone = events.event_zone(event)
    sent = 0
    for participant_id, own in sorted(by_person.items()):
        person = everyone.get(participant_id)
        if person is None:
            continue
        items = []
        for meeting in sorted(own, key=lambda m: slots[m.slot_id or 0].starts_at):
            others = [
                everyone[p.participant_id]
                for p in people_of[pk(meeting)]
                if p.participant_id != participant_id
                and p.role == MeetingRole.party.value
                and p.participant_id in everyone
            ]
            items.append(
                {
                    "starts_at": slots[meeting.slot_id or 0].starts_at.astimezone(zone),
                    "table_number": tables[meeting.table_id or 0].number,
                    "counterpart": people_names(others),
                }
            )
        if enqueue(
            session,
            kind="schedule_published",
            to_participant=person,
            event=event,
            context={"meetings": items},
        ):
            sent += 1
    return sent
