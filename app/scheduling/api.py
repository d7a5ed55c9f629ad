"""JSON API of the scheduler: run it on a session (dry run or apply), read the last run, and
publish the event's schedule."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter
from sqlmodel import Field, Session, SQLModel, col, select

from app.auth.models import User
from app.deps import Organiser, SessionDep
from app.errors import Conflict, FieldError, Invalid, NotFound
from app.events import service as events
from app.events.models import EventPublic, MeetingTable, Slot
from app.events.presenters import event_public
from app.scheduling import service
from app.scheduling.models import ScheduleRun
from app.scheduling.service import DEFAULT_TIME_LIMIT_S, MAX_TIME_LIMIT_S
from app.types import DbInt

router = APIRouter(prefix="/api/v1/events", tags=["scheduling"])


class ScheduleRequest(SQLModel):
    dry_run: bool = True
    time_limit_s: float = Field(default=DEFAULT_TIME_LIMIT_S, gt=0, le=MAX_TIME_LIMIT_S)
    # With ``dry_run: false``: apply this trial run exactly as it was reported (the same
    # moves, the same idle gaps) instead of solving again; 409 if the session changed since.
    run_id: DbInt | None = None


class AssignmentPublic(SQLModel):
    meeting_id: DbInt
    slot_id: DbInt
    table_id: DbInt
    starts_at: datetime
    table_number: int


class UnscheduledPublic(SQLModel):
    meeting_id: DbInt
    # no_common_slot | cap | slots_taken | no_allowed_slot | fixed_tables
    code: str
    participant_ids: list[int]
    reason: str
    busy: dict[str, int] = Field(default_factory=dict)
    possible: int | None = None
    no_table: int | None = None


class ScheduleStats(SQLModel):
    meetings: int
    scheduled: int
    priority_sum: int
    upper_bound: int
    optimal: bool
    moved: int
    table_changes: int
    idle_gaps: int
    changes: int
    solve_s: float


class ScheduleResult(SQLModel):
    run_id: DbInt
    session_id: DbInt
    applied: bool
    created_at: datetime
    stats: ScheduleStats
    assignments: list[AssignmentPublic]
    unscheduled: list[UnscheduledPublic]


_REASONS = {
    "no_common_slot": "no slot in which all its participants are available",
    "cap": "a participant has reached their maximum number of meetings",
    "slots_taken": "every possible slot is taken by other meetings of its participants or "
    "has no free table",
    "no_allowed_slot": "no allowed slot",
    "fixed_tables": "its participants have different fixed tables",
}


def _unscheduled(items: list[dict[str, Any]]) -> list[UnscheduledPublic]:
    return [
        UnscheduledPublic(
            meeting_id=item["meeting_id"],
            code=item["code"],
            participant_ids=item.get("participant_ids", []),
            reason=_REASONS.get(item["code"], item["code"]),
            busy=item.get("busy", {}),
            possible=item.get("possible"),
            no_table=item.get("no_table"),
        )
        for item in items
    ]


def _assignments(
    db: Session, event_zone: Any, triples: list[tuple[int, int, int]]
) -> list[AssignmentPublic]:
    slots = {s.id: s for s in db.exec(_in(Slot, {t[1] for t in triples})).all()}
    tables = {t.id: t for t in db.exec(_in(MeetingTable, {t[2] for t in triples})).all()}
    return [
        AssignmentPublic(
            meeting_id=m,
            slot_id=s,
            table_id=t,
            starts_at=slots[s].starts_at.astimezone(event_zone),
            table_number=tables[t].number,
        )
        for m, s, t in triples
    ]


def _in(model: Any, ids: set[int]) -> Any:
    return select(model).where(col(model.id).in_(sorted(ids)))


def _result(run: ScheduleRun, assignments: list[AssignmentPublic]) -> ScheduleResult:
    stats = dict(run.stats)
    return ScheduleResult(
        run_id=run.id or 0,
        session_id=run.session_id,
        applied=run.applied,
        created_at=run.created_at,
        stats=ScheduleStats(
            meetings=stats.get("meetings", 0),
            scheduled=stats.get("scheduled", 0),
            priority_sum=stats.get("priority_sum", 0),
            upper_bound=stats.get("upper_bound", 0),
            optimal=stats.get("optimal", False),
            moved=stats.get("moved", 0),
            table_changes=stats.get("table_changes", 0),
            idle_gaps=stats.get("idle_gaps", 0),
            changes=stats.get("changes", 0),
            solve_s=stats.get("solve_s", 0.0),
        ),
        assignments=assignments,
        unscheduled=_unscheduled(run.unscheduled),
    )


@router.post("/{event_id}/sessions/{session_id}/schedule", response_model=ScheduleResult)
def run_schedule(
    event_id: DbInt,
    session_id: DbInt,
    data: ScheduleRequest,
    session: SessionDep,
    user: Organiser,
) -> ScheduleResult:
    """Schedule the session's accepted meetings. ``dry_run`` (the default) only reports what
    the scheduler would do; ``dry_run: false`` moves the meetings; ``dry_run: false`` with the
    ``run_id`` of the latest trial run applies that run as it was reported."""
    if data.run_id is not None:
        return _apply_trial(event_id, session_id, data.run_id, data.dry_run, session, user)
    outcome = service.schedule_session(
        session,
        actor=user,
        event_id=event_id,
        session_id=session_id,
        apply=not data.dry_run,
        time_limit_s=data.time_limit_s,
    )
    event = events.get_event(session, event_id, viewer=user)
    return _result(
        outcome.run, _assignments(session, events.event_zone(event), outcome.assignments)
    )


def _apply_trial(
    event_id: int, session_id: int, run_id: int, dry_run: bool, session: Session, user: User
) -> ScheduleResult:
    if dry_run:
        raise Invalid("run_id", "a trial run is applied with dry_run false")
    changed = service.apply_trial(
        session, actor=user, event_id=event_id, session_id=session_id, run_id=run_id
    )
    if changed is None:
        raise Conflict(
            "the session changed after this trial run (or a newer run exists); run it again",
            [FieldError("run_id", "not the latest trial run of the session as it is now")],
        )
    run = service.latest_run(session, session_id=session_id)
    assert run is not None  # apply_trial found it
    event = events.get_event(session, event_id, viewer=user)
    triples = service.placements(session, session_id=session_id)
    return _result(run, _assignments(session, events.event_zone(event), triples))


@router.get("/{event_id}/sessions/{session_id}/schedule", response_model=ScheduleResult)
def last_schedule(
    event_id: DbInt, session_id: DbInt, session: SessionDep, user: Organiser
) -> ScheduleResult:
    """The last scheduler run of the session (its figures and unscheduled meetings)."""
    events.managed_event(session, user, event_id)
    service.matchmaking_session(session, event_id=event_id, session_id=session_id)
    run = service.latest_run(session, session_id=session_id)
    if run is None:
        raise NotFound("Schedule run", session_id)
    return _result(run, [])


@router.post("/{event_id}/publish", response_model=EventPublic)
def publish(event_id: DbInt, session: SessionDep, user: Organiser) -> EventPublic:
    """Publish the meeting schedule: delegates see times and tables, and get their agenda."""
    return event_public(service.publish(session, actor=user, event_id=event_id))
