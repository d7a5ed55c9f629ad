"""Organisations: creation with the duplicate check, updates, the directory."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, col, select

from app.audit.service import diff, record
from app.auth.models import User
from app.errors import Conflict, FieldError, Forbidden, NotFound, _l
from app.events.models import EventOrganiser
from app.pagination import page_total
from app.registration.models import (
    Delegation,
    DelegationOrganisation,
    Organisation,
    OrganisationSector,
    Participant,
)
from app.registration.schemas import (
    OrganisationCreate,
    OrganisationUpdate,
)
from app.text import join_folded, organisation_key, search_terms
from app.types import pk, utcnow
from app.vocab import OrganisationKind

# ---- organisations ------------------------------------------------------------------------


def organisation_sectors(session: Session, organisation_id: int) -> list[str]:
    rows = session.exec(
        select(OrganisationSector.sector)
        .where(OrganisationSector.organisation_id == organisation_id)
        .order_by(col(OrganisationSector.sector))
    ).all()
    return list(rows)


def find_duplicate_organisation(
    session: Session, *, name: str, country: str, exclude_id: int | None = None
) -> Organisation | None:
    query = select(Organisation).where(
        Organisation.name_key == organisation_key(name), Organisation.country == country
    )
    if exclude_id is not None:
        query = query.where(Organisation.id != exclude_id)
    return session.exec(query).first()


def _duplicate_error(existing: Organisation) -> Conflict:
    return Conflict(
        _l(
            "this organisation is already registered as '{existing_name_vi}'",
            existing_name_vi=existing.name_vi,
            existing_id=existing.id,
        ),
        [
            FieldError(
                "name_vi",
                _l("already registered as '{existing_name_vi}'", existing_name_vi=existing.name_vi),
            )
        ],
    )


def _organisation_search_text(org: Organisation, sectors: list[str]) -> str:
    return join_folded(
        org.name_vi,
        org.name_en,
        org.name_local,
        org.province,
        org.description_vi,
        org.description_en,
        " ".join(sectors),
    )


def _set_sectors(session: Session, organisation_id: int, sectors: list[str]) -> None:
    for row in session.exec(
        select(OrganisationSector).where(OrganisationSector.organisation_id == organisation_id)
    ).all():
        session.delete(row)
    session.flush()
    session.add_all(OrganisationSector(organisation_id=organisation_id, sector=s) for s in sectors)


def create_organisation(
    session: Session, *, actor: User | None, data: OrganisationCreate
) -> Organisation:
    """Register an organisation, refusing a duplicate (same name ignoring case, accents and
    legal-form words, same country) with a 409 that names the existing one."""
    existing = find_duplicate_organisation(session, name=data.name_vi, country=data.country)
    if existing is None and data.name_en:
        existing = find_duplicate_organisation(session, name=data.name_en, country=data.country)
    if existing is not None:
        raise _duplicate_error(existing)
    values = data.model_dump(exclude={"sectors"})
    values["kind"] = data.kind.value
    org = Organisation(
        **values,
        name_key=organisation_key(data.name_vi),
        created_by_id=actor.id if actor else None,
    )
    org.search_text = _organisation_search_text(org, data.sectors)
    session.add(org)
    # A concurrent twin passes the check above; the unique key then refuses it and the
    # request ends in a 409 (app.problems), with nothing written.
    session.flush()
    _set_sectors(session, pk(org), data.sectors)
    record(
        session,
        actor_id=actor.id if actor else None,
        action="organisation.create",
        entity="organisation",
        entity_id=org.id,
        changes=diff({}, data.model_dump()),
    )
    session.flush()
    return org


def get_organisation(session: Session, organisation_id: int) -> Organisation:
    org = session.get(Organisation, organisation_id)
    if org is None:
        raise NotFound("Organisation", organisation_id)
    return org


def _organisation_in_managed_event(session: Session, actor: User, org: Organisation) -> bool:
    """The organisation has a participant or a delegation in an event the actor manages."""
    managed = select(EventOrganiser.event_id).where(EventOrganiser.user_id == actor.id)
    org_id = org.id
    by_participant = select(Participant.id).where(
        Participant.organisation_id == org_id, col(Participant.event_id).in_(managed)
    )
    member_delegations = select(DelegationOrganisation.delegation_id).where(
        DelegationOrganisation.organisation_id == org_id
    )
    by_delegation = select(Delegation.id).where(
        col(Delegation.event_id).in_(managed),
        or_(
            col(Delegation.leading_organisation_id) == org_id,
            col(Delegation.id).in_(member_delegations),
        ),
    )
    return (
        session.exec(by_participant.limit(1)).first() is not None
        or session.exec(by_delegation.limit(1)).first() is not None
    )


def update_organisation(
    session: Session, *, actor: User, organisation_id: int, data: OrganisationUpdate
) -> Organisation:
    org = get_organisation(session, organisation_id)
    if not (
        actor.is_admin
        or org.created_by_id == actor.id
        or (actor.role == "organiser" and _organisation_in_managed_event(session, actor, org))
    ):
        raise Forbidden(
            "Only the organisers of an event this organisation takes part in, or the person "
            "who registered it, can change it"
        )
    before = {**org.model_dump(), "sectors": organisation_sectors(session, organisation_id)}
    values = data.model_dump(exclude_unset=True, exclude_none=True)
    sectors = values.pop("sectors", None)
    if "kind" in values:
        values["kind"] = (
            values["kind"].value if hasattr(values["kind"], "value") else values["kind"]
        )
    for key, value in values.items():
        setattr(org, key, value)
    if {"name_vi", "country"} & values.keys():
        duplicate = find_duplicate_organisation(
            session, name=org.name_vi, country=org.country, exclude_id=organisation_id
        )
        if duplicate is not None:
            raise _duplicate_error(duplicate)
        org.name_key = organisation_key(org.name_vi)
    if sectors is not None:
        _set_sectors(session, organisation_id, sectors)
    current_sectors = sectors if sectors is not None else before["sectors"]
    org.search_text = _organisation_search_text(org, current_sectors)
    org.updated_at = utcnow()
    session.add(org)
    changes = diff(before, {**org.model_dump(), "sectors": current_sectors})
    changes.pop("updated_at", None)
    changes.pop("search_text", None)
    if changes:
        record(
            session,
            actor_id=actor.id,
            action="organisation.update",
            entity="organisation",
            entity_id=organisation_id,
            changes=changes,
        )
    session.flush()
    return org


# ---- organisation directory ---------------------------------------------------------------


def list_organisations(
    session: Session,
    *,
    q: str | None = None,
    country: str | None = None,
    kind: OrganisationKind | None = None,
    sector: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Organisation], int]:
    """Search the directory; ``q`` matches folded names and descriptions, so 'co khi hai
    phong' finds 'Cơ khí Hải Phòng'. Ordered by the folded name, then id."""
    query = select(Organisation)
    for term in search_terms(q):
        query = query.where(col(Organisation.search_text).contains(term, autoescape=True))
    if country:
        query = query.where(Organisation.country == country.strip().upper())
    if kind is not None:
        query = query.where(Organisation.kind == kind.value)
    if sector:
        with_sector = select(OrganisationSector.organisation_id).where(
            OrganisationSector.sector == sector
        )
        query = query.where(col(Organisation.id).in_(with_sector))
    rows = session.exec(
        query.order_by(col(Organisation.name_key), col(Organisation.id)).offset(offset).limit(limit)
    ).all()
    return list(rows), page_total(session, query, rows, limit, offset)


def sectors_by_organisation(session: Session, ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {i: [] for i in ids}
    if not ids:
        return out
    rows = session.exec(
        select(OrganisationSector.organisation_id, OrganisationSector.sector)
        .where(col(OrganisationSector.organisation_id).in_(ids))
        .order_by(col(OrganisationSector.organisation_id), col(OrganisationSector.sector))
    ).all()
    for organisation_id, sector in rows:
        out[organisation_id].append(sector)
    return out


def organisation_fields(org: Organisation, sectors: list[str]) -> dict[str, Any]:
    return {
        "id": org.id,
        "name_vi": org.name_vi,
        "name_en": org.name_en,
        "name_local": org.name_local,
        "kind": org.kind,
        "country": org.country,
        "province": org.province,
        "sectors": sectors,
        "website": org.website,
        "description_vi": org.description_vi,
        "description_en": org.description_en,
    }
