"""Events and sessions as the API shows them (times in the event's zone); shared by the API
and the pages."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from app.events import service
from app.events.models import (
    BreakPublic,
    Event,
    EventPublic,
    EventSession,
    MeetingTable,
    SessionKind,
    SessionPublic,
    Slot,
)
from app.types import pk


def in_zone(value: datetime | None, zone: ZoneInfo) -> datetime | None:
    return value.astimezone(zone) if value is not None else None


def event_public(event: Event) -> EventPublic:
    zone = service.event_zone(event)
    data = event.model_dump()
    data["registration_opens_at"] = in_zone(event.registration_opens_at, zone)
    data["registration_closes_at"] = in_zone(event.registration_closes_at, zone)
    data["schedule_published_at"] = in_zone(event.schedule_published_at, zone)
    return EventPublic.model_validate(data)


def session_public(db: Session, event: Event, row: EventSession) -> SessionPublic:
    sid = pk(row)
    slot_count = service.count_by_session(db, Slot, [sid]).get(sid, 0)
    table_count = service.count_by_session(db, MeetingTable, [sid]).get(sid, 0)
    return _session_public(row, slot_count, table_count, service.event_zone(event))


def _session_public(
    row: EventSession, slot_count: int, table_count: int, zone: ZoneInfo
) -> SessionPublic:
    return SessionPublic(
        id=pk(row),
        event_id=row.event_id,
        kind=SessionKind(row.kind),
        title_vi=row.title_vi,
        title_en=row.title_en,
        room=row.room,
        starts_at=row.starts_at.astimezone(zone),
        ends_at=row.ends_at.astimezone(zone),
        slot_minutes=row.slot_minutes,
        gap_minutes=row.gap_minutes,
        breaks=[
            BreakPublic(
                starts_at=datetime.fromisoformat(b["starts_at"]).astimezone(zone),
                ends_at=datetime.fromisoformat(b["ends_at"]).astimezone(zone),
                label=b.get("label", ""),
            )
            for b in row.breaks
        ],
        slot_count=slot_count,
        table_count=table_count,
    )


def sessions_public(db: Session, event: Event) -> list[SessionPublic]:
    rows = service.list_sessions(db, event_id=pk(event))
    ids = [pk(r) for r in rows]
    slots = service.count_by_session(db, Slot, ids)
    tables = service.count_by_session(db, MeetingTable, ids)
    zone = service.event_zone(event)
    return [_session_public(r, slots.get(pk(r), 0), tables.get(pk(r), 0), zone) for r in rows]
