"""The organiser's "Schedule all" page of a B2B session: figures of the last run and how close
they are to the proven bound, the meetings left out and why, dry run, apply and publish."""

from __future__ import annotations

from collections import Counter
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import col, select

from app.deps import Organiser, SessionDep
from app.errors import Invalid
from app.events import service as events
from app.events.models import MeetingTable, Slot
from app.forms import read_form, submit_form
from app.meetings.models import Meeting, MeetingParticipant, MeetingRole
from app.registration.models import Participant
from app.scheduling import service
from app.scheduling.service import DEFAULT_TIME_LIMIT_S, MAX_TIME_LIMIT_S
from app.types import pk
from app.web import redirect, render

router = APIRouter(include_in_schema=False)

_OPEN = ("proposed", "confirmed")


def _names(session: SessionDep, meeting_ids: list[int]) -> dict[int, list[Participant]]:
    """The parties of each meeting, for the list of meetings left out."""
    if not meeting_ids:
        return {}
    rows = session.exec(
        select(MeetingParticipant, Participant)
        .join(Participant, col(Participant.id) == col(MeetingParticipant.participant_id))
        .where(
            col(MeetingParticipant.meeting_id).in_(meeting_ids),
            MeetingParticipant.role == MeetingRole.party.value,
        )
        .order_by(col(MeetingParticipant.meeting_id), col(Participant.id))
    ).all()
    out: dict[int, list[Participant]] = {}
    for mp, person in rows:
        out.setdefault(mp.meeting_id, []).append(person)
    return out


def _page(
    request: Request,
    session: SessionDep,
    user: Organiser,
    event_id: int,
    session_id: int,
    *,
    errors: dict[str, str] | None = None,
    status: int = 200,
    confirm_apply: bool = False,
    time_limit: float | None = None,
) -> Response:
    event = events.managed_event(session, user, event_id)
    row = service.matchmaking_session(session, event_id=event_id, session_id=session_id)
    run = service.latest_run(session, session_id=session_id)
    meetings = session.exec(
        select(Meeting).where(
            Meeting.event_id == event_id,
            (col(Meeting.session_id) == session_id) | col(Meeting.session_id).is_(None),
        )
    ).all()
    counts: Counter[str] = Counter()
    for m in meetings:
        if m.status == "cancelled":
            counts["cancelled"] += 1
            continue
        # Held and no-show meetings keep their slot: they still have a time on the grid.
        counts["booked" if m.slot_id else "waiting"] += 1
        if m.locked:
            counts["locked"] += 1
    left_out = list(run.unscheduled) if run else []
    diff = list((run.stats or {}).get("diff", [])) if run else []
    names = _names(session, [u["meeting_id"] for u in left_out] + [d["meeting_id"] for d in diff])
    places = _places(session, diff)
    idle_rows = list((run.stats or {}).get("idle_by_person", [])) if run else []
    people = {
        pk(p): p
        for p in session.exec(
            select(Participant).where(
                col(Participant.id).in_(
                    sorted(
                        {int(i) for u in left_out for i in u.get("participant_ids", [])}
                        | {int(i) for u in left_out for i in u.get("busy", {})}
                        | {int(r["participant_id"]) for r in idle_rows}
                    )
                )
            )
        ).all()
    }
    stats: dict[str, Any] = dict(run.stats) if run else {}
    share = (
        stats["priority_sum"] / stats["upper_bound"] * 100
        if stats.get("upper_bound")
        else (100.0 if run else None)
    )
    return render(
        request,
        "scheduling/schedule.html",
        {
            "event": event,
            "session_row": row,
            "run": run,
            "stats": stats,
            "share": share,
            "counts": counts,
            "left_out": left_out,
            "diff": diff,
            "places": places,
            "idle_rows": idle_rows,
            "confirm_apply": confirm_apply,
            "time_limit": time_limit,
            "sent": request.query_params.get("sent"),
            "names": names,
            "people": people,
            "slot_count": len(events.list_slots(session, session_id=session_id)),
            "table_count": len(events.list_tables(session, session_id=session_id)),
            "default_limit": int(DEFAULT_TIME_LIMIT_S),
            "max_limit": int(MAX_TIME_LIMIT_S),
            "errors": errors or {},
        },
        status_code=status,
    )


def _places(session: SessionDep, diff: list[dict[str, Any]]) -> dict[str, tuple[Slot, int]]:
    """Each "<slot id>:<table id>" of the before/after list, as its slot and table number."""
    pairs = {tuple(d[k]) for d in diff for k in ("before", "after") if d.get(k)}
    slots = {
        pk(s): s
        for s in session.exec(select(Slot).where(col(Slot.id).in_({p[0] for p in pairs}))).all()
    }
    tables = {
        pk(t): t.number
        for t in session.exec(
            select(MeetingTable).where(col(MeetingTable.id).in_({p[1] for p in pairs}))
        ).all()
    }
    return {f"{a}:{b}": (slots[a], tables[b]) for a, b in pairs if a in slots and b in tables}


@router.get("/events/{event_id:int}/sessions/{session_id:int}/schedule")
def schedule_page(
    event_id: int, session_id: int, request: Request, session: SessionDep, user: Organiser
) -> Response:
    return _page(request, session, user, event_id, session_id)


@router.post("/events/{event_id:int}/sessions/{session_id:int}/schedule")
async def run_schedule(
    event_id: int, session_id: int, request: Request, session: SessionDep, user: Organiser
) -> Response:
    form = await read_form(request)
    raw = (form.get("time_limit_s") or str(DEFAULT_TIME_LIMIT_S)).strip()
    event = events.get_event(session, event_id, viewer=user)
    # Over a published schedule, applying moves what people already have: first show what
    # would change (a trial run) and ask.
    run = {"apply": form.get("action") == "apply", "ask": False, "limit": 0.0}
    run["ask"] = (
        run["apply"] and event.schedule_published_at is not None and form.get("confirm") != "1"
    )

    def save() -> None:
        try:
            run["limit"] = float(raw.replace(",", "."))
        except ValueError as exc:
            raise Invalid("time_limit_s", "give a number of seconds") from exc
        if run["ask"]:
            run["apply"] = False
        outcome = service.schedule_session(
            session,
            actor=user,
            event_id=event_id,
            session_id=session_id,
            apply=bool(run["apply"]),
            time_limit_s=float(run["limit"]),
        )
        if run["ask"] and not outcome.stats.get("changes"):
            # Nothing people already see would change: no need to ask.
            run["ask"], run["apply"] = False, True
            service.schedule_session(
                session,
                actor=user,
                event_id=event_id,
                session_id=session_id,
                apply=True,
                time_limit_s=float(run["limit"]),
            )

    def fail(errors: dict[str, str], status: int) -> Response:
        return _page(request, session, user, event_id, session_id, errors=errors, status=status)

    def done() -> Response:
        if run["ask"]:
            return _page(
                request,
                session,
                user,
                event_id,
                session_id,
                confirm_apply=True,
                time_limit=float(run["limit"]),
            )
        return redirect(
            f"/events/{event_id}/sessions/{session_id}/schedule",
            flash="schedule-applied" if run["apply"] else "schedule-tried",
        )

    return submit_form(session, save, fail, done)


@router.post("/events/{event_id:int}/sessions/{session_id:int}/publish")
async def publish(
    event_id: int, session_id: int, request: Request, session: SessionDep, user: Organiser
) -> Response:
    await read_form(request)
    queued: list[int] = []

    def save() -> None:
        queued.append(service.publish_counted(session, actor=user, event_id=event_id)[1])

    def fail(errors: dict[str, str], status: int) -> Response:
        return _page(request, session, user, event_id, session_id, errors=errors, status=status)

    return submit_form(
        session,
        save,
        fail,
        lambda: redirect(
            f"/events/{event_id}/sessions/{session_id}/schedule?sent={queued[0]}",
            flash="schedule-published",
        ),
    )
