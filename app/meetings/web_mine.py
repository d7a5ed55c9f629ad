"""A delegate's "My meetings" (``/events/{id}/meetings/mine``): requests received and sent,
the agenda, choosing a time in self-booking mode, and the answers to each; a delegation
head's page of every member's agenda.

Private pages send anonymous visitors to log in (a 401 becomes a redirect), show a 403 page
to the wrong role, and a draft event stays a 404 for outsiders."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import segno
from fastapi import APIRouter, Request
from fastapi.responses import Response
from markupsafe import Markup
from sqlmodel import Session

from app import pagecache
from app.auth.models import User
from app.db import one_thread
from app.deps import BearerToken, CurrentUser, SessionDep, signed_in
from app.errors import Forbidden, Invalid
from app.events import service as events
from app.events.models import BookingMode, Event
from app.forms import Form
from app.forms import positive_int as _int
from app.forms import read_form as _form
from app.forms import submit_form as _submit
from app.forms import url_with as _url
from app.meetings import booking, commands, queries, requests, views
from app.meetings.models import Meeting, MeetingStatus
from app.meetings.schemas import RequestBox
from app.meetings.web_common import LIST_LIMIT, common, revision_of
from app.meetings.web_requests import requests_context
from app.registration import service as registration
from app.registration.models import ApprovalStatus, Participant
from app.types import pk, utcnow
from app.web import redirect, render

router = APIRouter(include_in_schema=False)


def _whose(
    session: Session, user: User, event: Event, participant_id: int | None
) -> Participant | None:
    """The person whose meetings the page shows: the viewer's own registration, or (for a
    delegation head or an organiser) the one named in ``?as=`` (``?participant_id=``)."""
    return registration.acting_person(session, user, event, participant_id)


def _checkin_qr(person: Participant | None) -> Markup | None:
    """The person's check-in code as an inline SVG QR code (no image request: it shows on a
    phone without a network, from the saved page)."""
    if person is None or person.status != "approved" or not person.code:
        return None
    return _qr_svg(person.code)


@lru_cache(maxsize=4096)
def _qr_svg(code: str) -> Markup:
    """Drawn once per code and process (a few milliseconds each)."""
    return Markup(segno.make_qr(code, error="m").svg_inline(scale=5, border=2))


def _mine_context(
    request: Request,
    session: Session,
    user: User,
    event: Event,
    person: Participant | None,
    *,
    errors: dict[str, dict[str, str]] | None = None,
    values: dict[str, dict[str, str]] | None = None,
) -> dict[str, Any]:
    organiser = events.can_manage(session, user, event)
    context: dict[str, Any] = {
        **common(request, event),
        "person": person,
        "organiser": organiser,
        "errors": errors or {},
        "values": values or {},
        "self_service": event.booking_mode == BookingMode.self_service.value,
        # Shown on the page so that a copy saved on the phone says how old it is.
        "updated_at": utcnow(),
        "checkin_qr": _checkin_qr(person),
    }
    if person is None:
        return context
    me = pk(person)
    show_times = events.schedule_visible(session, user, event)
    meetings, _ = queries.list_meetings(
        session, viewer=user, event_id=pk(event), participant_id=me, limit=LIST_LIMIT
    )
    agenda = views.agenda(session, event, meetings, show_times=show_times)
    if context["self_service"] and person.status == ApprovalStatus.approved.value:
        for view in agenda:
            if (
                view.status == MeetingStatus.confirmed.value
                and view.slot_id is None
                and view.is_party(me)
                and not view.locked
            ):
                view.free_slots = booking.common_free_slots(session, view.id)
    # both boxes in one statement (newest first), then each kept to the list's length
    both, _ = requests.list_requests(
        session,
        viewer=user,
        event_id=pk(event),
        box=RequestBox.all,
        participant_id=me,
        limit=2 * LIST_LIMIT,
    )
    inbox = [r for r in both if r.recipient_id == me][:LIST_LIMIT]
    outbox = [r for r in both if r.recipient_id != me][:LIST_LIMIT]
    answers = views.request_views(session, event, [*inbox, *outbox])  # read together
    context.update(
        {
            "me": me,
            "show_times": show_times,
            "agenda": agenda,
            "next_meeting": next(
                (
                    v
                    for v in agenda
                    if v.open and v.starts_at is not None and (v.ends_at or v.starts_at) > utcnow()
                ),
                None,
            ),
            "booked": [v for v in agenda if v.starts_at is not None and not v.cancelled],
            "inbox": answers[: len(inbox)],
            "outbox": answers[len(inbox) :],
            "acting_for": registration.acting_for(person, user),
            "published": event.schedule_published_at is not None,
        }
    )
    return context


@router.get("/events/{event_id:int}/meetings/mine")
async def my_meetings_page(
    event_id: int,
    request: Request,
    session: SessionDep,
    token: BearerToken,
    participant_id: str = "",
) -> Response:
    # read by a crowd on the event day: the whole page in one worker thread
    return await one_thread(
        session,
        lambda: _my_meetings(event_id, request, session, token, participant_id),
        reads_only=True,
    )


def _my_meetings(
    event_id: int, request: Request, session: Session, token: str | None, participant_id: str
) -> Response:
    user = signed_in(request, session, token, event_id)
    event = events.get_event(session, event_id, viewer=user)
    wanted = registration.parse_as(request.query_params.get("as") or participant_id)
    person = _whose(session, user, event, wanted)

    def build() -> Response:
        return render(
            request, "meetings/mine.html", _mine_context(request, session, user, event, person)
        )

    if person is None:
        return build()
    # Read again while nothing of theirs changed: their meetings, requests and event (the
    # stamp) and their own row (already loaded), for a few seconds at most.
    stamp = (
        queries.agenda_stamp(session, event=event, participant_id=pk(person)),
        person.updated_at,
        person.status,
    )
    return pagecache.private_page(
        request,
        reader=(pk(user), pk(person)),
        stamp=stamp,
        build=build,
        allowed=("as", "participant_id"),
    )


def _back(event_id: int, form: Form) -> str:
    """Where a form on the agenda or the requests list returns to (only known pages)."""
    if form.get("back") == "requests":
        return _url(f"/events/{event_id}/meeting-requests", status=form.get("filter_status"))
    return _url(
        f"/events/{event_id}/meetings/mine", participant_id=_int(form.get("participant_id"))
    )


def _mine_failure(
    request: Request,
    session: Session,
    user: User,
    event_id: int,
    form: Form,
    key: str,
) -> Callable[[dict[str, str], int], Response]:
    """Re-render "My meetings" (or the organisers' request list) with the messages next to
    the form that failed, identified by ``key`` (e.g. ``decline-12``)."""

    def fail(errors: dict[str, str], status: int) -> Response:
        event = events.get_event(session, event_id, viewer=user)
        if form.get("back") == "requests":
            events.require_manage(session, user, event)
            context = requests_context(
                request,
                session,
                user,
                event,
                form.get("filter_status"),
                0,
                errors={key: errors},
                values={key: form.values},
            )
            return render(request, "meetings/requests.html", context, status_code=status)
        person = _whose(session, user, event, _int(form.get("participant_id")))
        context = _mine_context(
            request,
            session,
            user,
            event,
            person,
            errors={key: errors},
            values={key: form.values},
        )
        return render(request, "meetings/mine.html", context, status_code=status)

    return fail


@router.post("/events/{event_id:int}/meeting-requests/{request_id:int}/accept")
async def accept_submit(
    event_id: int, request_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    form = await _form(request)
    created: list[Meeting] = []

    def save() -> None:
        created.append(
            requests.accept_request(session, actor=user, event_id=event_id, request_id=request_id)
        )

    def done() -> Response:
        target = _back(event_id, form)
        return redirect(target, flash="request-accepted")

    fail = _mine_failure(request, session, user, event_id, form, f"request-{request_id}")
    return _submit(session, save, fail, done)


@router.post("/events/{event_id:int}/meeting-requests/{request_id:int}/decline")
async def decline_submit(
    event_id: int, request_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    form = await _form(request)

    def save() -> None:
        # The service checks the reason (required, at most 1000 characters).
        requests.decline_request(
            session,
            actor=user,
            event_id=event_id,
            request_id=request_id,
            reason=form.get("reason"),
        )

    fail = _mine_failure(request, session, user, event_id, form, f"request-{request_id}")
    return _submit(
        session, save, fail, lambda: redirect(_back(event_id, form), flash="request-declined")
    )


@router.post("/events/{event_id:int}/meeting-requests/{request_id:int}/cancel")
async def cancel_request_submit(
    event_id: int, request_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    form = await _form(request)

    def save() -> None:
        requests.cancel_request(session, actor=user, event_id=event_id, request_id=request_id)

    fail = _mine_failure(request, session, user, event_id, form, f"request-{request_id}")
    return _submit(
        session, save, fail, lambda: redirect(_back(event_id, form), flash="request-withdrawn")
    )


@router.post("/events/{event_id:int}/meetings/{meeting_id:int}/book")
async def book_submit(
    event_id: int, meeting_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    form = await _form(request)

    def save() -> None:
        slot_id = _int(form.get("slot_id"))
        if slot_id is None:
            raise Invalid("slot_id", "choose a time")
        commands.book_meeting(
            session,
            actor=user,
            event_id=event_id,
            meeting_id=meeting_id,
            slot_id=slot_id,
            revision=revision_of(form),
        )

    fail = _mine_failure(request, session, user, event_id, form, f"meeting-{meeting_id}")
    return _submit(
        session, save, fail, lambda: redirect(_back(event_id, form), flash="meeting-booked")
    )


@router.post("/events/{event_id:int}/meetings/{meeting_id:int}/confirm")
async def confirm_submit(
    event_id: int, meeting_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    form = await _form(request)

    def save() -> None:
        commands.confirm_meeting(
            session,
            actor=user,
            event_id=event_id,
            meeting_id=meeting_id,
            revision=revision_of(form),
        )

    fail = _mine_failure(request, session, user, event_id, form, f"meeting-{meeting_id}")
    return _submit(
        session, save, fail, lambda: redirect(_back(event_id, form), flash="meeting-confirmed")
    )


@router.post("/events/{event_id:int}/meetings/{meeting_id:int}/cancel")
async def cancel_meeting_submit(
    event_id: int, meeting_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    form = await _form(request)

    def save() -> None:
        # The service checks the reason (required, at most 1000 characters).
        commands.cancel_meeting(
            session,
            actor=user,
            event_id=event_id,
            meeting_id=meeting_id,
            reason=form.get("reason"),
            revision=revision_of(form),
        )

    fail = _mine_failure(request, session, user, event_id, form, f"meeting-{meeting_id}")
    return _submit(
        session, save, fail, lambda: redirect(_back(event_id, form), flash="meeting-cancelled")
    )


@router.get("/events/{event_id:int}/delegations/{delegation_id:int}/agenda")
def delegation_agenda_page(
    event_id: int, delegation_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    """The head (or an organiser) sees the meetings of every member of the delegation, one
    section per member, each with a link to act on their behalf."""
    event, delegation = registration.get_delegation(
        session, viewer=user, event_id=event_id, delegation_id=delegation_id
    )
    if not registration.can_manage_delegation(session, user, event, delegation):
        raise Forbidden("Only the event's organisers or the head of the delegation see this")
    show_times = events.schedule_visible(session, user, event)
    members = []
    for person in registration.delegation_members(session, delegation_id, approved_only=False):
        meetings, _ = queries.list_meetings(
            session, viewer=user, event_id=event_id, participant_id=pk(person), limit=LIST_LIMIT
        )
        agenda = views.agenda(session, event, meetings, show_times=show_times)
        members.append({"person": person, "agenda": agenda})
    return render(
        request,
        "meetings/delegation_agenda.html",
        {
            **common(request, event),
            "delegation": delegation,
            "members": members,
            "show_times": show_times,
        },
    )
