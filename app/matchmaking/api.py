"""JSON API for offers and requests, their search, suggestions and the shared vocabularies."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.deps import CurrentUser, OptionalUser, SessionDep
from app.matchmaking import service
from app.matchmaking.models import ProfileStatus
from app.matchmaking.schemas import (
    KindTerm,
    ProfileCreate,
    ProfilePublic,
    ProfileUpdate,
    SuggestionPublic,
    Term,
    Vocabularies,
)
from app.matchmaking.suggest import side
from app.pagination import Page, Paging
from app.types import DbInt
from app.vocab import (
    BUDGET_RANGES,
    COUNTRIES,
    IP_STATUSES,
    LANGUAGES,
    ORGANISATION_KINDS,
    PARTNERSHIPS,
    PROFILE_KINDS,
    SECTORS,
    Label,
    ProfileKind,
)

router = APIRouter(tags=["matchmaking"])

PROFILES = "/api/v1/events/{event_id}/profiles"
TRL = Annotated[int | None, Query(ge=1, le=9)]


@router.get(PROFILES, response_model=Page[ProfilePublic])
def list_profiles(
    event_id: DbInt,
    session: SessionDep,
    user: OptionalUser,
    paging: Paging,
    q: Annotated[
        str | None,
        Query(max_length=200, description="Words that must all occur; accents and case ignored"),
    ] = None,
    kind: ProfileKind | None = None,
    sector: Annotated[str | None, Query(max_length=40)] = None,
    country: Annotated[str | None, Query(max_length=2, description="ISO code")] = None,
    trl: TRL = None,
    trl_min: TRL = None,
    trl_max: TRL = None,
    participant_id: DbInt | None = None,
    status: ProfileStatus | None = None,
) -> Page[ProfilePublic]:
    rows, total = service.list_profiles(
        session,
        event_id=event_id,
        viewer=user,
        q=q,
        kind=kind,
        sector=sector,
        country=country,
        trl=trl,
        trl_min=trl_min,
        trl_max=trl_max,
        participant_id=participant_id,
        status=status,
        limit=paging.limit,
        offset=paging.offset,
    )
    return Page(
        items=service.describe(session, rows),
        total=total,
        limit=paging.limit,
        offset=paging.offset,
    )


@router.post(PROFILES, response_model=ProfilePublic, status_code=201)
def create_profile(
    event_id: DbInt, data: ProfileCreate, session: SessionDep, user: CurrentUser, response: Response
) -> ProfilePublic:
    row = service.create_profile(session, actor=user, event_id=event_id, data=data)
    response.headers["Location"] = f"/api/v1/events/{event_id}/profiles/{row.id}"
    return service.describe_one(session, row)


@router.get(PROFILES + "/{profile_id}", response_model=ProfilePublic)
def read_profile(
    event_id: DbInt, profile_id: DbInt, session: SessionDep, user: OptionalUser
) -> ProfilePublic:
    row = service.get_profile(session, event_id=event_id, profile_id=profile_id, viewer=user)
    return service.describe_one(session, row)


@router.patch(PROFILES + "/{profile_id}", response_model=ProfilePublic)
def update_profile(
    event_id: DbInt, profile_id: DbInt, data: ProfileUpdate, session: SessionDep, user: CurrentUser
) -> ProfilePublic:
    row = service.update_profile(
        session, actor=user, event_id=event_id, profile_id=profile_id, data=data
    )
    return service.describe_one(session, row)


@router.delete(PROFILES + "/{profile_id}", status_code=204)
def withdraw_profile(
    event_id: DbInt, profile_id: DbInt, session: SessionDep, user: CurrentUser
) -> None:
    """Withdraw: the profile stays on record with status ``withdrawn``."""
    service.withdraw_profile(session, actor=user, event_id=event_id, profile_id=profile_id)


@router.get(
    "/api/v1/events/{event_id}/participants/{participant_id}/suggestions",
    response_model=list[SuggestionPublic],
)
def suggestions(
    event_id: DbInt,
    participant_id: DbInt,
    session: SessionDep,
    user: CurrentUser,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> list[SuggestionPublic]:
    """Counterparts whose published profiles answer this participant's, best first."""
    return service.suggestions(
        session, actor=user, event_id=event_id, participant_id=participant_id, limit=limit
    )


def _terms(table: dict[str, Label]) -> list[Term]:
    return [Term(code=str(code), vi=label.vi, en=label.en) for code, label in table.items()]


VOCABULARIES = Vocabularies(
    sectors=_terms(SECTORS),
    profile_kinds=[
        KindTerm(code=str(code), vi=label.vi, en=label.en, side=side(code))
        for code, label in PROFILE_KINDS.items()
    ],
    profile_statuses=[s.value for s in ProfileStatus],
    ip_statuses=_terms(IP_STATUSES),
    budgets=_terms(BUDGET_RANGES),
    partnership_types=_terms(PARTNERSHIPS),
    organisation_kinds=_terms(ORGANISATION_KINDS),
    countries=_terms(COUNTRIES),
    languages=_terms(LANGUAGES),
    trl=list(range(1, 10)),
)


@router.get("/api/v1/vocabularies", response_model=Vocabularies)
def vocabularies(response: Response) -> Vocabularies:
    """Codes used by profiles, organisations and imports, with Vietnamese and English labels."""
    response.headers["Cache-Control"] = "public, max-age=3600"
    return VOCABULARIES
