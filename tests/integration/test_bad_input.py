"""Bad input to every write endpoint gets a 4xx application/problem+json naming the field;
unknown ids, methods and paths get problems too; a crash is a 500 problem with no traceback."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.auth.models import User
from app.auth.service import issue_api_token
from app.events import service as events
from app.events.models import EventCreate, SessionCreate
from app.main import create_app
from app.settings import get_settings
from tests.conftest import B2B_SESSION, HAI_PHONG_EVENT

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

PROBLEM = "application/problem+json"


def _problem(response, status: int) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM), response.headers
    body = response.json()
    assert body["status"] == status
    assert body["title"]
    assert body["detail"]
    assert body["type"]
    return body


def _fields(response, status: int = 422) -> set[str]:  # type: ignore[no-untyped-def]
    return {e["field"] for e in _problem(response, status).get("errors", [])}


@pytest.fixture
def admin_headers(client: TestClient, db: Session, admin: User) -> dict[str, str]:
    token = issue_api_token(db, get_settings(), user=admin)
    db.commit()
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def ids(db: Session, admin: User) -> dict[str, int]:
    """An event with a B2B session and its tables, built through the services."""
    event = events.create_event(db, actor=admin, data=EventCreate.model_validate(HAI_PHONG_EVENT))
    assert event.id is not None
    row = events.create_session(
        db,
        actor=admin,
        event_id=event.id,
        data=SessionCreate.model_validate({**B2B_SESSION, "table_count": 2}),
    )
    assert row.id is not None
    table = events.list_tables(db, session_id=row.id)[0]
    assert table.id is not None
    db.commit()
    return {"event_id": event.id, "session_id": row.id, "table_id": table.id}


EVENTS = "/api/v1/events"
EVENT = "/api/v1/events/{event_id}"
SESSIONS = EVENT + "/sessions"
SESSION = SESSIONS + "/{session_id}"
TABLES = SESSION + "/tables"
TABLE = TABLES + "/{table_id}"
USERS = "/api/v1/users"
USER = {
    "email": "moi@doanhnghiep.example",
    "full_name": "Trần Văn Mới",
    "password": "delegate-pw-2026",
}


def _without(data: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != key}


LONG = "x" * 301

# (method, path, body, the field the problem must name)
BAD_JSON: list[tuple[str, str, dict[str, Any], str]] = [
    # missing required fields
    ("POST", EVENTS, _without(HAI_PHONG_EVENT, "title_vi"), "title_vi"),
    ("POST", EVENTS, _without(HAI_PHONG_EVENT, "start_date"), "start_date"),
    ("POST", SESSIONS, _without(B2B_SESSION, "starts_at"), "starts_at"),
    ("POST", SESSIONS, _without(B2B_SESSION, "title_vi"), "title_vi"),
    ("POST", USERS, _without(USER, "email"), "email"),
    ("POST", USERS, _without(USER, "password"), "password"),
    # wrong types
    ("POST", EVENTS, {**HAI_PHONG_EVENT, "slot_minutes": "twenty"}, "slot_minutes"),
    ("POST", EVENTS, {**HAI_PHONG_EVENT, "languages": "vi"}, "languages"),
    ("PATCH", EVENT, {"meeting_cap": [3]}, "meeting_cap"),
    ("POST", SESSIONS, {**B2B_SESSION, "table_count": "many"}, "table_count"),
    ("POST", SESSIONS, {**B2B_SESSION, "breaks": "15:40-16:00"}, "breaks"),
    ("PATCH", SESSION, {"gap_minutes": "five"}, "gap_minutes"),
    ("POST", TABLES, {"count": "two"}, "count"),
    ("PATCH", TABLE, {"seats": {"n": 4}}, "seats"),
    ("POST", USERS, {**USER, "email": "not-an-email"}, "email"),
    # out-of-range numbers
    ("POST", EVENTS, {**HAI_PHONG_EVENT, "meeting_cap": 0}, "meeting_cap"),
    ("POST", EVENTS, {**HAI_PHONG_EVENT, "slot_minutes": 241}, "slot_minutes"),
    ("PATCH", EVENT, {"slot_minutes": -20}, "slot_minutes"),
    ("POST", SESSIONS, {**B2B_SESSION, "gap_minutes": -1}, "gap_minutes"),
    ("POST", SESSIONS, {**B2B_SESSION, "table_count": 501}, "table_count"),
    ("PATCH", SESSION, {"slot_minutes": 0}, "slot_minutes"),
    ("POST", TABLES, {"count": 0}, "count"),
    ("POST", TABLES, {"number": 5, "seats": 1}, "seats"),
    ("PATCH", TABLE, {"number": 0}, "number"),
    ("POST", USERS, {**USER, "password": "short"}, "password"),
    # invalid dates and times
    ("POST", EVENTS, {**HAI_PHONG_EVENT, "start_date": "2027-02-30"}, "start_date"),
    ("POST", EVENTS, {**HAI_PHONG_EVENT, "end_date": "16/03/2027"}, "end_date"),
    ("PATCH", EVENT, {"registration_closes_at": "tomorrow"}, "registration_closes_at"),
    ("POST", SESSIONS, {**B2B_SESSION, "starts_at": "2027-03-16T25:00:00+07:00"}, "starts_at"),
    (
        "POST",
        SESSIONS,
        {**B2B_SESSION, "breaks": [{"starts_at": "2027-03-16T15:40:00+07:00"}]},
        "breaks[0].ends_at",
    ),
    # rule violations on well-formed values
    ("POST", EVENTS, {**HAI_PHONG_EVENT, "end_date": "2027-03-15"}, "end_date"),
    ("PATCH", EVENT, {"end_date": "2027-03-01"}, "end_date"),
    ("PATCH", EVENT, {"timezone": "Mars/Olympus_Mons"}, "timezone"),
    ("POST", EVENTS, {**HAI_PHONG_EVENT, "languages": ["vi", "1!"]}, "languages"),
    (
        "POST",
        SESSIONS,
        {**B2B_SESSION, "ends_at": "2027-03-16T13:00:00+07:00"},
        "ends_at",
    ),
    ("PATCH", SESSION, {"title_vi": "   "}, "title_vi"),
    # unknown enum values
    ("POST", EVENTS, {**HAI_PHONG_EVENT, "status": "archived"}, "status"),
    ("POST", EVENTS, {**HAI_PHONG_EVENT, "booking_mode": "lottery"}, "booking_mode"),
    ("PATCH", EVENT, {"status": "cancelled"}, "status"),
    ("POST", SESSIONS, {**B2B_SESSION, "kind": "party"}, "kind"),
    ("PATCH", SESSION, {"kind": "banquet"}, "kind"),
    ("POST", USERS, {**USER, "role": "superuser"}, "role"),
    ("POST", USERS, {**USER, "locale": "fr"}, "locale"),
    # overly long strings
    ("POST", EVENTS, {**HAI_PHONG_EVENT, "title_vi": LONG}, "title_vi"),
    ("PATCH", EVENT, {"venue": LONG}, "venue"),
    ("POST", SESSIONS, {**B2B_SESSION, "title_vi": LONG}, "title_vi"),
    ("PATCH", SESSION, {"room": "x" * 201}, "room"),
    ("POST", TABLES, {"label": "x" * 101}, "label"),
    ("PATCH", TABLE, {"reserved_for": "x" * 201}, "reserved_for"),
    ("POST", USERS, {**USER, "full_name": "x" * 201}, "full_name"),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [pytest.param(*case, id=f"{case[0]} {case[1]} {case[3]}") for case in BAD_JSON],
)
def test_bad_json_input_is_a_problem_naming_the_field(
    client: TestClient,
    ids: dict[str, int],
    admin_headers: dict[str, str],
    method: str,
    path: str,
    body: dict[str, Any],
    field: str,
) -> None:
    response = client.request(method, path.format(**ids), json=body, headers=admin_headers)
    assert response.status_code in (400, 409, 422), response.text
    fields = _fields(response, response.status_code)
    assert field in fields, fields


WRITES = [
    ("POST", EVENTS),
    ("PATCH", EVENT),
    ("POST", SESSIONS),
    ("PATCH", SESSION),
    ("POST", TABLES),
    ("PATCH", TABLE),
    ("POST", USERS),
]


@pytest.mark.parametrize(("method", "path"), WRITES)
def test_malformed_json_is_422_not_500(
    client: TestClient,
    ids: dict[str, int],
    admin_headers: dict[str, str],
    method: str,
    path: str,
) -> None:
    response = client.request(
        method,
        path.format(**ids),
        content=b'{"title_vi": "Phi\xc3\xaan", ',
        headers={**admin_headers, "Content-Type": "application/json"},
    )
    body = _problem(response, 422)
    assert body["errors"], body


@pytest.mark.parametrize(("method", "path"), WRITES)
def test_json_that_is_not_an_object_is_422(
    client: TestClient,
    ids: dict[str, int],
    admin_headers: dict[str, str],
    method: str,
    path: str,
) -> None:
    response = client.request(method, path.format(**ids), json=[1, 2], headers=admin_headers)
    _problem(response, 422)


@pytest.mark.parametrize(("method", "path"), WRITES)
def test_wrong_content_type_is_a_4xx_problem(
    client: TestClient,
    ids: dict[str, int],
    admin_headers: dict[str, str],
    method: str,
    path: str,
) -> None:
    response = client.request(
        method,
        path.format(**ids),
        content=b"title_vi=Phien&start_date=2027-03-16",
        headers={**admin_headers, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"].startswith(PROBLEM)


def test_empty_body_names_the_required_fields(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    response = client.post(EVENTS, json={}, headers=admin_headers)
    assert {"title_vi", "start_date", "end_date"} <= _fields(response)


def test_validation_problem_lists_every_offending_field(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    response = client.post(
        EVENTS,
        json={**HAI_PHONG_EVENT, "meeting_cap": 0, "slot_minutes": "x", "status": "nope"},
        headers=admin_headers,
    )
    body = _problem(response, 422)
    assert {"meeting_cap", "slot_minutes", "status"} <= {e["field"] for e in body["errors"]}
    for error in body["errors"]:
        assert error["message"]
        assert error["in"] == "body"


def test_table_given_both_count_and_number_names_a_field(
    client: TestClient, ids: dict[str, int], admin_headers: dict[str, str]
) -> None:
    response = client.post(
        TABLES.format(**ids), json={"count": 2, "number": 7}, headers=admin_headers
    )
    fields = _fields(response)
    assert fields & {"count", "number"}, fields


# ---- log-in form --------------------------------------------------------------------------


def test_token_request_without_username_names_the_field(client: TestClient) -> None:
    response = client.post("/api/v1/auth/token", data={"password": "x" * 12})
    assert "username" in _fields(response)


def test_token_request_as_json_is_422_not_500(client: TestClient) -> None:
    response = client.post(
        "/api/v1/auth/token", json={"username": "a@b.example", "password": "x" * 12}
    )
    assert {"username", "password"} <= _fields(response)


def test_token_request_with_empty_username_names_the_field(client: TestClient) -> None:
    response = client.post("/api/v1/auth/token", data={"username": " ", "password": "x" * 12})
    assert response.status_code in (401, 422)
    assert response.headers["content-type"].startswith(PROBLEM)


# ---- unknown ids, ids of the wrong type, paths and methods ------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/events/999999"),
        ("PATCH", "/api/v1/events/999999"),
        ("GET", "/api/v1/events/{event_id}/sessions/999999"),
        ("PATCH", "/api/v1/events/{event_id}/sessions/999999"),
        ("DELETE", "/api/v1/events/{event_id}/sessions/999999"),
        ("GET", "/api/v1/events/{event_id}/sessions/999999/slots"),
        ("GET", "/api/v1/events/{event_id}/sessions/999999/tables"),
        ("POST", "/api/v1/events/{event_id}/sessions/999999/tables"),
        ("PATCH", "/api/v1/events/{event_id}/sessions/{session_id}/tables/999999"),
        ("GET", "/api/v1/events/999999/sessions/{session_id}"),
    ],
)
def test_unknown_ids_are_404_problems(
    client: TestClient,
    ids: dict[str, int],
    admin_headers: dict[str, str],
    method: str,
    path: str,
) -> None:
    body = {"count": 1} if path.endswith("tables") else {}
    response = client.request(method, path.format(**ids), json=body, headers=admin_headers)
    problem = _problem(response, 404)
    assert "999999" in problem["detail"]


def test_session_of_another_event_is_404(
    client: TestClient, ids: dict[str, int], admin_headers: dict[str, str]
) -> None:
    other = client.post(
        EVENTS, json={**HAI_PHONG_EVENT, "title_vi": "Sự kiện khác"}, headers=admin_headers
    ).json()["id"]
    response = client.get(
        f"/api/v1/events/{other}/sessions/{ids['session_id']}", headers=admin_headers
    )
    _problem(response, 404)


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/events/abc", "event_id"),
        ("/api/v1/events/{event_id}/sessions/xyz", "session_id"),
        ("/api/v1/events?limit=0", "limit"),
        ("/api/v1/events?limit=many", "limit"),
        ("/api/v1/events?offset=-1", "offset"),
        ("/api/v1/events?status=archived", "status"),
    ],
)
def test_bad_path_and_query_parameters_name_the_parameter(
    client: TestClient, ids: dict[str, int], path: str, field: str
) -> None:
    response = client.get(path.format(**ids))
    assert field in _fields(response)


def test_wrong_method_is_405_problem(client: TestClient, event_id: int) -> None:
    response = client.delete(f"/api/v1/events/{event_id}")
    body = _problem(response, 405)
    assert "DELETE" in body["detail"]
    assert "GET" in response.headers.get("allow", "")


def test_put_on_a_collection_is_405_problem(client: TestClient) -> None:
    _problem(client.put("/api/v1/events", json={}), 405)


def test_unknown_api_path_is_404_problem(client: TestClient) -> None:
    body = _problem(client.get("/api/v1/nope"), 404)
    assert body["instance"] == "/api/v1/nope"


def test_unknown_api_path_is_json_even_for_a_browser(client: TestClient) -> None:
    response = client.get("/api/v1/nope", headers={"Accept": "text/html"})
    _problem(response, 404)


def test_unknown_page_for_a_browser_is_an_html_404_page(client: TestClient) -> None:
    response = client.get("/nope", headers={"Accept": "text/html,application/xhtml+xml"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "<html" in response.text
    assert 'href="/"' in response.text


def test_unknown_page_without_html_accept_is_a_problem(client: TestClient) -> None:
    _problem(client.get("/nope"), 404)


# ---- unexpected errors --------------------------------------------------------------------


def test_unexpected_exception_is_500_problem_without_traceback(db) -> None:  # type: ignore[no-untyped-def]
    app = create_app(get_settings())

    @app.get("/api/v1/boom")
    def boom() -> None:
        raise RuntimeError("secret internal detail: password=hunter2")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/v1/boom")
        assert client.get("/healthz").status_code == 200  # the process survives
    body = _problem(response, 500)
    assert "Traceback" not in response.text
    assert "hunter2" not in response.text
    assert "RuntimeError" not in response.text
    assert body["instance"] == "/api/v1/boom"


def test_unexpected_exception_on_a_page_is_an_html_500_page(db) -> None:  # type: ignore[no-untyped-def]
    app = create_app(get_settings())

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internal detail: password=hunter2")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom", headers={"Accept": "text/html"})
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("text/html")
    assert "hunter2" not in response.text
    assert "Traceback" not in response.text


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/events/99999999999",
        "/api/v1/events/99999999999/participants",
        "/api/v1/events/99999999999/meetings/99999999999",
    ],
)
def test_an_id_beyond_the_database_range_is_bad_input_not_a_crash(
    client: TestClient, organiser_headers: dict[str, str], path: str
) -> None:
    response = client.get(path, headers=organiser_headers)
    # SQLite holds any integer (nothing found: 404); PostgreSQL's integer columns refuse it.
    assert response.status_code in (404, 422), response.text
    assert response.headers["content-type"].startswith("application/problem+json")
