"""What the registration pages share: choices, form values and their errors."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from babel import Locale
from fastapi import Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlmodel import Session

from app.errors import DomainError, Invalid
from app.forms import Form, errors_of, submit_form
from app.i18n import pick_locale
from app.registration import organisations as organisation_service
from app.registration.models import (
    Organisation,
    Participant,
    ParticipantRole,
)
from app.text import fold
from app.types import pk
from app.vocab import (
    COUNTRIES,
    LANGUAGES,
    ORGANISATION_KINDS,
    SECTORS,
    label,
)
from app.web import request_locale

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
    return errors_of(exc, _field_name)


def _submit(
    session: Session,
    save: Callable[[], object],
    fail: Callable[[dict[str, str], int], Response],
    done: Callable[[], Response],
) -> Response:
    """``app.forms.submit_form`` with the registration forms' field names."""
    return submit_form(session, save, fail, done, rename=_field_name)


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


def _searched_values(session: Session, form: Form) -> dict[str, Any]:
    """What a form shows after its organisation search button: everything typed, and the
    organisation found chosen when the search found exactly one and none was chosen yet
    (nor a new one described): otherwise "a new organisation" stayed ticked and a second
    copy of a registered one was easy to create."""
    values = _form_values(form)
    chosen = str(values.get("organisation_id") or "")
    if chosen in ("", NEW_ORGANISATION) and not form.get("org_name_vi"):
        found = _organisation_choices(session, form.get("org_q"))
        if len(found) == 1:
            values["organisation_id"] = str(pk(found[0]))
    return values


def _duplicate_choice(session: Session, form: Form, errors: dict[str, str]) -> list[int]:
    """When a new organisation turns out to be registered already, offer the existing one
    (and say so beside the organisation's name)."""
    if form.get("organisation_id") != NEW_ORGANISATION or not form.get("org_name_vi"):
        return []
    existing = organisation_service.find_duplicate_organisation(
        session,
        name=form.get("org_name_vi"),
        country=(form.get("org_country") or "VN").upper(),
    )
    if existing is None:
        return []
    if "org_name_vi" in errors:
        errors["org_name_vi"] = "this organisation is already registered: choose it above"
    return [pk(existing)]


def _my_values(participant: Participant) -> dict[str, Any]:
    return {
        "full_name": participant.full_name,
        "name_local": participant.name_local,
        "position": participant.position,
        "phone": participant.phone,
        "languages": participant.languages,
        "meeting_cap": participant.meeting_cap if participant.meeting_cap is not None else "",
    }
