"""Asking for a meeting ("Request a meeting", for a delegate or on a member's behalf), and the
organisers' pages: propose a meeting between two people, and the list of all requests."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.auth.models import User
from app.deps import CurrentUser, Organiser, SessionDep
from app.errors import FieldError, Invalid, NotFound, NotRegistered
from app.events import service as events
from app.events.models import Event, SessionKind
from app.forms import positive_int as _int
from app.forms import read_form as _form
from app.forms import submit_form as _submit
from app.forms import url_with as _url
from app.meetings import commands, requests, rules, views
from app.meetings.models import Meeting, RequestStatus
from app.meetings.schemas import MeetingCreate, MeetingRequestCreate
from app.meetings.web_common import common, grid_url
from app.registration import service as registration
from app.registration.models import Participant, ParticipantRole
from app.types import pk
from app.web import redirect, render

router = APIRouter(include_in_schema=False)

REQUESTS_PAGE = 100


def _request_context(
    request: Request,
    session: Session,
    event: Event,
    me: Participant,
    them: Participant | None,
    values: dict[str, Any],
    errors: dict[str, str],
    acting: Participant | None = None,
) -> dict[str, Any]:
    mine, theirs = views.profile_choices(session, pk(event), me, them)
    approved = requests.may_ask(me)
    return {
        **common(request, event),
        "me": me,
        "them": views.people_views(session, [pk(them)])[pk(them)] if them is not None else None,
        "people": views.approved_people(session, pk(event), exclude=pk(me)) if them is None else [],
        "my_profiles": mine,
        "their_profiles": theirs,
        "values": values,
        "errors": errors,
        "acting_for": acting,
        # Past the end of the event (or the organisers' deadline) nothing can be asked, and
        # nothing before the organisers have approved the registration.
        "closed_reason": _requests_closed(session, event)
        or ("" if approved else requests.NOT_APPROVED),
        "not_approved": not approved,
    }


def _requests_closed(session: Session, event: Event) -> str:
    closed = rules.requests_closed(session, pk(event))
    return closed.detail if closed is not None else ""


def _requester(session: Session, user: User, event: Event, request: Request) -> Participant | None:
    """Who asks: the user's own registration, or the member named in ``?as=``."""
    wanted = registration.parse_as(request.query_params.get("as"))
    return registration.acting_person(session, user, event, wanted)


@router.get("/events/{event_id:int}/meeting-requests/new")
def new_request_page(
    event_id: int,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    to: str = "",
    profile: str = "",
    message: str = "",
) -> Response:
    event = events.get_event(session, event_id, viewer=user)
    them = views.recipient(session, event_id, _int(to), _int(profile))
    me = _requester(session, user, event, request)
    if me is None:
        if events.can_manage(session, user, event):
            # Organisers without a registration of their own propose meetings instead.
            return redirect(_url(f"/events/{event_id}/meetings/new", a=pk(them) if them else None))
        raise NotRegistered("Register for this event to ask for meetings")
    profile_id = _int(profile)
    values: dict[str, Any] = {
        "profile_ids": [str(profile_id)] if profile_id else [],
        "message": message[:2000],
    }
    return render(
        request,
        "meetings/request_form.html",
        _request_context(
            request, session, event, me, them, values, {}, registration.acting_for(me, user)
        ),
    )


@router.post("/events/{event_id:int}/meeting-requests/new")
async def new_request_submit(
    event_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    event = events.get_event(session, event_id, viewer=user)
    form = await _form(request)
    me = _requester(session, user, event, request)
    if me is None:
        raise NotRegistered("Register for this event to ask for meetings")
    me_id = pk(me)

    def save() -> None:
        recipient = _int(form.get("recipient_id"))
        missing = []
        if recipient is None:
            missing.append(FieldError("recipient_id", "choose the person you want to meet"))
        if not form.get("message"):
            missing.append(
                FieldError("message", "write a few words: who you are and what you wish to discuss")
            )
        if missing:
            raise Invalid(missing[0].field, missing[0].message, *missing[1:])
        assert recipient is not None
        profile_ids = [_int(v) for v in form.many("profile_ids")]
        data = MeetingRequestCreate.model_validate(
            {
                "recipient_id": recipient,
                "requester_id": me_id,
                "message": form.get("message"),
                # An unparseable id is an unknown profile: the service names it.
                "profile_ids": [i if i is not None else 0 for i in profile_ids],
            }
        )
        requests.create_request(session, actor=user, event_id=event_id, data=data)

    def fail(errors: dict[str, str], status: int) -> Response:
        fresh_event = events.get_event(session, event_id, viewer=user)
        fresh_me = _requester(session, user, fresh_event, request)
        assert fresh_me is not None  # as when the form was read
        them = None
        recipient = _int(form.get("recipient_id"))
        if recipient is not None and form.get("fixed") == "1":
            try:
                them = views.recipient(session, event_id, recipient, None)
            except NotFound:
                them = None
        values = {**form.values, "profile_ids": form.many("profile_ids")}
        return render(
            request,
            "meetings/request_form.html",
            _request_context(
                request,
                session,
                fresh_event,
                fresh_me,
                them,
                values,
                errors,
                registration.acting_for(fresh_me, user),
            ),
            status_code=status,
        )

    acting = registration.acting_for(me, user)
    return _submit(
        session,
        save,
        fail,
        lambda: redirect(
            _url(
                f"/events/{event_id}/meetings/mine", participant_id=pk(acting) if acting else None
            ),
            flash="request-sent",
        ),
    )


def _propose_context(
    request: Request,
    session: Session,
    event: Event,
    values: dict[str, Any],
    errors: dict[str, str],
) -> dict[str, Any]:
    people = views.approved_people(session, pk(event))
    sessions = [
        (
            row,
            events.list_slots(session, session_id=pk(row)),
            events.list_tables(session, session_id=pk(row)),
        )
        for row in events.list_sessions(session, event_id=pk(event))
        if row.kind == SessionKind.matchmaking.value
    ]
    return {
        **common(request, event),
        "parties": [p for p in people if p.role != ParticipantRole.interpreter.value],
        "interpreters": [p for p in people if p.role == ParticipantRole.interpreter.value],
        "sessions": sessions,
        "values": values,
        "errors": errors,
    }


@router.get("/events/{event_id:int}/meetings/new")
def propose_page(
    event_id: int,
    request: Request,
    session: SessionDep,
    user: Organiser,
    a: str = "",
    b: str = "",
) -> Response:
    event = events.managed_event(session, user, event_id)
    values = {
        "participant_a": _int(a) or "",
        "participant_b": _int(b) or "",
        "needs_confirmation": "1",
    }
    return render(
        request, "meetings/propose.html", _propose_context(request, session, event, values, {})
    )


@router.post("/events/{event_id:int}/meetings/new")
async def propose_submit(
    event_id: int, request: Request, session: SessionDep, user: Organiser
) -> Response:
    events.managed_event(session, user, event_id)
    form = await _form(request)
    created: list[Meeting] = []

    def save() -> None:
        a, b = _int(form.get("participant_a")), _int(form.get("participant_b"))
        if a is None or b is None:
            raise Invalid("participant_ids", "choose the two people who will meet")
        if a == b:
            raise Invalid("participant_ids", "choose two different people")
        interpreter = _int(form.get("interpreter_id"))
        if form.get("interpreter_id") and interpreter is None:
            raise Invalid("interpreter_id", "choose an interpreter from the list")
        slot_id, table_id = _int(form.get("slot_id")), _int(form.get("table_id"))
        if form.get("slot_id") and slot_id is None:
            raise Invalid("slot_id", "choose a slot from the list")
        if form.get("table_id") and table_id is None:
            raise Invalid("table_id", "choose a table from the list")
        data = MeetingCreate.model_validate(
            {
                "participant_ids": [a, b],
                "interpreter_ids": [interpreter] if interpreter else [],
                "needs_confirmation": form.get("needs_confirmation") == "1",
                "slot_id": slot_id,
                "table_id": table_id,
            }
        )
        created.append(commands.create_meeting(session, actor=user, event_id=event_id, data=data))

    def fail(errors: dict[str, str], status: int) -> Response:
        event = events.managed_event(session, user, event_id)
        if "interpreter_ids" in errors:
            errors["interpreter_id"] = errors.pop("interpreter_ids")
        return render(
            request,
            "meetings/propose.html",
            _propose_context(request, session, event, dict(form.values), errors),
            status_code=status,
        )

    def done() -> Response:
        meeting = created[0]
        if meeting.session_id is not None:
            url = _url(grid_url(event_id, meeting.session_id), flash="meeting-proposed")
            return redirect(url + f"#meeting-{meeting.id}")
        return redirect(f"/events/{event_id}/meeting-requests", flash="meeting-proposed")

    return _submit(session, save, fail, done)


def _status_filter(raw: str) -> RequestStatus | None:
    try:
        return RequestStatus(raw) if raw else None
    except ValueError:
        return None


def requests_context(
    request: Request,
    session: Session,
    user: User,
    event: Event,
    raw_status: str,
    offset: int,
    *,
    errors: dict[str, dict[str, str]] | None = None,
    values: dict[str, dict[str, str]] | None = None,
) -> dict[str, Any]:
    status = _status_filter(raw_status)
    rows, total = requests.list_requests(
        session, viewer=user, event_id=pk(event), status=status, limit=REQUESTS_PAGE, offset=offset
    )
    counts = {
        s.value: requests.list_requests(
            session, viewer=user, event_id=pk(event), status=s, limit=1
        )[1]
        for s in RequestStatus
    }
    matchmaking = [
        row
        for row in events.list_sessions(session, event_id=pk(event))
        if row.kind == SessionKind.matchmaking.value
    ]
    return {
        **common(request, event),
        "rows": views.request_views(session, event, rows),
        "total": total,
        "counts": counts,
        "all_count": sum(counts.values()),
        "status": status.value if status else "",
        "statuses": list(RequestStatus),
        "offset": offset,
        "page_size": REQUESTS_PAGE,
        "prev_url": _url(
            f"/events/{pk(event)}/meeting-requests",
            status=status.value if status else None,
            offset=max(offset - REQUESTS_PAGE, 0) or None,
        ),
        "next_url": _url(
            f"/events/{pk(event)}/meeting-requests",
            status=status.value if status else None,
            offset=offset + REQUESTS_PAGE,
        ),
        "matchmaking": matchmaking,
        "errors": errors or {},
        "values": values or {},
    }


@router.get("/events/{event_id:int}/meeting-requests")
def requests_page(
    event_id: int,
    request: Request,
    session: SessionDep,
    user: Organiser,
    status: str = "",
    offset: str = "",
) -> Response:
    event = events.managed_event(session, user, event_id)
    return render(
        request,
        "meetings/requests.html",
        requests_context(request, session, user, event, status, _int(offset) or 0),
    )
