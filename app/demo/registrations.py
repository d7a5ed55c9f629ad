"""Load the demo registrations (app.demo.data) into the Hải Phòng event through the services.

Idempotent: every row is looked up first by its natural key — accounts and participants by
e-mail, organisations by their duplicate key (name ignoring case, accents and legal form, and
country), delegations by name, profiles by participant and title — and only what is missing
is created, so that a second ``ketnoi demo`` writes nothing (not even audit entries).

How each row is made, as a real organiser and delegation heads would:

- organisations: ``registration.service.create_organisation`` (the organiser);
- delegation heads' accounts: ``auth.service.create_user`` (only these five need a login;
  Argon2 hashing is slow, so nobody else gets an account);
- delegations: ``registration.service.create_delegation`` (the organiser), with the head's
  account and the member organisations;
- approved participants: ``create_participant`` by the organiser (approved at once). The heads
  and the demo delegate are added with their account's e-mail, which the registration service
  treats as their own registration (``registration.service.is_self``), so that they see and
  act on it after logging in;
- pending participants: added late by the head of their delegation (a head's additions wait
  for the organiser); the rejected one likewise, then ``decide(rejected, reason)``;
- blocked slots: ``set_unavailable`` by the organiser, by slot number in the B2B session;
- offers and requests: ``matchmaking.service.create_profile`` by the organiser.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from app.auth.models import Role, User, UserCreate
from app.auth.service import create_user, get_user_by_email
from app.demo.data import (
    DELEGATION_HEAD_PASSWORD,
    DELEGATIONS,
    DESK_STAFF_EMAIL,
    DESK_STAFF_PASSWORD,
    ORGANISATIONS,
    PEOPLE,
    PROFILES,
    DelegationSeed,
    OrganisationSeed,
    PersonSeed,
    ProfileSeed,
)
from app.events import service as events
from app.events.models import Event, SessionKind
from app.matchmaking.models import Profile
from app.matchmaking.schemas import ProfileCreate
from app.matchmaking.service import create_profile
from app.registration.delegations import create_delegation
from app.registration.models import ApprovalStatus, Delegation, Organisation, Participant
from app.registration.organisations import create_organisation, find_duplicate_organisation
from app.registration.schemas import DelegationCreate, OrganisationCreate, ParticipantCreate
from app.registration.service import create_participant, decide, set_unavailable
from app.types import pk

COUNT_KEYS = (
    "organisations",
    "accounts",
    "delegations",
    "participants",
    "unavailable_slots",
    "profiles",
)


def load_registrations(session: Session, *, organiser: User, event: Event) -> dict[str, int]:
    """Create what is missing of the demo registrations; return how many rows of each kind
    were created (all zero when everything was there already)."""
    counts = dict.fromkeys(COUNT_KEYS, 0)
    event_id = pk(event)
    organisations = {
        seed.key: _organisation(session, organiser, seed, counts) for seed in ORGANISATIONS
    }
    heads = {
        seed.key: _account(session, organiser, _person(seed.head_email), counts)
        for seed in DELEGATIONS
    }
    # The check-in desk's login (event-day staff of the organising department).
    _account(session, organiser, _person(DESK_STAFF_EMAIL), counts, password=DESK_STAFF_PASSWORD)
    delegations = {
        seed.key: _delegation(
            session, organiser, event_id, seed, heads[seed.key], organisations, counts
        )
        for seed in DELEGATIONS
    }
    slots = _b2b_slot_ids(session, event_id)
    participants: dict[str, Participant] = {}
    # Approved people first: the pending and rejected ones are added by their heads later.
    ordered = sorted(PEOPLE, key=lambda p: p.status != ApprovalStatus.approved)
    for person in ordered:
        participants[person.email] = _participant(
            session, organiser, event_id, person, organisations, delegations, slots, counts
        )
    _link_accounts(session, list(participants.values()))
    for profile in PROFILES:
        _profile(session, organiser, event_id, profile, participants[profile.owner], counts)
    return counts


def _link_accounts(session: Session, people: list[Participant]) -> None:
    """People with a demo login (the delegate, the heads) get their registration linked to
    their account, so that they reach it and publish offers as themselves."""
    for person in people:
        if person.user_id is not None or not person.email:
            continue
        user = get_user_by_email(session, person.email)
        if user is not None:
            person.user_id = user.id
            session.add(person)
    session.flush()


SEED_DAY = date(2027, 3, 16)
VIETNAMESE_STAFF_ORGS = frozenset({"sokhcn_hp"})


def _event_day(session: Session, event_id: int) -> date:
    event = session.get(Event, event_id)
    assert event is not None
    return event.start_date


def _person(email: str) -> PersonSeed:
    return next(p for p in PEOPLE if p.email == email)


def _organisation(
    session: Session, organiser: User, seed: OrganisationSeed, counts: dict[str, int]
) -> Organisation:
    existing = find_duplicate_organisation(session, name=seed.name_vi, country=seed.country)
    if existing is not None:
        return existing
    counts["organisations"] += 1
    return create_organisation(
        session,
        actor=organiser,
        data=OrganisationCreate(
            name_vi=seed.name_vi,
            name_en=seed.name_en,
            name_local=seed.name_local,
            kind=seed.kind,
            country=seed.country,
            province=seed.province,
            sectors=list(seed.sectors),
            description_vi=seed.description_vi,
            description_en=seed.description_en,
        ),
    )


def _account(
    session: Session,
    organiser: User,
    person: PersonSeed,
    counts: dict[str, int],
    *,
    password: str = DELEGATION_HEAD_PASSWORD,
) -> User:
    existing = get_user_by_email(session, person.email)
    if existing is not None:
        return existing
    counts["accounts"] += 1
    return create_user(
        session,
        data=UserCreate(
            email=person.email,
            full_name=person.full_name,
            password=password,
            role=Role.delegate,
            locale="vi" if person.organisation in VIETNAMESE_STAFF_ORGS else "en",
        ),
        actor_id=organiser.id,
    )


def _delegation(
    session: Session,
    organiser: User,
    event_id: int,
    seed: DelegationSeed,
    head: User,
    organisations: dict[str, Organisation],
    counts: dict[str, int],
) -> Delegation:
    existing = session.exec(
        select(Delegation).where(Delegation.event_id == event_id, Delegation.name == seed.name)
    ).first()
    if existing is not None:
        return existing
    member_orgs = [seed.leading_organisation] + [
        p.organisation for p in PEOPLE if p.delegation == seed.key
    ]
    counts["delegations"] += 1
    return create_delegation(
        session,
        actor=organiser,
        event_id=event_id,
        data=DelegationCreate(
            name=seed.name,
            name_en=seed.name_en,
            name_local=seed.name_local,
            country=seed.country,
            leading_organisation_id=pk(organisations[seed.leading_organisation]),
            head_user_id=pk(head),
            # The seeds are written for 16 March 2027; the demo day moves with today.
            arrival_date=seed.arrival + (_event_day(session, event_id) - SEED_DAY),
            departure_date=seed.departure + (_event_day(session, event_id) - SEED_DAY),
            languages=list(seed.languages),
            needs_interpreter=seed.needs_interpreter,
            interpreter_notes=seed.interpreter_notes,
            status=seed.status,
            notes=seed.notes,
            organisation_ids=list(dict.fromkeys(pk(organisations[k]) for k in member_orgs)),
        ),
    )


def _b2b_slot_ids(session: Session, event_id: int) -> dict[int, int]:
    """Slot number → slot id in the event's (first) matchmaking session."""
    for row in events.list_sessions(session, event_id=event_id):
        if row.kind == SessionKind.matchmaking.value:
            return {s.number: pk(s) for s in events.list_slots(session, session_id=pk(row))}
    return {}


def _participant(
    session: Session,
    organiser: User,
    event_id: int,
    person: PersonSeed,
    organisations: dict[str, Organisation],
    delegations: dict[str, Delegation],
    slots: dict[int, int],
    counts: dict[str, int],
) -> Participant:
    existing = session.exec(
        select(Participant).where(
            Participant.event_id == event_id, Participant.email == person.email
        )
    ).first()
    if existing is not None:
        return existing
    delegation = delegations[person.delegation] if person.delegation else None
    if person.status == ApprovalStatus.approved:
        actor = organiser
    else:
        # A late addition by the head of the delegation: it waits for the organiser.
        head = session.get(User, delegation.head_user_id) if delegation else None
        if head is None:
            raise ValueError(f"{person.email}: only a delegation member can wait for approval")
        actor = head
    participant = create_participant(
        session,
        actor=actor,
        event_id=event_id,
        self_registration=False,
        data=ParticipantCreate(
            full_name=person.full_name,
            name_local=person.name_local,
            position=person.position,
            organisation_id=pk(organisations[person.organisation]),
            email=person.email,
            languages=list(person.languages),
            role=person.role,
            delegation_id=pk(delegation) if delegation else None,
            meeting_cap=person.meeting_cap,
        ),
    )
    counts["participants"] += 1
    if person.status == ApprovalStatus.rejected:
        decide(
            session,
            actor=organiser,
            event_id=event_id,
            participant_id=pk(participant),
            status=ApprovalStatus.rejected,
            reason=person.rejection_reason,
        )
    if person.unavailable_slots:
        set_unavailable(
            session,
            actor=organiser,
            event_id=event_id,
            participant_id=pk(participant),
            slot_ids=[slots[n] for n in person.unavailable_slots],
        )
        counts["unavailable_slots"] += len(person.unavailable_slots)
    return participant


def _profile(
    session: Session,
    organiser: User,
    event_id: int,
    seed: ProfileSeed,
    owner: Participant,
    counts: dict[str, int],
) -> Profile:
    existing = session.exec(
        select(Profile).where(
            Profile.event_id == event_id,
            Profile.participant_id == pk(owner),
            Profile.title_en == seed.title_en,
        )
    ).first()
    if existing is not None:
        return existing
    counts["profiles"] += 1
    return create_profile(
        session,
        actor=organiser,
        event_id=event_id,
        data=ProfileCreate(
            participant_id=pk(owner),
            kind=seed.kind,
            title_vi=seed.title_vi,
            title_en=seed.title_en,
            title_local=seed.title_local,
            description_vi=seed.description_vi,
            description_en=seed.description_en,
            description_local=seed.description_local,
            local_language=seed.local_language,
            sectors=list(seed.sectors),
            keywords=list(seed.keywords),
            trl=seed.trl,
            ip_status=seed.ip_status,
            partnership_types=[p.value for p in seed.partnerships],
        ),
    )
