"""The rules for events, sessions, slots and tables. Services flush, never commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlalchemy import func, inspect, or_
from sqlmodel import Session, col, select

from app.audit.service import diff, record
from app.auth.models import Role, User
from app.errors import Conflict, FieldError, Forbidden, Invalid, NotFound, _l
from app.events.models import (
    BookingMode,
    BreakIn,
    Event,
    EventCreate,
    EventOrganiser,
    EventSession,
    EventStatus,
    EventUpdate,
    MeetingTable,
    SessionCreate,
    SessionKind,
    SessionUpdate,
    Slot,
    TableCreate,
    TableUpdate,
)
from app.events.slots import Interval, break_problems, generate_slots
from app.pagination import page_total
from app.registration import own as own_registration
from app.registration.models import Participant
from app.types import pk, utcnow

# ---- time zones ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def check_timezone(name: str, field: str = "timezone") -> ZoneInfo:
    if name not in _known_zones():
        raise Invalid(field, "is not a time zone of the IANA database")
    try:
        return ZoneInfo(name)
    except ZoneInfoNotFoundError as exc:  # pragma: no cover - guarded by the set above
        raise Invalid(
            field, _l("'{name}' is not a time zone of the IANA database", name=name)
        ) from exc


def event_zone(event: Event) -> ZoneInfo:
    return ZoneInfo(event.timezone)


def as_aware(value: datetime, zone: ZoneInfo) -> datetime:
    """A datetime without an offset is read in the event's time zone, as an organiser means it."""
    return value.replace(tzinfo=zone) if value.tzinfo is None else value


# ---- permissions --------------------------------------------------------------------------


def registration_closed_reason(event: Event, now: datetime | None = None) -> str | None:
    """Why the event takes no registrations now, or None when it does. The one rule behind
    the event page's badge and button, the registration form and the API: the status says
    "registration open", the window (if set) has opened and not closed, and the event's last
    day has not passed. Reasons: "status" (a draft), "not_yet", "closed" (the window closed,
    or the event went on to scheduling, published or closed), "over" (its last day passed)."""
    now = now or utcnow()
    if event.status == EventStatus.draft.value:
        return "status"
    if now.astimezone(event_zone(event)).date() > event.end_date:
        return "over"
    if event.status != EventStatus.registration_open.value:
        return "closed"
    if event.registration_opens_at is not None and now < event.registration_opens_at:
        return "not_yet"
    if event.registration_closes_at is not None and now >= event.registration_closes_at:
        return "closed"
    return None


def registration_open(event: Event, now: datetime | None = None) -> bool:
    return registration_closed_reason(event, now) is None


def can_manage(session: Session, user: User | None, event: Event) -> bool:
    if user is None or not user.is_active:
        return False
    if user.is_admin:
        return True
    if user.role != Role.organiser:
        return False
    link = session.get(EventOrganiser, (event.id, user.id))
    return link is not None


def schedule_shown(event: Event) -> bool:
    """Whether people see meeting times and tables: always when they book themselves; in
    organiser mode once the schedule is published (before that it is the organisers' draft,
    and moves are not announced)."""
    return (
        event.booking_mode == BookingMode.self_service.value
        or event.schedule_published_at is not None
    )


def schedule_visible(session: Session, viewer: User | None, event: Event) -> bool:
    """Whether ``viewer`` (None: a calendar app with a token) may see meeting times: once they
    are shown, and to the event's organisers always (the agenda, calendars, PDFs and the API
    all ask this)."""
    return schedule_shown(event) or can_manage(session, viewer, event)


def require_manage(session: Session, user: User | None, event: Event) -> None:
    if not can_manage(session, user, event):
        raise Forbidden("Only this event's organisers can change it")


def can_view(session: Session, user: User | None, event: Event) -> bool:
    return event.status != EventStatus.draft or can_manage(session, user, event)


# ---- events -------------------------------------------------------------------------------


def get_event(session: Session, event_id: int, *, viewer: User | None = None) -> Event:
    """The event, for a viewer who may see it. Read with the viewer's own registration of it
    in one statement when the event is not loaded yet (app.registration.own)."""
    event = _event_and_own_registration(session, event_id, viewer)
    # A draft is invisible, not forbidden, to outsiders: its existence is not public yet.
    if event is None or not can_view(session, viewer, event):
        raise NotFound("Event", event_id)
    return event


def _event_and_own_registration(
    session: Session, event_id: int, viewer: User | None
) -> Event | None:
    if (
        viewer is None
        or viewer.id is None
        or inspect(Event).identity_key_from_primary_key((event_id,)) in session.identity_map
    ):
        return session.get(Event, event_id)
    row = session.exec(
        select(Event, Participant)
        .outerjoin(Participant, own_registration.of(event_id, viewer.id))
        .where(Event.id == event_id)
    ).first()
    if row is None:
        return None
    event, own = row
    own_registration.remember(session, event_id, viewer.id, own)
    return event


def managed_event(session: Session, user: User | None, event_id: int) -> Event:
    """The event, for one of its organisers: NotFound as ``get_event`` (a draft stays
    invisible to outsiders), then Forbidden to anyone else."""
    event = get_event(session, event_id, viewer=user)
    require_manage(session, user, event)
    return event


def list_events(
    session: Session,
    *,
    viewer: User | None,
    status: EventStatus | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Event], int]:
    query = select(Event)
    if viewer is None or not (viewer.is_admin or viewer.role == Role.organiser):
        query = query.where(Event.status != EventStatus.draft.value)
    elif not viewer.is_admin:
        managed = select(EventOrganiser.event_id).where(EventOrganiser.user_id == viewer.id)
        query = query.where(
            or_(col(Event.status) != EventStatus.draft.value, col(Event.id).in_(managed))
        )
    if status is not None:
        query = query.where(Event.status == status.value)
    rows = session.exec(
        query.order_by(col(Event.start_date).desc(), col(Event.id).desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return list(rows), page_total(session, query, rows, limit, offset)


def event_problems(values: dict[str, Any]) -> list[FieldError]:
    """Every problem of an event's fields that is not a single field's own, all at once.
    Keys may be missing (a field that did not even parse): its checks are skipped."""
    problems: list[FieldError] = []
    zone = values.get("timezone")
    if zone is not None and zone not in _known_zones():
        problems.append(FieldError("timezone", "is not a time zone of the IANA database"))
    start, end = values.get("start_date"), values.get("end_date")
    if start is not None and end is not None:
        if end < start:
            problems.append(FieldError("end_date", "must not be before start_date"))
        elif (end - start).days > 31:
            problems.append(FieldError("end_date", "an event lasts at most 31 days"))
    opens, closes = values.get("registration_opens_at"), values.get("registration_closes_at")
    if opens is not None and closes is not None:
        if opens.tzinfo is None or closes.tzinfo is None:
            opens, closes = opens.replace(tzinfo=None), closes.replace(tzinfo=None)
        if closes <= opens:
            problems.append(
                FieldError("registration_closes_at", "must be after registration_opens_at")
            )
    return problems


def _check_event_fields(values: dict[str, Any]) -> None:
    problems = event_problems(values)
    if problems:
        first, *more = problems
        raise Invalid(first.field, first.message, *more)


def _event_values(data: EventCreate | EventUpdate, base: dict[str, Any]) -> dict[str, Any]:
    values = {**base, **data.model_dump(exclude_unset=True)}
    # An unknown zone is reported with the other problems by _check_event_fields.
    zone = ZoneInfo(values["timezone"] if values["timezone"] in _known_zones() else "UTC")
    for key in ("registration_opens_at", "registration_closes_at"):
        if values.get(key) is not None:
            values[key] = as_aware(values[key], zone)
    for key in ("status", "booking_mode"):
        if values.get(key) is not None:
            values[key] = getattr(values[key], "value", values[key])
    return values


def create_event(session: Session, *, actor: User, data: EventCreate) -> Event:
    if not (actor.is_admin or actor.role == Role.organiser):
        raise Forbidden("Only organisers can create events")
    values = _event_values(data, data.model_dump())
    _check_event_fields(values)
    event = Event(**values, created_by_id=actor.id)
    session.add(event)
    session.flush()
    session.add(EventOrganiser(event_id=event.id, user_id=actor.id))  # type: ignore[arg-type]
    record(
        session,
        actor_id=actor.id,
        action="event.create",
        entity="event",
        entity_id=event.id,
        event_id=event.id,
        changes=diff({}, values),
    )
    session.flush()
    return event


def update_event(session: Session, *, actor: User, event_id: int, data: EventUpdate) -> Event:
    event = managed_event(session, actor, event_id)
    before = event.model_dump()
    values = _event_values(data, before)
    if data.model_fields_set & {"title_vi"} and not values["title_vi"]:
        raise Invalid("title_vi", "must not be empty")
    _check_event_fields(values)
    zone = ZoneInfo(values["timezone"])
    for sess in list_sessions(session, event_id=event_id):
        if not _inside_dates(
            sess.starts_at, sess.ends_at, values["start_date"], values["end_date"], zone
        ):
            raise Invalid(
                "start_date" if "start_date" in data.model_fields_set else "end_date",
                _l(
                    "session '{sess_title_vi}' would fall outside the event's dates",
                    sess_title_vi=sess.title_vi,
                ),
            )
    changes = diff(before, values)
    if not changes:
        return event
    for key, value in values.items():
        setattr(event, key, value)
    event.updated_at = utcnow()
    session.add(event)
    record(
        session,
        actor_id=actor.id,
        action="event.update",
        entity="event",
        entity_id=event.id,
        event_id=event.id,
        changes=changes,
    )
    session.flush()
    return event


def add_organiser(session: Session, *, actor: User, event_id: int, user: User) -> None:
    managed_event(session, actor, event_id)
    if user.role != Role.organiser and not user.is_admin:
        raise Invalid("user_id", "only organiser accounts can manage an event")
    if session.get(EventOrganiser, (event_id, user.id)) is None:
        session.add(EventOrganiser(event_id=event_id, user_id=user.id))  # type: ignore[arg-type]
        record(
            session,
            actor_id=actor.id,
            action="event.add_organiser",
            entity="event",
            entity_id=event_id,
            event_id=event_id,
            changes={"user_id": [None, user.id]},
        )
        session.flush()


# ---- sessions -----------------------------------------------------------------------------


def _inside_dates(
    starts_at: datetime, ends_at: datetime, first: date, last: date, zone: ZoneInfo
) -> bool:
    local_start = starts_at.astimezone(zone)
    # A session ending at midnight belongs to the day before.
    local_end = (ends_at - timedelta(microseconds=1)).astimezone(zone)
    return first <= local_start.date() and local_end.date() <= last


def list_sessions(session: Session, *, event_id: int) -> list[EventSession]:
    rows = session.exec(
        select(EventSession)
        .where(EventSession.event_id == event_id)
        .order_by(col(EventSession.starts_at), col(EventSession.id))
    ).all()
    return list(rows)


def get_session(session: Session, *, event_id: int, session_id: int) -> EventSession:
    row = session.get(EventSession, session_id)
    if row is None or row.event_id != event_id:
        raise NotFound("Session", session_id)
    return row


def _breaks(values: Sequence[BreakIn | dict[str, Any]], zone: ZoneInfo) -> list[Interval]:
    out = []
    for item in values:
        b = item if isinstance(item, BreakIn) else BreakIn.model_validate(item)
        out.append(Interval(as_aware(b.starts_at, zone), as_aware(b.ends_at, zone)))
    return out


def _validate_session(
    session: Session, event: Event, values: dict[str, Any], *, exclude_id: int | None
) -> list[Interval]:
    zone = event_zone(event)
    starts_at, ends_at = values["starts_at"], values["ends_at"]
    if ends_at <= starts_at:
        raise Invalid("ends_at", "must be after starts_at")
    if ends_at - starts_at > timedelta(hours=24):
        raise Invalid("ends_at", "a session lasts at most 24 hours")
    if not _inside_dates(starts_at, ends_at, event.start_date, event.end_date, zone):
        raise Invalid("starts_at", "the session must lie within the event's dates")
    breaks = _breaks(values.get("breaks") or [], zone)
    problems = break_problems(starts_at, ends_at, breaks)
    if problems:
        index, message = problems[0]
        raise Invalid(
            f"breaks[{index}]",
            message,
            *(FieldError(f"breaks[{i}]", m) for i, m in problems[1:]),
        )
    if values["kind"] == SessionKind.matchmaking.value:
        slot_minutes = values.get("slot_minutes")
        if slot_minutes is None or slot_minutes <= 0:
            raise Invalid("slot_minutes", "a matchmaking session needs a slot length in minutes")
        if not generate_slots(
            starts_at, ends_at, slot_minutes, gap_minutes=values["gap_minutes"], breaks=breaks
        ):
            raise Invalid(
                "slot_minutes", "no slot of this length fits between start, end and breaks"
            )
    room = (values.get("room") or "").strip()
    if room:
        query = select(EventSession).where(
            EventSession.event_id == event.id,
            func.lower(EventSession.room) == room.lower(),
            col(EventSession.starts_at) < ends_at,
            col(EventSession.ends_at) > starts_at,
        )
        if exclude_id is not None:
            query = query.where(EventSession.id != exclude_id)
        clash = session.exec(query).first()
        if clash is not None:
            raise Conflict(
                _l(
                    "room '{room}' is already used by session '{clash_title_vi}' at that time",
                    room=room,
                    clash_title_vi=clash.title_vi,
                ),
                [FieldError("room", "overlaps another session in the same room")],
            )
    return breaks


def _session_values(
    data: SessionCreate | SessionUpdate, base: dict[str, Any], event: Event
) -> dict[str, Any]:
    zone = event_zone(event)
    values = {**base, **data.model_dump(exclude_unset=True, exclude={"table_count"})}
    values["starts_at"] = as_aware(values["starts_at"], zone)
    values["ends_at"] = as_aware(values["ends_at"], zone)
    values["kind"] = getattr(values["kind"], "value", values["kind"])
    values["title_vi"] = (values.get("title_vi") or "").strip()
    if not values["title_vi"]:
        raise Invalid("title_vi", "must not be empty")
    if values["kind"] == SessionKind.matchmaking.value and values.get("slot_minutes") is None:
        values["slot_minutes"] = event.slot_minutes
    if values["kind"] != SessionKind.matchmaking.value:
        values["slot_minutes"] = None
    return values


def _stored_breaks(
    breaks: list[Interval], labels: Sequence[BreakIn | dict[str, Any]]
) -> list[dict[str, Any]]:
    out = []
    for interval, raw in zip(breaks, labels, strict=True):
        label = raw.label if isinstance(raw, BreakIn) else raw.get("label", "")
        out.append(
            {
                "starts_at": interval.starts_at.isoformat(),
                "ends_at": interval.ends_at.isoformat(),
                "label": label,
            }
        )
    return sorted(out, key=lambda b: b["starts_at"])


def create_session(
    session: Session, *, actor: User, event_id: int, data: SessionCreate
) -> EventSession:
    event = managed_event(session, actor, event_id)
    values = _session_values(data, data.model_dump(exclude={"table_count"}), event)
    if (
        "table_count" in data.model_fields_set
        and data.table_count < 1
        and values.get("kind") == SessionKind.matchmaking.value
    ):
        raise Invalid("table_count", "a matchmaking session needs at least one table")
    breaks = _validate_session(session, event, values, exclude_id=None)
    values["breaks"] = _stored_breaks(breaks, values.get("breaks") or [])
    row = EventSession(event_id=event_id, **values)
    session.add(row)
    session.flush()
    sync_slots(session, row)
    if data.table_count:
        _add_tables(session, row, count=data.table_count)
    record(
        session,
        actor_id=actor.id,
        action="session.create",
        entity="event_session",
        entity_id=row.id,
        event_id=event_id,
        changes={**diff({}, values), "table_count": [0, data.table_count]},
    )
    session.flush()
    return row


def update_session(
    session: Session, *, actor: User, event_id: int, session_id: int, data: SessionUpdate
) -> EventSession:
    event = managed_event(session, actor, event_id)
    row = get_session(session, event_id=event_id, session_id=session_id)
    before = row.model_dump(exclude={"id", "event_id", "created_at", "updated_at"})
    values = _session_values(data, before, event)
    breaks = _validate_session(session, event, values, exclude_id=row.id)
    values["breaks"] = _stored_breaks(breaks, values.get("breaks") or [])
    changes = diff(before, values)
    if not changes:
        return row
    for key, value in values.items():
        setattr(row, key, value)
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    sync_slots(session, row)
    record(
        session,
        actor_id=actor.id,
        action="session.update",
        entity="event_session",
        entity_id=row.id,
        event_id=event_id,
        changes=changes,
    )
    session.flush()
    return row


def _meeting_tables(session: Session, table_ids: list[int]) -> dict[int, int]:
    """table id -> how many meetings (of any status) sit at it."""
    from app.meetings.models import Meeting

    if not table_ids:
        return {}
    table = col(Meeting.table_id)
    rows = session.exec(
        select(table, func.count()).where(table.in_(table_ids)).group_by(table)
    ).all()
    return {int(t): int(n) for t, n in rows if t is not None}


def session_meeting_count(session: Session, session_id: int) -> int:
    """Meetings booked into a session's slots: what deleting the session would take away."""
    from app.meetings.models import Meeting

    return int(
        session.exec(
            select(func.count())
            .select_from(Meeting)
            .join(Slot, col(Slot.id) == col(Meeting.slot_id))
            .where(Slot.session_id == session_id)
        ).one()
    )


class TablesHoldMeetings(Conflict):
    """Removing tables that hold meetings; ``numbers`` names them."""

    MESSAGE = "tables %(numbers)s hold meetings: move or cancel them before removing these tables"

    def __init__(self, numbers: list[int]) -> None:
        self.numbers = numbers
        text = self.MESSAGE % {"numbers": ", ".join(str(n) for n in numbers)}
        super().__init__(text, [FieldError("table_count", text)])


def set_table_count(
    session: Session, *, actor: User, event_id: int, session_id: int, count: int
) -> list[MeetingTable]:
    """Give a matchmaking session ``count`` tables: new ones are numbered after the last;
    fewer removes the highest-numbered tables, which must hold no meeting (a 409 names the
    tables that do)."""
    managed_event(session, actor, event_id)
    row = get_session(session, event_id=event_id, session_id=session_id)
    _require_matchmaking(row)
    if count < 1:
        raise Invalid("table_count", "a matchmaking session needs at least one table")
    if count > 500:
        raise Invalid("table_count", "at most 500 tables")
    tables = list_tables(session, session_id=session_id)
    before = len(tables)
    if count > before:
        _add_tables(session, row, count=count - before)
    elif count < before:
        removed = tables[count:]
        busy = _meeting_tables(session, [pk(t) for t in removed])
        if busy:
            raise TablesHoldMeetings([t.number for t in removed if pk(t) in busy])
        for table in removed:
            session.delete(table)
    if count != before:
        record(
            session,
            actor_id=actor.id,
            action="table.count",
            entity="event_session",
            entity_id=session_id,
            event_id=event_id,
            changes={"table_count": [before, count]},
        )
    session.flush()
    return list_tables(session, session_id=session_id)


def delete_session(session: Session, *, actor: User, event_id: int, session_id: int) -> None:
    managed_event(session, actor, event_id)
    row = get_session(session, event_id=event_id, session_id=session_id)
    meetings = session_meeting_count(session, session_id)
    if meetings:
        raise Conflict(
            _l("the session holds {count} meetings", count=meetings),
            [
                FieldError(
                    "session_id",
                    "this session holds meetings: cancel or move them before deleting it",
                )
            ],
        )
    record(
        session,
        actor_id=actor.id,
        action="session.delete",
        entity="event_session",
        entity_id=row.id,
        event_id=event_id,
        changes={"title_vi": [row.title_vi, None]},
    )
    for model in (Slot, MeetingTable):
        for child in session.exec(select(model).where(model.session_id == row.id)).all():
            session.delete(child)
    session.flush()
    session.delete(row)
    session.flush()


# ---- slots --------------------------------------------------------------------------------


def desired_slots(row: EventSession) -> list[Interval]:
    if row.kind != SessionKind.matchmaking.value or not row.slot_minutes:
        return []
    breaks = [
        Interval(datetime.fromisoformat(b["starts_at"]), datetime.fromisoformat(b["ends_at"]))
        for b in row.breaks
    ]
    return generate_slots(
        row.starts_at, row.ends_at, row.slot_minutes, gap_minutes=row.gap_minutes, breaks=breaks
    )


def sync_slots(session: Session, row: EventSession) -> list[Slot]:
    """Make the stored slots match the session's times, keeping the rows of unchanged slots
    (later, meetings point at slot rows: an unchanged slot must keep its id)."""
    wanted = desired_slots(row)
    existing = list(session.exec(select(Slot).where(Slot.session_id == row.id)).all())
    by_times = {(s.starts_at, s.ends_at): s for s in existing}
    wanted_keys = {(w.starts_at, w.ends_at) for w in wanted}
    for slot in existing:
        if (slot.starts_at, slot.ends_at) not in wanted_keys:
            session.delete(slot)
    session.flush()
    # Park kept slots on negative numbers first so renumbering never trips the unique key.
    kept = [s for s in existing if (s.starts_at, s.ends_at) in wanted_keys]
    for slot in kept:
        slot.number = -int(slot.id or 0)
        session.add(slot)
    session.flush()
    result: list[Slot] = []
    for number, interval in enumerate(wanted, start=1):
        kept_slot = by_times.get((interval.starts_at, interval.ends_at))
        if kept_slot is None:
            slot = Slot(
                session_id=pk(row),
                number=number,
                starts_at=interval.starts_at,
                ends_at=interval.ends_at,
            )
        else:
            slot = kept_slot
            slot.number = number
        session.add(slot)
        result.append(slot)
    session.flush()
    return result


def list_slots(session: Session, *, session_id: int) -> list[Slot]:
    return list(
        session.exec(
            select(Slot).where(Slot.session_id == session_id).order_by(col(Slot.number))
        ).all()
    )


def slots_by_session(session: Session, session_ids: list[int]) -> dict[int, list[Slot]]:
    """The slots of several sessions, each in order: one query."""
    out: dict[int, list[Slot]] = {i: [] for i in session_ids}
    if session_ids:
        for slot in session.exec(
            select(Slot)
            .where(col(Slot.session_id).in_(session_ids))
            .order_by(col(Slot.session_id), col(Slot.number))
        ):
            out[slot.session_id].append(slot)
    return out


def count_by_session(
    session: Session, model: type[Slot] | type[MeetingTable], ids: list[int]
) -> dict[int, int]:
    if not ids:
        return {}
    session_id = col(model.session_id)
    rows = session.exec(
        select(session_id, func.count()).where(session_id.in_(ids)).group_by(session_id)
    ).all()
    return {sid: int(n) for sid, n in rows}


# ---- tables -------------------------------------------------------------------------------


def list_tables(session: Session, *, session_id: int) -> list[MeetingTable]:
    return list(
        session.exec(
            select(MeetingTable)
            .where(MeetingTable.session_id == session_id)
            .order_by(col(MeetingTable.number))
        ).all()
    )


def _add_tables(
    session: Session, row: EventSession, *, count: int, seats: int = 4
) -> list[MeetingTable]:
    last = session.exec(
        select(func.max(MeetingTable.number)).where(MeetingTable.session_id == row.id)
    ).one()
    start = int(last or 0) + 1
    tables = [
        MeetingTable(session_id=row.id, number=n, seats=seats)  # type: ignore[arg-type]
        for n in range(start, start + count)
    ]
    session.add_all(tables)
    session.flush()
    return tables


def _require_matchmaking(row: EventSession) -> None:
    if row.kind != SessionKind.matchmaking.value:
        raise Invalid("session_id", "only a matchmaking session has tables")


def create_tables(
    session: Session, *, actor: User, event_id: int, session_id: int, data: TableCreate
) -> list[MeetingTable]:
    managed_event(session, actor, event_id)
    row = get_session(session, event_id=event_id, session_id=session_id)
    _require_matchmaking(row)
    if data.number is None:
        tables = _add_tables(session, row, count=data.count or 1, seats=data.seats)
        if data.label or data.reserved_for:
            for table in tables:
                table.label, table.reserved_for = data.label, data.reserved_for
                session.add(table)
    else:
        _number_free(session, session_id, data.number, exclude_id=None)
        tables = [
            MeetingTable(
                session_id=session_id,
                number=data.number,
                label=data.label,
                seats=data.seats,
                reserved_for=data.reserved_for,
            )
        ]
        session.add_all(tables)
    session.flush()
    record(
        session,
        actor_id=actor.id,
        action="table.create",
        entity="event_session",
        entity_id=session_id,
        event_id=event_id,
        changes={"numbers": [None, [t.number for t in tables]]},
    )
    return tables


def _number_free(session: Session, session_id: int, number: int, *, exclude_id: int | None) -> None:
    query = select(MeetingTable).where(
        MeetingTable.session_id == session_id, MeetingTable.number == number
    )
    if exclude_id is not None:
        query = query.where(MeetingTable.id != exclude_id)
    if session.exec(query).first() is not None:
        raise Conflict(
            _l("table number {number} already exists in this session", number=number),
            [FieldError("number", "already used by another table")],
        )


def update_table(
    session: Session,
    *,
    actor: User,
    event_id: int,
    session_id: int,
    table_id: int,
    data: TableUpdate,
) -> MeetingTable:
    managed_event(session, actor, event_id)
    get_session(session, event_id=event_id, session_id=session_id)
    table = session.get(MeetingTable, table_id)
    if table is None or table.session_id != session_id:
        raise NotFound("Table", table_id)
    before = table.model_dump()
    values = data.model_dump(exclude_unset=True, exclude_none=True)
    if "number" in values:
        _number_free(session, session_id, values["number"], exclude_id=table_id)
    for key, value in values.items():
        setattr(table, key, value)
    session.add(table)
    changes = diff(before, table.model_dump())
    if changes:
        record(
            session,
            actor_id=actor.id,
            action="table.update",
            entity="meeting_table",
            entity_id=table.id,
            event_id=event_id,
            changes=changes,
        )
    session.flush()
    return table
