"""Video links of online and hybrid meetings: the meeting's own link, or its session's
pattern such as ``https://meet.jit.si/ketnoi-{event}-{meeting}-{token}`` (a Jitsi room needs
no account). ``{token}`` is derived from the secret key, so a room's name cannot be guessed
from the event and meeting numbers."""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlsplit

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.errors import FieldError, Invalid, _l
from app.events.models import EventSession
from app.meetings.models import Meeting, MeetingStatus
from app.reminders.models import MeetingMode
from app.settings import get_settings
from app.types import utcnow

PLACEHOLDERS = ("{event}", "{meeting}", "{token}")
MODES = tuple(m.value for m in MeetingMode)


def room_token(event_id: int, meeting_id: int) -> str:
    key = get_settings().secret_key.get_secret_value().encode()
    message = f"video-room:{event_id}:{meeting_id}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:16]


def fill_pattern(pattern: str, event_id: int, meeting_id: int) -> str:
    return (
        pattern.replace("{event}", str(event_id))
        .replace("{meeting}", str(meeting_id))
        .replace("{token}", room_token(event_id, meeting_id))
    )


def link_for(meeting: Meeting, session_row: EventSession | None) -> str:
    """The link people join by; "" for on-site meetings and when none is set."""
    if meeting.mode == MeetingMode.onsite.value or meeting.id is None:
        return ""
    if meeting.video_url:
        return meeting.video_url
    if session_row is not None and session_row.video_pattern:
        return fill_pattern(session_row.video_pattern, meeting.event_id, meeting.id)
    return ""


def video_link(session: Session, meeting: Meeting) -> str:
    row = session.get(EventSession, meeting.session_id) if meeting.session_id else None
    return link_for(meeting, row)


def url_problem(value: str, *, pattern: bool = False) -> FieldError | None:
    """Why ``value`` is not an acceptable link (None when it is, or empty)."""
    value = value.strip()
    if not value:
        return None
    if len(value) > 500:
        return FieldError("", _l("must be at most {n} characters", n=500))
    probe = value
    if pattern:
        for placeholder in PLACEHOLDERS:
            probe = probe.replace(placeholder, "x")
        if "{" in probe or "}" in probe:
            return FieldError(
                "", _l("may only use the placeholders {names}", names=", ".join(PLACEHOLDERS))
            )
    parts = urlsplit(probe)
    if parts.scheme != "https" or not parts.hostname or any(c.isspace() for c in probe):
        return FieldError("", _l("must be a web address starting with https://"))
    return None


def check_url(field: str, value: str, *, pattern: bool = False) -> str:
    problem = url_problem(value, pattern=pattern)
    if problem is not None:
        raise Invalid(field, problem.message)
    return value.strip()


def set_session_pattern(session: Session, session_row: EventSession, pattern: str) -> None:
    session_row.video_pattern = check_url("video_pattern", pattern, pattern=True)
    session.add(session_row)
    session.flush()


def set_session_online(
    session: Session, session_row: EventSession, *, pattern: str, mode: str | None
) -> None:
    """A session's video-link pattern and, unless ``mode`` is None (keep each meeting's own),
    how all its meetings are held. Both fields are checked before anything is written."""
    errors: list[FieldError] = []
    if mode is not None and mode not in MODES:
        errors.append(_mode_error())
    problem = url_problem(pattern, pattern=True)
    if problem is not None:
        errors.append(FieldError("video_pattern", problem.message))
    if errors:
        raise Invalid(errors[0].field, errors[0].message, *errors[1:])
    set_session_pattern(session, session_row, pattern)
    if mode is None:
        return
    meetings = session.exec(
        select(Meeting).where(
            Meeting.session_id == session_row.id,
            col(Meeting.status) != MeetingStatus.cancelled.value,
        )
    ).all()
    for meeting in meetings:
        set_meeting_online(session, meeting, mode=mode, video_url=meeting.video_url)


def modes_by_session(session: Session, *, event_id: int) -> dict[int, dict[str, int]]:
    """Session id -> {mode: number of meetings not cancelled}, counted in SQL."""
    rows = session.exec(
        select(Meeting.session_id, Meeting.mode, func.count())
        .where(
            Meeting.event_id == event_id,
            col(Meeting.session_id).is_not(None),
            col(Meeting.status) != MeetingStatus.cancelled.value,
        )
        .group_by(col(Meeting.session_id), col(Meeting.mode))
    ).all()
    counts: dict[int, dict[str, int]] = {}
    for session_id, mode, n in rows:
        if session_id is not None:
            counts.setdefault(session_id, {})[mode] = int(n)
    return counts


def _mode_error() -> FieldError:
    return FieldError("mode", _l("must be one of {values}", values=", ".join(MODES)))


def set_meeting_online(session: Session, meeting: Meeting, *, mode: str, video_url: str) -> None:
    """Set how a meeting is held. A change of mode or link is a new revision: the people's
    calendars update and a new reminder goes out."""
    errors: list[FieldError] = []
    if mode not in MODES:
        errors.append(_mode_error())
    problem = url_problem(video_url)
    if problem is not None:
        errors.append(FieldError("video_url", problem.message))
    if errors:
        raise Invalid(errors[0].field, errors[0].message, *errors[1:])
    video_url = video_url.strip()
    if (meeting.mode, meeting.video_url) != (mode, video_url):
        meeting.mode, meeting.video_url = mode, video_url
        meeting.revision += 1
        meeting.updated_at = utcnow()
        session.add(meeting)
        session.flush()
