"""Pages of the event day and its outcomes.

Staff (organisers, and approved ``staff`` participants with an account): the check-in desk
(``/events/{id}/check-in``: a code typed or scanned, a camera scan where the browser has
BarcodeDetector, a name search with or without accents, the person's card, the arrivals
panel polled every 10 s). Organisers: held / no-show and "re-place late arrival" from the
grid, "send feedback requests", agreements with their documents and the signing-ceremony
list, the report page with its PDF and XLSX. Delegates: the feedback form (also opened
without an account by the signed link of the e-mail) and their own agreements.

Every write goes through app.outcomes.service. Anonymous visitors of private pages are sent
to log in (a 401 becomes a redirect), the wrong role gets a 403 page, and ids and values in
forms and query strings are parsed by hand: bad input is a message by its field or a 404
page, never a 500.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session, col, select

from app.auth.models import User
from app.checkin import service as checkin_service
from app.checkin.models import Checkin, CheckinMethod
from app.deps import CurrentUser, OptionalUser, SessionDep
from app.errors import DomainError, Forbidden, Invalid, NotFound, Unauthorized
from app.events import service as events
from app.events.models import Event, MeetingTable, SessionKind, Slot
from app.exports.views import Bilingual
from app.forms import Form
from app.forms import positive_int as _int
from app.forms import read_form as _form
from app.forms import submit_form as _submit
from app.forms import url_with as _url
from app.meetings.models import Meeting, MeetingParticipant, MeetingRole, MeetingStatus
from app.outcomes import agreements as agreement_service
from app.outcomes import day as day_service
from app.outcomes import documents as docs
from app.outcomes import feedback as feedback_service
from app.outcomes import report, rows
from app.outcomes import stats as stats_service
from app.outcomes.models import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    Currency,
    NextStep,
)
from app.outcomes.schemas import AgreementCreate, AgreementUpdate, FeedbackIn, PartyIn
from app.registration import service as registration
from app.registration.models import Organisation, Participant
from app.types import pk, utcnow
from app.web import redirect, render, request_locale

router = APIRouter(include_in_schema=False)

FORM_STEPS = (NextStep.nda, NextStep.visit, NextStep.pilot, NextStep.contract)


# ---- plumbing -----------------------------------------------------------------------------


def _common(request: Request, event: Event) -> dict[str, Any]:
    return {
        "event": event,
        "zone": event.timezone,
        "flash": None,  # base.html knows only the events' messages; ours are shown by us
        "notice": request.query_params.get("flash"),
    }


def _staff(session: Session, user: User, event_id: int) -> Event:
    event = events.get_event(session, event_id, viewer=user)
    if not checkin_service.can_check_in(session, user, event):
        raise Forbidden("Only the event's organisers and staff can check people in")
    return event


def _managed(session: Session, user: User, event_id: int) -> Event:
    event = events.get_event(session, event_id, viewer=user)
    events.require_manage(session, user, event)
    return event


def _safe_back(value: str, event_id: int) -> str | None:
    """A return address inside this event's pages only (never another site)."""
    prefix = f"/events/{event_id}/"
    if value.startswith(prefix) and "//" not in value and "\\" not in value:
        return value
    return None


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
        session.rollback()
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

    return _submit(save, fail, done)


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


def _attendance_refusal(exc: DomainError) -> str:
    """The flash key that says why staff could not record a meeting."""
    if exc.status != 409:
        return "attendance-invalid"
    first = exc.errors[0] if exc.errors else None
    if first is not None and first.field == "slot_id":
        return "attendance-not-started"
    if first is not None and first.field == "status" and first.message == "proposed":
        return "attendance-unconfirmed"
    if first is not None and first.field == "absent_participant_ids":
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
    except ValueError:
        return redirect(_with_flash(back, f"#meeting-{meeting_id}", flash="attendance-invalid"))
    except DomainError as exc:
        if exc.status in (401, 403, 404):
            raise
        session.rollback()
        # The grid belongs to another module: the message travels as a short key.
        key = _attendance_refusal(exc)
        return redirect(_with_flash(back, f"#meeting-{meeting_id}", flash=key))
    flash = "meeting-held" if outcome == "held" else "meeting-no-show"
    return redirect(_with_flash(back, f"#meeting-{meeting_id}", flash=flash))


@router.post("/events/{event_id:int}/participants/{participant_id:int}/late-arrival")
async def late_arrival_submit(
    event_id: int, participant_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    _managed(session, user, event_id)
    form = await _form(request)
    back = _safe_back(form.get("back"), event_id) or f"/events/{event_id}/check-in"
    try:
        result = day_service.replace_late_arrival(
            session, actor=user, event_id=event_id, participant_id=participant_id
        )
    except DomainError as exc:
        if exc.status in (401, 403, 404):
            raise
        session.rollback()
        return redirect(_with_flash(back, flash="late-arrival-refused"))
    placed = sum(1 for r in result.replaced if r.slot_id is not None)
    # Why each missed meeting found no later slot ("HH:MM~reason", comma-separated), or why
    # nothing had to move: the page says it in words instead of "0 / 0 / 0".
    why_each = ",".join(
        f"{r.was_at:%H:%M}~{r.reason}" for r in result.replaced if r.slot_id is None and r.was_at
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


@router.post("/events/{event_id:int}/sessions/{session_id:int}/feedback-requests")
async def feedback_requests_submit(
    event_id: int, session_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    _managed(session, user, event_id)
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


# ---- feedback -----------------------------------------------------------------------------


def _feedback_target(
    session: Session,
    request: Request,
    user: User | None,
    event_id: int,
    meeting_id: int,
    token: str,
) -> tuple[Event, Meeting, Participant]:
    """Whose feedback on which meeting the form is for: the signed link's person, or the
    logged-in person (or one they act for, ``?participant_id=``)."""
    if token:
        grant = feedback_service.verify_feedback_token(token)
        if grant.meeting_id != meeting_id:
            raise Forbidden("the feedback link is for another meeting; ask the organisers")
        event = events.get_event(session, event_id, viewer=user)
        person = registration.get_participant(
            session, event_id=event_id, participant_id=grant.participant_id
        )
    else:
        if user is None:
            raise Unauthorized()
        event = events.get_event(session, event_id, viewer=user)
        wanted = request.query_params.get("participant_id", "")
        if wanted:
            pid = _int(wanted)
            if pid is None:
                raise NotFound("Participant", wanted[:20])
            person = registration.get_participant(session, event_id=event_id, participant_id=pid)
            registration.require_act_for(session, user, event, person)
        else:
            own = registration.participant_for_user(session, event_id=event_id, user=user)
            if own is None:
                raise Forbidden("Only the people of a meeting can give feedback on it")
            person = own
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.event_id != event_id:
        raise NotFound("Meeting", meeting_id)
    if session.get(MeetingParticipant, (meeting_id, pk(person))) is None:
        raise Forbidden("Only the people of a meeting can give feedback on it")
    return event, meeting, person


def _feedback_context(
    request: Request,
    session: Session,
    event: Event,
    meeting: Meeting,
    person: Participant,
    token: str,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> dict[str, Any]:
    item = next(
        (
            i
            for i in day_service.agenda_items(session, event, person)
            if i.meeting_id == pk(meeting)
        ),
        None,
    )
    if values is None:
        existing = feedback_service.feedback_of(
            session, participant_id=pk(person), meeting_id=pk(meeting)
        )
        values = (
            {
                "held": "yes" if existing.held else "no",
                "rating": str(existing.rating or ""),
                "continue": "yes" if existing.wants_to_continue else "no",
                "next_steps": list(existing.next_steps),
                "comment": existing.comment,
            }
            if existing
            else {"held": "", "rating": "", "continue": "", "next_steps": [], "comment": ""}
        )
    others = [
        p.participant_id
        for p in session.exec(
            select(MeetingParticipant).where(
                MeetingParticipant.meeting_id == pk(meeting),
                MeetingParticipant.role == MeetingRole.party.value,
            )
        )
        if p.participant_id != pk(person)
    ]
    names = [
        r.full_name
        for r in session.exec(select(Participant).where(col(Participant.id).in_(others)))
    ]
    slot = session.get(Slot, meeting.slot_id) if meeting.slot_id else None
    table = session.get(MeetingTable, meeting.table_id) if meeting.table_id else None
    action = f"/events/{pk(event)}/meetings/{pk(meeting)}/feedback"
    query = {"token": token} if token else {}
    if not token and request.query_params.get("participant_id"):
        query["participant_id"] = str(pk(person))
    return {
        **_common(request, event),
        "meeting": meeting,
        "person": person,
        "counterpart": item.counterpart if item else ", ".join(sorted(names)),
        "starts_at": slot.starts_at if slot else None,
        "table_number": table.number if table else None,
        "token": token,
        "action": _url(action, **query),
        "values": values,
        "errors": errors or {},
        "steps": [s.value for s in FORM_STEPS],
    }


@router.get("/events/{event_id:int}/meetings/{meeting_id:int}/feedback")
def feedback_page(
    event_id: int, meeting_id: int, request: Request, session: SessionDep, user: OptionalUser
) -> Response:
    token = request.query_params.get("token", "").strip()[:200]
    event, meeting, person = _feedback_target(session, request, user, event_id, meeting_id, token)
    context = _feedback_context(request, session, event, meeting, person, token)
    return render(request, "outcomes/feedback.html", context)


@router.post("/events/{event_id:int}/meetings/{meeting_id:int}/feedback")
async def feedback_submit(
    event_id: int, meeting_id: int, request: Request, session: SessionDep, user: OptionalUser
) -> Response:
    form = await _form(request)
    token = (form.get("token") or request.query_params.get("token", "")).strip()[:200]
    _, _, person = _feedback_target(session, request, user, event_id, meeting_id, token)
    held, rating, go_on = form.get("held"), form.get("rating"), form.get("continue")
    values = {
        "held": held,
        "rating": rating,
        "continue": go_on,
        "next_steps": form.many("next_steps"),
        "comment": form.get("comment"),
    }

    def save() -> None:
        if held not in ("yes", "no"):
            raise Invalid("held", "say whether the meeting took place")
        if rating and _int(rating) is None:
            raise Invalid("rating", "choose from 1 to 5 stars")
        data = FeedbackIn.model_validate(
            {
                "meeting_id": meeting_id,
                "participant_id": pk(person),
                "held": held == "yes",
                "rating": _int(rating) if held == "yes" else None,
                "wants_to_continue": go_on == "yes",
                "next_steps": values["next_steps"],
                "comment": values["comment"],
            }
        )
        if token:
            feedback_service.submit_feedback(session, event_id=event_id, data=data, token=token)
        else:
            feedback_service.submit_feedback(session, event_id=event_id, data=data, actor=user)

    def fail(errors: dict[str, str], status: int) -> Response:
        session.rollback()
        ev, m, p = _feedback_target(session, request, user, event_id, meeting_id, token)
        context = _feedback_context(request, session, ev, m, p, token, values=values, errors=errors)
        return render(request, "outcomes/feedback.html", context, status_code=status)

    def done() -> Response:
        url = f"/events/{event_id}/meetings/{meeting_id}/feedback"
        query: dict[str, Any] = {"token": token} if token else {}
        if not token and request.query_params.get("participant_id"):
            query["participant_id"] = pk(person)
        return redirect(_url(url, **query, flash="feedback-saved"))

    return _submit(save, fail, done)


# ---- agreements ---------------------------------------------------------------------------


def _agreement_choices(session: Session, event: Event) -> dict[str, Any]:
    """What the form offers: the event's organisations, its booked meetings."""
    event_id = pk(event)
    orgs = session.exec(
        select(Organisation)
        .where(
            col(Organisation.id).in_(
                select(Participant.organisation_id).where(
                    Participant.event_id == event_id, col(Participant.organisation_id).is_not(None)
                )
            )
        )
        .order_by(col(Organisation.name_vi))
    ).all()
    booked = session.exec(
        select(Meeting, Slot)
        .join(Slot, col(Slot.id) == col(Meeting.slot_id))
        .where(
            Meeting.event_id == event_id,
            col(Meeting.status).in_(
                [
                    MeetingStatus.held.value,
                    MeetingStatus.confirmed.value,
                    MeetingStatus.proposed.value,
                    MeetingStatus.no_show.value,
                ]
            ),
        )
        .order_by(col(Slot.starts_at), col(Meeting.id))
    ).all()
    seats = session.exec(
        select(MeetingParticipant, Participant)
        .join(Participant, col(Participant.id) == col(MeetingParticipant.participant_id))
        .where(
            col(MeetingParticipant.meeting_id).in_([pk(m) for m, _ in booked]),
            MeetingParticipant.role == MeetingRole.party.value,
        )
    ).all()
    names: dict[int, list[str]] = {}
    for seat, person in seats:
        names.setdefault(seat.meeting_id, []).append(person.full_name)
    zone = events.event_zone(event)
    meetings = [
        (
            pk(m),
            f"{slot.starts_at.astimezone(zone):%d/%m %H:%M} · "
            + " ⇄ ".join(sorted(names.get(pk(m), []))),
        )
        for m, slot in booked
    ]
    return {
        "organisations": orgs,
        "meeting_choices": meetings,
        "kinds": [(k.value, agreement_service.KIND_LABELS[k]) for k in AgreementKind],
        "statuses": [(s.value, agreement_service.STATUS_LABELS[s]) for s in AgreementStatus],
        "currencies": [c.value for c in Currency],
    }


def _agreement_values(row: Agreement | None, parties: list[int]) -> dict[str, Any]:
    if row is None:
        return {
            "kind": "mou",
            "title_vi": "",
            "title_en": "",
            "parties": [],
            "meeting_id": "",
            "signed_on": "",
            "value": "",
            "currency": "",
            "status": "planned",
            "at_ceremony": False,
            "ceremony_order": "",
            "follow_up_status": "",
            "notes": "",
        }
    return {
        "kind": row.kind,
        "title_vi": row.title_vi,
        "title_en": row.title_en,
        "parties": [str(p) for p in parties],
        "meeting_id": str(row.meeting_id or ""),
        "signed_on": row.signed_on.isoformat() if row.signed_on else "",
        "value": f"{row.value:f}" if row.value is not None else "",
        "currency": row.currency or "",
        "status": row.status,
        "at_ceremony": row.at_ceremony,
        "ceremony_order": str(row.ceremony_order or ""),
        "follow_up_status": row.follow_up_status,
        "notes": row.notes,
    }


def _form_agreement(form: Form) -> tuple[dict[str, Any], dict[str, Any]]:
    """(what the form shows again, the body for the schema); text values that are not a
    number or a date become field messages, never a 500."""
    shown: dict[str, Any] = {
        "kind": form.get("kind"),
        "title_vi": form.get("title_vi"),
        "title_en": form.get("title_en"),
        "parties": form.many("parties"),
        "meeting_id": form.get("meeting_id"),
        "signed_on": form.get("signed_on"),
        "value": form.get("value"),
        "currency": form.get("currency"),
        "status": form.get("status"),
        "at_ceremony": form.get("at_ceremony") == "1",
        "ceremony_order": form.get("ceremony_order"),
        "follow_up_status": form.get("follow_up_status"),
        "notes": form.get("notes"),
    }
    party_ids = []
    for raw in shown["parties"]:
        number = _int(raw)
        if number is None:
            raise Invalid("parties", "choose the parties from the list")
        party_ids.append(number)
    signed_on = None
    if shown["signed_on"]:
        try:
            signed_on = date.fromisoformat(shown["signed_on"])
        except ValueError:
            raise Invalid("signed_on", "give a date as dd/mm/yyyy") from None
    value = None
    if shown["value"]:
        text = shown["value"].replace(" ", "").replace("\u00a0", "")
        # Vietnamese offices write 1.500.000.000 or 1 500 000 000; a comma is a decimal mark.
        if text.count(".") > 1 or (text.count(".") == 1 and len(text.split(".")[1]) == 3):
            text = text.replace(".", "")
        text = text.replace(",", ".")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise Invalid("value", "give a number, for example 1500000000") from None
        if not value.is_finite():
            raise Invalid("value", "give a number, for example 1500000000")
    meeting_id = None
    if shown["meeting_id"]:
        meeting_id = _int(shown["meeting_id"])
        if meeting_id is None:
            raise Invalid("meeting_id", "choose a meeting from the list")
    order = None
    if shown["ceremony_order"]:
        order = _int(shown["ceremony_order"])
        if order is None:
            raise Invalid("ceremony_order", "give a whole number from 1")
    body = {
        "kind": shown["kind"],
        "title_vi": shown["title_vi"],
        "title_en": shown["title_en"],
        "meeting_id": meeting_id,
        "signed_on": signed_on,
        "value": value,
        "currency": shown["currency"] or None,
        "status": shown["status"] or "planned",
        "at_ceremony": shown["at_ceremony"],
        "ceremony_order": order,
        "follow_up_status": shown["follow_up_status"],
        "notes": shown["notes"],
        "parties": [PartyIn(organisation_id=i) for i in party_ids],
    }
    return shown, body


@router.get("/events/{event_id:int}/agreements")
def agreements_page(
    event_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    event = events.get_event(session, event_id, viewer=user)
    found, total = agreement_service.list_agreements(
        session, viewer=user, event_id=event_id, limit=500
    )
    items = [(a, agreement_service.agreement_parties(session, pk(a))) for a in found]
    return render(
        request,
        "outcomes/agreements.html",
        {
            **_common(request, event),
            "items": items,
            "total": total,
            "can_manage": events.can_manage(session, user, event),
            "kind_labels": {k.value: v for k, v in agreement_service.KIND_LABELS.items()},
            "status_labels": {k.value: v for k, v in agreement_service.STATUS_LABELS.items()},
        },
    )


@router.get("/events/{event_id:int}/agreements/ceremony")
def ceremony_page(
    event_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    event = _managed(session, user, event_id)
    return render(
        request,
        "outcomes/ceremony.html",
        {
            **_common(request, event),
            "items": stats_service.ceremony_list(session, event_id=event_id),
            "kind_labels": {k.value: v for k, v in agreement_service.KIND_LABELS.items()},
        },
    )


def _agreement_form(
    request: Request,
    session: Session,
    event: Event,
    *,
    row: Agreement | None,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "outcomes/agreement_form.html",
        {
            **_common(request, event),
            **_agreement_choices(session, event),
            "row": row,
            "values": values,
            "errors": errors or {},
        },
        status_code=status_code,
    )


@router.get("/events/{event_id:int}/agreements/new")
def new_agreement_page(
    event_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    event = _managed(session, user, event_id)
    values = _agreement_values(None, [])
    meeting_id = _int(request.query_params.get("meeting_id"))
    if meeting_id is not None:
        values["meeting_id"] = str(meeting_id)
    return _agreement_form(request, session, event, row=None, values=values)


@router.post("/events/{event_id:int}/agreements/new")
async def new_agreement_submit(
    event_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    _managed(session, user, event_id)
    form = await _form(request)
    created: list[Agreement] = []
    shown: dict[str, Any] = {**_agreement_values(None, []), **{k: form.get(k) for k in form.values}}
    shown["parties"] = form.many("parties")
    shown["at_ceremony"] = form.get("at_ceremony") == "1"

    def save() -> None:
        _, body = _form_agreement(form)
        data = AgreementCreate.model_validate(body)
        created.append(
            agreement_service.create_agreement(session, actor=user, event_id=event_id, data=data)
        )

    def fail(errors: dict[str, str], status: int) -> Response:
        session.rollback()
        event = _managed(session, user, event_id)
        return _agreement_form(
            request, session, event, row=None, values=shown, errors=errors, status_code=status
        )

    def done() -> Response:
        return redirect(f"/events/{event_id}/agreements/{pk(created[0])}", flash="agreement-saved")

    return _submit(save, fail, done)


def _meeting_label(session: Session, event: Event, meeting_id: int | None) -> str:
    """'16/03 14:20 · Bàn 3 · Lin Wei-Ting ⇄ Nguyễn Thị Hoa': what a person recognises."""
    meeting = session.get(Meeting, meeting_id) if meeting_id else None
    if meeting is None:
        return ""
    names = sorted(
        person.full_name
        for seat, person in session.exec(
            select(MeetingParticipant, Participant)
            .join(Participant, col(Participant.id) == col(MeetingParticipant.participant_id))
            .where(
                MeetingParticipant.meeting_id == meeting_id,
                MeetingParticipant.role == MeetingRole.party.value,
            )
        )
    )
    slot = session.get(Slot, meeting.slot_id) if meeting.slot_id else None
    when = f"{slot.starts_at.astimezone(events.event_zone(event)):%d/%m %H:%M}" if slot else ""
    return " · ".join(part for part in (when, " ⇄ ".join(names)) if part)


@router.get("/events/{event_id:int}/agreements/{agreement_id:int}")
def agreement_page(
    event_id: int, agreement_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    event = events.get_event(session, event_id, viewer=user)
    row = agreement_service.get_agreement(
        session, viewer=user, event_id=event_id, agreement_id=agreement_id
    )
    return render(
        request,
        "outcomes/agreement.html",
        {
            **_common(request, event),
            "row": row,
            "meeting_label": _meeting_label(session, event, row.meeting_id),
            "parties": agreement_service.agreement_parties(session, agreement_id),
            "documents": agreement_service.agreement_documents(session, agreement_id),
            "can_manage": events.can_manage(session, user, event),
            "kind_label": agreement_service.KIND_LABELS[AgreementKind(row.kind)],
            "status_label": agreement_service.STATUS_LABELS[AgreementStatus(row.status)],
            "upload_error": request.query_params.get("upload_error", "")[:200],
            "allowed": docs.ALLOWED_DESCRIPTION,
        },
    )


@router.get("/events/{event_id:int}/agreements/{agreement_id:int}/edit")
def edit_agreement_page(
    event_id: int, agreement_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    event = _managed(session, user, event_id)
    row = agreement_service.get_agreement(
        session, viewer=user, event_id=event_id, agreement_id=agreement_id
    )
    parties = [
        p.organisation_id for p in agreement_service.agreement_parties(session, agreement_id)
    ]
    return _agreement_form(request, session, event, row=row, values=_agreement_values(row, parties))


@router.post("/events/{event_id:int}/agreements/{agreement_id:int}/edit")
async def edit_agreement_submit(
    event_id: int, agreement_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    event = _managed(session, user, event_id)
    agreement_service.get_agreement(
        session, viewer=user, event_id=event_id, agreement_id=agreement_id
    )
    form = await _form(request)
    shown: dict[str, Any] = {**_agreement_values(None, []), **{k: form.get(k) for k in form.values}}
    shown["parties"] = form.many("parties")
    shown["at_ceremony"] = form.get("at_ceremony") == "1"

    def save() -> None:
        _, body = _form_agreement(form)
        data = AgreementUpdate.model_validate(body)
        agreement_service.update_agreement(
            session, actor=user, event_id=event_id, agreement_id=agreement_id, data=data
        )

    def fail(errors: dict[str, str], status: int) -> Response:
        session.rollback()
        ev = _managed(session, user, event_id)
        row = session.get(Agreement, agreement_id)
        return _agreement_form(
            request, session, ev, row=row, values=shown, errors=errors, status_code=status
        )

    def done() -> Response:
        return redirect(f"/events/{event_id}/agreements/{agreement_id}", flash="agreement-saved")

    del event
    return _submit(save, fail, done)


@router.post("/events/{event_id:int}/agreements/{agreement_id:int}/delete")
async def delete_agreement_submit(
    event_id: int, agreement_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    _managed(session, user, event_id)
    await _form(request)
    agreement_service.delete_agreement(
        session, actor=user, event_id=event_id, agreement_id=agreement_id
    )
    return redirect(f"/events/{event_id}/agreements", flash="agreement-deleted")


@router.post("/events/{event_id:int}/agreements/{agreement_id:int}/documents")
async def document_upload(
    event_id: int, agreement_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    _managed(session, user, event_id)
    form = await _form(request)
    upload = form.files.get("file")
    page = f"/events/{event_id}/agreements/{agreement_id}"
    if upload is None or not upload.filename:
        return redirect(_url(page, upload_error="choose a file to attach"))
    # One byte past the limit is enough to know it is too large.
    data = await upload.read(docs.MAX_DOCUMENT_BYTES + 1)
    try:
        agreement_service.add_document(
            session,
            actor=user,
            event_id=event_id,
            agreement_id=agreement_id,
            filename=upload.filename,
            data=data,
        )
    except DomainError as exc:
        if exc.status in (401, 403, 404):
            raise
        session.rollback()
        message = exc.errors[0].message if exc.errors else exc.detail
        return redirect(_url(page, upload_error=message))
    return redirect(page, flash="document-added")


@router.get("/events/{event_id:int}/agreements/{agreement_id:int}/documents/{document_id:int}")
def document_download(
    event_id: int,
    agreement_id: int,
    document_id: int,
    session: SessionDep,
    user: CurrentUser,
) -> Response:
    row, path = agreement_service.get_document(
        session,
        viewer=user,
        event_id=event_id,
        agreement_id=agreement_id,
        document_id=document_id,
    )
    return Response(
        path.read_bytes(),
        media_type=row.content_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(row.filename)}",
            "X-Content-Type-Options": "nosniff",
        },
    )


# ---- the organiser's report ---------------------------------------------------------------


def _report_view(session: Session, event: Event) -> report.ReportView:
    stats = stats_service.event_stats(session, event_id=pk(event))
    today = utcnow().astimezone(events.event_zone(event)).date()
    return report.view_from_stats(
        stats,
        title=Bilingual(event.title_vi, event.title_en),
        start_date=event.start_date,
        end_date=event.end_date,
        venue=event.venue,
        organiser_unit=event.organiser_unit,
        as_of=today,
    )


def _stats_event(session: Session, user: User, event_id: int) -> Event:
    return events.managed_event(session, user, event_id)


def _filename(event: Event, suffix: str) -> str:
    return f"ket-qua-su-kien-{pk(event)}.{suffix}"


@router.get("/events/{event_id:int}/report")
def report_page(
    event_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    event = _stats_event(session, user, event_id)
    body = report.render_report_html(_report_view(session, event), request_locale(request))
    return render(request, "outcomes/report.html", {**_common(request, event), "body": body})


@router.get("/events/{event_id:int}/report.pdf")
def report_pdf(event_id: int, session: SessionDep, user: CurrentUser) -> Response:
    event = _stats_event(session, user, event_id)
    data = report.render_report_pdf(_report_view(session, event))
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{_filename(event, "pdf")}"'},
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/events/{event_id:int}/report.xlsx")
def report_xlsx(event_id: int, session: SessionDep, user: CurrentUser) -> Response:
    event = _stats_event(session, user, event_id)
    data = report.report_xlsx(rows.report_sheets(session, event), timezone=event.timezone)
    return Response(
        data,
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{_filename(event, "xlsx")}"'},
    )
