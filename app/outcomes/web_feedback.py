"""The feedback form on a meeting (also opened without an account by the e-mail's signed link)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.auth.models import User
from app.deps import OptionalUser, SessionDep
from app.errors import Forbidden, Invalid, NotFound, Unauthorized
from app.events import service as events
from app.events.models import Event, MeetingTable, Slot
from app.forms import positive_int as _int
from app.forms import read_form as _form
from app.forms import submit_form as _submit
from app.forms import url_with as _url
from app.meetings import readmodel
from app.meetings.models import Meeting, MeetingParticipant
from app.outcomes import day as day_service
from app.outcomes import feedback as feedback_service
from app.outcomes.models import STEP_NAMES
from app.outcomes.schemas import FeedbackIn
from app.outcomes.web_common import FORM_STEPS
from app.outcomes.web_common import common as _common
from app.registration import service as registration
from app.registration.models import Participant
from app.types import pk
from app.web import redirect, render

router = APIRouter(include_in_schema=False)


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
    names = [
        other.full_name
        for other in readmodel.parties(session, [pk(meeting)]).get(pk(meeting), [])
        if pk(other) != pk(person)
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
        "steps": [(s.value, STEP_NAMES[s]) for s in FORM_STEPS],
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
        ev, m, p = _feedback_target(session, request, user, event_id, meeting_id, token)
        context = _feedback_context(request, session, ev, m, p, token, values=values, errors=errors)
        return render(request, "outcomes/feedback.html", context, status_code=status)

    def done() -> Response:
        url = f"/events/{event_id}/meetings/{meeting_id}/feedback"
        query: dict[str, Any] = {"token": token} if token else {}
        if not token and request.query_params.get("participant_id"):
            query["participant_id"] = pk(person)
        return redirect(_url(url, **query, flash="feedback-saved"))

    return _submit(session, save, fail, done)
