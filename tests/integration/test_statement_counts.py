"""The number of SQL statements of each main page and API call does not grow with the size of
the event: a small event and one three times bigger answer in the same count (no query per
row). The bench (bench/scale_bench.py) times the same pages at 1,500 people."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlmodel import Session

from app.auth.models import User
from app.auth.service import start_web_session
from app.db import get_engine
from app.deps import SESSION_COOKIE
from app.settings import get_settings
from bench.scale_builder import ScaleEvent, build

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


@contextmanager
def counting() -> Iterator[list[str]]:
    statements: list[str] = []

    def listener(*args: Any) -> None:
        statements.append(args[2])

    engine = get_engine()
    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def _paths(scale: ScaleEvent) -> dict[str, str]:
    e = scale.event_id
    s = scale.session_ids[0]
    return {
        "meetings API, 50": f"/api/v1/events/{e}/meetings?limit=50",
        "meetings API, 100": f"/api/v1/events/{e}/meetings?limit=100",
        "meeting requests API": f"/api/v1/events/{e}/meeting-requests?limit=50",
        "check-in search": f"/api/v1/events/{e}/check-in/search?q=Nguy%E1%BB%85n&limit=50",
        "stats API": f"/api/v1/events/{e}/stats",
        "participants page": f"/events/{e}/participants",
        "grid page": f"/events/{e}/sessions/{s}/grid",
        "schedule page": f"/events/{e}/sessions/{s}/schedule",
        "report page": f"/events/{e}/report",
    }


def _counts(
    app: FastAPI, db: Session, organiser: User, headers: dict[str, str], scale: ScaleEvent
) -> dict[str, int]:
    browser = TestClient(app, follow_redirects=False)
    browser.cookies.set(SESSION_COOKIE, start_web_session(db, get_settings(), user=organiser))
    db.commit()
    out: dict[str, int] = {}
    for name, path in _paths(scale).items():
        api = path.startswith("/api/")
        client = TestClient(app, follow_redirects=False) if api else browser
        client.get(path, headers=headers if api else {})  # warm caches (settings, templates)
        with counting() as statements:
            response = client.get(path, headers=headers if api else {})
        assert response.status_code == 200, (name, response.status_code, response.text[:300])
        out[name] = len(statements)
        if api and isinstance(response.json(), dict) and "items" in response.json():
            assert response.json()["items"], name  # a page with rows
        elif api and isinstance(response.json(), list):
            assert response.json(), name
    return out


def test_statement_counts_do_not_grow_with_the_event(
    app: FastAPI,
    client: TestClient,
    db: Session,
    organiser: User,
    organiser_headers: dict[str, str],
) -> None:
    small = build(
        client, db, organiser_headers, people=40, meetings=60, requests=40, tables=5, slots=8
    )
    big = build(
        client, db, organiser_headers, people=120, meetings=180, requests=120, tables=15, slots=8
    )
    before = _counts(app, db, organiser, organiser_headers, small)
    after = _counts(app, db, organiser, organiser_headers, big)
    print("statements (small, 3× bigger):", {n: (before[n], after[n]) for n in before})
    grown = {name: (before[name], after[name]) for name in before if after[name] > before[name]}
    assert not grown, f"statements grow with the event (small, 3× bigger): {grown}"
