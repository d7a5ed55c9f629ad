"""What the meetings pages share: the page context every one starts from, a form's revision,
and the grid's address (who sees times is events.schedule_visible)."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from app.events.models import Event
from app.forms import Form
from app.forms import positive_int as _int
from app.meetings.models import ACTIVE_STATUSES
from app.vocab import COUNTRIES, label
from app.web import request_locale

LIST_LIMIT = 200
ACTIVE = [s.value for s in ACTIVE_STATUSES]


def common(request: Request, event: Event) -> dict[str, Any]:
    locale = request_locale(request)
    return {
        "event": event,
        "zone": event.timezone,
        "country_label": lambda code: label(COUNTRIES, code, locale) if code else "",
        "flash": None,  # base.html knows only the events' messages; ours are shown by us
        "notice": request.query_params.get("flash"),
    }


def revision_of(form: Form) -> int | None:
    return _int(form.get("revision"))


def grid_url(event_id: int, session_id: int) -> str:
    return f"/events/{event_id}/sessions/{session_id}/grid"
