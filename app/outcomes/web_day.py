"""Pages of the event day: the check-in desk, held / no-show, late arrivals, feedback requests."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.auth.models import User
from app.checkin import service as checkin_service
from app.checkin.models import Checkin, CheckinMethod
from app.deps import CurrentUser, SessionDep
from app.errors import DomainError, Invalid, NotFound
from app.events import service as events
from app.events.models import Event, SessionKind
from app.forms import Form
from app.forms import positive_int as _int
from app.forms import read_form as _form
from app.forms import submit_form as _submit
from app.forms import url_with as _url
from app.meetings.models import Meeting
from app.outcomes import day as day_service
from app.outcomes import feedback as feedback_service
from app.outcomes.web_common import common as _common
from app.outcomes.web_common import safe_back as _safe_back
from app.outcomes.web_common import staff as _staff
from app.registration.models import Participant
from app.types import pk
from app.web import redirect, render

router = APIRouter(include_in_schema=False)


# ---- check-in desk ------------------------------------------------------------------------


def _checkin_context(
    request: Request,
    session: Session,
    user: User,
    event: Event,
    *,
    errors: dict[str, str] | None = None,
    code: str = "",
) -> dict[str, Any]:
    event_id = pk(event)
    q = request.query_params.get("q", "").strip()[:100]
    hits = (
        checkin_service.search_for_checkin(session, actor=user, event_id=event_id, q=q) if q else []
    )
    card = None
    agenda: list[day_service.AgendaItem] = []
    checked_in = None
    person_id = _int(request.query_params.get("person"))
    if person_id is not None:
        person = session.get(Participant, person_id)
        if person is not None and person.event_id == event_id:
            card = checkin_service.person_card(session, person)
            agenda = day_service.agenda_items(session, event, person)
            row = session.get(Checkin, person_id)
            checked_in = row.checked_in_at if row else None
    prefill = code or request.query_params.get("code", "").strip()[:200]
    preview = None
    if prefill and not errors:
        # Opened from a scanned link or typed into the address bar: show who it is and
        # let the desk confirm with Enter (a GET never writes).
        try:
            found = checkin_service.find_by_code(session, event_id=event_id, code=prefill)
            preview = checkin_service.person_card(session, found)
        except DomainError:
            preview = None
    return {
        **_common(request, event),
        "q": q,
        "hits": hits,
        "card": card,
        "agenda": agenda,
        "checked_in_at": checked_in,
        "already": request.query_params.get("already") == "1",
        "prefill": prefill,
        "preview": preview,
        "errors": errors or {},
        "arrivals": day_service.arrivals(session, actor=user, event_id=event_id),
        "can_manage": events.can_manage(session, user, event),
    }


@router.get("/events/{event_id:int}/check-in")
def checkin_page(
    event_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    event = _staff(session, user, event_id)
    return render(request, "outcomes/checkin.html", _checkin_context(request, session, user, event))


@router.get("/events/{event_id:int}/check-in/arrivals")
def arrivals_fragment(
    event_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    """The arrivals panel alone: the desk page reloads it every 10 seconds."""
    event = _staff(session, user, event_id)
    context = {
        **_common(request, event),
        "arrivals": day_service.arrivals(session, actor=user, event_id=event_id),
        "can_manage": events.can_manage(session, user, event),
    }
    return render(request, "outcomes/_arrivals.html", context)


@router.post("/events/{event_id:int}/check-in")
async def checkin_submit(
    event_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    _staff(session, user, event_id)
    form = await _form(request)
    code = form.get("code")[:200]
    participant_id = _int(form.get("participant_id"))
    method = form.get("method")
    result: list[checkin_service.CheckinResult] = []

    def save() -> None:
        if participant_id is not None:
            result.append(
                checkin_service.check_in(
                    session,
                    actor=user,
                    event_id=event_id,
                    participant_id=participant_id,
                    method=CheckinMethod.search,
                )
            )
            return
        if form.get("participant_id"):
            raise NotFound("Participant", form.get("participant_id")[:20])
        chosen = CheckinMethod.qr if method == "qr" else CheckinMethod.code
        try:
            found = checkin_service.check_in(
                session, actor=user, event_id=event_id, code=code, method=chosen
            )
        except DomainError as exc:
            # An unknown code is the desk's everyday mistake: a message by the field.
            if exc.status == 404 and any(e.field == "code" for e in exc.errors):
                raise Invalid("code", exc.errors[0].message) from None
            raise
        result.append(found)

    def fail(errors: dict[str, str], status: int) -> Response:
        event = _staff(session, user, event_id)
        if "code" not in errors and "__all__" not in errors:
            errors = {"__all__": next(iter(errors.values()), ""), **errors}
        context = _checkin_context(request, session, user, event, errors=errors, code=code)
        return render(request, "outcomes/checkin.html", context, status_code=status)

    def done() -> Response:
        r = result[0]
        return redirect(
            _url(
                f"/events/{event_id}/check-in",
                person=pk(r.participant),
                already="0" if r.created else "1",
            )
        )

    return _submit(session, save, fail, done)


@router.post("/events/{event_id:int}/check-in/{participant_id:int}/undo")
async def undo_submit(
    event_id: int, participant_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    _staff(session, user, event_id)
    await _form(request)
    checkin_service.undo_check_in(
        session, actor=user, event_id=event_id, participant_id=participant_id
    )
    return redirect(f"/events/{event_id}/check-in", flash="checkin-undone")


# ---- on the day: attendance and late arrivals ---------------------------------------------


def _grid_back(event_id: int, meeting: Meeting | None, form: Form) -> str:
    back = _safe_back(form.get("back"), event_id)
    if back:
        return back
    if meeting is not None and meeting.session_id is not None:
        return f"/events/{event_id}/sessions/{meeting.session_id}/grid"
    return f"/events/{event_id}"


def _with_flash(url: str, fragment: str = "", **params: Any) -> str:
    base = url.split("#", 1)[0]
    extra = urlencode({k: str(v) for k, v in params.items() if v is not None})
    return base + ("&" if "?" in base else "?") + extra + fragment


def _attendance_refusal(errors: dict[str, str], status: int) -> str:
    """The flash key that says why staff could not record a meeting (from the first message
    of the refusal)."""
    if status != 409:
        return "attendance-invalid"
    field, message = next(iter(errors.items()), ("__all__", ""))
    if field == "slot_id":
        return "attendance-not-started"
    if field == "status" and message == "proposed":
        return "attendance-unconfirmed"
    if field == "absent_participant_ids":
        return "attendance-not-checked-in"
    return "attendance-stale"


@router.post("/events/{event_id:int}/meetings/{meeting_id:int}/attendance")
async def attendance_submit(
    event_id: int, meeting_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    _staff(session, user, event_id)
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.event_id != event_id:
        raise NotFound("Meeting", meeting_id)
    form = await _form(request)
    back = _grid_back(event_id, meeting, form)
    outcome = form.get("outcome")
    absent = [i for i in (_int(v) for v in form.many("absent")) if i is not None]

    def save() -> None:
        try:
            day_service.mark_meeting(
                session,
                actor=user,
                event_id=event_id,
                meeting_id=meeting_id,
                outcome=outcome if outcome in ("held", "no_show") else "invalid",
                absent_participant_ids=absent,
                revision=_int(form.get("revision")),
            )
        except ValueError as exc:
            raise Invalid("outcome", "choose held or no-show") from exc

    def fail(errors: dict[str, str], status: int) -> Response:
        # The grid belongs to another module: the message travels as a short key.
        key = _attendance_refusal(errors, status)
        return redirect(_with_flash(back, f"#meeting-{meeting_id}", flash=key))

    flash = "meeting-held" if outcome == "held" else "meeting-no-show"
    return _submit(
        session,
        save,
        fail,
        lambda: redirect(_with_flash(back, f"#meeting-{meeting_id}", flash=flash)),
    )


@router.post("/events/{event_id:int}/participants/{participant_id:int}/late-arrival")
async def late_arrival_submit(
    event_id: int, participant_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    events.managed_event(session, user, event_id)
    form = await _form(request)
    back = _safe_back(form.get("back"), event_id) or f"/events/{event_id}/check-in"
    results: list[day_service.LateArrival] = []

    def save() -> None:
        results.append(
            day_service.replace_late_arrival(
                session, actor=user, event_id=event_id, participant_id=participant_id
            )
        )

    def done() -> Response:
        result = results[0]
        placed = sum(1 for r in result.replaced if r.slot_id is not None)
        # Why each missed meeting found no later slot ("HH:MM~reason", comma-separated), or
        # why nothing had to move: the page says it in words instead of "0 / 0 / 0".
        why_each = ",".join(
            f"{r.was_at:%H:%M}~{r.reason}"
            for r in result.replaced
            if r.slot_id is None and r.was_at
        )
        return redirect(
            _with_flash(
                back,
                flash="late-arrival",
                moved=placed,
                unplaced=len(result.unplaced),
                changed=result.changed,
                why=result.reason or None,
                unplaced_at=why_each or None,
            )
        )

    return _submit(
        session,
        save,
        lambda errors, status: redirect(_with_flash(back, flash="late-arrival-refused")),
        done,
    )


@router.post("/events/{event_id:int}/sessions/{session_id:int}/feedback-requests")
async def feedback_requests_submit(
    event_id: int, session_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    events.managed_event(session, user, event_id)
    form = await _form(request)
    row = events.get_session(session, event_id=event_id, session_id=session_id)
    if row.kind != SessionKind.matchmaking.value:
        raise NotFound("Matchmaking session", session_id)
    result = feedback_service.send_feedback_requests(
        session, actor=user, event_id=event_id, session_id=session_id
    )
    back = (
        _safe_back(form.get("back"), event_id) or f"/events/{event_id}/sessions/{session_id}/grid"
    )
    return redirect(
        _with_flash(
            back,
            flash="feedback-requests",
            queued=result.queued,
            already=result.already_sent,
            without=result.without_email,
        )
    )
