"""Calendars (.ics), printed agendas (PDF) and print jobs: parse, call one service, shape the
response (media type, file name, ETag and caching)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Query, Request, Response
from pydantic import BaseModel, Field

from app.deps import CurrentUser, OptionalUser, Organiser, SessionDep
from app.exports import jobs, service
from app.exports.responses import calendar_response, job_response, pdf_response
from app.types import DbInt

router = APIRouter(prefix="/api/v1/events", tags=["calendars and printing"])

P = "/{event_id}/participants/{participant_id}"
ICS: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/calendar": {}}, "description": "An RFC 5545 calendar"}
}
PDF: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": {}}, "description": "A PDF document"}
}
Lang = Annotated[str | None, Query(pattern="^(vi|en)$", description="vi or en")]


class CalendarLinkPublic(BaseModel):
    participant_id: DbInt
    url: str = Field(description="The feed's https URL: shown once, only its digest is kept")
    webcal_url: str
    created_at: datetime


class PrintJobCreate(BaseModel):
    what: jobs.PrintWhat
    session_id: DbInt | None = None
    delegation_id: DbInt | None = None
    by_delegation: bool = False
    lang: str | None = Field(default=None, pattern="^(vi|en)$")


class PrintJobPublic(BaseModel):
    id: str
    event_id: DbInt
    what: jobs.PrintWhat
    status: jobs.JobStatus
    done: int
    total: int
    error: str
    download_url: str | None
    created_at: datetime
    updated_at: datetime


def job_public(job: jobs.PrintJob) -> PrintJobPublic:
    done = job.status == jobs.JobStatus.done.value
    return PrintJobPublic(
        id=job.id,
        event_id=job.event_id,
        what=jobs.PrintWhat(job.what),
        status=jobs.JobStatus(job.status),
        done=job.done,
        total=job.total,
        error=job.error,
        download_url=(
            f"/api/v1/events/{job.event_id}/print-jobs/{job.id}/download" if done else None
        ),
        created_at=datetime.fromisoformat(job.created_at),
        updated_at=datetime.fromisoformat(job.updated_at),
    )


# ---- calendars -----------------------------------------------------------------------------


@router.get("/{event_id}/calendar.ics", response_class=Response, responses=ICS)
def programme_calendar(
    event_id: DbInt, request: Request, session: SessionDep, user: OptionalUser, lang: Lang = None
) -> Response:
    """The public programme: one calendar event per session. A draft is a 404 to outsiders."""
    doc = service.programme_calendar(session, viewer=user, event_id=event_id, lang=lang)
    cache = "private, no-cache" if doc.private else "public, max-age=300"
    return calendar_response(request, doc, cache=cache)


@router.get(P + "/calendar.ics", response_class=Response, responses=ICS)
def personal_calendar(
    event_id: DbInt,
    participant_id: DbInt,
    request: Request,
    session: SessionDep,
    user: OptionalUser,
    token: Annotated[str | None, Query(max_length=200)] = None,
    lang: Lang = None,
    download: bool = False,
) -> Response:
    """A participant's meetings, cancelled ones included. With ``token`` (the subscription
    link) no log-in is needed; a wrong or revoked token is a 404. Without a token: the
    person, their delegation head or the organisers. ``download=true``: a one-off file
    without refresh hints."""
    doc = service.personal_calendar(
        session,
        viewer=user,
        event_id=event_id,
        participant_id=participant_id,
        token=token,
        lang=lang,
        feed=not download,
    )
    return calendar_response(request, doc, cache="private, no-cache", attachment=download)


@router.post(P + "/calendar-token", response_model=CalendarLinkPublic, status_code=201)
def reset_calendar_link(
    event_id: DbInt,
    participant_id: DbInt,
    session: SessionDep,
    user: CurrentUser,
    response: Response,
) -> CalendarLinkPublic:
    """A new subscription link for the person; the previous link stops working at once. The
    URL is in this response only."""
    url, webcal, row = service.reset_calendar_link(
        session, actor=user, event_id=event_id, participant_id=participant_id
    )
    response.headers["Cache-Control"] = "no-store"
    return CalendarLinkPublic(
        participant_id=participant_id, url=url, webcal_url=webcal, created_at=row.created_at
    )


@router.delete(P + "/calendar-token", status_code=204)
def revoke_calendar_link(
    event_id: DbInt, participant_id: DbInt, session: SessionDep, user: CurrentUser
) -> Response:
    service.revoke_calendar_link(
        session, actor=user, event_id=event_id, participant_id=participant_id
    )
    return Response(status_code=204)


@router.get(
    "/{event_id}/meetings/{meeting_id}/calendar.ics", response_class=Response, responses=ICS
)
def meeting_calendar(
    event_id: DbInt,
    meeting_id: DbInt,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    lang: Lang = None,
) -> Response:
    """One meeting, for its people, their delegation heads and the organisers."""
    doc = service.meeting_calendar(
        session, viewer=user, event_id=event_id, meeting_id=meeting_id, lang=lang
    )
    return calendar_response(request, doc, cache="private, no-cache", attachment=True)


# ---- printed documents ---------------------------------------------------------------------


@router.get(P + "/agenda.pdf", response_class=Response, responses=PDF)
def personal_agenda(
    event_id: DbInt, participant_id: DbInt, session: SessionDep, user: CurrentUser
) -> Response:
    """The person's agenda (A4, bilingual, with the check-in QR code)."""
    return pdf_response(
        service.personal_agenda_pdf(
            session, viewer=user, event_id=event_id, participant_id=participant_id
        )
    )


@router.get("/{event_id}/agendas.pdf", response_class=Response, responses=PDF)
def agendas(
    event_id: DbInt,
    session: SessionDep,
    user: Organiser,
    delegation_id: DbInt | None = None,
    session_id: DbInt | None = None,
    by_delegation: bool = False,
) -> Response:
    """Everyone's agenda in one file, each person from a new page. For more than a couple of
    hundred people this is a 409: use a print job."""
    return pdf_response(
        service.agendas_pdf(
            session,
            actor=user,
            event_id=event_id,
            delegation_id=delegation_id,
            session_id=session_id,
            by_delegation=by_delegation,
        )
    )


@router.get("/{event_id}/tables.pdf", response_class=Response, responses=PDF)
def table_sheets(
    event_id: DbInt,
    session: SessionDep,
    user: Organiser,
    session_id: DbInt | None = None,
    lang: Lang = None,
) -> Response:
    """A door sheet per table of each B2B session (or of ``session_id``)."""
    return pdf_response(
        service.tables_pdf(session, actor=user, event_id=event_id, session_id=session_id, lang=lang)
    )


@router.get("/{event_id}/grid.pdf", response_class=Response, responses=PDF)
def master_grid(
    event_id: DbInt,
    session: SessionDep,
    user: Organiser,
    session_id: DbInt | None = None,
    lang: Lang = None,
) -> Response:
    """Tables × slots of each B2B session (or of ``session_id``), landscape."""
    return pdf_response(
        service.grid_pdf(session, actor=user, event_id=event_id, session_id=session_id, lang=lang)
    )


# ---- print jobs ----------------------------------------------------------------------------


@router.post("/{event_id}/print-jobs", response_model=PrintJobPublic, status_code=202)
def create_print_job(
    event_id: DbInt,
    data: PrintJobCreate,
    session: SessionDep,
    user: Organiser,
    background: BackgroundTasks,
    response: Response,
) -> PrintJobPublic:
    """Start printing in the background; poll the job, then download its PDF."""
    job = jobs.create_job(
        session,
        actor=user,
        event_id=event_id,
        what=data.what,
        session_id=data.session_id,
        delegation_id=data.delegation_id,
        by_delegation=data.by_delegation,
        lang=data.lang,
    )
    background.add_task(jobs.start, job.id)
    response.headers["Location"] = f"/api/v1/events/{event_id}/print-jobs/{job.id}"
    return job_public(job)


@router.get("/{event_id}/print-jobs/{job_id}", response_model=PrintJobPublic)
def read_print_job(
    event_id: DbInt, job_id: str, session: SessionDep, user: Organiser, response: Response
) -> PrintJobPublic:
    response.headers["Cache-Control"] = "no-store"
    return job_public(jobs.get_job(session, actor=user, event_id=event_id, job_id=job_id))


@router.get("/{event_id}/print-jobs/{job_id}/download", response_class=Response, responses=PDF)
def download_print_job(
    event_id: DbInt, job_id: str, session: SessionDep, user: Organiser
) -> Response:
    body, filename = jobs.job_file(session, actor=user, event_id=event_id, job_id=job_id)
    return job_response(body, filename)
