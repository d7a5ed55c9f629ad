"""Meeting requests: ask, accept (a meeting is born), decline, withdraw, expire, list."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import false, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.audit.service import diff, record
from app.auth.models import User
from app.errors import Conflict, FieldError, Forbidden, Invalid, NotFound, _l
from app.events import service as events
from app.events.models import (
    BookingMode,
    Event,
)
from app.i18n.words import status_error, status_word
from app.matchmaking.models import Profile
from app.meetings.booking import insert_meeting, sqlite_write_lock
from app.meetings.changes import record_created
from app.meetings.models import (
    Meeting,
    MeetingOrigin,
    MeetingParticipant,
    MeetingRequest,
    MeetingRole,
    MeetingStatus,
    RequestStatus,
    party_key,
)
from app.meetings.queries import active_meeting_between, default_session_id
from app.meetings.rules import (
    approved_participant,
    check_event_running,
    cursor,
    get_settings,
    own_participant,
    requests_closed,
    require_reason,
)
from app.meetings.schemas import (
    MeetingRequestCreate,
    RequestBox,
)
from app.notifications.service import enqueue
from app.pagination import page_total
from app.registration import service as registration
from app.registration.models import ApprovalStatus, Participant
from app.types import pk, utcnow

# why a registration still waiting for the organisers' approval asks for no meeting (the
# request form says it before anything is typed: app.meetings.web_requests)
NOT_APPROVED = "your registration has not been approved yet; you can ask for meetings once it is"


def may_ask(requester: Participant) -> bool:
    """Only an approved registration asks for meetings (create_request refuses the rest)."""
    return requester.status == ApprovalStatus.approved.value


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
    result = cursor(
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
        requester = own_participant(session, actor, event)
    else:
        requester = approved_participant(session, event_id, data.requester_id, "requester_id")
        registration.require_act_for(session, actor, event, requester)
    check_event_running(event)
    if not may_ask(requester):
        raise Conflict(NOT_APPROVED, [FieldError("requester_id", "registration not approved yet")])
    recipient = approved_participant(session, event_id, data.recipient_id, "recipient_id")
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
    existing = active_meeting_between(session, pk(requester), pk(recipient))
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
    sqlite_write_lock(session)
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
    org = registration.organisation_display(session, requester)
    enqueue(
        session,
        kind="request_received",
        to_participant=recipient,
        event=event,
        request_id=row.id,
        context={
            "counterpart": requester.full_name,
            "counterpart_org": org.name,
            "counterpart_org_en": org.english,
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
            [status_error(status)],
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
    result = cursor(
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
            [status_error(request.status)],
        )


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
    check_event_running(event)
    now = utcnow()
    _respondable(session, req, verb="accepted", now=now)
    existing = active_meeting_between(session, pk(requester), pk(recipient))
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
        session_id=default_session_id(session, event_id),
        status=MeetingStatus.confirmed.value,
        origin=MeetingOrigin.request.value,
        request_id=req.id,
        party_key=party_key([req.requester_id, req.recipient_id]),
        created_by_id=actor.id,
    )
    insert_meeting(session, meeting, field="request_id")
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
    record_created(session, actor, meeting, [req.requester_id, req.recipient_id])
    org = registration.organisation_display(session, recipient)
    enqueue(
        session,
        kind="request_accepted",
        to_participant=requester,
        event=event,
        request_id=req.id,
        meeting_id=meeting.id,
        context={
            "counterpart": recipient.full_name,
            "counterpart_org": org.name,
            "counterpart_org_en": org.english,
            "self_booking": event.booking_mode == BookingMode.self_service.value,
        },
    )
    session.flush()
    return meeting


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
    reason = require_reason(reason, "give a reason; the person who asked will read it")
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
        person = own_participant(session, viewer, event)
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
    rows = session.exec(
        query.order_by(col(MeetingRequest.created_at).desc(), col(MeetingRequest.id).desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return list(rows), page_total(session, query, rows, limit, offset)
