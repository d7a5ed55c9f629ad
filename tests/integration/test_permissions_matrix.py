"""Who may call which API route: every /api/v1 route × every kind of caller, on an event that
is open (public) and on one still in draft (invisible to outsiders).

The table below must name every API route of the app: a route added later without an entry
here makes ``test_matrix_covers_every_api_route`` fail, so nobody ships an endpoint whose
permissions were never decided.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.auth.models import Role, User, UserCreate
from app.auth.service import create_user, issue_api_token, start_web_session
from app.deps import SESSION_COOKIE
from app.events import service as events
from app.events.models import EventCreate, EventStatus, SessionCreate
from app.main import create_app
from app.settings import Settings, get_settings
from tests.conftest import B2B_SESSION, HAI_PHONG_EVENT, PASSWORD
from tests.demo_snapshot import Snapshot, capture, is_empty, restore
from tests.integration.conftest import add_delegation, add_person
from tests.integration.matrix import AREAS
from tests.integration.matrix.common import (
    PROBLEM,
    ROLES,
    STATES,
    Call,
    E,
    S,
    _everyone,
    _organisers,
    _read,
    _write,
)

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


MATRIX: dict[tuple[str, str], Call] = {
    ("POST", "/api/v1/auth/logout"): Call(_everyone(204, anonymous=401)),
    ("GET", "/api/v1/users/me"): Call(_everyone(200, anonymous=401)),
    ("POST", "/api/v1/users"): Call(
        _organisers(201),
        {
            "email": "moi@doanhnghiep.example",
            "full_name": "Trần Văn Mới",
            "password": "delegate-pw-2026",
            "role": "delegate",
        },
    ),
    ("GET", "/api/v1/events"): Call(_everyone(200, anonymous=200)),
    ("POST", "/api/v1/events"): Call(
        _organisers(201), {**HAI_PHONG_EVENT, "title_vi": "Sự kiện mới"}
    ),
    ("GET", E): Call(_read(200)),
    ("PATCH", E): Call(_write(200), {"venue": "Khách sạn Mường Thanh Luxury Hải Phòng"}),
    ("GET", E + "/sessions"): Call(_read(200)),
    ("POST", E + "/sessions"): Call(
        _write(201),
        {
            **B2B_SESSION,
            "title_vi": "Kết nối B2B buổi sáng",
            "room": "Phòng họp tầng 3",
            "starts_at": "2027-03-16T08:00:00+07:00",
            "ends_at": "2027-03-16T10:00:00+07:00",
            "table_count": 2,
        },
    ),
    ("GET", S): Call(_read(200)),
    ("PATCH", S): Call(_write(200), {"title_en": "B2B meetings (afternoon)"}),
    ("DELETE", S): Call(_write(204)),
    ("GET", S + "/slots"): Call(_read(200)),
    ("GET", S + "/tables"): Call(_read(200)),
    ("POST", S + "/tables"): Call(_write(201), {"count": 2}),
    ("PATCH", S + "/tables/{table_id}"): Call(_write(200), {"label": "Bàn đoàn Đài Loan"}),
}
# Which area's rows (build functions) a route needs: its own and those it USES.
ROUTE_AREAS: dict[tuple[str, str], tuple[ModuleType, ...]] = {}
_BY_NAME = {area.__name__.rsplit(".", 1)[-1]: area for area in AREAS}
for _area in AREAS:
    _clash = set(MATRIX) & set(_area.MATRIX)
    assert not _clash, f"{_area.__name__} repeats {_clash}"
    MATRIX.update(_area.MATRIX)
    _needed = (*(_BY_NAME[n] for n in getattr(_area, "USES", ())), _area)
    ROUTE_AREAS.update(dict.fromkeys(_area.MATRIX, _needed))
# Log-in itself is open to everyone by nature; its behaviour is in test_auth.py.
NOT_IN_MATRIX = {("POST", "/api/v1/auth/token")}


def _walk(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    for route in routes:
        original = getattr(route, "original_router", None)
        if original is not None:  # FastAPI keeps included routers as branches
            context = getattr(route, "include_context", None)
            yield from _walk(original.routes, prefix + getattr(context, "prefix", ""))
            continue
        path = getattr(route, "path", None)
        for method in getattr(route, "methods", None) or ():
            if path is not None and method != "HEAD":
                yield method, prefix + path


def api_routes(app: FastAPI) -> set[tuple[str, str]]:
    walked = {(m, p) for m, p in _walk(app.routes) if p.startswith("/api/v1")}
    # The OpenAPI document is a second, public view of the same routes.
    documented = {
        (method.upper(), path)
        for path, item in app.openapi()["paths"].items()
        if path.startswith("/api/v1")
        for method in item
    }
    return walked | documented


def test_matrix_covers_every_api_route() -> None:
    routes = api_routes(create_app(Settings()))
    assert routes - NOT_IN_MATRIX == set(MATRIX), (
        "decide who may call these routes and add them to MATRIX: "
        f"{sorted(routes - NOT_IN_MATRIX - set(MATRIX))}; stale entries: "
        f"{sorted(set(MATRIX) - routes)}"
    )


@dataclass
class Target:
    """One event of the world and the ids its paths need. Core ids: ``session_id``,
    ``table_id``, ``delegation_id`` (a delegation headed by nobody in the roles),
    ``own_participant_id`` (the delegate's own approved registration) and ``participant_id``
    (another approved person, without an account, in that delegation)."""

    event_id: int
    session_id: int
    table_id: int
    ids: dict[str, int] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return path.format(
            event_id=self.event_id,
            session_id=self.session_id,
            table_id=self.table_id,
            **self.ids,
        )


@dataclass
class World:
    targets: dict[str, Target]  # by state: "open", "draft"
    users: dict[str, User]

    @property
    def event_id(self) -> int:
        return self.targets["open"].event_id


ACCOUNTS = {
    "own_organiser": ("quynh@sokhcn.haiphong.gov.vn", Role.organiser, False),
    "other_organiser": ("thang@congthuong.hanoi.gov.vn", Role.organiser, False),
    "delegate": ("tuan@tw-delegation.example", Role.delegate, False),
    "admin": ("admin@ketnoi.example", Role.organiser, True),
}
DRAFT_TITLE = "Bản nháp: Ngày hội công nghệ Hải Phòng 2027"
# the worlds built in this process, by their areas: the rows, and the ids the paths need
_worlds: dict[tuple[str, ...], tuple[Snapshot, dict[str, Target]]] = {}


WorldMaker = Callable[[Sequence[ModuleType]], World]


@pytest.fixture
def make_world(client: TestClient, db: Session) -> WorldMaker:
    """Accounts and two events owned by one organiser, one open and one in draft, each with a
    B2B session, tables, a delegation and two registrations, plus the rows of the given areas
    (their ``build``): made through the services in one transaction, and only what a route
    needs, so that the hundreds of cases below stay fast on PostgreSQL too."""

    def make(areas: Sequence[ModuleType]) -> World:
        # Built through the services once per set of areas in this process, then put back
        # from memory (one insert per table instead of ~200 statements per case).
        key = tuple(area.__name__ for area in areas)
        kept = _worlds.get(key)
        if kept is not None and is_empty(db):
            snapshot, targets = kept
            restore(db, snapshot)
            by_email = {u.email: u for u in db.exec(select(User)).all()}
            users = {role: by_email[email] for role, (email, _, _) in ACCOUNTS.items()}
            return World(copy.deepcopy(targets), users)
        world = _build(areas)
        _worlds[key] = (capture(db), copy.deepcopy(world.targets))
        return world

    def _build(areas: Sequence[ModuleType]) -> World:
        users = {
            role: create_user(
                db,
                data=UserCreate(
                    email=email, full_name=email.split("@")[0], password=PASSWORD, role=r
                ),
                is_admin=is_admin,
            )
            for role, (email, r, is_admin) in ACCOUNTS.items()
        }
        targets = {}
        for state, status, title in (
            ("open", EventStatus.registration_open, HAI_PHONG_EVENT["title_vi"]),
            ("draft", EventStatus.draft, DRAFT_TITLE),
        ):
            event = events.create_event(
                db,
                actor=users["own_organiser"],
                data=EventCreate.model_validate(
                    {**HAI_PHONG_EVENT, "title_vi": title, "status": status}
                ),
            )
            assert event.id is not None
            row = events.create_session(
                db,
                actor=users["own_organiser"],
                event_id=event.id,
                data=SessionCreate.model_validate({**B2B_SESSION, "table_count": 2}),
            )
            assert row.id is not None
            table = events.list_tables(db, session_id=row.id)[0]
            assert table.id is not None
            target = Target(event.id, row.id, table.id)
            target.ids.update(_core_ids(db, users, event.id))
            for area in areas:
                build = getattr(area, "build", None)
                if build is not None:
                    target.ids.update(build(db, users, target))
            targets[state] = target
        db.commit()
        return World(targets, users)

    return make


@pytest.fixture
def world(make_world: WorldMaker) -> World:
    return make_world(())


def _core_ids(db: Session, users: dict[str, User], event_id: int) -> dict[str, int]:
    actor = users["own_organiser"]
    delegation = add_delegation(
        db,
        event_id,
        "Đoàn doanh nghiệp Đài Loan",
        country="TW",
        status="confirmed",
        actor=actor,
        commit=False,
    )
    own = add_person(
        db,
        event_id,
        "Lin Wei-Ting",
        name_local="林薇婷",
        user=users["delegate"],
        actor=actor,
        commit=False,
    )
    other = add_person(
        db,
        event_id,
        "Nguyễn Thị Hạnh",
        email=f"hanh.{event_id}@thucpham-hp.example",
        phone="+84 912 345 678",
        delegation_id=delegation,
        actor=actor,
        commit=False,
    )
    return {"delegation_id": delegation, "own_participant_id": own, "participant_id": other}


def _headers(db: Session, user: User) -> dict[str, str]:
    token = issue_api_token(db, get_settings(), user=user)
    db.commit()
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(
    ("method", "path", "role"),
    [
        pytest.param(method, path, role, id=f"{method} {path} {role}")
        for (method, path) in MATRIX
        for role in ROLES
    ],
)
def test_api_permission(
    client: TestClient, db: Session, make_world: WorldMaker, method: str, path: str, role: str
) -> None:
    call = MATRIX[(method, path)]
    world = make_world(ROUTE_AREAS.get((method, path), ()))
    headers = {} if role == "anonymous" else _headers(db, world.users[role])
    # Routes outside an event behave the same whatever an event's state: one call is enough.
    states = STATES if "{event_id}" in path else STATES[:1]
    for state in states:
        response = client.request(
            method,
            world.targets[state].url(path),
            json=call.body,
            files=call.files,
            headers=headers,
        )
        expected = call.expected[(role, state)]
        assert response.status_code == expected, f"{state} event: {response.text}"
        if expected >= 400:
            assert response.headers["content-type"].startswith(PROBLEM)
        if expected == 404:
            # An outsider learns nothing about the draft, not even its title.
            assert DRAFT_TITLE not in response.text


def test_refused_writes_change_nothing(
    client: TestClient,
    db: Session,
    world: World,
) -> None:
    own = _headers(db, world.users["own_organiser"])
    before = client.get(f"/api/v1/events/{world.event_id}", headers=own).json()
    for role in ("delegate", "other_organiser"):
        response = client.patch(
            f"/api/v1/events/{world.event_id}",
            json={"venue": "Ở chỗ khác"},
            headers=_headers(db, world.users[role]),
        )
        assert response.status_code == 403
    assert client.get(f"/api/v1/events/{world.event_id}", headers=own).json() == before


def test_draft_event_is_listed_only_for_its_organisers(
    client: TestClient,
    db: Session,
    world: World,
) -> None:
    draft = world.targets["draft"].event_id
    for role, visible in (
        ("delegate", False),
        ("other_organiser", False),
        ("own_organiser", True),
        ("admin", True),
    ):
        listing = client.get("/api/v1/events", headers=_headers(db, world.users[role])).json()
        ids = [e["id"] for e in listing["items"]]
        assert (draft in ids) is visible, role
        assert world.event_id in ids  # the open event is listed for everyone
    public = [e["id"] for e in client.get("/api/v1/events").json()["items"]]
    assert public == [world.event_id]


# ---- pages --------------------------------------------------------------------------------

PAGES = ("/events/new", "/events/{event_id}/edit", "/events/{event_id}/sessions/new")
HTML = {"Accept": "text/html,application/xhtml+xml"}


@pytest.fixture
def browser(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False) as test_client:
        yield test_client


def _log_in_browser(browser: TestClient, db: Session, user: User) -> None:
    key = start_web_session(db, get_settings(), user=user)
    db.commit()
    browser.cookies.set(SESSION_COOKIE, key)


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_is_sent_to_log_in_from_organiser_pages(
    browser: TestClient,
    world: World,
    page: str,  # type: ignore[no-untyped-def]
) -> None:
    url = page.format(event_id=world.event_id)
    response = browser.get(url, headers=HTML)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")
    assert url.replace("/", "%2F") in response.headers["location"]


@pytest.mark.parametrize("page", PAGES)
def test_delegate_gets_a_403_html_page_on_organiser_pages(
    browser: TestClient,
    db: Session,
    world: World,
    page: str,  # type: ignore[no-untyped-def]
) -> None:
    _log_in_browser(browser, db, world.users["delegate"])
    response = browser.get(page.format(event_id=world.event_id), headers=HTML)
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/html")
    assert "<html" in response.text
    assert "<form" not in response.text.split("</header>", 1)[-1]


@pytest.mark.parametrize("page", PAGES[1:])
def test_other_organiser_gets_403_on_another_events_forms(
    browser: TestClient,
    db: Session,
    world: World,
    page: str,  # type: ignore[no-untyped-def]
) -> None:
    _log_in_browser(browser, db, world.users["other_organiser"])
    response = browser.get(page.format(event_id=world.event_id), headers=HTML)
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize("page", PAGES)
def test_own_organiser_sees_the_form(
    browser: TestClient,
    db: Session,
    world: World,
    page: str,  # type: ignore[no-untyped-def]
) -> None:
    _log_in_browser(browser, db, world.users["own_organiser"])
    response = browser.get(page.format(event_id=world.event_id), headers=HTML)
    assert response.status_code == 200
    assert 'name="csrf_token"' in response.text
