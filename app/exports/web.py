"""Pages: a participant's "Calendar and agenda" (subscription link, reset, downloads) and the
organisers' print page (print jobs with a progress bar and a download link)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.auth.models import User
from app.deps import CurrentUser, Organiser, SessionDep
from app.errors import DomainError, Invalid, NotFound
from app.events import service as events
from app.events.models import Event, SessionKind
from app.exports import jobs, service
from app.exports.responses import job_response
from app.forms import submit_form
from app.registration import delegations as delegation_service
from app.registration import queries as registration_queries
from app.registration import service as registration
from app.registration.models import Participant
from app.types import pk
from app.web import check_csrf, redirect, render, request_locale

router = APIRouter(include_in_schema=False)

PAGE = "/events/{event_id:int}/participants/{participant_id:int}/calendar"


async def _form(request: Request) -> dict[str, str]:
    data = await request.form()
    values = {k: v for k, v in data.items() if isinstance(v, str)}
    check_csrf(request, values.pop("csrf_token", None))
    return values


def _person(
    session: Session, user: User, event_id: int, participant_id: int
) -> tuple[Event, Participant]:
    event = events.get_event(session, event_id, viewer=user)
    person = registration.get_participant(session, event_id=event_id, participant_id=participant_id)
    registration.require_act_for(session, user, event, person)
    return event, person


def _calendar_context(
    session: Session,
    user: User,
    event: Event,
    person: Participant,
    *,
    new_link: tuple[str, str] | None = None,
) -> dict[str, Any]:
    show = events.schedule_visible(session, user, event)
    view = service.person_view(session, event, person, show_times=show, include_cancelled=True)
    base = f"/api/v1/events/{pk(event)}/participants/{pk(person)}"
    return {
        "event": event,
        "person": person,
        "agenda": view,
        "zone": event.timezone,
        "active": service.active_calendar_token(session, participant_id=pk(person)),
        "new_link": new_link,
        "ics_url": base + "/calendar.ics?download=true",
        "pdf_url": base + "/agenda.pdf",
        "page_url": f"/events/{pk(event)}/participants/{pk(person)}/calendar",
        "is_self": registration.is_self(person, user),
    }


@router.get("/events/{event_id:int}/calendar")
def my_calendar(event_id: int, session: SessionDep, user: CurrentUser) -> Response:
    """The event page links here: the logged-in person's own calendar page."""
    person = registration_queries.own_registration(session, user=user, event_id=event_id)
    return redirect(f"/events/{event_id}/participants/{pk(person)}/calendar")


@router.get(PAGE)
def calendar_page(
    event_id: int, participant_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    event, person = _person(session, user, event_id, participant_id)
    context = _calendar_context(session, user, event, person)
    context["done"] = request.query_params.get("done")
    return render(request, "exports/calendar.html", context)


@router.post(PAGE + "/link")
async def calendar_link_reset(
    event_id: int, participant_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    """Issue a new link (the old one stops working) and show it, this once: the page is the
    response itself, not a redirect, so the secret never lands in a URL of the history."""
    await _form(request)
    url, webcal, _ = service.reset_calendar_link(
        session, actor=user, event_id=event_id, participant_id=participant_id
    )
    event, person = _person(session, user, event_id, participant_id)
    context = _calendar_context(session, user, event, person, new_link=(url, webcal))
    return render(
        request,
        "exports/calendar.html",
        context,
        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )


@router.get(PAGE + "/link")
def calendar_link_page(event_id: int, participant_id: int) -> Response:
    """The address of the page that showed a new link, opened again (a phone restoring the
    tab, the history): the calendar page, where the link is copied or made anew, rather than
    "GET is not allowed". The link itself is shown only once (above)."""
    return redirect(f"/events/{event_id}/participants/{participant_id}/calendar")


@router.post(PAGE + "/link/revoke")
async def calendar_link_revoke(
    event_id: int, participant_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    await _form(request)
    service.revoke_calendar_link(
        session, actor=user, event_id=event_id, participant_id=participant_id
    )
    return redirect(f"/events/{event_id}/participants/{participant_id}/calendar?done=revoked")


# ---- organisers' print page ----------------------------------------------------------------


def _print_context(session: Session, user: User, event: Event, request: Request) -> dict[str, Any]:
    _, delegations = delegation_service.list_delegations(session, viewer=user, event_id=pk(event))
    sessions = [
        s
        for s in events.list_sessions(session, event_id=pk(event))
        if s.kind == SessionKind.matchmaking.value
    ]
    job = None
    job_id = request.query_params.get("job")
    if job_id:
        try:
            job = jobs.get_job(session, actor=user, event_id=pk(event), job_id=job_id)
        except NotFound:
            job = None
    zone = ZoneInfo(event.timezone)
    recent = [
        {
            "job": j,
            "when": datetime.fromisoformat(j.created_at)
            .astimezone(zone)
            .strftime("%d/%m/%Y %H:%M"),
        }
        for j in jobs.recent_jobs(pk(event), session=session)
    ]
    return {
        "event": event,
        "delegations": delegations,
        "sessions": sessions,
        "job": job,
        "recent_jobs": recent,
        "errors": {},
        "values": {},
    }


@router.get("/events/{event_id:int}/print")
def print_page(event_id: int, request: Request, session: SessionDep, user: Organiser) -> Response:
    event = events.managed_event(session, user, event_id)
    return render(request, "exports/print.html", _print_context(session, user, event, request))


def _optional_int(values: dict[str, str], name: str) -> int | None:
    raw = values.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise Invalid(name, "choose from the list")
    return int(raw)


@router.get("/events/{event_id:int}/print/{job_id}/download")
def print_download(
    event_id: int, job_id: str, request: Request, session: SessionDep, user: Organiser
) -> Response:
    """The PDF of a print job for a browser: the file once it is ready, else the print page
    with the job's progress and a message (never the API's problem JSON)."""
    event = events.managed_event(session, user, event_id)
    try:
        body, filename = jobs.job_file(session, actor=user, event_id=event_id, job_id=job_id)
    except DomainError as exc:
        if exc.status in (401, 403):
            raise
        context = _print_context(session, user, event, request)
        try:
            context["job"] = jobs.get_job(session, actor=user, event_id=event_id, job_id=job_id)
        except NotFound:
            context["job"] = None
        context["not_ready"] = True
        return render(request, "exports/print.html", context, status_code=exc.status)
    return job_response(body, filename)


@router.post("/events/{event_id:int}/print")
async def print_submit(
    event_id: int,
    request: Request,
    session: SessionDep,
    user: Organiser,
    background: BackgroundTasks,
) -> Response:
    values = await _form(request)
    event = events.managed_event(session, user, event_id)
    created: list[jobs.PrintJob] = []

    def save() -> None:
        what = values.get("what", "")
        if what not in {w.value for w in jobs.PrintWhat}:
            raise Invalid("what", "choose what to print")
        created.append(
            jobs.create_job(
                session,
                actor=user,
                event_id=event_id,
                what=jobs.PrintWhat(what),
                session_id=_optional_int(values, "session_id"),
                delegation_id=_optional_int(values, "delegation_id"),
                by_delegation=values.get("by_delegation") == "1",
                lang=request_locale(request),
                second=values.get("second") or None,
            )
        )

    def fail(errors: dict[str, str], status: int) -> Response:
        context = _print_context(session, user, event, request)
        context.update({"errors": errors, "values": values})
        return render(request, "exports/print.html", context, status_code=status)

    def done() -> Response:
        background.add_task(jobs.start, created[0].id)
        return redirect(f"/events/{event_id}/print?job={created[0].id}#job")

    return submit_form(session, save, fail, done)
