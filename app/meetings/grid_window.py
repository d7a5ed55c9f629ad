"""Which part of a session's grid the organiser sees: a window of slots and a range of
tables, so that a grid of 250 tables × 16 slots answers as fast as a small one.

A small grid (at most ``WHOLE_CELLS`` cells and ``TABLE_WINDOW`` tables) is shown whole.
Otherwise the page shows ``SLOT_WINDOW`` slots × ``TABLE_WINDOW`` tables, chosen by the query
parameters ``slot`` and ``table`` (numbers; the window that holds them), by default the
current slot on the event day (the next one before it starts, the last one after) and the
first tables; the rest is one click away (previous/next links and a jump form).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.events import service as events
from app.events.models import MeetingTable, Slot
from app.meetings.models import Meeting, MeetingParticipant, MeetingRole, MeetingStatus
from app.types import utcnow

SLOT_WINDOW = 4
TABLE_WINDOW = 40
WHOLE_CELLS = 400


@dataclass(frozen=True)
class GridWindow:
    slots: list[Slot]
    tables: list[MeetingTable]
    whole: bool
    slot_count: int
    table_count: int
    first_slot: int  # numbers, 1-based positions in the session's order
    last_slot: int
    first_table: int
    last_table: int
    prev_slot: int | None  # the first slot of the previous window, if any
    next_slot: int | None
    prev_table: int | None
    next_table: int | None


def _start(position: int, size: int) -> int:
    """The first index (0-based) of the window of ``size`` that holds ``position``."""
    return (position // size) * size


def current_slot_index(slots: Sequence[Slot], now: datetime | None = None) -> int:
    """The slot under way now, else the next one; the last one once all are over."""
    at = now or utcnow()
    for index, slot in enumerate(slots):
        if at < slot.ends_at:
            return index
    return max(len(slots) - 1, 0)


def _position(raw: str | None, count: int) -> int | None:
    try:
        value = int(raw or "")
    except ValueError:
        return None
    return min(max(value, 1), count) - 1 if count else None


def choose(
    slots: Sequence[Slot],
    tables: Sequence[MeetingTable],
    *,
    slot: str | None = None,
    table: str | None = None,
    now: datetime | None = None,
) -> GridWindow:
    n_slots, n_tables = len(slots), len(tables)
    whole = n_slots * n_tables <= WHOLE_CELLS and n_tables <= TABLE_WINDOW
    if whole:
        return GridWindow(
            list(slots), list(tables), True, n_slots, n_tables, 1, n_slots, 1, n_tables,
            None, None, None, None,
        )  # fmt: skip
    slot_size = SLOT_WINDOW if n_slots * min(n_tables, TABLE_WINDOW) > WHOLE_CELLS else n_slots
    at_slot = _position(slot, n_slots)
    if at_slot is None:
        at_slot = current_slot_index(slots, now)
    at_table = _position(table, n_tables) or 0
    s0 = _start(at_slot, slot_size)
    t0 = _start(at_table, TABLE_WINDOW)
    s1 = min(s0 + slot_size, n_slots)
    t1 = min(t0 + TABLE_WINDOW, n_tables)
    return GridWindow(
        slots=list(slots[s0:s1]),
        tables=list(tables[t0:t1]),
        whole=False,
        slot_count=n_slots,
        table_count=n_tables,
        first_slot=s0 + 1,
        last_slot=s1,
        first_table=t0 + 1,
        last_table=t1,
        prev_slot=s0 - slot_size + 1 if s0 > 0 else None,
        next_slot=s1 + 1 if s1 < n_slots else None,
        prev_table=t0 - TABLE_WINDOW + 1 if t0 > 0 else None,
        next_table=t1 + 1 if t1 < n_tables else None,
    )


def placed_in(
    session: Session, *, session_id: int, window: GridWindow, active: list[str]
) -> list[Meeting]:
    """The active meetings in the window's cells."""
    query = select(Meeting).where(
        Meeting.session_id == session_id,
        col(Meeting.slot_id).is_not(None),
        col(Meeting.status).in_(active),
    )
    if not window.whole:
        query = query.where(
            col(Meeting.slot_id).in_([s.id for s in window.slots]),
            col(Meeting.table_id).in_([t.id for t in window.tables]),
        )
    return list(session.exec(query).all())


@dataclass(frozen=True)
class GridCounts:
    scheduled: int
    locked: int
    with_interpreter: int


def counts(session: Session, *, session_id: int, active: list[str]) -> GridCounts:
    """The whole session's figures, counted in SQL (the page shows only a window)."""
    placed = (
        Meeting.session_id == session_id,
        col(Meeting.slot_id).is_not(None),
        col(Meeting.status).in_(active),
    )
    scheduled, locked = session.exec(
        select(func.count(), func.count().filter(col(Meeting.locked).is_(True))).where(*placed)
    ).one()
    interpreted = session.exec(
        select(func.count(func.distinct(Meeting.id)))
        .join(MeetingParticipant, col(MeetingParticipant.meeting_id) == col(Meeting.id))
        .where(*placed, MeetingParticipant.role == MeetingRole.interpreter.value)
    ).one()
    return GridCounts(int(scheduled), int(locked or 0), int(interpreted or 0))


def unplaced(
    session: Session, *, event_id: int, session_id: int, active: list[str]
) -> list[Meeting]:
    """Active meetings of this session (or of none yet) without a time, most wanted first."""
    return list(
        session.exec(
            select(Meeting)
            .where(
                Meeting.event_id == event_id,
                col(Meeting.slot_id).is_(None),
                col(Meeting.status).in_(active),
                (col(Meeting.session_id) == session_id) | col(Meeting.session_id).is_(None),
            )
            .order_by(col(Meeting.priority).desc(), col(Meeting.id))
        ).all()
    )


def cancelled(session: Session, *, event_id: int, session_id: int, limit: int) -> list[Meeting]:
    """The session's cancelled meetings, latest first."""
    return list(
        session.exec(
            select(Meeting)
            .where(
                Meeting.event_id == event_id,
                Meeting.session_id == session_id,
                Meeting.status == MeetingStatus.cancelled.value,
            )
            .order_by(col(Meeting.updated_at).desc(), col(Meeting.id))
            .limit(limit)
        ).all()
    )


def number_of(rows: Sequence[Slot] | Sequence[MeetingTable], row_id: int | None) -> int | None:
    """The 1-based position of the slot or table ``row_id`` in the session's order."""
    ids = [r.id for r in rows]
    return ids.index(row_id) + 1 if row_id in ids else None


def position(
    session: Session, *, session_id: int, meeting_id: int
) -> tuple[int | None, int | None] | None:
    """The slot and table numbers of a placed meeting (None: not placed), for the window
    that shows it."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.slot_id is None:
        return None
    slots = events.list_slots(session, session_id=session_id)
    tables = events.list_tables(session, session_id=session_id)
    return number_of(slots, meeting.slot_id), number_of(tables, meeting.table_id)
