"""The organisers' report page. Its PDF and its rows (XLSX) are print jobs
(app.exports.jobs): at a real event's size they take seconds."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.deps import CurrentUser, SessionDep
from app.events import service as events
from app.events.models import Event
from app.outcomes import report
from app.outcomes.web_common import common as _common
from app.types import pk
from app.web import render, request_locale

router = APIRouter(include_in_schema=False)


# ---- the organiser's report ---------------------------------------------------------------


def _filename(event: Event, suffix: str) -> str:
    return f"ket-qua-su-kien-{pk(event)}.{suffix}"


@router.get("/events/{event_id:int}/report")
def report_page(
    event_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    event = events.managed_event(session, user, event_id)
    body = report.render_report_html(
        report.event_report_view(session, event), request_locale(request)
    )
    return render(request, "outcomes/report.html", {**_common(request, event), "body": body})
