"""The organisers' participant pages: the list with its filters, approval, adding and editing."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.auth.models import User
from app.deps import Organiser, SessionDep
from app.errors import Invalid
from app.events import service as events
from app.events.models import Event
from app.forms import read_form as _form
from app.registration import delegations as delegation_service
from app.registration import queries as registration_queries
from app.registration import service
from app.registration.models import (
    ApprovalStatus,
    Participant,
    ParticipantRole,
)
from app.registration.schemas import (
    ParticipantCreate,
    ParticipantUpdate,
)
from app.registration.web_forms import (
    FILTER_KEYS,
    FIND_ORGANISATION,
    PAGE_SIZE,
    _blank_none,
    _duplicate_choice,
    _form_values,
    _int_or_none,
    _my_values,
    _organisation_choices,
    _registration_body,
    _searched_values,
    _submit,
    _vocab,
)
from app.types import pk
from app.vocab import (
    OrganisationKind,
)
from app.web import redirect, render

router = APIRouter(include_in_schema=False)


# ---- organisers: participants -------------------------------------------------------------


def _filters(params: dict[str, str]) -> registration_queries.ParticipantFilters:
    def enum(kind: Any, raw: str) -> Any:
        try:
            return kind(raw) if raw else None
        except ValueError:
            return None

    return registration_queries.ParticipantFilters(
        status=enum(ApprovalStatus, params.get("status", "")),
        country=(params.get("country") or "").strip()[:2] or None,
        delegation_id=_int_or_none(params.get("delegation_id", "")),
        kind=enum(OrganisationKind, params.get("kind", "")),
        role=enum(ParticipantRole, params.get("role", "")),
        q=(params.get("q") or "")[:200] or None,
    )


def _filter_query(params: dict[str, str], **changes: Any) -> str:
    kept = {k: params[k] for k in FILTER_KEYS if params.get(k)}
    kept.update({k: str(v) for k, v in changes.items() if v not in (None, "")})
    for key, value in changes.items():
        if value in (None, ""):
            kept.pop(key, None)
    return urlencode(kept)


def _participants_context(
    request: Request,
    session: Session,
    user: User,
    event: Event,
    params: dict[str, str],
    *,
    decision_errors: dict[int, str] | None = None,
) -> dict[str, Any]:
    event_id = pk(event)
    offset = _int_or_none(params.get("offset", "")) or 0
    rows, total, _ = registration_queries.list_participants(
        session,
        viewer=user,
        event_id=event_id,
        filters=_filters(params),
        limit=PAGE_SIZE,
        offset=offset,
    )
    _, delegations = delegation_service.list_delegations(session, viewer=user, event_id=event_id)
    from app.accounts import service as accounts  # invitations and unconfirmed sign-ups
    from app.meetings import readmodel  # organisations of the page's rows in one query

    loaded = readmodel.load_people(session, [pk(p) for p in rows])  # held while reading rows
    context = {
        **_vocab(request),
        "event": event,
        "accounts": accounts.invitation_states(session, rows),
        "unconfirmed": accounts.unconfirmed_signups(session, rows),
        "unconfirmed_count": accounts.unconfirmed_count(session, event_id=event_id),
        "rows": [
            {
                "participant": p,
                "organisation": service.organisation_display(session, p),
            }
            for p in rows
        ],
        "total": total,
        "offset": offset,
        "page_size": PAGE_SIZE,
        "counts": registration_queries.counts_by_status(session, event_id=event_id),
        "params": params,
        "filter_query": _filter_query(params),
        "prev_query": _filter_query(params, offset=max(offset - PAGE_SIZE, 0) or None),
        "next_query": _filter_query(params, offset=offset + PAGE_SIZE),
        "delegations": {pk(d): d for d in delegations},
        "statuses": list(ApprovalStatus),
        "roles": list(ParticipantRole),
        "decision_errors": decision_errors or {},
    }
    del loaded
    return context


@router.get("/events/{event_id:int}/participants")
def participants_page(
    event_id: int, request: Request, session: SessionDep, user: Organiser
) -> Response:
    event = events.managed_event(session, user, event_id)
    params = {k: v for k, v in request.query_params.items() if k in FILTER_KEYS}
    return render(
        request,
        "registration/participants.html",
        _participants_context(request, session, user, event, params),
    )


@router.post("/events/{event_id:int}/participants/{participant_id:int}/decision")
async def decision_submit(
    event_id: int, participant_id: int, request: Request, session: SessionDep, user: Organiser
) -> Response:
    event = events.managed_event(session, user, event_id)
    form = await _form(request)
    # The list's filters come back as plain fields, and only known ones are kept, so the
    # redirect cannot be pointed anywhere else.
    params = {k: form.get(f"filter_{k}") for k in FILTER_KEYS if form.get(f"filter_{k}")}
    raw_status = form.get("status")

    def save() -> None:
        try:
            status = ApprovalStatus(raw_status)
        except ValueError as exc:
            raise Invalid("status", "choose approve or reject") from exc
        service.decide(
            session,
            actor=user,
            event_id=event_id,
            participant_id=participant_id,
            status=status,
            reason=form.get("reason"),
        )

    def fail(errors: dict[str, str], status: int) -> Response:
        message = errors.get("reason") or errors.get("status") or next(iter(errors.values()))
        return render(
            request,
            "registration/participants.html",
            _participants_context(
                request, session, user, event, params, decision_errors={participant_id: message}
            ),
            status_code=status,
        )

    query = _filter_query(params)
    flash = "approved" if raw_status == ApprovalStatus.approved.value else "decided"
    target = f"/events/{event_id}/participants" + (f"?{query}" if query else "")
    return _submit(session, save, fail, lambda: redirect(target, flash=flash))


def _add_context(
    request: Request,
    session: Session,
    user: User,
    event: Event,
    values: dict[str, Any],
    errors: dict[str, str],
    *,
    keep: list[int] | None = None,
) -> dict[str, Any]:
    _, delegations = delegation_service.list_delegations(session, viewer=user, event_id=pk(event))
    picked = _int_or_none(str(values.get("organisation_id") or ""))
    chosen = [*(keep or []), *([picked] if picked else [])]
    return {
        **_vocab(request),
        "event": event,
        "values": values,
        "errors": errors,
        "roles": list(ParticipantRole),
        "delegations": delegations,
        "org_q": values.get("org_q", ""),
        "organisations": _organisation_choices(session, str(values.get("org_q", "")), keep=chosen),
    }


@router.get("/events/{event_id:int}/participants/new")
def add_participant_page(
    event_id: int, request: Request, session: SessionDep, user: Organiser, org_q: str = ""
) -> Response:
    event = events.managed_event(session, user, event_id)
    values: dict[str, Any] = {
        "languages": ["vi"],
        "role": ParticipantRole.delegate.value,
        "org_q": org_q[:200],
        "org_country": "VN",
        "org_kind": "enterprise",
        "organisation_id": "",
    }
    return render(
        request,
        "registration/participant_form.html",
        _add_context(request, session, user, event, values, {}),
    )


@router.post("/events/{event_id:int}/participants/new")
async def add_participant_submit(
    event_id: int, request: Request, session: SessionDep, user: Organiser
) -> Response:
    event = events.managed_event(session, user, event_id)
    form = await _form(request)
    if form.get("action") == FIND_ORGANISATION:
        return render(
            request,
            "registration/participant_form.html",
            _add_context(request, session, user, event, _searched_values(session, form), {}),
        )

    def save() -> None:
        body = _registration_body(form)
        body["email"] = _blank_none(form.get("email"))
        body["delegation_id"] = _int_or_none(form.get("delegation_id"))
        data = ParticipantCreate.model_validate({**body, "for_self": False})
        service.create_participant(session, actor=user, event_id=event_id, data=data)

    def fail(errors: dict[str, str], status: int) -> Response:
        keep = _duplicate_choice(session, form, errors)
        return render(
            request,
            "registration/participant_form.html",
            _add_context(request, session, user, event, _form_values(form), errors, keep=keep),
            status_code=status,
        )

    return _submit(
        session,
        save,
        fail,
        lambda: redirect(f"/events/{event_id}/participants", flash="participant-added"),
    )


def _participant_edit_values(participant: Participant) -> dict[str, Any]:
    return {
        **_my_values(participant),
        "email": participant.email or "",
        "role": participant.role,
        "delegation_id": participant.delegation_id or "",
        "organisation_id": participant.organisation_id or "",
        "org_q": "",
        "org_country": "VN",
        "org_kind": "enterprise",
    }


def _edit_context(
    request: Request,
    session: Session,
    user: User,
    event: Event,
    participant: Participant,
    values: dict[str, Any],
    errors: dict[str, str],
) -> dict[str, Any]:
    return {
        **_add_context(request, session, user, event, values, errors),
        "participant": participant,
    }


@router.get("/events/{event_id:int}/participants/{participant_id:int}/edit")
def edit_participant_page(
    event_id: int, participant_id: int, request: Request, session: SessionDep, user: Organiser
) -> Response:
    event = events.managed_event(session, user, event_id)
    participant = service.get_participant(session, event_id=event_id, participant_id=participant_id)
    return render(
        request,
        "registration/participant_form.html",
        _edit_context(
            request, session, user, event, participant, _participant_edit_values(participant), {}
        ),
    )


@router.post("/events/{event_id:int}/participants/{participant_id:int}/edit")
async def edit_participant_submit(
    event_id: int, participant_id: int, request: Request, session: SessionDep, user: Organiser
) -> Response:
    """The organisers correct anyone's registration: name, position, organisation (found or
    new), contact, languages, role, delegation and meeting cap."""
    event = events.managed_event(session, user, event_id)
    participant = service.get_participant(session, event_id=event_id, participant_id=participant_id)
    form = await _form(request)
    if form.get("action") == FIND_ORGANISATION:
        return render(
            request,
            "registration/participant_form.html",
            _edit_context(
                request, session, user, event, participant, _searched_values(session, form), {}
            ),
        )

    def save() -> None:
        body = _registration_body(form)
        body["email"] = _blank_none(form.get("email"))
        body["delegation_id"] = _int_or_none(form.get("delegation_id"))
        body.setdefault("organisation_id", None)
        data = ParticipantUpdate.model_validate(body)
        service.update_participant(
            session, actor=user, event_id=event_id, participant_id=participant_id, data=data
        )

    def fail(errors: dict[str, str], status: int) -> Response:
        fresh = service.get_participant(session, event_id=event_id, participant_id=participant_id)
        keep = _duplicate_choice(session, form, errors)
        values = _form_values(form)
        return render(
            request,
            "registration/participant_form.html",
            {
                **_add_context(request, session, user, event, values, errors, keep=keep),
                "participant": fresh,
            },
            status_code=status,
        )

    return _submit(
        session,
        save,
        fail,
        lambda: redirect(f"/events/{event_id}/participants", flash="participant-saved"),
    )
