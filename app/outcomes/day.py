"""The event day: arrivals, each person's agenda, held and missed meetings, late arrivals."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from app import clock
from app.audit.service import record
from app.auth.models import User
from app.checkin.models import Checkin
from app.checkin.service import checked_in_map, person_card, require_staff
from app.errors import (
    Conflict,
    FieldError,
    Invalid,
    NotFound,
    _l,
)
from app.events import service as events
from app.events.models import (
    Event,
    MeetingTable,
    Slot,
)
from app.i18n.words import status_error, status_word
from app.meetings import commands as meeting_commands
from app.meetings import queries as meeting_queries
from app.meetings.models import Meeting, MeetingParticipant, MeetingRole, MeetingStatus
from app.outcomes.schemas import Outcome
from app.outcomes.stats import DelegationArrivals, delegation_arrivals
from app.registration import service as registration
from app.registration.models import (
    ApprovalStatus,
    Participant,
)
from app.scheduling import service as scheduling
from app.scheduling.domain import model as dm
from app.scheduling.domain.solver import solve
from app.scheduling.models import ScheduleRun
from app.types import pk

_OPEN = (MeetingStatus.proposed.value, MeetingStatus.confirmed.value)
_NEVER = datetime.max.replace(tzinfo=UTC)


@dataclass(frozen=True)
class AgendaItem:
    meeting_id: int
    status: str
    starts_at: datetime | None  # in the event's time zone
    table_number: int | None
    counterpart: str


def agenda_items(session: Session, event: Event, participant: Participant) -> list[AgendaItem]:
    """The person's active meetings in time order, for the desk ("table 7 at 14:20")."""
    zone = events.event_zone(event)
    out = []
    for meeting in meeting_queries.participant_agenda(
        session, event_id=pk(event), participant_id=pk(participant)
    ):
        slot = session.get(Slot, meeting.slot_id) if meeting.slot_id else None
        table = session.get(MeetingTable, meeting.table_id) if meeting.table_id else None
        others = [
            p.participant_id
            for p in meeting_queries.meeting_people(session, pk(meeting))
            if p.role == MeetingRole.party.value and p.participant_id != participant.id
        ]
        names = [
            row.full_name
            for row in session.exec(select(Participant).where(col(Participant.id).in_(others)))
        ]
        out.append(
            AgendaItem(
                meeting_id=pk(meeting),
                status=meeting.status,
                starts_at=slot.starts_at.astimezone(zone) if slot else None,
                table_number=table.number if table else None,
                counterpart=", ".join(sorted(names)),
            )
        )
    return out


@dataclass(frozen=True)
class MissingPerson:
    participant_id: int
    full_name: str
    organisation_name: str
    delegation_id: int | None
    delegation_name: str
    meetings_today: int
    first_meeting_at: datetime | None


@dataclass(frozen=True)
class Arrivals:
    day: date
    total: int  # approved participants
    arrived: int
    by_delegation: list[DelegationArrivals]
    missing_with_meetings: list[MissingPerson]


def event_day(event: Event, now: datetime | None = None) -> date:
    """Today in the event's time zone while the event runs, else its first day."""
    today = (now or clock.now()).astimezone(events.event_zone(event)).date()
    return today if event.start_date <= today <= event.end_date else event.start_date


def arrivals(
    session: Session,
    *,
    actor: User,
    event_id: int,
    day: date | None = None,
    now: datetime | None = None,
) -> Arrivals:
    """Who has arrived, by delegation, and who has not but has meetings on ``day`` (default:
    ``event_day``), earliest first: the organisers fill or move those tables."""
    event = require_staff(session, actor, event_id)
    day = day or event_day(event, now)
    zone = events.event_zone(event)
    by_delegation = delegation_arrivals(session, event_id=event_id)
    arrived = checked_in_map(session, event_id=event_id)
    rows = session.exec(
        select(MeetingParticipant.participant_id, Slot.starts_at)
        .join(Meeting, col(Meeting.id) == col(MeetingParticipant.meeting_id))
        .join(Slot, col(Slot.id) == col(Meeting.slot_id))
        .join(Participant, col(Participant.id) == col(MeetingParticipant.participant_id))
        .where(
            Meeting.event_id == event_id,
            col(Meeting.status).in_(_OPEN),
            Participant.status == ApprovalStatus.approved.value,
        )
    ).all()
    today: dict[int, list[datetime]] = defaultdict(list)
    for pid, starts_at in rows:
        if pid not in arrived and starts_at.astimezone(zone).date() == day:
            today[pid].append(starts_at)
    people = {
        pk(p): p
        for p in session.exec(select(Participant).where(col(Participant.id).in_(list(today))))
    }
    missing = []
    for pid, times in today.items():
        card = person_card(session, people[pid])
        missing.append(
            MissingPerson(
                participant_id=pid,
                full_name=card.full_name,
                organisation_name=card.organisation_name,
                delegation_id=card.delegation_id,
                delegation_name=card.delegation_name,
                meetings_today=len(times),
                first_meeting_at=min(times).astimezone(zone),
            )
        )
    missing.sort(key=lambda m: (m.first_meeting_at or _NEVER, m.full_name))
    return Arrivals(
        day=day,
        total=sum(d.total for d in by_delegation),
        arrived=sum(d.arrived for d in by_delegation),
        by_delegation=by_delegation,
        missing_with_meetings=missing,
    )


# ---- on the day ---------------------------------------------------------------------------


def mark_meeting(
    session: Session,
    *,
    actor: User,
    event_id: int,
    meeting_id: int,
    outcome: Outcome | str,
    absent_participant_ids: Sequence[int] = (),
    revision: int | None = None,
    now: datetime | None = None,
) -> Meeting:
    """Staff record a booked meeting as held (everyone present but the listed absentees) or
    as a no-show (naming who did not come: at least one party). The meeting keeps its slot
    and table and stays in the history and the figures.

    Only what can have happened is recorded: the meeting's slot has started (``now``), it
    was confirmed by its parties, and every party recorded as present has checked in (a
    no-show's absentees need not have). Interpreters and colleagues who have not checked in
    and are not named absent are recorded as neither present nor absent: only people who
    were seen count as present, only people named count as absent."""
    event = require_staff(session, actor, event_id)
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.event_id != pk(event):
        raise NotFound("Meeting", meeting_id)
    outcome = Outcome(outcome)
    people = meeting_queries.meeting_people(session, meeting_id)
    ids = {p.participant_id for p in people}
    absent = list(dict.fromkeys(absent_participant_ids))
    for i, pid in enumerate(absent):
        if pid not in ids:
            raise Invalid(
                f"absent_participant_ids[{i}]", _l("{pid} is not a person of this meeting", pid=pid)
            )
    parties = {p.participant_id for p in people if p.role == MeetingRole.party.value}
    absent_parties = parties & set(absent)
    if outcome == Outcome.no_show and not absent_parties:
        raise Invalid(
            "absent_participant_ids", "name the party or parties who did not come to the meeting"
        )
    if outcome == Outcome.held and len(parties - absent_parties) < 2:
        raise Invalid(
            "absent_participant_ids",
            "a meeting with fewer than two of its parties present was not held: record a no-show",
        )
    if meeting.status == MeetingStatus.proposed.value:
        raise Conflict(
            "this meeting was proposed and never confirmed by its parties: it cannot have "
            "been held or missed",
            [FieldError("status", "proposed")],
        )
    slot = session.get(Slot, meeting.slot_id) if meeting.slot_id else None
    if slot is not None and slot.starts_at > (now or clock.now()):
        local = slot.starts_at.astimezone(events.event_zone(event))
        raise Conflict(
            _l(
                "this meeting starts at {time}: record it once it has started",
                time=f"{local:%d/%m/%Y %H:%M}",
            ),
            [FieldError("slot_id", _l("the meeting has not started yet"))],
        )
    arrived = set(
        session.exec(select(Checkin.participant_id).where(col(Checkin.participant_id).in_(ids)))
    )
    missing = sorted(parties - set(absent) - arrived)
    if missing:
        names = ", ".join(
            p.full_name
            for p in session.exec(select(Participant).where(col(Participant.id).in_(missing)))
        )
        raise Conflict(
            _l(
                "{names} has not checked in: check them in first, or record them as absent",
                names=names,
            ),
            [FieldError("absent_participant_ids", _l("not checked in: {names}", names=names))],
        )
    unknown = {p.participant_id for p in people} - parties - set(absent) - arrived
    status = MeetingStatus.held if outcome == Outcome.held else MeetingStatus.no_show
    return meeting_commands.set_attendance(
        session,
        actor=actor,
        meeting=meeting,
        status=status,
        absent_ids=absent,
        unknown_ids=unknown,
        revision=revision,
    )


@dataclass(frozen=True)
class Replaced:
    meeting_id: int
    slot_id: int | None  # None: no later slot was free for everyone; the meeting is unplaced
    table_id: int | None
    starts_at: datetime | None  # in the event's time zone
    table_number: int | None
    was_at: datetime | None = None  # the missed slot's start, in the event's time zone
    # Why it is where it is: "placed" (a later slot), "session_over" (no slot of its session
    # starts after now), "no_common_slot" (later slots exist, none free for everyone in it).
    reason: str = "placed"


# Why a late arrival re-placed nothing at all (LateArrival.reason).
LATE_NOTHING_STARTED = "nothing_started"  # their booked meetings are all still to come
LATE_NO_MEETINGS = "no_booked_meetings"  # they have no booked meeting still to hold


@dataclass(frozen=True)
class LateArrival:
    participant_id: int
    replaced: list[Replaced]
    changed: int  # meetings whose slot or table changed, the late person's included
    run_ids: list[int] = field(default_factory=list)
    reason: str = ""  # set when no meeting had to be re-placed (LATE_* above)

    @property
    def unplaced(self) -> list[int]:
        return [r.meeting_id for r in self.replaced if r.slot_id is None]


def _late_problem(problem: dm.Problem, *, started: frozenset[int], missed: set[str]) -> dm.Problem:
    """The session's problem with the clock applied: meetings already under way or past
    (placed in a started slot) stay where they are; everything else, the missed meetings
    included, may only take slots that have not started."""
    later = frozenset(range(len(problem.slots))) - started
    placed = {p.meeting: p for p in problem.current}
    out_meetings = []
    for index, meeting in enumerate(problem.meetings):
        here = placed.get(index)
        if meeting.lock is not None:
            out_meetings.append(meeting)
        elif meeting.id not in missed and here is not None and here.slot in started:
            out_meetings.append(replace(meeting, lock=dm.Lock(here.slot, here.table)))
        else:
            allowed = later if meeting.allowed_slots is None else meeting.allowed_slots & later
            out_meetings.append(replace(meeting, allowed_slots=allowed))
    current = tuple(p for p in problem.current if problem.meetings[p.meeting].id not in missed)
    return replace(problem, meetings=tuple(out_meetings), current=current)


def replace_late_arrival(
    session: Session,
    *,
    actor: User,
    event_id: int,
    participant_id: int,
    now: datetime | None = None,
    time_limit_s: float = scheduling.DEFAULT_TIME_LIMIT_S,
) -> LateArrival:
    """Someone arrives after some of their meetings should have started: those meetings
    (still proposed or confirmed, in a slot that has started) are given later slots by the
    scheduler, which keeps everything else where it is unless a move places more meetings;
    meetings under way are never moved, and nothing is placed in a slot that has started.
    A meeting with no common later slot is unplaced (the organisers see it in the list of
    unscheduled meetings). Organisers only, like every scheduler run; e-mails as for a run."""
    event = events.managed_event(session, actor, event_id)
    person = registration.get_participant(session, event_id=event_id, participant_id=participant_id)
    if person.status != ApprovalStatus.approved.value:
        raise Conflict(
            _l(
                "{person_full_name}'s registration is {person_status}, not approved",
                person_full_name=person.full_name,
                person_status=status_word(person.status),
            ),
            [status_error(person.status)],
        )
    now = now or clock.now()
    missed_rows = session.exec(
        select(Meeting)
        .join(Slot, col(Slot.id) == col(Meeting.slot_id))
        .where(
            Meeting.event_id == event_id,
            col(Meeting.status).in_(_OPEN),
            col(Meeting.id).in_(
                select(MeetingParticipant.meeting_id).where(
                    MeetingParticipant.participant_id == participant_id
                )
            ),
            col(Slot.starts_at) <= now,
        )
        .order_by(col(Slot.starts_at), col(Meeting.id))
    ).all()
    missed = list(missed_rows)
    zone = events.event_zone(event)
    was_at = {}
    for meeting in missed:
        slot = session.get(Slot, meeting.slot_id)
        was_at[pk(meeting)] = slot.starts_at.astimezone(zone) if slot else None
    changed = 0
    run_ids: list[int] = []
    notify = events.schedule_shown(event)
    for session_id in sorted({m.session_id for m in missed if m.session_id is not None}):
        row = scheduling.matchmaking_session(session, event_id=event_id, session_id=session_id)
        built = scheduling.build_problem(session, event=event, session_row=row)
        slot_keys = [s.id for s in built.problem.slots]
        started = frozenset(
            i for i, key in enumerate(slot_keys) if built.slots[key].starts_at <= now
        )
        keys = {f"m{pk(m)}" for m in missed if m.session_id == session_id}
        problem = _late_problem(built.problem, started=started, missed=keys)
        solution = solve(problem, time_limit_s=time_limit_s)
        placed = {a.meeting: a for a in solution.assignments}
        moves: list[tuple[Meeting, Slot | None, int | None]] = []
        for key, meeting in built.meetings.items():
            a = placed.get(key)
            slot = built.slots[a.slot] if a else None
            table_id = pk(built.tables[a.table]) if a else None
            if (meeting.slot_id, meeting.table_id) != (pk(slot) if slot else None, table_id):
                moves.append((meeting, slot, table_id))
        changed += meeting_commands.apply_placements(
            session, actor=actor, event=event, moves=moves, notify=notify, action="meeting.late"
        )
        stats = solution.to_dict()["stats"]
        stats.update(meetings=len(built.meetings), changes=len(moves), late_participant=person.id)
        run = ScheduleRun(
            event_id=event_id,
            session_id=session_id,
            applied=True,
            time_limit_s=time_limit_s,
            stats=stats,
            unscheduled=[
                {"meeting_id": pk(built.meetings[k]), "code": "late_arrival"}
                for k in solution.unscheduled
                if k in keys
            ],
            created_by_id=actor.id,
        )
        session.add(run)
        session.flush()
        run_ids.append(pk(run))
    replaced = []
    for meeting in missed:
        session.refresh(meeting)
        slot = session.get(Slot, meeting.slot_id) if meeting.slot_id else None
        table = session.get(MeetingTable, meeting.table_id) if meeting.table_id else None
        replaced.append(
            Replaced(
                meeting_id=pk(meeting),
                slot_id=meeting.slot_id,
                table_id=meeting.table_id,
                starts_at=slot.starts_at.astimezone(zone) if slot else None,
                table_number=table.number if table else None,
                was_at=was_at.get(pk(meeting)),
                reason="placed" if slot else _why_unplaced(session, meeting, now),
            )
        )
    reason = ""
    if not missed:
        agenda = meeting_queries.participant_agenda(
            session, event_id=event_id, participant_id=pk(person)
        )
        to_come = [m for m in agenda if m.slot_id is not None and m.status in _OPEN]
        reason = LATE_NOTHING_STARTED if to_come else LATE_NO_MEETINGS
    record(
        session,
        actor_id=actor.id,
        action="participant.late_arrival",
        entity="participant",
        entity_id=person.id,
        event_id=event_id,
        changes={
            "meetings": [None, [r.meeting_id for r in replaced]],
            "changed": [None, changed],
            "now": [None, now],
        },
    )
    session.flush()
    return LateArrival(pk(person), replaced, changed, run_ids, reason)


def _why_unplaced(session: Session, meeting: Meeting, now: datetime) -> str:
    later = session.exec(
        select(func.count())
        .select_from(Slot)
        .where(Slot.session_id == meeting.session_id, col(Slot.starts_at) > now)
    ).one()
    return "no_common_slot" if later else "session_over"
