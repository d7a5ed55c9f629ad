"""Registering oneself for an event, and one's own registration and availability."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.auth.models import User
from app.deps import CurrentUser, SessionDep
from app.errors import Conflict
from app.events import service as events
from app.events.models import Event
from app.forms import read_form as _form
from app.registration import queries as registration_queries
from app.registration import service
from app.registration.models import (
    Delegation,
    Participant,
    ParticipantRole,
)
from app.registration.schemas import (
    ParticipantCreate,
    ParticipantUpdate,
)
from app.registration.web_forms import (
    FIND_ORGANISATION,
    NEW_ORGANISATION,
    SELF_ROLES,
    _duplicate_choice,
    _form_values,
    _int_or_none,
    _my_values,
    _organisation_choices,
    _person_values,
    _registration_body,
    _searched_values,
    _submit,
    _vocab,
)
from app.types import pk
from app.web import redirect, render

router = APIRouter(include_in_schema=False)


# ---- self-registration --------------------------------------------------------------------


def _registration_open(event: Event) -> bool:
    try:
        service.check_registration_window(event)
    except Conflict:
        return False
    return True


def _register_context(
    request: Request,
    session: Session,
    event: Event,
    values: dict[str, Any],
    errors: dict[str, str],
    *,
    keep: list[int] | None = None,
) -> dict[str, Any]:
    picked = _int_or_none(str(values.get("organisation_id") or ""))
    chosen = [*(keep or []), *([picked] if picked else [])]
    return {
        **_vocab(request),
        "event": event,
        "values": values,
        "errors": errors,
        "roles": SELF_ROLES,
        "org_q": values.get("org_q", ""),
        "organisations": _organisation_choices(session, str(values.get("org_q", "")), keep=chosen),
        "is_open": _registration_open(event),
        "closed_reason": events.registration_closed_reason(event),
    }


@router.get("/events/{event_id:int}/register")
def register_page(
    event_id: int,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    org_q: str = "",
) -> Response:
    event = events.get_event(session, event_id, viewer=user)
    if service.participant_for_user(session, event_id=event_id, user=user) is not None:
        return redirect(f"/events/{event_id}/me")
    values: dict[str, Any] = {
        "full_name": user.full_name,
        "languages": ["vi"],
        "role": ParticipantRole.delegate.value,
        "org_q": org_q[:200],
        "org_country": "VN",
        "org_kind": "enterprise",
        "organisation_id": NEW_ORGANISATION if not org_q else "",
    }
    return render(
        request,
        "registration/register.html",
        _register_context(request, session, event, values, {}),
    )


@router.post("/events/{event_id:int}/register")
async def register_submit(
    event_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    event = events.get_event(session, event_id, viewer=user)
    form = await _form(request)
    if form.get("action") == FIND_ORGANISATION:
        # The search button of the form: show the matches, keep everything typed.
        return render(
            request,
            "registration/register.html",
            _register_context(request, session, event, _searched_values(session, form), {}),
        )

    def save() -> None:
        body = _registration_body(form, require_organisation=True)
        data = ParticipantCreate.model_validate({**body, "for_self": True})
        service.create_participant(session, actor=user, event_id=event_id, data=data)

    def fail(errors: dict[str, str], status: int) -> Response:
        keep = _duplicate_choice(session, form, errors)
        return render(
            request,
            "registration/register.html",
            _register_context(request, session, event, _form_values(form), errors, keep=keep),
            status_code=status,
        )

    return _submit(
        session, save, fail, lambda: redirect(f"/events/{event_id}/me", flash="registered")
    )


# ---- my registration ----------------------------------------------------------------------


def _my_context(
    request: Request,
    session: Session,
    user: User,
    event: Event,
    participant: Participant,
    values: dict[str, Any],
    errors: dict[str, str],
    *,
    availability_errors: dict[str, str] | None = None,
) -> dict[str, Any]:
    name, country, name_en = service.organisation_display(session, participant)
    delegation = (
        session.get(Delegation, participant.delegation_id) if participant.delegation_id else None
    )
    acting = service.acting_for(participant, user)
    return {
        **_vocab(request),
        "event": event,
        "participant": participant,
        "registration_open": _registration_open(event),
        "organisation_name": name,
        "organisation_name_en": name_en,
        "organisation_country": country,
        "delegation": delegation,
        "values": values,
        "errors": errors,
        "sessions": registration_queries.bookable_slots(session, event_id=pk(event)),
        "blocked": set(service.unavailable_slot_ids(session, pk(participant))),
        "availability_errors": availability_errors or {},
        "acting_for": acting,
        "as_query": f"?as={acting.id}" if acting else "",
    }


def _own(
    session: Session, user: User, event_id: int, request: Request
) -> tuple[Event, Participant | None]:
    """The registration the page shows: the user's own, or (``?as=``) a member's that the
    user may act for (service.acting_person)."""
    event = events.get_event(session, event_id, viewer=user)
    wanted = service.parse_as(request.query_params.get("as"))
    return event, service.acting_person(session, user, event, wanted)


def _me_url(event_id: int, participant: Participant, user: User, suffix: str = "") -> str:
    acting = service.acting_for(participant, user)
    return f"/events/{event_id}/me{suffix}" + (f"?as={acting.id}" if acting else "")


@router.get("/events/{event_id:int}/me")
def my_registration_page(
    event_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    event, participant = _own(session, user, event_id, request)
    if participant is None:
        return redirect(f"/events/{event_id}/register")
    return render(
        request,
        "registration/me.html",
        _my_context(request, session, user, event, participant, _my_values(participant), {}),
    )


@router.post("/events/{event_id:int}/me")
async def my_registration_submit(
    event_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    event, participant = _own(session, user, event_id, request)
    form = await _form(request)
    if participant is None:
        return redirect(f"/events/{event_id}/register")
    participant_id = pk(participant)

    def save() -> None:
        data = ParticipantUpdate.model_validate(_person_values(form))
        service.update_participant(
            session, actor=user, event_id=event_id, participant_id=participant_id, data=data
        )

    def fail(errors: dict[str, str], status: int) -> Response:
        fresh = service.get_participant(session, event_id=event_id, participant_id=participant_id)
        return render(
            request,
            "registration/me.html",
            _my_context(request, session, user, event, fresh, _form_values(form), errors),
            status_code=status,
        )

    return _submit(
        session,
        save,
        fail,
        lambda: redirect(_me_url(event_id, participant, user), flash="details-saved"),
    )


@router.post("/events/{event_id:int}/me/availability")
async def my_availability_submit(
    event_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    event, participant = _own(session, user, event_id, request)
    form = await _form(request)
    if participant is None:
        return redirect(f"/events/{event_id}/register")
    participant_id = pk(participant)
    slot_ids = [int(v) for v in form.many("slot_ids") if v.isdigit()]

    def save() -> None:
        service.set_unavailable(
            session, actor=user, event_id=event_id, participant_id=participant_id, slot_ids=slot_ids
        )

    def fail(errors: dict[str, str], status: int) -> Response:
        fresh = service.get_participant(session, event_id=event_id, participant_id=participant_id)
        return render(
            request,
            "registration/me.html",
            _my_context(
                request,
                session,
                user,
                event,
                fresh,
                _my_values(fresh),
                {},
                availability_errors=errors,
            ),
            status_code=status,
        )

    return _submit(
        session,
        save,
        fail,
        lambda: redirect(_me_url(event_id, participant, user), flash="availability-saved"),
    )


@router.post("/events/{event_id:int}/me/reapply")
async def my_reapply_submit(
    event_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    """A rejected registrant, having corrected the details, sends the registration again."""
    event, participant = _own(session, user, event_id, request)
    await _form(request)
    if participant is None:
        return redirect(f"/events/{event_id}/register")
    participant_id = pk(participant)

    def save() -> None:
        service.reapply(session, actor=user, event_id=event_id, participant_id=participant_id)

    def fail(errors: dict[str, str], status: int) -> Response:
        fresh = service.get_participant(session, event_id=event_id, participant_id=participant_id)
        return render(
            request,
            "registration/me.html",
            _my_context(request, session, user, event, fresh, _my_values(fresh), errors),
            status_code=status,
        )

    return _submit(
        session,
        save,
        fail,
        lambda: redirect(_me_url(event_id, participant, user), flash="reapplied"),
    )
