"""What the outcome pages share: the page context and who may open them."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from sqlmodel import Session

from app.auth.models import User
from app.checkin import service as checkin_service
from app.errors import Forbidden
from app.events import service as events
from app.events.models import Event
from app.outcomes.models import NextStep

FORM_STEPS = (NextStep.nda, NextStep.visit, NextStep.pilot, NextStep.contract)


def common(request: Request, event: Event) -> dict[str, Any]:
    return {
        "event": event,
        "zone": event.timezone,
        "flash": None,  # base.html knows only the events' messages; ours are shown by us
        "notice": request.query_params.get("flash"),
    }


def staff(session: Session, user: User, event_id: int) -> Event:
    event = events.get_event(session, event_id, viewer=user)
    if not checkin_service.can_check_in(session, user, event):
        raise Forbidden("Only the event's organisers and staff can check people in")
    return event


def safe_back(value: str, event_id: int) -> str | None:
    """A return address inside this event's pages only (never another site)."""
    prefix = f"/events/{event_id}/"
    if value.startswith(prefix) and "//" not in value and "\\" not in value:
        return value
    return None
