"""The outbox page (``/dev/outbox``): every e-mail the product has queued, for organisers to
check what people were told, and for development without an SMTP server.

Admins see every message; other organisers only those of the events they manage, since the
messages carry participants' names and e-mail addresses.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.auth.models import User
from app.deps import Organiser, SessionDep
from app.notifications import outbox
from app.notifications.sender import DEFAULT_MAX_ATTEMPTS
from app.notifications.service import KINDS
from app.settings import get_settings
from app.web import render

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50
STATES = ("unsent", "sent", "failed")


def _int(value: str) -> int | None:
    value = value.strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 12 else None


def _outbox_context(
    session: Session, user: User, *, state: str, kind: str, event_id: int | None, offset: int
) -> dict[str, Any]:
    rows, total, titles = outbox.page(
        session,
        user,
        state=state,
        kind=kind if kind in KINDS else "",
        event_id=event_id,
        offset=offset,
        limit=PAGE_SIZE,
    )
    params = {"state": state, "kind": kind if kind in KINDS else "", "event_id": event_id or ""}

    def page_url(new_offset: int) -> str:
        kept = {k: str(v) for k, v in {**params, "offset": new_offset or ""}.items() if v}
        return "/dev/outbox" + (f"?{urlencode(kept)}" if kept else "")

    settings = get_settings()
    return {
        "rows": rows,
        "events": titles,
        "total": total,
        "offset": offset,
        "page_size": PAGE_SIZE,
        "state": state if state in STATES else "",
        "states": STATES,
        "kind": kind if kind in KINDS else "",
        "kinds": KINDS,
        "event_id": event_id,
        "prev_url": page_url(max(offset - PAGE_SIZE, 0)),
        "next_url": page_url(offset + PAGE_SIZE),
        "smtp_host": settings.smtp_host,
        "max_attempts": DEFAULT_MAX_ATTEMPTS,
    }


@router.get("/dev/outbox")
def outbox_page(
    request: Request,
    session: SessionDep,
    user: Organiser,
    state: str = "",
    kind: str = "",
    event_id: str = "",
    offset: str = "",
) -> Response:
    context = _outbox_context(
        session,
        user,
        state=state if state in STATES else "",
        kind=kind,
        event_id=_int(event_id),
        offset=_int(offset) or 0,
    )
    return render(request, "meetings/outbox.html", context)
