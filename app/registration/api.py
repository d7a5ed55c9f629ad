"""JSON API of the registration module: the organisation directory, and each event's
delegations and participants. Parse, call one service function, shape the output.

Who sees what: the event's organisers see everything; a person sees their own registration,
and a delegation head their delegation and its members, with contact data (``…Private``);
everyone else who can see the event sees approved people and registered or confirmed
delegations, public fields only (``…Public``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from sqlmodel import Session

from app.deps import CurrentUser, OptionalUser, Organiser, SessionDep
from app.errors import Invalid, Unauthorized, _l
from app.matchmaking import service as matchmaking
from app.pagination import Page, Paging
from app.registration import delegations as delegation_service
from app.registration import organisations as organisation_service
from app.registration import queries as registration_queries
from app.registration import service
from app.registration.models import (
    ApprovalStatus,
    Delegation,
    Organisation,
    Participant,
    ParticipantRole,
)
from app.registration.schemas import (
    ApprovalDecision,
    AvailabilityUpdate,
    DelegationCreate,
    DelegationPrivate,
    DelegationPublic,
    DelegationUpdate,
    OrganisationCreate,
    OrganisationPublic,
    OrganisationUpdate,
    ParticipantCreate,
    ParticipantPrivate,
    ParticipantPublic,
    ParticipantUpdate,
)
from app.types import DbInt, pk
from app.vocab import SECTORS, OrganisationKind

router = APIRouter()

ORGANISATIONS = "/api/v1/organisations"
DELEGATIONS = "/api/v1/events/{event_id}/delegations"
PARTICIPANTS = "/api/v1/events/{event_id}/participants"

# Private first: a private record also satisfies the public schema, and the first member
# that fits in full is the one kept.
ParticipantOut = ParticipantPrivate | ParticipantPublic
DelegationOut = DelegationPrivate | DelegationPublic

SearchText = Annotated[str | None, Query(max_length=200)]
CountryCode = Annotated[str | None, Query(min_length=2, max_length=2)]


def organisation_out(session: Session, org: Organisation) -> OrganisationPublic:
    sectors = organisation_service.organisation_sectors(session, pk(org))
    return OrganisationPublic.model_validate(organisation_service.organisation_fields(org, sectors))


def participant_out(session: Session, participant: Participant, *, private: bool) -> ParticipantOut:
    if private:
        return ParticipantPrivate.model_validate(
            registration_queries.private_fields(session, participant)
        )
    return ParticipantPublic.model_validate(service.public_fields(session, participant))


def delegation_out(
    session: Session, delegation: Delegation, *, private: bool, show_people: bool = True
) -> DelegationOut:
    fields = registration_queries.delegation_fields(
        session, delegation, private=private, show_people=show_people
    )
    if private:
        return DelegationPrivate.model_validate(fields)
    return DelegationPublic.model_validate(fields)


# ---- organisations ------------------------------------------------------------------------


@router.get(ORGANISATIONS, response_model=Page[OrganisationPublic], tags=["organisations"])
def list_organisations(
    session: SessionDep,
    user: CurrentUser,
    paging: Paging,
    q: SearchText = None,
    country: CountryCode = None,
    kind: OrganisationKind | None = None,
    sector: str | None = None,
) -> Page[OrganisationPublic]:
    """The shared directory (logged-in users: it feeds the registration form, and is not
    offered to anonymous crawlers). ``q`` ignores case and Vietnamese diacritics."""
    if sector is not None and sector not in SECTORS:
        raise Invalid("sector", _l("'{sector}' is not a sector code", sector=sector))
    rows, total = organisation_service.list_organisations(
        session,
        q=q,
        country=country,
        kind=kind,
        sector=sector,
        limit=paging.limit,
        offset=paging.offset,
    )
    sectors = organisation_service.sectors_by_organisation(session, [pk(o) for o in rows])
    return Page(
        items=[
            OrganisationPublic.model_validate(
                organisation_service.organisation_fields(o, sectors[pk(o)])
            )
            for o in rows
        ],
        total=total,
        limit=paging.limit,
        offset=paging.offset,
    )


@router.post(
    ORGANISATIONS, response_model=OrganisationPublic, status_code=201, tags=["organisations"]
)
def create_organisation(
    data: OrganisationCreate, session: SessionDep, user: CurrentUser, response: Response
) -> OrganisationPublic:
    """Any logged-in user; a duplicate (same name ignoring case, accents and legal-form
    words, same country) is a 409 naming ``name_vi`` and the existing organisation."""
    org = organisation_service.create_organisation(session, actor=user, data=data)
    response.headers["Location"] = f"{ORGANISATIONS}/{org.id}"
    return organisation_out(session, org)


@router.get(
    ORGANISATIONS + "/{organisation_id}", response_model=OrganisationPublic, tags=["organisations"]
)
def read_organisation(
    organisation_id: DbInt, session: SessionDep, user: CurrentUser
) -> OrganisationPublic:
    return organisation_out(
        session, organisation_service.get_organisation(session, organisation_id)
    )


@router.patch(
    ORGANISATIONS + "/{organisation_id}", response_model=OrganisationPublic, tags=["organisations"]
)
def update_organisation(
    organisation_id: DbInt, data: OrganisationUpdate, session: SessionDep, user: CurrentUser
) -> OrganisationPublic:
    """Organisers, or the person who registered the organisation."""
    # Through matchmaking: the organisation's profiles carry its name in their search text.
    org = matchmaking.update_organisation(
        session, actor=user, organisation_id=organisation_id, data=data
    )
    return organisation_out(session, org)


# ---- delegations --------------------------------------------------------------------------


@router.get(DELEGATIONS, response_model=Page[DelegationOut], tags=["delegations"])
def list_delegations(
    event_id: DbInt, session: SessionDep, user: OptionalUser, paging: Paging
) -> Page[DelegationOut]:
    """Delegations with their members, ordered by name. Organisers see all, with travel
    details and members' contact data; a head sees their own so; others see registered and
    confirmed delegations with their approved members' public fields."""
    event, rows = delegation_service.list_delegations(session, viewer=user, event_id=event_id)
    page = rows[paging.offset : paging.offset + paging.limit]
    return Page(
        items=[
            delegation_out(
                session,
                d,
                private=delegation_service.can_manage_delegation(session, user, event, d),
                show_people=user is not None,
            )
            for d in page
        ],
        total=len(rows),
        limit=paging.limit,
        offset=paging.offset,
    )


@router.post(DELEGATIONS, response_model=DelegationPrivate, status_code=201, tags=["delegations"])
def create_delegation(
    event_id: DbInt,
    data: DelegationCreate,
    session: SessionDep,
    user: Organiser,
    response: Response,
) -> DelegationOut:
    """The event's organisers. ``head_user_id`` names an existing account; once set, that
    person can add members (who wait for approval) and edit part of the delegation."""
    delegation = delegation_service.create_delegation(
        session, actor=user, event_id=event_id, data=data
    )
    response.headers["Location"] = f"/api/v1/events/{event_id}/delegations/{delegation.id}"
    return delegation_out(session, delegation, private=True)


@router.get(DELEGATIONS + "/{delegation_id}", response_model=DelegationOut, tags=["delegations"])
def read_delegation(
    event_id: DbInt, delegation_id: DbInt, session: SessionDep, user: OptionalUser
) -> DelegationOut:
    event, delegation = delegation_service.get_delegation(
        session, viewer=user, event_id=event_id, delegation_id=delegation_id
    )
    private = delegation_service.can_manage_delegation(session, user, event, delegation)
    return delegation_out(session, delegation, private=private, show_people=user is not None)


@router.patch(
    DELEGATIONS + "/{delegation_id}", response_model=DelegationPrivate, tags=["delegations"]
)
def update_delegation(
    event_id: DbInt,
    delegation_id: DbInt,
    data: DelegationUpdate,
    session: SessionDep,
    user: CurrentUser,
) -> DelegationOut:
    """Organisers change anything. The head changes arrival/departure dates, languages,
    interpreter needs, notes and member organisations, and may move the status to
    registered or withdrawn; other fields and confirming are a 403 naming the field.
    Status moves invited → registered → confirmed, withdrawn from any; others are a 409
    naming ``status``."""
    delegation = delegation_service.update_delegation(
        session, actor=user, event_id=event_id, delegation_id=delegation_id, data=data
    )
    return delegation_out(session, delegation, private=True)


# ---- participants -------------------------------------------------------------------------


@router.get(PARTICIPANTS, response_model=Page[ParticipantOut], tags=["participants"])
def list_participants(
    event_id: DbInt,
    session: SessionDep,
    user: OptionalUser,
    paging: Paging,
    status: ApprovalStatus | None = None,
    country: CountryCode = None,
    delegation_id: DbInt | None = None,
    kind: OrganisationKind | None = None,
    role: ParticipantRole | None = None,
    q: SearchText = None,
) -> Page[ParticipantOut]:
    """Organisers: everyone, private fields, every filter. Other accounts: approved people,
    public fields (a ``status`` other than approved then matches nobody); ``q`` ignores case
    and diacritics and, for them, matches public fields only. ``kind`` is the
    organisation's. Anonymous visitors: 401 — people's names are shown to accounts only;
    the public sees the event, its delegations and its offers (README, "What is public")."""
    if user is None:
        raise Unauthorized("log in to see the participants")
    filters = registration_queries.ParticipantFilters(
        status=status, country=country, delegation_id=delegation_id, kind=kind, role=role, q=q
    )
    rows, total, organiser = registration_queries.list_participants(
        session,
        viewer=user,
        event_id=event_id,
        filters=filters,
        limit=paging.limit,
        offset=paging.offset,
    )
    items: list[ParticipantOut]
    if organiser:
        blocked = registration_queries.unavailable_by_participant(session, [pk(p) for p in rows])
        items = [
            ParticipantPrivate.model_validate(
                registration_queries.private_fields(session, p, blocked=blocked[pk(p)])
            )
            for p in rows
        ]
    else:
        items = [ParticipantPublic.model_validate(service.public_fields(session, p)) for p in rows]
    return Page(items=items, total=total, limit=paging.limit, offset=paging.offset)


@router.post(
    PARTICIPANTS, response_model=ParticipantPrivate, status_code=201, tags=["participants"]
)
def create_participant(
    event_id: DbInt,
    data: ParticipantCreate,
    session: SessionDep,
    user: CurrentUser,
    response: Response,
) -> ParticipantOut:
    """Register for the event.

    Whose registration: ``for_self`` when given; otherwise your own when the body has no
    ``email`` or your account's e-mail, someone else's when it names another e-mail.
    Your own: needs open registration, is linked to your account, starts ``pending``.
    Someone else's: only the event's organisers (approved at once) or the head of the
    body's ``delegation_id`` (pending until an organiser approves)."""
    participant = service.create_participant(session, actor=user, event_id=event_id, data=data)
    response.headers["Location"] = f"/api/v1/events/{event_id}/participants/{participant.id}"
    return participant_out(session, participant, private=True)


@router.get(PARTICIPANTS + "/me", response_model=ParticipantPrivate, tags=["participants"])
def read_own_registration(
    event_id: DbInt, session: SessionDep, user: CurrentUser
) -> ParticipantOut:
    """Your own registration for the event, or 404."""
    participant = registration_queries.own_registration(session, user=user, event_id=event_id)
    return participant_out(session, participant, private=True)


@router.get(
    PARTICIPANTS + "/{participant_id}", response_model=ParticipantOut, tags=["participants"]
)
def read_participant(
    event_id: DbInt, participant_id: DbInt, session: SessionDep, user: OptionalUser
) -> ParticipantOut:
    """Private fields for the person, their delegation head and the organisers; public
    fields for other accounts, and only of an approved person (otherwise 404); anonymous
    visitors: 401."""
    if user is None:
        raise Unauthorized("log in to see the participants")
    participant, private = registration_queries.view_participant(
        session, viewer=user, event_id=event_id, participant_id=participant_id
    )
    return participant_out(session, participant, private=private)


@router.patch(
    PARTICIPANTS + "/{participant_id}", response_model=ParticipantPrivate, tags=["participants"]
)
def update_participant(
    event_id: DbInt,
    participant_id: DbInt,
    data: ParticipantUpdate,
    session: SessionDep,
    user: CurrentUser,
) -> ParticipantOut:
    """The person, their delegation head or an organiser. Only organisers change ``role``,
    ``delegation_id`` or a ``meeting_cap`` above the event's (403 / 422 naming the field);
    the approval status changes through ``…/decision``."""
    participant = service.update_participant(
        session, actor=user, event_id=event_id, participant_id=participant_id, data=data
    )
    return participant_out(session, participant, private=True)


@router.post(
    PARTICIPANTS + "/{participant_id}/decision",
    response_model=ParticipantPrivate,
    tags=["participants"],
)
def decide(
    event_id: DbInt,
    participant_id: DbInt,
    data: ApprovalDecision,
    session: SessionDep,
    user: Organiser,
) -> ParticipantOut:
    """Approve or reject (the event's organisers); a rejection needs a ``reason``, which the
    person reads on their registration page."""
    participant = service.decide(
        session,
        actor=user,
        event_id=event_id,
        participant_id=participant_id,
        status=data.status,
        reason=data.reason,
    )
    return participant_out(session, participant, private=True)


@router.put(
    PARTICIPANTS + "/{participant_id}/availability",
    response_model=ParticipantPrivate,
    tags=["participants"],
)
def set_availability(
    event_id: DbInt,
    participant_id: DbInt,
    data: AvailabilityUpdate,
    session: SessionDep,
    user: CurrentUser,
) -> ParticipantOut:
    """Replace the slots in which the person cannot meet (slots of this event only: others
    are a 422 naming ``unavailable_slot_ids``). The person, their head or an organiser."""
    service.set_unavailable(
        session,
        actor=user,
        event_id=event_id,
        participant_id=participant_id,
        slot_ids=data.unavailable_slot_ids,
    )
    participant = service.get_participant(session, event_id=event_id, participant_id=participant_id)
    return participant_out(session, participant, private=True)
