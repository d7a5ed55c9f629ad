"""JSON API for meeting requests, meetings and meeting settings: parse, call one service,
shape the output. Datetimes carry the event's offset."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query, Request, Response
from sqlmodel import Session

from app import pagecache
from app.auth.models import User
from app.db import one_thread
from app.deps import BearerToken, CurrentUser, OptionalUser, Organiser, SessionDep, signed_in
from app.events import service as events
from app.events.models import Event
from app.events.presenters import in_zone
from app.meetings import booking, commands, queries, readmodel, requests, rules
from app.meetings.models import Meeting, MeetingStatus, RequestStatus
from app.meetings.presenters import (
    meeting_public,
    request_public,
    schedule_hidden,
    slot_brief,
)
from app.meetings.schemas import (
    MeetingBook,
    MeetingCancel,
    MeetingConfirm,
    MeetingCreate,
    MeetingParticipantAdd,
    MeetingPublic,
    MeetingRequestCreate,
    MeetingRequestPublic,
    MeetingSettingsPublic,
    MeetingSettingsUpdate,
    MeetingUpdate,
    RequestBox,
    RequestDecline,
    SlotBrief,
)
from app.pagination import Page, PageParams, Paging
from app.registration import service as registration
from app.types import DbInt, pk, utcnow

router = APIRouter(prefix="/api/v1/events", tags=["meetings"])

REQUESTS = "/{event_id}/meeting-requests"
MEETINGS = "/{event_id}/meetings"


def _meeting_out(db: Session, event_id: DbInt, meeting: Meeting, viewer: User) -> MeetingPublic:
    event = db.get(Event, event_id)
    assert event is not None
    return meeting_public(db, event, meeting, viewer)


# ---- settings -----------------------------------------------------------------------------


def _settings_public(db: Session, view: rules.MeetingSettingsView) -> MeetingSettingsPublic:
    event = db.get(Event, view.event_id)
    assert event is not None
    return MeetingSettingsPublic(
        event_id=view.event_id,
        booking_mode=view.booking_mode,
        request_deadline=in_zone(view.request_deadline, events.event_zone(event)),
        default_meeting_cap=view.default_meeting_cap,
    )


@router.get("/{event_id}/meeting-settings", response_model=MeetingSettingsPublic)
def read_settings(
    event_id: DbInt, session: SessionDep, user: OptionalUser
) -> MeetingSettingsPublic:
    return _settings_public(session, rules.read_settings(session, viewer=user, event_id=event_id))


@router.put("/{event_id}/meeting-settings", response_model=MeetingSettingsPublic)
def update_settings(
    event_id: DbInt, data: MeetingSettingsUpdate, session: SessionDep, user: Organiser
) -> MeetingSettingsPublic:
    view = rules.update_settings(session, actor=user, event_id=event_id, data=data)
    return _settings_public(session, view)


# ---- requests -----------------------------------------------------------------------------


@router.get(REQUESTS, response_model=Page[MeetingRequestPublic])
def list_requests(
    event_id: DbInt,
    session: SessionDep,
    user: CurrentUser,
    paging: Paging,
    box: RequestBox = RequestBox.all,
    participant_id: DbInt | None = None,
    status: RequestStatus | None = None,
) -> Page[MeetingRequestPublic]:
    rows, total = requests.list_requests(
        session,
        viewer=user,
        event_id=event_id,
        box=box,
        participant_id=participant_id,
        status=status,
        limit=paging.limit,
        offset=paging.offset,
    )
    event = events.get_event(session, event_id, viewer=user)
    now = utcnow()
    deadline = rules.get_settings(session, event_id).answer_by
    loaded = readmodel.load_requests(session, rows)
    return Page(
        items=[
            request_public(session, event, r, now=now, deadline=deadline, loaded=loaded)
            for r in rows
        ],
        total=total,
        limit=paging.limit,
        offset=paging.offset,
    )


@router.post(REQUESTS, response_model=MeetingRequestPublic, status_code=201)
def create_request(
    event_id: DbInt,
    data: MeetingRequestCreate,
    session: SessionDep,
    user: CurrentUser,
    response: Response,
) -> MeetingRequestPublic:
    row = requests.create_request(session, actor=user, event_id=event_id, data=data)
    response.headers["Location"] = f"/api/v1/events/{event_id}/meeting-requests/{row.id}"
    return request_public(session, events.get_event(session, event_id, viewer=user), row)


@router.post(REQUESTS + "/{request_id}/accept", response_model=MeetingPublic, status_code=201)
def accept_request(
    event_id: DbInt, request_id: DbInt, session: SessionDep, user: CurrentUser, response: Response
) -> MeetingPublic:
    """Accept: returns the new meeting (book it next in self-service mode)."""
    meeting = requests.accept_request(session, actor=user, event_id=event_id, request_id=request_id)
    response.headers["Location"] = f"/api/v1/events/{event_id}/meetings/{meeting.id}"
    return _meeting_out(session, event_id, meeting, user)


@router.post(REQUESTS + "/{request_id}/decline", response_model=MeetingRequestPublic)
def decline_request(
    event_id: DbInt, request_id: DbInt, data: RequestDecline, session: SessionDep, user: CurrentUser
) -> MeetingRequestPublic:
    row = requests.decline_request(
        session, actor=user, event_id=event_id, request_id=request_id, reason=data.reason
    )
    return request_public(session, events.get_event(session, event_id, viewer=user), row)


@router.post(REQUESTS + "/{request_id}/cancel", response_model=MeetingRequestPublic)
def cancel_request(
    event_id: DbInt, request_id: DbInt, session: SessionDep, user: CurrentUser
) -> MeetingRequestPublic:
    row = requests.cancel_request(session, actor=user, event_id=event_id, request_id=request_id)
    return request_public(session, events.get_event(session, event_id, viewer=user), row)


# ---- meetings -----------------------------------------------------------------------------


@router.get(MEETINGS, response_model=Page[MeetingPublic])
async def list_meetings(
    event_id: DbInt,
    request: Request,
    session: SessionDep,
    token: BearerToken,
    paging: Paging,
    session_id: DbInt | None = None,
    status: MeetingStatus | None = None,
    participant_id: DbInt | None = None,
) -> Page[MeetingPublic] | Response:
    # a delegate's app polls this on the event day: all of it in one worker thread
    return await one_thread(
        session,
        lambda: _list_meetings(
            event_id, request, session, token, paging, session_id, status, participant_id
        ),
        reads_only=True,
    )


def _list_meetings(
    event_id: int,
    request: Request,
    session: Session,
    token: str | None,
    paging: PageParams,
    session_id: int | None,
    status: MeetingStatus | None,
    participant_id: int | None,
) -> Page[MeetingPublic] | Response:
    user = signed_in(request, session, token, event_id)
    # Held while the list is read: the service's own lookup of the event answers from memory.
    event = events.get_event(session, event_id, viewer=user)

    def build() -> Page[MeetingPublic]:
        rows, total = queries.list_meetings(
            session,
            viewer=user,
            event_id=event_id,
            session_id=session_id,
            status=status,
            participant_id=participant_id,
            limit=paging.limit,
            offset=paging.offset,
        )
        hidden = schedule_hidden(session, event, user)
        loaded = readmodel.load_meetings(session, rows)
        return Page(
            items=[
                meeting_public(session, event, m, user, hidden=hidden, loaded=loaded) for m in rows
            ],
            total=total,
            limit=paging.limit,
            offset=paging.offset,
        )

    own = _only_own(session, user, event, participant_id)
    if own is None:
        return build()
    # A delegate reading their own meetings (the app on their phone, every few seconds):
    # answered again while nothing of theirs changed, as "My meetings" is.
    return pagecache.private_json(
        request,
        reader=(pk(user), own),
        stamp=queries.agenda_stamp(session, event=event, participant_id=own),
        build=lambda: build().model_dump_json().encode(),
    )


def _only_own(session: Session, user: User, event: Event, participant_id: int | None) -> int | None:
    """The viewer's own registration when they read only their own meetings (not an
    organiser, not for someone else); else None."""
    if events.can_manage(session, user, event):
        return None
    own = registration.participant_for_user(session, event_id=pk(event), user=user)
    if own is None or participant_id not in (None, own.id):
        return None
    return pk(own)


@router.post(MEETINGS, response_model=MeetingPublic, status_code=201)
def create_meeting(
    event_id: DbInt, data: MeetingCreate, session: SessionDep, user: Organiser, response: Response
) -> MeetingPublic:
    meeting = commands.create_meeting(session, actor=user, event_id=event_id, data=data)
    response.headers["Location"] = f"/api/v1/events/{event_id}/meetings/{meeting.id}"
    return _meeting_out(session, event_id, meeting, user)


@router.get(MEETINGS + "/{meeting_id}", response_model=MeetingPublic)
def read_meeting(
    event_id: DbInt, meeting_id: DbInt, session: SessionDep, user: CurrentUser
) -> MeetingPublic:
    meeting = queries.get_meeting(session, viewer=user, event_id=event_id, meeting_id=meeting_id)
    return _meeting_out(session, event_id, meeting, user)


@router.patch(MEETINGS + "/{meeting_id}", response_model=MeetingPublic)
def update_meeting(
    event_id: DbInt, meeting_id: DbInt, data: MeetingUpdate, session: SessionDep, user: Organiser
) -> MeetingPublic:
    meeting = commands.update_meeting(
        session, actor=user, event_id=event_id, meeting_id=meeting_id, data=data
    )
    return _meeting_out(session, event_id, meeting, user)


@router.post(MEETINGS + "/{meeting_id}/book", response_model=MeetingPublic)
async def book_meeting(
    event_id: DbInt,
    meeting_id: DbInt,
    request: Request,
    session: SessionDep,
    token: BearerToken,
    data: Annotated[MeetingBook | None, Body()] = None,
) -> MeetingPublic:
    wanted = data or MeetingBook()

    def book() -> MeetingPublic:  # a crowd books at once: all of it in one worker thread
        user = signed_in(request, session, token, event_id)
        meeting = commands.book_meeting(
            session,
            actor=user,
            event_id=event_id,
            meeting_id=meeting_id,
            slot_id=wanted.slot_id,
            revision=wanted.revision,
        )
        return _meeting_out(session, event_id, meeting, user)

    return await one_thread(session, book)


@router.get(MEETINGS + "/{meeting_id}/free-slots", response_model=list[SlotBrief])
def free_slots(
    event_id: DbInt, meeting_id: DbInt, session: SessionDep, user: CurrentUser
) -> list[SlotBrief]:
    slots = booking.free_slots(session, viewer=user, event_id=event_id, meeting_id=meeting_id)
    event = events.get_event(session, event_id, viewer=user)
    zone = events.event_zone(event)
    return [slot_brief(s, zone) for s in slots]


@router.post(MEETINGS + "/{meeting_id}/participants", response_model=MeetingPublic, status_code=201)
def add_participant(
    event_id: DbInt,
    meeting_id: DbInt,
    data: MeetingParticipantAdd,
    session: SessionDep,
    user: CurrentUser,
) -> MeetingPublic:
    meeting = commands.add_participant(
        session,
        actor=user,
        event_id=event_id,
        meeting_id=meeting_id,
        participant_id=data.participant_id,
        role=data.role,
        revision=data.revision,
    )
    return _meeting_out(session, event_id, meeting, user)


@router.delete(
    MEETINGS + "/{meeting_id}/participants/{participant_id}", response_model=MeetingPublic
)
def remove_participant(
    event_id: DbInt,
    meeting_id: DbInt,
    participant_id: DbInt,
    session: SessionDep,
    user: CurrentUser,
    revision: Annotated[int | None, Query(ge=1)] = None,
) -> MeetingPublic:
    meeting = commands.remove_participant(
        session,
        actor=user,
        event_id=event_id,
        meeting_id=meeting_id,
        participant_id=participant_id,
        revision=revision,
    )
    return _meeting_out(session, event_id, meeting, user)


@router.post(MEETINGS + "/{meeting_id}/cancel", response_model=MeetingPublic)
def cancel_meeting(
    event_id: DbInt, meeting_id: DbInt, data: MeetingCancel, session: SessionDep, user: CurrentUser
) -> MeetingPublic:
    meeting = commands.cancel_meeting(
        session,
        actor=user,
        event_id=event_id,
        meeting_id=meeting_id,
        reason=data.reason,
        revision=data.revision,
    )
    return _meeting_out(session, event_id, meeting, user)


@router.post(MEETINGS + "/{meeting_id}/confirm", response_model=MeetingPublic)
def confirm_meeting(
    event_id: DbInt,
    meeting_id: DbInt,
    session: SessionDep,
    user: CurrentUser,
    data: Annotated[MeetingConfirm | None, Body()] = None,
) -> MeetingPublic:
    meeting = commands.confirm_meeting(
        session,
        actor=user,
        event_id=event_id,
        meeting_id=meeting_id,
        revision=data.revision if data else None,
    )
    return _meeting_out(session, event_id, meeting, user)
