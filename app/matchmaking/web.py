"""Pages: browse and search an event's offers and requests, a profile, the profile form and
the suggested counterparts of the logged-in participant."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.auth.models import User
from app.deps import CurrentUser, OptionalUser, SessionDep
from app.errors import Forbidden, Invalid, NotRegistered
from app.events import service as events
from app.events.models import Event
from app.forms import submit_form as submit
from app.matchmaking import service
from app.matchmaking.models import Profile, ProfileStatus
from app.matchmaking.schemas import ProfileCreate, ProfileUpdate
from app.registration import service as registration
from app.registration.models import Participant
from app.text import Highlighter, search_terms
from app.types import pk
from app.vocab import (
    BUDGET_RANGES,
    COUNTRIES,
    IP_STATUSES,
    LANGUAGES,
    PARTNERSHIPS,
    PROFILE_KINDS,
    SECTORS,
    ProfileKind,
)
from app.web import check_csrf, redirect, render

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 24
LIST_FIELDS = ("sectors", "partnership_types")
TEXT_FIELDS = (
    "participant_id",
    "kind",
    "title_vi",
    "title_en",
    "title_local",
    "local_language",
    "description_vi",
    "description_en",
    "description_local",
    "keywords",
    "trl",
    "ip_status",
    "budget",
    "status",
)
KEYWORD_SPLIT = re.compile(r"[,;\n]+")

VOCAB = {
    "sectors": SECTORS,
    "kinds": PROFILE_KINDS,
    "ip_statuses": IP_STATUSES,
    "budgets": BUDGET_RANGES,
    "partnerships": PARTNERSHIPS,
    "countries": COUNTRIES,
    # The delegation's own language: vi and en have their own fields.
    "local_languages": {k: v for k, v in LANGUAGES.items() if k not in ("vi", "en")},
}


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


async def _form(request: Request) -> dict[str, Any]:
    """The submitted fields (checkbox groups as lists), after the CSRF check."""
    data = await request.form()
    token = data.get("csrf_token")
    check_csrf(request, token if isinstance(token, str) else None)
    values: dict[str, Any] = {
        key: value for key in TEXT_FIELDS if isinstance(value := data.get(key), str)
    }
    for key in LIST_FIELDS:
        values[key] = [v for v in data.getlist(key) if isinstance(v, str)]
    return values


def _parse(form: dict[str, Any]) -> dict[str, Any]:
    """Form strings to the API's shapes; blanks mean "none"."""
    data = {k: v for k, v in form.items() if k in TEXT_FIELDS or k in LIST_FIELDS}
    data["keywords"] = [k for k in KEYWORD_SPLIT.split(form.get("keywords") or "") if k.strip()]
    for key in ("trl", "ip_status", "budget", "participant_id"):
        if not (data.get(key) or "").strip():
            data[key] = None
    return data


def _form_values(profile: Profile | None, sectors: list[str]) -> dict[str, Any]:
    if profile is None:
        return {
            "kind": ProfileKind.technology_request.value,
            "status": ProfileStatus.published.value,
            "sectors": [],
            "partnership_types": [],
        }
    values = profile.model_dump(exclude={"search_text"})
    values["keywords"] = ", ".join(profile.keywords)
    values["sectors"] = sectors
    values["trl"] = "" if profile.trl is None else str(profile.trl)
    values["ip_status"] = profile.ip_status or ""
    values["budget"] = profile.budget or ""
    return values


def _form_context(
    event: Event,
    values: dict[str, Any],
    errors: dict[str, str],
    *,
    profile: Profile | None,
    participants: list[Participant],
) -> dict[str, Any]:
    return {
        "event": event,
        "values": values,
        "errors": errors,
        "profile": profile,
        "participants": participants,
        "vocab": VOCAB,
        "statuses": [s.value for s in ProfileStatus],
    }


def _participants_or_forbid(session: Any, user: User, event: Event) -> list[Participant]:
    people = service.actable_participants(session, user=user, event=event)
    if not people:
        raise NotRegistered("Register for this event before publishing offers or requests")
    return people


# ---- browse and search --------------------------------------------------------------------


@router.get("/events/{event_id:int}/profiles")
def browse(
    event_id: int,
    request: Request,
    session: SessionDep,
    user: OptionalUser,
    q: str = "",
    kind: str = "",
    sector: str = "",
    country: str = "",
    trl_min: str = "",
    page: str = "1",
) -> Response:
    event = events.get_event(session, event_id, viewer=user)
    # A page tolerates what a hand-edited address may hold: unknown values are ignored.
    filters = {
        "q": q.strip()[:200],
        "kind": kind if kind in PROFILE_KINDS else "",
        "sector": sector if sector in SECTORS else "",
        "country": country.upper() if len(country) == 2 and country.isalpha() else "",
        "trl_min": str(n) if (n := _int_or_none(trl_min)) and 1 <= n <= 9 else "",
    }
    number = max(1, _int_or_none(page) or 1)
    error = ""
    try:
        rows, total = service.list_profiles(
            session,
            event_id=event_id,
            viewer=user,
            q=filters["q"] or None,
            kind=ProfileKind(filters["kind"]) if filters["kind"] else None,
            sector=filters["sector"] or None,
            country=filters["country"] or None,
            trl_min=_int_or_none(filters["trl_min"]),
            limit=PAGE_SIZE,
            offset=(number - 1) * PAGE_SIZE,
        )
    except Invalid as exc:
        rows, total, error = [], 0, exc.errors[0].message
    pages = max(1, -(-total // PAGE_SIZE))

    def page_url(n: int) -> str:
        kept = {k: v for k, v in filters.items() if v}
        return f"/events/{event_id}/profiles?{urlencode({**kept, 'page': n})}"

    can_write = bool(user) and bool(service.actable_participants(session, user=user, event=event))
    return render(
        request,
        "matchmaking/profiles.html",
        {
            "event": event,
            "profiles": service.describe(session, rows),
            "total": total,
            "filters": filters,
            "error": error,
            "page": number,
            "pages": pages,
            "page_url": page_url,
            "vocab": VOCAB,
            "can_write": can_write,
            "hl": Highlighter(search_terms(filters["q"])),
        },
    )


# ---- one profile --------------------------------------------------------------------------


@router.get("/events/{event_id:int}/profiles/{profile_id:int}")
def profile_page(
    event_id: int, profile_id: int, request: Request, session: SessionDep, user: OptionalUser
) -> Response:
    event = events.get_event(session, event_id, viewer=user)
    row = service.get_profile(session, event_id=event_id, profile_id=profile_id, viewer=user)
    return render(
        request,
        "matchmaking/profile.html",
        {
            "event": event,
            "p": service.describe_one(session, row),
            "vocab": VOCAB,
            "can_edit": service.can_edit(session, user, event, row),
            "hidden_until_approved": service.hidden_until_approved(session, row),
            # signed in with no one to ask for: the registration first (anonymous visitors
            # are asked to log in by the request form itself)
            "must_register": user is not None
            and not service.actable_participants(session, user=user, event=event),
        },
    )


# ---- form: new profile --------------------------------------------------------------------


@router.get("/events/{event_id:int}/profiles/new")
def new_profile_page(
    event_id: int,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    participant_id: str = "",
) -> Response:
    event = events.get_event(session, event_id, viewer=user)
    people = _participants_or_forbid(session, user, event)
    values = _form_values(None, [])
    wanted = registration.parse_as(request.query_params.get("as") or participant_id)
    acting = registration.acting_person(session, user, event, wanted) if wanted else None
    own = registration.participant_for_user(session, event_id=event_id, user=user)
    chosen = next((p for p in people if p.id == wanted), None) or own or people[0]
    values["participant_id"] = str(chosen.id)
    return render(
        request,
        "matchmaking/profile_form.html",
        {
            **_form_context(event, values, {}, profile=None, participants=people),
            "acting_for": registration.acting_for(acting, user),
        },
    )


@router.post("/events/{event_id:int}/profiles/new")
async def new_profile_submit(
    event_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    event = events.get_event(session, event_id, viewer=user)
    people = _participants_or_forbid(session, user, event)
    form = await _form(request)
    created: list[Profile] = []

    def save() -> None:
        data = ProfileCreate.model_validate(_parse(form))
        created.append(service.create_profile(session, actor=user, event_id=event_id, data=data))

    return submit(
        session,
        save,
        lambda errors, status: render(
            request,
            "matchmaking/profile_form.html",
            _form_context(event, form, errors, profile=None, participants=people),
            status_code=status,
        ),
        lambda: redirect(f"/events/{event_id}/profiles/{created[0].id}"),
    )


# ---- form: edit and withdraw --------------------------------------------------------------


def _editable(session: Any, user: User, event_id: int, profile_id: int) -> tuple[Event, Profile]:
    event = events.get_event(session, event_id, viewer=user)
    row = service.get_profile(session, event_id=event_id, profile_id=profile_id, viewer=user)
    if not service.can_edit(session, user, event, row):
        raise Forbidden("Only the profile's participant, their delegation head or the organisers")
    return event, row


@router.get("/events/{event_id:int}/profiles/{profile_id:int}/edit")
def edit_profile_page(
    event_id: int, profile_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    event, row = _editable(session, user, event_id, profile_id)
    sectors = service.sectors_of(session, [profile_id])[profile_id]
    owners = [o] if (o := session.get(Participant, row.participant_id)) else []
    return render(
        request,
        "matchmaking/profile_form.html",
        _form_context(event, _form_values(row, sectors), {}, profile=row, participants=owners),
    )


@router.post("/events/{event_id:int}/profiles/{profile_id:int}/edit")
async def edit_profile_submit(
    event_id: int, profile_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    event, row = _editable(session, user, event_id, profile_id)
    owner = session.get(Participant, row.participant_id)
    form = await _form(request)

    def save() -> None:
        parsed = _parse(form)
        parsed.pop("participant_id", None)
        # Every field is on the form: a blank one is meant blank, so send them all.
        data = ProfileUpdate.model_validate(parsed)
        service.update_profile(
            session, actor=user, event_id=event_id, profile_id=profile_id, data=data
        )

    return submit(
        session,
        save,
        lambda errors, status: render(
            request,
            "matchmaking/profile_form.html",
            _form_context(event, form, errors, profile=row, participants=[owner] if owner else []),
            status_code=status,
        ),
        lambda: redirect(f"/events/{event_id}/profiles/{profile_id}"),
    )


@router.post("/events/{event_id:int}/profiles/{profile_id:int}/withdraw")
async def withdraw_submit(
    event_id: int, profile_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    await _form(request)
    service.withdraw_profile(session, actor=user, event_id=event_id, profile_id=profile_id)
    return redirect(f"/events/{event_id}/profiles/{profile_id}")


# ---- suggestions --------------------------------------------------------------------------


@router.get("/events/{event_id:int}/suggestions")
def suggestions_page(
    event_id: int,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    participant_id: str = "",
) -> Response:
    event = events.get_event(session, event_id, viewer=user)
    people = service.actable_participants(session, user=user, event=event)
    own = registration.participant_for_user(session, event_id=event_id, user=user)
    wanted = _int_or_none(participant_id)
    chosen = next((p for p in people if p.id == wanted), None) if wanted else own
    if chosen is None and wanted is None and len(people) == 1:
        chosen = people[0]
    if chosen is None and not people and not events.can_manage(session, user, event):
        raise NotRegistered("Register for this event to see suggested counterparts")
    if wanted is not None and chosen is None:
        raise Forbidden("You can only act for yourself or your delegation's members")
    found = (
        service.suggestions(session, actor=user, event_id=event_id, participant_id=pk(chosen))
        if chosen is not None
        else []
    )
    mine_total = (
        service.list_profiles(
            session, event_id=event_id, viewer=user, participant_id=pk(chosen), limit=1
        )[1]
        if chosen is not None
        else 0
    )
    return render(
        request,
        "matchmaking/suggestions.html",
        {
            "event": event,
            "chosen": chosen,
            "people": people,
            "suggestions": found,
            "has_profiles": mine_total > 0,
            "vocab": VOCAB,
        },
    )
