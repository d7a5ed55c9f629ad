"""Reading registrations: one person, the lists with their filters, counts, the API's fields."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, or_
from sqlmodel import Session, col, select

from app.auth.models import User
from app.errors import NotFound
from app.events import service as events
from app.events.models import EventSession, SessionKind, Slot
from app.pagination import page_total
from app.registration.delegations import delegation_members, delegation_organisation_ids
from app.registration.models import (
    ApprovalStatus,
    Delegation,
    Organisation,
    Participant,
    ParticipantRole,
    Unavailability,
)
from app.registration.service import (
    can_act_for,
    get_participant,
    participant_for_user,
    public_fields,
    unavailable_slot_ids,
)
from app.text import search_terms
from app.types import pk
from app.vocab import OrganisationKind


def private_fields(
    session: Session, participant: Participant, *, blocked: list[int] | None = None
) -> dict[str, Any]:
    return {
        **public_fields(session, participant),
        "email": participant.email,
        "phone": participant.phone,
        "meeting_cap": participant.meeting_cap,
        "status": participant.status,
        "rejection_reason": participant.rejection_reason,
        "code": participant.code,
        "user_id": participant.user_id,
        "unavailable_slot_ids": (
            blocked if blocked is not None else unavailable_slot_ids(session, pk(participant))
        ),
        "created_at": participant.created_at,
    }


def unavailable_by_participant(session: Session, ids: list[int]) -> dict[int, list[int]]:
    """Blocked slots of many participants in one query (for lists)."""
    out: dict[int, list[int]] = {i: [] for i in ids}
    if not ids:
        return out
    rows = session.exec(
        select(Unavailability.participant_id, Unavailability.slot_id)
        .where(col(Unavailability.participant_id).in_(ids))
        .order_by(col(Unavailability.participant_id), col(Unavailability.slot_id))
    ).all()
    for participant_id, slot_id in rows:
        out[participant_id].append(slot_id)
    return out


def view_participant(
    session: Session, *, viewer: User | None, event_id: int, participant_id: int
) -> tuple[Participant, bool]:
    """The participant and whether the viewer may see the private fields (the person, their
    delegation head, the event's organisers). Others see approved people only: a pending or
    rejected registration is a 404 to them, as if it did not exist."""
    event = events.get_event(session, event_id, viewer=viewer)
    participant = get_participant(session, event_id=event_id, participant_id=participant_id)
    if can_act_for(session, viewer, event, participant):
        return participant, True
    if participant.status != ApprovalStatus.approved.value:
        raise NotFound("Participant", participant_id)
    return participant, False


def own_registration(session: Session, *, user: User, event_id: int) -> Participant:
    events.get_event(session, event_id, viewer=user)
    participant = participant_for_user(session, event_id=event_id, user=user)
    if participant is None:
        missing = NotFound("Your registration for this event")
        missing.next_step = "register"  # the page offers the registration form
        raise missing
    return participant


@dataclass(frozen=True)
class ParticipantFilters:
    status: ApprovalStatus | None = None
    country: str | None = None
    delegation_id: int | None = None
    kind: OrganisationKind | None = None
    role: ParticipantRole | None = None
    q: str | None = None


def list_participants(
    session: Session,
    *,
    viewer: User | None,
    event_id: int,
    filters: ParticipantFilters = ParticipantFilters(),
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Participant], int, bool]:
    """Participants of an event and whether the viewer sees private fields.

    The event's organisers see everyone and may filter by status; everyone else sees the
    approved people only, and their search matches public fields only."""
    event = events.get_event(session, event_id, viewer=viewer)
    organiser = events.can_manage(session, viewer, event)
    query = select(Participant).where(Participant.event_id == event_id)
    if not organiser:
        query = query.where(Participant.status == ApprovalStatus.approved.value)
    if filters.status is not None:
        query = query.where(Participant.status == filters.status.value)
    if filters.role is not None:
        query = query.where(Participant.role == filters.role.value)
    if filters.delegation_id is not None:
        query = query.where(Participant.delegation_id == filters.delegation_id)
    if filters.country or filters.kind is not None:
        orgs = select(Organisation.id)
        if filters.country:
            orgs = orgs.where(Organisation.country == filters.country.strip().upper())
        if filters.kind is not None:
            orgs = orgs.where(Organisation.kind == filters.kind.value)
        in_org = col(Participant.organisation_id).in_(orgs)
        if filters.country and filters.kind is None:
            # Without an organisation, a person counts for their delegation's country.
            delegations = select(Delegation.id).where(
                Delegation.country == filters.country.strip().upper()
            )
            query = query.where(
                or_(
                    in_org,
                    and_(
                        col(Participant.organisation_id).is_(None),
                        col(Participant.delegation_id).in_(delegations),
                    ),
                )
            )
        else:
            query = query.where(in_org)
    for term in search_terms(filters.q):
        matches = col(Participant.search_text).contains(term, autoescape=True)
        if organiser:
            matches = or_(
                matches, func.lower(col(Participant.email)).contains(term, autoescape=True)
            )
        query = query.where(matches)
    rows = session.exec(
        query.order_by(func.lower(col(Participant.full_name)), col(Participant.id))
        .offset(offset)
        .limit(limit)
    ).all()
    return list(rows), page_total(session, query, rows, limit, offset), organiser


def counts_by_status(session: Session, *, event_id: int) -> dict[str, int]:
    rows = session.exec(
        select(Participant.status, func.count())
        .where(Participant.event_id == event_id)
        .group_by(col(Participant.status))
    ).all()
    counts = {s.value: 0 for s in ApprovalStatus}
    counts.update({status: int(n) for status, n in rows})
    return counts


def bookable_slots(session: Session, *, event_id: int) -> list[tuple[EventSession, list[Slot]]]:
    """The event's matchmaking sessions with their slots, for availability forms."""
    return [
        (sess, events.list_slots(session, session_id=pk(sess)))
        for sess in events.list_sessions(session, event_id=event_id)
        if sess.kind == SessionKind.matchmaking.value
    ]


def delegation_fields(
    session: Session, delegation: Delegation, *, private: bool, show_people: bool = True
) -> dict[str, Any]:
    """``show_people`` False (an anonymous visitor): the delegation without its members'
    names; people are shown to signed-in accounts only (README, "What is public")."""
    did = pk(delegation)
    members = delegation_members(session, did, approved_only=not private)
    if not private and not show_people:
        members = []
    out: dict[str, Any] = {
        "id": did,
        "event_id": delegation.event_id,
        "name": delegation.name,
        "name_en": delegation.name_en,
        "name_local": delegation.name_local,
        "country": delegation.country,
        "leading_organisation_id": delegation.leading_organisation_id,
        "status": delegation.status,
        "organisation_ids": delegation_organisation_ids(session, did),
    }
    if not private:
        out["members"] = [public_fields(session, m) for m in members]
        return out
    head = session.get(User, delegation.head_user_id) if delegation.head_user_id else None
    blocked = unavailable_by_participant(session, [pk(m) for m in members])
    out.update(
        {
            "head_user_id": delegation.head_user_id,
            "head_name": head.full_name if head else "",
            "arrival_date": delegation.arrival_date,
            "departure_date": delegation.departure_date,
            "languages": delegation.languages,
            "needs_interpreter": delegation.needs_interpreter,
            "interpreter_notes": delegation.interpreter_notes,
            "notes": delegation.notes,
            "created_at": delegation.created_at,
            "members": [private_fields(session, m, blocked=blocked[pk(m)]) for m in members],
        }
    )
    return out


def email_registered(session: Session, *, event_id: int, email: str) -> bool:
    """Whether someone is registered for the event with this e-mail address."""
    found = session.exec(
        select(Participant.id).where(Participant.event_id == event_id, Participant.email == email)
    ).first()
    return found is not None


def event_organisations(session: Session, *, event_id: int) -> list[Organisation]:
    """The organisations of the event's participants, by Vietnamese name."""
    return list(
        session.exec(
            select(Organisation)
            .where(
                col(Organisation.id).in_(
                    select(Participant.organisation_id).where(
                        Participant.event_id == event_id,
                        col(Participant.organisation_id).is_not(None),
                    )
                )
            )
            .order_by(col(Organisation.name_vi))
        ).all()
    )
