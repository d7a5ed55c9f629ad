"""Rules for organisations, delegations, participants, approval and availability.

Who may act for a participant: the person (their account), the head of their delegation,
and the event's organisers. Everyone else sees only the public fields of approved people.
"""

from __future__ import annotations

import secrets
from typing import Any, NamedTuple

from sqlmodel import Session, col, select

from app.audit.service import diff, record
from app.auth.models import User
from app.errors import Conflict, FieldError, Forbidden, Invalid, NotFound, Unauthorized, _l
from app.events import service as events
from app.events.models import Event
from app.registration import emails
from app.registration import own as own_registration

# The meetings package reads delegations through this module until its own split lands.
from app.registration.delegations import can_manage_delegation as can_manage_delegation
from app.registration.delegations import delegation_members as delegation_members
from app.registration.delegations import forbidden_field
from app.registration.delegations import get_delegation as get_delegation
from app.registration.models import (
    ApprovalStatus,
    Delegation,
    Organisation,
    Participant,
    ParticipantRole,
    Unavailability,
    person_country,
)
from app.registration.organisations import create_organisation
from app.registration.schemas import (
    ParticipantCreate,
    ParticipantUpdate,
)
from app.text import join_folded
from app.types import pk, utcnow

# Check-in codes: no 0/O, 1/I/L, so that staff can type them from a printed agenda.
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8


def new_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(CODE_LENGTH))


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
    linked = (
        own_registration.recall(session, event_id, pk(user))
        or session.exec(select(Participant).where(own_registration.of(event_id, user.id))).first()
    )
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
    event = events.managed_event(session, actor, event_id)
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


class OrganisationShown(NamedTuple):
    name: str  # the Vietnamese (official) name
    country: str
    name_en: str  # pages pick(name, name_en) in the reader's language

    @property
    def english(self) -> str:
        """The name for an English reader of a text made once (an e-mail's context): the
        English name, or the official one where there is none."""
        return self.name_en or self.name


def organisation_display(session: Session, participant: Participant) -> OrganisationShown:
    """The person's organisation for lists and agendas: its names and country; a person
    without an organisation takes the country of their delegation."""
    org = (
        session.get(Organisation, participant.organisation_id)
        if participant.organisation_id is not None
        else None
    )
    delegation = (
        session.get(Delegation, participant.delegation_id)
        if org is None and participant.delegation_id is not None
        else None
    )
    return OrganisationShown(
        org.name_vi if org else "",
        person_country(participant, org, delegation),
        org.name_en if org else "",
    )


def public_fields(session: Session, participant: Participant) -> dict[str, Any]:
    name, country, name_en = organisation_display(session, participant)
    return {
        "id": participant.id,
        "event_id": participant.event_id,
        "full_name": participant.full_name,
        "name_local": participant.name_local,
        "position": participant.position,
        "organisation_id": participant.organisation_id,
        "organisation_name": name,
        "organisation_name_en": name_en,
        "country": country,
        "languages": participant.languages,
        "role": participant.role,
        "delegation_id": participant.delegation_id,
    }


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
                raise forbidden_field(key, "only the event's organisers can change this")
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
            raise forbidden_field(
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
