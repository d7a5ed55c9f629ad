"""The organiser's page for reminders and online meetings: reminders on or off, the hour of
the day-before e-mail and the minutes before each meeting; per session, the video link
pattern and how its meetings are held (on-site, online, hybrid)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.deps import Organiser, SessionDep
from app.events import service as events
from app.events.models import Event
from app.forms import read_form, submit_form
from app.reminders import online
from app.reminders.service import reminder_settings, update_settings
from app.types import pk
from app.web import redirect, render

router = APIRouter(include_in_schema=False)

KEEP = "keep"
JITSI_EXAMPLE = "https://meet.jit.si/ketnoi-{event}-{meeting}-{token}"


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
    counts = online.modes_by_session(session, event_id=pk(event))
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
    return _page(request, session, events.managed_event(session, user, event_id))


@router.post("/events/{event_id:int}/reminders")
async def save_reminders(
    request: Request, session: SessionDep, user: Organiser, event_id: int
) -> Response:
    form = await read_form(request)
    event = events.managed_event(session, user, event_id)
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
    event = events.managed_event(session, user, event_id)
    row = events.get_session(session, event_id=event_id, session_id=session_id)
    pattern, mode = form.get("video_pattern"), form.get("mode") or KEEP

    def save() -> None:
        online.set_session_online(
            session, row, pattern=pattern, mode=None if mode == KEEP else mode
        )

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
