"""Feedback on held meetings: the form (also by a signed link), the list, the request e-mails."""

from __future__ import annotations

import hashlib
import hmac
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app import clock
from app.audit.service import diff, record
from app.auth.models import User
from app.errors import (
    Conflict,
    DomainError,
    FieldError,
    Forbidden,
    Invalid,
    Msg,
    NotFound,
    Unauthorized,
    _l,
)
from app.events import service as events
from app.events.models import (
    Event,
    EventSession,
    SessionKind,
)
from app.links import absolute_url
from app.meetings.models import Meeting, MeetingParticipant, MeetingStatus
from app.notifications.service import enqueue
from app.outcomes.day import agenda_items
from app.outcomes.models import (
    FeedbackRequest,
    MeetingFeedback,
)
from app.outcomes.schemas import FeedbackIn
from app.pagination import page_total
from app.registration import service as registration
from app.registration.delegations import headed_ids
from app.registration.models import (
    Participant,
)
from app.settings import get_settings
from app.types import pk

FEEDBACK_LINK_DAYS = 60
FEEDBACK_REQUEST_WINDOW = timedelta(days=30)


# ---- feedback -----------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedbackGrant:
    participant_id: int
    meeting_id: int
    expires_at: datetime


def _feedback_mac(participant_id: int, meeting_id: int, expires: int) -> str:
    key = get_settings().secret_key.get_secret_value().encode()
    message = f"feedback|{participant_id}|{meeting_id}|{expires}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:40]


def feedback_token(participant_id: int, meeting_id: int, *, now: datetime | None = None) -> str:
    """A token that lets one person give feedback on one meeting for 60 days, without an
    account: '<participant>.<meeting>.<expiry>.<HMAC-SHA256 with the secret key>'."""
    expires = int(((now or clock.now()) + timedelta(days=FEEDBACK_LINK_DAYS)).timestamp())
    mac = _feedback_mac(participant_id, meeting_id, expires)
    return f"{participant_id}.{meeting_id}.{expires}.{mac}"


def feedback_path(event_id: int, meeting_id: int) -> str:
    return f"/events/{event_id}/meetings/{meeting_id}/feedback"


def feedback_link(
    participant: Participant, meeting: Meeting, *, now: datetime | None = None
) -> str:
    token = feedback_token(pk(participant), pk(meeting), now=now)
    return absolute_url(feedback_path(participant.event_id, pk(meeting)), token=token)


def _bad_token(message: str) -> DomainError:
    return DomainError(
        detail=_l("the feedback link {message}; ask the organisers for a new one", message=message),
        status=403,
        title="Forbidden",
        type_slug="forbidden",
        errors=[FieldError("token", message)],
    )


def verify_feedback_token(token: str, *, now: datetime | None = None) -> FeedbackGrant:
    parts = token.strip().split(".")
    if len(parts) != 4 or not all(p.isdigit() for p in parts[:3]):
        raise _bad_token(_l("is not valid"))
    participant_id, meeting_id, expires = (int(p) for p in parts[:3])
    if not hmac.compare_digest(_feedback_mac(participant_id, meeting_id, expires), parts[3]):
        raise _bad_token(_l("is not valid"))
    try:
        expires_at = datetime.fromtimestamp(expires, UTC)
    except (OverflowError, OSError, ValueError):
        raise _bad_token(_l("is not valid")) from None
    if (now or clock.now()) >= expires_at:
        raise _bad_token(_l("has expired"))
    return FeedbackGrant(participant_id, meeting_id, expires_at)


def feedback_of(
    session: Session, *, participant_id: int, meeting_id: int
) -> MeetingFeedback | None:
    return session.exec(
        select(MeetingFeedback).where(
            MeetingFeedback.participant_id == participant_id,
            MeetingFeedback.meeting_id == meeting_id,
        )
    ).first()


def acted_for_ids(session: Session, user: User, event: Event) -> set[int]:
    """The registrations the user acts for in the event: their own and, for a delegation
    head, the delegation's members."""
    ids: set[int] = set()
    own = registration.participant_for_user(session, event_id=pk(event), user=user)
    if own is not None and registration.is_self(own, user):
        ids.add(pk(own))
    headed = headed_ids(user, pk(event))
    ids.update(
        session.exec(select(Participant.id).where(col(Participant.delegation_id).in_(headed))).all()  # type: ignore[arg-type]
    )
    return ids


def submit_feedback(
    session: Session,
    *,
    event_id: int,
    data: FeedbackIn,
    actor: User | None = None,
    token: str | None = None,
    now: datetime | None = None,
) -> tuple[MeetingFeedback, bool]:
    """A person of the meeting (or whoever acts for them; or anyone holding the signed link
    of the feedback e-mail) says whether it was held, rates it and says whether to go on.
    Giving it again updates it. Returns (row, created)."""
    if token is not None:
        grant = verify_feedback_token(token, now=now)
        for name, given, granted in (
            ("meeting_id", data.meeting_id, grant.meeting_id),
            ("participant_id", data.participant_id, grant.participant_id),
        ):
            if given is not None and given != granted:
                raise _bad_token(_l("is for another {what}", what=Msg(name.removesuffix("_id"))))
        event = events.get_event(session, event_id, viewer=actor)
        meeting_id, participant_id = grant.meeting_id, grant.participant_id
        person = registration.get_participant(
            session, event_id=event_id, participant_id=participant_id
        )
    else:
        if actor is None:
            raise Unauthorized()
        event = events.get_event(session, event_id, viewer=actor)
        if data.participant_id is None:
            own = registration.participant_for_user(session, event_id=event_id, user=actor)
            if own is None:
                if events.can_manage(session, actor, event):
                    raise Invalid("participant_id", "say whose feedback this is")
                raise Forbidden("Only the people of a meeting can give feedback on it")
            person = own
        else:
            person = registration.get_participant(
                session, event_id=event_id, participant_id=data.participant_id
            )
        registration.require_act_for(session, actor, event, person)
        if data.meeting_id is None:
            raise Invalid("meeting_id", "say which meeting the feedback is about")
        meeting_id = data.meeting_id
        participant_id = pk(person)
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.event_id != pk(event):
        raise NotFound("Meeting", meeting_id)
    if session.get(MeetingParticipant, (meeting_id, participant_id)) is None:
        raise Invalid(
            "participant_id",
            _l(
                "{person_full_name} is not a person of this meeting",
                person_full_name=person.full_name,
            ),
        )
    if meeting.status == MeetingStatus.cancelled.value:
        raise Conflict("the meeting was cancelled", [FieldError("meeting_id", "cancelled")])
    if meeting.slot_id is None:
        raise Conflict(
            "the meeting has no time yet; give feedback after it",
            [FieldError("meeting_id", "not booked")],
        )
    if not data.held and data.rating is not None:
        raise Invalid("rating", "a meeting that did not take place cannot be rated")
    if data.next_steps and not data.wants_to_continue:
        raise Invalid("next_steps", "next steps go with wanting to continue")
    values: dict[str, Any] = {
        "held": data.held,
        "rating": data.rating,
        "wants_to_continue": data.wants_to_continue,
        "next_steps": [s.value for s in data.next_steps],
        "comment": data.comment,
    }
    by = actor.id if actor is not None and token is None else None
    row = feedback_of(session, participant_id=participant_id, meeting_id=meeting_id)
    created = row is None
    if row is None:
        row = MeetingFeedback(
            event_id=pk(event),
            meeting_id=meeting_id,
            participant_id=participant_id,
            submitted_by_id=by,
            **values,
        )
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
        except IntegrityError:
            # The same form sent twice at once: the other one created it; update that one.
            winner = feedback_of(session, participant_id=participant_id, meeting_id=meeting_id)
            if winner is None:
                raise
            row, created = winner, False
    before = {} if created else {k: getattr(row, k) for k in values}
    if not created:
        for key, value in values.items():
            setattr(row, key, value)
        row.updated_at = clock.now()
        row.submitted_by_id = by
        session.add(row)
    changes = diff(before, values)
    if created or changes:
        record(
            session,
            actor_id=by,
            action="feedback.create" if created else "feedback.update",
            entity="meeting_feedback",
            entity_id=row.id,
            event_id=pk(event),
            changes={**changes, "meeting_id": [None, meeting_id], "via_link": [None, by is None]},
        )
    session.flush()
    return row, created


def list_feedback(
    session: Session,
    *,
    viewer: User,
    event_id: int,
    meeting_id: int | None = None,
    participant_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[MeetingFeedback], int]:
    """Organisers read every answer; others the answers of the people they act for."""
    event = events.get_event(session, event_id, viewer=viewer)
    query = select(MeetingFeedback).where(MeetingFeedback.event_id == event_id)
    if not events.can_manage(session, viewer, event):
        mine = acted_for_ids(session, viewer, event)
        if not mine:
            raise Forbidden("Only the organisers and the people of a meeting can read feedback")
        query = query.where(col(MeetingFeedback.participant_id).in_(mine))
    if meeting_id is not None:
        query = query.where(MeetingFeedback.meeting_id == meeting_id)
    if participant_id is not None:
        query = query.where(MeetingFeedback.participant_id == participant_id)
    rows = session.exec(
        query.order_by(col(MeetingFeedback.meeting_id), col(MeetingFeedback.participant_id))
        .limit(limit)
        .offset(offset)
    ).all()
    return list(rows), page_total(session, query, rows, limit, offset)


@dataclass(frozen=True)
class FeedbackRequests:
    queued: int  # e-mails added to the outbox now
    already_sent: int  # people who had theirs after an earlier run
    without_email: int  # people with held meetings but no e-mail address


def send_feedback_requests(
    session: Session,
    *,
    event_id: int,
    session_id: int,
    actor: User | None = None,
    now: datetime | None = None,
) -> FeedbackRequests:
    """E-mail everyone who was present at a held meeting of the session one message with a
    feedback link per meeting. Once per person and session, whoever runs it (organisers
    from the page, ``ketnoi remind`` without an actor)."""
    if actor is not None:
        event = events.managed_event(session, actor, event_id)
    else:
        found = session.get(Event, event_id)
        if found is None:
            raise NotFound("Event", event_id)
        event = found
    row = events.get_session(session, event_id=event_id, session_id=session_id)
    held = session.exec(
        select(Meeting, MeetingParticipant)
        .join(MeetingParticipant, col(MeetingParticipant.meeting_id) == col(Meeting.id))
        .where(
            Meeting.session_id == pk(row),
            Meeting.status == MeetingStatus.held.value,
            col(MeetingParticipant.attendance).is_distinct_from("absent"),
        )
    ).all()
    per_person: dict[int, list[Meeting]] = defaultdict(list)
    for meeting, mp in held:
        per_person[mp.participant_id].append(meeting)
    sent = set(
        session.exec(
            select(FeedbackRequest.participant_id).where(FeedbackRequest.session_id == pk(row))
        ).all()
    )
    queued = already = without = 0
    for person in session.exec(
        select(Participant)
        .where(col(Participant.id).in_(list(per_person)))
        .order_by(col(Participant.id))
    ).all():
        if pk(person) in sent:
            already += 1
            continue
        if not person.email:
            without += 1
            continue
        theirs = {pk(m): m for m in per_person[pk(person)]}
        items = [
            {
                "counterpart": item.counterpart,
                "starts_at": item.starts_at,
                "table_number": item.table_number,
                "link": feedback_link(person, theirs[item.meeting_id], now=now),
            }
            for item in agenda_items(session, event, person)
            if item.meeting_id in theirs
        ]
        try:
            with session.begin_nested():
                session.add(
                    FeedbackRequest(
                        participant_id=pk(person),
                        session_id=pk(row),
                        meeting_count=len(items),
                        sent_at=now or clock.now(),
                    )
                )
                session.flush()
                enqueue(
                    session,
                    kind="feedback_request",
                    to_participant=person,
                    event=event,
                    context={
                        "meetings": items,
                        "session_title_vi": row.title_vi,
                        "session_title_en": row.title_en or row.title_vi,
                    },
                )
                session.flush()
        except IntegrityError:
            already += 1  # a concurrent run sent this one
            continue
        queued += 1
    if queued:
        record(
            session,
            actor_id=actor.id if actor else None,
            action="feedback.request",
            entity="event_session",
            entity_id=pk(row),
            event_id=event_id,
            changes={"queued": [None, queued]},
        )
    session.flush()
    return FeedbackRequests(queued, already, without)


def sessions_due_for_feedback(
    session: Session, *, now: datetime | None = None
) -> list[EventSession]:
    """Matchmaking sessions that ended within the last 30 days and have held meetings."""
    now = now or clock.now()
    held = select(Meeting.session_id).where(Meeting.status == MeetingStatus.held.value)
    return list(
        session.exec(
            select(EventSession)
            .where(
                EventSession.kind == SessionKind.matchmaking.value,
                col(EventSession.ends_at) <= now,
                col(EventSession.ends_at) > now - FEEDBACK_REQUEST_WINDOW,
                col(EventSession.id).in_(held),
            )
            .order_by(col(EventSession.id))
        ).all()
    )
