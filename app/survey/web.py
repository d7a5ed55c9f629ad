"""Pages of the demand survey: a participant's wishes (phone first), the organisers' matching
board with "open / close the survey" and "propose the chosen meetings"."""

from __future__ import annotations

import anyio.to_thread
from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.deps import CurrentUser, SessionDep
from app.errors import Forbidden, NotRegistered
from app.events import service as events
from app.events.models import Event
from app.forms import read_form, submit_form
from app.registration import service as registration
from app.registration.models import Participant
from app.survey import imports, service
from app.types import pk
from app.web import redirect, render

router = APIRouter(include_in_schema=False)


def _me(
    session: SessionDep, user: CurrentUser, event_id: int, request: Request
) -> tuple[Event, Participant]:
    event = events.get_event(session, event_id, viewer=user)
    me = registration.participant_for_user(session, event_id=event_id, user=user)
    if me is None:
        raise NotRegistered("Only approved participants answer the demand survey")
    if me.status != "approved":
        raise Forbidden("Only approved participants answer the demand survey")
    return event, me


@router.get("/events/{event_id:int}/wishes")
def wishes_page(
    event_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    event, me = _me(session, user, event_id, request)
    context = _wishes_context(session, event, me, notice=request.query_params.get("flash"))
    return render(request, "survey/wishes.html", context)


def _wishes_context(
    session: SessionDep,
    event: Event,
    me: Participant,
    *,
    errors: dict[str, str] | None = None,
    notice: str | None = None,
) -> dict[str, object]:
    return {
        "event": event,
        "me": me,
        "options": service.options(session, event=event, me=me),
        "open": service.is_open(session, pk(event)),
        "errors": errors or {},
        "notice": notice,
    }


@router.post("/events/{event_id:int}/wishes")
async def wishes_submit(
    event_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    event, me = _me(session, user, event_id, request)
    form = await read_form(request)
    wishes: dict[int, str | None] = {}
    for key, value in form.values.items():
        if key.startswith("wish_") and key[5:].isdigit():
            wishes[int(key[5:])] = value or None

    def save() -> None:
        service.save_wishes(
            session, actor=user, event_id=event_id, participant_id=pk(me), wishes=wishes
        )

    def fail(errors: dict[str, str], status: int) -> Response:
        context = _wishes_context(session, event, me, errors=errors)
        return render(request, "survey/wishes.html", context, status_code=status)

    return submit_form(
        session, save, fail, lambda: redirect(f"/events/{event_id}/wishes?flash=wishes-saved")
    )


@router.get("/events/{event_id:int}/wishes/board")
def board_page(event_id: int, request: Request, session: SessionDep, user: CurrentUser) -> Response:
    event = events.managed_event(session, user, event_id)
    context = _board_context(
        session,
        event,
        notice=request.query_params.get("flash"),
        created=request.query_params.get("created"),
    )
    return render(request, "survey/board.html", context)


def _board_context(
    session: SessionDep,
    event: Event,
    *,
    errors: dict[str, str] | None = None,
    notice: str | None = None,
    created: str | None = None,
    topic_values: dict[str, str] | None = None,
) -> dict[str, object]:
    return {
        "event": event,
        "pairs": service.board(session, event=event),
        "open": service.is_open(session, pk(event)),
        "errors": errors or {},
        "notice": notice,
        "created": created,
        "preview": None,
        "topic_values": topic_values or {},
    }


@router.post("/events/{event_id:int}/wishes/board")
async def board_submit(
    event_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    form = await read_form(request)
    action = form.get("action")
    back = f"/events/{event_id}/wishes/board"
    if action in ("open", "close"):
        service.set_open(session, actor=user, event_id=event_id, open_=action == "open")
        return redirect(f"{back}?flash=survey-{action}ed")
    topics = {key[6:]: value for key, value in form.values.items() if key.startswith("topic_")}
    created: list[object] = []

    def save() -> None:
        created.extend(
            service.propose(
                session, actor=user, event_id=event_id, keys=form.many("pairs"), topics=topics
            )
        )

    def fail(errors: dict[str, str], status: int) -> Response:
        event = events.get_event(session, event_id, viewer=user)
        context = _board_context(
            session,
            event,
            errors=errors,
            topic_values={f"topic_{k}": v for k, v in topics.items()},
        )
        return render(request, "survey/board.html", context, status_code=status)

    return submit_form(
        session, save, fail, lambda: redirect(f"{back}?flash=proposed&created={len(created)}")
    )


@router.post("/events/{event_id:int}/wishes/import")
async def import_preview(
    event_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    """The organisers' spreadsheet of wishes, read and checked: nothing is saved yet."""
    form = await read_form(request)
    upload = form.files.get("file")
    data = await upload.read() if upload is not None else b""
    name = (upload.filename or "") if upload is not None else ""
    # reading a spreadsheet of thousands of rows takes seconds: not in the event loop
    parsed = await anyio.to_thread.run_sync(
        lambda: imports.parse(session, actor=user, event_id=event_id, data=data, name=name)
    )
    event = events.get_event(session, event_id, viewer=user)
    context = _board_context(session, event)
    context["preview"] = parsed
    return render(
        request, "survey/board.html", context, status_code=422 if parsed.problems else 200
    )


@router.post("/events/{event_id:int}/wishes/import/apply")
async def import_apply(
    event_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    form = await read_form(request)
    rows: list[tuple[int, int, str]] = []
    for item in form.many("row"):
        parts = item.split(":")
        if len(parts) == 3 and parts[0].isdigit() and parts[1].isdigit():
            rows.append((int(parts[0]), int(parts[1]), parts[2]))
    saved = imports.apply(session, actor=user, event_id=event_id, rows=rows)
    return redirect(f"/events/{event_id}/wishes/board?flash=imported&created={saved}")
