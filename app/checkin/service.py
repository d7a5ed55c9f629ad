"""Check-in at the desk: who of an event has arrived. Below meetings: reads registrations only."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app import clock
from app.audit.service import record
from app.auth.models import User
from app.checkin.models import Checkin, CheckinMethod
from app.errors import (
    Conflict,
    DomainError,
    FieldError,
    Forbidden,
    Invalid,
    NotFound,
    Unauthorized,
    _l,
)
from app.events import service as events
from app.events.models import (
    Event,
)
from app.i18n.words import status_error, status_word
from app.registration import service as registration
from app.registration.models import (
    ApprovalStatus,
    Delegation,
    Organisation,
    Participant,
    ParticipantRole,
)
from app.text import search_terms
from app.types import pk

# ---- people -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonCard:
    """What staff need to recognise a person at the desk."""

    id: int
    full_name: str
    name_local: str
    position: str
    organisation_name: str
    country: str
    role: str
    status: str
    delegation_id: int | None
    delegation_name: str


def person_card(session: Session, participant: Participant) -> PersonCard:
    name, country, _name_en = registration.organisation_display(session, participant)
    delegation = (
        session.get(Delegation, participant.delegation_id) if participant.delegation_id else None
    )
    return PersonCard(
        id=pk(participant),
        full_name=participant.full_name,
        name_local=participant.name_local,
        position=participant.position,
        organisation_name=name,
        country=country,
        role=participant.role,
        status=participant.status,
        delegation_id=participant.delegation_id,
        delegation_name=delegation.name if delegation else "",
    )


# ---- check-in -----------------------------------------------------------------------------


def can_check_in(session: Session, user: User | None, event: Event) -> bool:
    """The event's organisers, and its approved staff (role ``staff``) with an account: the
    people at the registration desk and in the meeting hall."""
    if user is None or not user.is_active:
        return False
    if events.can_manage(session, user, event):
        return True
    own = registration.participant_for_user(session, event_id=pk(event), user=user)
    return (
        own is not None
        and own.role == ParticipantRole.staff.value
        and own.status == ApprovalStatus.approved.value
        and registration.is_self(own, user)
    )


def require_staff(session: Session, actor: User | None, event_id: int) -> Event:
    if actor is None:
        raise Unauthorized()
    event = events.get_event(session, event_id, viewer=actor)
    if not can_check_in(session, actor, event):
        # A staff member of the event sees its draft too? No: a draft has no desk yet.
        raise Forbidden("Only the event's organisers and staff can check people in")
    return event


_CODE_NOISE = re.compile(r"[\s\-_.·–—]+")


def normalise_code(text: str) -> str:
    """'abcd-2345', ' ABCD 2345 ' and a scanned URL ending in ?code=ABCD2345 are one code.
    Scanners type what the QR holds (the bare code on our agendas); people type in groups."""
    value = text.strip()
    if "://" in value or value.startswith("/"):
        parts = urlsplit(value)
        query = parse_qs(parts.query)
        value = (query.get("code") or [parts.path.rstrip("/").rsplit("/", 1)[-1]])[0]
    return _CODE_NOISE.sub("", value).upper()


@dataclass(frozen=True)
class CheckinResult:
    checkin: Checkin
    participant: Participant
    created: bool  # False: they were already checked in; nothing changed


def _code_not_found(raw: str) -> DomainError:
    return DomainError(
        detail=_l("no participant of this event has the code '{value}'", value=raw.strip()[:40]),
        status=404,
        title="Not found",
        type_slug="not-found",
        errors=[FieldError("code", "unknown code: check it against the printed agenda")],
    )


def find_by_code(session: Session, *, event_id: int, code: str) -> Participant:
    wanted = normalise_code(code)
    if not wanted:
        raise Invalid("code", "type or scan the code printed on the agenda")
    found = session.exec(
        select(Participant).where(Participant.event_id == event_id, Participant.code == wanted)
    ).first()
    if found is None:
        raise _code_not_found(code)
    return found


def check_in(
    session: Session,
    *,
    actor: User,
    event_id: int,
    participant_id: int | None = None,
    code: str | None = None,
    method: CheckinMethod = CheckinMethod.code,
) -> CheckinResult:
    """Check a person in by the code of their agenda or by id. Checking in twice is
    harmless: the first check-in stands and is returned (``created`` False)."""
    require_staff(session, actor, event_id)
    if (code is None) == (participant_id is None):
        field_name = "code" if code is None else "participant_id"
        raise Invalid(field_name, "give either the code of the agenda or a participant_id")
    if code is not None:
        person = find_by_code(session, event_id=event_id, code=code)
    else:
        assert participant_id is not None
        person = registration.get_participant(
            session, event_id=event_id, participant_id=participant_id
        )
    if person.status != ApprovalStatus.approved.value:
        raise Conflict(
            _l(
                "{person_full_name}'s registration is {person_status}, not approved: "
                "the organisers decide on it before check-in",
                person_full_name=person.full_name,
                person_status=status_word(person.status),
            ),
            [status_error(person.status)],
        )
    existing = session.get(Checkin, pk(person))
    if existing is not None:
        return CheckinResult(existing, person, created=False)
    row = Checkin(
        participant_id=pk(person),
        event_id=event_id,
        checked_in_at=clock.now(),
        by_user_id=actor.id,
        method=CheckinMethod(method).value,
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        # Two desks scanned the same agenda at once: the other one won; report theirs.
        winner = session.get(Checkin, pk(person), populate_existing=True)
        if winner is None:
            raise
        return CheckinResult(winner, person, created=False)
    record(
        session,
        actor_id=actor.id,
        action="participant.check_in",
        entity="participant",
        entity_id=person.id,
        event_id=event_id,
        changes={"checked_in_at": [None, row.checked_in_at], "method": [None, row.method]},
    )
    session.flush()
    return CheckinResult(row, person, created=True)


def undo_check_in(session: Session, *, actor: User, event_id: int, participant_id: int) -> None:
    """Take back a check-in made by mistake (the wrong person scanned)."""
    require_staff(session, actor, event_id)
    person = registration.get_participant(session, event_id=event_id, participant_id=participant_id)
    row = session.get(Checkin, pk(person))
    if row is None:
        raise NotFound("Check-in of participant", participant_id)
    record(
        session,
        actor_id=actor.id,
        action="participant.undo_check_in",
        entity="participant",
        entity_id=person.id,
        event_id=event_id,
        changes={"checked_in_at": [row.checked_in_at, None]},
    )
    session.delete(row)
    session.flush()


@dataclass(frozen=True)
class SearchHit:
    participant: PersonCard
    checked_in_at: datetime | None


def search_for_checkin(
    session: Session, *, actor: User, event_id: int, q: str, limit: int = 20
) -> list[SearchHit]:
    """People of the event whose name, position or organisation contains every word of
    ``q`` with or without accents ('nguyen thi hoa' finds 'Nguyễn Thị Hoa'), or whose code
    is ``q``. Every approval status is listed (the desk sees why someone cannot check in)."""
    require_staff(session, actor, event_id)
    terms = search_terms(q)
    if not terms:
        return []
    code = normalise_code(q)
    query = select(Participant).where(Participant.event_id == event_id)
    for term in terms:
        query = query.where(col(Participant.search_text).contains(term, autoescape=True))
    rows = list(session.exec(query.order_by(col(Participant.full_name)).limit(limit)).all())
    by_code = session.exec(
        select(Participant).where(Participant.event_id == event_id, Participant.code == code)
    ).first()
    if by_code is not None and by_code not in rows:
        rows.insert(0, by_code)
    arrived = checked_in_map(session, event_id=event_id)
    rows = rows[:limit]
    # The hits' organisations and delegations in two queries, held while the cards are made
    # (person_card then finds them in the session instead of asking one by one).
    loaded = [
        *_load(session, Organisation, {p.organisation_id for p in rows}),
        *_load(session, Delegation, {p.delegation_id for p in rows}),
    ]
    hits = [SearchHit(person_card(session, p), arrived.get(pk(p))) for p in rows]
    del loaded
    return hits


def _load(session: Session, model: Any, ids: set[int | None]) -> list[Any]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return []
    return list(session.exec(select(model).where(col(model.id).in_(wanted))).all())


def checked_in_map(session: Session, *, event_id: int) -> dict[int, datetime]:
    """{participant id: when they checked in}. No permission check (the grid's "not
    arrived" flags, the figures)."""
    rows = session.exec(select(Checkin).where(Checkin.event_id == event_id)).all()
    return {r.participant_id: r.checked_in_at for r in rows}
