"""JSON API for events, sessions, slots and tables: parse, call one service, shape output."""

from __future__ import annotations

from fastapi import APIRouter, Response

from app.deps import OptionalUser, Organiser, SessionDep
from app.events import service
from app.events.models import (
    EventCreate,
    EventPublic,
    EventStatus,
    EventUpdate,
    SessionCreate,
    SessionPublic,
    SessionUpdate,
    SlotPublic,
    TableCreate,
    TablePublic,
    TableUpdate,
)
from app.events.presenters import event_public, session_public, sessions_public
from app.pagination import Page, Paging
from app.types import DbInt, pk

router = APIRouter(prefix="/api/v1/events", tags=["events"])


# ---- events -------------------------------------------------------------------------------


@router.get("", response_model=Page[EventPublic])
def list_events(
    session: SessionDep, user: OptionalUser, paging: Paging, status: EventStatus | None = None
) -> Page[EventPublic]:
    rows, total = service.list_events(
        session, viewer=user, status=status, limit=paging.limit, offset=paging.offset
    )
    return Page(
        items=[event_public(e) for e in rows], total=total, limit=paging.limit, offset=paging.offset
    )


@router.post("", response_model=EventPublic, status_code=201)
def create_event(
    data: EventCreate, session: SessionDep, user: Organiser, response: Response
) -> EventPublic:
    event = service.create_event(session, actor=user, data=data)
    response.headers["Location"] = f"/api/v1/events/{event.id}"
    return event_public(event)


@router.get("/{event_id}", response_model=EventPublic)
def read_event(event_id: DbInt, session: SessionDep, user: OptionalUser) -> EventPublic:
    return event_public(service.get_event(session, event_id, viewer=user))


@router.patch("/{event_id}", response_model=EventPublic)
def update_event(
    event_id: DbInt, data: EventUpdate, session: SessionDep, user: Organiser
) -> EventPublic:
    return event_public(service.update_event(session, actor=user, event_id=event_id, data=data))


# ---- sessions -----------------------------------------------------------------------------


@router.get("/{event_id}/sessions", response_model=list[SessionPublic])
def list_sessions(event_id: DbInt, session: SessionDep, user: OptionalUser) -> list[SessionPublic]:
    event = service.get_event(session, event_id, viewer=user)
    return sessions_public(session, event)


@router.post("/{event_id}/sessions", response_model=SessionPublic, status_code=201)
def create_session(
    event_id: DbInt, data: SessionCreate, session: SessionDep, user: Organiser, response: Response
) -> SessionPublic:
    row = service.create_session(session, actor=user, event_id=event_id, data=data)
    response.headers["Location"] = f"/api/v1/events/{event_id}/sessions/{row.id}"
    return session_public(session, service.get_event(session, event_id, viewer=user), row)


@router.get("/{event_id}/sessions/{session_id}", response_model=SessionPublic)
def read_session(
    event_id: DbInt, session_id: DbInt, session: SessionDep, user: OptionalUser
) -> SessionPublic:
    event = service.get_event(session, event_id, viewer=user)
    row = service.get_session(session, event_id=event_id, session_id=session_id)
    return session_public(session, event, row)


@router.patch("/{event_id}/sessions/{session_id}", response_model=SessionPublic)
def update_session(
    event_id: DbInt, session_id: DbInt, data: SessionUpdate, session: SessionDep, user: Organiser
) -> SessionPublic:
    row = service.update_session(
        session, actor=user, event_id=event_id, session_id=session_id, data=data
    )
    return session_public(session, service.get_event(session, event_id, viewer=user), row)


@router.delete("/{event_id}/sessions/{session_id}", status_code=204)
def delete_session(
    event_id: DbInt, session_id: DbInt, session: SessionDep, user: Organiser
) -> None:
    service.delete_session(session, actor=user, event_id=event_id, session_id=session_id)


@router.get("/{event_id}/sessions/{session_id}/slots", response_model=list[SlotPublic])
def list_slots(
    event_id: DbInt, session_id: DbInt, session: SessionDep, user: OptionalUser
) -> list[SlotPublic]:
    event = service.get_event(session, event_id, viewer=user)
    service.get_session(session, event_id=event_id, session_id=session_id)
    zone = service.event_zone(event)
    return [
        SlotPublic(
            id=pk(s),
            number=s.number,
            starts_at=s.starts_at.astimezone(zone),
            ends_at=s.ends_at.astimezone(zone),
        )
        for s in service.list_slots(session, session_id=session_id)
    ]


@router.get("/{event_id}/sessions/{session_id}/tables", response_model=list[TablePublic])
def list_tables(
    event_id: DbInt, session_id: DbInt, session: SessionDep, user: OptionalUser
) -> list[TablePublic]:
    service.get_event(session, event_id, viewer=user)
    service.get_session(session, event_id=event_id, session_id=session_id)
    return [
        TablePublic.model_validate(t, from_attributes=True)
        for t in service.list_tables(session, session_id=session_id)
    ]


@router.post(
    "/{event_id}/sessions/{session_id}/tables", response_model=list[TablePublic], status_code=201
)
def create_tables(
    event_id: DbInt, session_id: DbInt, data: TableCreate, session: SessionDep, user: Organiser
) -> list[TablePublic]:
    tables = service.create_tables(
        session, actor=user, event_id=event_id, session_id=session_id, data=data
    )
    return [TablePublic.model_validate(t, from_attributes=True) for t in tables]


@router.patch("/{event_id}/sessions/{session_id}/tables/{table_id}", response_model=TablePublic)
def update_table(
    event_id: DbInt,
    session_id: DbInt,
    table_id: DbInt,
    data: TableUpdate,
    session: SessionDep,
    user: Organiser,
) -> TablePublic:
    table = service.update_table(
        session, actor=user, event_id=event_id, session_id=session_id, table_id=table_id, data=data
    )
    return TablePublic.model_validate(table, from_attributes=True)
