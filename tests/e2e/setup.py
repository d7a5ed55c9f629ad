"""Building what a journey starts from through the API, as the organisers would (each call
is tested elsewhere): an event, its B2B session, its people."""

from __future__ import annotations

from typing import Any

import httpx

from tests.e2e.test_meeting_journey import _created

Headers = dict[str, str]


def event(
    client: httpx.Client,
    org: Headers,
    title_vi: str,
    title_en: str,
    day: str,
    *,
    last_day: str | None = None,
) -> int:
    """An event open for registration in Hải Phòng's time zone."""
    return int(
        _created(
            client.post(
                "/api/v1/events",
                json={
                    "title_vi": title_vi,
                    "title_en": title_en,
                    "timezone": "Asia/Ho_Chi_Minh",
                    "start_date": day,
                    "end_date": last_day or day,
                    "languages": ["vi", "en", "zh"],
                    "status": "registration_open",
                },
                headers=org,
            )
        )["id"]
    )


def b2b_session(
    client: httpx.Client, org: Headers, event_id: int, starts_at: str, ends_at: str, *, tables: int
) -> int:
    """A B2B session of 20-minute slots."""
    return int(
        _created(
            client.post(
                f"/api/v1/events/{event_id}/sessions",
                json={
                    "kind": "matchmaking",
                    "title_vi": "Gặp gỡ B2B",
                    "title_en": "B2B meetings",
                    "starts_at": starts_at,
                    "ends_at": ends_at,
                    "slot_minutes": 20,
                    "table_count": tables,
                },
                headers=org,
            )
        )["id"]
    )


def person(
    client: httpx.Client,
    org: Headers,
    event_id: int,
    name: str,
    email: str,
    *,
    password: str | None = None,
    **fields: Any,
) -> int:
    """An approved participant; with ``password``, also an account to log in with."""
    if password is not None:
        client.post(
            "/api/v1/users",
            json={"email": email, "full_name": name, "password": password, "role": "delegate"},
            headers=org,
        )
    body = {"full_name": name, "email": email, "languages": ["vi", "en"], **fields}
    return int(
        _created(client.post(f"/api/v1/events/{event_id}/participants", json=body, headers=org))[
            "id"
        ]
    )


def slot_ids(client: httpx.Client, org: Headers, event_id: int, session_id: int) -> list[int]:
    slots = client.get(f"/api/v1/events/{event_id}/sessions/{session_id}/slots", headers=org)
    return [int(s["id"]) for s in slots.json()]


def book(client: httpx.Client, org: Headers, event_id: int, people: list[int], slot_id: int) -> int:
    """A meeting of ``people`` placed in ``slot_id`` (a free table is taken)."""
    return int(
        _created(
            client.post(
                f"/api/v1/events/{event_id}/meetings",
                json={"participant_ids": people, "slot_id": slot_id},
                headers=org,
            )
        )["id"]
    )
