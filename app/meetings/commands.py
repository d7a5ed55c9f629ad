"""Changing meetings: create, book, place (one or a whole schedule), move, lock, confirm,
cancel, add or remove people, and record attendance on the day."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import delete, insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from app.auth.models import User
from app.errors import Conflict, FieldError, Forbidden, Invalid, NotFound, _l
from app.events import service as events
from app.events.models import (
    BookingMode,
    Event,
    SessionKind,
    Slot,
)
from app.i18n.words import status_error, status_word
from app.meetings import bulk
from app.meetings.booking import (
    adjust_quota,
    check_slot_for,
    clash,
    common_free_slots,
    insert_meeting,
    lock_people,
    no_free_table,
    place,
    slot_of_event,
    slot_with_free_tables,
)
from app.meetings.changes import (
    MeetingChange,
    begin,
    changing,
    record_created,
    require_current,
)
from app.meetings.models import (
    Meeting,
    MeetingOrigin,
    MeetingParticipant,
    MeetingRole,
    MeetingSeat,
    MeetingStatus,
    party_key,
)
from app.meetings.notices import notify_people, slot_context
from app.meetings.queries import (
    active_meeting_between,
    acts_for_any,
    default_session_id,
    load_meeting,
    meeting_people,
    participants_by_id,
    party_participants,
)
from app.meetings.rules import (
    OPEN_VALUES,
    approved_participant,
    check_event_running,
    require_open,
    require_reason,
)
from app.meetings.schemas import (
    MeetingCreate,
    MeetingUpdate,
)
from app.registration import service as registration
from app.registration.models import Participant
from app.types import pk, utcnow


def _require_changeable(
    session: Session,
    actor: User,
    event: Event,
    meeting: Meeting,
    people: Sequence[MeetingParticipant],
    *,
    what: str,
) -> bool:
    """Organisers may change any meeting; a party (or whoever acts for one) an unlocked one.
    Returns whether the actor is an organiser of the event."""
    if events.can_manage(session, actor, event):
        return True
    if not acts_for_any(session, actor, event, people, parties_only=True):
        raise Forbidden(
            _l("Only the people meeting and the organisers can {what} this meeting", what=what)
        )
    if meeting.locked:
        raise Forbidden("This meeting is locked by the organisers; ask them to change it")
    return False


def place_meeting(
    session: Session,
    *,
    actor: User | None,
    meeting: Meeting,
    slot_id: int | None,
    table_id: int | None,
    revision: int | None = None,
    action: str = "meeting.place",
    people: Sequence[MeetingParticipant] | None = None,
) -> Meeting:
    """Move or unschedule one meeting (no permission check: for the scheduler, which has
    checked that the actor manages the event). Bumps the revision, audits, notifies.
    ``people``: the meeting's people when the caller has just read them."""
    event = session.get(Event, meeting.event_id)
    assert event is not None
    require_open(meeting)
    if people is None:
        people = meeting_people(session, pk(meeting))
    slot: Slot | None = None
    tables: list[int] | None = None  # free tables, when the lowest numbered one is wanted
    if slot_id is not None and table_id is None:
        slot, tables = slot_with_free_tables(
            session, meeting.event_id, slot_id, exclude_meeting=pk(meeting)
        )
    elif slot_id is not None:
        slot = slot_of_event(session, meeting.event_id, slot_id)
    if slot is None and table_id is not None:
        raise Invalid("table_id", "a table needs a slot")
    if slot is not None and slot.id == meeting.slot_id and table_id in (None, meeting.table_id):
        return meeting
    if slot is None and meeting.slot_id is None:
        return meeting
    # A full slot is refused before the meeting is touched: nothing written, nothing undone
    # (a crowd booking into full slots made an UPDATE and a rollback each).
    if slot is not None and tables == []:
        raise no_free_table(event, slot)
    with changing(
        session,
        meeting,
        actor=actor,
        action=action,
        revision=revision,
        people=people,
        same_people=True,
    ) as change:
        place(
            session,
            event=event,
            meeting=meeting,
            participants=party_participants(session, people),
            slot=slot,
            table_id=table_id,
            tables=tables,
        )
        change.notify_placement(event)
    return meeting


def apply_placements(
    session: Session,
    *,
    actor: User | None,
    event: Event,
    moves: Sequence[tuple[Meeting, Slot | None, int | None]],
    notify: bool,
    action: str = "meeting.schedule",
) -> int:
    """Move many meetings at once (a scheduler's result): first every moving meeting leaves
    its slot, then each takes its new (slot, table), so that swaps and chains of moves never
    collide with a meeting that is about to leave. One revision bump, one audit entry and at
    most one e-mail per meeting; the database's seat, table and cap rules hold throughout,
    and any refusal aborts the whole request (nothing half applied). No permission check:
    the caller manages the event. Returns how many meetings changed."""
    if bulk.can_bulk(moves):  # the same rules in a few statements per step
        return bulk.apply_placements(
            session, actor=actor, event=event, moves=moves, notify=notify, action=action
        )
    # Each change begins (snapshot, revision) before any meeting moves and is finished
    # (audit, e-mail) after all have: one change per meeting, spread over the steps.
    prepared: list[tuple[MeetingChange, list[Participant], Slot | None, int | None]] = []
    for meeting, slot, table_id in moves:
        if (meeting.slot_id, meeting.table_id) == (
            slot.id if slot else None,
            table_id if slot else None,
        ):
            continue
        require_open(meeting)
        change = begin(session, meeting, actor=actor, action=action, revision=None)
        prepared.append((change, party_participants(session, change.people), slot, table_id))
    # Everyone up front, in one id order, so a concurrent booking cannot interleave.
    lock_people(session, (pk(p) for _, people_, _, _ in prepared for p in people_))
    for change, participants, _, _ in prepared:
        place(
            session,
            event=event,
            meeting=change.meeting,
            participants=participants,
            slot=None,
            table_id=None,
        )
    for change, participants, slot, table_id in prepared:
        if slot is not None:
            place(
                session,
                event=event,
                meeting=change.meeting,
                participants=participants,
                slot=slot,
                table_id=table_id,
            )
    for change, _, _, _ in prepared:
        if notify:
            change.notify_placement(event)
        change.finish()
    session.flush()
    return len(prepared)


def book_meeting(
    session: Session,
    *,
    actor: User,
    event_id: int,
    meeting_id: int,
    slot_id: int | None = None,
    revision: int | None = None,
) -> Meeting:
    """A party books (or moves) their meeting in self-service mode; organisers may always.
    Without ``slot_id`` the earliest common free slot is taken. The table is the lowest
    numbered free one."""
    event, meeting, people = load_meeting(
        session, viewer=actor, event_id=event_id, meeting_id=meeting_id
    )
    organiser = _require_changeable(session, actor, event, meeting, people, what="book")
    check_event_running(event)
    require_open(meeting)
    if not organiser:
        if event.booking_mode != BookingMode.self_service.value:
            raise Conflict(
                "the organisers schedule the meetings of this event",
                [FieldError("booking_mode", "meetings are scheduled by the organisers")],
            )
        if meeting.status != MeetingStatus.confirmed.value:
            raise Conflict(
                "everyone must confirm the meeting before it is booked",
                [status_error(meeting.status)],
            )
    if slot_id is None:
        free = common_free_slots(session, meeting_id)
        if not free:
            raise Conflict(
                "no slot is free for everyone in this meeting",
                [FieldError("slot_id", "no common free slot")],
            )
        slot_id = pk(free[0])
    return place_meeting(
        session,
        actor=actor,
        meeting=meeting,
        slot_id=slot_id,
        table_id=None,
        revision=revision,
        action="meeting.book",
        people=people,
    )


def create_meeting(session: Session, *, actor: User, event_id: int, data: MeetingCreate) -> Meeting:
    """Organisers create a meeting directly (from the demand survey, by hand)."""
    event = events.managed_event(session, actor, event_id)
    check_event_running(event)
    roles: dict[int, MeetingRole] = {}
    for field, ids, role in (
        ("participant_ids", data.participant_ids, MeetingRole.party),
        ("interpreter_ids", data.interpreter_ids, MeetingRole.interpreter),
        ("colleague_ids", data.colleague_ids, MeetingRole.colleague),
    ):
        for pid in ids:
            if pid in roles:
                raise Invalid(field, _l("participant {pid} is named twice", pid=pid))
            approved_participant(session, event_id, pid, field)
            roles[pid] = role
    parties = [pid for pid, role in roles.items() if role == MeetingRole.party]
    if len(parties) == 2:
        existing = active_meeting_between(session, parties[0], parties[1])
        if existing is not None:
            raise Conflict(
                "these two people already have a meeting",
                [
                    FieldError(
                        "participant_ids",
                        _l("they already have a meeting together"),
                    )
                ],
            )
    slot = slot_of_event(session, event_id, data.slot_id) if data.slot_id is not None else None
    if slot is None and data.table_id is not None:
        raise Invalid("table_id", "a table needs a slot")
    session_id = data.session_id
    if session_id is not None:
        row = events.get_session(session, event_id=event_id, session_id=session_id)
        if row.kind != SessionKind.matchmaking.value:
            raise Invalid("session_id", "meetings take place in a matchmaking session")
        if slot is not None and slot.session_id != session_id:
            raise Invalid("slot_id", "the slot is not in the session given")
    else:
        session_id = slot.session_id if slot else default_session_id(session, event_id)
    now = utcnow()
    meeting = Meeting(
        event_id=event_id,
        session_id=session_id,
        status=(
            MeetingStatus.proposed if data.needs_confirmation else MeetingStatus.confirmed
        ).value,
        origin=MeetingOrigin.organiser.value,
        priority=data.priority,
        locked=data.locked,
        party_key=party_key(parties),
        created_by_id=actor.id,
    )
    insert_meeting(session, meeting, field="participant_ids")
    session.add_all(
        MeetingParticipant(
            meeting_id=pk(meeting),
            participant_id=pid,
            role=role.value,
            confirmed_at=None if data.needs_confirmation and role == MeetingRole.party else now,
        )
        for pid, role in roles.items()
    )
    session.flush()
    record_created(session, actor, meeting, list(roles))
    if slot is not None:
        people = meeting_people(session, pk(meeting))
        place(
            session,
            event=event,
            meeting=meeting,
            participants=party_participants(session, people),
            slot=slot,
            table_id=data.table_id,
        )
    starts_at, number = slot_context(session, event, meeting.slot_id, meeting.table_id)
    notify_people(
        session,
        kind="meeting_proposed",
        event=event,
        meeting=meeting,
        actor=actor,
        context={
            "starts_at": starts_at,
            "table_number": number,
            "needs_confirmation": data.needs_confirmation,
        },
    )
    session.flush()
    return meeting


def _cancel(
    session: Session,
    *,
    actor: User,
    event: Event,
    meeting: Meeting,
    people: Sequence[MeetingParticipant],
    reason: str,
) -> None:
    """Unschedule (seats and quota go back) and mark cancelled; the meeting is touched."""
    old_slot, old_table = meeting.slot_id, meeting.table_id
    place(
        session,
        event=event,
        meeting=meeting,
        participants=party_participants(session, people),
        slot=None,
        table_id=None,
    )
    meeting.status, meeting.cancelled_reason = MeetingStatus.cancelled.value, reason
    session.add(meeting)
    session.flush()
    starts_at, _number = slot_context(session, event, old_slot, old_table)
    notify_people(
        session,
        kind="meeting_cancelled",
        event=event,
        meeting=meeting,
        actor=actor,
        context={"starts_at": starts_at, "reason": reason},
    )


def cancel_meeting(
    session: Session,
    *,
    actor: User,
    event_id: int,
    meeting_id: int,
    reason: str,
    revision: int | None = None,
) -> Meeting:
    """A party (unless the meeting is locked) or an organiser cancels; slot, table and the
    people's time are given back at once."""
    event, meeting, people = load_meeting(
        session, viewer=actor, event_id=event_id, meeting_id=meeting_id
    )
    _require_changeable(session, actor, event, meeting, people, what="cancel")
    require_open(meeting)
    reason = require_reason(reason, "say why; the other people of the meeting will read it")
    with changing(
        session, meeting, actor=actor, action="meeting.cancel", revision=revision, people=people
    ):
        _cancel(session, actor=actor, event=event, meeting=meeting, people=people, reason=reason)
    return meeting


def confirm_meeting(
    session: Session,
    *,
    actor: User,
    event_id: int,
    meeting_id: int,
    revision: int | None = None,
) -> Meeting:
    """Confirm a proposed meeting for every party the actor acts for (organisers: all of
    them). Once all parties have confirmed, the meeting is confirmed. Confirming a meeting
    that is already confirmed changes nothing."""
    event, meeting, people = load_meeting(
        session, viewer=actor, event_id=event_id, meeting_id=meeting_id
    )
    organiser = events.can_manage(session, actor, event)
    parties = [p for p in people if p.role == MeetingRole.party.value]
    found = participants_by_id(session, [p.participant_id for p in parties])
    mine = [
        p
        for p in parties
        if organiser or registration.can_act_for(session, actor, event, found[p.participant_id])
    ]
    if not mine:
        raise Forbidden("Only the people meeting and the organisers can confirm this meeting")
    if meeting.status == MeetingStatus.confirmed.value:
        return meeting
    require_open(meeting)
    pending = [p for p in mine if p.confirmed_at is None]
    if not pending:
        return meeting
    with changing(
        session, meeting, actor=actor, action="meeting.confirm", revision=revision, people=people
    ):
        now = utcnow()
        for row in pending:
            row.confirmed_at = now
            session.add(row)
        if all(p.confirmed_at is not None for p in parties):
            meeting.status = MeetingStatus.confirmed.value
            session.add(meeting)
        session.flush()
    return meeting


def update_meeting(
    session: Session, *, actor: User, event_id: int, meeting_id: int, data: MeetingUpdate
) -> Meeting:
    """Organisers move, lock, reprioritise, confirm or cancel a meeting."""
    event, meeting, people = load_meeting(
        session, viewer=actor, event_id=event_id, meeting_id=meeting_id
    )
    events.require_manage(session, actor, event)
    fields = data.model_fields_set
    if data.status is not None and data.status not in (
        MeetingStatus.cancelled,
        MeetingStatus.confirmed,
    ):
        raise Invalid("status", "set cancelled or confirmed here; attendance is recorded later")
    if data.status == MeetingStatus.cancelled and meeting.status != MeetingStatus.cancelled.value:
        if not data.reason:
            raise Invalid("reason", "say why; the people of the meeting will read it")
        require_open(meeting)
        with changing(
            session,
            meeting,
            actor=actor,
            action="meeting.update",
            revision=data.revision,
            people=people,
        ):
            if "locked" in fields and data.locked is not None:
                meeting.locked = data.locked
            _cancel(
                session,
                actor=actor,
                event=event,
                meeting=meeting,
                people=people,
                reason=data.reason,
            )
        return meeting
    placing = False
    slot: Slot | None = None
    table_id: int | None = None
    if fields & {"slot_id", "table_id"}:
        require_open(meeting)
        slot_id = data.slot_id if "slot_id" in fields else meeting.slot_id
        slot = slot_of_event(session, event_id, slot_id) if slot_id is not None else None
        # None: the lowest numbered free table; a slot resent unchanged keeps its table.
        table_id = data.table_id if "table_id" in fields else None
        if slot is None:
            if table_id is not None:
                raise Invalid("table_id", "a table needs a slot")
            placing = meeting.slot_id is not None
        else:
            placing = not (slot.id == meeting.slot_id and table_id in (None, meeting.table_id))
    confirming = (
        data.status == MeetingStatus.confirmed and meeting.status == MeetingStatus.proposed.value
    )
    if data.status == MeetingStatus.confirmed and meeting.status not in OPEN_VALUES:
        raise Conflict(
            _l(
                "a {meeting_status} meeting cannot be confirmed",
                meeting_status=status_word(meeting.status),
            ),
            [status_error(meeting.status)],
        )
    new_locked = data.locked if "locked" in fields and data.locked is not None else meeting.locked
    new_priority = (
        data.priority if "priority" in fields and data.priority is not None else meeting.priority
    )
    if not (
        placing or confirming or new_locked != meeting.locked or new_priority != meeting.priority
    ):
        require_current(session, meeting, data.revision)
        return meeting
    with changing(
        session,
        meeting,
        actor=actor,
        action="meeting.update",
        revision=data.revision,
        people=people,
    ) as change:
        meeting.locked, meeting.priority = new_locked, new_priority
        if confirming:
            now = utcnow()
            for row in people:
                if row.confirmed_at is None:
                    row.confirmed_at = now
                    session.add(row)
            meeting.status = MeetingStatus.confirmed.value
        session.add(meeting)
        session.flush()
        if placing:
            place(
                session,
                event=event,
                meeting=meeting,
                participants=party_participants(session, people),
                slot=slot,
                table_id=table_id,
            )
        change.notify_placement(event)
    return meeting


def add_participant(
    session: Session,
    *,
    actor: User,
    event_id: int,
    meeting_id: int,
    participant_id: int,
    role: MeetingRole,
    revision: int | None = None,
) -> Meeting:
    """Add an interpreter or a colleague. Organisers add anyone approved; a party adds
    people they act for (a delegation head their delegation's interpreter). In a booked
    meeting the newcomer takes a seat in its slot, under the same database rules."""
    if role == MeetingRole.party:
        raise Invalid("role", "add an interpreter or a colleague")
    event, meeting, people = load_meeting(
        session, viewer=actor, event_id=event_id, meeting_id=meeting_id
    )
    organiser = _require_changeable(session, actor, event, meeting, people, what="change")
    person = approved_participant(session, event_id, participant_id, "participant_id")
    if not organiser and not registration.can_act_for(session, actor, event, person):
        raise Forbidden("You can add only people you act for; ask the organisers for others")
    require_open(meeting)
    if any(p.participant_id == participant_id for p in people):
        raise Conflict(
            _l("{person_full_name} is already in this meeting", person_full_name=person.full_name),
            [FieldError("participant_id", "already in this meeting")],
        )
    slot = session.get(Slot, meeting.slot_id) if meeting.slot_id else None
    with changing(
        session,
        meeting,
        actor=actor,
        action="meeting.add_participant",
        revision=revision,
        people=people,
    ) as change:
        if slot is not None:
            # After the revision bump and under the person's lock: see lock_people.
            lock_people(session, [participant_id])
            check_slot_for(session, event, meeting, slot, [person])
        session.add(
            MeetingParticipant(
                meeting_id=pk(meeting),
                participant_id=participant_id,
                role=role.value,
                confirmed_at=utcnow(),
            )
        )
        session.flush()
        if slot is not None:
            _seat_newcomer(session, event, meeting, slot, person)
            change.then(lambda: _tell_newcomer(session, event, meeting, actor, participant_id))
    return meeting


def _seat_newcomer(
    session: Session, event: Event, meeting: Meeting, slot: Slot, person: Participant
) -> None:
    """A seat in the meeting's slot and one more meeting on the person's count."""
    stage = "slot_id"
    try:
        with session.begin_nested():
            session.execute(
                insert(MeetingSeat).values(
                    meeting_id=pk(meeting), participant_id=pk(person), slot_id=pk(slot)
                )
            )
            stage = "meeting_cap"
            adjust_quota(session, event, [person], +1)
    except IntegrityError as exc:
        raise clash(session, stage, event, meeting, slot, None, [person]) from exc


def _tell_newcomer(
    session: Session, event: Event, meeting: Meeting, actor: User, participant_id: int
) -> None:
    starts_at, number = slot_context(session, event, meeting.slot_id, meeting.table_id)
    notify_people(
        session,
        kind="meeting_booked",
        event=event,
        meeting=meeting,
        actor=actor,
        context={"starts_at": starts_at, "table_number": number},
        only=[participant_id],
    )


def remove_participant(
    session: Session,
    *,
    actor: User,
    event_id: int,
    meeting_id: int,
    participant_id: int,
    revision: int | None = None,
) -> Meeting:
    """Remove an interpreter or a colleague (organisers, or whoever acts for that person);
    their seat and quota are given back. A party cannot be removed: cancel instead."""
    event, meeting, people = load_meeting(
        session, viewer=actor, event_id=event_id, meeting_id=meeting_id
    )
    row = next((p for p in people if p.participant_id == participant_id), None)
    if row is None:
        raise NotFound("Participant of this meeting", participant_id)
    person = session.get(Participant, participant_id)
    assert person is not None
    organiser = events.can_manage(session, actor, event)
    if not organiser:
        if not registration.can_act_for(session, actor, event, person):
            raise Forbidden("Only the organisers or the person can take someone out of a meeting")
        if meeting.locked:
            raise Forbidden("This meeting is locked by the organisers; ask them to change it")
    if row.role == MeetingRole.party.value:
        raise Conflict(
            "a party of the meeting cannot be removed; cancel the meeting instead",
            [FieldError("participant_id", "is a party of the meeting")],
        )
    require_open(meeting)
    with changing(
        session,
        meeting,
        actor=actor,
        action="meeting.remove_participant",
        revision=revision,
        people=people,
    ):
        seated = session.get(MeetingSeat, (pk(meeting), participant_id)) is not None
        session.execute(
            delete(MeetingSeat).where(
                col(MeetingSeat.meeting_id) == meeting.id,
                col(MeetingSeat.participant_id) == participant_id,
            )
        )
        session.delete(row)
        session.flush()
        if seated:
            adjust_quota(session, event, [person], -1)
    return meeting


def set_attendance(
    session: Session,
    *,
    actor: User | None,
    meeting: Meeting,
    status: MeetingStatus,
    absent_ids: Iterable[int],
    unknown_ids: Iterable[int] = (),
    revision: int | None = None,
) -> Meeting:
    """Record that a booked meeting was held or was a no-show, and who was absent (everyone
    else of the meeting is present). No permission check: the caller (app.outcomes) has
    checked that the actor runs the event. A held or no-show meeting keeps its slot, table
    and seats: it stays in everyone's history and in the figures. Marking again (held after
    no-show, another absentee) is allowed; each mark bumps the revision and is audited."""
    if status not in (MeetingStatus.held, MeetingStatus.no_show):
        raise Invalid("outcome", "record held or no_show")
    if meeting.status == MeetingStatus.cancelled.value or meeting.slot_id is None:
        raise Conflict(
            "only a booked meeting can be marked held or no-show",
            [
                status_error(meeting.status)
                if meeting.slot_id
                else FieldError("status", "not booked")
            ],
        )
    people = meeting_people(session, pk(meeting))
    absent = set(absent_ids)
    unknown = set(unknown_ids) - absent  # neither seen nor named: recorded as neither
    wanted = {
        p.participant_id: (
            "absent"
            if p.participant_id in absent
            else None
            if p.participant_id in unknown
            else "present"
        )
        for p in people
    }
    if meeting.status == status.value and all(
        p.attendance == wanted[p.participant_id] for p in people
    ):
        require_current(session, meeting, revision)
        return meeting
    with changing(
        session,
        meeting,
        actor=actor,
        action="meeting.attendance",
        revision=revision,
        people=people,
        attendance=True,
    ):
        for row in people:
            row.attendance = wanted[row.participant_id]
            session.add(row)
        meeting.status = status.value
        session.add(meeting)
        session.flush()
    return meeting
