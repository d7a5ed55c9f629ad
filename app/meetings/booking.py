"""Where a meeting can take place and putting it there: free slots and tables, caps, clashes
and seats, written all or nothing inside a savepoint."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise

from sqlalchemy import Integer, and_, bindparam, delete, func, insert, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import BindParameter
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select, SelectOfScalar

from app.auth.models import User
from app.errors import Conflict, FieldError, Invalid, NotFound, _l
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
    MeetingQuota,
    MeetingSeat,
    MeetingStatus,
)
from app.meetings.queries import get_meeting, meeting_people, party_participants
from app.meetings.rules import people_names, slot_label
from app.registration.models import Participant, ParticipantRole, Unavailability
from app.types import pk, utcnow


def _event_slots(session: Session, event_id: int, session_id: int | None) -> list[Slot]:
    query = (
        select(Slot)
        .join(EventSession, col(EventSession.id) == col(Slot.session_id))
        .where(
            EventSession.event_id == event_id,
            EventSession.kind == SessionKind.matchmaking.value,
        )
    )
    if session_id is not None:
        query = query.where(Slot.session_id == session_id)
    return list(session.exec(query.order_by(col(Slot.starts_at), col(Slot.number))).all())


def slot_of_event(session: Session, event_id: int, slot_id: int) -> Slot:
    slot = session.exec(
        select(Slot)
        .join(EventSession, col(EventSession.id) == col(Slot.session_id))
        .where(col(Slot.id) == slot_id, col(EventSession.event_id) == event_id)
    ).first()
    if slot is None:
        raise _not_a_slot(slot_id)
    return slot


def slot_with_free_tables(
    session: Session, event_id: int, slot_id: int, *, exclude_meeting: int | None
) -> tuple[Slot, list[int]]:
    """``slot_of_event`` and the slot's free tables, lowest number first, in one statement:
    what a booking reads before anything is changed (a crowd booking into full slots sent
    two statements for it)."""
    rows = session.exec(
        _SLOT_WITH_FREE_TABLES[exclude_meeting is not None],
        params={"slot_id": slot_id, "event_id": event_id, "exclude_meeting": exclude_meeting},
    ).all()
    if not rows:
        raise _not_a_slot(slot_id)
    return rows[0][0], [int(table) for _, table in rows if table is not None]


def _slot_with_free_tables(exclude_meeting: bool) -> Select[Slot, int | None]:
    """The statement of ``slot_with_free_tables``, on parameters: a crowd books at once,
    and building and keying a statement cost more than running it."""
    slot_id = bindparam("slot_id", type_=Integer)
    taken = _taken_tables(
        slot_id, bindparam("exclude_meeting", type_=Integer) if exclude_meeting else None
    )
    return (
        select(Slot, MeetingTable.id)
        .join(EventSession, col(EventSession.id) == col(Slot.session_id))
        .outerjoin(
            MeetingTable,
            and_(
                col(MeetingTable.session_id) == col(Slot.session_id),
                col(MeetingTable.id).not_in(taken),
            ),
        )
        .where(col(Slot.id) == slot_id, col(EventSession.event_id) == bindparam("event_id"))
        .order_by(col(MeetingTable.number))
    )


def _not_a_slot(slot_id: int) -> Invalid:
    return Invalid("slot_id", _l("slot {slot_id} is not a slot of this event", slot_id=slot_id))


def blocked_slot_ids(session: Session, participant_ids: Sequence[int]) -> dict[int, set[int]]:
    rows = session.exec(
        select(Unavailability.slot_id, Unavailability.participant_id).where(
            col(Unavailability.participant_id).in_(participant_ids)
        )
    ).all()
    out: dict[int, set[int]] = {}
    for slot_id, pid in rows:
        out.setdefault(slot_id, set()).add(pid)
    return out


def _overlapping_busy(
    session: Session, slot: Slot, participant_ids: Sequence[int], exclude_meeting: int | None
) -> bool:
    """A seat of one of them in another slot at the same time (two sessions in parallel)."""
    query = (
        select(MeetingSeat.participant_id)
        .join(Slot, col(Slot.id) == col(MeetingSeat.slot_id))
        .where(
            col(MeetingSeat.participant_id).in_(participant_ids),
            col(Slot.id) != slot.id,
            col(Slot.starts_at) < slot.ends_at,
            col(Slot.ends_at) > slot.starts_at,
        )
    )
    if exclude_meeting is not None:
        query = query.where(MeetingSeat.meeting_id != exclude_meeting)
    return session.exec(query).first() is not None


def _taken_tables(
    slot_id: BindParameter[int], exclude_meeting: BindParameter[int] | None
) -> SelectOfScalar[int | None]:
    """The tables of a slot's meetings (but ``exclude_meeting``'s), as a subquery."""
    taken = select(col(Meeting.table_id)).where(
        col(Meeting.slot_id) == slot_id, col(Meeting.table_id).is_not(None)
    )
    if exclude_meeting is not None:
        taken = taken.where(col(Meeting.id) != exclude_meeting)
    return taken


_SLOT_WITH_FREE_TABLES = {exclude: _slot_with_free_tables(exclude) for exclude in (False, True)}


@dataclass(frozen=True)
class IdleChange:
    """How many more (or, negative, fewer) idle gaps a party gets between their meetings of
    the day when the meeting moves to a slot."""

    name: str
    gaps: int


def breaks_between(slot_numbers: Iterable[int]) -> int:
    """A person's idle gaps: the runs of free slots between their first and last meeting,
    given the positions of their busy slots in one session (the schedule page counts them
    the same way)."""
    taken = sorted(slot_numbers)
    return sum(1 for a, b in pairwise(taken) if b - a > 1)


def idle_changes(
    session: Session, meeting_id: int, slots: Sequence[Slot]
) -> dict[int, list[IdleChange]]:
    """Per slot of ``slots`` (by id): each party of the meeting whose idle gaps (runs of free
    slots between their first and last meeting of a session) would change if the meeting
    moved there, so that the organiser moving it by hand sees the gaps they give people."""
    meeting = session.get(Meeting, meeting_id)
    people = [p for p in meeting_people(session, meeting_id) if p.role == "party"]
    parties = [p.participant_id for p in people]
    if meeting is None or not parties or not slots:
        return {}
    here = session.get(Slot, meeting.slot_id) if meeting.slot_id else None
    seats: dict[tuple[int, int], set[int]] = {}
    for person, session_id, number in session.exec(
        select(MeetingSeat.participant_id, Slot.session_id, Slot.number)
        .join(Slot, col(Slot.id) == col(MeetingSeat.slot_id))
        .where(col(MeetingSeat.participant_id).in_(parties), MeetingSeat.meeting_id != meeting_id)
    ).all():
        seats.setdefault((person, session_id), set()).add(number)
    names = {pk(p): p.full_name for p in party_participants(session, people)}

    def gaps(person: int, at: Slot | None, session_id: int) -> int:
        here_too = {at.number} if at is not None and at.session_id == session_id else set()
        return breaks_between(seats.get((person, session_id), set()) | here_too)

    out: dict[int, list[IdleChange]] = {}
    for slot in slots:
        days = {slot.session_id} | ({here.session_id} if here is not None else set())
        changes = [
            IdleChange(names.get(person, ""), change)
            for person in parties
            if (change := sum(gaps(person, slot, d) - gaps(person, here, d) for d in days))
        ]
        if changes:
            out[pk(slot)] = changes
    return out


def common_free_slots(
    session: Session, meeting_id: int, *, now: datetime | None = None
) -> list[Slot]:
    """Slots, in time order, in which everyone of the meeting is free: not blocked, not in
    another meeting (in this slot or at the same time elsewhere), with a free table, not
    started yet. The meeting's current slot is not listed. No permission check."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound("Meeting", meeting_id)
    ids = [p.participant_id for p in meeting_people(session, meeting_id)]
    now = now or utcnow()
    slots = _event_slots(session, meeting.event_id, meeting.session_id)
    blocked = blocked_slot_ids(session, ids)
    busy_seats = session.exec(
        select(MeetingSeat.slot_id, Slot.starts_at, Slot.ends_at)
        .join(Slot, col(Slot.id) == col(MeetingSeat.slot_id))
        .where(col(MeetingSeat.participant_id).in_(ids), MeetingSeat.meeting_id != meeting_id)
    ).all()
    tables: dict[int, int] = events.count_by_session(
        session, MeetingTable, sorted({s.session_id for s in slots})
    )
    used_rows = session.exec(
        select(Meeting.slot_id, func.count())
        .where(col(Meeting.slot_id).in_([pk(s) for s in slots]), Meeting.id != meeting_id)
        .group_by(col(Meeting.slot_id))
    ).all()
    used = {int(sid): int(n) for sid, n in used_rows if sid is not None}
    out = []
    for slot in slots:
        sid = pk(slot)
        if sid == meeting.slot_id or slot.starts_at <= now or sid in blocked:
            continue
        if any(start < slot.ends_at and end > slot.starts_at for _, start, end in busy_seats):
            continue
        if used.get(sid, 0) >= tables.get(slot.session_id, 0):
            continue
        out.append(slot)
    return out


def move_options(
    session: Session, meeting_id: int, *, now: datetime | None = None
) -> list[tuple[Slot, list[MeetingTable]]]:
    """Where a meeting can move: each slot free for everyone of the meeting (see
    ``common_free_slots``) with the tables free in it, in table order. The meeting's own
    slot is not listed. No permission check."""
    slots = common_free_slots(session, meeting_id, now=now)
    if not slots:
        return []
    session_ids = sorted({s.session_id for s in slots})
    tables = session.exec(
        select(MeetingTable)
        .where(col(MeetingTable.session_id).in_(session_ids))
        .order_by(col(MeetingTable.number))
    ).all()
    taken = {
        (sid, tid)
        for sid, tid in session.exec(
            select(Meeting.slot_id, Meeting.table_id).where(
                col(Meeting.slot_id).in_([pk(s) for s in slots]), Meeting.id != meeting_id
            )
        ).all()
    }
    out = []
    for slot in slots:
        free = [
            t for t in tables if t.session_id == slot.session_id and (pk(slot), pk(t)) not in taken
        ]
        if free:
            out.append((slot, free))
    return out


def table_taken(session: Session, *, slot_id: int, table_id: int, meeting_id: int) -> bool:
    """Whether another meeting holds this table in this slot."""
    return (
        session.exec(
            select(Meeting.id).where(
                Meeting.slot_id == slot_id, Meeting.table_id == table_id, Meeting.id != meeting_id
            )
        ).first()
        is not None
    )


def table_to_keep(
    session: Session, *, meeting_id: int, slot_id: int | None, table_id: int | None
) -> int | None:
    """A move to another slot without a table chosen keeps the meeting's table if it is free
    there; otherwise None (``place`` then takes the first free one)."""
    if slot_id is None or table_id is not None:
        return table_id
    meeting = session.get(Meeting, meeting_id)
    current = meeting.table_id if meeting else None
    if current is None or table_taken(
        session, slot_id=slot_id, table_id=current, meeting_id=meeting_id
    ):
        return None
    return current


def free_slots(session: Session, *, viewer: User, event_id: int, meeting_id: int) -> list[Slot]:
    get_meeting(session, viewer=viewer, event_id=event_id, meeting_id=meeting_id)
    return common_free_slots(session, meeting_id)


def cap_for(participant: Participant, event: Event) -> int | None:
    if participant.meeting_cap is not None:
        return participant.meeting_cap
    # Interpreters sit in many meetings; they get a cap only when one is set for them.
    if participant.role == ParticipantRole.interpreter.value:
        return None
    return event.meeting_cap


def adjust_quota(
    session: Session, event: Event, participants: Sequence[Participant], delta: int
) -> None:
    """Count booked meetings up or down. Sorted ids: concurrent bookings lock quota rows in
    the same order, so they wait for each other instead of deadlocking."""
    dialect = session.get_bind().dialect.name
    for person in sorted(participants, key=pk):
        pid = pk(person)
        if delta > 0:
            # One statement: the counter row appears on the first booking, else counts up (a
            # concurrent twin waits for this one). The CHECK (cap IS NULL OR booked <= cap)
            # refuses an increment past the cap; the cap is refreshed on the way, so a
            # lowered cap applies to the next booking.
            insert_ = pg_insert if dialect == "postgresql" else sqlite_insert
            upsert = insert_(MeetingQuota).values(
                participant_id=pid, booked=delta, cap=cap_for(person, event)
            )
            session.execute(
                upsert.on_conflict_do_update(
                    index_elements=["participant_id"],
                    set_={
                        "booked": col(MeetingQuota.booked) + upsert.excluded.booked,
                        "cap": upsert.excluded.cap,
                    },
                )
            )
        else:
            session.execute(
                update(MeetingQuota)
                .where(col(MeetingQuota.participant_id) == pid, col(MeetingQuota.booked) > 0)
                .values(booked=col(MeetingQuota.booked) + delta)
                .execution_options(synchronize_session=False)
            )


def clash(
    session: Session,
    stage: str,
    event: Event,
    meeting: Meeting,
    slot: Slot,
    table_id: int | None,
    participants: Sequence[Participant],
) -> Conflict:
    label = slot_label(slot, event)
    if stage == "slot_id":
        busy = _busy_slot_ids_by_person(session, slot, participants, pk(meeting))
        who = people_names(busy) or _l("someone in this meeting")
        return Conflict(
            _l("{who} already has a meeting in {label}", who=who, label=label),
            [FieldError("slot_id", _l("{who} is already booked in this slot", who=who))],
        )
    if stage == "table_id":
        table = session.get(MeetingTable, table_id) if table_id else None
        number = table.number if table else table_id
        return Conflict(
            _l("table {number} is already taken in {label}", number=number, label=label),
            [FieldError("table_id", "another meeting has this table in this slot")],
        )
    full = [p for p in participants if at_cap(session, p, event)]
    who = people_names(full) or _l("someone in this meeting")
    return Conflict(
        _l("{who} has reached the maximum number of meetings", who=who),
        [FieldError("meeting_cap", _l("{who} has no meeting left under their cap", who=who))],
    )


def _busy_slot_ids_by_person(
    session: Session, slot: Slot, participants: Sequence[Participant], meeting_id: int
) -> list[Participant]:
    ids = set(
        session.exec(
            select(MeetingSeat.participant_id).where(
                MeetingSeat.slot_id == slot.id,
                col(MeetingSeat.participant_id).in_([pk(p) for p in participants]),
                MeetingSeat.meeting_id != meeting_id,
            )
        ).all()
    )
    return [p for p in participants if p.id in ids]


def at_cap(session: Session, person: Participant, event: Event) -> bool:
    cap = cap_for(person, event)
    row = session.get(MeetingQuota, pk(person))
    return cap is not None and row is not None and row.booked >= cap


def lock_people(session: Session, participant_ids: Iterable[int]) -> None:
    """Serialise bookings per person, so that the overlap check that follows (a seat at the
    same time in another session's slot, which no unique key sees) cannot race.

    PostgreSQL: lock the people's participant rows (FOR NO KEY UPDATE, in id order so that
    two bookings sharing people queue instead of deadlocking); a concurrent booking of any of
    them waits here until this transaction ends, and then reads its seats. SQLite: one
    writer at a time, but only from the first write of a transaction; make sure the
    transaction holds the write lock before the check reads (callers have usually written
    already: the revision bump), so the check cannot read a state another writer changes."""
    ids = sorted(set(participant_ids))
    if not ids:
        return
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            select(Participant.id)
            .where(col(Participant.id).in_(ids))
            .order_by(col(Participant.id))
            .with_for_update(key_share=True)
        )
        return
    sqlite_write_lock(session)


def sqlite_write_lock(session: Session) -> None:
    """On SQLite, make sure the transaction has begun and holds the write lock.

    The pysqlite driver begins a transaction only before a data-changing statement: reads
    before it run outside any transaction, and a SAVEPOINT opened first becomes the
    transaction itself, so that its RELEASE commits. ``BEGIN IMMEDIATE`` takes the lock now
    (waiting for another writer, under busy_timeout); the session's commit or rollback ends
    it as usual. No-op on PostgreSQL and inside a transaction already begun."""
    if session.get_bind().dialect.name != "sqlite":
        return
    connection = session.connection()
    raw = connection.connection.dbapi_connection
    if raw is not None and not getattr(raw, "in_transaction", True):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def check_slot_for(
    session: Session,
    event: Event,
    meeting: Meeting,
    slot: Slot,
    participants: Sequence[Participant],
) -> None:
    """Rules the database does not hold: blocked slots, parallel sessions at the same time."""
    ids = [pk(p) for p in participants]
    blocked = blocked_slot_ids(session, ids).get(pk(slot), set())
    if blocked:
        who = people_names(p for p in participants if p.id in blocked)
        raise Conflict(
            _l(
                "{who} is not available in {slot_label}",
                who=who,
                slot_label=slot_label(slot, event),
            ),
            [FieldError("slot_id", _l("{who} blocked this slot", who=who))],
        )
    if _overlapping_busy(session, slot, ids, pk(meeting)):
        raise Conflict(
            _l(
                "someone in this meeting has another meeting at {slot_label}",
                slot_label=slot_label(slot, event),
            ),
            [FieldError("slot_id", "overlaps another meeting of a participant")],
        )


def free_tables(session: Session, event: Event, slot: Slot, meeting: Meeting) -> list[int]:
    """The slot's tables free for ``meeting``, lowest number first; a conflict when none is."""
    _, candidates = slot_with_free_tables(session, pk(event), pk(slot), exclude_meeting=pk(meeting))
    if not candidates:
        raise no_free_table(event, slot)
    return candidates


def no_free_table(event: Event, slot: Slot) -> Conflict:
    return Conflict(
        _l("no table is free in {slot_label}", slot_label=slot_label(slot, event)),
        [FieldError("table_id", "every table is taken in this slot")],
    )


def place(
    session: Session,
    *,
    event: Event,
    meeting: Meeting,
    participants: Sequence[Participant],
    slot: Slot | None,
    table_id: int | None,
    tables: list[int] | None = None,
) -> None:
    """Move the (already touched) meeting to ``slot`` at ``table_id`` (None: the lowest
    numbered free table — of ``tables`` when the caller has just read them — trying the next
    one when a concurrent booking takes it), or unschedule it when ``slot`` is None. Seats
    and quotas follow, all or nothing."""
    was_booked = meeting.slot_id is not None
    if slot is None:
        if not was_booked:
            return
        session.execute(delete(MeetingSeat).where(col(MeetingSeat.meeting_id) == meeting.id))
        meeting.slot_id, meeting.table_id = None, None
        session.add(meeting)
        session.flush()
        adjust_quota(session, event, participants, -1)
        return
    if table_id is not None:
        table = session.get(MeetingTable, table_id)
        if table is None or table.session_id != slot.session_id:
            raise Invalid(
                "table_id",
                _l("table {table_id} is not a table of the slot's session", table_id=table_id),
            )
        candidates = [table_id]
    else:
        candidates = tables if tables is not None else free_tables(session, event, slot, meeting)
    if meeting.slot_id == slot.id and meeting.table_id in candidates:
        return
    lock_people(session, (pk(p) for p in participants))
    check_slot_for(session, event, meeting, slot, participants)
    for candidate in candidates:
        stage = "table_id"
        try:
            with session.begin_nested():
                session.execute(
                    delete(MeetingSeat).where(col(MeetingSeat.meeting_id) == meeting.id)
                )
                meeting.slot_id, meeting.table_id = pk(slot), candidate
                meeting.session_id = slot.session_id
                meeting.last_starts_at, meeting.last_ends_at = slot.starts_at, slot.ends_at
                session.add(meeting)
                session.flush()
                stage = "slot_id"
                # Sorted: concurrent bookings queue on the same seat rows in the same order.
                for person in sorted(participants, key=pk):
                    session.execute(
                        insert(MeetingSeat).values(
                            meeting_id=pk(meeting), participant_id=pk(person), slot_id=pk(slot)
                        )
                    )
                if not was_booked:
                    stage = "meeting_cap"
                    adjust_quota(session, event, participants, +1)
            return
        except IntegrityError as exc:
            if stage == "table_id" and table_id is None:
                continue  # a concurrent booking took this table: try the next free one
            raise clash(session, stage, event, meeting, slot, candidate, participants) from exc
    raise no_free_table(event, slot)


def _meeting_of_parties(session: Session, event_id: int, key: str) -> Meeting | None:
    return session.exec(
        select(Meeting).where(
            Meeting.event_id == event_id,
            Meeting.party_key == key,
            Meeting.status != MeetingStatus.cancelled.value,
        )
    ).first()


def insert_meeting(session: Session, meeting: Meeting, *, field: str) -> None:
    """Insert a new meeting; the partial unique index on ``party_key`` refuses a second
    active meeting of the same parties (a concurrent twin included): a 409 naming ``field``
    and the meeting they already have."""
    sqlite_write_lock(session)
    try:
        with session.begin_nested():
            session.add(meeting)
            session.flush()
    except IntegrityError as exc:
        existing = _meeting_of_parties(session, meeting.event_id, meeting.party_key or "")
        if existing is None:
            raise
        raise Conflict(
            _l("these people already have a meeting together"),
            [FieldError(field, _l("they already have a meeting together"))],
        ) from exc
