"""Factories for the integration tests: events, sessions, organisations, delegations and
registrations built through the app's own services (or its JSON API), so that a test's rows
are rows the app could have written, with its audit entries, search text and check-in codes.

The accounts, clients and token helpers are tests/conftest.py's (``make_user``,
``token_for``, ``organiser_headers`` …); this module builds on them.

- ``make_event`` / ``add_session`` / ``session_grid``: an event and a B2B session through the
  API, and the slots and tables it got.
- ``add_organisation`` / ``add_delegation`` / ``add_person``: rows through
  ``registration.organisations``, ``registration.delegations`` and ``registration.service``,
  acting as the event's organiser unless told otherwise. A person with an account is
  registered by the organisers under the account's address and linked to it the way the app
  links them (``accounts.service.confirm_address``); a status other than approved is the
  organisers' decision (``registration.service.decide``).
- ``add_profile``: an offer or request through ``matchmaking.create_profile``.
- ``build_fair``: the open event that the meeting and outcome tests share (a B2B session of
  9 slots × N tables, Lin and Hoa with accounts, a few approved people with their languages);
  each test file wraps it in the ``fair`` fixture its tests expect.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.accounts.service import confirm_address
from app.auth.models import Role, User
from app.events.models import EventOrganiser
from app.matchmaking import service as matchmaking
from app.matchmaking.schemas import ProfileCreate
from app.registration import service as registration
from app.registration.delegations import create_delegation
from app.registration.models import ApprovalStatus, ParticipantRole
from app.registration.organisations import create_organisation
from app.registration.schemas import (
    DelegationCreate,
    OrganisationCreate,
    ParticipantCreate,
    ParticipantUpdate,
)
from app.types import pk
from tests.conftest import B2B_SESSION, HAI_PHONG_EVENT, make_user

Headers = dict[str, str]


# ---- events and sessions (the JSON API) -------------------------------------------------


def make_event(client: TestClient, headers: Headers, **fields: Any) -> int:
    """The Hải Phòng event (``HAI_PHONG_EVENT``) with ``fields`` changed, created through
    ``POST /api/v1/events`` by the caller of ``headers``; its id."""
    response = client.post("/api/v1/events", json={**HAI_PHONG_EVENT, **fields}, headers=headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def add_session(
    client: TestClient, headers: Headers, event_id: int, **fields: Any
) -> dict[str, Any]:
    """The B2B session (``B2B_SESSION``) with ``fields`` changed, created through the API;
    the session as the API returns it."""
    response = client.post(
        f"/api/v1/events/{event_id}/sessions", json={**B2B_SESSION, **fields}, headers=headers
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def session_grid(
    client: TestClient, headers: Headers, event_id: int, session_id: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The session's slots and tables, as the API lists them."""
    base = f"/api/v1/events/{event_id}/sessions/{session_id}"
    slots = client.get(base + "/slots", headers=headers)
    tables = client.get(base + "/tables", headers=headers)
    assert slots.status_code == 200, slots.text
    assert tables.status_code == 200, tables.text
    return list(slots.json()), list(tables.json())


# ---- organisations, delegations, registrations (the services) ------------------------------


def event_organiser(db: Session, event_id: int) -> User:
    """The first organiser account of the event (the one who created it)."""
    user = db.exec(
        select(User)
        .join(EventOrganiser, col(EventOrganiser.user_id) == col(User.id))
        .where(EventOrganiser.event_id == event_id)
        .order_by(col(User.id))
    ).first()
    assert user is not None, f"event {event_id} has no organiser"
    return user


def _done(db: Session, commit: bool) -> None:
    if commit:
        db.commit()
    else:
        db.flush()


def add_organisation(
    db: Session,
    name_vi: str,
    *,
    name_en: str = "",
    name_local: str = "",
    country: str = "VN",
    kind: str = "enterprise",
    sectors: Sequence[str] = (),
    actor: User | None = None,
    commit: bool = True,
) -> int:
    """An organisation of the shared directory (``create_organisation``, with its duplicate
    check); an empty ``name_vi`` takes ``name_en``. Its id."""
    org = create_organisation(
        db,
        actor=actor,
        data=OrganisationCreate.model_validate(
            {
                "name_vi": name_vi or name_en,
                "name_en": name_en,
                "name_local": name_local,
                "country": country,
                "kind": kind,
                "sectors": list(sectors),
            }
        ),
    )
    _done(db, commit)
    return pk(org)


def add_delegation(
    db: Session,
    event_id: int,
    name: str,
    *,
    country: str,
    status: str = "invited",
    head: User | None = None,
    leading_organisation_id: int | None = None,
    actor: User | None = None,
    commit: bool = True,
    **fields: Any,
) -> int:
    """A delegation of the event, created by its organiser (``create_delegation``); its id."""
    delegation = create_delegation(
        db,
        actor=actor or event_organiser(db, event_id),
        event_id=event_id,
        data=DelegationCreate.model_validate(
            {
                "name": name,
                "country": country,
                "status": status,
                "head_user_id": head.id if head else None,
                "leading_organisation_id": leading_organisation_id,
                **fields,
            }
        ),
    )
    _done(db, commit)
    return pk(delegation)


def add_person(
    db: Session,
    event_id: int,
    name: str,
    *,
    languages: Sequence[str] = (),
    role: str = "delegate",
    status: str = "approved",
    email: str | None = None,
    user: User | None = None,
    organisation_id: int | None = None,
    delegation_id: int | None = None,
    announce: bool = True,
    name_local: str = "",
    position: str = "",
    phone: str = "",
    meeting_cap: int | None = None,
    reason: str = "Chưa đủ hồ sơ",
    actor: User | None = None,
    commit: bool = True,
) -> int:
    """A registration, added by the event's organiser (``create_participant``: approved at
    once); its id.

    ``user``: registered under the account's address and linked to the account as the app
    links them (``confirm_address``). ``status`` pending or rejected: then the organisers'
    decision (``decide``; a rejection with ``reason``). ``delegation_id``: a member of that
    delegation, told so by e-mail as the service does; ``announce=False`` puts the person in
    the delegation by an organiser's edit instead (``update_participant``: no e-mail), for
    tests that count the members' e-mails.
    """
    organiser = actor or event_organiser(db, event_id)
    if user is not None:
        # A linked registration carries the account's address.
        assert email is None or email.lower() == user.email, email
        email = user.email
    row = registration.create_participant(
        db,
        actor=organiser,
        event_id=event_id,
        data=ParticipantCreate.model_validate(
            {
                "full_name": name,
                "name_local": name_local,
                "position": position,
                "email": email,
                "phone": phone,
                "languages": list(languages),
                "role": ParticipantRole(role),
                "organisation_id": organisation_id,
                "delegation_id": delegation_id if announce else None,
                "meeting_cap": meeting_cap,
                "for_self": False,
            }
        ),
        self_registration=False,
    )
    participant_id = pk(row)
    if delegation_id is not None and not announce:
        join_delegation(db, event_id, participant_id, delegation_id, actor=organiser, commit=False)
    if user is not None:
        confirm_address(db, user)
        db.refresh(row)
        assert row.user_id == user.id, f"{user.email} already has a registration here"
    if status != ApprovalStatus.approved.value:
        registration.decide(
            db,
            actor=organiser,
            event_id=event_id,
            participant_id=participant_id,
            status=ApprovalStatus(status),
            reason=reason,
        )
    _done(db, commit)
    return participant_id


def join_delegation(
    db: Session,
    event_id: int,
    participant_id: int,
    delegation_id: int,
    *,
    actor: User | None = None,
    commit: bool = True,
) -> None:
    """The organisers move a registration into a delegation (``update_participant``)."""
    registration.update_participant(
        db,
        actor=actor or event_organiser(db, event_id),
        event_id=event_id,
        participant_id=participant_id,
        data=ParticipantUpdate(delegation_id=delegation_id),
    )
    _done(db, commit)


def block_slots(
    db: Session,
    event_id: int,
    participant_id: int,
    slot_ids: Sequence[int],
    *,
    actor: User | None = None,
    commit: bool = True,
) -> None:
    """The slots in which the person cannot meet anyone, set by the organisers
    (``set_unavailable``: it replaces the person's earlier ones)."""
    registration.set_unavailable(
        db,
        actor=actor or event_organiser(db, event_id),
        event_id=event_id,
        participant_id=participant_id,
        slot_ids=list(slot_ids),
    )
    _done(db, commit)


def add_profile(
    db: Session,
    event_id: int,
    participant_id: int,
    kind: str,
    *,
    actor: User | None = None,
    commit: bool = True,
    **fields: Any,
) -> int:
    """A technology offer or request of the participant, published by the event's organiser
    (``matchmaking.create_profile``: it takes the person's organisation); its id."""
    profile = matchmaking.create_profile(
        db,
        actor=actor or event_organiser(db, event_id),
        event_id=event_id,
        data=ProfileCreate.model_validate(
            {"participant_id": participant_id, "kind": kind, **fields}
        ),
    )
    _done(db, commit)
    return pk(profile)


# ---- the shared fair --------------------------------------------------------------------


@dataclass(frozen=True)
class Cast:
    """One of the fair's people; ``account``: linked to the account of the same key."""

    name: str
    languages: tuple[str, ...]
    email: str | None = None
    account: bool = False
    role: str = "delegate"
    status: str = "approved"


# Lin (Taiwanese packaging, zh/en) and Hoa (Vietnamese food processor, vi) have accounts;
# Minh has no e-mail; Mai interprets; one registration still waits for approval.
FAIR_CAST: dict[str, Cast] = {
    "lin": Cast("Lin Wei-Ting", ("zh", "en"), account=True),
    "hoa": Cast("Nguyễn Thị Hoa", ("vi",), account=True),
    "bao": Cast("Trần Quốc Bảo", ("vi",), email="bao@cokhi-hp.example"),
    "chen": Cast("Chen Yu-Han", ("zh",), email="chen@tw-robotics.example"),
    "minh": Cast("Phạm Văn Minh", ("vi", "en")),
    "mai": Cast("Đỗ Thị Mai", ("vi", "zh"), email="mai@phiendich.example", role="interpreter"),
    "pending": Cast("Hồ Chờ Duyệt", ("vi",), status="pending"),
}
FAIR_ACCOUNTS = {
    "lin": ("lin@tw-packaging.example", "Lin Wei-Ting"),
    "hoa": ("hoa@thucpham-hp.example", "Nguyễn Thị Hoa"),
}


@dataclass
class BuiltFair:
    """What ``build_fair`` made: ids, the API's slots and tables, the people by key and the
    delegate accounts by key."""

    event_id: int
    session_id: int
    slots: list[dict[str, Any]]
    tables: list[dict[str, Any]]
    people: dict[str, int] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)


def fair_users(db: Session) -> dict[str, User]:
    """Lin's and Hoa's delegate accounts."""
    return {
        key: make_user(db, email, Role.delegate, name=name)
        for key, (email, name) in FAIR_ACCOUNTS.items()
    }


def build_fair(
    client: TestClient,
    db: Session,
    headers: Headers,
    *,
    cast: Sequence[str] = tuple(FAIR_CAST),
    table_count: int = 3,
    **event: Any,
) -> BuiltFair:
    """An event open for registration (``event`` changes more of its fields) with a B2B
    session of 9 slots × ``table_count`` tables, Lin's and Hoa's accounts, and the people of
    ``FAIR_CAST`` named in ``cast`` (in that order), approved unless the cast says not."""
    event_id = make_event(client, headers, **{"status": "registration_open", **event})
    session = add_session(client, headers, event_id, table_count=table_count)
    slots, tables = session_grid(client, headers, event_id, int(session["id"]))
    built = BuiltFair(event_id, int(session["id"]), slots, tables, users=fair_users(db))
    for key in cast:
        person = FAIR_CAST[key]
        built.people[key] = add_person(
            db,
            event_id,
            person.name,
            languages=person.languages,
            role=person.role,
            status=person.status,
            email=person.email,
            user=built.users[key] if person.account else None,
        )
    return built
