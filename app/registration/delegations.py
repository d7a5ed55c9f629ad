"""Delegations: who may see and change them, their organisations, members and status moves."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func, or_
from sqlmodel import Session, col, select

from app.audit.service import diff, record
from app.auth.models import User
from app.errors import Conflict, FieldError, Forbidden, Invalid, NotFound, _l
from app.events import service as events
from app.events.models import Event
from app.i18n.words import status_word
from app.registration.models import (
    ApprovalStatus,
    Delegation,
    DelegationOrganisation,
    DelegationStatus,
    Organisation,
    Participant,
)
from app.registration.schemas import (
    DelegationCreate,
    DelegationUpdate,
)
from app.text import fold
from app.types import pk, utcnow


def forbidden_field(field: str, message: str) -> Forbidden:
    error = Forbidden(message)
    error.errors = [FieldError(field, message)]
    return error


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
    "name_en",
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


def _headed_by(user: User, event_id: int) -> ColumnElement[bool]:
    return (col(Delegation.event_id) == event_id) & (col(Delegation.head_user_id) == user.id)


def headed_delegations(session: Session, user: User | None, event_id: int) -> list[Delegation]:
    """The event's delegations that ``user`` heads: theirs to manage, whatever their status."""
    if user is None or user.id is None:
        return []
    rows = session.exec(
        select(Delegation)
        .where(_headed_by(user, event_id))
        .order_by(col(Delegation.name), col(Delegation.id))
    ).all()
    return list(rows)


def headed_ids(user: User, event_id: int) -> Any:
    """The ids of the event's delegations that ``user`` heads, as a subquery (their members
    are people the head acts for)."""
    return select(Delegation.id).where(_headed_by(user, event_id))


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
    events.managed_event(session, actor, event_id)
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
            raise forbidden_field(key, "only the event's organisers can change this")
    current = DelegationStatus(delegation.status)
    if "status" in values:
        wanted = DelegationStatus(values["status"])
        if wanted != current:
            if not organiser and current == DelegationStatus.withdrawn:
                raise forbidden_field(
                    "status", "only the event's organisers can restore a withdrawn delegation"
                )
            if not organiser and wanted not in HEAD_STATUSES:
                raise forbidden_field(
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
