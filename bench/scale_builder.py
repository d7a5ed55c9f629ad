"""A generated event at a chosen size, for the scale bench and the statement-count test.

The event and its B2B sessions (slots and tables) are made through the HTTP API as an
organiser would; people, organisations, delegations, requests and booked meetings are then
written in bulk (the product has no bulk API for them), keeping every rule the database holds:
seats unique per slot and person, one active meeting per pair, quotas matching seats.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.events.models import MeetingTable, Slot
from app.meetings.models import (
    Meeting,
    MeetingOrigin,
    MeetingParticipant,
    MeetingQuota,
    MeetingRequest,
    MeetingSeat,
    MeetingStatus,
    party_key,
)
from app.registration.models import Delegation, Organisation, Participant
from app.registration.service import new_code, participant_search_text
from app.types import pk, utcnow

COUNTRIES = ["TW", "JP", "KR", "NL", "IL", "DE", "FR", "SG", "TH", "US"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng"]
GIVEN = ["An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Khoa", "Linh", "Minh", "Nam"]


@dataclass
class ScaleEvent:
    event_id: int
    session_ids: list[int]
    participant_ids: list[int]
    meeting_ids: list[int] = field(default_factory=list)
    request_ids: list[int] = field(default_factory=list)


def _event(client: TestClient, headers: dict[str, str], *, slots: int, tables: int) -> Any:
    created = client.post(
        "/api/v1/events",
        json={
            "title_vi": "Chợ công nghệ quy mô lớn",
            "title_en": "Large technology fair",
            "organiser_unit": "Sở Khoa học và Công nghệ",
            "venue": "Trung tâm Hội nghị",
            "timezone": "Asia/Ho_Chi_Minh",
            "start_date": "2027-03-16",
            "end_date": "2027-03-17",
            "languages": ["vi", "en"],
            "status": "registration_open",
        },
        headers=headers,
    )
    assert created.status_code == 201, created.text
    event_id = int(created.json()["id"])
    session_ids = []
    for day in ("2027-03-16", "2027-03-17"):
        start = f"{day}T08:00:00+07:00"
        minutes = 20
        end_h = 8 * 60 + slots * minutes
        end = f"{day}T{end_h // 60:02d}:{end_h % 60:02d}:00+07:00"
        made = client.post(
            f"/api/v1/events/{event_id}/sessions",
            json={
                "kind": "matchmaking",
                "title_vi": f"Kết nối B2B {day}",
                "title_en": f"B2B {day}",
                "room": "Sảnh A",
                "starts_at": start,
                "ends_at": end,
                "slot_minutes": minutes,
                "table_count": tables,
            },
            headers=headers,
        )
        assert made.status_code == 201, made.text
        session_ids.append(int(made.json()["id"]))
    return event_id, session_ids


def build(
    client: TestClient,
    db: Session,
    headers: dict[str, str],
    *,
    people: int,
    meetings: int,
    requests: int,
    tables: int,
    slots: int,
    delegations: int = 10,
    booked: bool = True,
) -> ScaleEvent:
    """``people`` approved participants (half hosts, half guests), ``meetings`` booked meetings
    packed slot by slot over two sessions of ``slots`` slots × ``tables`` tables, and
    ``requests`` pending meeting requests between pairs that have no meeting. Without
    ``booked``, the meetings are accepted but have no time yet (for "schedule all")."""
    half = people // 2
    if half % tables or half < tables:
        raise ValueError("hosts (half the people) must be a multiple of the tables")
    assert meetings <= 2 * slots * tables
    event_id, session_ids = _event(client, headers, slots=slots, tables=tables)
    all_slots = list(
        db.exec(
            select(Slot).where(col(Slot.session_id).in_(session_ids)).order_by(col(Slot.starts_at))
        ).all()
    )
    table_rows = db.exec(
        select(MeetingTable)
        .where(col(MeetingTable.session_id).in_(session_ids))
        .order_by(col(MeetingTable.session_id), col(MeetingTable.number))
    ).all()
    tables_of: dict[int, list[MeetingTable]] = {}
    for t in table_rows:
        tables_of.setdefault(t.session_id, []).append(t)

    groups = [
        Delegation(event_id=event_id, name=f"Đoàn {c}", country=c, languages=["en"])
        for c in COUNTRIES[:delegations]
    ]
    db.add_all(groups)
    orgs = [
        Organisation(
            name_vi=f"Công ty Công nghệ {event_id}-{i:04d}",
            name_key=f"cong ty cong nghe {event_id} {i:04d}",
            country="VN" if i % 2 == 0 else COUNTRIES[i % len(COUNTRIES)],
        )
        for i in range(max(1, people // 3))
    ]
    db.add_all(orgs)
    db.flush()
    persons = []
    for i in range(people):
        host = i < half
        persons.append(
            Participant(
                event_id=event_id,
                full_name=f"{FAMILY[i % 10]} {GIVEN[(i // 10) % 10]} {i:04d}",
                email=f"p{event_id}-{i:05d}@scale.example",
                languages=["vi"] if host else ["en"],
                organisation_id=pk(orgs[i % len(orgs)]),
                delegation_id=None if host else pk(groups[i % len(groups)]),
                status="approved",
                code=new_code(),
            )
        )
    for person in persons:
        person.search_text = participant_search_text(db, person)
    db.add_all(persons)
    db.flush()
    ids = [pk(p) for p in persons]
    hosts, guests = ids[:half], ids[half:]

    now = utcnow()
    rows: list[Meeting] = []
    pairs: list[tuple[int, int, Slot]] = []
    for k in range(meetings):
        slot = all_slots[k // tables]
        table = tables_of[slot.session_id][k % tables]
        h = hosts[k % half]
        g = guests[(k + k // half) % half]
        pairs.append((h, g, slot))
        rows.append(
            Meeting(
                event_id=event_id,
                session_id=slot.session_id,
                status=MeetingStatus.confirmed.value,
                origin=MeetingOrigin.organiser.value,
                slot_id=pk(slot) if booked else None,
                table_id=pk(table) if booked else None,
                party_key=party_key([h, g]),
                last_starts_at=slot.starts_at if booked else None,
                last_ends_at=slot.ends_at if booked else None,
            )
        )
    db.add_all(rows)
    db.flush()
    db.add_all(
        MeetingParticipant(meeting_id=pk(m), participant_id=pid, role="party", confirmed_at=now)
        for m, (h, g, _s) in zip(rows, pairs, strict=True)
        for pid in (h, g)
    )
    db.flush()
    db.add_all(
        MeetingSeat(meeting_id=pk(m), participant_id=pid, slot_id=pk(s))
        for m, (h, g, s) in zip(rows, pairs, strict=True)
        for pid in (h, g)
        if booked
    )
    booked_count: dict[int, int] = {}
    for h, g, _s in pairs if booked else []:
        booked_count[h] = booked_count.get(h, 0) + 1
        booked_count[g] = booked_count.get(g, 0) + 1
    db.add_all(MeetingQuota(participant_id=pid, booked=n) for pid, n in booked_count.items())
    # Requests between pairs that have no meeting: host i asks guest half-1-i's neighbours.
    taken = {party_key([h, g]) for h, g, _s in pairs}
    reqs: list[MeetingRequest] = []
    k = 0
    while len(reqs) < requests and k < half * half:
        h, g = hosts[k % half], guests[(k // half + k * 7 + 3) % half]  # every pair once
        k += 1
        key = party_key([h, g])
        if key in taken:
            continue
        taken.add(key)
        a, b = sorted((h, g))
        reqs.append(
            MeetingRequest(
                event_id=event_id,
                requester_id=g,
                recipient_id=h,
                pair_key=f"{a}:{b}",
                message="Xin gặp để trao đổi về công nghệ",
                created_at=now - timedelta(seconds=k),
            )
        )
    db.add_all(reqs)
    db.commit()
    return ScaleEvent(
        event_id=event_id,
        session_ids=session_ids,
        participant_ids=ids,
        meeting_ids=[pk(m) for m in rows],
        request_ids=[pk(r) for r in reqs],
    )
