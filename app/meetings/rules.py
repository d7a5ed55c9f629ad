"""The event's meeting rules (booking mode, caps, request deadline) and the checks every
meeting command shares."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult
from sqlmodel import Session

from app.audit.service import diff, record
from app.auth.models import User
from app.errors import Conflict, FieldError, Invalid, NotFound, NotRegistered, _l
from app.events import service as events
from app.events.models import (
    BookingMode,
    Event,
    EventStatus,
    EventUpdate,
    Slot,
)
from app.i18n.words import status_error, status_word
from app.meetings.models import (
    ACTIVE_STATUSES,
    Meeting,
    MeetingSettings,
    MeetingStatus,
)
from app.meetings.schemas import (
    MeetingSettingsUpdate,
)
from app.registration import service as registration
from app.registration.models import ApprovalStatus, Participant
from app.types import pk, utcnow

ACTIVE_VALUES = [s.value for s in ACTIVE_STATUSES]


OPEN_VALUES = (MeetingStatus.proposed.value, MeetingStatus.confirmed.value)  # still changeable


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


def approved_participant(
    session: Session, event_id: int, participant_id: int, field: str
) -> Participant:
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


def own_participant(session: Session, user: User, event: Event) -> Participant:
    own = registration.participant_for_user(session, event_id=pk(event), user=user)
    if own is None:
        raise NotRegistered("You are not registered for this event")
    return own


def check_event_running(event: Event) -> None:
    if event.status == EventStatus.closed.value:
        raise Conflict(
            "this event is closed: meetings can no longer change",
            [FieldError("event_id", "the event is closed")],
        )


def require_open(meeting: Meeting) -> None:
    if meeting.status not in OPEN_VALUES:
        raise Conflict(
            _l(
                "this meeting is {meeting_status} and can no longer change",
                meeting_status=status_word(meeting.status),
            ),
            [status_error(meeting.status)],
        )


def people_names(participants: Iterable[Participant]) -> str:
    return ", ".join(p.full_name for p in participants)


def slot_label(slot: Slot, event: Event) -> str:
    local = slot.starts_at.astimezone(events.event_zone(event))
    return _l("slot {number} ({time})", number=slot.number, time=f"{local:%H:%M}")


def cursor(result: Any) -> CursorResult[Any]:
    return cast(CursorResult[Any], result)


REASON_MAX = 1000  # the columns' length (decline_reason, cancelled_reason)


def require_reason(text: str, empty: str) -> str:
    """A reason people will read: required, and no longer than its column holds."""
    reason = text.strip()
    if not reason:
        raise Invalid("reason", empty)
    if len(reason) > REASON_MAX:
        raise Invalid("reason", "at most 1000 characters")
    return reason
