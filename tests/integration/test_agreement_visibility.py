"""Signed agreements and their documents reach the parties and the event's organisers only.

Who belongs to a party organisation is the organisers' decision: the organisation of an
approved registration, which only they can change. A claim alone (a pending self-registration
naming the organisation, an edit of one's own approved registration, a member a head adds)
shows nothing. The table is ``CLAIMANTS`` in tests/integration/matrix/outcomes.py; the rows
are the permission matrix's world (tests/integration/test_permissions_matrix.py), API and
pages both.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.auth.models import Role, User
from app.auth.service import issue_api_token, start_web_session
from app.deps import SESSION_COOKIE
from app.outcomes.models import AgreementParty
from app.registration.models import Participant
from app.settings import get_settings
from app.types import pk
from tests.conftest import make_user
from tests.integration.conftest import add_delegation, add_person
from tests.integration.matrix import outcomes as area
from tests.integration.matrix.outcomes import AGREEMENT_ROUTES, CLAIMANTS, PDF
from tests.integration.test_permissions_matrix import (  # noqa: F401  (fixtures)
    ROUTE_AREAS,
    Target,
    World,
    WorldMaker,
    make_world,
)

pytestmark = pytest.mark.usefixtures("fast_password_hashing")
HTML = {"Accept": "text/html,application/xhtml+xml"}
TITLE = "Biên bản ghi nhớ về dây chuyền đóng gói tự động"


def _bearer(db: Session, user: User) -> dict[str, str]:
    token = issue_api_token(db, get_settings(), user=user)
    db.commit()
    return {"Authorization": f"Bearer {token}"}


def _claimants(client: TestClient, db: Session, world: World) -> dict[str, User]:
    """The people of CLAIMANTS, each making their claim through the API as they would."""
    target = world.targets["open"]
    party_org = db.exec(
        select(AgreementParty.organisation_id).where(
            AgreementParty.agreement_id == target.ids["agreement_id"],
            AgreementParty.participant_id == target.ids["own_participant_id"],
        )
    ).one()
    base = f"/api/v1/events/{target.event_id}/participants"
    users: dict[str, User] = {
        "delegate": world.users["delegate"],
        "other_organiser": world.users["other_organiser"],
    }

    # A new account registers itself, naming the party organisation: pending.
    user = make_user(db, "mao.claims@example.tw", Role.delegate)
    response = client.post(
        base,
        json={"full_name": "Mao Claims", "organisation_id": party_org},
        headers=_bearer(db, user),
    )
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "pending"
    users["claims_by_self_registration"] = user

    # An approved person of no party organisation moves their registration into it: refused.
    user = make_user(db, "edit.claims@example.vn", Role.delegate)
    own = add_person(db, target.event_id, user.full_name, user=user)
    response = client.patch(
        f"{base}/{own}", json={"organisation_id": party_org}, headers=_bearer(db, user)
    )
    assert response.status_code == 403, response.text
    assert [e["field"] for e in response.json()["errors"]] == ["organisation_id"]
    db.expire_all()
    row = db.get(Participant, own)
    assert row is not None
    assert row.organisation_id is None
    users["claims_by_editing"] = user

    # A delegation head adds a member of the party organisation: pending until approved.
    user = make_user(db, "head.claims@example.jp", Role.delegate)
    delegation = add_delegation(
        db, target.event_id, "Đoàn Nhật Bản", country="JP", status="confirmed", head=user
    )
    response = client.post(
        base,
        json={
            "full_name": "Sato Member",
            "email": "sato.member@example.jp",
            "organisation_id": party_org,
            "delegation_id": delegation,
            "for_self": False,
        },
        headers=_bearer(db, user),
    )
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "pending"
    users["claims_as_head"] = user

    # A colleague the organisers approved in the party organisation.
    user = make_user(db, "colleague@tw-packaging.example", Role.delegate)
    add_person(db, target.event_id, user.full_name, user=user, organisation_id=party_org)
    users["colleague"] = user
    return users


def _check(
    client: TestClient, browser: TestClient, db: Session, target: Target, name: str, user: User
) -> list[str]:
    """Every route of AGREEMENT_ROUTES as ``user``; returns what differs from CLAIMANTS."""
    wrong = []
    headers = _bearer(db, user)
    browser.cookies.set(SESSION_COOKIE, start_web_session(db, get_settings(), user=user))
    db.commit()
    for route, path in AGREEMENT_ROUTES.items():
        url = target.url(path)
        expected = CLAIMANTS[name][route]
        response: Any = (
            client.get(url, headers=headers)
            if route.startswith("api")
            else browser.get(url, headers=HTML)
        )
        status = 200 if expected in (200, "empty") else expected
        if response.status_code != status:
            wrong.append(f"{name} {route}: {response.status_code}, expected {status}")
            continue
        if status != 200:
            continue
        if route == "api_list":
            ids = [a["id"] for a in response.json()["items"]]
            listed = target.ids["agreement_id"] in ids
        elif route.endswith("document"):
            listed = response.content == PDF
        else:
            listed = TITLE in response.text
        if listed != (expected == 200):
            wrong.append(f"{name} {route}: listed={listed}, expected {expected}")
    return wrong


@pytest.fixture
def browser(app: FastAPI) -> Any:
    with TestClient(app, follow_redirects=False) as test_client:
        yield test_client


def test_only_parties_and_the_events_organisers_read_agreements_and_documents(
    client: TestClient,
    browser: TestClient,
    db: Session,
    make_world: WorldMaker,  # noqa: F811  (the fixture imported above)
) -> None:
    world = make_world(ROUTE_AREAS[("GET", area.A)])
    target = world.targets["open"]
    users = _claimants(client, db, world)
    wrong = []
    for name, user in users.items():
        wrong += _check(client, browser, db, target, name, user)
    # The organisers approve the self-registration: now the organisation is theirs to read.
    claimant = users["claims_by_self_registration"]
    pending = db.exec(select(Participant).where(Participant.user_id == claimant.id)).one()
    response = client.post(
        f"/api/v1/events/{target.event_id}/participants/{pk(pending)}/decision",
        json={"status": "approved"},
        headers=_bearer(db, world.users["own_organiser"]),
    )
    assert response.status_code == 200, response.text
    wrong += _check(client, browser, db, target, "claims_by_self_registration_approved", claimant)
    assert wrong == []
