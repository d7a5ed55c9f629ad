"""Between the database and the pure scheduler: a session's meetings, people, availability,
caps, locks and tables become a ``Problem``; the ``Solution`` becomes moves of meetings.

What goes in, for one matchmaking session:

- slots and tables of the session, in order;
- the event's open meetings (proposed or confirmed) of this session, plus accepted meetings
  not yet placed in any session; held or no-show meetings of the session stay where they are
  (locks), as do meetings the organisers locked;
- every person of those meetings (parties, interpreters, colleagues), with the slots they
  blocked, the slots in which they sit in a meeting of another session at the same time, and
  their cap minus the meetings they have in other sessions; a delegation is a group, so that
  its members sit at tables close together;
- the current placement, so that a re-run moves as little as possible of what people have.

Priorities: an accepted request or a confirmed meeting always outranks a proposal that its
parties have not confirmed yet. The solver maximises the sum of priorities, so a confirmed
meeting's priority is multiplied by one more than the sum of every unconfirmed proposal's
priority: no number of unconfirmed proposals can push out a confirmed meeting, and proposals
take only the places confirmed meetings leave free. Figures are reported in plain priorities.
People whose confirmed meeting is left out by an applied run are told why by e-mail (once per
run).

Applying writes through ``app.meetings.commands.apply_placements``: one revision bump, audit
entry and (once the schedule is published) e-mail per moved meeting, with the database's seat,
table and cap rules as the last word. Every run is recorded in ``schedule_run``.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from app.audit.service import record
from app.auth.models import User
from app.errors import Conflict, FieldError, Invalid
from app.events import service as events
from app.events.models import Event, EventSession, MeetingTable, SessionKind, Slot
from app.meetings import commands as meeting_commands
from app.meetings import notices as meeting_notices
from app.meetings.booking import breaks_between
from app.meetings.models import Meeting, MeetingParticipant, MeetingSeat, MeetingStatus
from app.registration.models import Participant, ParticipantRole, Unavailability
from app.scheduling.domain import model as dm
from app.scheduling.domain.solver import solve
from app.scheduling.models import ScheduleRun
from app.types import pk, utcnow

DEFAULT_TIME_LIMIT_S = 10.0
MAX_TIME_LIMIT_S = 60.0  # also in the message below
_OPEN = (MeetingStatus.proposed.value, MeetingStatus.confirmed.value)
_FIXED = (MeetingStatus.held.value, MeetingStatus.no_show.value)


@dataclass(frozen=True)
class Built:
    """A problem and the way back from its string ids to rows."""

    problem: dm.Problem
    meetings: dict[str, Meeting]
    slots: dict[str, Slot]
    tables: dict[str, MeetingTable]
    participants: dict[str, Participant]
    # A confirmed meeting's priority is multiplied by ``scale`` in the problem (see above).
    scale: int = 1
    unconfirmed_total: int = 0


def is_unconfirmed(meeting: Meeting) -> bool:
    """A proposal whose parties have not all confirmed it yet: it never outranks a meeting
    both parties agreed to (an accepted request or a confirmed proposal)."""
    return meeting.status == MeetingStatus.proposed.value


@dataclass(frozen=True)
class Unscheduled:
    meeting_id: int
    code: str
    participant_ids: list[int]
    detail: dict[str, Any]


@dataclass(frozen=True)
class ScheduleOutcome:
    run: ScheduleRun
    stats: dict[str, Any]
    assignments: list[tuple[int, int, int]]  # (meeting id, slot id, table id)
    unscheduled: list[Unscheduled]
    changed: int  # meetings whose slot or table changed (written when applied)
    applied: bool


def _sid(row: Slot) -> str:
    return f"s{row.id}"


def _tid(row: MeetingTable) -> str:
    return f"t{row.id}"


def _pid(participant_id: int) -> str:
    return f"p{participant_id}"


def _mid(row: Meeting) -> str:
    return f"m{row.id}"


def _cap_for(participant: Participant, event: Event) -> int | None:
    if participant.meeting_cap is not None:
        return participant.meeting_cap
    if participant.role == ParticipantRole.interpreter.value:
        return None  # the same rule as booking: interpreters sit in many meetings
    return event.meeting_cap


def matchmaking_session(session: Session, *, event_id: int, session_id: int) -> EventSession:
    row = events.get_session(session, event_id=event_id, session_id=session_id)
    if row.kind != SessionKind.matchmaking.value:
        raise Invalid("session_id", "only a B2B matchmaking session has meetings to schedule")
    return row


def build_problem(session: Session, *, event: Event, session_row: EventSession) -> Built:
    session_id = pk(session_row)
    slots = events.list_slots(session, session_id=session_id)
    tables = events.list_tables(session, session_id=session_id)
    if not slots:
        raise Invalid("session_id", "this session has no slots yet")
    if not tables:
        raise Invalid("session_id", "this session has no tables yet")
    slot_index = {pk(s): i for i, s in enumerate(slots)}
    table_index = {pk(t): i for i, t in enumerate(tables)}

    rows = session.exec(
        select(Meeting)
        .where(
            Meeting.event_id == pk(event),
            (col(Meeting.session_id) == session_id)
            | (col(Meeting.session_id).is_(None) & col(Meeting.slot_id).is_(None)),
            col(Meeting.status).in_(_OPEN + _FIXED),
        )
        .order_by(col(Meeting.id))
    ).all()
    # Held and no-show meetings that never had a slot have nothing left to schedule.
    rows = [m for m in rows if m.status in _OPEN or m.slot_id is not None]
    meeting_ids = [pk(m) for m in rows]
    people: dict[int, list[MeetingParticipant]] = defaultdict(list)
    if meeting_ids:
        for mp in session.exec(
            select(MeetingParticipant)
            .where(col(MeetingParticipant.meeting_id).in_(meeting_ids))
            .order_by(col(MeetingParticipant.meeting_id), col(MeetingParticipant.participant_id))
        ).all():
            people[mp.meeting_id].append(mp)
    person_ids = sorted({mp.participant_id for group in people.values() for mp in group})
    persons = {
        pk(p): p
        for p in session.exec(select(Participant).where(col(Participant.id).in_(person_ids))).all()
    }

    blocked: dict[int, set[int]] = defaultdict(set)
    for u in session.exec(
        select(Unavailability).where(
            col(Unavailability.participant_id).in_(person_ids),
            col(Unavailability.slot_id).in_(list(slot_index)),
        )
    ).all():
        blocked[u.participant_id].add(slot_index[u.slot_id])
    # Seats in other sessions: they use up the cap, and block this session's slots that
    # overlap them in time.
    elsewhere: dict[int, int] = defaultdict(int)
    for seat, other in session.exec(
        select(MeetingSeat, Slot)
        .join(Slot, col(Slot.id) == col(MeetingSeat.slot_id))
        .where(
            col(MeetingSeat.participant_id).in_(person_ids),
            col(Slot.session_id) != session_id,
        )
    ).all():
        elsewhere[seat.participant_id] += 1
        for s in slots:
            if s.starts_at < other.ends_at and other.starts_at < s.ends_at:
                blocked[seat.participant_id].add(slot_index[pk(s)])

    participants: list[dm.Participant] = []
    person_key: dict[int, int] = {}
    for position, participant_id in enumerate(person_ids):
        person = persons[participant_id]
        cap = _cap_for(person, event)
        if cap is not None:
            cap = max(0, cap - elsewhere.get(participant_id, 0))
        participants.append(
            dm.Participant(
                id=_pid(participant_id),
                unavailable=frozenset(blocked.get(participant_id, set())),
                max_meetings=cap,
                group=f"d{person.delegation_id}" if person.delegation_id else None,
            )
        )
        person_key[participant_id] = position

    problem_meetings: list[dm.Meeting] = []
    current: list[dm.Placement] = []
    kept: list[Meeting] = []
    unconfirmed_total = sum(m.priority for m in rows if is_unconfirmed(m))
    scale = unconfirmed_total + 1
    for meeting in rows:
        group = people.get(pk(meeting), [])
        if len(group) < 2:
            continue  # nothing to schedule without two people
        lock = None
        placed = meeting.slot_id in slot_index and meeting.table_id in table_index
        if placed and (meeting.locked or meeting.status in _FIXED):
            lock = dm.Lock(slot_index[meeting.slot_id or 0], table_index[meeting.table_id or 0])
        elif meeting.status in _FIXED:
            continue
        if placed:
            current.append(
                dm.Placement(
                    len(problem_meetings),
                    slot_index[meeting.slot_id or 0],
                    table_index[meeting.table_id or 0],
                )
            )
        problem_meetings.append(
            dm.Meeting(
                id=_mid(meeting),
                participants=tuple(person_key[mp.participant_id] for mp in group),
                priority=meeting.priority * (1 if is_unconfirmed(meeting) else scale),
                lock=lock,
            )
        )
        kept.append(meeting)

    problem = dm.Problem(
        slots=tuple(dm.Slot(_sid(s), s.starts_at, s.ends_at) for s in slots),
        tables=tuple(dm.Table(_tid(t)) for t in tables),
        participants=tuple(participants),
        meetings=tuple(problem_meetings),
        current=tuple(current),
    )
    return Built(
        problem=problem,
        meetings={_mid(m): m for m in kept},
        slots={_sid(s): s for s in slots},
        tables={_tid(t): t for t in tables},
        participants={_pid(i): persons[i] for i in person_ids},
        scale=scale,
        unconfirmed_total=unconfirmed_total,
    )


def fingerprint(problem: dm.Problem) -> str:
    """What a run was computed from, as a short digest: slots, tables, people (blocked slots,
    caps, delegations), meetings (parties, priorities, locks) and where each meeting is now.
    Two builds with the same digest give the solver the same input, so a trial run whose
    digest still matches can be applied as it was shown, without solving again."""
    data = {
        "slots": [[s.id, s.start.isoformat() if s.start else None] for s in problem.slots],
        "tables": [t.id for t in problem.tables],
        "people": [
            [p.id, sorted(p.unavailable), p.max_meetings, p.group, p.table]
            for p in problem.participants
        ],
        "meetings": [
            [
                m.id,
                list(m.participants),
                m.priority,
                sorted(m.allowed_slots) if m.allowed_slots is not None else None,
                [m.lock.slot, m.lock.table] if m.lock else None,
            ]
            for m in problem.meetings
        ],
        "current": [[c.meeting, c.slot, c.table] for c in problem.current],
    }
    return hashlib.sha256(json.dumps(data, separators=(",", ":")).encode()).hexdigest()[:32]


def _plain_figures(built: Built, stats: dict[str, Any], placed: set[str]) -> None:
    """Turn the solver's weighted priority sum and bound back into plain priorities."""
    weighted_bound = int(stats.get("upper_bound", 0))
    stats["priority_sum"] = sum(m.priority for k, m in built.meetings.items() if k in placed)
    if built.scale == 1:
        return
    firm, rest = divmod(weighted_bound, built.scale)
    # Either every confirmed point of the bound is reached, and the proposals add at most
    # the remainder, or one is missed and the proposals add at most all they have.
    bound = firm + rest
    if firm:
        bound = max(bound, firm - 1 + built.unconfirmed_total)
    stats["upper_bound"] = max(min(bound, firm + built.unconfirmed_total), stats["priority_sum"])


def _people_ids(values: list[str]) -> list[int]:
    return [int(v[1:]) for v in values]


def schedule_session(
    session: Session,
    *,
    actor: User,
    event_id: int,
    session_id: int,
    apply: bool,
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
) -> ScheduleOutcome:
    """Run the scheduler on a session (organisers only); with ``apply``, move the meetings."""
    event = events.managed_event(session, actor, event_id)
    if not 0 < time_limit_s <= MAX_TIME_LIMIT_S:
        raise Invalid("time_limit_s", "give a number of seconds between 1 and 60")
    row = matchmaking_session(session, event_id=event_id, session_id=session_id)
    built = build_problem(session, event=event, session_row=row)
    solution = solve(built.problem, time_limit_s=time_limit_s)

    placed = {a.meeting: a for a in solution.assignments}
    moves: list[tuple[Meeting, Slot | None, int | None]] = []
    for key, meeting in built.meetings.items():
        a = placed.get(key)
        target = (built.slots[a.slot], pk(built.tables[a.table])) if a else (None, None)
        if (meeting.slot_id, meeting.table_id) != (
            pk(target[0]) if target[0] else None,
            target[1],
        ):
            moves.append((meeting, target[0], target[1]))
    unscheduled = [
        Unscheduled(
            meeting_id=pk(built.meetings[key]),
            code=str(solution.reason_details.get(key, {}).get("code", "unknown")),
            participant_ids=_people_ids(
                list(solution.reason_details.get(key, {}).get("participants", []))
                or list(solution.reason_details.get(key, {}).get("busy", {}))
            ),
            detail=_detail_by_participant(solution.reason_details.get(key, {})),
        )
        for key in solution.unscheduled
    ]
    stats = solution.to_dict()["stats"]
    _plain_figures(built, stats, set(placed))
    stats["meetings"] = len(built.meetings)
    stats["changes"] = len(moves)
    idle = idle_by_person(built, solution.assignments)
    stats["idle_people"] = len(idle)
    stats["idle_by_person"] = idle[:IDLE_LISTED]
    stats["fingerprint"] = fingerprint(built.problem)
    # What a person would notice, for the page's before/after list: each meeting that moves,
    # gets a time, or loses one, as [slot id, table id] or None.
    stats["diff"] = [
        {
            "meeting_id": pk(meeting),
            "before": [meeting.slot_id, meeting.table_id] if meeting.slot_id else None,
            "after": [pk(slot), table_id] if slot is not None else None,
        }
        for meeting, slot, table_id in moves
    ]
    changed = _write(session, actor, event, built, moves, unscheduled) if apply else 0
    run = ScheduleRun(
        event_id=event_id,
        session_id=session_id,
        applied=apply,
        time_limit_s=time_limit_s,
        stats=stats,
        unscheduled=[
            {
                "meeting_id": u.meeting_id,
                "code": u.code,
                "participant_ids": u.participant_ids,
                **u.detail,
            }
            for u in unscheduled
        ],
        created_by_id=actor.id,
    )
    session.add(run)
    session.flush()
    if apply:
        _record_applied(session, actor, run, changed)
    return ScheduleOutcome(
        run=run,
        stats=stats,
        assignments=[
            (pk(built.meetings[a.meeting]), pk(built.slots[a.slot]), pk(built.tables[a.table]))
            for a in solution.assignments
        ],
        unscheduled=unscheduled,
        changed=changed,
        applied=apply,
    )


def _write(
    session: Session,
    actor: User,
    event: Event,
    built: Built,
    moves: list[tuple[Meeting, Slot | None, int | None]],
    unscheduled: list[Unscheduled],
) -> int:
    """Move the meetings of a run; once people have seen a schedule, tell them, and tell
    both parties of each confirmed meeting left without a time why. Returns how many moved."""
    # Before the first publication in organiser mode the schedule is a draft: nobody is told
    # of a move, and those left out are told when it is published.
    notify = events.schedule_shown(event)
    changed = meeting_commands.apply_placements(
        session, actor=actor, event=event, moves=moves, notify=notify
    )
    if notify:
        _tell_left_out(session, event=event, built=built, unscheduled=unscheduled)
    return changed


def _record_applied(session: Session, actor: User, run: ScheduleRun, changed: int) -> None:
    record(
        session,
        actor_id=actor.id,
        action="schedule.apply",
        entity="event_session",
        entity_id=run.session_id,
        event_id=run.event_id,
        changes={"run": [None, run.id], "changed": [None, changed]},
    )


def apply_trial(
    session: Session, *, actor: User, event_id: int, session_id: int, run_id: int
) -> int | None:
    """Apply a trial run exactly as the organiser saw it: the same moves, the same meetings
    left out, so that nobody's day gets an idle gap the organiser did not look at. Only the
    session's latest run, not applied yet, and only while nothing it was computed from has
    changed (same ``fingerprint``); otherwise returns None and changes nothing (run it
    again). Returns how many meetings moved."""
    event = events.managed_event(session, actor, event_id)
    row = matchmaking_session(session, event_id=event_id, session_id=session_id)
    run = latest_run(session, session_id=session_id)
    if run is None or run.id != run_id:
        return None
    if run.applied:
        return 0  # applied already (a second click): nothing more to move
    built = build_problem(session, event=event, session_row=row)
    if run.stats.get("fingerprint") != fingerprint(built.problem):
        return None
    meetings = {pk(m): m for m in built.meetings.values()}
    slots = {pk(s): s for s in built.slots.values()}
    moves: list[tuple[Meeting, Slot | None, int | None]] = [
        (
            meetings[int(d["meeting_id"])],
            slots[int(d["after"][0])] if d.get("after") else None,
            int(d["after"][1]) if d.get("after") else None,
        )
        for d in run.stats.get("diff", [])
    ]
    unscheduled = [
        Unscheduled(
            meeting_id=int(u["meeting_id"]),
            code=str(u.get("code", "unknown")),
            participant_ids=[int(i) for i in u.get("participant_ids", [])],
            detail={},
        )
        for u in run.unscheduled
    ]
    changed = _write(session, actor, event, built, moves, unscheduled)
    run.applied = True
    session.add(run)
    session.flush()
    _record_applied(session, actor, run, changed)
    return changed


def placements(session: Session, *, session_id: int) -> list[tuple[int, int, int]]:
    """(meeting id, slot id, table id) of every meeting with a place in the session."""
    rows = session.exec(
        select(Meeting.id, Meeting.slot_id, Meeting.table_id)
        .where(
            Meeting.session_id == session_id,
            col(Meeting.slot_id).is_not(None),
            col(Meeting.table_id).is_not(None),
            col(Meeting.status).in_(_OPEN + _FIXED),
        )
        .order_by(col(Meeting.id))
    ).all()
    return [(int(m or 0), int(s or 0), int(t or 0)) for m, s, t in rows]


IDLE_LISTED = 50


def idle_by_person(built: Built, assignments: Iterable[dm.Assignment]) -> list[dict[str, int]]:
    """Each person's idle time between their first and last meeting of the session in this
    schedule: the idle slots and the breaks (runs of idle slots), most idle first, everyone
    (the organiser reads the first ``IDLE_LISTED`` before applying, and how many there are)."""
    slot_index = {s.id: i for i, s in enumerate(built.problem.slots)}
    people = {m.id: m.participants for m in built.problem.meetings}
    busy: dict[int, set[int]] = {}
    for a in assignments:
        for p in people.get(a.meeting, ()):
            busy.setdefault(p, set()).add(slot_index[a.slot])
    rows = []
    for p, slots in busy.items():
        taken = sorted(slots)
        idle = taken[-1] - taken[0] + 1 - len(taken)
        if idle <= 0:
            continue
        breaks = breaks_between(taken)
        person = built.participants.get(built.problem.participants[p].id)
        if person is None:
            continue
        rows.append({"participant_id": pk(person), "idle_slots": idle, "breaks": breaks})
    rows.sort(key=lambda r: (-r["idle_slots"], -r["breaks"], r["participant_id"]))
    return rows


def _tell_left_out(
    session: Session, *, event: Event, built: Built, unscheduled: list[Unscheduled]
) -> int:
    """E-mail both parties of each confirmed meeting (an accepted request or a confirmed
    proposal) that the applied run leaves without a time, with the reason. Returns how many
    e-mails were queued."""
    rows = {pk(m): m for m in built.meetings.values()}
    queued = 0
    for item in unscheduled:
        meeting = rows.get(item.meeting_id)
        if meeting is None or is_unconfirmed(meeting) or meeting.status in _FIXED:
            continue
        queued += meeting_notices.notify_unscheduled(
            session, event=event, meeting=meeting, reason=item.code
        )
    return queued


def _detail_by_participant(detail: dict[str, Any]) -> dict[str, Any]:
    """The solver's reason with participant keys turned back into database ids."""
    out: dict[str, Any] = {}
    if "busy" in detail:
        out["busy"] = {str(int(k[1:])): v for k, v in detail["busy"].items()}
    for key in ("possible", "no_table"):
        if key in detail:
            out[key] = detail[key]
    return out


def latest_run(session: Session, *, session_id: int) -> ScheduleRun | None:
    return session.exec(
        select(ScheduleRun)
        .where(ScheduleRun.session_id == session_id)
        .order_by(col(ScheduleRun.id).desc())
    ).first()


def publish(session: Session, *, actor: User, event_id: int) -> Event:
    return publish_counted(session, actor=actor, event_id=event_id)[0]


def publish_counted(session: Session, *, actor: User, event_id: int) -> tuple[Event, int]:
    """Publish the meeting schedule: delegates see times and tables from now on, and each
    person with booked meetings gets an e-mail with their agenda. Publishing again after
    changes re-announces nothing by itself: moves are e-mailed as they happen. Returns the event
    and how many agenda e-mails were queued (none when publishing again)."""
    event = events.managed_event(session, actor, event_id)
    booked = session.exec(
        select(Meeting).where(
            Meeting.event_id == event_id,
            col(Meeting.slot_id).is_not(None),
            col(Meeting.status).in_(_OPEN),
        )
    ).all()
    if not booked:
        raise Conflict(
            "there is no booked meeting to publish yet; run the scheduler first",
            [FieldError("event_id", "no booked meetings")],
        )
    first = event.schedule_published_at is None
    event.schedule_published_at = utcnow()
    event.updated_at = utcnow()
    session.add(event)
    record(
        session,
        actor_id=actor.id,
        action="schedule.publish",
        entity="event",
        entity_id=event_id,
        event_id=event_id,
        changes={"schedule_published_at": [None, event.schedule_published_at.isoformat()]},
    )
    queued = 0
    if first:
        queued = meeting_notices.announce_schedule(session, event=event, meetings=list(booked))
        queued += _tell_left_out_at_publication(session, event=event)
    session.flush()
    return event, queued


def _tell_left_out_at_publication(session: Session, *, event: Event) -> int:
    """Runs applied before the first publication told nobody (the schedule was a draft): now
    each confirmed meeting still without a time is explained, with the reason the latest
    applied run of its session gave."""
    waiting = session.exec(
        select(Meeting).where(
            Meeting.event_id == pk(event),
            col(Meeting.slot_id).is_(None),
            col(Meeting.session_id).is_not(None),
            Meeting.status == MeetingStatus.confirmed.value,
        )
    ).all()
    reasons: dict[int, str] = {}
    for session_id in sorted({m.session_id for m in waiting if m.session_id is not None}):
        run = session.exec(
            select(ScheduleRun)
            .where(ScheduleRun.session_id == session_id, col(ScheduleRun.applied).is_(True))
            .order_by(col(ScheduleRun.id).desc())
        ).first()
        for item in run.unscheduled if run is not None else []:
            reasons.setdefault(int(item["meeting_id"]), str(item.get("code", "")))
    return sum(
        meeting_notices.notify_unscheduled(
            session, event=event, meeting=m, reason=reasons.get(pk(m), "no_room")
        )
        for m in waiting
        if not is_unconfirmed(m)
    )
