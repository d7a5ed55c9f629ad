"""Pages of the registration module: registering oneself, one's own registration and
availability, the organisers' participant list with approval, and delegations.

Private pages send anonymous visitors to log in (a 401 becomes a redirect) and show a 403
page to the wrong role; a draft event stays a 404 for outsiders, as everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from babel import Locale
from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlmodel import Session

from app.auth.models import User
from app.auth.service import get_user_by_email
from app.deps import CurrentUser, OptionalUser, Organiser, SessionDep
from app.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from app.events import service as events
from app.events.models import Event
from app.forms import Form
from app.forms import read_form as _form
from app.i18n import pick_locale
from app.i18n.render import pydantic_message
from app.matchmaking.vocab import (
    COUNTRIES,
    LANGUAGES,
    ORGANISATION_KINDS,
    SECTORS,
    OrganisationKind,
    label,
)
from app.registration import delegations as delegation_service
from app.registration import organisations as organisation_service
from app.registration import queries as registration_queries
from app.registration import service
from app.registration.models import (
    ApprovalStatus,
    Delegation,
    DelegationStatus,
    Organisation,
    Participant,
    ParticipantRole,
)
from app.registration.schemas import (
    DelegationCreate,
    DelegationUpdate,
    ParticipantCreate,
    ParticipantUpdate,
)
from app.text import fold
from app.types import pk
from app.web import form_errors, redirect, render, request_locale

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 100
ORGANISATION_CHOICES = 20
# Roles a person may give themself; organiser staff are registered by the organisers.
SELF_ROLES = (
    ParticipantRole.delegate,
    ParticipantRole.host,
    ParticipantRole.interpreter,
    ParticipantRole.attendee,
)
NEW_ORGANISATION = "new"
FIND_ORGANISATION = "find_org"
FILTER_KEYS = ("status", "country", "delegation_id", "kind", "role", "q", "offset")


# ---- form plumbing ------------------------------------------------------------------------


def _field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    # ("organisation", "name_vi") -> "org_name_vi": the new-organisation inputs of a form.
    parts = [str(p) for p in loc if not isinstance(p, int)]
    if not parts:
        return "__all__"
    if parts[0] == "organisation" and len(parts) > 1:
        return "org_" + parts[1]
    return parts[0]


def _errors_of(exc: ValidationError | DomainError) -> dict[str, str]:
    out: dict[str, str] = {}
    if isinstance(exc, ValidationError):
        for error in exc.errors():
            out.setdefault(_field_name(error.get("loc", ())), pydantic_message(error))
        return out
    for item in exc.errors:
        out.setdefault(_field_name(tuple(item.field.split("."))), item.message)
    return out or form_errors(exc)


def _submit(
    save: Callable[[], object],
    fail: Callable[[dict[str, str], int], Response],
    done: Callable[[], Response],
) -> Response:
    """Run a form's save; on bad input re-render the form with each message by its field.
    Nothing is written on failure: the request's unit of work rolls back on the error."""
    try:
        save()
    except ValidationError as exc:
        return fail(_errors_of(exc), 422)
    except DomainError as exc:
        if exc.status in (401, 404):
            raise  # not a form problem: log in, or nothing here
        return fail(_errors_of(exc), exc.status)
    return done()


def _int_or_none(value: str) -> int | None:
    value = value.strip()
    return int(value) if value.isdigit() else None


def _languages(form: Form) -> list[str]:
    chosen = form.many("languages")
    other = [p for p in re.split(r"[,\s]+", form.get("languages_other")) if p]
    return chosen + other


def _blank_none(value: str) -> str | None:
    return value or None


# Regions and groupings in Babel's territory list that are not countries.
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"})


@lru_cache(maxsize=4)
def country_options(locale: str) -> list[tuple[str, str]]:
    """Every country by name for the organisation forms: the product's own list first (with
    the official "Đài Loan (Trung Quốc)"), then the rest of the world in alphabetical order
    of the name in ``locale`` — people choose a name, never type an ISO code."""
    known = [(code, label(COUNTRIES, code, locale)) for code in COUNTRIES]
    territories = Locale.parse(pick_locale(locale)).territories
    others = [
        (code, name)
        for code, name in territories.items()
        if len(code) == 2
        and code.isalpha()
        and code not in COUNTRIES
        and code not in _NOT_COUNTRIES
    ]
    return known + sorted(others, key=lambda pair: fold(pair[1]))


def _vocab(request: Request) -> dict[str, Any]:
    locale = request_locale(request)

    def pairs(table: dict[str, Any]) -> list[tuple[str, str]]:
        return [(code, label(table, code, locale)) for code in table]

    countries = country_options(locale)
    names = dict(countries)
    return {
        "kinds": pairs(ORGANISATION_KINDS),
        "countries": countries,
        "sectors": pairs(SECTORS),
        "language_options": pairs(LANGUAGES),
        "kind_label": lambda code: label(ORGANISATION_KINDS, code, locale),
        "country_label": lambda code: names.get((code or "").upper(), code or ""),
        "flash": None,  # base.html knows only the events' messages; ours are shown by us
        "notice": request.query_params.get("flash"),
    }


def _organisation_choices(
    session: Session, query: str, *, keep: list[int] | None = None
) -> list[Organisation]:
    """Search results for the organisation picker, plus the ones already chosen."""
    found: list[Organisation] = []
    if query.strip():
        found, _ = organisation_service.list_organisations(
            session, q=query, limit=ORGANISATION_CHOICES
        )
    seen = {pk(o) for o in found}
    for organisation_id in keep or []:
        if organisation_id not in seen:
            org = session.get(Organisation, organisation_id)
            if org is not None:
                found.append(org)
                seen.add(organisation_id)
    return found


def _new_organisation(form: Form) -> dict[str, Any]:
    return {
        "name_vi": form.get("org_name_vi"),
        "name_en": form.get("org_name_en"),
        "kind": form.get("org_kind") or "enterprise",
        "country": form.get("org_country") or "VN",
        "province": form.get("org_province"),
        "sectors": form.many("org_sectors"),
        "website": form.get("org_website"),
    }


def _person_values(form: Form) -> dict[str, Any]:
    return {
        "full_name": form.get("full_name"),
        "name_local": form.get("name_local"),
        "position": form.get("position"),
        "phone": form.get("phone"),
        "languages": _languages(form),
        "meeting_cap": _blank_none(form.get("meeting_cap")),
    }


def _organisation_choice(form: Form) -> str:
    """The picked organisation; a new one described without ticking "new" counts as new."""
    choice = form.get("organisation_id")
    if not choice and form.get("org_name_vi"):
        return NEW_ORGANISATION
    return choice


def _registration_body(form: Form, *, require_organisation: bool = False) -> dict[str, Any]:
    """The person and their organisation: an existing one picked from the search, or a new
    one described in the org_* fields."""
    body = {**_person_values(form), "role": form.get("role") or ParticipantRole.delegate.value}
    choice = _organisation_choice(form)
    if not choice and require_organisation:
        raise Invalid(
            "organisation_id", "choose your organisation from the search, or describe a new one"
        )
    if choice == NEW_ORGANISATION:
        body["organisation"] = _new_organisation(form)
    elif choice:
        # A tampered value is an unknown organisation, not a server error.
        body["organisation_id"] = _int_or_none(choice) or -1
    return body


def _form_values(form: Form) -> dict[str, Any]:
    values: dict[str, Any] = dict(form.values)
    values["organisation_id"] = _organisation_choice(form)
    values["languages"] = form.many("languages")
    values["org_sectors"] = form.many("org_sectors")
    values["organisation_ids"] = [int(v) for v in form.many("organisation_ids") if v.isdigit()]
    return values


def _duplicate_choice(session: Session, form: Form) -> list[int]:
    """When a new organisation turns out to be registered already, offer the existing one."""
    if form.get("organisation_id") != NEW_ORGANISATION or not form.get("org_name_vi"):
        return []
    existing = organisation_service.find_duplicate_organisation(
        session,
        name=form.get("org_name_vi"),
        country=(form.get("org_country") or "VN").upper(),
    )
    return [pk(existing)] if existing is not None else []


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
            _register_context(request, session, event, _form_values(form), {}),
        )

    def save() -> None:
        body = _registration_body(form, require_organisation=True)
        data = ParticipantCreate.model_validate({**body, "for_self": True})
        service.create_participant(session, actor=user, event_id=event_id, data=data)

    def fail(errors: dict[str, str], status: int) -> Response:
        session.rollback()
        keep = _duplicate_choice(session, form)
        if keep and "org_name_vi" in errors:
            errors["org_name_vi"] = "this organisation is already registered: choose it above"
        return render(
            request,
            "registration/register.html",
            _register_context(request, session, event, _form_values(form), errors, keep=keep),
            status_code=status,
        )

    return _submit(save, fail, lambda: redirect(f"/events/{event_id}/me", flash="registered"))


# ---- my registration ----------------------------------------------------------------------


def _my_values(participant: Participant) -> dict[str, Any]:
    return {
        "full_name": participant.full_name,
        "name_local": participant.name_local,
        "position": participant.position,
        "phone": participant.phone,
        "languages": participant.languages,
        "meeting_cap": participant.meeting_cap if participant.meeting_cap is not None else "",
    }


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
    name, country = service.organisation_display(session, participant)
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
        session.rollback()
        fresh = service.get_participant(session, event_id=event_id, participant_id=participant_id)
        return render(
            request,
            "registration/me.html",
            _my_context(request, session, user, event, fresh, _form_values(form), errors),
            status_code=status,
        )

    return _submit(
        save, fail, lambda: redirect(_me_url(event_id, participant, user), flash="details-saved")
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
        session.rollback()
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
        session.rollback()
        fresh = service.get_participant(session, event_id=event_id, participant_id=participant_id)
        return render(
            request,
            "registration/me.html",
            _my_context(request, session, user, event, fresh, _my_values(fresh), errors),
            status_code=status,
        )

    return _submit(
        save, fail, lambda: redirect(_me_url(event_id, participant, user), flash="reapplied")
    )


# ---- organisers: participants -------------------------------------------------------------


def _managed(session: Session, user: User, event_id: int) -> Event:
    event = events.get_event(session, event_id, viewer=user)
    events.require_manage(session, user, event)
    return event


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
    event = _managed(session, user, event_id)
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
    event = _managed(session, user, event_id)
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
        session.rollback()
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
    return _submit(save, fail, lambda: redirect(target, flash=flash))


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
    event = _managed(session, user, event_id)
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
    event = _managed(session, user, event_id)
    form = await _form(request)
    if form.get("action") == FIND_ORGANISATION:
        return render(
            request,
            "registration/participant_form.html",
            _add_context(request, session, user, event, _form_values(form), {}),
        )

    def save() -> None:
        body = _registration_body(form)
        body["email"] = _blank_none(form.get("email"))
        body["delegation_id"] = _int_or_none(form.get("delegation_id"))
        data = ParticipantCreate.model_validate({**body, "for_self": False})
        service.create_participant(session, actor=user, event_id=event_id, data=data)

    def fail(errors: dict[str, str], status: int) -> Response:
        session.rollback()
        keep = _duplicate_choice(session, form)
        if keep and "org_name_vi" in errors:
            errors["org_name_vi"] = "this organisation is already registered: choose it above"
        return render(
            request,
            "registration/participant_form.html",
            _add_context(request, session, user, event, _form_values(form), errors, keep=keep),
            status_code=status,
        )

    return _submit(
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
    event = _managed(session, user, event_id)
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
    event = _managed(session, user, event_id)
    participant = service.get_participant(session, event_id=event_id, participant_id=participant_id)
    form = await _form(request)
    if form.get("action") == FIND_ORGANISATION:
        return render(
            request,
            "registration/participant_form.html",
            _edit_context(request, session, user, event, participant, _form_values(form), {}),
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
        session.rollback()
        fresh = service.get_participant(session, event_id=event_id, participant_id=participant_id)
        keep = _duplicate_choice(session, form)
        if keep and "org_name_vi" in errors:
            errors["org_name_vi"] = "this organisation is already registered: choose it above"
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
        save,
        fail,
        lambda: redirect(f"/events/{event_id}/participants", flash="participant-saved"),
    )


# ---- delegations --------------------------------------------------------------------------


@router.get("/events/{event_id:int}/delegations")
def delegations_page(
    event_id: int, request: Request, session: SessionDep, user: OptionalUser
) -> Response:
    event, rows = delegation_service.list_delegations(session, viewer=user, event_id=event_id)
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
    event = _managed(session, user, event_id)
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
    event = _managed(session, user, event_id)
    form = await _form(request)
    created: list[Delegation] = []

    def save() -> None:
        data = DelegationCreate.model_validate(_delegation_body(session, form, organiser=True))
        created.append(
            delegation_service.create_delegation(session, actor=user, event_id=event_id, data=data)
        )

    def fail(errors: dict[str, str], status: int) -> Response:
        session.rollback()
        return render(
            request,
            "registration/delegation_form.html",
            _delegation_context(
                request, session, event, None, _form_values(form), errors, organiser=True
            ),
            status_code=status,
        )

    return _submit(
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
        session.rollback()
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
) -> list[tuple[str, str]]:
    """Choices for a new member's organisation: by default (blank) the head's own; or one of
    the delegation's organisations."""
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
    choices = [("", default.name_vi if default else "—")]
    for oid in dict.fromkeys(ids):
        org = session.get(Organisation, oid)
        if org is not None and oid != default_id:
            choices.append((str(oid), org.name_vi))
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
        session.rollback()
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
        session.rollback()
        fresh = session.get(Delegation, delegation_id) or delegation
        return render(
            request,
            "registration/delegation.html",
            _delegation_page_context(request, session, user, event, fresh, {}, errors),
            status_code=status,
        )

    return _submit(
        save,
        fail,
        lambda: redirect(f"/events/{event_id}/delegations/{delegation_id}", flash="member-removed"),
    )


@router.post("/events/{event_id:int}/delegations/{delegation_id:int}/restore")
async def restore_delegation_submit(
    event_id: int, delegation_id: int, request: Request, session: SessionDep, user: Organiser
) -> Response:
    """The organisers undo a withdrawal: the delegation is registered again."""
    _managed(session, user, event_id)
    await _form(request)
    delegation_service.update_delegation(
        session,
        actor=user,
        event_id=event_id,
        delegation_id=delegation_id,
        data=DelegationUpdate(status=DelegationStatus.registered),
    )
    return redirect(f"/events/{event_id}/delegations/{delegation_id}", flash="delegation-restored")
