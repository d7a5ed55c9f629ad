"""Delegation pages: the list, the form, a delegation with its members."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.auth.models import User
from app.auth.service import get_user_by_email
from app.deps import CurrentUser, OptionalUser, Organiser, SessionDep
from app.errors import Forbidden, Invalid, NotFound
from app.events import service as events
from app.events.models import Event
from app.forms import Form
from app.forms import read_form as _form
from app.registration import delegations as delegation_service
from app.registration import service
from app.registration.models import (
    Delegation,
    DelegationStatus,
    Organisation,
    ParticipantRole,
)
from app.registration.schemas import (
    DelegationCreate,
    DelegationUpdate,
    ParticipantCreate,
)
from app.registration.web_forms import (
    SELF_ROLES,
    _blank_none,
    _form_values,
    _int_or_none,
    _organisation_choices,
    _person_values,
    _submit,
    _vocab,
)
from app.types import pk
from app.web import redirect, render, request_locale

router = APIRouter(include_in_schema=False)


# ---- delegations --------------------------------------------------------------------------


@router.get("/events/{event_id:int}/delegations")
def delegations_page(
    event_id: int, request: Request, session: SessionDep, user: OptionalUser
) -> Response:
    event, rows = delegation_service.list_delegations(session, viewer=user, event_id=event_id)
    if request_locale(request) == "en":
        # in the order of the names the reader sees (the query orders by the Vietnamese ones)
        rows = sorted(rows, key=lambda d: ((d.name_en or d.name).casefold(), pk(d)))
    can_manage = events.can_manage(session, user, event)
    items = []
    for d in rows:
        private = delegation_service.can_manage_delegation(session, user, event, d)
        members = delegation_service.delegation_members(session, pk(d), approved_only=not private)
        items.append({"delegation": d, "member_count": len(members), "private": private})
    return render(
        request,
        "registration/delegations.html",
        {**_vocab(request), "event": event, "items": items, "can_manage": can_manage},
    )


def _delegation_form_values(session: Session, delegation: Delegation | None) -> dict[str, Any]:
    if delegation is None:
        return {
            "country": "",
            "status": DelegationStatus.invited.value,
            "languages": "",
            "organisation_ids": [],
        }
    head = session.get(User, delegation.head_user_id) if delegation.head_user_id else None
    return {
        "name": delegation.name,
        "name_en": delegation.name_en,
        "name_local": delegation.name_local,
        "country": delegation.country,
        "head_email": head.email if head else "",
        "leading_organisation_id": delegation.leading_organisation_id or "",
        "arrival_date": delegation.arrival_date.isoformat() if delegation.arrival_date else "",
        "departure_date": (
            delegation.departure_date.isoformat() if delegation.departure_date else ""
        ),
        "languages": ", ".join(delegation.languages),
        "needs_interpreter": delegation.needs_interpreter,
        "interpreter_notes": delegation.interpreter_notes,
        "status": delegation.status,
        "notes": delegation.notes,
        "organisation_ids": delegation_service.delegation_organisation_ids(session, pk(delegation)),
    }


def _delegation_body(session: Session, form: Form, *, organiser: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "arrival_date": _blank_none(form.get("arrival_date")),
        "departure_date": _blank_none(form.get("departure_date")),
        "languages": [p for p in re.split(r"[,\s]+", form.get("languages")) if p],
        "needs_interpreter": form.get("needs_interpreter") in ("1", "on", "true"),
        "interpreter_notes": form.get("interpreter_notes"),
        "notes": form.get("notes"),
        "organisation_ids": [int(v) for v in form.many("organisation_ids") if v.isdigit()],
    }
    if form.get("status"):
        body["status"] = form.get("status")
    if organiser:
        head_email = form.get("head_email")
        head = get_user_by_email(session, head_email) if head_email else None
        if head_email and head is None:
            raise Invalid("head_email", "no account with this e-mail; create it first")
        body.update(
            {
                "name": form.get("name"),
                "name_en": form.get("name_en"),
                "name_local": form.get("name_local"),
                "country": form.get("country"),
                "head_user_id": head.id if head else None,
                "leading_organisation_id": _int_or_none(form.get("leading_organisation_id")),
            }
        )
    return body


_DELEGATION_ALIASES = {"head_user_id": "head_email"}


def _delegation_context(
    request: Request,
    session: Session,
    event: Event,
    delegation: Delegation | None,
    values: dict[str, Any],
    errors: dict[str, str],
    *,
    organiser: bool,
) -> dict[str, Any]:
    # The chosen members and the leading organisation stay offered, so that saving the form
    # after a search does not drop them.
    keep = list(values.get("organisation_ids") or [])
    leading = _int_or_none(str(values.get("leading_organisation_id") or ""))
    if leading is not None:
        keep.append(leading)
    languages = values.get("languages")
    if isinstance(languages, list):
        # The form's languages field is one text box: show "zh, en, vi", not a list.
        values = {**values, "languages": ", ".join(languages)}
    return {
        **_vocab(request),
        "event": event,
        "delegation": delegation,
        "values": values,
        "errors": {_DELEGATION_ALIASES.get(k, k): v for k, v in errors.items()},
        "organiser": organiser,
        "statuses": list(DelegationStatus),
        "org_q": values.get("org_q", ""),
        "organisations": _organisation_choices(session, str(values.get("org_q", "")), keep=keep),
    }


@router.get("/events/{event_id:int}/delegations/new")
def new_delegation_page(
    event_id: int, request: Request, session: SessionDep, user: Organiser, org_q: str = ""
) -> Response:
    event = events.managed_event(session, user, event_id)
    values = {**_delegation_form_values(session, None), "org_q": org_q[:200]}
    return render(
        request,
        "registration/delegation_form.html",
        _delegation_context(request, session, event, None, values, {}, organiser=True),
    )


@router.post("/events/{event_id:int}/delegations/new")
async def new_delegation_submit(
    event_id: int, request: Request, session: SessionDep, user: Organiser
) -> Response:
    event = events.managed_event(session, user, event_id)
    form = await _form(request)
    created: list[Delegation] = []

    def save() -> None:
        data = DelegationCreate.model_validate(_delegation_body(session, form, organiser=True))
        created.append(
            delegation_service.create_delegation(session, actor=user, event_id=event_id, data=data)
        )

    def fail(errors: dict[str, str], status: int) -> Response:
        return render(
            request,
            "registration/delegation_form.html",
            _delegation_context(
                request, session, event, None, _form_values(form), errors, organiser=True
            ),
            status_code=status,
        )

    return _submit(
        session,
        save,
        fail,
        lambda: redirect(
            f"/events/{event_id}/delegations/{created[0].id}", flash="delegation-saved"
        ),
    )


def _delegation_for_editor(
    session: Session, user: User, event_id: int, delegation_id: int
) -> tuple[Event, Delegation, bool]:
    event, delegation = delegation_service.get_delegation(
        session, viewer=user, event_id=event_id, delegation_id=delegation_id
    )
    if not delegation_service.can_manage_delegation(session, user, event, delegation):
        raise Forbidden("Only the event's organisers or the head of the delegation can change it")
    return event, delegation, events.can_manage(session, user, event)


@router.get("/events/{event_id:int}/delegations/{delegation_id:int}/edit")
def edit_delegation_page(
    event_id: int,
    delegation_id: int,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    org_q: str = "",
) -> Response:
    event, delegation, organiser = _delegation_for_editor(session, user, event_id, delegation_id)
    values = {**_delegation_form_values(session, delegation), "org_q": org_q[:200]}
    return render(
        request,
        "registration/delegation_form.html",
        _delegation_context(request, session, event, delegation, values, {}, organiser=organiser),
    )


@router.post("/events/{event_id:int}/delegations/{delegation_id:int}/edit")
async def edit_delegation_submit(
    event_id: int, delegation_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    event, current, organiser = _delegation_for_editor(session, user, event_id, delegation_id)
    form = await _form(request)
    withdrawing = (
        form.get("status") == DelegationStatus.withdrawn.value
        and current.status != DelegationStatus.withdrawn.value
    )
    if withdrawing and form.get("confirm") != "withdraw":
        # Withdrawing takes a whole delegation off the event: say what it touches and ask.
        return render(
            request,
            "registration/delegation_withdraw.html",
            {
                **_vocab(request),
                "event": event,
                "delegation": current,
                "organiser": organiser,
                "consequences": delegation_service.withdrawal_consequences(session, delegation_id),
                "fields": [
                    (k, v)
                    for k, vs in form.lists.items()
                    for v in vs
                    if k not in ("confirm", "csrf_token")
                ],
            },
        )

    def save() -> None:
        data = DelegationUpdate.model_validate(_delegation_body(session, form, organiser=organiser))
        delegation_service.update_delegation(
            session, actor=user, event_id=event_id, delegation_id=delegation_id, data=data
        )

    def fail(errors: dict[str, str], status: int) -> Response:
        fresh = session.get(Delegation, delegation_id)
        return render(
            request,
            "registration/delegation_form.html",
            _delegation_context(
                request, session, event, fresh, _form_values(form), errors, organiser=organiser
            ),
            status_code=status,
        )

    return _submit(
        session,
        save,
        fail,
        lambda: redirect(
            f"/events/{event_id}/delegations/{delegation_id}", flash="delegation-saved"
        ),
    )


def _delegation_page_context(
    request: Request,
    session: Session,
    user: User | None,
    event: Event,
    delegation: Delegation,
    values: dict[str, Any],
    errors: dict[str, str],
) -> dict[str, Any]:
    private = delegation_service.can_manage_delegation(session, user, event, delegation)
    members = delegation_service.delegation_members(
        session, pk(delegation), approved_only=not private
    )
    # people's names only to signed-in accounts; a visitor sees how many
    hidden_people = len(members) if user is None else 0
    if user is None:
        members = []
    head = session.get(User, delegation.head_user_id) if delegation.head_user_id else None
    leading = (
        session.get(Organisation, delegation.leading_organisation_id)
        if delegation.leading_organisation_id
        else None
    )
    organisations = [
        o
        for o in (
            session.get(Organisation, i)
            for i in delegation_service.delegation_organisation_ids(session, pk(delegation))
        )
        if o is not None
    ]
    return {
        **_vocab(request),
        "event": event,
        "delegation": delegation,
        "private": private,
        "is_organiser": events.can_manage(session, user, event),
        "head": head,
        "leading": leading,
        "organisations": organisations,
        "members": [
            {"participant": m, "organisation": service.organisation_display(session, m)}
            for m in members
        ],
        "hidden_people": hidden_people,
        "values": values,
        "errors": errors,
        "roles": SELF_ROLES,
        "member_organisations": _member_organisations(session, user, event, delegation),
    }


def _member_organisations(
    session: Session, user: User | None, event: Event, delegation: Delegation
) -> list[tuple[str, str, str]]:
    """Choices for a new member's organisation: by default (blank) the head's own; or one of
    the delegation's organisations. (value, Vietnamese name, English name): the page picks."""
    ids: list[int] = []
    if delegation.leading_organisation_id:
        ids.append(delegation.leading_organisation_id)
    ids += delegation_service.delegation_organisation_ids(session, pk(delegation))
    default_id = (
        service.default_member_organisation(
            session, event_id=pk(event), delegation_id=pk(delegation), actor=user
        )
        if user is not None
        else None
    )
    default = session.get(Organisation, default_id) if default_id else None
    choices = [("", default.name_vi, default.name_en) if default else ("", "—", "")]
    for oid in dict.fromkeys(ids):
        org = session.get(Organisation, oid)
        if org is not None and oid != default_id:
            choices.append((str(oid), org.name_vi, org.name_en))
    return choices


@router.get("/events/{event_id:int}/delegations/{delegation_id:int}")
def delegation_page(
    event_id: int, delegation_id: int, request: Request, session: SessionDep, user: OptionalUser
) -> Response:
    event, delegation = delegation_service.get_delegation(
        session, viewer=user, event_id=event_id, delegation_id=delegation_id
    )
    values = {"languages": delegation.languages or ["vi"], "role": ParticipantRole.delegate.value}
    return render(
        request,
        "registration/delegation.html",
        _delegation_page_context(request, session, user, event, delegation, values, {}),
    )


@router.post("/events/{event_id:int}/delegations/{delegation_id:int}/members")
async def add_member_submit(
    event_id: int, delegation_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    """The head (or an organiser) adds a member; a head's additions wait for approval."""
    event, delegation, _ = _delegation_for_editor(session, user, event_id, delegation_id)
    form = await _form(request)

    def save() -> None:
        body = {
            **_person_values(form),
            "role": form.get("role") or ParticipantRole.delegate.value,
            "email": _blank_none(form.get("email")),
            "delegation_id": delegation_id,
            "organisation_id": _int_or_none(form.get("organisation_id")),
            "for_self": False,
        }
        data = ParticipantCreate.model_validate(body)
        service.create_participant(session, actor=user, event_id=event_id, data=data)

    def fail(errors: dict[str, str], status: int) -> Response:
        fresh = session.get(Delegation, delegation_id) or delegation
        return render(
            request,
            "registration/delegation.html",
            _delegation_page_context(
                request, session, user, event, fresh, _form_values(form), errors
            ),
            status_code=status,
        )

    return _submit(
        session,
        save,
        fail,
        lambda: redirect(f"/events/{event_id}/delegations/{delegation_id}", flash="member-added"),
    )


@router.post(
    "/events/{event_id:int}/delegations/{delegation_id:int}/members/{participant_id:int}/remove"
)
async def remove_member_submit(
    event_id: int,
    delegation_id: int,
    participant_id: int,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
) -> Response:
    """The head (or an organiser) removes a member whose registration is still pending."""
    event, delegation, _ = _delegation_for_editor(session, user, event_id, delegation_id)
    await _form(request)
    member = service.get_participant(session, event_id=event_id, participant_id=participant_id)
    if member.delegation_id != delegation_id:
        raise NotFound("Participant", participant_id)

    def save() -> None:
        service.remove_member(session, actor=user, event_id=event_id, participant_id=participant_id)

    def fail(errors: dict[str, str], status: int) -> Response:
        fresh = session.get(Delegation, delegation_id) or delegation
        return render(
            request,
            "registration/delegation.html",
            _delegation_page_context(request, session, user, event, fresh, {}, errors),
            status_code=status,
        )

    return _submit(
        session,
        save,
        fail,
        lambda: redirect(f"/events/{event_id}/delegations/{delegation_id}", flash="member-removed"),
    )


@router.post("/events/{event_id:int}/delegations/{delegation_id:int}/restore")
async def restore_delegation_submit(
    event_id: int, delegation_id: int, request: Request, session: SessionDep, user: Organiser
) -> Response:
    """The organisers undo a withdrawal: the delegation is registered again."""
    events.managed_event(session, user, event_id)
    await _form(request)
    delegation_service.update_delegation(
        session,
        actor=user,
        event_id=event_id,
        delegation_id=delegation_id,
        data=DelegationUpdate(status=DelegationStatus.registered),
    )
    return redirect(f"/events/{event_id}/delegations/{delegation_id}", flash="delegation-restored")
