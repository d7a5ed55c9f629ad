"""Calendars (RFC 5545): the public programme, one meeting, a participant's meetings.

Every output is a pure function of its inputs: no "now", no random UID. A feed that phones
poll every hour is therefore byte-identical (same ETag, a 304) until a meeting changes, and a
change shows up as a higher SEQUENCE on the same UID, which is what makes a subscribed
calendar move or remove the event instead of adding a second one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, vDuration

from app.exports.views import (
    EventView,
    MeetingState,
    MeetingView,
    PartyView,
    PersonAgendaView,
    SessionView,
    country_name,
    in_time_order,
    language_name,
)
from app.i18n import gettext_for, pick_locale
from app.i18n.documents import SECOND_LANGUAGES, second_text

MEDIA_TYPE = "text/calendar; charset=utf-8"
PRODID = "-//Ket Noi//Technology supply-demand connection//VI"
REFRESH = timedelta(hours=1)
# Calendars in the delegate's own language beside Vietnamese and English (app.i18n.documents).
OWN_LANGUAGES = frozenset(SECOND_LANGUAGES) - {"en"}


def _t(locale: str, message: str, **values: object) -> str:
    if locale in OWN_LANGUAGES:
        text = second_text(message, locale)
    else:
        text = gettext_for(locale).gettext(message)
    return text % values if values else text


def _label(locale: str, message: str, **values: object) -> str:
    """A label or sentence of a calendar: in a delegate's own language it reads
    "Vietnamese / own language" ("Sự kiện / イベント"), like the printed agenda's headings."""
    if locale in OWN_LANGUAGES:
        return f"{_t('vi', message, **values)} / {_t(locale, message, **values)}"
    return _t(locale, message, **values)


def _own(person: PersonAgendaView) -> str:
    return person.second if person.second in OWN_LANGUAGES else pick_locale(person.language)


def _data(locale: str) -> str:
    """The language in which stored texts are picked: titles, organisations and countries are
    kept in Vietnamese and English, so a Japanese, Korean or Chinese calendar shows English
    (as the printed agenda does; the Vietnamese half of its summary shows Vietnamese)."""
    return "en" if locale in OWN_LANGUAGES else locale


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def meeting_uid(event: EventView, meeting_id: int) -> str:
    return f"meeting-{meeting_id}@{event.host}"


def session_uid(event: EventView, session_id: int) -> str:
    return f"session-{session_id}@{event.host}"


def etag(data: bytes) -> str:
    """A strong ETag (quoted) for a response body."""
    return '"' + hashlib.sha256(data).hexdigest()[:32] + '"'


# ---- time zone -----------------------------------------------------------------------------


@lru_cache(maxsize=32)
def _vtimezone_ical(zone: str, first: date, last: date) -> bytes:
    # Generating the transitions from zoneinfo takes ~10 ms: once per zone and range, not
    # once per feed request.
    return Timezone.from_tzinfo(
        ZoneInfo(zone), tzid=zone, first_date=first, last_date=last
    ).to_ical()


def _vtimezone(event: EventView, moments: Iterable[datetime]) -> Timezone:
    # The range is derived from the data only (never from today), so that the output stays
    # byte-stable, and it is wide enough for every meeting of the event.
    years = [event.start_date.year, event.end_date.year, *(m.year for m in moments)]
    first = date(min(years) - 1, 1, 1)
    last = date(max(years) + 2, 1, 1)
    component = Timezone.from_ical(_vtimezone_ical(event.timezone, first, last))
    assert isinstance(component, Timezone)
    # icalendar adds an English COMMENT on the covered range; calendars show it to people.
    component.pop("COMMENT", None)
    return component


# ---- calendar envelope ---------------------------------------------------------------------


def _calendar(event: EventView, *, name: str, feed: bool) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    # PUBLISH, never REQUEST: nobody is asked to RSVP; the organiser owns the schedule.
    calendar.add("method", "PUBLISH")
    if feed:
        calendar.add("name", name)
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", event.timezone)
        calendar.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(REFRESH))
    return calendar


def _finish(calendar: Calendar, event: EventView, moments: Sequence[datetime]) -> bytes:
    if moments:
        calendar.subcomponents.insert(0, _vtimezone(event, moments))
    return calendar.to_ical()


def _timed_event(
    event: EventView,
    *,
    uid: str,
    revision: int,
    changed_at: datetime,
    starts_at: datetime,
    ends_at: datetime,
    status: str,
) -> Event:
    zone = event.zone
    vevent = Event()
    vevent.add("uid", uid)
    vevent.add("sequence", revision)
    # DTSTAMP is "when this object was last revised" for PUBLISH without a scheduling
    # method; taking the meeting's own change time keeps the output stable between changes.
    vevent.add("dtstamp", _utc(changed_at))
    vevent.add("last-modified", _utc(changed_at))
    vevent.add("dtstart", starts_at.astimezone(zone))
    vevent.add("dtend", ends_at.astimezone(zone))
    vevent.add("status", status)
    vevent.add("transp", "TRANSPARENT" if status == "CANCELLED" else "OPAQUE")
    return vevent


def _ical_status(status: str) -> str:
    if status == MeetingState.cancelled:
        return "CANCELLED"
    if status == MeetingState.proposed:
        return "TENTATIVE"
    return "CONFIRMED"


# ---- meeting texts -------------------------------------------------------------------------


def _party_line(party: PartyView, locale: str) -> str:
    """'Lin Wei-Ting (林薇婷), Sales director, Formosa Precision (台灣精密), Đài Loan'."""
    parts = [party.display_name(), party.position, party.organisation_name(_data(locale))]
    parts.append(country_name(party.country, _data(locale)))
    return ", ".join(p for p in parts if p)


def _party_short(party: PartyView, locale: str) -> str:
    organisation = party.organisation_name(_data(locale))
    return f"{party.display_name()} – {organisation}" if organisation else party.display_name()


def table_text(meeting: MeetingView, locale: str) -> str:
    """'Bàn 5' / 'Table 5', with the table's label when it has one."""
    if meeting.table_number is None:
        return _t(locale, "Table to be announced")
    text = _t(locale, "Table %(number)s", number=meeting.table_number)
    return f"{text} ({meeting.table_label})" if meeting.table_label else text


def _table_both(meeting: MeetingView, locale: str) -> str:
    if locale in OWN_LANGUAGES:
        return f"{table_text(meeting, 'vi')} / {table_text(meeting, locale)}"
    return table_text(meeting, locale)


def _location(event: EventView, meeting: MeetingView, locale: str) -> str:
    if meeting.mode == "online" and meeting.video_url:
        return meeting.video_url
    parts = [_table_both(meeting, locale), meeting.room, event.venue, event.address]
    if meeting.video_url:  # hybrid: the table, and the link for those joining online
        parts.append(meeting.video_url)
    return ", ".join(p for p in parts if p)


def _summary(meeting: MeetingView, participant_id: int | None, locale: str) -> str:
    if locale in OWN_LANGUAGES:
        # The organisations once, in the Vietnamese half: a calendar shows the start only.
        own = _summary_in(meeting, participant_id, locale, short=True)
        return f"{_summary_in(meeting, participant_id, 'vi')} / {own}"
    return _summary_in(meeting, participant_id, locale)


def _summary_in(
    meeting: MeetingView, participant_id: int | None, locale: str, *, short: bool = False
) -> str:
    others = meeting.counterparts(participant_id)

    def name(party: PartyView) -> str:
        return party.display_name() if short else _party_short(party, locale)

    if participant_id is None:
        who = " ↔ ".join(name(p) for p in others)
        text = _t(locale, "Meeting: %(who)s", who=who)
    else:
        who = "; ".join(name(p) for p in others)
        text = _t(locale, "Meeting with %(who)s", who=who)
    if meeting.table_number is not None:
        text = f"{text} · {table_text(meeting, locale)}"
    if meeting.cancelled:
        # Some calendar apps show STATUS:CANCELLED only as a faint strike; say it in words.
        text = _t(locale, "Cancelled: %(summary)s", summary=text)
    return text


def _description(
    event: EventView, meeting: MeetingView, participant_id: int | None, locale: str
) -> str:
    lines: list[str] = []
    if meeting.cancelled:
        lines.append(_label(locale, "This meeting has been cancelled."))
    lines.append(f"{_label(locale, 'Event')}: {event.title.pick(_data(locale))}")
    if meeting.session_title:
        lines.append(f"{_label(locale, 'Session')}: {meeting.session_title.pick(_data(locale))}")
    lines.append(f"{_label(locale, 'Place')}: {_location(event, meeting, locale)}")
    label = _label(locale, "With") if participant_id is not None else _label(locale, "Participants")
    for party in meeting.counterparts(participant_id):
        lines.append(f"{label}: {_party_line(party, locale)}")
    for topic in meeting.topics:
        lines.append(f"{_label(locale, 'Topic')}: {topic.pick(_data(locale))}")
    interpreters = meeting.interpreters()
    if meeting.interpreter_language or interpreters:
        language = language_name(meeting.interpreter_language, _data(locale))
        names = ", ".join(p.display_name() for p in interpreters)
        lines.append(
            f"{_label(locale, 'Interpreter')}: " + " – ".join(x for x in (language, names) if x)
        )
    return "\n".join(lines)


def _meeting_event(
    event: EventView, meeting: MeetingView, participant_id: int | None, locale: str
) -> Event:
    vevent = _timed_event(
        event,
        uid=meeting_uid(event, meeting.id),
        revision=meeting.revision,
        changed_at=meeting.updated_at,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        status=_ical_status(meeting.status),
    )
    vevent.add("summary", _summary(meeting, participant_id, locale))
    vevent.add("location", _location(event, meeting, locale))
    vevent.add("description", _description(event, meeting, participant_id, locale))
    if meeting.video_url and not meeting.cancelled:
        vevent.add("url", meeting.video_url)
    return vevent


# ---- public builders -----------------------------------------------------------------------


def build_programme(
    event: EventView, sessions: Iterable[SessionView], *, locale: str = "vi", feed: bool = True
) -> bytes:
    """The public programme: one event per session (plenary, exhibition, B2B block)."""
    locale = pick_locale(locale)
    ordered = sorted(sessions, key=lambda s: (s.starts_at, s.id))
    name = event.title.pick(locale)
    calendar = _calendar(event, name=name, feed=feed)
    for session in ordered:
        vevent = _timed_event(
            event,
            uid=session_uid(event, session.id),
            revision=session.revision,
            changed_at=session.updated_at,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            status="CONFIRMED",
        )
        vevent.add("summary", session.title.pick(locale))
        location = ", ".join(p for p in (session.room, event.venue, event.address) if p)
        if location:
            vevent.add("location", location)
        vevent.add("description", f"{_t(locale, 'Event')}: {name}")
        calendar.add_component(vevent)
    moments = [m for s in ordered for m in (s.starts_at, s.ends_at)]
    return _finish(calendar, event, moments)


def build_meeting(
    event: EventView,
    meeting: MeetingView,
    *,
    locale: str = "vi",
    participant_id: int | None = None,
) -> bytes:
    """One meeting, for the "add to calendar" button. Seen from ``participant_id`` when given
    (the summary names the counterpart), else naming every party."""
    locale = pick_locale(locale)
    calendar = _calendar(event, name="", feed=False)
    calendar.add_component(_meeting_event(event, meeting, participant_id, locale))
    return _finish(calendar, event, [meeting.starts_at, meeting.ends_at])


def build_personal_feed(
    event: EventView,
    person: PersonAgendaView,
    *,
    locale: str | None = None,
    feed: bool = True,
) -> bytes:
    """A participant's meetings, cancelled ones included (so that subscribed calendars remove
    them), in the participant's language unless ``locale`` says otherwise. ``feed=False``
    gives the one-off download: no refresh hints and no calendar name."""
    # The delegate's own language (Japanese, Korean, Chinese) when they read it, else theirs
    # of Vietnamese and English.
    chosen = pick_locale(locale) if locale else _own(person)
    title = event.title.pick(_data(chosen))
    name = _label(chosen, "%(event)s: meetings of %(name)s", event=title, name=person.full_name)
    calendar = _calendar(event, name=name, feed=feed)
    meetings = in_time_order(person.meetings)
    for meeting in meetings:
        calendar.add_component(_meeting_event(event, meeting, person.participant_id, chosen))
    moments = [m for x in meetings for m in (x.starts_at, x.ends_at)]
    # An empty calendar still names its zone: clients that receive the first meeting later
    # expect the same file shape.
    return _finish(calendar, event, moments or [_noon(event)])


def _noon(event: EventView) -> datetime:
    return datetime.combine(event.start_date, datetime.min.time(), event.zone) + timedelta(hours=12)
