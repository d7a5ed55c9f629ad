"""The event-day "now" view of a B2B session, for the organisers and the staff in the hall:
one slot at a time (the current one by default, previous and next a tap away), each table
with its meeting, who of its people has checked in and who is missing, and the held /
no-show buttons. Made for a phone: a list of tables, not the whole grid. The page refreshes
its list by itself (static/js/live.js)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.checkin import service as checkin_service
from app.checkin.service import checked_in_map
from app.deps import CurrentUser, SessionDep
from app.errors import DomainError, Forbidden, NotFound
from app.events import service as events
from app.events.models import MeetingTable, SessionKind, Slot
from app.forms import read_form
from app.meetings import queries as meeting_queries
from app.meetings.views import MeetingView, meeting_views
from app.outcomes import repair as repairs
from app.types import pk, utcnow
from app.web import redirect, render

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class TableNow:
    table: MeetingTable
    meeting: MeetingView | None
    present: list[int]
    missing: list[int]


def current_slot(slots: list[Slot], now: datetime, chosen: int | None) -> Slot | None:
    """The slot asked for by number; else the one under way now; else the next one to come;
    else the last one (after the session)."""
    if not slots:
        return None
    if chosen is not None:
        for slot in slots:
            if slot.number == chosen:
                return slot
    for slot in slots:
        if slot.starts_at <= now < slot.ends_at:
            return slot
    upcoming = [s for s in slots if s.starts_at > now]
    return upcoming[0] if upcoming else slots[-1]


@router.get("/events/{event_id:int}/sessions/{session_id:int}/now")
def now_page(
    event_id: int,
    session_id: int,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    slot: int | None = None,
) -> Response:
    event = events.get_event(session, event_id, viewer=user)
    if not checkin_service.can_check_in(session, user, event):
        raise Forbidden("Only the organisers and the event-day staff see the hall")
    row = events.get_session(session, event_id=event_id, session_id=session_id)
    if row.kind != SessionKind.matchmaking.value:
        raise NotFound("Matchmaking session", session_id)
    slots = events.list_slots(session, session_id=session_id)
    tables = events.list_tables(session, session_id=session_id)
    shown = current_slot(slots, utcnow(), slot)
    placed = meeting_queries.session_grid(session, session_id=session_id)
    rows = [m for (slot_id, _), m in placed.items() if shown is not None and slot_id == pk(shown)]
    views = {v.table_id: v for v in meeting_views(session, event, rows)}
    arrived = checked_in_map(session, event_id=event_id)
    hall: list[TableNow] = []
    for table in tables:
        view = views.get(pk(table))
        people = [p.id for p in view.parties] if view else []
        hall.append(
            TableNow(
                table=table,
                meeting=view,
                present=[p for p in people if p in arrived],
                missing=[p for p in people if p not in arrived],
            )
        )
    index = slots.index(shown) if shown is not None else -1
    # A no-show with one side waiting at the table: who else is here and free in this slot.
    offers = {
        view.id: repairs.candidates(session, m, arrived=arrived.keys())
        for m in rows
        if (view := views.get(m.table_id)) is not None and m.status == "no_show"
    }
    return render(
        request,
        "outcomes/now.html",
        {
            "event": event,
            "zone": event.timezone,
            "row": row,
            "slot": shown,
            "previous": slots[index - 1] if index > 0 else None,
            "following": slots[index + 1] if 0 <= index < len(slots) - 1 else None,
            "hall": hall,
            "busy": [t for t in hall if t.meeting is not None],
            "free": [t for t in hall if t.meeting is None],
            "present_count": sum(len(t.present) for t in hall),
            "missing_count": sum(len(t.missing) for t in hall),
            "can_manage": events.can_manage(session, user, event),
            "offers": offers,
            "notice": request.query_params.get("flash"),
        },
    )


@router.post("/events/{event_id:int}/sessions/{session_id:int}/now/repair")
async def repair_submit(
    event_id: int, session_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    form = await read_form(request)
    slot = form.get("slot")
    back = f"/events/{event_id}/sessions/{session_id}/now" + (
        f"?slot={int(slot)}&" if slot.isdigit() else "?"
    )
    try:
        created = repairs.repair(
            session,
            actor=user,
            event_id=event_id,
            meeting_id=int(form.get("meeting_id") or 0),
            partner_id=int(form.get("participant_id") or 0),
        )
    except ValueError:
        return redirect(back + "flash=repair-refused")
    except DomainError as exc:
        if exc.status in (401, 403, 404):
            raise
        session.rollback()
        return redirect(back + "flash=repair-refused")
    return redirect(back + f"flash=repaired#meeting-{pk(created)}")
