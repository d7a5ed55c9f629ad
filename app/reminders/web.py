"""The organiser's page for reminders and online meetings: reminders on or off, the hour of
the day-before e-mail and the minutes before each meeting; per session, the video link
pattern and how its meetings are held (on-site, online, hybrid)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session, col, select

from app.deps import Organiser, SessionDep
from app.errors import FieldError, Invalid, NotFound, _l
from app.events import service as events
from app.events.models import Event, EventSession
from app.forms import read_form, submit_form
from app.meetings.models import Meeting, MeetingStatus
from app.reminders import online
from app.reminders.service import reminder_settings, update_settings
from app.types import pk
from app.web import redirect, render

router = APIRouter(include_in_schema=False)

KEEP = "keep"
JITSI_EXAMPLE = "https://meet.jit.si/ketnoi-{event}-{meeting}-{token}"


def _event(session: Session, user: Any, event_id: int) -> Event:
    event = events.managed_event(session, user, event_id)
    return event


def _page(
    request: Request,
    session: Session,
    event: Event,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    session_id: int | None = None,
    session_values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    settings = reminder_settings(session, pk(event))
    rows = events.list_sessions(session, event_id=pk(event))
    counts: dict[int, dict[str, int]] = {}
    for meeting in session.exec(
        select(Meeting).where(
            Meeting.event_id == pk(event), col(Meeting.status) != MeetingStatus.cancelled.value
        )
    ).all():
        if meeting.session_id is not None:
            by_mode = counts.setdefault(meeting.session_id, {})
            by_mode[meeting.mode] = by_mode.get(meeting.mode, 0) + 1
    shown = values or {
        "enabled": settings.enabled,
        "day_before_hour": settings.day_before_hour,
        "minutes_before": settings.minutes_before,
    }
    return render(
        request,
        "reminders/settings.html",
        {
            "event": event,
            "values": shown,
            "errors": errors or {},
            "sessions": [s for s in rows if s.kind == "matchmaking"] or rows,
            "counts": counts,
            "error_session": session_id,
            "session_values": session_values or {},
            "jitsi_example": JITSI_EXAMPLE,
        },
        status_code=status,
    )


@router.get("/events/{event_id:int}/reminders")
def reminders_page(
    request: Request, session: SessionDep, user: Organiser, event_id: int
) -> Response:
    return _page(request, session, _event(session, user, event_id))


@router.post("/events/{event_id:int}/reminders")
async def save_reminders(
    request: Request, session: SessionDep, user: Organiser, event_id: int
) -> Response:
    form = await read_form(request)
    event = _event(session, user, event_id)
    values = {
        "enabled": form.get("enabled") in ("1", "on"),
        "day_before_hour": form.get("day_before_hour"),
        "minutes_before": form.get("minutes_before"),
    }

    def save() -> None:
        update_settings(
            session,
            event_id=event_id,
            enabled=bool(values["enabled"]),
            day_before_hour=values["day_before_hour"],
            minutes_before=values["minutes_before"],
        )
        session.commit()

    def fail(errors: dict[str, str], status: int) -> Response:
        return _page(request, session, event, values=values, errors=errors, status=status)

    return submit_form(
        session, save, fail, lambda: redirect(f"/events/{event_id}/reminders", flash="saved")
    )


@router.post("/events/{event_id:int}/sessions/{session_id:int}/online")
async def save_session_online(
    request: Request, session: SessionDep, user: Organiser, event_id: int, session_id: int
) -> Response:
    form = await read_form(request)
    event = _event(session, user, event_id)
    row = session.get(EventSession, session_id)
    if row is None or row.event_id != event_id:
        raise NotFound("Session", session_id)
    pattern, mode = form.get("video_pattern"), form.get("mode") or KEEP

    def save() -> None:
        errors: list[FieldError] = []
        if mode not in (KEEP, *online.MODES):
            errors.append(
                FieldError("mode", _l("must be one of {values}", values=", ".join(online.MODES)))
            )
        problem = online.url_problem(pattern, pattern=True)
        if problem is not None:
            errors.append(FieldError("video_pattern", problem.message))
        if errors:
            raise Invalid(errors[0].field, errors[0].message, *errors[1:])
        online.set_session_pattern(session, row, pattern)
        if mode != KEEP:
            for meeting in session.exec(
                select(Meeting).where(
                    Meeting.session_id == session_id,
                    col(Meeting.status) != MeetingStatus.cancelled.value,
                )
            ).all():
                online.set_meeting_online(session, meeting, mode=mode, video_url=meeting.video_url)
        session.commit()

    def fail(errors: dict[str, str], status: int) -> Response:
        return _page(
            request,
            session,
            event,
            session_values={"video_pattern": pattern, "mode": mode},
            errors=errors,
            session_id=session_id,
            status=status,
        )

    return submit_form(
        session, save, fail, lambda: redirect(f"/events/{event_id}/reminders", flash="saved")
    )
