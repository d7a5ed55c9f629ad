"""Queue the reminders that fall due: the day before (the person's agenda as a PDF and the
calendar link) and a few minutes before each meeting.

Each reminder is claimed by inserting a ``reminder_sent`` row, unique per meeting, revision,
kind and person, in a savepoint together with its outbox row: two workers running at once
never queue the same reminder, and a meeting that moves (a new revision) gets its own.
Cancelled meetings and meetings already begun get none.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.errors import FieldError, Invalid, _l
from app.events import service as events
from app.events.models import Event, Slot
from app.exports import pdf
from app.exports import service as exports
from app.exports.views import MeetingView, PartyView
from app.links import absolute_url
from app.meetings.models import Meeting, MeetingParticipant, MeetingStatus
from app.notifications.service import enqueue
from app.registration.models import ApprovalStatus, Participant
from app.reminders import languages
from app.reminders.models import (
    DEFAULT_DAY_BEFORE_HOUR,
    DEFAULT_MINUTES_BEFORE,
    OutboxAttachment,
    ReminderKind,
    ReminderSent,
    ReminderSettings,
)
from app.types import pk, utcnow

# Reminders go for meetings that still wait to be held.
REMINDED_STATUSES = (MeetingStatus.proposed.value, MeetingStatus.confirmed.value)
MAX_MINUTES_BEFORE = 240


@dataclass
class ReminderReport:
    day_before: int = 0  # e-mails queued
    soon: int = 0


def reminder_settings(session: Session, event_id: int) -> ReminderSettings:
    row = session.get(ReminderSettings, event_id)
    return row or ReminderSettings(
        event_id=event_id,
        enabled=True,
        day_before_hour=DEFAULT_DAY_BEFORE_HOUR,
        minutes_before=DEFAULT_MINUTES_BEFORE,
    )


def update_settings(
    session: Session,
    *,
    event_id: int,
    enabled: bool,
    day_before_hour: object,
    minutes_before: object,
) -> ReminderSettings:
    """Validate and store; every error at once, each naming its field."""
    errors: list[FieldError] = []
    hour = _whole(day_before_hour)
    if hour is None or not 0 <= hour <= 23:
        errors.append(FieldError("day_before_hour", _l("must be a whole hour from 0 to 23")))
    minutes = _whole(minutes_before)
    if minutes is None or not 1 <= minutes <= MAX_MINUTES_BEFORE:
        errors.append(
            FieldError(
                "minutes_before",
                _l("must be a whole number of minutes from 1 to {n}", n=MAX_MINUTES_BEFORE),
            )
        )
    if errors:
        raise Invalid(errors[0].field, errors[0].message, *errors[1:])
    assert hour is not None
    assert minutes is not None
    row = session.get(ReminderSettings, event_id) or ReminderSettings(event_id=event_id)
    row.enabled, row.day_before_hour, row.minutes_before = enabled, hour, minutes
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    return row


def _whole(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


# ---- selection ------------------------------------------------------------------------------


def _events(session: Session) -> list[tuple[Event, ReminderSettings]]:
    """Events whose reminders are on and whose schedule people may see."""
    rows = session.exec(select(Event)).all()
    out = []
    for event in rows:
        settings = reminder_settings(session, pk(event))
        if settings.enabled and events.schedule_visible(session, None, event):
            out.append((event, settings))
    return out


def _upcoming(
    session: Session, event_id: int, start: datetime, end: datetime
) -> list[tuple[Meeting, datetime]]:
    rows = session.exec(
        select(Meeting, Slot.starts_at)
        .join(Slot, col(Slot.id) == col(Meeting.slot_id))
        .where(
            Meeting.event_id == event_id,
            col(Meeting.status).in_(REMINDED_STATUSES),
            col(Slot.starts_at) > start,
            col(Slot.starts_at) <= end,
        )
        .order_by(col(Slot.starts_at), col(Meeting.id))
    ).all()
    return [(m, s) for m, s in rows]


def _already(session: Session, kind: str, meetings: Sequence[Meeting]) -> set[tuple[int, int, int]]:
    ids = [pk(m) for m in meetings]
    done: set[tuple[int, int, int]] = set()
    for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
        for r in session.exec(
            select(ReminderSent).where(
                ReminderSent.kind == kind, col(ReminderSent.meeting_id).in_(chunk)
            )
        ).all():
            done.add((r.meeting_id, r.revision, r.participant_id))
    return done


def _claim(
    session: Session, kind: str, pairs: Sequence[tuple[Meeting, int]]
) -> list[ReminderSent] | None:
    """Insert the rows; None when another worker holds or has queued one of them."""
    rows = [
        ReminderSent(meeting_id=pk(m), revision=m.revision, kind=kind, participant_id=person)
        for m, person in pairs
    ]
    session.add_all(rows)
    try:
        session.flush()
    except IntegrityError:
        return None
    return rows


# ---- texts ----------------------------------------------------------------------------------


def _names(parties: Sequence[PartyView]) -> str:
    return "; ".join(p.display_name() for p in parties)


def _calendar_url(session: Session, person: Participant) -> str:
    """The person's calendar feed; a link is made for them if they have none (an existing
    one is stored only as a digest, so it is pointed to through the agenda page)."""
    if exports.active_calendar_token(session, participant_id=pk(person)) is not None:
        return absolute_url(f"/events/{person.event_id}/calendar")
    token = exports.issue_calendar_token(session, participant_id=pk(person))
    return exports.feed_urls(person.event_id, pk(person), token)[0]


# ---- queueing -------------------------------------------------------------------------------


def _reachable(person: Participant | None) -> bool:
    """Approved people with an e-mail address (a withdrawn registration gets no reminder)."""
    return person is not None and bool(person.email) and person.status == ApprovalStatus.approved


def queue_soon(session: Session, now: datetime | None = None) -> int:
    now = now or utcnow()
    queued = 0
    for event, settings in _events(session):
        lead = timedelta(minutes=settings.minutes_before)
        due = _upcoming(session, pk(event), now, now + lead)
        if not due:
            continue
        meetings = [m for m, _ in due]
        done = _already(session, ReminderKind.soon.value, meetings)
        loaded = exports._meeting_views(session, event, meetings)
        zone = ZoneInfo(event.timezone)
        for meeting, starts_at in due:
            view = loaded.views.get(pk(meeting))
            if view is None:
                continue
            for mp in loaded.people_of[pk(meeting)]:
                if (pk(meeting), meeting.revision, mp.participant_id) in done:
                    continue
                person = loaded.people.participants.get(mp.participant_id)
                if person is None or not _reachable(person):
                    continue
                queued += _queue_one_soon(
                    session,
                    event,
                    meeting,
                    view,
                    person,
                    starts_at.astimezone(zone),
                    settings.minutes_before,
                )
    return queued


def _queue_one_soon(
    session: Session,
    event: Event,
    meeting: Meeting,
    view: MeetingView,
    person: Participant,
    starts_at: datetime,
    minutes: int,
) -> int:
    with session.begin_nested() as savepoint:
        claimed = _claim(session, ReminderKind.soon.value, [(meeting, pk(person))])
        if claimed is None:
            savepoint.rollback()
            return 0
        locale, second = languages.languages_of(session, person)
        others = view.counterparts(pk(person))
        row = enqueue(
            session,
            kind="reminder_soon",
            to_participant=person,
            event=event,
            meeting_id=pk(meeting),
            second=second,
            locale=locale,
            context={
                "minutes": minutes,
                "starts_at": starts_at,
                "place": languages.place(view, locale),
                "place_second": languages.place(view, second) if second else "",
                "counterpart": _names(others),
                "organisation": languages.organisations(others, locale),
                "organisation_second": languages.organisations(others, second or locale),
                "topics": languages.topics(view, locale),
                "topics_second": languages.topics(view, second or locale),
                "interpreter": _names(
                    [p for p in view.interpreters() if p.participant_id != pk(person)]
                ),
                "link": view.video_url,
            },
        )
        session.flush()
        claimed[0].outbox_id = row.id if row else None
    return 1


def queue_day_before(session: Session, now: datetime | None = None) -> int:
    now = now or utcnow()
    queued = 0
    for event, settings in _events(session):
        zone = ZoneInfo(event.timezone)
        local = now.astimezone(zone)
        if local.hour < settings.day_before_hour:
            continue
        tomorrow = local.date() + timedelta(days=1)
        start = datetime.combine(tomorrow, time(0), zone)
        due = _upcoming(session, pk(event), max(now, start), start + timedelta(days=1))
        if not due:
            continue
        meetings = [m for m, _ in due]
        done = _already(session, ReminderKind.day_before.value, meetings)
        people_of = defaultdict(list)
        for mp in session.exec(
            select(MeetingParticipant).where(
                col(MeetingParticipant.meeting_id).in_([pk(m) for m in meetings])
            )
        ).all():
            people_of[mp.participant_id].append(mp.meeting_id)
        by_id = {pk(m): m for m in meetings}
        for person_id, meeting_ids in people_of.items():
            pending = [
                by_id[i] for i in meeting_ids if (i, by_id[i].revision, person_id) not in done
            ]
            if not pending:
                continue
            person = session.get(Participant, person_id)
            if person is None or not _reachable(person):
                continue
            queued += _queue_one_day_before(
                session, event, person, [by_id[i] for i in meeting_ids], pending, tomorrow
            )
    return queued


def _queue_one_day_before(
    session: Session,
    event: Event,
    person: Participant,
    meetings: list[Meeting],
    pending: list[Meeting],
    day: date,
) -> int:
    with session.begin_nested() as savepoint:
        claimed = _claim(session, ReminderKind.day_before.value, [(m, pk(person)) for m in pending])
        if claimed is None:
            savepoint.rollback()
            return 0
        locale, second = languages.languages_of(session, person)
        loaded = exports._meeting_views(session, event, meetings)
        zone = ZoneInfo(event.timezone)
        views = sorted(loaded.views.values(), key=lambda v: v.sort_key())
        lines = [
            {
                "time": f"{v.starts_at.astimezone(zone):%H:%M}",
                "place": languages.place(v, locale),
                "place_second": languages.place(v, second) if second else "",
                "topics": languages.topics(v, locale),
                "topics_second": languages.topics(v, second or locale),
                "counterpart": _names(v.counterparts(pk(person))),
                "interpreter": _names(
                    [p for p in v.interpreters() if p.participant_id != pk(person)]
                ),
                "link": v.video_url,
            }
            for v in views
        ]
        agenda = exports.person_view(
            session, event, person, show_times=True, include_cancelled=False
        )
        body = pdf.render_personal_agenda(exports.event_view(event), agenda)
        row = enqueue(
            session,
            kind="reminder_day_before",
            to_participant=person,
            event=event,
            second=second,
            locale=locale,
            context={
                "day": f"{day:%d/%m/%Y}",
                "day_date": day,
                "meetings": lines,
                "calendar_url": _calendar_url(session, person),
            },
        )
        session.flush()
        if row is not None:
            session.add(
                OutboxAttachment(
                    outbox_id=pk(row),
                    filename=f"agenda-{exports.slug(person.full_name, str(pk(person)))}.pdf",
                    content_type="application/pdf",
                    data=body,
                )
            )
            for claim in claimed:
                claim.outbox_id = row.id
    return 1


def queue_due(session: Session, now: datetime | None = None) -> ReminderReport:
    """Both kinds; the caller commits."""
    now = now or utcnow()
    return ReminderReport(day_before=queue_day_before(session, now), soon=queue_soon(session, now))
