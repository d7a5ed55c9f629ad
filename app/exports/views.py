"""What a calendar or a printed page shows, as plain frozen data, independent of the database.

The services build these from the models; the builders in ``ical`` and ``pdf`` take only
these, so that they can be tested and benchmarked without a database and cannot trigger a
lazy load in the middle of a print job.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale

from app.i18n import pick_locale


class MeetingState(StrEnum):
    """The meeting statuses the exports distinguish; others are shown as confirmed."""

    proposed = "proposed"
    confirmed = "confirmed"
    held = "held"
    no_show = "no_show"
    cancelled = "cancelled"


@dataclass(frozen=True, slots=True)
class Bilingual:
    """A text kept in Vietnamese and English; either may be empty."""

    vi: str = ""
    en: str = ""

    def pick(self, locale: str) -> str:
        """The text in ``locale``, falling back to the other language."""
        return (self.en or self.vi) if pick_locale(locale) == "en" else (self.vi or self.en)

    def __bool__(self) -> bool:
        return bool(self.vi or self.en)


def _require_aware(name: str, value: datetime) -> None:
    # A naive datetime would print as a floating time, which calendars read in the phone's
    # zone: a Korean delegate's phone would move every meeting by two hours.
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {value!r}")


@dataclass(frozen=True, slots=True)
class EventView:
    id: int
    title: Bilingual
    timezone: str
    start_date: date
    end_date: date
    host: str  # the domain in every UID, e.g. "ketnoi.sokhcn.hanoi.gov.vn"
    venue: str = ""
    address: str = ""
    organiser_unit: str = ""

    def __post_init__(self) -> None:
        ZoneInfo(self.timezone)  # raises for an unknown zone before anything is printed
        if not self.host or "@" in self.host or any(c.isspace() for c in self.host):
            raise ValueError(f"host must be a bare domain name, got {self.host!r}")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True, slots=True)
class SessionView:
    """A block of the programme (plenary, exhibition, B2B), for the public calendar."""

    id: int
    title: Bilingual
    kind: str
    starts_at: datetime
    ends_at: datetime
    updated_at: datetime
    room: str = ""
    revision: int = 0

    def __post_init__(self) -> None:
        for name in ("starts_at", "ends_at", "updated_at"):
            _require_aware(name, getattr(self, name))


@dataclass(frozen=True, slots=True)
class PartyView:
    """One person at a meeting."""

    participant_id: int
    full_name: str
    name_local: str = ""  # the name in its own script: 林薇婷, 田中 美咲, 김민준
    position: str = ""
    organisation: Bilingual = field(default_factory=Bilingual)
    organisation_local: str = ""
    country: str = ""  # ISO 3166 alpha-2
    role: str = "delegate"  # delegate, host, interpreter, staff, attendee

    @property
    def is_interpreter(self) -> bool:
        return self.role == "interpreter"

    def display_name(self) -> str:
        """'Lin Wei-Ting (林薇婷)': both scripts, so that host and guest can read it."""
        if self.name_local and self.name_local != self.full_name:
            return f"{self.full_name} ({self.name_local})"
        return self.full_name

    def organisation_name(self, locale: str) -> str:
        name = self.organisation.pick(locale)
        if self.organisation_local and self.organisation_local != name:
            return f"{name} ({self.organisation_local})" if name else self.organisation_local
        return name


@dataclass(frozen=True, slots=True)
class MeetingView:
    id: int
    revision: int
    updated_at: datetime  # the last change, UTC: DTSTAMP and LAST-MODIFIED of the calendars
    status: str
    starts_at: datetime
    ends_at: datetime
    parties: tuple[PartyView, ...]
    table_number: int | None = None
    table_label: str = ""
    session_title: Bilingual = field(default_factory=Bilingual)
    room: str = ""
    topics: tuple[Bilingual, ...] = ()
    interpreter_language: str = ""  # e.g. "zh": an interpreter for Chinese is booked
    mode: str = "onsite"  # onsite, online, hybrid
    video_url: str = ""  # the link to join an online or hybrid meeting

    def __post_init__(self) -> None:
        for name in ("starts_at", "ends_at", "updated_at"):
            _require_aware(name, getattr(self, name))
        if self.ends_at <= self.starts_at:
            raise ValueError(f"meeting {self.id} ends before it starts")
        if self.revision < 0:
            raise ValueError("revision must not be negative")

    @property
    def cancelled(self) -> bool:
        return self.status == MeetingState.cancelled

    def counterparts(self, participant_id: int | None) -> tuple[PartyView, ...]:
        """Whom ``participant_id`` meets: everyone else but the interpreters."""
        return tuple(
            p for p in self.parties if p.participant_id != participant_id and not p.is_interpreter
        )

    def interpreters(self) -> tuple[PartyView, ...]:
        return tuple(p for p in self.parties if p.is_interpreter)

    def sort_key(self) -> tuple[datetime, int, int]:
        return (self.starts_at, self.table_number or 0, self.id)


def in_time_order(meetings: Iterable[MeetingView]) -> tuple[MeetingView, ...]:
    return tuple(sorted(meetings, key=MeetingView.sort_key))


@dataclass(frozen=True, slots=True)
class PersonAgendaView:
    participant_id: int
    full_name: str
    meetings: tuple[MeetingView, ...]  # stored in time order whatever order it was given in
    name_local: str = ""
    position: str = ""
    organisation: Bilingual = field(default_factory=Bilingual)
    organisation_local: str = ""
    country: str = ""
    delegation: str = ""
    language: str = "vi"
    # The documents' second language after Vietnamese (app.i18n.documents): "en", "ja"…
    second: str = "en"
    checkin_code: str = ""
    # False while the organisers have not published the schedule: the agenda says so
    # instead of "no meetings", which would alarm a delegate who has several.
    schedule_published: bool = True
    unscheduled: int = 0  # active meetings still waiting for a time and a table

    def __post_init__(self) -> None:
        object.__setattr__(self, "meetings", in_time_order(self.meetings))
        object.__setattr__(self, "language", pick_locale(self.language))

    def as_party(self) -> PartyView:
        return PartyView(
            participant_id=self.participant_id,
            full_name=self.full_name,
            name_local=self.name_local,
            position=self.position,
            organisation=self.organisation,
            organisation_local=self.organisation_local,
            country=self.country,
        )


@dataclass(frozen=True, slots=True)
class TableSheetView:
    """The sheet taped to a table: which meetings sit there, by time."""

    table_number: int
    meetings: tuple[MeetingView, ...]
    session_title: Bilingual = field(default_factory=Bilingual)
    table_label: str = ""
    reserved_for: str = ""
    room: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "meetings", in_time_order(self.meetings))


@dataclass(frozen=True, slots=True)
class SlotView:
    number: int
    starts_at: datetime
    ends_at: datetime

    def __post_init__(self) -> None:
        _require_aware("starts_at", self.starts_at)
        _require_aware("ends_at", self.ends_at)


@dataclass(frozen=True, slots=True)
class TableView:
    number: int
    label: str = ""
    reserved_for: str = ""


@dataclass(frozen=True, slots=True)
class GridView:
    """The master grid of one matchmaking session: a row per table, a column per slot."""

    session_title: Bilingual
    slots: tuple[SlotView, ...]
    tables: tuple[TableView, ...]
    meetings: tuple[MeetingView, ...]  # placed by (starts_at, table_number)
    room: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "slots", tuple(sorted(self.slots, key=lambda s: s.starts_at)))
        object.__setattr__(self, "tables", tuple(sorted(self.tables, key=lambda t: t.number)))

    def cells(self) -> dict[tuple[int, int], MeetingView]:
        """(table number, slot number) -> the meeting there; cancelled meetings leave the
        cell free, because that is what the organiser needs to see on the day."""
        slot_by_start = {s.starts_at: s.number for s in self.slots}
        placed: dict[tuple[int, int], MeetingView] = {}
        for meeting in self.meetings:
            if meeting.cancelled or meeting.table_number is None:
                continue
            slot = slot_by_start.get(meeting.starts_at)
            if slot is None:
                # A meeting that does not start on a slot boundary still belongs in the slot
                # it overlaps first, not nowhere.
                slot = next(
                    (s.number for s in self.slots if s.starts_at <= meeting.starts_at < s.ends_at),
                    None,
                )
            if slot is not None:
                placed[(meeting.table_number, slot)] = meeting
        return placed


# ---- display helpers shared by the calendar and the print templates ----------------------


@lru_cache(maxsize=8)
def _babel_locale(locale: str) -> Locale:
    return Locale.parse(pick_locale(locale))


def country_name(code: str, locale: str) -> str:
    """A country's display name, the one every page, document, calendar and e-mail uses:
    the official form for the countries of app.vocab ('Đài Loan (Trung Quốc)' /
    'Taiwan' for 'TW'), Babel's name for the others, the code itself when neither knows it."""
    from app.vocab import COUNTRIES  # here: vocab is a leaf, views is not

    if not code:
        return ""
    known = COUNTRIES.get(code.upper())
    if known is not None:
        return known.en if pick_locale(locale) == "en" else known.vi
    return _babel_locale(locale).territories.get(code.upper(), code.upper())


def language_name(code: str, locale: str) -> str:
    """'tiếng Trung' / 'Chinese' for 'zh'."""
    if not code:
        return ""
    return _babel_locale(locale).languages.get(code.lower(), code)
