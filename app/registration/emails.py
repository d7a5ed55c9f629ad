"""The e-mails of registration, queued in the outbox in the person's language
(``templates/email/registration_*`` and ``delegation_member_added``): received (waiting for
approval), approved (with the next steps), rejected (with the organisers' reason and the way
to correct and apply again), added to a delegation. Every link is absolute
(``app.links.absolute_url``)."""

from __future__ import annotations

from sqlmodel import Session

from app.auth.models import User
from app.events.models import Event
from app.links import absolute_url
from app.notifications.models import Outbox
from app.notifications.service import enqueue
from app.registration.models import ApprovalStatus, Delegation, Participant


def _links(participant: Participant) -> dict[str, str]:
    event_id = participant.event_id
    return {
        "registration_url": absolute_url(f"/events/{event_id}/me"),
        "offer_url": absolute_url(f"/events/{event_id}/profiles/new"),
        "requests_url": absolute_url(f"/events/{event_id}/profiles"),
        "agenda_url": absolute_url(f"/events/{event_id}/meetings/mine"),
    }


def received(session: Session, event: Event, participant: Participant) -> Outbox | None:
    return enqueue(
        session,
        kind="registration_received",
        to_participant=participant,
        event=event,
        context=_links(participant),
    )


def decided(session: Session, event: Event, participant: Participant) -> Outbox | None:
    """Approved or rejected, as the participant's status now says."""
    if participant.status == ApprovalStatus.approved.value:
        kind = "registration_approved"
    elif participant.status == ApprovalStatus.rejected.value:
        kind = "registration_rejected"
    else:
        return None
    return enqueue(
        session,
        kind=kind,
        to_participant=participant,
        event=event,
        context={**_links(participant), "reason": participant.rejection_reason},
    )


def member_added(
    session: Session, event: Event, participant: Participant, *, actor: User
) -> Outbox | None:
    delegation = (
        session.get(Delegation, participant.delegation_id) if participant.delegation_id else None
    )
    if delegation is None:
        return None
    return enqueue(
        session,
        kind="delegation_member_added",
        to_participant=participant,
        event=event,
        context={
            **_links(participant),
            "delegation_name": delegation.name,
            "delegation_name_en": delegation.name_en or delegation.name,
            "added_by": actor.full_name or actor.email,
            "approved": participant.status == ApprovalStatus.approved.value,
        },
    )
