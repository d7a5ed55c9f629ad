"""The rules for meeting requests, meetings and booking. Services flush, never commit.

Functions for the pages and other modules (all keyword arguments after the session; the
``actor``/``viewer`` is the logged-in ``User``; errors are app.errors domain errors):

Settings
    ``get_settings(session, event_id)`` → ``MeetingSettingsView`` (defaults when no row);
    ``read_settings(session, viewer=, event_id=)``; ``update_settings(session, actor=,
    event_id=, data=MeetingSettingsUpdate)``.
Requests
    ``create_request(session, actor=, event_id=, data=MeetingRequestCreate)``;
    ``accept_request(...request_id=)`` → the new ``Meeting``; ``decline_request(...,
    reason=)``; ``cancel_request(...)``; ``list_requests(session, viewer=, event_id=, box=,
    participant_id=, status=, limit=, offset=)`` → (rows, total); ``get_request(...)``;
    ``request_status(session, request)`` (expiry computed lazily); ``expire_requests(session,
    event_id, now)`` marks them (a periodic job or the organiser's page may call it).
Meetings
    ``create_meeting`` (organisers), ``get_meeting``, ``list_meetings``, ``update_meeting``
    (organisers: move, lock, priority, cancel, confirm; optimistic ``revision``),
    ``book_meeting`` (a party in self-service mode, or an organiser; slot optional: the
    earliest common free slot), ``cancel_meeting``, ``confirm_meeting``,
    ``add_participant``, ``remove_participant``; ``free_slots`` (with permission check) and
    ``common_free_slots(session, meeting_id)``; ``meeting_people``; ``interpreter_need``.
Read helpers without permission checks (the caller has checked): ``participant_agenda``
    (a person's active meetings in time order) and ``session_grid`` ((slot id, table id) →
    meeting) for the organiser's grid.
Lower level, for the scheduler: ``place_meeting(session, actor=, meeting=, slot_id=,
    table_id=)`` moves or unschedules one meeting with all the rules of ``_place``;
    ``apply_placements(session, actor=, event=, moves=, notify=)`` applies a whole schedule.
On the day: ``set_attendance(session, actor=, meeting=, status=held|no_show, absent_ids=)``
    (no permission check; app.outcomes checks) records who came.

Every change of a meeting bumps ``revision`` through a compare-and-set UPDATE (a stale
revision is a 409 naming ``revision``), writes an audit entry with the changed fields, and
queues e-mails through app.notifications.service.enqueue. Booking writes the meeting, its
seats and the quota counters inside a SAVEPOINT: when the database refuses (a clash with a
concurrent booking), the savepoint is rolled back and the caller gets a ``Conflict`` naming
``slot_id`` (a person is busy), ``table_id`` (the table is taken) or ``meeting_cap``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, false, func, insert, or_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.audit.service import diff, record
from app.auth.models import User
from app.errors import Conflict, FieldError, Forbidden, Invalid, NotFound, _l
from app.events import service as events
from app.events.models import (
    BookingMode,
    Event,
    EventSession,
    EventStatus,
    EventUpdate,
    MeetingTable,
    SessionKind,
    Slot,
)
from app.i18n.words import status_word
from app.matchmaking.models import Profile
from app.meetings.models import (
    ACTIVE_STATUSES,
    Meeting,
    MeetingOrigin,
    MeetingParticipant,
    MeetingQuota,
    MeetingRequest,
    MeetingRole,
    MeetingSeat,
    MeetingSettings,
    MeetingStatus,
    RequestStatus,
    party_key,
)
from app.meetings.schemas import (
    MeetingCreate,
    MeetingRequestCreate,
    MeetingSettingsUpdate,
    MeetingUpdate,
    RequestBox,
)
from app.notifications.models import Outbox
from app.notifications.service import enqueue
from app.registration import service as registration
from app.registration.models import ApprovalStatus, Participant, ParticipantRole, Unavailability
from app.types import pk, utcnow

_ACTIVE = [s.value for s in ACTIVE_STATUSES]
_OPEN = (MeetingStatus.proposed.value, MeetingStatus.confirmed.value)  # still changeable

# ---- settings -----------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingSettingsView:
    event_id: int
    booking_mode: BookingMode
    request_deadline: datetime | None
    default_meeting_cap: int
    # When pending requests stop being answerable: the organiser's deadline, or else the
    # end of the event's last day (a request nobody answered before the event is over is
    # expired, not something to accept afterwards).
    answer_by: datetime


def get_settings(session: Session, event_id: int) -> MeetingSettingsView:
    """The event's meeting rules. The booking mode and the default cap are the event's own
    columns (the event form edits them too: one source of truth); the request deadline lives
    in ``meeting_settings`` and is None when no row exists."""
    event = session.get(Event, event_id)
    if event is None:
        raise NotFound("Event", event_id)
    row = session.get(MeetingSettings, event_id)
    deadline = row.request_deadline if row else None
    return MeetingSettingsView(
        event_id=event_id,
        booking_mode=BookingMode(event.booking_mode),
        request_deadline=deadline,
        default_meeting_cap=event.meeting_cap,
        answer_by=deadline or _event_over_at(event),
    )


def requests_closed(session: Session, event_id: int) -> Conflict | None:
    """Why no meeting request can be sent now (the organisers' deadline passed, or the event
    is over), as the error to raise; None while requests are open."""
    rules = get_settings(session, event_id)
    now = utcnow()
    if rules.request_deadline is not None and now >= rules.request_deadline:
        return Conflict(
            "the deadline for meeting requests has passed",
            [FieldError("request_deadline", "passed")],
        )
    if now >= rules.answer_by:
        return Conflict(
            "this event is over: meeting requests can no longer be sent",
            [FieldError("event_id", "the event is over")],
        )
    return None


def _event_over_at(event: Event) -> datetime:
    """Midnight after the event's last day, in its time zone, as UTC."""
    zone = events.event_zone(event)
    end = datetime.combine(event.end_date + timedelta(days=1), time(0, 0), tzinfo=zone)
    return end.astimezone(UTC)


def read_settings(session: Session, *, viewer: User | None, event_id: int) -> MeetingSettingsView:
    events.get_event(session, event_id, viewer=viewer)
    return get_settings(session, event_id)


def update_settings(
    session: Session, *, actor: User, event_id: int, data: MeetingSettingsUpdate
) -> MeetingSettingsView:
    event = events.managed_event(session, actor, event_id)
    fields = data.model_fields_set
    event_values: dict[str, Any] = {}
    if "booking_mode" in fields and data.booking_mode is not None:
        event_values["booking_mode"] = data.booking_mode
    if "default_meeting_cap" in fields and data.default_meeting_cap is not None:
        event_values["meeting_cap"] = data.default_meeting_cap
    if event_values:
        # Through the events service, so that its rules and audit entry apply.
        events.update_event(
            session, actor=actor, event_id=event_id, data=EventUpdate(**event_values)
        )
    if "request_deadline" in fields:
        deadline = data.request_deadline
        if deadline is not None:
            deadline = events.as_aware(deadline, events.event_zone(event))
        row = session.get(MeetingSettings, event_id)
        before = row.request_deadline if row else None
        if row is None:
            row = MeetingSettings(event_id=event_id)
        if before != deadline:
            row.request_deadline = deadline
            row.updated_at = utcnow()
            session.add(row)
            record(
                session,
                actor_id=actor.id,
                action="meeting_settings.update",
                entity="meeting_settings",
                entity_id=event_id,
                event_id=event_id,
                changes=diff({"request_deadline": before}, {"request_deadline": deadline}),
            )
    session.flush()
    return get_settings(session, event_id)


# ---- helpers ------------------------------------------------------------------------------


def _approved(session: Session, event_id: int, participant_id: int, field: str) -> Participant:
    row = session.get(Participant, participant_id)
    if row is None or row.event_id != event_id or row.status != ApprovalStatus.approved.value:
        raise Invalid(
            field,
            _l(
                "no approved participant {participant_id} at this event",
                participant_id=participant_id,
            ),
        )
    return row


def _own_participant(session: Session, user: User, event: Event) -> Participant:
    own = registration.participant_for_user(session, event_id=pk(event), user=user)
    if own is None:
        raise Forbidden("You are not registered for this event")
    return own


def _people_names(participants: Iterable[Participant]) -> str:
    return ", ".join(p.full_name for p in participants)


def _slot_label(slot: Slot, event: Event) -> str:
    local = slot.starts_at.astimezone(events.event_zone(event))
    return _l("slot {number} ({time})", number=slot.number, time=f"{local:%H:%M}")


def _cursor(result: Any) -> CursorResult[Any]:
    return cast(CursorResult[Any], result)


# ---- requests -----------------------------------------------------------------------------


def _pair_key(a: int, b: int) -> str:
    low, high = sorted((a, b))
    return f"{low}:{high}"


def request_status(
    session: Session, request: MeetingRequest, *, now: datetime | None = None
) -> RequestStatus:
    """The status users see: a pending request past the event's deadline is expired, whether
    or not ``expire_requests`` has marked it yet."""
    deadline = get_settings(session, request.event_id).answer_by
    return effective_status(request, deadline, now or utcnow())


def effective_status(
    request: MeetingRequest, deadline: datetime | None, now: datetime
) -> RequestStatus:
    status = RequestStatus(request.status)
    if status == RequestStatus.pending and deadline is not None and now >= deadline:
        return RequestStatus.expired
    return status


def expire_requests(session: Session, event_id: int, now: datetime | None = None) -> int:
    """Mark the event's pending requests past the deadline as expired; returns how many."""
    now = now or utcnow()
    deadline = get_settings(session, event_id).answer_by
    if now < deadline:
        return 0
    result = _cursor(
        session.execute(
            update(MeetingRequest)
            .where(
                col(MeetingRequest.event_id) == event_id,
                col(MeetingRequest.status) == RequestStatus.pending.value,
            )
            .values(status=RequestStatus.expired.value, responded_at=now)
            .execution_options(synchronize_session="fetch")
        )
    )
    count = int(result.rowcount or 0)
    if count:
        record(
            session,
            actor_id=None,
            action="meeting_request.expire",
            entity="event",
            entity_id=event_id,
            event_id=event_id,
            changes={"expired": [0, count], "deadline": [None, deadline]},
        )
    session.flush()
    return count


def _active_meeting_between(session: Session, a: int, b: int) -> Meeting | None:
    mine = select(MeetingParticipant.meeting_id).where(
        MeetingParticipant.participant_id == a, MeetingParticipant.role == MeetingRole.party.value
    )
    theirs = select(MeetingParticipant.meeting_id).where(
        MeetingParticipant.participant_id == b, MeetingParticipant.role == MeetingRole.party.value
    )
    return session.exec(
        select(Meeting).where(
            col(Meeting.id).in_(mine),
            col(Meeting.id).in_(theirs),
            col(Meeting.status).in_(_ACTIVE),
        )
    ).first()


def _check_event_running(event: Event) -> None:
    if event.status == EventStatus.closed.value:
        raise Conflict(
            "this event is closed: meetings can no longer change",
            [FieldError("event_id", "the event is closed")],
        )


def create_request(
    session: Session, *, actor: User, event_id: int, data: MeetingRequestCreate
) -> MeetingRequest:
    event = events.get_event(session, event_id, viewer=actor)
    organiser = events.can_manage(session, actor, event)
    if data.requester_id is None:
        if (
            organiser
            and registration.participant_for_user(session, event_id=event_id, user=actor) is None
        ):
            raise Invalid("requester_id", "name the participant on whose behalf you ask")
        requester = _own_participant(session, actor, event)
    else:
        requester = _approved(session, event_id, data.requester_id, "requester_id")
        registration.require_act_for(session, actor, event, requester)
    _check_event_running(event)
    if requester.status != ApprovalStatus.approved.value:
        raise Conflict(
            "your registration has not been approved yet; you can ask for meetings once it is",
            [FieldError("requester_id", "registration not approved yet")],
        )
    recipient = _approved(session, event_id, data.recipient_id, "recipient_id")
    if recipient.id == requester.id:
        raise Invalid("recipient_id", "you cannot ask yourself for a meeting")
    closed = requests_closed(session, event_id)
    if closed is not None:
        raise closed
    if data.profile_ids:
        found = session.exec(
            select(Profile.id).where(
                col(Profile.id).in_(data.profile_ids),
                Profile.event_id == event_id,
                col(Profile.participant_id).in_([pk(requester), pk(recipient)]),
            )
        ).all()
        unknown = sorted(set(data.profile_ids) - {int(i) for i in found if i is not None})
        if unknown:
            raise Invalid(
                "profile_ids",
                _l("not offers or requests of these two participants: {unknown}", unknown=unknown),
            )
    key = _pair_key(pk(requester), pk(recipient))
    pending = session.exec(
        select(MeetingRequest).where(
            MeetingRequest.event_id == event_id,
            MeetingRequest.pair_key == key,
            MeetingRequest.status == RequestStatus.pending.value,
        )
    ).first()
    if pending is not None:
        raise _duplicate_request(pending, requester)
    existing = _active_meeting_between(session, pk(requester), pk(recipient))
    if existing is not None:
        raise Conflict(
            _l(
                "{requester_full_name} and {recipient_full_name} already have a meeting",
                requester_full_name=requester.full_name,
                recipient_full_name=recipient.full_name,
            ),
            [FieldError("recipient_id", _l("they already have a meeting together"))],
        )
    row = MeetingRequest(
        event_id=event_id,
        requester_id=pk(requester),
        recipient_id=pk(recipient),
        pair_key=key,
        message=data.message,
        profile_ids=data.profile_ids,
        created_by_id=actor.id,
    )
    _sqlite_write_lock(session)
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError as exc:
        # A twin request committed between the check above and this insert.
        raise Conflict(
            "a request between these two people is already pending",
            [FieldError("recipient_id", "a request is already pending")],
        ) from exc
    record(
        session,
        actor_id=actor.id,
        action="meeting_request.create",
        entity="meeting_request",
        entity_id=row.id,
        event_id=event_id,
        changes=diff(
            {},
            {
                "requester_id": row.requester_id,
                "recipient_id": row.recipient_id,
                "message": row.message,
                "profile_ids": row.profile_ids,
            },
        ),
    )
    org, _country = registration.organisation_display(session, requester)
    enqueue(
        session,
        kind="request_received",
        to_participant=recipient,
        event=event,
        request_id=row.id,
        context={
            "counterpart": requester.full_name,
            "counterpart_org": org,
            "message": row.message,
        },
    )
    session.flush()
    return row


def _duplicate_request(pending: MeetingRequest, requester: Participant) -> Conflict:
    if pending.requester_id == requester.id:
        return Conflict(
            "you have already asked this person; wait for their answer",
            [
                FieldError(
                    "recipient_id", _l("a request to this person is already waiting for an answer")
                )
            ],
        )
    return Conflict(
        "this person has already asked you for a meeting: accept their request instead",
        [FieldError("recipient_id", _l("this person's request to you is waiting for your answer"))],
    )


def _load_request(
    session: Session, *, viewer: User | None, event_id: int, request_id: int
) -> tuple[Event, MeetingRequest]:
    event = events.get_event(session, event_id, viewer=viewer)
    row = session.get(MeetingRequest, request_id)
    if row is None or row.event_id != event_id:
        raise NotFound("Meeting request", request_id)
    return event, row


def get_request(
    session: Session, *, viewer: User, event_id: int, request_id: int
) -> MeetingRequest:
    event, row = _load_request(session, viewer=viewer, event_id=event_id, request_id=request_id)
    people = [
        session.get(Participant, row.requester_id),
        session.get(Participant, row.recipient_id),
    ]
    if not any(
        p is not None and registration.can_act_for(session, viewer, event, p) for p in people
    ):
        raise Forbidden("Only the two people concerned and the organisers can see this request")
    return row


def _respondable(session: Session, request: MeetingRequest, *, verb: str, now: datetime) -> None:
    status = request_status(session, request, now=now)
    if status != RequestStatus.pending:
        raise Conflict(
            _l(
                "this request is {status} and can no longer be {verb}",
                status=status_word(status),
                verb=verb,
            ),
            [FieldError("status", status.value)],
        )


def _answer(
    session: Session,
    request: MeetingRequest,
    *,
    to: RequestStatus,
    verb: str,
    now: datetime,
    decline_reason: str = "",
) -> None:
    """Move a pending request to ``to`` with a compare-and-set UPDATE: of concurrent
    answers (accept, decline, withdraw) exactly one finds it still pending; the others get a
    409 naming ``status`` and queue nothing. On PostgreSQL the UPDATE waits for a concurrent
    one on the same row and then re-reads its status."""
    values: dict[str, Any] = {"status": to.value, "responded_at": now}
    if to == RequestStatus.declined:
        values["decline_reason"] = decline_reason
    result = _cursor(
        session.execute(
            update(MeetingRequest)
            .where(
                col(MeetingRequest.id) == request.id,
                col(MeetingRequest.status) == RequestStatus.pending.value,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    )
    session.refresh(request)
    if result.rowcount != 1:
        raise Conflict(
            _l(
                "this request is {status} and can no longer be {verb}",
                status=status_word(request.status),
                verb=verb,
            ),
            [FieldError("status", request.status)],
        )


def _meeting_of_parties(session: Session, event_id: int, key: str) -> Meeting | None:
    return session.exec(
        select(Meeting).where(
            Meeting.event_id == event_id,
            Meeting.party_key == key,
            Meeting.status != MeetingStatus.cancelled.value,
        )
    ).first()


def _insert_meeting(session: Session, meeting: Meeting, *, field: str) -> None:
    """Insert a new meeting; the partial unique index on ``party_key`` refuses a second
    active meeting of the same parties (a concurrent twin included): a 409 naming ``field``
    and the meeting they already have."""
    _sqlite_write_lock(session)
    try:
        with session.begin_nested():
            session.add(meeting)
            session.flush()
    except IntegrityError as exc:
        existing = _meeting_of_parties(session, meeting.event_id, meeting.party_key or "")
        if existing is None:
            raise
        raise Conflict(
            _l("these people already have a meeting together"),
            [FieldError(field, _l("they already have a meeting together"))],
        ) from exc


def accept_request(session: Session, *, actor: User, event_id: int, request_id: int) -> Meeting:
    """The recipient (or their delegation head, or an organiser) accepts: the request becomes
    an unscheduled, confirmed meeting between the two (the scheduler places it, or in
    self-service mode the two book a common free slot)."""
    event, req = _load_request(session, viewer=actor, event_id=event_id, request_id=request_id)
    recipient = session.get(Participant, req.recipient_id)
    requester = session.get(Participant, req.requester_id)
    assert recipient is not None  # foreign keys
    assert requester is not None
    if not registration.can_act_for(session, actor, event, recipient):
        raise Forbidden("Only the person asked (or their delegation head) can accept")
    _check_event_running(event)
    now = utcnow()
    _respondable(session, req, verb="accepted", now=now)
    existing = _active_meeting_between(session, pk(requester), pk(recipient))
    if existing is not None:
        raise Conflict(
            _l(
                "{requester_full_name} and {recipient_full_name} already have a meeting",
                requester_full_name=requester.full_name,
                recipient_full_name=recipient.full_name,
            ),
            [FieldError("request_id", _l("they already have a meeting together"))],
        )
    _answer(session, req, to=RequestStatus.accepted, verb="accepted", now=now)
    meeting = Meeting(
        event_id=event_id,
        session_id=_default_session_id(session, event_id),
        status=MeetingStatus.confirmed.value,
        origin=MeetingOrigin.request.value,
        request_id=req.id,
        party_key=party_key([req.requester_id, req.recipient_id]),
        created_by_id=actor.id,
    )
    _insert_meeting(session, meeting, field="request_id")
    session.add_all(
        MeetingParticipant(
            meeting_id=pk(meeting),
            participant_id=pid,
            role=MeetingRole.party.value,
            confirmed_at=now,
        )
        for pid in (req.requester_id, req.recipient_id)
    )
    record(
        session,
        actor_id=actor.id,
        action="meeting_request.accept",
        entity="meeting_request",
        entity_id=req.id,
        event_id=event_id,
        changes={"status": ["pending", "accepted"], "meeting_id": [None, meeting.id]},
    )
    _record_meeting_created(session, actor, meeting, [req.requester_id, req.recipient_id])
    org, _country = registration.organisation_display(session, recipient)
    enqueue(
        session,
        kind="request_accepted",
        to_participant=requester,
        event=event,
        request_id=req.id,
        meeting_id=meeting.id,
        context={
            "counterpart": recipient.full_name,
            "counterpart_org": org,
            "self_booking": event.booking_mode == BookingMode.self_service.value,
        },
    )
    session.flush()
    return meeting


REASON_MAX = 1000  # the columns' length (decline_reason, cancelled_reason)


def _reason(text: str, empty: str) -> str:
    """A reason people will read: required, and no longer than its column holds."""
    reason = text.strip()
    if not reason:
        raise Invalid("reason", empty)
    if len(reason) > REASON_MAX:
        raise Invalid("reason", "at most 1000 characters")
    return reason


def decline_request(
    session: Session, *, actor: User, event_id: int, request_id: int, reason: str
) -> MeetingRequest:
    event, req = _load_request(session, viewer=actor, event_id=event_id, request_id=request_id)
    recipient = session.get(Participant, req.recipient_id)
    requester = session.get(Participant, req.requester_id)
    assert recipient is not None
    assert requester is not None
    if not registration.can_act_for(session, actor, event, recipient):
        raise Forbidden("Only the person asked (or their delegation head) can decline")
    reason = _reason(reason, "give a reason; the person who asked will read it")
    now = utcnow()
    _respondable(session, req, verb="declined", now=now)
    _answer(
        session, req, to=RequestStatus.declined, verb="declined", now=now, decline_reason=reason
    )
    record(
        session,
        actor_id=actor.id,
        action="meeting_request.decline",
        entity="meeting_request",
        entity_id=req.id,
        event_id=event_id,
        changes={"status": ["pending", "declined"], "decline_reason": ["", req.decline_reason]},
    )
    enqueue(
        session,
        kind="request_declined",
        to_participant=requester,
        event=event,
        request_id=req.id,
        context={"counterpart": recipient.full_name, "reason": req.decline_reason},
    )
    session.flush()
    return req


def cancel_request(
    session: Session, *, actor: User, event_id: int, request_id: int
) -> MeetingRequest:
    """The requester withdraws a pending request."""
    event, req = _load_request(session, viewer=actor, event_id=event_id, request_id=request_id)
    requester = session.get(Participant, req.requester_id)
    assert requester is not None
    if not registration.can_act_for(session, actor, event, requester):
        raise Forbidden("Only the person who asked (or their delegation head) can withdraw it")
    now = utcnow()
    _respondable(session, req, verb="cancelled", now=now)
    _answer(session, req, to=RequestStatus.cancelled, verb="cancelled", now=now)
    record(
        session,
        actor_id=actor.id,
        action="meeting_request.cancel",
        entity="meeting_request",
        entity_id=req.id,
        event_id=event_id,
        changes={"status": ["pending", "cancelled"]},
    )
    session.flush()
    return req


def list_requests(
    session: Session,
    *,
    viewer: User,
    event_id: int,
    box: RequestBox = RequestBox.all,
    participant_id: int | None = None,
    status: RequestStatus | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[MeetingRequest], int]:
    """A participant's inbox/outbox (their own, or a member's for a delegation head); all of
    the event's requests for its organisers when no participant is named."""
    event = events.get_event(session, event_id, viewer=viewer)
    person: Participant | None
    if participant_id is not None:
        person = registration.get_participant(
            session, event_id=event_id, participant_id=participant_id
        )
        registration.require_act_for(session, viewer, event, person)
    elif events.can_manage(session, viewer, event):
        person = None
    else:
        person = _own_participant(session, viewer, event)
    query = select(MeetingRequest).where(MeetingRequest.event_id == event_id)
    if person is not None:
        me = pk(person)
        if box == RequestBox.inbox:
            query = query.where(MeetingRequest.recipient_id == me)
        elif box == RequestBox.outbox:
            query = query.where(MeetingRequest.requester_id == me)
        else:
            query = query.where(
                or_(col(MeetingRequest.recipient_id) == me, col(MeetingRequest.requester_id) == me)
            )
    if status is not None:
        passed = utcnow() >= get_settings(session, event_id).answer_by
        # Expiry is computed on read: past the deadline, pending ones are shown as expired.
        if status == RequestStatus.pending:
            query = query.where(false() if passed else col(MeetingRequest.status) == status.value)
        elif status == RequestStatus.expired and passed:
            query = query.where(
                col(MeetingRequest.status).in_([status.value, RequestStatus.pending.value])
            )
        else:
            query = query.where(MeetingRequest.status == status.value)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(col(MeetingRequest.created_at).desc(), col(MeetingRequest.id).desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return list(rows), int(total)


def meeting_for_request(session: Session, request_id: int) -> Meeting | None:
    return session.exec(select(Meeting).where(Meeting.request_id == request_id)).first()


# ---- meetings: reading --------------------------------------------------------------------


def _default_session_id(session: Session, event_id: int) -> int | None:
    """The event's matchmaking session when it has exactly one; else the scheduler decides."""
    ids = session.exec(
        select(EventSession.id).where(
            EventSession.event_id == event_id,
            EventSession.kind == SessionKind.matchmaking.value,
        )
    ).all()
    return ids[0] if len(ids) == 1 else None


def meeting_people(session: Session, meeting_id: int) -> list[MeetingParticipant]:
    """The meeting's people: parties first, then interpreters and colleagues."""
    rows = session.exec(
        select(MeetingParticipant)
        .where(MeetingParticipant.meeting_id == meeting_id)
        .order_by(col(MeetingParticipant.added_at), col(MeetingParticipant.participant_id))
    ).all()
    order = {MeetingRole.party.value: 0, MeetingRole.interpreter.value: 1}
    return sorted(rows, key=lambda r: order.get(r.role, 2))


def _participants(session: Session, ids: Sequence[int]) -> dict[int, Participant]:
    if not ids:
        return {}
    rows = session.exec(select(Participant).where(col(Participant.id).in_(list(ids)))).all()
    return {pk(p): p for p in rows}


@dataclass(frozen=True)
class InterpreterNeed:
    needed: bool
    languages: list[str]  # the parties' languages, when they share none
    provided: bool


def interpreter_need(
    people: Sequence[MeetingParticipant], participants: dict[int, Participant]
) -> InterpreterNeed:
    """The parties need an interpreter when every party listed languages and no language is
    common to all of them; an interpreter in the meeting provides it."""
    party_langs = [
        {code.lower() for code in participants[p.participant_id].languages or []}
        for p in people
        if p.role == MeetingRole.party.value and p.participant_id in participants
    ]
    provided = any(p.role == MeetingRole.interpreter.value for p in people)
    if len(party_langs) < 2 or not all(party_langs):
        return InterpreterNeed(False, [], provided)
    if set.intersection(*party_langs):
        return InterpreterNeed(False, [], provided)
    languages = sorted(set.union(*party_langs), key=lambda c: (c != "vi", c))
    return InterpreterNeed(True, languages, provided)


def _load_meeting(
    session: Session, *, viewer: User | None, event_id: int, meeting_id: int
) -> tuple[Event, Meeting, list[MeetingParticipant]]:
    event = events.get_event(session, event_id, viewer=viewer)
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.event_id != event_id:
        raise NotFound("Meeting", meeting_id)
    return event, meeting, meeting_people(session, meeting_id)


def _acts_for_any(
    session: Session,
    user: User | None,
    event: Event,
    people: Sequence[MeetingParticipant],
    *,
    parties_only: bool,
) -> bool:
    ids = [p.participant_id for p in people if not parties_only or p.role == "party"]
    return any(
        registration.can_act_for(session, user, event, person)
        for person in _participants(session, ids).values()
    )


def get_meeting(session: Session, *, viewer: User, event_id: int, meeting_id: int) -> Meeting:
    """The people of the meeting, their delegation heads and the organisers may read it."""
    event, meeting, people = _load_meeting(
        session, viewer=viewer, event_id=event_id, meeting_id=meeting_id
    )
    if not _acts_for_any(session, viewer, event, people, parties_only=False):
        raise Forbidden("Only the people of this meeting and the organisers can see it")
    return meeting


def _meetings_of(participant_id: int) -> Any:
    return select(MeetingParticipant.meeting_id).where(
        MeetingParticipant.participant_id == participant_id
    )


def _time_order(query: Any) -> Any:
    # Booked meetings in time order, then the unscheduled ones.
    return query.outerjoin(Slot, col(Slot.id) == col(Meeting.slot_id)).order_by(
        col(Slot.starts_at).is_(None), col(Slot.starts_at), col(Meeting.id)
    )


def list_meetings(
    session: Session,
    *,
    viewer: User,
    event_id: int,
    session_id: int | None = None,
    status: MeetingStatus | None = None,
    participant_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Meeting], int]:
    """Organisers see every meeting; others see the meetings of the person they act for
    (``participant_id``, default their own registration)."""
    event = events.get_event(session, event_id, viewer=viewer)
    query = select(Meeting).where(Meeting.event_id == event_id)
    if participant_id is not None:
        person = registration.get_participant(
            session, event_id=event_id, participant_id=participant_id
        )
        registration.require_act_for(session, viewer, event, person)
        query = query.where(col(Meeting.id).in_(_meetings_of(participant_id)))
    elif not events.can_manage(session, viewer, event):
        own = _own_participant(session, viewer, event)
        query = query.where(col(Meeting.id).in_(_meetings_of(pk(own))))
    if session_id is not None:
        query = query.where(Meeting.session_id == session_id)
    if status is not None:
        query = query.where(Meeting.status == status.value)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(_time_order(query).limit(limit).offset(offset)).all()
    return list(rows), int(total)


def participant_agenda(session: Session, *, event_id: int, participant_id: int) -> list[Meeting]:
    """A person's active meetings in time order (unscheduled last). No permission check."""
    query = select(Meeting).where(
        Meeting.event_id == event_id,
        col(Meeting.status).in_(_ACTIVE),
        col(Meeting.id).in_(_meetings_of(participant_id)),
    )
    return list(session.exec(_time_order(query)).all())


def session_grid(session: Session, *, session_id: int) -> dict[tuple[int, int], Meeting]:
    """(slot id, table id) → the meeting there, for the organiser's grid. No permission check."""
    rows = session.exec(
        select(Meeting).where(
            Meeting.session_id == session_id,
            col(Meeting.slot_id).is_not(None),
            col(Meeting.status).in_(_ACTIVE),
        )
    ).all()
    return {(int(m.slot_id or 0), int(m.table_id or 0)): m for m in rows}


# ---- booking core -------------------------------------------------------------------------


def _event_slots(session: Session, event_id: int, session_id: int | None) -> list[Slot]:
    query = (
        select(Slot)
        .join(EventSession, col(EventSession.id) == col(Slot.session_id))
        .where(
            EventSession.event_id == event_id,
            EventSession.kind == SessionKind.matchmaking.value,
        )
    )
    if session_id is not None:
        query = query.where(Slot.session_id == session_id)
    return list(session.exec(query.order_by(col(Slot.starts_at), col(Slot.number))).all())


def _slot_of_event(session: Session, event_id: int, slot_id: int) -> Slot:
    slot = session.get(Slot, slot_id)
    row = session.get(EventSession, slot.session_id) if slot else None
    if slot is None or row is None or row.event_id != event_id:
        raise Invalid("slot_id", _l("slot {slot_id} is not a slot of this event", slot_id=slot_id))
    return slot


def _busy_slot_ids(
    session: Session, participant_ids: Sequence[int], *, exclude_meeting: int | None
) -> set[int]:
    query = select(MeetingSeat.slot_id).where(col(MeetingSeat.participant_id).in_(participant_ids))
    if exclude_meeting is not None:
        query = query.where(MeetingSeat.meeting_id != exclude_meeting)
    return set(session.exec(query).all())


def _blocked_slot_ids(session: Session, participant_ids: Sequence[int]) -> dict[int, set[int]]:
    rows = session.exec(
        select(Unavailability.slot_id, Unavailability.participant_id).where(
            col(Unavailability.participant_id).in_(participant_ids)
        )
    ).all()
    out: dict[int, set[int]] = {}
    for slot_id, pid in rows:
        out.setdefault(slot_id, set()).add(pid)
    return out


def _overlapping_busy(
    session: Session, slot: Slot, participant_ids: Sequence[int], exclude_meeting: int | None
) -> bool:
    """A seat of one of them in another slot at the same time (two sessions in parallel)."""
    query = (
        select(MeetingSeat.participant_id)
        .join(Slot, col(Slot.id) == col(MeetingSeat.slot_id))
        .where(
            col(MeetingSeat.participant_id).in_(participant_ids),
            col(Slot.id) != slot.id,
            col(Slot.starts_at) < slot.ends_at,
            col(Slot.ends_at) > slot.starts_at,
        )
    )
    if exclude_meeting is not None:
        query = query.where(MeetingSeat.meeting_id != exclude_meeting)
    return session.exec(query).first() is not None


def _free_table_ids(session: Session, slot: Slot, *, exclude_meeting: int | None) -> list[int]:
    """The slot's free tables, lowest number first."""
    taken = select(Meeting.table_id).where(
        Meeting.slot_id == slot.id, col(Meeting.table_id).is_not(None)
    )
    if exclude_meeting is not None:
        taken = taken.where(Meeting.id != exclude_meeting)
    rows = session.exec(
        select(MeetingTable.id)
        .where(MeetingTable.session_id == slot.session_id, col(MeetingTable.id).not_in(taken))
        .order_by(col(MeetingTable.number))
    ).all()
    return [int(r) for r in rows if r is not None]


def common_free_slots(
    session: Session, meeting_id: int, *, now: datetime | None = None
) -> list[Slot]:
    """Slots, in time order, in which everyone of the meeting is free: not blocked, not in
    another meeting (in this slot or at the same time elsewhere), with a free table, not
    started yet. The meeting's current slot is not listed. No permission check."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound("Meeting", meeting_id)
    ids = [p.participant_id for p in meeting_people(session, meeting_id)]
    now = now or utcnow()
    slots = _event_slots(session, meeting.event_id, meeting.session_id)
    blocked = _blocked_slot_ids(session, ids)
    busy_seats = session.exec(
        select(MeetingSeat.slot_id, Slot.starts_at, Slot.ends_at)
        .join(Slot, col(Slot.id) == col(MeetingSeat.slot_id))
        .where(col(MeetingSeat.participant_id).in_(ids), MeetingSeat.meeting_id != meeting_id)
    ).all()
    tables: dict[int, int] = events.count_by_session(
        session, MeetingTable, sorted({s.session_id for s in slots})
    )
    used_rows = session.exec(
        select(Meeting.slot_id, func.count())
        .where(col(Meeting.slot_id).in_([pk(s) for s in slots]), Meeting.id != meeting_id)
        .group_by(col(Meeting.slot_id))
    ).all()
    used = {int(sid): int(n) for sid, n in used_rows if sid is not None}
    out = []
    for slot in slots:
        sid = pk(slot)
        if sid == meeting.slot_id or slot.starts_at <= now or sid in blocked:
            continue
        if any(start < slot.ends_at and end > slot.starts_at for _, start, end in busy_seats):
            continue
        if used.get(sid, 0) >= tables.get(slot.session_id, 0):
            continue
        out.append(slot)
    return out


def move_options(
    session: Session, meeting_id: int, *, now: datetime | None = None
) -> list[tuple[Slot, list[MeetingTable]]]:
    """Where a meeting can move: each slot free for everyone of the meeting (see
    ``common_free_slots``) with the tables free in it, in table order. The meeting's own
    slot is not listed. No permission check."""
    slots = common_free_slots(session, meeting_id, now=now)
    if not slots:
        return []
    session_ids = sorted({s.session_id for s in slots})
    tables = session.exec(
        select(MeetingTable)
        .where(col(MeetingTable.session_id).in_(session_ids))
        .order_by(col(MeetingTable.number))
    ).all()
    taken = {
        (sid, tid)
        for sid, tid in session.exec(
            select(Meeting.slot_id, Meeting.table_id).where(
                col(Meeting.slot_id).in_([pk(s) for s in slots]), Meeting.id != meeting_id
            )
        ).all()
    }
    out = []
    for slot in slots:
        free = [
            t for t in tables if t.session_id == slot.session_id and (pk(slot), pk(t)) not in taken
        ]
        if free:
            out.append((slot, free))
    return out


def table_taken(session: Session, *, slot_id: int, table_id: int, meeting_id: int) -> bool:
    """Whether another meeting holds this table in this slot."""
    return (
        session.exec(
            select(Meeting.id).where(
                Meeting.slot_id == slot_id, Meeting.table_id == table_id, Meeting.id != meeting_id
            )
        ).first()
        is not None
    )


def addable_people(
    session: Session, meeting_id: int
) -> tuple[list[Participant], list[Participant]]:
    """Who an organiser can add to a meeting: approved interpreters of the event, and
    colleagues (approved people of a party's organisation or delegation), none of them
    already in it. No permission check."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound("Meeting", meeting_id)
    people = meeting_people(session, meeting_id)
    inside = {p.participant_id for p in people}
    parties = _participants(
        session, [p.participant_id for p in people if p.role == MeetingRole.party.value]
    )
    orgs = {p.organisation_id for p in parties.values() if p.organisation_id is not None}
    delegations = {p.delegation_id for p in parties.values() if p.delegation_id is not None}
    rows = session.exec(
        select(Participant)
        .where(
            Participant.event_id == meeting.event_id,
            Participant.status == ApprovalStatus.approved.value,
        )
        .order_by(col(Participant.full_name), col(Participant.id))
    ).all()
    interpreters = [
        p for p in rows if p.role == ParticipantRole.interpreter.value and pk(p) not in inside
    ]
    colleagues = [
        p
        for p in rows
        if pk(p) not in inside
        and p.role != ParticipantRole.interpreter.value
        and (p.organisation_id in orgs or p.delegation_id in delegations)
    ]
    return interpreters, colleagues


def _cap_for(participant: Participant, event: Event) -> int | None:
    if participant.meeting_cap is not None:
        return participant.meeting_cap
    # Interpreters sit in many meetings; they get a cap only when one is set for them.
    if participant.role == ParticipantRole.interpreter.value:
        return None
    return event.meeting_cap


def _quota(session: Session, event: Event, participants: Sequence[Participant], delta: int) -> None:
    """Count booked meetings up or down. Sorted ids: concurrent bookings lock quota rows in
    the same order, so they wait for each other instead of deadlocking."""
    dialect = session.get_bind().dialect.name
    for person in sorted(participants, key=pk):
        pid = pk(person)
        if delta > 0:
            values = {"participant_id": pid, "booked": 0, "cap": None}
            # The counter row appears on the first booking; a concurrent twin insert waits
            # for this one and then does nothing.
            if dialect == "postgresql":
                session.execute(
                    pg_insert(MeetingQuota)
                    .values(**values)
                    .on_conflict_do_nothing(index_elements=["participant_id"])
                )
            else:
                session.execute(
                    sqlite_insert(MeetingQuota)
                    .values(**values)
                    .on_conflict_do_nothing(index_elements=["participant_id"])
                )
            # The CHECK (cap IS NULL OR booked <= cap) refuses an increment past the cap; the
            # cap is refreshed on the way, so a lowered cap applies to the next booking.
            session.execute(
                update(MeetingQuota)
                .where(col(MeetingQuota.participant_id) == pid)
                .values(booked=col(MeetingQuota.booked) + delta, cap=_cap_for(person, event))
                .execution_options(synchronize_session=False)
            )
        else:
            session.execute(
                update(MeetingQuota)
                .where(col(MeetingQuota.participant_id) == pid, col(MeetingQuota.booked) > 0)
                .values(booked=col(MeetingQuota.booked) + delta)
                .execution_options(synchronize_session=False)
            )


def _touch(session: Session, meeting: Meeting, expected: int | None) -> None:
    """Bump the revision if it is still ``expected`` (compare-and-set). On PostgreSQL this
    also locks the meeting's row, so two changes of one meeting take turns and the second
    sees a stale revision. Call it before changing any attribute of ``meeting``."""
    want = meeting.revision if expected is None else expected
    result = _cursor(
        session.execute(
            update(Meeting)
            .where(col(Meeting.id) == meeting.id, col(Meeting.revision) == want)
            .values(revision=col(Meeting.revision) + 1, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    )
    session.refresh(meeting)
    if result.rowcount != 1:
        raise Conflict(
            _l(
                "the meeting has changed since revision {want} (now {meeting_revision}); "
                "reload it and try again",
                want=want,
                meeting_revision=meeting.revision,
            ),
            [
                FieldError(
                    "revision",
                    _l(
                        "stale: the current revision is {meeting_revision}",
                        meeting_revision=meeting.revision,
                    ),
                )
            ],
        )


def _clash(
    session: Session,
    stage: str,
    event: Event,
    meeting: Meeting,
    slot: Slot,
    table_id: int | None,
    participants: Sequence[Participant],
) -> Conflict:
    label = _slot_label(slot, event)
    if stage == "slot_id":
        busy = _busy_slot_ids_by_person(session, slot, participants, pk(meeting))
        who = _people_names(busy) or _l("someone in this meeting")
        return Conflict(
            _l("{who} already has a meeting in {label}", who=who, label=label),
            [FieldError("slot_id", _l("{who} is already booked in this slot", who=who))],
        )
    if stage == "table_id":
        table = session.get(MeetingTable, table_id) if table_id else None
        number = table.number if table else table_id
        return Conflict(
            _l("table {number} is already taken in {label}", number=number, label=label),
            [FieldError("table_id", "another meeting has this table in this slot")],
        )
    full = [p for p in participants if _at_cap(session, p, event)]
    who = _people_names(full) or _l("someone in this meeting")
    return Conflict(
        _l("{who} has reached the maximum number of meetings", who=who),
        [FieldError("meeting_cap", _l("{who} has no meeting left under their cap", who=who))],
    )


def _busy_slot_ids_by_person(
    session: Session, slot: Slot, participants: Sequence[Participant], meeting_id: int
) -> list[Participant]:
    ids = set(
        session.exec(
            select(MeetingSeat.participant_id).where(
                MeetingSeat.slot_id == slot.id,
                col(MeetingSeat.participant_id).in_([pk(p) for p in participants]),
                MeetingSeat.meeting_id != meeting_id,
            )
        ).all()
    )
    return [p for p in participants if p.id in ids]


def _at_cap(session: Session, person: Participant, event: Event) -> bool:
    cap = _cap_for(person, event)
    row = session.get(MeetingQuota, pk(person))
    return cap is not None and row is not None and row.booked >= cap


def _lock_people(session: Session, participant_ids: Iterable[int]) -> None:
    """Serialise bookings per person, so that the overlap check that follows (a seat at the
    same time in another session's slot, which no unique key sees) cannot race.

    PostgreSQL: lock the people's participant rows (FOR NO KEY UPDATE, in id order so that
    two bookings sharing people queue instead of deadlocking); a concurrent booking of any of
    them waits here until this transaction ends, and then reads its seats. SQLite: one
    writer at a time, but only from the first write of a transaction; make sure the
    transaction holds the write lock before the check reads (callers have usually written
    already: the revision bump), so the check cannot read a state another writer changes."""
    ids = sorted(set(participant_ids))
    if not ids:
        return
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            select(Participant.id)
            .where(col(Participant.id).in_(ids))
            .order_by(col(Participant.id))
            .with_for_update(key_share=True)
        )
        return
    _sqlite_write_lock(session)


def _sqlite_write_lock(session: Session) -> None:
    """On SQLite, make sure the transaction has begun and holds the write lock.

    The pysqlite driver begins a transaction only before a data-changing statement: reads
    before it run outside any transaction, and a SAVEPOINT opened first becomes the
    transaction itself, so that its RELEASE commits. ``BEGIN IMMEDIATE`` takes the lock now
    (waiting for another writer, under busy_timeout); the session's commit or rollback ends
    it as usual. No-op on PostgreSQL and inside a transaction already begun."""
    if session.get_bind().dialect.name != "sqlite":
        return
    connection = session.connection()
    raw = connection.connection.dbapi_connection
    if raw is not None and not getattr(raw, "in_transaction", True):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _check_slot_for(
    session: Session,
    event: Event,
    meeting: Meeting,
    slot: Slot,
    participants: Sequence[Participant],
) -> None:
    """Rules the database does not hold: blocked slots, parallel sessions at the same time."""
    ids = [pk(p) for p in participants]
    blocked = _blocked_slot_ids(session, ids).get(pk(slot), set())
    if blocked:
        who = _people_names(p for p in participants if p.id in blocked)
        raise Conflict(
            _l(
                "{who} is not available in {slot_label}",
                who=who,
                slot_label=_slot_label(slot, event),
            ),
            [FieldError("slot_id", _l("{who} blocked this slot", who=who))],
        )
    if _overlapping_busy(session, slot, ids, pk(meeting)):
        raise Conflict(
            _l(
                "someone in this meeting has another meeting at {slot_label}",
                slot_label=_slot_label(slot, event),
            ),
            [FieldError("slot_id", "overlaps another meeting of a participant")],
        )


def _place(
    session: Session,
    *,
    event: Event,
    meeting: Meeting,
    participants: Sequence[Participant],
    slot: Slot | None,
    table_id: int | None,
) -> None:
    """Move the (already touched) meeting to ``slot`` at ``table_id`` (None: the lowest
    numbered free table, trying the next one when a concurrent booking takes it), or
    unschedule it when ``slot`` is None. Seats and quotas follow, all or nothing."""
    was_booked = meeting.slot_id is not None
    if slot is None:
        if not was_booked:
            return
        session.execute(delete(MeetingSeat).where(col(MeetingSeat.meeting_id) == meeting.id))
        meeting.slot_id, meeting.table_id = None, None
        session.add(meeting)
        session.flush()
        _quota(session, event, participants, -1)
        return
    if table_id is not None:
        table = session.get(MeetingTable, table_id)
        if table is None or table.session_id != slot.session_id:
            raise Invalid(
                "table_id",
                _l("table {table_id} is not a table of the slot's session", table_id=table_id),
            )
        candidates = [table_id]
    else:
        candidates = _free_table_ids(session, slot, exclude_meeting=pk(meeting))
        if not candidates:
            raise Conflict(
                _l("no table is free in {slot_label}", slot_label=_slot_label(slot, event)),
                [FieldError("table_id", "every table is taken in this slot")],
            )
    if meeting.slot_id == slot.id and meeting.table_id in candidates:
        return
    _lock_people(session, (pk(p) for p in participants))
    _check_slot_for(session, event, meeting, slot, participants)
    for candidate in candidates:
        stage = "table_id"
        try:
            with session.begin_nested():
                session.execute(
                    delete(MeetingSeat).where(col(MeetingSeat.meeting_id) == meeting.id)
                )
                meeting.slot_id, meeting.table_id = pk(slot), candidate
                meeting.session_id = slot.session_id
                meeting.last_starts_at, meeting.last_ends_at = slot.starts_at, slot.ends_at
                session.add(meeting)
                session.flush()
                stage = "slot_id"
                # Sorted: concurrent bookings queue on the same seat rows in the same order.
                for person in sorted(participants, key=pk):
                    session.execute(
                        insert(MeetingSeat).values(
                            meeting_id=pk(meeting), participant_id=pk(person), slot_id=pk(slot)
                        )
                    )
                if not was_booked:
                    stage = "meeting_cap"
                    _quota(session, event, participants, +1)
            return
        except IntegrityError as exc:
            if stage == "table_id" and table_id is None:
                continue  # a concurrent booking took this table: try the next free one
            raise _clash(session, stage, event, meeting, slot, candidate, participants) from exc
    raise Conflict(
        _l("no table is free in {slot_label}", slot_label=_slot_label(slot, event)),
        [FieldError("table_id", "every table is taken in this slot")],
    )


def _snapshot(meeting: Meeting, people: Sequence[MeetingParticipant]) -> dict[str, Any]:
    return {
        "status": meeting.status,
        "session_id": meeting.session_id,
        "slot_id": meeting.slot_id,
        "table_id": meeting.table_id,
        "locked": meeting.locked,
        "priority": meeting.priority,
        "cancelled_reason": meeting.cancelled_reason,
        "participants": sorted(f"{p.participant_id}:{p.role}" for p in people),
        "confirmed": sorted(p.participant_id for p in people if p.confirmed_at is not None),
    }


def _record_change(
    session: Session,
    actor: User | None,
    action: str,
    meeting: Meeting,
    before: dict[str, Any],
) -> dict[str, Any]:
    after = _snapshot(meeting, meeting_people(session, pk(meeting)))
    changes = diff(before, after)
    changes["revision"] = [meeting.revision - 1, meeting.revision]
    record(
        session,
        actor_id=actor.id if actor else None,
        action=action,
        entity="meeting",
        entity_id=meeting.id,
        event_id=meeting.event_id,
        changes=changes,
    )
    return changes


def _record_meeting_created(
    session: Session, actor: User, meeting: Meeting, participant_ids: Sequence[int]
) -> None:
    record(
        session,
        actor_id=actor.id,
        action="meeting.create",
        entity="meeting",
        entity_id=meeting.id,
        event_id=meeting.event_id,
        changes={
            "status": [None, meeting.status],
            "origin": [None, meeting.origin],
            "participants": [None, list(participant_ids)],
            "revision": [None, meeting.revision],
        },
    )


# ---- notifications ------------------------------------------------------------------------


def _slot_context(
    session: Session, event: Event, slot_id: int | None, table_id: int | None
) -> tuple[datetime | None, int | None]:
    slot = session.get(Slot, slot_id) if slot_id else None
    table = session.get(MeetingTable, table_id) if table_id else None
    zone = events.event_zone(event)
    return (slot.starts_at.astimezone(zone) if slot else None), (table.number if table else None)


def _notify_people(
    session: Session,
    *,
    kind: str,
    event: Event,
    meeting: Meeting,
    actor: User | None,
    context: dict[str, Any],
    only: Sequence[int] | None = None,
) -> None:
    """E-mail the meeting's people (not the one who made the change), naming the others."""
    people = meeting_people(session, pk(meeting))
    everyone = _participants(session, [p.participant_id for p in people])
    for person in everyone.values():
        if only is not None and person.id not in only:
            continue
        if actor is not None and person.user_id == actor.id:
            continue
        others = [
            everyone[p.participant_id]
            for p in people
            if p.participant_id != person.id
            and p.role == MeetingRole.party.value
            and p.participant_id in everyone
        ]
        enqueue(
            session,
            kind=kind,
            to_participant=person,
            event=event,
            meeting_id=meeting.id,
            context={"counterpart": _people_names(others), **context},
        )


def _notify_placement(
    session: Session,
    *,
    event: Event,
    meeting: Meeting,
    actor: User | None,
    before: dict[str, Any],
) -> None:
    if (before["slot_id"], before["table_id"]) == (meeting.slot_id, meeting.table_id):
        return
    starts_at, number = _slot_context(session, event, meeting.slot_id, meeting.table_id)
    if before["slot_id"] is None:
        _notify_people(
            session,
            kind="meeting_booked",
            event=event,
            meeting=meeting,
            actor=actor,
            context={"starts_at": starts_at, "table_number": number},
        )
        return
    old_starts_at, old_number = _slot_context(session, event, before["slot_id"], before["table_id"])
    _notify_people(
        session,
        kind="meeting_moved",
        event=event,
        meeting=meeting,
        actor=actor,
        context={
            "starts_at": starts_at,
            "table_number": number,
            "old_starts_at": old_starts_at,
            "old_table_number": old_number,
        },
    )


# ---- meetings: writing --------------------------------------------------------------------


def _require_changeable(
    session: Session,
    actor: User,
    event: Event,
    meeting: Meeting,
    people: Sequence[MeetingParticipant],
    *,
    what: str,
) -> bool:
    """Organisers may change any meeting; a party (or whoever acts for one) an unlocked one.
    Returns whether the actor is an organiser of the event."""
    if events.can_manage(session, actor, event):
        return True
    if not _acts_for_any(session, actor, event, people, parties_only=True):
        raise Forbidden(
            _l("Only the people meeting and the organisers can {what} this meeting", what=what)
        )
    if meeting.locked:
        raise Forbidden("This meeting is locked by the organisers; ask them to change it")
    return False


def _require_open(meeting: Meeting) -> None:
    if meeting.status not in _OPEN:
        raise Conflict(
            _l(
                "this meeting is {meeting_status} and can no longer change",
                meeting_status=status_word(meeting.status),
            ),
            [FieldError("status", meeting.status)],
        )


def _party_participants(
    session: Session, people: Sequence[MeetingParticipant]
) -> list[Participant]:
    found = _participants(session, [p.participant_id for p in people])
    return [found[p.participant_id] for p in people if p.participant_id in found]


def place_meeting(
    session: Session,
    *,
    actor: User | None,
    meeting: Meeting,
    slot_id: int | None,
    table_id: int | None,
    revision: int | None = None,
    action: str = "meeting.place",
) -> Meeting:
    """Move or unschedule one meeting (no permission check: for the scheduler, which has
    checked that the actor manages the event). Bumps the revision, audits, notifies."""
    event = session.get(Event, meeting.event_id)
    assert event is not None
    _require_open(meeting)
    people = meeting_people(session, pk(meeting))
    slot = _slot_of_event(session, meeting.event_id, slot_id) if slot_id is not None else None
    if slot is None and table_id is not None:
        raise Invalid("table_id", "a table needs a slot")
    if slot is not None and slot.id == meeting.slot_id and table_id in (None, meeting.table_id):
        return meeting
    if slot is None and meeting.slot_id is None:
        return meeting
    before = _snapshot(meeting, people)
    _touch(session, meeting, revision)
    _place(
        session,
        event=event,
        meeting=meeting,
        participants=_party_participants(session, people),
        slot=slot,
        table_id=table_id,
    )
    _record_change(session, actor, action, meeting, before)
    _notify_placement(session, event=event, meeting=meeting, actor=actor, before=before)
    session.flush()
    return meeting


def apply_placements(
    session: Session,
    *,
    actor: User | None,
    event: Event,
    moves: Sequence[tuple[Meeting, Slot | None, int | None]],
    notify: bool,
    action: str = "meeting.schedule",
) -> int:
    """Move many meetings at once (a scheduler's result): first every moving meeting leaves
    its slot, then each takes its new (slot, table), so that swaps and chains of moves never
    collide with a meeting that is about to leave. One revision bump, one audit entry and at
    most one e-mail per meeting; the database's seat, table and cap rules hold throughout,
    and any refusal aborts the whole request (nothing half applied). No permission check:
    the caller manages the event. Returns how many meetings changed."""
    from app.meetings import bulk  # the same rules in a few statements per step

    if bulk.can_bulk(moves):
        return bulk.apply_placements(
            session, actor=actor, event=event, moves=moves, notify=notify, action=action
        )
    prepared: list[tuple[Meeting, list[Participant], dict[str, Any], Slot | None, int | None]] = []
    for meeting, slot, table_id in moves:
        if (meeting.slot_id, meeting.table_id) == (
            slot.id if slot else None,
            table_id if slot else None,
        ):
            continue
        _require_open(meeting)
        people = meeting_people(session, pk(meeting))
        before = _snapshot(meeting, people)
        _touch(session, meeting, None)
        prepared.append((meeting, _party_participants(session, people), before, slot, table_id))
    # Everyone up front, in one id order, so a concurrent booking cannot interleave.
    _lock_people(session, (pk(p) for _, people_, _, _, _ in prepared for p in people_))
    for meeting, participants, _, _, _ in prepared:
        _place(
            session,
            event=event,
            meeting=meeting,
            participants=participants,
            slot=None,
            table_id=None,
        )
    for meeting, participants, _, slot, table_id in prepared:
        if slot is not None:
            _place(
                session,
                event=event,
                meeting=meeting,
                participants=participants,
                slot=slot,
                table_id=table_id,
            )
    for meeting, _, before, _, _ in prepared:
        _record_change(session, actor, action, meeting, before)
        if notify:
            _notify_placement(session, event=event, meeting=meeting, actor=actor, before=before)
    session.flush()
    return len(prepared)


def notify_unscheduled(session: Session, *, event: Event, meeting: Meeting, reason: str) -> int:
    """Tell the parties of a confirmed meeting that the scheduler could not give it a time,
    and why (``reason``: the scheduler's code). Once: a person already told since the
    meeting last changed is not told again by the next run. Returns how many e-mails were
    queued."""
    people = meeting_people(session, pk(meeting))
    parties = [p.participant_id for p in people if p.role == MeetingRole.party.value]
    everyone = _participants(session, parties)
    told = set(
        session.exec(
            select(Outbox.participant_id).where(
                Outbox.kind == "meeting_unscheduled",
                Outbox.meeting_id == pk(meeting),
                col(Outbox.created_at) >= meeting.updated_at,
            )
        ).all()
    )
    queued = 0
    for pid in parties:
        person = everyone.get(pid)
        if person is None or pid in told:
            continue
        others = [everyone[o] for o in parties if o != pid and o in everyone]
        if enqueue(
            session,
            kind="meeting_unscheduled",
            to_participant=person,
            event=event,
            meeting_id=meeting.id,
            context={"counterpart": _people_names(others), "reason": reason},
        ):
            queued += 1
    return queued


def announce_schedule(session: Session, *, event: Event, meetings: Sequence[Meeting]) -> int:
    """E-mail each person their booked meetings (time, table, counterpart) when the schedule
    is first published. Returns how many e-mails were queued."""
    by_person: dict[int, list[Meeting]] = {}
    people_of: dict[int, list[MeetingParticipant]] = {}
    for meeting in meetings:
        people = meeting_people(session, pk(meeting))
        people_of[pk(meeting)] = people
        for mp in people:
            by_person.setdefault(mp.participant_id, []).append(meeting)
    everyone = _participants(session, list(by_person))
    slots = {
        pk(s): s
        for s in session.exec(
            select(Slot).where(col(Slot.id).in_([m.slot_id for m in meetings if m.slot_id]))
        ).all()
    }
    tables = {
        pk(t): t
        for t in session.exec(
            select(MeetingTable).where(
                col(MeetingTable.id).in_([m.table_id for m in meetings if m.table_id])
            )
        ).all()
    }
    zone = events.event_zone(event)
    sent = 0
    for participant_id, own in sorted(by_person.items()):
        person = everyone.get(participant_id)
        if person is None:
            continue
        items = []
        for meeting in sorted(own, key=lambda m: slots[m.slot_id or 0].starts_at):
            others = [
                everyone[p.participant_id]
                for p in people_of[pk(meeting)]
                if p.participant_id != participant_id
                and p.role == MeetingRole.party.value
                and p.participant_id in everyone
            ]
            items.append(
                {
                    "starts_at": slots[meeting.slot_id or 0].starts_at.astimezone(zone),
                    "table_number": tables[meeting.table_id or 0].number,
                    "counterpart": _people_names(others),
                }
            )
        if enqueue(
            session,
            kind="schedule_published",
            to_participant=person,
            event=event,
            context={"meetings": items},
        ):
            sent += 1
    return sent


def book_meeting(
    session: Session,
    *,
    actor: User,
    event_id: int,
    meeting_id: int,
    slot_id: int | None = None,
    revision: int | None = None,
) -> Meeting:
    """A party books (or moves) their meeting in self-service mode; organisers may always.
    Without ``slot_id`` the earliest common free slot is taken. The table is the lowest
    numbered free one."""
    event, meeting, people = _load_meeting(
        session, viewer=actor, event_id=event_id, meeting_id=meeting_id
    )
    organiser = _require_changeable(session, actor, event, meeting, people, what="book")
    _check_event_running(event)
    _require_open(meeting)
    if not organiser:
        if event.booking_mode != BookingMode.self_service.value:
            raise Conflict(
                "the organisers schedule the meetings of this event",
                [FieldError("booking_mode", "meetings are scheduled by the organisers")],
            )
        if meeting.status != MeetingStatus.confirmed.value:
            raise Conflict(
                "everyone must confirm the meeting before it is booked",
                [FieldError("status", meeting.status)],
            )
    if slot_id is None:
        free = common_free_slots(session, meeting_id)
        if not free:
            raise Conflict(
                "no slot is free for everyone in this meeting",
                [FieldError("slot_id", "no common free slot")],
            )
        slot_id = pk(free[0])
    return place_meeting(
        session,
        actor=actor,
        meeting=meeting,
        slot_id=slot_id,
        table_id=None,
        revision=revision,
        action="meeting.book",
    )


def create_meeting(session: Session, *, actor: User, event_id: int, data: MeetingCreate) -> Meeting:
    """Organisers create a meeting directly (from the demand survey, by hand)."""
    event = events.managed_event(session, actor, event_id)
    _check_event_running(event)
    roles: dict[int, MeetingRole] = {}
    for field, ids, role in (
        ("participant_ids", data.participant_ids, MeetingRole.party),
        ("interpreter_ids", data.interpreter_ids, MeetingRole.interpreter),
        ("colleague_ids", data.colleague_ids, MeetingRole.colleague),
    ):
        for pid in ids:
            if pid in roles:
                raise Invalid(field, _l("participant {pid} is named twice", pid=pid))
            _approved(session, event_id, pid, field)
            roles[pid] = role
    parties = [pid for pid, role in roles.items() if role == MeetingRole.party]
    if len(parties) == 2:
        existing = _active_meeting_between(session, parties[0], parties[1])
        if existing is not None:
            raise Conflict(
                "these two people already have a meeting",
                [
                    FieldError(
                        "participant_ids",
                        _l("they already have a meeting together"),
                    )
                ],
            )
    slot = _slot_of_event(session, event_id, data.slot_id) if data.slot_id is not None else None
    if slot is None and data.table_id is not None:
        raise Invalid("table_id", "a table needs a slot")
    session_id = data.session_id
    if session_id is not None:
        row = events.get_session(session, event_id=event_id, session_id=session_id)
        if row.kind != SessionKind.matchmaking.value:
            raise Invalid("session_id", "meetings take place in a matchmaking session")
        if slot is not None and slot.session_id != session_id:
            raise Invalid("slot_id", "the slot is not in the session given")
    else:
        session_id = slot.session_id if slot else _default_session_id(session, event_id)
    now = utcnow()
    meeting = Meeting(
        event_id=event_id,
        session_id=session_id,
        status=(
            MeetingStatus.proposed if data.needs_confirmation else MeetingStatus.confirmed
        ).value,
        origin=MeetingOrigin.organiser.value,
        priority=data.priority,
        locked=data.locked,
        party_key=party_key(parties),
        created_by_id=actor.id,
    )
    _insert_meeting(session, meeting, field="participant_ids")
    session.add_all(
        MeetingParticipant(
            meeting_id=pk(meeting),
            participant_id=pid,
            role=role.value,
            confirmed_at=None if data.needs_confirmation and role == MeetingRole.party else now,
        )
        for pid, role in roles.items()
    )
    session.flush()
    _record_meeting_created(session, actor, meeting, list(roles))
    if slot is not None:
        people = meeting_people(session, pk(meeting))
        _place(
            session,
            event=event,
            meeting=meeting,
            participants=_party_participants(session, people),
            slot=slot,
            table_id=data.table_id,
        )
    starts_at, number = _slot_context(session, event, meeting.slot_id, meeting.table_id)
    _notify_people(
        session,
        kind="meeting_proposed",
        event=event,
        meeting=meeting,
        actor=actor,
        context={
            "starts_at": starts_at,
            "table_number": number,
            "needs_confirmation": data.needs_confirmation,
        },
    )
    session.flush()
    return meeting


def _cancel(
    session: Session,
    *,
    actor: User,
    event: Event,
    meeting: Meeting,
    people: Sequence[MeetingParticipant],
    reason: str,
) -> None:
    """Unschedule (seats and quota go back) and mark cancelled; the meeting is touched."""
    old_slot, old_table = meeting.slot_id, meeting.table_id
    _place(
        session,
        event=event,
        meeting=meeting,
        participants=_party_participants(session, people),
        slot=None,
        table_id=None,
    )
    meeting.status, meeting.cancelled_reason = MeetingStatus.cancelled.value, reason
    session.add(meeting)
    session.flush()
    starts_at, _number = _slot_context(session, event, old_slot, old_table)
    _notify_people(
        session,
        kind="meeting_cancelled",
        event=event,
        meeting=meeting,
        actor=actor,
        context={"starts_at": starts_at, "reason": reason},
    )


def cancel_meeting(
    session: Session,
    *,
    actor: User,
    event_id: int,
    meeting_id: int,
    reason: str,
    revision: int | None = None,
) -> Meeting:
    """A party (unless the meeting is locked) or an organiser cancels; slot, table and the
    people's time are given back at once."""
    event, meeting, people = _load_meeting(
        session, viewer=actor, event_id=event_id, meeting_id=meeting_id
    )
    _require_changeable(session, actor, event, meeting, people, what="cancel")
    _require_open(meeting)
    reason = _reason(reason, "say why; the other people of the meeting will read it")
    before = _snapshot(meeting, people)
    _touch(session, meeting, revision)
    _cancel(session, actor=actor, event=event, meeting=meeting, people=people, reason=reason)
    _record_change(session, actor, "meeting.cancel", meeting, before)
    session.flush()
    return meeting


def confirm_meeting(
    session: Session,
    *,
    actor: User,
    event_id: int,
    meeting_id: int,
    revision: int | None = None,
) -> Meeting:
    """Confirm a proposed meeting for every party the actor acts for (organisers: all of
    them). Once all parties have confirmed, the meeting is confirmed. Confirming a meeting
    that is already confirmed changes nothing."""
    event, meeting, people = _load_meeting(
        session, viewer=actor, event_id=event_id, meeting_id=meeting_id
    )
    organiser = events.can_manage(session, actor, event)
    parties = [p for p in people if p.role == MeetingRole.party.value]
    found = _participants(session, [p.participant_id for p in parties])
    mine = [
        p
        for p in parties
        if organiser or registration.can_act_for(session, actor, event, found[p.participant_id])
    ]
    if not mine:
        raise Forbidden("Only the people meeting and the organisers can confirm this meeting")
    if meeting.status == MeetingStatus.confirmed.value:
        return meeting
    _require_open(meeting)
    pending = [p for p in mine if p.confirmed_at is None]
    if not pending:
        return meeting
    before = _snapshot(meeting, people)
    _touch(session, meeting, revision)
    now = utcnow()
    for row in pending:
        row.confirmed_at = now
        session.add(row)
    if all(p.confirmed_at is not None for p in parties):
        meeting.status = MeetingStatus.confirmed.value
        session.add(meeting)
    session.flush()
    _record_change(session, actor, "meeting.confirm", meeting, before)
    session.flush()
    return meeting


def update_meeting(
    session: Session, *, actor: User, event_id: int, meeting_id: int, data: MeetingUpdate
) -> Meeting:
    """Organisers move, lock, reprioritise, confirm or cancel a meeting."""
    event, meeting, people = _load_meeting(
        session, viewer=actor, event_id=event_id, meeting_id=meeting_id
    )
    events.require_manage(session, actor, event)
    fields = data.model_fields_set
    if data.status is not None and data.status not in (
        MeetingStatus.cancelled,
        MeetingStatus.confirmed,
    ):
        raise Invalid("status", "set cancelled or confirmed here; attendance is recorded later")
    if data.status == MeetingStatus.cancelled and meeting.status != MeetingStatus.cancelled.value:
        if not data.reason:
            raise Invalid("reason", "say why; the people of the meeting will read it")
        _require_open(meeting)
        before = _snapshot(meeting, people)
        _touch(session, meeting, data.revision)
        if "locked" in fields and data.locked is not None:
            meeting.locked = data.locked
        _cancel(
            session, actor=actor, event=event, meeting=meeting, people=people, reason=data.reason
        )
        _record_change(session, actor, "meeting.update", meeting, before)
        session.flush()
        return meeting
    placing = False
    slot: Slot | None = None
    table_id: int | None = None
    if fields & {"slot_id", "table_id"}:
        _require_open(meeting)
        slot_id = data.slot_id if "slot_id" in fields else meeting.slot_id
        slot = _slot_of_event(session, event_id, slot_id) if slot_id is not None else None
        # None: the lowest numbered free table; a slot resent unchanged keeps its table.
        table_id = data.table_id if "table_id" in fields else None
        if slot is None:
            if table_id is not None:
                raise Invalid("table_id", "a table needs a slot")
            placing = meeting.slot_id is not None
        else:
            placing = not (slot.id == meeting.slot_id and table_id in (None, meeting.table_id))
    confirming = (
        data.status == MeetingStatus.confirmed and meeting.status == MeetingStatus.proposed.value
    )
    if data.status == MeetingStatus.confirmed and meeting.status not in _OPEN:
        raise Conflict(
            _l(
                "a {meeting_status} meeting cannot be confirmed",
                meeting_status=status_word(meeting.status),
            ),
            [FieldError("status", "closed")],
        )
    new_locked = data.locked if "locked" in fields and data.locked is not None else meeting.locked
    new_priority = (
        data.priority if "priority" in fields and data.priority is not None else meeting.priority
    )
    if not (
        placing or confirming or new_locked != meeting.locked or new_priority != meeting.priority
    ):
        if data.revision is not None and data.revision != meeting.revision:
            _touch(session, meeting, data.revision)  # raises: the client's copy is stale
        return meeting
    before = _snapshot(meeting, people)
    _touch(session, meeting, data.revision)
    meeting.locked, meeting.priority = new_locked, new_priority
    if confirming:
        now = utcnow()
        for row in people:
            if row.confirmed_at is None:
                row.confirmed_at = now
                session.add(row)
        meeting.status = MeetingStatus.confirmed.value
    session.add(meeting)
    session.flush()
    if placing:
        _place(
            session,
            event=event,
            meeting=meeting,
            participants=_party_participants(session, people),
            slot=slot,
            table_id=table_id,
        )
    _record_change(session, actor, "meeting.update", meeting, before)
    _notify_placement(session, event=event, meeting=meeting, actor=actor, before=before)
    session.flush()
    return meeting


def add_participant(
    session: Session,
    *,
    actor: User,
    event_id: int,
    meeting_id: int,
    participant_id: int,
    role: MeetingRole,
    revision: int | None = None,
) -> Meeting:
    """Add an interpreter or a colleague. Organisers add anyone approved; a party adds
    people they act for (a delegation head their delegation's interpreter). In a booked
    meeting the newcomer takes a seat in its slot, under the same database rules."""
    if role == MeetingRole.party:
        raise Invalid("role", "add an interpreter or a colleague")
    event, meeting, people = _load_meeting(
        session, viewer=actor, event_id=event_id, meeting_id=meeting_id
    )
    organiser = _require_changeable(session, actor, event, meeting, people, what="change")
    person = _approved(session, event_id, participant_id, "participant_id")
    if not organiser and not registration.can_act_for(session, actor, event, person):
        raise Forbidden("You can add only people you act for; ask the organisers for others")
    _require_open(meeting)
    if any(p.participant_id == participant_id for p in people):
        raise Conflict(
            _l("{person_full_name} is already in this meeting", person_full_name=person.full_name),
            [FieldError("participant_id", "already in this meeting")],
        )
    slot = session.get(Slot, meeting.slot_id) if meeting.slot_id else None
    before = _snapshot(meeting, people)
    _touch(session, meeting, revision)
    if slot is not None:
        # After the revision bump and under the person's lock: see _lock_people.
        _lock_people(session, [participant_id])
        _check_slot_for(session, event, meeting, slot, [person])
    session.add(
        MeetingParticipant(
            meeting_id=pk(meeting),
            participant_id=participant_id,
            role=role.value,
            confirmed_at=utcnow(),
        )
    )
    session.flush()
    if slot is not None:
        stage = "slot_id"
        try:
            with session.begin_nested():
                session.execute(
                    insert(MeetingSeat).values(
                        meeting_id=pk(meeting), participant_id=participant_id, slot_id=pk(slot)
                    )
                )
                stage = "meeting_cap"
                _quota(session, event, [person], +1)
        except IntegrityError as exc:
            raise _clash(session, stage, event, meeting, slot, None, [person]) from exc
    _record_change(session, actor, "meeting.add_participant", meeting, before)
    if slot is not None:
        starts_at, number = _slot_context(session, event, meeting.slot_id, meeting.table_id)
        _notify_people(
            session,
            kind="meeting_booked",
            event=event,
            meeting=meeting,
            actor=actor,
            context={"starts_at": starts_at, "table_number": number},
            only=[participant_id],
        )
    session.flush()
    return meeting


def remove_participant(
    session: Session,
    *,
    actor: User,
    event_id: int,
    meeting_id: int,
    participant_id: int,
    revision: int | None = None,
) -> Meeting:
    """Remove an interpreter or a colleague (organisers, or whoever acts for that person);
    their seat and quota are given back. A party cannot be removed: cancel instead."""
    event, meeting, people = _load_meeting(
        session, viewer=actor, event_id=event_id, meeting_id=meeting_id
    )
    row = next((p for p in people if p.participant_id == participant_id), None)
    if row is None:
        raise NotFound("Participant of this meeting", participant_id)
    person = session.get(Participant, participant_id)
    assert person is not None
    organiser = events.can_manage(session, actor, event)
    if not organiser:
        if not registration.can_act_for(session, actor, event, person):
            raise Forbidden("Only the organisers or the person can take someone out of a meeting")
        if meeting.locked:
            raise Forbidden("This meeting is locked by the organisers; ask them to change it")
    if row.role == MeetingRole.party.value:
        raise Conflict(
            "a party of the meeting cannot be removed; cancel the meeting instead",
            [FieldError("participant_id", "is a party of the meeting")],
        )
    _require_open(meeting)
    before = _snapshot(meeting, people)
    _touch(session, meeting, revision)
    seated = session.get(MeetingSeat, (pk(meeting), participant_id)) is not None
    session.execute(
        delete(MeetingSeat).where(
            col(MeetingSeat.meeting_id) == meeting.id,
            col(MeetingSeat.participant_id) == participant_id,
        )
    )
    session.delete(row)
    session.flush()
    if seated:
        _quota(session, event, [person], -1)
    _record_change(session, actor, "meeting.remove_participant", meeting, before)
    session.flush()
    return meeting


def free_slots(session: Session, *, viewer: User, event_id: int, meeting_id: int) -> list[Slot]:
    get_meeting(session, viewer=viewer, event_id=event_id, meeting_id=meeting_id)
    return common_free_slots(session, meeting_id)


# ---- on the day ---------------------------------------------------------------------------


def set_attendance(
    session: Session,
    *,
    actor: User | None,
    meeting: Meeting,
    status: MeetingStatus,
    absent_ids: Iterable[int],
    unknown_ids: Iterable[int] = (),
    revision: int | None = None,
) -> Meeting:
    """Record that a booked meeting was held or was a no-show, and who was absent (everyone
    else of the meeting is present). No permission check: the caller (app.outcomes) has
    checked that the actor runs the event. A held or no-show meeting keeps its slot, table
    and seats: it stays in everyone's history and in the figures. Marking again (held after
    no-show, another absentee) is allowed; each mark bumps the revision and is audited."""
    if status not in (MeetingStatus.held, MeetingStatus.no_show):
        raise Invalid("outcome", "record held or no_show")
    if meeting.status == MeetingStatus.cancelled.value or meeting.slot_id is None:
        raise Conflict(
            "only a booked meeting can be marked held or no-show",
            [FieldError("status", meeting.status if meeting.slot_id else "not booked")],
        )
    people = meeting_people(session, pk(meeting))
    absent = set(absent_ids)
    unknown = set(unknown_ids) - absent  # neither seen nor named: recorded as neither
    before = {
        **_snapshot(meeting, people),
        "attendance": {str(p.participant_id): p.attendance for p in people},
    }
    wanted = {
        p.participant_id: (
            "absent"
            if p.participant_id in absent
            else None
            if p.participant_id in unknown
            else "present"
        )
        for p in people
    }
    if meeting.status == status.value and all(
        p.attendance == wanted[p.participant_id] for p in people
    ):
        if revision is not None and revision != meeting.revision:
            _touch(session, meeting, revision)  # raises: the client's copy is stale
        return meeting
    _touch(session, meeting, revision)
    for row in people:
        row.attendance = wanted[row.participant_id]
        session.add(row)
    meeting.status = status.value
    session.add(meeting)
    session.flush()
    after = {
        **_snapshot(meeting, people),
        "attendance": {str(p.participant_id): p.attendance for p in people},
    }
    changes = diff(before, after)
    changes["revision"] = [meeting.revision - 1, meeting.revision]
    record(
        session,
        actor_id=actor.id if actor else None,
        action="meeting.attendance",
        entity="meeting",
        entity_id=meeting.id,
        event_id=meeting.event_id,
        changes=changes,
    )
    session.flush()
    return meeting
