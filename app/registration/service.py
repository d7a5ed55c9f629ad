"""Rules for organisations, delegations, participants, approval and availability.

Who may act for a participant: the person (their account), the head of their delegation,
and the event's organisers. Everyone else sees only the public fields of approved people.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_
from sqlmodel import Session, col, select

from app.audit.service import diff, record
from app.auth.models import User
from app.errors import Conflict, FieldError, Forbidden, Invalid, NotFound, Unauthorized, _l
from app.events import service as events
from app.events.models import Event, EventOrganiser, EventSession, SessionKind, Slot
from app.i18n.words import status_word
from app.matchmaking.vocab import OrganisationKind
from app.registration import emails
from app.registration.models import (
    ApprovalStatus,
    Delegation,
    DelegationOrganisation,
    DelegationStatus,
    Organisation,
    OrganisationSector,
    Participant,
    ParticipantRole,
    Unavailability,
)
from app.registration.schemas import (
    DelegationCreate,
    DelegationUpdate,
    OrganisationCreate,
    OrganisationUpdate,
    ParticipantCreate,
    ParticipantUpdate,
)
from app.text import fold, join_folded, organisation_key, search_terms
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
    # Profiles carry their organisation's name in their search text.
    from app.matchmaking.service import reindex_profiles

    reindex_profiles(session, organisation_id=organisation_id)
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
    linked = session.exec(
        select(Participant).where(Participant.event_id == event_id, Participant.user_id == user.id)
    ).first()
    if linked is not None:
        return linked
    if user.email_confirmed_at is None:
        return None  # an unproved address never claims a registration (issue 15, item 7)
    return session.exec(
        select(Participant).where(
            Participant.event_id == event_id,
            col(Participant.user_id).is_(None),
            Participant.email == user.email.lower(),
        )
    ).first()


def heads_delegation(session: Session, *, user: User | None, delegation_id: int | None) -> bool:
    if user is None or delegation_id is None:
        return False
    delegation = session.get(Delegation, delegation_id)
    return delegation is not None and delegation.head_user_id == user.id


def is_self(participant: Participant, user: User | None) -> bool:
    """The registration is this user's: linked to their account, or (added by an organiser
    or a delegation head before they had an account) carrying their account's e-mail once
    the account's owner proved that address (a confirmation, invitation or other link)."""
    if user is None or not user.is_active:
        return False
    if participant.user_id is not None:
        return participant.user_id == user.id
    if user.email_confirmed_at is None:
        return False
    return participant.email is not None and participant.email == user.email.lower()


def can_act_for(
    session: Session, user: User | None, event: Event, participant: Participant
) -> bool:
    """The person, their delegation head, or the event's organisers."""
    if user is None or not user.is_active:
        return False
    if is_self(participant, user):
        return True
    if heads_delegation(session, user=user, delegation_id=participant.delegation_id):
        return True
    return events.can_manage(session, user, event)


def require_act_for(
    session: Session, user: User | None, event: Event, participant: Participant
) -> None:
    if not can_act_for(session, user, event, participant):
        raise Forbidden("You can only act for yourself or your delegation's members")


def parse_as(raw: str | None) -> int | None:
    """The participant a page acts for, from ``?as=`` (or the older ``participant_id``):
    None when absent; a 404 for anything but a number."""
    value = (raw or "").strip()
    if not value:
        return None
    if not value.isdigit() or len(value) > 12:
        raise NotFound("Participant", value[:20])
    return int(value)


def acting_person(
    session: Session, user: User | None, event: Event, participant_id: int | None
) -> Participant | None:
    """The one check of every page that acts for someone (``?as=<participant id>``): without
    an id, the user's own registration (or None); with one, that participant of this event,
    if the user may act for them (themself, the head of their delegation, the event's
    organisers) — 404 for someone of another event, 403 for someone else's member."""
    if participant_id is None:
        return participant_for_user(session, event_id=pk(event), user=user)
    person = session.get(Participant, participant_id)
    if person is None or person.event_id != event.id:
        raise NotFound("Participant", participant_id)
    require_act_for(session, user, event, person)
    return person


def acting_for(person: Participant | None, user: User | None) -> Participant | None:
    """The person a page acts on behalf of, for its notice; None when it is the user's own."""
    return None if person is None or is_self(person, user) else person


def participant_search_text(session: Session, participant: Participant) -> str:
    org = (
        session.get(Organisation, participant.organisation_id)
        if participant.organisation_id
        else None
    )
    # No e-mail or phone here: everyone may search the public list, and a match on a
    # private field would tell them what it holds. Organisers also match e-mails (see
    # list_participants).
    return join_folded(
        participant.full_name,
        participant.name_local,
        participant.position,
        org.name_vi if org else "",
        org.name_en if org else "",
        org.name_local if org else "",
    )


def wants_self_registration(actor: User | None, data: ParticipantCreate) -> bool:
    """Whose registration a ParticipantCreate is (the rule of its docstring): ``for_self``
    when given; otherwise the caller's own when the body has no e-mail or the caller's."""
    if data.for_self is not None:
        return data.for_self
    if actor is None:
        return True  # refused later: only a logged-in person registers themself
    return data.email is None or str(data.email).lower() == actor.email.lower()


_CLOSED_MESSAGES = {
    "status": ("registration for this event is not open", "registration is not open"),
    "not_yet": (
        "registration for this event has not opened yet",
        "registration has not opened yet",
    ),
    "closed": ("registration for this event has closed", "registration has closed"),
    "over": ("this event is over", "this event is over"),
}


def check_registration_window(event: Event) -> None:
    """Refuse (409 naming event_id) when the event does not take registrations now (the
    rule of events.registration_closed_reason)."""
    reason = events.registration_closed_reason(event)
    if reason is not None:
        detail, message = _CLOSED_MESSAGES[reason]
        raise Conflict(detail, [FieldError("event_id", message)])


def _forbidden_field(field: str, message: str) -> Forbidden:
    error = Forbidden(message)
    error.errors = [FieldError(field, message)]
    return error


def _check_cap(event: Event, meeting_cap: int | None, *, organiser: bool) -> None:
    # Organisers may let a busy host take more meetings than the event's default.
    if meeting_cap is not None and not organiser and meeting_cap > event.meeting_cap:
        raise Invalid(
            "meeting_cap",
            _l(
                "at most {event_meeting_cap}, the cap this event's organisers set",
                event_meeting_cap=event.meeting_cap,
            ),
        )


def _email_free(
    session: Session, event_id: int, email: str, *, exclude_id: int | None = None
) -> None:
    query = select(Participant).where(Participant.event_id == event_id, Participant.email == email)
    if exclude_id is not None:
        query = query.where(Participant.id != exclude_id)
    if session.exec(query).first() is not None:
        raise Conflict(
            _l("{email} is already registered for this event", email=email),
            [FieldError("email", "already registered for this event")],
        )


def _check_delegation(session: Session, event_id: int, delegation_id: int | None) -> None:
    if delegation_id is None:
        return
    delegation = session.get(Delegation, delegation_id)
    if delegation is None or delegation.event_id != event_id:
        raise Invalid("delegation_id", "no such delegation at this event")


def _check_organisation(session: Session, organisation_id: int | None) -> None:
    if organisation_id is not None and session.get(Organisation, organisation_id) is None:
        raise Invalid("organisation_id", "no such organisation")


def create_participant(
    session: Session,
    *,
    actor: User | None,
    event_id: int,
    data: ParticipantCreate,
    self_registration: bool | None = None,
) -> Participant:
    """Register a person for an event.

    ``self_registration`` (by default decided by ``wants_self_registration``): the actor
    registers themself while registration is open; the participant is linked to their
    account and starts pending. Otherwise an organiser or the head of ``delegation_id`` adds
    someone; an organiser's additions are approved at once, a head's wait for approval.
    """
    event = events.get_event(session, event_id, viewer=actor)
    if actor is None:
        raise Unauthorized("log in to register")
    if self_registration is None:
        self_registration = wants_self_registration(actor, data)
    organiser = events.can_manage(session, actor, event)
    email = str(data.email).lower() if data.email else None
    if self_registration:
        if email is not None and email != actor.email.lower():
            raise Invalid("email", "your own registration uses your account's e-mail; leave it out")
        email = actor.email.lower()
        if not organiser:
            check_registration_window(event)
        if participant_for_user(session, event_id=event_id, user=actor) is not None:
            raise Conflict(
                "you are already registered for this event",
                [FieldError("email", "already registered for this event")],
            )
    elif not organiser and not heads_delegation(
        session, user=actor, delegation_id=data.delegation_id
    ):
        raise Forbidden("Only the event's organisers or a delegation head can add participants")
    if data.role == ParticipantRole.staff and not organiser:
        raise Invalid("role", "only the event's organisers register their staff")
    _check_cap(event, data.meeting_cap, organiser=organiser)
    _check_delegation(session, event_id, data.delegation_id)
    organisation_id = data.organisation_id
    if (
        organisation_id is None
        and data.organisation is None
        and not self_registration
        and data.delegation_id is not None
    ):
        organisation_id = default_member_organisation(
            session, event_id=event_id, delegation_id=data.delegation_id, actor=actor
        )
    if data.organisation is not None:
        if organisation_id is not None:
            raise Invalid("organisation", "give organisation_id or a new organisation, not both")
    else:
        _check_organisation(session, organisation_id)
    if email is not None:
        _email_free(session, event_id, email)
    if data.organisation is not None:
        # Last, so that a refused registration leaves no orphan organisation behind.
        try:
            organisation = create_organisation(session, actor=actor, data=data.organisation)
        except Conflict as exc:
            exc.errors = [FieldError(f"organisation.{e.field}", e.message) for e in exc.errors]
            raise
        organisation_id = pk(organisation)
    participant = Participant(
        event_id=event_id,
        user_id=actor.id if self_registration else None,
        full_name=data.full_name,
        name_local=data.name_local,
        position=data.position,
        organisation_id=organisation_id,
        email=email,
        phone=data.phone,
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
        registered_by_id=actor.id,
    )
    participant.search_text = participant_search_text(session, participant)
    session.add(participant)
    session.flush()  # the unique keys settle a race with a concurrent twin (409)
    record(
        session,
        actor_id=actor.id,
        action="participant.create",
        entity="participant",
        entity_id=participant.id,
        event_id=event_id,
        changes=diff({}, participant.model_dump(exclude={"search_text", "code"})),
    )
    if self_registration and actor.email_confirmed_at is not None:
        # a sign-up whose address is not yet proved hears "received" once it is confirmed
        emails.received(session, event, participant)
    elif participant.delegation_id is not None:
        emails.member_added(session, event, participant, actor=actor)
    session.flush()
    return participant


def default_member_organisation(
    session: Session, *, event_id: int, delegation_id: int, actor: User
) -> int | None:
    """The organisation a member added to a delegation gets unless another is chosen: the
    head's own (their registration at this event), else the delegation's leading one."""
    delegation = session.get(Delegation, delegation_id)
    if delegation is None:
        return None
    head_user = session.get(User, delegation.head_user_id) if delegation.head_user_id else None
    head = participant_for_user(session, event_id=event_id, user=head_user or actor)
    if head is not None and head.organisation_id is not None:
        return head.organisation_id
    return delegation.leading_organisation_id


def reapply(session: Session, *, actor: User, event_id: int, participant_id: int) -> Participant:
    """A rejected registration, corrected, goes back to the organisers' queue (pending), while
    registration is open; the person (or their head) is told it was received."""
    event = events.get_event(session, event_id, viewer=actor)
    participant = get_participant(session, event_id=event_id, participant_id=participant_id)
    require_act_for(session, actor, event, participant)
    if participant.status != ApprovalStatus.rejected.value:
        raise Conflict(
            "only a rejected registration can be sent again",
            [FieldError("status", "only a rejected registration can be sent again")],
        )
    if not events.can_manage(session, actor, event):
        check_registration_window(event)
    before = {"status": participant.status, "rejection_reason": participant.rejection_reason}
    participant.status = ApprovalStatus.pending.value
    participant.updated_at = utcnow()
    session.add(participant)
    record(
        session,
        actor_id=actor.id,
        action="participant.reapply",
        entity="participant",
        entity_id=participant_id,
        event_id=event_id,
        changes=diff(
            before, {"status": participant.status, "rejection_reason": before["rejection_reason"]}
        ),
    )
    emails.received(session, event, participant)
    session.flush()
    return participant


def remove_member(session: Session, *, actor: User, event_id: int, participant_id: int) -> None:
    """The head of a delegation (or an organiser) withdraws a member they added while the
    registration is still pending; approved people are the organisers' to reject."""
    event = events.get_event(session, event_id, viewer=actor)
    participant = get_participant(session, event_id=event_id, participant_id=participant_id)
    organiser = events.can_manage(session, actor, event)
    if not organiser and not heads_delegation(
        session, user=actor, delegation_id=participant.delegation_id
    ):
        raise Forbidden("Only the head of the delegation or the organisers can remove a member")
    if participant.status != ApprovalStatus.pending.value:
        raise Conflict(
            "only a registration still waiting for approval can be removed",
            [FieldError("status", "only a registration still waiting for approval can be removed")],
        )
    record(
        session,
        actor_id=actor.id,
        action="participant.remove",
        entity="participant",
        entity_id=participant_id,
        event_id=event_id,
        changes={
            "full_name": [participant.full_name, None],
            "email": [participant.email, None],
            "delegation_id": [participant.delegation_id, None],
        },
    )
    for row in session.exec(
        select(Unavailability).where(Unavailability.participant_id == participant_id)
    ).all():
        session.delete(row)
    session.delete(participant)
    session.flush()


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
    if status == ApprovalStatus.approved and participant.user_id is not None:
        account = session.get(User, participant.user_id)
        if account is not None and account.email_confirmed_at is None:
            # A sign-up reaches the queue once its address is proved (issue 16).
            raise Conflict(
                "the person has not confirmed their e-mail address yet",
                [FieldError("status", "the person has not confirmed their e-mail address yet")],
            )
    before = {"status": participant.status, "rejection_reason": participant.rejection_reason}
    participant.status = status.value
    participant.rejection_reason = reason.strip() if status == ApprovalStatus.rejected else ""
    if before["status"] != participant.status or before["rejection_reason"] != (
        participant.rejection_reason
    ):
        emails.decided(session, event, participant)
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
        raise Invalid(
            "unavailable_slot_ids", _l("not slots of this event: {unknown}", unknown=unknown)
        )
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
    """(organisation name, country) for lists and agendas; a person without an organisation
    takes the country of their delegation."""
    org = (
        session.get(Organisation, participant.organisation_id)
        if participant.organisation_id is not None
        else None
    )
    if org is not None:
        return org.name_vi, org.country
    delegation = (
        session.get(Delegation, participant.delegation_id)
        if participant.delegation_id is not None
        else None
    )
    return "", delegation.country if delegation is not None else ""


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
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(col(Organisation.name_key), col(Organisation.id)).offset(offset).limit(limit)
    ).all()
    return list(rows), int(total)


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


# ---- participants: reading, lists, updates ------------------------------------------------


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
        raise NotFound("Your registration for this event")
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
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(func.lower(col(Participant.full_name)), col(Participant.id))
        .offset(offset)
        .limit(limit)
    ).all()
    return list(rows), int(total), organiser


def counts_by_status(session: Session, *, event_id: int) -> dict[str, int]:
    rows = session.exec(
        select(Participant.status, func.count())
        .where(Participant.event_id == event_id)
        .group_by(col(Participant.status))
    ).all()
    counts = {s.value: 0 for s in ApprovalStatus}
    counts.update({status: int(n) for status, n in rows})
    return counts


# Columns that must hold a value: a JSON null for them is an error, not "clear it".
_PARTICIPANT_NOT_NULL = ("full_name", "name_local", "position", "phone", "languages", "role")
# Who a person is at the event is the organisers' call, not theirs or their head's.
_PARTICIPANT_ORGANISER_ONLY = ("role", "delegation_id")


def update_participant(
    session: Session,
    *,
    actor: User,
    event_id: int,
    participant_id: int,
    data: ParticipantUpdate,
) -> Participant:
    """Change a registration: the person, their delegation head or an organiser; only
    organisers change the role, the delegation, or a meeting cap above the event's."""
    event = events.get_event(session, event_id, viewer=actor)
    participant = get_participant(session, event_id=event_id, participant_id=participant_id)
    require_act_for(session, actor, event, participant)
    organiser = events.can_manage(session, actor, event)
    values = data.model_dump(exclude_unset=True, exclude={"organisation"})
    for key in _PARTICIPANT_NOT_NULL:
        if key in values and values[key] is None:
            raise Invalid(key, "must not be empty")
    if data.organisation is not None and values.get("organisation_id") is not None:
        raise Invalid("organisation", "give organisation_id or a new organisation, not both")
    if "role" in values:
        values["role"] = ParticipantRole(values["role"]).value
    if not organiser:
        for key in _PARTICIPANT_ORGANISER_ONLY:
            if key in values and values[key] != getattr(participant, key):
                raise _forbidden_field(key, "only the event's organisers can change this")
    if "meeting_cap" in values:
        _check_cap(event, values["meeting_cap"], organiser=organiser)
    if "organisation_id" in values:
        _check_organisation(session, values["organisation_id"])
        if (
            not organiser
            and values["organisation_id"] != participant.organisation_id
            and participant.status == ApprovalStatus.approved.value
        ):
            # Whom an approved registration represents is what the organisers approved:
            # it decides whose agreements and signed documents the person may read.
            raise _forbidden_field(
                "organisation_id",
                "your registration is approved: ask the organisers to change your organisation",
            )
    if "delegation_id" in values:
        _check_delegation(session, event_id, values["delegation_id"])
    if values.get("email") is not None:
        values["email"] = str(values["email"]).lower()
        _email_free(session, event_id, values["email"], exclude_id=participant_id)
    if data.organisation is not None:
        # Last, so that a refused change leaves no orphan organisation behind.
        try:
            organisation = create_organisation(session, actor=actor, data=data.organisation)
        except Conflict as exc:
            exc.errors = [FieldError(f"organisation.{e.field}", e.message) for e in exc.errors]
            raise
        values["organisation_id"] = pk(organisation)
    before = participant.model_dump(exclude={"search_text", "updated_at"})
    for key, value in values.items():
        setattr(participant, key, value)
    participant.search_text = participant_search_text(session, participant)
    changes = diff(before, participant.model_dump(exclude={"search_text", "updated_at"}))
    if changes:
        participant.updated_at = utcnow()
        session.add(participant)
        record(
            session,
            actor_id=actor.id,
            action="participant.update",
            entity="participant",
            entity_id=participant_id,
            event_id=event_id,
            changes=changes,
        )
    session.flush()
    return participant


def bookable_slots(session: Session, *, event_id: int) -> list[tuple[EventSession, list[Slot]]]:
    """The event's matchmaking sessions with their slots, for availability forms."""
    return [
        (sess, events.list_slots(session, session_id=pk(sess)))
        for sess in events.list_sessions(session, event_id=event_id)
        if sess.kind == SessionKind.matchmaking.value
    ]


# ---- delegations --------------------------------------------------------------------------

# Invited and withdrawn delegations are not (or no longer) coming: only their head and the
# organisers see them.
PUBLIC_DELEGATION_STATUSES = frozenset({DelegationStatus.registered, DelegationStatus.confirmed})
DELEGATION_MOVES: dict[DelegationStatus, frozenset[DelegationStatus]] = {
    DelegationStatus.invited: frozenset({DelegationStatus.registered, DelegationStatus.withdrawn}),
    DelegationStatus.registered: frozenset(
        {DelegationStatus.confirmed, DelegationStatus.withdrawn}
    ),
    DelegationStatus.confirmed: frozenset({DelegationStatus.withdrawn}),
    # Only the organisers restore a withdrawn delegation (update_delegation checks it).
    DelegationStatus.withdrawn: frozenset({DelegationStatus.registered}),
}
# What the head of a delegation may change; names, country, head and confirmation stay
# with the organisers, who answer for the event's guest list.
HEAD_FIELDS = frozenset(
    {
        "arrival_date",
        "departure_date",
        "languages",
        "needs_interpreter",
        "interpreter_notes",
        "notes",
        "organisation_ids",
        "status",
    }
)
HEAD_STATUSES = frozenset({DelegationStatus.registered, DelegationStatus.withdrawn})
_DELEGATION_NOT_NULL = (
    "name",
    "name_local",
    "country",
    "languages",
    "needs_interpreter",
    "interpreter_notes",
    "status",
    "notes",
    "organisation_ids",
)


def can_manage_delegation(
    session: Session, user: User | None, event: Event, delegation: Delegation
) -> bool:
    """The event's organisers and the head of the delegation."""
    if user is not None and user.is_active and delegation.head_user_id == user.id:
        return True
    return events.can_manage(session, user, event)


def get_delegation(
    session: Session, *, viewer: User | None, event_id: int, delegation_id: int
) -> tuple[Event, Delegation]:
    event = events.get_event(session, event_id, viewer=viewer)
    delegation = session.get(Delegation, delegation_id)
    if delegation is None or delegation.event_id != event_id:
        raise NotFound("Delegation", delegation_id)
    if delegation.status not in PUBLIC_DELEGATION_STATUSES and not can_manage_delegation(
        session, viewer, event, delegation
    ):
        raise NotFound("Delegation", delegation_id)
    return event, delegation


def list_delegations(
    session: Session, *, viewer: User | None, event_id: int
) -> tuple[Event, list[Delegation]]:
    event = events.get_event(session, event_id, viewer=viewer)
    query = select(Delegation).where(Delegation.event_id == event_id)
    if not events.can_manage(session, viewer, event):
        visible: ColumnElement[bool] = col(Delegation.status).in_(
            [s.value for s in PUBLIC_DELEGATION_STATUSES]
        )
        if viewer is not None:
            visible = or_(visible, col(Delegation.head_user_id) == viewer.id)
        query = query.where(visible)
    rows = session.exec(query.order_by(col(Delegation.name), col(Delegation.id))).all()
    return event, list(rows)


def delegation_organisation_ids(session: Session, delegation_id: int) -> list[int]:
    rows = session.exec(
        select(DelegationOrganisation.organisation_id)
        .where(DelegationOrganisation.delegation_id == delegation_id)
        .order_by(col(DelegationOrganisation.organisation_id))
    ).all()
    return list(rows)


def withdrawal_consequences(session: Session, delegation_id: int) -> dict[str, int]:
    """What withdrawing a delegation touches, to name it before asking: its members and
    their meetings that are still to happen."""
    from app.meetings.models import Meeting, MeetingParticipant, MeetingStatus

    members = delegation_members(session, delegation_id, approved_only=False)
    ids = [pk(m) for m in members]
    meetings = 0
    if ids:
        meetings = int(
            session.exec(
                select(func.count(func.distinct(col(MeetingParticipant.meeting_id))))
                .join(Meeting, col(Meeting.id) == col(MeetingParticipant.meeting_id))
                .where(
                    col(MeetingParticipant.participant_id).in_(ids),
                    col(Meeting.status).in_(
                        [MeetingStatus.confirmed.value, MeetingStatus.proposed.value]
                    ),
                )
            ).one()
        )
    return {"members": len(members), "meetings": meetings}


def delegation_members(
    session: Session, delegation_id: int, *, approved_only: bool
) -> list[Participant]:
    query = select(Participant).where(Participant.delegation_id == delegation_id)
    if approved_only:
        query = query.where(Participant.status == ApprovalStatus.approved.value)
    return list(
        session.exec(
            query.order_by(func.lower(col(Participant.full_name)), col(Participant.id))
        ).all()
    )


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


def _check_delegation_values(
    session: Session, event_id: int, values: dict[str, Any], *, exclude_id: int | None
) -> None:
    name = values.get("name")
    if name is not None:
        key = fold(name)
        query = select(Delegation).where(Delegation.event_id == event_id)
        if exclude_id is not None:
            query = query.where(Delegation.id != exclude_id)
        # Compared folded, so that "Đoàn Đài Loan" and "DOAN DAI LOAN" are one delegation.
        if any(fold(other.name) == key for other in session.exec(query).all()):
            raise Conflict(
                _l("a delegation named '{name}' is already registered for this event", name=name),
                [FieldError("name", "another delegation of this event has this name")],
            )
    head_id = values.get("head_user_id")
    if head_id is not None:
        head = session.get(User, head_id)
        if head is None or not head.is_active:
            raise Invalid("head_user_id", "no active user account with this id")
    leading = values.get("leading_organisation_id")
    if leading is not None and session.get(Organisation, leading) is None:
        raise Invalid("leading_organisation_id", "no such organisation")
    ids = values.get("organisation_ids") or []
    if ids:
        found = set(
            session.exec(select(Organisation.id).where(col(Organisation.id).in_(ids))).all()
        )
        unknown = sorted(set(ids) - found)
        if unknown:
            raise Invalid(
                "organisation_ids", _l("no such organisations: {unknown}", unknown=unknown)
            )
    arrival, departure = values.get("arrival_date"), values.get("departure_date")
    if arrival is not None and departure is not None and departure < arrival:
        raise Invalid("departure_date", "must not be before arrival_date")


def _set_delegation_organisations(session: Session, delegation_id: int, ids: list[int]) -> None:
    for row in session.exec(
        select(DelegationOrganisation).where(DelegationOrganisation.delegation_id == delegation_id)
    ).all():
        session.delete(row)
    session.flush()
    session.add_all(
        DelegationOrganisation(delegation_id=delegation_id, organisation_id=i)
        for i in dict.fromkeys(ids)
    )


def create_delegation(
    session: Session, *, actor: User, event_id: int, data: DelegationCreate
) -> Delegation:
    """Invite or register a delegation (the event's organisers)."""
    event = events.get_event(session, event_id, viewer=actor)
    events.require_manage(session, actor, event)
    values = data.model_dump(exclude={"organisation_ids"})
    values["status"] = data.status.value
    _check_delegation_values(
        session,
        event_id,
        {**values, "organisation_ids": data.organisation_ids},
        exclude_id=None,
    )
    delegation = Delegation(event_id=event_id, **values)
    session.add(delegation)
    session.flush()
    _set_delegation_organisations(session, pk(delegation), data.organisation_ids)
    record(
        session,
        actor_id=actor.id,
        action="delegation.create",
        entity="delegation",
        entity_id=delegation.id,
        event_id=event_id,
        changes=diff({}, data.model_dump()),
    )
    session.flush()
    return delegation


def update_delegation(
    session: Session, *, actor: User, event_id: int, delegation_id: int, data: DelegationUpdate
) -> Delegation:
    """Change a delegation.

    Organisers change anything. The head of the delegation changes its travel dates,
    languages, interpreter needs, notes and member organisations, and may register it
    (invited → registered) or withdraw it; confirming it is the organisers' call (403).
    Status moves: invited → registered → confirmed, and withdrawn from any status; the
    organisers may restore a withdrawn delegation (withdrawn → registered); any other move
    is refused with a 409 naming ``status``.
    """
    event, delegation = get_delegation(
        session, viewer=actor, event_id=event_id, delegation_id=delegation_id
    )
    organiser = events.can_manage(session, actor, event)
    if not organiser and delegation.head_user_id != actor.id:
        raise Forbidden("Only the event's organisers or the head of the delegation can change it")
    values = data.model_dump(exclude_unset=True)
    for key in _DELEGATION_NOT_NULL:
        if key in values and values[key] is None:
            raise Invalid(key, "must not be empty")
    if not organiser:
        for key in sorted(values.keys() - HEAD_FIELDS):
            raise _forbidden_field(key, "only the event's organisers can change this")
    current = DelegationStatus(delegation.status)
    if "status" in values:
        wanted = DelegationStatus(values["status"])
        if wanted != current:
            if not organiser and current == DelegationStatus.withdrawn:
                raise _forbidden_field(
                    "status", "only the event's organisers can restore a withdrawn delegation"
                )
            if not organiser and wanted not in HEAD_STATUSES:
                raise _forbidden_field(
                    "status", "only the event's organisers can confirm a delegation"
                )
            if wanted not in DELEGATION_MOVES[current]:
                raise Conflict(
                    _l(
                        "a delegation cannot go from {current} to {wanted}",
                        current=status_word(current),
                        wanted=status_word(wanted),
                    ),
                    [
                        FieldError(
                            "status",
                            _l(
                                "cannot go from {current} to {wanted}",
                                current=status_word(current),
                                wanted=status_word(wanted),
                            ),
                        )
                    ],
                )
        values["status"] = wanted.value
    organisation_ids = values.pop("organisation_ids", None)
    merged = {**delegation.model_dump(), **values}
    _check_delegation_values(
        session,
        event_id,
        {
            **{k: v for k, v in values.items() if k in ("name", "head_user_id")},
            "leading_organisation_id": values.get("leading_organisation_id"),
            "organisation_ids": organisation_ids,
            "arrival_date": merged["arrival_date"],
            "departure_date": merged["departure_date"],
        },
        exclude_id=delegation_id,
    )
    before = {
        **delegation.model_dump(exclude={"updated_at"}),
        "organisation_ids": delegation_organisation_ids(session, delegation_id),
    }
    for key, value in values.items():
        setattr(delegation, key, value)
    if organisation_ids is not None:
        _set_delegation_organisations(session, delegation_id, organisation_ids)
    after = {
        **delegation.model_dump(exclude={"updated_at"}),
        "organisation_ids": (
            list(dict.fromkeys(organisation_ids))
            if organisation_ids is not None
            else before["organisation_ids"]
        ),
    }
    changes = diff(before, after)
    if changes:
        delegation.updated_at = utcnow()
        session.add(delegation)
        record(
            session,
            actor_id=actor.id,
            action="delegation.update",
            entity="delegation",
            entity_id=delegation_id,
            event_id=event_id,
            changes=changes,
        )
    session.flush()
    return delegation
