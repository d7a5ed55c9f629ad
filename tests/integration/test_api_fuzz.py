"""Schemathesis over the whole JSON API, signed in as an organiser, against data that exists
(an event with a B2B session): whatever the input, the answer is never a server error. Runs
on SQLite and PostgreSQL; deterministic (derandomised) and bounded (a few examples per
operation)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from sqlmodel import Session

from app.auth.models import Role
from app.db import get_engine
from app.main import create_app
from app.settings import get_settings
from tests.conftest import B2B_SESSION, HAI_PHONG_EVENT, _empty_all, make_user, token_for

# Logging out would revoke the token that every other case uses.
EXCLUDED = {("POST", "/api/v1/auth/logout")}
APP = create_app(get_settings())


@pytest.fixture(scope="module")
def world(migrated: str) -> Iterator[dict[str, Any]]:
    _empty_all()
    with Session(get_engine(), expire_on_commit=False) as db:
        organiser = make_user(db, "fuzz.organiser@sokhcn.example", Role.organiser)
    with TestClient(APP) as client:
        headers = token_for(client, organiser.email)
        event = client.post("/api/v1/events", json=HAI_PHONG_EVENT, headers=headers)
        assert event.status_code == 201, event.text
        event_id = event.json()["id"]
        session = client.post(
            f"/api/v1/events/{event_id}/sessions", json=B2B_SESSION, headers=headers
        )
        assert session.status_code == 201, session.text
        yield {
            "client": client,
            "headers": headers,
            "ids": {"event_id": event_id, "session_id": session.json()["id"]},
        }
    _empty_all()


# Read from the app object, not over HTTP: collection runs before the test database exists.
# Generated cases only (the coverage phase adds dozens of boundary cases per operation, which
# would take minutes on two shared cores).
CONFIG = SchemathesisConfig.from_dict(
    {"phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}}}
)
_loaded = schemathesis.openapi.from_dict(APP.openapi(), config=CONFIG)
_loaded.app = APP
schema = _loaded.exclude(
    func=lambda ctx: (ctx.operation.method.upper(), ctx.operation.path) in EXCLUDED
)


@schema.parametrize()
@settings(
    max_examples=3,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_no_input_gives_a_server_error(case: Any, world: dict[str, Any]) -> None:
    # Every other generated id is replaced by one that exists, so that cases reach the code
    # behind the look-up (a deleted event would leave the rest with nothing to reach).
    if case.path_parameters and case.method.upper() != "DELETE":
        for name, real in world["ids"].items():
            value = case.path_parameters.get(name)
            if isinstance(value, int) and value % 2 == 0:
                case.path_parameters[name] = real
    # One client for every case: a client per call would run the app's start-up each time.
    response = world["client"].request(**case.as_transport_kwargs(headers=world["headers"]))
    response.request.read()  # a multipart body is streamed; the check reads it again
    case.validate_response(response, checks=[not_a_server_error])
