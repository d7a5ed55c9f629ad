"""Pages: the home list of events, an event with its sessions and slots, organiser forms."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.deps import OptionalUser, Organiser, SessionDep
from app.errors import FieldError, Invalid, _l
from app.events import service
from app.events.models import (
    BookingMode,
    Event,
    EventCreate,
    EventStatus,
    EventUpdate,
    SessionCreate,
    SessionKind,
    SessionUpdate,
    language_name,
)
from app.events.presenters import sessions_public
from app.forms import submit_form
from app.pagecache import public_page
from app.vocab import LANGUAGES, label
from app.web import check_csrf, redirect, render, request_locale

router = APIRouter(include_in_schema=False)

COMMON_ZONES = (
    "Asia/Ho_Chi_Minh",
    "Asia/Bangkok",
    "Asia/Taipei",
    "Asia/Tokyo",
    "Asia/Seoul",
    "Asia/Shanghai",
    "Asia/Singapore",
    "Asia/Jerusalem",
    "Europe/Amsterdam",
    "UTC",
)
BREAK_LINE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})\s*(.*)$")


def _blank_to_none(form: dict[str, Any], *keys: str) -> None:
    for key in keys:
        if key in form and (form[key] is None or str(form[key]).strip() == ""):
            form[key] = None


async def _form(request: Request) -> dict[str, Any]:
    data = await request.form()
    values: dict[str, Any] = {k: v for k, v in data.items() if isinstance(v, str)}
    check_csrf(request, values.pop("csrf_token", None))
    # The language checkboxes: every ticked value, not only the last one.
    values["languages"] = [v.strip() for v in data.getlist("languages") if isinstance(v, str)]
    return values


# ---- home and event page ------------------------------------------------------------------


@router.get("/")
def home(request: Request, session: SessionDep, user: OptionalUser) -> Response:
    events, _ = service.list_events(session, viewer=user, limit=100)
    return render(
        request,
        "events/home.html",
        {
            "events": events,
            "statuses": EventStatus,
            "open_ids": {e.id for e in events if service.registration_open(e)},
            "closed_reasons": {e.id: service.registration_closed_reason(e) for e in events},
        },
    )


@router.get("/events/{event_id:int}")
def event_page(
    event_id: int, request: Request, session: SessionDep, user: OptionalUser
) -> Response:
    """The public page of an event. Anonymous visitors get it from ``app.pagecache`` (at most
    ``public_page_seconds`` old): the crowd that opens a published link at once."""

    def build() -> Response:
        event = service.get_event(session, event_id, viewer=user)
        sessions = sessions_public(session, event)
        slots = service.slots_by_session(
            session, [s.id for s in sessions if s.kind == SessionKind.matchmaking]
        )
        return render(
            request,
            "events/event.html",
            {
                "event": event,
                "sessions": sessions,
                "slots": slots,
                "can_manage": service.can_manage(session, user, event),
                "can_check_in": _can_check_in(session, user, event),
                "survey_open": _survey_open(session, event),
                **_taking_part(session, user, event),
                "open_ids": {event.id} if service.registration_open(event) else set(),
                "closed_reasons": {event.id: service.registration_closed_reason(event)},
                "language_name": language_name,
            },
        )

    return public_page(request, user, build)


def _survey_open(session: Any, event: Event) -> bool:
    from app.survey.service import is_open  # the survey sits above events

    return is_open(session, event.id or 0)


def _taking_part(session: Any, user: Any, event: Event) -> dict[str, Any]:
    """How the signed-in person takes part, by the rules the linked pages apply, so that the
    page offers only what will open for them: ``own_status`` (their registration's status, or
    None), ``acts_for_someone`` (the people they may act for: suggestions) and
    ``acts_for_approved`` (one of those approved: their agreements) and ``my_delegations``
    (the delegations they head: the way to their members)."""
    # registration and matchmaking sit above events
    from app.matchmaking.service import actable_participants
    from app.registration import service as registration
    from app.registration.delegations import headed_delegations
    from app.registration.models import ApprovalStatus

    own = registration.participant_for_user(session, event_id=event.id or 0, user=user)
    people = actable_participants(session, user=user, event=event)
    return {
        "own_status": own.status if own is not None else None,
        "acts_for_someone": bool(people),
        "acts_for_approved": any(p.status == ApprovalStatus.approved.value for p in people),
        "my_delegations": headed_delegations(session, user, event.id or 0),
    }


def _can_check_in(session: Any, user: Any, event: Event) -> bool:
    """The event-day staff reach the check-in desk from the event page, like the organisers."""
    from app.checkin.service import can_check_in  # check-in sits above events

    return can_check_in(session, user, event)


# ---- event forms --------------------------------------------------------------------------


def _event_form_values(event: Event | None) -> dict[str, Any]:
    if event is None:
        return {
            "timezone": "Asia/Ho_Chi_Minh",
            "languages": ["vi", "en"],
            "slot_minutes": 20,
            "meeting_cap": 10,
            "booking_mode": BookingMode.organiser.value,
            "status": EventStatus.draft.value,
        }
    zone = ZoneInfo(event.timezone)
    values = event.model_dump()
    values["languages"] = [c for c in event.languages if c in LANGUAGES]
    values["languages_other"] = ", ".join(c for c in event.languages if c not in LANGUAGES)
    for key in ("registration_opens_at", "registration_closes_at"):
        value = getattr(event, key)
        values[key] = value.astimezone(zone).strftime("%Y-%m-%dT%H:%M") if value else ""
    return values


def _event_context(
    values: dict[str, Any], errors: dict[str, str], event: Event | None, locale: str = "vi"
) -> dict[str, Any]:
    return {
        "language_options": [(code, label(LANGUAGES, code, locale)) for code in LANGUAGES],
        "values": values,
        "errors": errors,
        "event": event,
        "zones": COMMON_ZONES,
        "statuses": list(EventStatus),
        "booking_modes": list(BookingMode),
    }


def _parse_event_form(form: dict[str, Any]) -> dict[str, Any]:
    data = dict(form)
    typed = [*data.get("languages", []), str(data.pop("languages_other", ""))]
    data["languages"] = [p for text in typed for p in re.split(r"[,\s]+", text) if p]
    _blank_to_none(
        data, "registration_opens_at", "registration_closes_at", "start_date", "end_date"
    )
    return data


def _lenient(parse: Callable[[str], Any], raw: Any) -> Any:
    try:
        return parse(str(raw)) if raw else None
    except ValueError:
        return None


def _cross_field_errors(form: dict[str, Any], errors: dict[str, str]) -> None:
    """Every mistake of the event form at once: besides each field's own (pydantic), the
    rules between fields (dates in order, a known time zone) for the fields that did parse."""
    parsed = {
        "timezone": form.get("timezone") or None,
        "start_date": _lenient(date.fromisoformat, form.get("start_date")),
        "end_date": _lenient(date.fromisoformat, form.get("end_date")),
        "registration_opens_at": _lenient(
            datetime.fromisoformat, form.get("registration_opens_at")
        ),
        "registration_closes_at": _lenient(
            datetime.fromisoformat, form.get("registration_closes_at")
        ),
    }
    for problem in service.event_problems(parsed):
        errors.setdefault(problem.field, problem.message)


def _event_submit(
    request: Request,
    session: Session,
    form: dict[str, Any],
    event: Event | None,
    save: Callable[[], object],
    done: Callable[[], Response],
) -> Response:
    def fail(errors: dict[str, str], status: int) -> Response:
        if status == 422:
            _cross_field_errors(form, errors)
        if "languages" in errors:
            errors["languages_other"] = errors.pop("languages")
        return render(
            request,
            "events/event_form.html",
            _event_context(form, errors, event, request_locale(request)),
            status_code=status,
        )

    return submit_form(session, save, fail, done)


@router.get("/events/new")
def new_event_page(request: Request, user: Organiser) -> Response:
    return render(
        request,
        "events/event_form.html",
        _event_context(_event_form_values(None), {}, None, request_locale(request)),
    )


@router.post("/events/new")
async def new_event_submit(request: Request, session: SessionDep, user: Organiser) -> Response:
    form = await _form(request)
    created: list[Event] = []

    def save() -> None:
        data = EventCreate.model_validate(_parse_event_form(form))
        created.append(service.create_event(session, actor=user, data=data))

    return _event_submit(
        request,
        session,
        form,
        None,
        save,
        lambda: redirect(f"/events/{created[0].id}", flash="event-saved"),
    )


@router.get("/events/{event_id:int}/edit")
def edit_event_page(
    event_id: int, request: Request, session: SessionDep, user: Organiser
) -> Response:
    event = service.managed_event(session, user, event_id)
    return render(
        request,
        "events/event_form.html",
        _event_context(_event_form_values(event), {}, event, request_locale(request)),
    )


@router.post("/events/{event_id:int}/edit")
async def edit_event_submit(
    event_id: int, request: Request, session: SessionDep, user: Organiser
) -> Response:
    event = service.managed_event(session, user, event_id)
    form = await _form(request)

    def save() -> None:
        data = EventUpdate.model_validate(_parse_event_form(form))
        service.update_event(session, actor=user, event_id=event_id, data=data)

    return _event_submit(
        request,
        session,
        form,
        event,
        save,
        lambda: redirect(f"/events/{event_id}", flash="event-saved"),
    )


# ---- session forms ------------------------------------------------------------------------


def _session_form_values(event: Event, row: Any | None, table_count: int = 0) -> dict[str, Any]:
    zone = ZoneInfo(event.timezone)
    if row is None:
        return {
            "kind": SessionKind.matchmaking.value,
            "day": event.start_date.isoformat(),
            "start": "14:00",
            "end": "17:00",
            "slot_minutes": event.slot_minutes,
            "gap_minutes": 0,
            "table_count": 15,
            "breaks": "",
        }
    start, end = row.starts_at.astimezone(zone), row.ends_at.astimezone(zone)
    breaks = []
    for b in row.breaks:
        bs = datetime.fromisoformat(b["starts_at"]).astimezone(zone)
        be = datetime.fromisoformat(b["ends_at"]).astimezone(zone)
        breaks.append(f"{bs:%H:%M}-{be:%H:%M} {b.get('label', '')}".rstrip())
    return {
        "kind": row.kind,
        "title_vi": row.title_vi,
        "title_en": row.title_en,
        "room": row.room,
        "day": start.date().isoformat(),
        "start": f"{start:%H:%M}",
        "end": f"{end:%H:%M}",
        "slot_minutes": row.slot_minutes or event.slot_minutes,
        "gap_minutes": row.gap_minutes,
        "breaks": "\n".join(breaks),
        "table_count": table_count,
    }


def _parse_session_form(form: dict[str, Any], event: Event) -> dict[str, Any]:
    zone = ZoneInfo(event.timezone)
    try:
        day = date.fromisoformat(form.get("day", ""))
    except ValueError as exc:
        raise Invalid("day", "enter the date of the session") from exc

    def at(field: str) -> datetime:
        try:
            return datetime.combine(day, time.fromisoformat(form.get(field, "")), tzinfo=zone)
        except ValueError as exc:
            raise Invalid(field, "enter a time such as 14:00") from exc

    breaks = []
    for line in (form.get("breaks") or "").splitlines():
        if not line.strip():
            continue
        match = BREAK_LINE.match(line)
        if match is None:
            raise Invalid("breaks", "write each break as 15:20-15:40 Giải lao")
        h1, m1, h2, m2, label = match.groups()
        try:
            breaks.append(
                {
                    "starts_at": datetime.combine(day, time(int(h1), int(m1)), tzinfo=zone),
                    "ends_at": datetime.combine(day, time(int(h2), int(m2)), tzinfo=zone),
                    "label": label.strip(),
                }
            )
        except ValueError as exc:
            raise Invalid("breaks", "not a valid time") from exc
    data: dict[str, Any] = {
        "kind": form.get("kind") or SessionKind.matchmaking.value,
        "title_vi": form.get("title_vi", ""),
        "title_en": form.get("title_en", ""),
        "room": form.get("room", ""),
        "starts_at": at("start"),
        "ends_at": at("end"),
        "slot_minutes": form.get("slot_minutes") or None,
        "gap_minutes": form.get("gap_minutes") or 0,
        "breaks": breaks,
    }
    if "table_count" in form:
        data["table_count"] = form.get("table_count") or 0
    return data


def _table_count(form: dict[str, Any]) -> int | None:
    raw = str(form.get("table_count") or "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise Invalid("table_count", "enter a whole number of tables, at least 1")
    return int(raw)


def _session_context(
    event: Event, values: dict[str, Any], errors: dict[str, str], row: Any | None
) -> dict[str, Any]:
    return {
        "event": event,
        "values": values,
        "errors": errors,
        "row": row,
        "kinds": list(SessionKind),
    }


_FIELD_ALIASES = {"starts_at": "start", "ends_at": "end"}


def _session_errors(errors: dict[str, str]) -> dict[str, str]:
    return {_FIELD_ALIASES.get(k, k): v for k, v in errors.items()}


def _session_form_failure(
    request: Request, event: Event, form: dict[str, Any], row: Any | None
) -> Callable[[dict[str, str], int], Response]:
    def fail(errors: dict[str, str], status: int) -> Response:
        return render(
            request,
            "events/session_form.html",
            _session_context(event, form, _session_errors(errors), row),
            status_code=status,
        )

    return fail


def _session_saved(event_id: int) -> Callable[[], Response]:
    return lambda: redirect(f"/events/{event_id}", flash="session-saved")


@router.get("/events/{event_id:int}/sessions/new")
def new_session_page(
    event_id: int, request: Request, session: SessionDep, user: Organiser
) -> Response:
    event = service.managed_event(session, user, event_id)
    return render(
        request,
        "events/session_form.html",
        _session_context(event, _session_form_values(event, None), {}, None),
    )


@router.post("/events/{event_id:int}/sessions/new")
async def new_session_submit(
    event_id: int, request: Request, session: SessionDep, user: Organiser
) -> Response:
    event = service.managed_event(session, user, event_id)
    form = await _form(request)

    def save() -> None:
        data = SessionCreate.model_validate(_parse_session_form(form, event))
        service.create_session(session, actor=user, event_id=event_id, data=data)

    return submit_form(
        session, save, _session_form_failure(request, event, form, None), _session_saved(event_id)
    )


@router.get("/events/{event_id:int}/sessions/{session_id}/edit")
def edit_session_page(
    event_id: int, session_id: int, request: Request, session: SessionDep, user: Organiser
) -> Response:
    event = service.managed_event(session, user, event_id)
    row = service.get_session(session, event_id=event_id, session_id=session_id)
    count = len(service.list_tables(session, session_id=session_id))
    return render(
        request,
        "events/session_form.html",
        _session_context(event, _session_form_values(event, row, count), {}, row),
    )


@router.post("/events/{event_id:int}/sessions/{session_id}/edit")
async def edit_session_submit(
    event_id: int, session_id: int, request: Request, session: SessionDep, user: Organiser
) -> Response:
    event = service.managed_event(session, user, event_id)
    row = service.get_session(session, event_id=event_id, session_id=session_id)
    form = await _form(request)

    def save() -> None:
        parsed = _parse_session_form(form, event)
        parsed.pop("table_count", None)
        data = SessionUpdate.model_validate(parsed)
        updated = service.update_session(
            session, actor=user, event_id=event_id, session_id=session_id, data=data
        )
        count = _table_count(form)
        if count is not None and updated.kind == SessionKind.matchmaking.value:
            try:
                service.set_table_count(
                    session, actor=user, event_id=event_id, session_id=session_id, count=count
                )
            except service.TablesHoldMeetings as exc:
                numbers = ", ".join(str(n) for n in exc.numbers)
                exc.errors = [
                    FieldError(
                        "table_count",
                        _l(
                            "tables {numbers} hold meetings: move or cancel them before "
                            "removing these tables",
                            numbers=numbers,
                        ),
                    )
                ]
                raise

    return submit_form(
        session, save, _session_form_failure(request, event, form, row), _session_saved(event_id)
    )


@router.post("/events/{event_id:int}/sessions/{session_id}/delete")
async def delete_session_submit(
    event_id: int, session_id: int, request: Request, session: SessionDep, user: Organiser
) -> Response:
    form = await _form(request)
    event = service.managed_event(session, user, event_id)
    row = service.get_session(session, event_id=event_id, session_id=session_id)
    meetings = service.session_meeting_count(session, session_id)
    if form.get("confirm") != "delete" or meetings:
        # Ask first, naming what goes with the session; a session holding meetings cannot go.
        return render(
            request,
            "events/session_delete.html",
            {
                "event": event,
                "row": row,
                "slot_count": len(service.list_slots(session, session_id=session_id)),
                "table_count": len(service.list_tables(session, session_id=session_id)),
                "meeting_count": meetings,
            },
            status_code=409 if form.get("confirm") == "delete" else 200,
        )
    service.delete_session(session, actor=user, event_id=event_id, session_id=session_id)
    return redirect(f"/events/{event_id}", flash="session-deleted")
