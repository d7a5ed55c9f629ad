"""Applying a scheduler's result in bulk: a few statements per step, not a few per meeting.

``apply_placements`` (app/meetings/commands.py) hands its moves here when every placed meeting
has its table. The rules stay those of one booking: the revision compare-and-set (a meeting
changed since the scheduler read it refuses the whole apply), seats unique per slot and person
and tables unique per slot (database constraints), meeting caps (a CHECK on the quota row),
blocked slots and parallel sessions (checked here), everything in one savepoint so that a
refusal leaves nothing half applied.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import bindparam, case, delete, insert, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from app.audit.models import AuditEntry
from app.audit.service import _plain as plain
from app.audit.service import diff
from app.auth.models import User
from app.errors import Conflict, FieldError, Invalid, _l
from app.events.models import Event, MeetingTable, Slot
from app.meetings import booking, changes, notices, readmodel, rules
from app.meetings.models import Meeting, MeetingQuota, MeetingSeat
from app.registration.models import Participant
from app.types import pk, utcnow

CHUNK = 1000
T = TypeVar("T")

_meeting = Meeting.__table__  # type: ignore[attr-defined]
_quota = MeetingQuota.__table__  # type: ignore[attr-defined]
_seat = MeetingSeat.__table__  # type: ignore[attr-defined]


def _chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


Move = tuple[Meeting, Slot | None, int | None]


def can_bulk(moves: Sequence[Move]) -> bool:
    """Bulk placement needs each placed meeting's table (the scheduler always gives one)."""
    return all(table_id is not None for _, slot, table_id in moves if slot is not None)


def apply_placements(
    session: Session,
    *,
    actor: User | None,
    event: Event,
    moves: Sequence[Move],
    notify: bool,
    action: str,
) -> int:

    todo = sorted(
        (
            (meeting, slot, table_id if slot is not None else None)
            for meeting, slot, table_id in moves
            if (meeting.slot_id, meeting.table_id)
            != (pk(slot) if slot else None, table_id if slot else None)
        ),
        key=lambda move: pk(move[0]),
    )
    if not todo:
        return 0
    for meeting, _, _ in todo:
        rules.require_open(meeting)
    ids = [pk(m) for m, _, _ in todo]
    people_of = readmodel.people_by_meeting(session, ids)
    everyone = readmodel.load_people(
        session, (p.participant_id for rows in people_of.values() for p in rows)
    )
    persons = everyone.participants
    tables: dict[int, MeetingTable] = readmodel.by_id(
        session, MeetingTable, (t for _, s, t in todo if s is not None)
    )
    for _, slot, table_id in todo:
        if slot is None or table_id is None:
            continue
        table = tables.get(table_id)
        if table is None or table.session_id != slot.session_id:
            raise Invalid(
                "table_id",
                _l("table {table_id} is not a table of the slot's session", table_id=table_id),
            )
    before = {pk(m): changes.snapshot(m, people_of[pk(m)]) for m, _, _ in todo}

    # Compare-and-set every revision in one batch (on PostgreSQL this locks the rows too).
    now = utcnow()
    result: Any = session.connection().execute(
        update(_meeting)
        .where(_meeting.c.id == bindparam("m_id"), _meeting.c.revision == bindparam("m_rev"))
        .values(revision=_meeting.c.revision + 1, updated_at=bindparam("m_now")),
        [{"m_id": pk(m), "m_rev": m.revision, "m_now": now} for m, _, _ in todo],
    )
    if result.rowcount != len(todo):
        # Ours carry this request's timestamp; the first other one is the stale meeting.
        rows = session.connection().execute(
            select(_meeting.c.id, _meeting.c.revision, _meeting.c.updated_at).where(
                _meeting.c.id.in_(ids)
            )
        )
        current = {int(i): (int(r), at) for i, r, at in rows.all()}
        stale = next(
            (m for m, _, _ in todo if current.get(pk(m)) != (m.revision + 1, now)), todo[0][0]
        )
        raise changes.stale(stale.revision, current.get(pk(stale), (stale.revision, now))[0])
    booking.lock_people(session, persons)
    _check_blocked_slots(session, event, todo, people_of, persons)

    plus: Counter[int] = Counter()
    minus: Counter[int] = Counter()
    for meeting, slot, _ in todo:
        for row in people_of[pk(meeting)]:
            if row.participant_id not in persons:
                continue
            if meeting.slot_id is not None:
                minus[row.participant_id] += 1
            if slot is not None:
                plus[row.participant_id] += 1
    leaving = [pk(m) for m, _, _ in todo if m.slot_id is not None]
    placed = [(m, s, t) for m, s, t in todo if s is not None]
    seats = sorted(
        (pk(slot), row.participant_id, pk(meeting))
        for meeting, slot, _ in placed
        if slot is not None
        for row in people_of[pk(meeting)]
        if row.participant_id in persons
    )
    stage = "table_id"
    try:
        with session.begin_nested():
            connection = session.connection()
            for chunk in _chunks(leaving):
                connection.execute(delete(_seat).where(_seat.c.meeting_id.in_(chunk)))
                connection.execute(
                    update(_meeting)
                    .where(_meeting.c.id.in_(chunk))
                    .values(slot_id=None, table_id=None)
                )
            if placed:
                connection.execute(
                    update(_meeting)
                    .where(_meeting.c.id == bindparam("m_id"))
                    .values(
                        slot_id=bindparam("m_slot"),
                        table_id=bindparam("m_table"),
                        session_id=bindparam("m_session"),
                        last_starts_at=bindparam("m_starts"),
                        last_ends_at=bindparam("m_ends"),
                    ),
                    [
                        {
                            "m_id": pk(m),
                            "m_slot": pk(s),
                            "m_table": t,
                            "m_session": s.session_id,
                            "m_starts": s.starts_at,
                            "m_ends": s.ends_at,
                        }
                        for m, s, t in placed
                        if s is not None
                    ],
                )
            stage = "slot_id"
            if seats:
                connection.execute(
                    insert(_seat),
                    [{"slot_id": s, "participant_id": p, "meeting_id": m} for s, p, m in seats],
                )
                _check_parallel_sessions(session, event, ids)
            stage = "meeting_cap"
            _quotas(session, event, persons, plus, minus)
    except IntegrityError as exc:
        raise _refusal(session, stage, event, todo, people_of, persons, plus) from exc

    for meeting, slot, table_id in todo:
        set_committed_value(meeting, "revision", meeting.revision + 1)
        set_committed_value(meeting, "updated_at", now)
        set_committed_value(meeting, "slot_id", pk(slot) if slot else None)
        set_committed_value(meeting, "table_id", table_id if slot else None)
        if slot is not None:
            set_committed_value(meeting, "session_id", slot.session_id)
            set_committed_value(meeting, "last_starts_at", slot.starts_at)
            set_committed_value(meeting, "last_ends_at", slot.ends_at)
    entries = []
    for meeting, _, _ in todo:
        changed = diff(before[pk(meeting)], changes.snapshot(meeting, people_of[pk(meeting)]))
        changed["revision"] = [meeting.revision - 1, meeting.revision]
        entries.append(
            {
                "at": now,
                "actor_user_id": actor.id if actor else None,
                "action": action,
                "entity": "meeting",
                "entity_id": meeting.id,
                "event_id": meeting.event_id,
                "changes": plain(changed),
            }
        )
    session.connection().execute(insert(AuditEntry.__table__), entries)  # type: ignore[attr-defined]
    for meeting, _, _ in todo:
        was = before[pk(meeting)]
        if notify:
            notices.notify_placement(session, event=event, meeting=meeting, actor=actor, before=was)
    session.flush()
    return len(todo)


def _check_blocked_slots(
    session: Session,
    event: Event,
    todo: Sequence[Move],
    people_of: dict[int, Any],
    persons: dict[int, Participant],
) -> None:

    blocked = booking.blocked_slot_ids(session, sorted(persons))
    for meeting, slot, _ in todo:
        if slot is None or pk(slot) not in blocked:
            continue
        who_ids = {r.participant_id for r in people_of[pk(meeting)]} & blocked[pk(slot)]
        if who_ids:
            who = rules.people_names(persons[i] for i in sorted(who_ids) if i in persons)
            raise Conflict(
                _l(
                    "{who} is not available in {slot_label}",
                    who=who,
                    slot_label=rules.slot_label(slot, event),
                ),
                [FieldError("slot_id", _l("{who} blocked this slot", who=who))],
            )


def _check_parallel_sessions(session: Session, event: Event, meeting_ids: list[int]) -> None:
    """Nobody seated at the same time in two slots (sessions running in parallel)."""

    mine, other = aliased(MeetingSeat), aliased(MeetingSeat)
    here, there = aliased(Slot), aliased(Slot)
    for chunk in _chunks(meeting_ids):
        found = session.exec(
            select(here)
            .select_from(mine)
            .join(here, col(here.id) == col(mine.slot_id))
            .join(other, col(other.participant_id) == col(mine.participant_id))
            .join(there, col(there.id) == col(other.slot_id))
            .where(
                col(mine.meeting_id).in_(chunk),
                col(other.slot_id) != col(mine.slot_id),
                col(here.starts_at) < col(there.ends_at),
                col(here.ends_at) > col(there.starts_at),
            )
            .limit(1)
        ).first()
        if found is not None:
            slot = found[0] if isinstance(found, tuple) else found
            raise Conflict(
                _l(
                    "someone in this meeting has another meeting at {slot_label}",
                    slot_label=rules.slot_label(slot, event),
                ),
                [FieldError("slot_id", "overlaps another meeting of a participant")],
            )


def _quotas(
    session: Session,
    event: Event,
    persons: dict[int, Participant],
    plus: Counter[int],
    minus: Counter[int],
) -> None:
    """Booked counters by the net change of each person; the cap is refreshed for those who
    gain a meeting (the CHECK booked <= cap refuses an apply past someone's cap)."""

    connection = session.connection()
    gaining = sorted(plus)
    if gaining:
        maker = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
        connection.execute(
            maker(_quota).on_conflict_do_nothing(index_elements=["participant_id"]),
            [{"participant_id": pid, "booked": 0, "cap": None} for pid in gaining],
        )
    net = _quota.c.booked + bindparam("q_delta")
    booked = case((net < 0, 0), else_=net)
    if gaining:
        connection.execute(
            update(_quota)
            .where(_quota.c.participant_id == bindparam("q_pid"))
            .values(booked=booked, cap=bindparam("q_cap")),
            [
                {
                    "q_pid": pid,
                    "q_delta": plus[pid] - minus[pid],
                    "q_cap": booking.cap_for(persons[pid], event),
                }
                for pid in gaining
            ],
        )
    losing = sorted(pid for pid in minus if pid not in plus)
    if losing:
        connection.execute(
            update(_quota)
            .where(_quota.c.participant_id == bindparam("q_pid"))
            .values(booked=booked),
            [{"q_pid": pid, "q_delta": -minus[pid]} for pid in losing],
        )


def _refusal(
    session: Session,
    stage: str,
    event: Event,
    todo: Sequence[Move],
    people_of: dict[int, Any],
    persons: dict[int, Participant],
    plus: Counter[int],
) -> Conflict:
    """The message of the first refused placement, read after the savepoint rolled back."""

    ids = {pk(m) for m, _, _ in todo}
    placed = [(m, s, t) for m, s, t in todo if s is not None]
    slot_ids = sorted({pk(s) for _, s, _ in placed if s is not None})
    if stage == "table_id":
        taken: Counter[tuple[int, int]] = Counter(
            (row.slot_id, row.table_id)
            for row in session.exec(select(Meeting).where(col(Meeting.slot_id).in_(slot_ids))).all()
            if pk(row) not in ids and row.table_id is not None and row.slot_id is not None
        )
        taken.update((pk(s), t) for _, s, t in placed if s is not None and t is not None)
        for _, slot, table_id in placed:
            if slot is not None and table_id is not None and taken[(pk(slot), table_id)] > 1:
                table = session.get(MeetingTable, table_id)
                number = table.number if table else table_id
                label = rules.slot_label(slot, event)
                return Conflict(
                    _l("table {number} is already taken in {label}", number=number, label=label),
                    [FieldError("table_id", "another meeting has this table in this slot")],
                )
    if stage == "slot_id":
        seated: Counter[tuple[int, int]] = Counter(
            (row.slot_id, row.participant_id)
            for row in session.exec(
                select(MeetingSeat).where(col(MeetingSeat.slot_id).in_(slot_ids))
            ).all()
            if row.meeting_id not in ids
        )
        seated.update(
            (pk(s), r.participant_id)
            for m, s, _ in placed
            if s is not None
            for r in people_of[pk(m)]
        )
        for meeting, slot, _ in placed:
            if slot is None:
                continue
            busy = [
                persons[r.participant_id]
                for r in people_of[pk(meeting)]
                if seated[(pk(slot), r.participant_id)] > 1 and r.participant_id in persons
            ]
            if busy:
                who = rules.people_names(busy) or _l("someone in this meeting")
                label = rules.slot_label(slot, event)
                return Conflict(
                    _l("{who} already has a meeting in {label}", who=who, label=label),
                    [FieldError("slot_id", _l("{who} is already booked in this slot", who=who))],
                )
    full = [
        persons[pid]
        for pid in sorted(plus)
        if pid in persons and booking.at_cap(session, persons[pid], event)
    ]
    who = rules.people_names(full) or _l("someone in this meeting")
    return Conflict(
        _l("{who} has reached the maximum number of meetings", who=who),
        [FieldError("meeting_cap", _l("{who} has no meeting left under their cap", who=who))],
    )
