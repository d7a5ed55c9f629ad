"""The organiser's "Schedule all" page of a B2B session: figures of the last run and how close
they are to the proven bound, the meetings left out and why, dry run, apply and publish."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.deps import Organiser, SessionDep
from app.errors import Invalid
from app.events import service as events
from app.forms import Form, read_form, submit_form_apart
from app.scheduling import service
from app.scheduling.overview import overview
from app.scheduling.service import DEFAULT_TIME_LIMIT_S, MAX_TIME_LIMIT_S
from app.types import pk
from app.web import redirect, render

router = APIRouter(include_in_schema=False)

_OPEN = ("proposed", "confirmed")


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
    stale: bool = False,
    time_limit: float | None = None,
    typed_limit: str = "",
) -> Response:
    view = overview(session, actor=user, event_id=event_id, session_id=session_id)
    return render(
        request,
        "scheduling/schedule.html",
        {
            "event": view.event,
            "session_row": view.row,
            "run": view.run,
            "stats": view.stats,
            "share": view.share,
            "counts": view.counts,
            "left_out": view.left_out,
            "diff": view.diff,
            "places": view.places,
            "idle_rows": view.idle_rows,
            "confirm_apply": confirm_apply,
            "stale": stale,
            "shown": events.schedule_shown(view.event),
            "time_limit": time_limit,
            "sent": request.query_params.get("sent"),
            "names": view.names,
            "people": view.people,
            "slot_count": view.slot_count,
            "table_count": view.table_count,
            "default_limit": int(DEFAULT_TIME_LIMIT_S),
            "typed_limit": typed_limit[:20],  # as typed, beside its error
            "max_limit": int(MAX_TIME_LIMIT_S),
            "errors": errors or {},
        },
        status_code=status,
    )


@router.get("/events/{event_id:int}/sessions/{session_id:int}/schedule")
def schedule_page(
    event_id: int, session_id: int, request: Request, session: SessionDep, user: Organiser
) -> Response:
    return _page(request, session, user, event_id, session_id)


@dataclass
class _Run:
    """What the organiser asked for, as the save settles it: apply or a trial run, whether to
    show the changes and ask first (once people see the schedule), and whether the trial run
    they meant to apply had gone stale (its meetings changed since)."""

    apply: bool
    ask: bool
    limit: float = 0.0
    stale: bool = False


def _run_id(form: Form) -> int:
    try:
        return int(form.get("run_id") or "")
    except ValueError as exc:
        raise Invalid("run_id", "this trial run is not known; run the scheduler again") from exc


@router.post("/events/{event_id:int}/sessions/{session_id:int}/schedule")
async def run_schedule(
    event_id: int, session_id: int, request: Request, session: SessionDep, user: Organiser
) -> Response:
    form = await read_form(request)
    raw = (form.get("time_limit_s") or str(DEFAULT_TIME_LIMIT_S)).strip()
    event = events.get_event(session, event_id, viewer=user)
    action = form.get("action")
    # Once people see the schedule, "Schedule all" first shows what would change (a trial
    # run) and asks; "apply_run" then applies exactly that trial run.
    run = _Run(apply=action == "apply", ask=action == "apply" and events.schedule_shown(event))

    def trial(apply: bool) -> service.ScheduleOutcome:
        return service.schedule_session(
            session,
            actor=user,
            event_id=event_id,
            session_id=session_id,
            apply=apply,
            time_limit_s=run.limit,
        )

    def save() -> None:
        try:
            run.limit = float(raw.replace(",", "."))
        except ValueError as exc:
            raise Invalid("time_limit_s", "give a number of seconds") from exc
        if action == "apply_run":
            changed = service.apply_trial(
                session,
                actor=user,
                event_id=event_id,
                session_id=session_id,
                run_id=_run_id(form),
            )
            run.apply = changed is not None
            if changed is None:
                # Something changed since: nothing applied; a new trial run to look at.
                run.stale = run.ask = True
                trial(apply=False)
            return
        outcome = trial(apply=run.apply and not run.ask)
        if run.ask and not outcome.stats.get("changes"):
            # Nothing people already see would change: no need to ask.
            run.ask = False
            service.apply_trial(
                session,
                actor=user,
                event_id=event_id,
                session_id=session_id,
                run_id=pk(outcome.run),
            )

    page = partial(_page, request, session, user, event_id, session_id)

    def fail(errors: dict[str, str], status: int) -> Response:
        typed = raw if "time_limit_s" in errors else ""
        return page(errors=errors, status=status, typed_limit=typed)

    def done() -> Response:
        if run.ask:
            return page(confirm_apply=True, stale=run.stale, time_limit=run.limit)
        return redirect(
            f"/events/{event_id}/sessions/{session_id}/schedule",
            flash="schedule-applied" if run.apply else "schedule-tried",
        )

    # the solve takes about the time limit (at most twice it, wallclock.py): meanwhile the
    # others are served (check-in, agendas)
    return await submit_form_apart(session, save, fail, done)


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

    return await submit_form_apart(
        session,
        save,
        fail,
        lambda: redirect(
            f"/events/{event_id}/sessions/{session_id}/schedule?sent={queued[0]}",
            flash="schedule-published",
        ),
    )
