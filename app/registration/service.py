"""Rules for organisations, delegations, participants, approval and availability.

Who may act for a participant: the person (their account), the head of their delegation,
and the event's organisers. Everyone else sees only the public fields of approved people.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlmodel import Session, col, select

from app.audit.service import diff, record
from app.auth.models import User
from app.errors import Conflict, FieldError, Forbidden, Invalid, NotFound
from app.events import service as events
from app.events.models import Event
from app.registration.models import (
    ApprovalStatus,
    Delegation,
    Organisation,
    OrganisationSector,
    Participant,
    Unavailability,
)
from app.registration.schemas import (
    OrganisationCreate,
    OrganisationUpdate,
    ParticipantCreate,
)
from app.text import join_folded, organisation_key
from app.types import pk, utcnow

# Check-in codes: no 0/O, 1/I/L, so that staff can type them from a printed agenda.
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8


def new_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(CODE_LENGTH))


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
        f"this organisation is already registered as '{existing.name_vi}' (id {existing.id})",
        [FieldError("name_vi", f"already registered (organisation {existing.id})")],
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


def update_organisation(
    session: Session, *, actor: User, organisation_id: int, data: OrganisationUpdate
) -> Organisation:
    org = get_organisation(session, organisation_id)
    if not (actor.is_admin or actor.role == "organiser" or org.created_by_id == actor.id):
        raise Forbidden("Only organisers or the person who registered it can change it")
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


# ---- participants -------------------------------------------------------------------------


def get_participant(session: Session, *, event_id: int, participant_id: int) -> Participant:
    row = session.get(Participant, participant_id)
    if row is None or row.event_id != event_id:
        raise NotFound("Participant", participant_id)
    return row


def participant_for_user(
    session: Session, *, event_id: int, user: User | None
) -> Participant | None:
    if user is None:
        return None
    return session.exec(
        select(Participant).where(Participant.event_id == event_id, Participant.user_id == user.id)
    ).first()


def heads_delegation(session: Session, *, user: User | None, delegation_id: int | None) -> bool:
    if user is None or delegation_id is None:
        return False
    delegation = session.get(Delegation, delegation_id)
    return delegation is not None and delegation.head_user_id == user.id


def can_act_for(
    session: Session, user: User | None, event: Event, participant: Participant
) -> bool:
    """The person, their delegation head, or the event's organisers."""
    if user is None:
        return False
    if participant.user_id is not None and participant.user_id == user.id:
        return True
    if heads_delegation(session, user=user, delegation_id=participant.delegation_id):
        return True
    return events.can_manage(session, user, event)


def require_act_for(
    session: Session, user: User | None, event: Event, participant: Participant
) -> None:
    if not can_act_for(session, user, event, participant):
        raise Forbidden("You can only act for yourself or your delegation's members")


def participant_search_text(session: Session, participant: Participant) -> str:
    org = (
        session.get(Organisation, participant.organisation_id)
        if participant.organisation_id
        else None
    )
    return join_folded(
        participant.full_name,
        participant.name_local,
        participant.position,
        participant.email,
        org.name_vi if org else "",
        org.name_en if org else "",
        org.name_local if org else "",
    )


def create_participant(
    session: Session,
    *,
    actor: User | None,
    event_id: int,
    data: ParticipantCreate,
    self_registration: bool,
) -> Participant:
    """Register a person for an event.

    ``self_registration``: the actor registers themself (the participant is linked to their
    account and starts pending). Otherwise an organiser or a delegation head adds someone;
    an organiser's additions are approved at once, a head's wait for approval.
    """
    event = events.get_event(session, event_id, viewer=actor)
    organiser = events.can_manage(session, actor, event)
    if self_registration:
        if actor is None:
            raise Forbidden("Log in to register")
        if not organiser and event.status != "registration_open":
            raise Conflict(
                "registration for this event is not open",
                [FieldError("event_id", "registration is not open")],
            )
    elif not organiser and not heads_delegation(
        session, user=actor, delegation_id=data.delegation_id
    ):
        raise Forbidden("Only the event's organisers or a delegation head can add participants")
    if data.delegation_id is not None:
        delegation = session.get(Delegation, data.delegation_id)
        if delegation is None or delegation.event_id != event_id:
            raise Invalid("delegation_id", "no such delegation at this event")
    organisation_id = data.organisation_id
    if data.organisation is not None:
        if organisation_id is not None:
            raise Invalid("organisation", "give organisation_id or a new organisation, not both")
        organisation_id = pk(create_organisation(session, actor=actor, data=data.organisation))
    elif organisation_id is not None:
        get_organisation(session, organisation_id)
    email = str(data.email).lower() if data.email else None
    if self_registration and actor is not None and email is None:
        email = actor.email
    if email is not None:
        clash = session.exec(
            select(Participant).where(Participant.event_id == event_id, Participant.email == email)
        ).first()
        if clash is not None:
            raise Conflict(
                f"{email} is already registered for this event",
                [FieldError("email", "already registered for this event")],
            )
    if (
        self_registration
        and participant_for_user(session, event_id=event_id, user=actor) is not None
    ):
        raise Conflict(
            "you are already registered for this event",
            [FieldError("email", "already registered for this event")],
        )
    participant = Participant(
        event_id=event_id,
        user_id=actor.id if (self_registration and actor) else None,
        full_name=data.full_name.strip(),
        name_local=data.name_local.strip(),
        position=data.position.strip(),
        organisation_id=organisation_id,
        email=email,
        phone=data.phone.strip(),
        languages=data.languages,
        role=data.role.value,
        delegation_id=data.delegation_id,
        meeting_cap=data.meeting_cap,
        status=(
            ApprovalStatus.approved
            if organiser and not self_registration
            else ApprovalStatus.pending
        ).value,
        code=new_code(),
        registered_by_id=actor.id if actor else None,
    )
    participant.search_text = participant_search_text(session, participant)
    session.add(participant)
    session.flush()  # the unique keys settle a race with a concurrent twin (409)
    record(
        session,
        actor_id=actor.id if actor else None,
        action="participant.create",
        entity="participant",
        entity_id=participant.id,
        event_id=event_id,
        changes=diff({}, participant.model_dump(exclude={"search_text", "code"})),
    )
    session.flush()
    return participant


def decide(
    session: Session,
    *,
    actor: User,
    event_id: int,
    participant_id: int,
    status: ApprovalStatus,
    reason: str = "",
) -> Participant:
    """Approve or reject a registration (organisers only); a rejection needs a reason."""
    event = events.get_event(session, event_id, viewer=actor)
    events.require_manage(session, actor, event)
    participant = get_participant(session, event_id=event_id, participant_id=participant_id)
    if status == ApprovalStatus.rejected and not reason.strip():
        raise Invalid("reason", "give the reason for the rejection; the person will read it")
    before = {"status": participant.status, "rejection_reason": participant.rejection_reason}
    participant.status = status.value
    participant.rejection_reason = reason.strip() if status == ApprovalStatus.rejected else ""
    participant.updated_at = utcnow()
    session.add(participant)
    record(
        session,
        actor_id=actor.id,
        action=f"participant.{status.value}",
        entity="participant",
        entity_id=participant_id,
        event_id=event_id,
        changes=diff(
            before, {"status": participant.status, "rejection_reason": participant.rejection_reason}
        ),
    )
    session.flush()
    return participant


def unavailable_slot_ids(session: Session, participant_id: int) -> list[int]:
    rows = session.exec(
        select(Unavailability.slot_id)
        .where(Unavailability.participant_id == participant_id)
        .order_by(col(Unavailability.slot_id))
    ).all()
    return list(rows)


def set_unavailable(
    session: Session, *, actor: User, event_id: int, participant_id: int, slot_ids: list[int]
) -> list[int]:
    """Replace the participant's blocked slots (slots of this event's sessions only)."""
    event = events.get_event(session, event_id, viewer=actor)
    participant = get_participant(session, event_id=event_id, participant_id=participant_id)
    require_act_for(session, actor, event, participant)
    valid: set[int] = set()
    for sess in events.list_sessions(session, event_id=event_id):
        valid.update(pk(s) for s in events.list_slots(session, session_id=pk(sess)))
    wanted = sorted(set(slot_ids))
    unknown = [s for s in wanted if s not in valid]
    if unknown:
        raise Invalid("unavailable_slot_ids", f"not slots of this event: {unknown}")
    before = unavailable_slot_ids(session, participant_id)
    for row in session.exec(
        select(Unavailability).where(Unavailability.participant_id == participant_id)
    ).all():
        session.delete(row)
    session.flush()
    session.add_all(Unavailability(participant_id=participant_id, slot_id=s) for s in wanted)
    if before != wanted:
        record(
            session,
            actor_id=actor.id,
            action="participant.availability",
            entity="participant",
            entity_id=participant_id,
            event_id=event_id,
            changes={"unavailable_slot_ids": [before, wanted]},
        )
    session.flush()
    return wanted


def organisation_display(session: Session, participant: Participant) -> tuple[str, str]:
    """(organisation name, country) for lists and agendas."""
    if participant.organisation_id is None:
        return "", ""
    org = session.get(Organisation, participant.organisation_id)
    return (org.name_vi, org.country) if org else ("", "")


def public_fields(session: Session, participant: Participant) -> dict[str, Any]:
    name, country = organisation_display(session, participant)
    return {
        "id": participant.id,
        "event_id": participant.event_id,
        "full_name": participant.full_name,
        "name_local": participant.name_local,
        "position": participant.position,
        "organisation_id": participant.organisation_id,
        "organisation_name": name,
        "country": country,
        "languages": participant.languages,
        "role": participant.role,
        "delegation_id": participant.delegation_id,
    }


def private_fields(session: Session, participant: Participant) -> dict[str, Any]:
    return {
        **public_fields(session, participant),
        "email": participant.email,
        "phone": participant.phone,
        "meeting_cap": participant.meeting_cap,
        "status": participant.status,
        "rejection_reason": participant.rejection_reason,
        "code": participant.code,
        "user_id": participant.user_id,
        "unavailable_slot_ids": unavailable_slot_ids(session, pk(participant)),
        "created_at": participant.created_at,
    }
