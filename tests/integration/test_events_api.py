"""Events, sessions, slots and tables through the HTTP API, on the real database."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import B2B_SESSION, HAI_PHONG_EVENT

PROBLEM = "application/problem+json"


def _fields(response) -> set[str]:  # type: ignore[no-untyped-def]
    assert response.headers["content-type"].startswith(PROBLEM), response.text
    return {e["field"] for e in response.json().get("errors", [])}


def test_organiser_creates_event_and_reads_it_back_in_event_time_zone(
    client: TestClient, organiser_headers: dict[str, str]
) -> None:
    payload = {**HAI_PHONG_EVENT, "registration_closes_at": "2027-03-05T10:00:00Z"}
    created = client.post("/api/v1/events", json=payload, headers=organiser_headers)
    assert created.status_code == 201
    assert created.headers["location"] == f"/api/v1/events/{created.json()['id']}"
    body = client.get(created.headers["location"], headers=organiser_headers).json()
    assert body["title_vi"] == "Phiên kết nối cung cầu công nghệ Việt Nam – Đài Loan"
    assert body["languages"] == ["vi", "en", "zh"]
    # 10:00 UTC is 17:00 in Hanoi: the API speaks in the event's zone, with the offset.
    assert body["registration_closes_at"] == "2027-03-05T17:00:00+07:00"
    assert body["status"] == "draft"


def test_draft_event_is_hidden_from_public_and_delegates(
    client: TestClient, event_id: int, delegate_headers: dict[str, str]
) -> None:
    assert client.get(f"/api/v1/events/{event_id}").status_code == 404
    assert client.get(f"/api/v1/events/{event_id}", headers=delegate_headers).status_code == 404
    assert client.get("/api/v1/events").json()["total"] == 0


def test_opened_event_is_listed_publicly(
    client: TestClient, event_id: int, organiser_headers: dict[str, str]
) -> None:
    opened = client.patch(
        f"/api/v1/events/{event_id}",
        json={"status": "registration_open"},
        headers=organiser_headers,
    )
    assert opened.status_code == 200
    listing = client.get("/api/v1/events").json()
    assert [e["id"] for e in listing["items"]] == [event_id]
    assert listing["total"] == 1


def test_b2b_session_generates_slots_and_tables(
    client: TestClient, event_id: int, organiser_headers: dict[str, str]
) -> None:
    created = client.post(
        f"/api/v1/events/{event_id}/sessions", json=B2B_SESSION, headers=organiser_headers
    )
    assert created.status_code == 201, created.text
    session = created.json()
    assert session["slot_count"] == 9  # 14:00–17:00 in 20-minute slots
    assert session["table_count"] == 15
    slots = client.get(
        f"/api/v1/events/{event_id}/sessions/{session['id']}/slots", headers=organiser_headers
    ).json()
    assert [s["starts_at"][11:16] for s in slots] == [
        "14:00",
        "14:20",
        "14:40",
        "15:00",
        "15:20",
        "15:40",
        "16:00",
        "16:20",
        "16:40",
    ]
    tables = client.get(
        f"/api/v1/events/{event_id}/sessions/{session['id']}/tables", headers=organiser_headers
    ).json()
    assert [t["number"] for t in tables] == list(range(1, 16))


def test_adding_a_break_regenerates_slots_and_keeps_unchanged_ones(
    client: TestClient, event_id: int, organiser_headers: dict[str, str]
) -> None:
    session = client.post(
        f"/api/v1/events/{event_id}/sessions", json=B2B_SESSION, headers=organiser_headers
    ).json()
    base = f"/api/v1/events/{event_id}/sessions/{session['id']}"
    before = {
        s["starts_at"]: s["id"]
        for s in client.get(f"{base}/slots", headers=organiser_headers).json()
    }
    updated = client.patch(
        base,
        json={
            "breaks": [
                {
                    "starts_at": "2027-03-16T15:40:00+07:00",
                    "ends_at": "2027-03-16T16:00:00+07:00",
                    "label": "Giải lao",
                }
            ]
        },
        headers=organiser_headers,
    )
    assert updated.status_code == 200, updated.text
    assert updated.json()["slot_count"] == 8
    after = client.get(f"{base}/slots", headers=organiser_headers).json()
    assert "2027-03-16T15:40:00+07:00" not in {s["starts_at"] for s in after}
    assert [s["number"] for s in after] == list(range(1, 9))
    for slot in after:
        assert before[slot["starts_at"]] == slot["id"]  # unchanged slots keep their identity


def test_session_outside_event_dates_is_rejected_naming_the_field(
    client: TestClient, event_id: int, organiser_headers: dict[str, str]
) -> None:
    payload = {
        **B2B_SESSION,
        "starts_at": "2027-03-17T14:00:00+07:00",
        "ends_at": "2027-03-17T17:00:00+07:00",
    }
    response = client.post(
        f"/api/v1/events/{event_id}/sessions", json=payload, headers=organiser_headers
    )
    assert response.status_code == 422
    assert _fields(response) == {"starts_at"}


def test_overlapping_sessions_in_the_same_room_conflict(
    client: TestClient, event_id: int, organiser_headers: dict[str, str]
) -> None:
    assert (
        client.post(
            f"/api/v1/events/{event_id}/sessions", json=B2B_SESSION, headers=organiser_headers
        ).status_code
        == 201
    )
    clash = {
        **B2B_SESSION,
        "title_vi": "Phiên khác",
        "starts_at": "2027-03-16T16:00:00+07:00",
        "ends_at": "2027-03-16T18:00:00+07:00",
        "room": "phòng họp tầng 2",
    }
    response = client.post(
        f"/api/v1/events/{event_id}/sessions", json=clash, headers=organiser_headers
    )
    assert response.status_code == 409
    assert _fields(response) == {"room"}
    elsewhere = {**clash, "room": "Hội trường A"}
    assert (
        client.post(
            f"/api/v1/events/{event_id}/sessions", json=elsewhere, headers=organiser_headers
        ).status_code
        == 201
    )


def test_break_outside_the_session_is_rejected(
    client: TestClient, event_id: int, organiser_headers: dict[str, str]
) -> None:
    payload = {
        **B2B_SESSION,
        "breaks": [
            {"starts_at": "2027-03-16T17:30:00+07:00", "ends_at": "2027-03-16T17:45:00+07:00"}
        ],
    }
    response = client.post(
        f"/api/v1/events/{event_id}/sessions", json=payload, headers=organiser_headers
    )
    assert response.status_code == 422
    assert _fields(response) == {"breaks[0]"}


def test_zero_slot_length_is_rejected(
    client: TestClient, event_id: int, organiser_headers: dict[str, str]
) -> None:
    response = client.post(
        f"/api/v1/events/{event_id}/sessions",
        json={**B2B_SESSION, "slot_minutes": 0},
        headers=organiser_headers,
    )
    assert response.status_code == 422
    assert _fields(response) == {"slot_minutes"}


def test_unknown_time_zone_is_rejected(
    client: TestClient, organiser_headers: dict[str, str]
) -> None:
    response = client.post(
        "/api/v1/events",
        json={**HAI_PHONG_EVENT, "timezone": "Asia/Hai_Phong"},
        headers=organiser_headers,
    )
    assert response.status_code == 422
    assert _fields(response) == {"timezone"}
    assert "IANA" in response.json()["detail"]


def test_event_end_before_start_is_rejected(
    client: TestClient, organiser_headers: dict[str, str]
) -> None:
    response = client.post(
        "/api/v1/events",
        json={**HAI_PHONG_EVENT, "end_date": "2027-03-15"},
        headers=organiser_headers,
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith(PROBLEM)


def test_naive_times_are_read_in_the_event_time_zone(
    client: TestClient, event_id: int, organiser_headers: dict[str, str]
) -> None:
    payload = {**B2B_SESSION, "starts_at": "2027-03-16T14:00:00", "ends_at": "2027-03-16T15:00:00"}
    body = client.post(
        f"/api/v1/events/{event_id}/sessions", json=payload, headers=organiser_headers
    ).json()
    assert body["starts_at"] == "2027-03-16T14:00:00+07:00"
    assert body["slot_count"] == 3


def test_table_numbers_are_unique_per_session(
    client: TestClient, event_id: int, organiser_headers: dict[str, str]
) -> None:
    session = client.post(
        f"/api/v1/events/{event_id}/sessions", json=B2B_SESSION, headers=organiser_headers
    ).json()
    base = f"/api/v1/events/{event_id}/sessions/{session['id']}/tables"
    clash = client.post(
        base, json={"number": 3, "label": "Bàn đoàn Đài Loan"}, headers=organiser_headers
    )
    assert clash.status_code == 409
    assert _fields(clash) == {"number"}
    more = client.post(base, json={"count": 2}, headers=organiser_headers)
    assert [t["number"] for t in more.json()] == [16, 17]
    table_id = more.json()[0]["id"]
    renamed = client.patch(
        f"{base}/{table_id}",
        json={"label": "Bàn 16 – Đài Loan", "reserved_for": "Đoàn Đài Loan"},
        headers=organiser_headers,
    )
    assert renamed.status_code == 200
    assert renamed.json()["label"] == "Bàn 16 – Đài Loan"


def test_every_change_is_in_the_audit_log(
    client: TestClient, event_id: int, organiser_headers: dict[str, str], db
) -> None:  # type: ignore[no-untyped-def]
    from sqlmodel import col, select

    from app.audit.models import AuditEntry

    client.patch(
        f"/api/v1/events/{event_id}",
        json={"venue": "Khách sạn Mường Thanh"},
        headers=organiser_headers,
    )
    actions = [e.action for e in db.exec(select(AuditEntry).order_by(col(AuditEntry.id))).all()]
    assert "event.create" in actions
    assert "event.update" in actions
    update = db.exec(select(AuditEntry).where(AuditEntry.action == "event.update")).one()
    assert update.changes["venue"] == [
        "Trung tâm Hội nghị thành phố Hải Phòng",
        "Khách sạn Mường Thanh",
    ]
