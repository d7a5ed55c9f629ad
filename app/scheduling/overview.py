"""What the schedule page shows for one session: the last run's figures, the meetings counted
by state, who was left out and why, what a trial run would move, and the idle gaps per person
(read in a fixed number of statements, whatever the size of the event)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from app.auth.models import User
from app.events import service as events
from app.events.models import Event, EventSession, MeetingTable, Slot
from app.meetings import readmodel
from app.meetings.models import Meeting
from app.registration.models import Participant
from app.scheduling import service
from app.scheduling.models import ScheduleRun


@dataclass
class Overview:
    event: Event
    row: EventSession
    run: ScheduleRun | None
    stats: dict[str, Any]
    share: float | None
    counts: Counter[str]
    left_out: list[dict[str, Any]]
    diff: list[dict[str, Any]]
    idle_rows: list[dict[str, Any]]
    places: dict[str, tuple[Slot, int]] = field(default_factory=dict)
    names: dict[int, list[Participant]] = field(default_factory=dict)
    people: dict[int, Participant] = field(default_factory=dict)
    slot_count: int = 0
    table_count: int = 0


def overview(session: Session, *, actor: User, event_id: int, session_id: int) -> Overview:
    """The schedule page of a session, for its event's organisers."""
    event = events.managed_event(session, actor, event_id)
    row = service.matchmaking_session(session, event_id=event_id, session_id=session_id)
    run = service.latest_run(session, session_id=session_id)
    stats: dict[str, Any] = dict(run.stats or {}) if run else {}
    left_out = list(run.unscheduled) if run else []
    diff = list(stats.get("diff", []))
    idle_rows = list(stats.get("idle_by_person", []))
    share = (
        stats["priority_sum"] / stats["upper_bound"] * 100
        if stats.get("upper_bound")
        else (100.0 if run else None)
    )
    wanted = (
        {int(i) for u in left_out for i in u.get("participant_ids", [])}
        | {int(i) for u in left_out for i in u.get("busy", {})}
        | {int(r["participant_id"]) for r in idle_rows}
    )
    return Overview(
        event=event,
        row=row,
        run=run,
        stats=stats,
        share=share,
        counts=_counts(session, event_id, session_id),
        left_out=left_out,
        diff=diff,
        idle_rows=idle_rows,
        places=_places(session, diff),
        names=readmodel.parties(
            session, [u["meeting_id"] for u in left_out] + [d["meeting_id"] for d in diff]
        ),
        people=readmodel.by_id(session, Participant, wanted),
        slot_count=events.count_by_session(session, Slot, [session_id]).get(session_id, 0),
        table_count=events.count_by_session(session, MeetingTable, [session_id]).get(session_id, 0),
    )


def _counts(session: Session, event_id: int, session_id: int) -> Counter[str]:
    """Meetings of the session (and those not yet given one) by state, counted in SQL."""
    booked = case((col(Meeting.slot_id).is_(None), 0), else_=1)
    rows = session.exec(
        select(Meeting.status, booked, col(Meeting.locked), func.count())
        .where(
            Meeting.event_id == event_id,
            (col(Meeting.session_id) == session_id) | col(Meeting.session_id).is_(None),
        )
        .group_by(col(Meeting.status), booked, col(Meeting.locked))
    ).all()
    counts: Counter[str] = Counter()
    for status, has_slot, locked, n in rows:
        if status == "cancelled":
            counts["cancelled"] += n
            continue
        # Held and no-show meetings keep their slot: they still have a time on the grid.
        counts["booked" if has_slot else "waiting"] += n
        if locked:
            counts["locked"] += n
    return counts


def _places(session: Session, diff: list[dict[str, Any]]) -> dict[str, tuple[Slot, int]]:
    """Each "<slot id>:<table id>" of the before/after list, as its slot and table number."""
    pairs = {tuple(d[k]) for d in diff for k in ("before", "after") if d.get(k)}
    if not pairs:
        return {}
    slots: dict[int, Slot] = readmodel.by_id(session, Slot, (p[0] for p in pairs))
    tables: dict[int, MeetingTable] = readmodel.by_id(session, MeetingTable, (p[1] for p in pairs))
    return {
        f"{a}:{b}": (slots[a], tables[b].number) for a, b in pairs if a in slots and b in tables
    }
