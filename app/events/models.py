"""Events, their sessions, the slots of a matchmaking session and its numbered tables."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from functools import lru_cache
from typing import Any

from babel import Locale, UnknownLocaleError
from pydantic import ValidationInfo, field_validator
from sqlalchemy import JSON, CheckConstraint, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.errors import _l
from app.types import UTCDateTime, one_of, utcnow


class EventStatus(StrEnum):
    draft = "draft"
    registration_open = "registration_open"
    scheduling = "scheduling"
    published = "published"
    closed = "closed"


class BookingMode(StrEnum):
    organiser = "organiser"  # the organiser runs the scheduler
    self_service = "self_service"  # delegates pick a common free slot on accepting


class SessionKind(StrEnum):
    plenary = "plenary"
    exhibition = "exhibition"
    matchmaking = "matchmaking"
    other = "other"


@lru_cache(maxsize=1)
def iso_languages() -> frozenset[str]:
    """The two-letter ISO 639-1 codes CLDR names (through Babel): the language vocabulary."""
    return frozenset(str(code) for code in Locale("en").languages if len(str(code)) == 2)


def language_name(code: str, locale: str) -> str:
    """'zh' -> 'Tiếng Trung' / 'Chinese'; a code CLDR does not name stays as it is."""
    base = code.partition("-")[0]
    try:
        name = Locale.parse(locale).languages.get(base)
    except (ValueError, UnknownLocaleError):
        name = None
    if not name:
        return code
    if locale == "vi" and not name.lower().startswith("tiếng"):
        name = f"Tiếng {name}"
    elif locale == "vi":
        name = name[0].upper() + name[1:]
    return name


def clean_language_codes(codes: list[str]) -> list[str]:
    cleaned: list[str] = []
    for raw in codes:
        code = raw.strip().lower().replace("_", "-")
        base, _, rest = code.partition("-")
        if (
            not code.isascii()
            or base not in iso_languages()
            or (rest and (not 2 <= len(rest) <= 4 or not rest.isalnum()))
        ):
            raise ValueError(
                _l("'{raw}' is not a language code such as vi, en, zh, ja, ko", raw=raw)
            )
        if code not in cleaned:
            cleaned.append(code)
    return cleaned


class Event(SQLModel, table=True):
    __tablename__ = "event"
    __table_args__ = (
        CheckConstraint("end_date >= start_date", name="dates_ordered"),
        CheckConstraint(one_of("status", EventStatus), name="status"),
        CheckConstraint(one_of("booking_mode", BookingMode), name="booking_mode"),
        CheckConstraint("slot_minutes > 0", name="slot_minutes_positive"),
        CheckConstraint("meeting_cap > 0", name="meeting_cap_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    title_vi: str = Field(max_length=300)
    title_en: str = Field(default="", max_length=300)
    organiser_unit: str = Field(default="", max_length=300)
    venue: str = Field(default="", max_length=300)
    address: str = Field(default="", max_length=500)
    timezone: str = Field(default="Asia/Ho_Chi_Minh", max_length=64)
    start_date: date
    end_date: date
    languages: list[str] = Field(default_factory=lambda: ["vi", "en"], sa_column=Column(JSON))
    registration_opens_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    registration_closes_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    status: str = Field(default=EventStatus.draft.value, max_length=30, index=True)
    slot_minutes: int = 20
    meeting_cap: int = 10
    booking_mode: str = Field(default=BookingMode.organiser.value, max_length=20)
    description_vi: str = ""
    description_en: str = ""
    # Set when the organisers publish the meeting schedule (organiser booking mode): from then
    # on delegates see times and tables, and changes are announced to them.
    schedule_published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class EventOrganiser(SQLModel, table=True):
    """Which organiser accounts manage which event."""

    __tablename__ = "event_organiser"

    event_id: int = Field(foreign_key="event.id", primary_key=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user_account.id", primary_key=True, ondelete="CASCADE")


class EventSession(SQLModel, table=True):
    __tablename__ = "event_session"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="times_ordered"),
        CheckConstraint(one_of("kind", SessionKind), name="kind"),
        CheckConstraint("slot_minutes IS NULL OR slot_minutes > 0", name="slot_minutes_positive"),
        CheckConstraint("gap_minutes >= 0", name="gap_minutes_nonnegative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    kind: str = Field(default=SessionKind.matchmaking.value, max_length=20)
    title_vi: str = Field(max_length=300)
    title_en: str = Field(default="", max_length=300)
    room: str = Field(default="", max_length=200)
    starts_at: datetime = Field(sa_type=UTCDateTime)
    ends_at: datetime = Field(sa_type=UTCDateTime)
    slot_minutes: int | None = None
    gap_minutes: int = 0
    breaks: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON))
    # Video link pattern for the session's online and hybrid meetings, e.g.
    # https://meet.jit.si/ketnoi-{event}-{meeting}-{token} (see app.reminders.online).
    video_pattern: str = Field(default="", max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Slot(SQLModel, table=True):
    __tablename__ = "slot"
    __table_args__ = (
        UniqueConstraint("session_id", "number"),
        UniqueConstraint("session_id", "starts_at"),
        CheckConstraint("ends_at > starts_at", name="times_ordered"),
    )

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="event_session.id", index=True, ondelete="CASCADE")
    number: int
    starts_at: datetime = Field(sa_type=UTCDateTime)
    ends_at: datetime = Field(sa_type=UTCDateTime)


class MeetingTable(SQLModel, table=True):
    __tablename__ = "meeting_table"
    __table_args__ = (
        UniqueConstraint("session_id", "number"),
        CheckConstraint("number > 0", name="number_positive"),
        CheckConstraint("seats >= 2", name="seats_at_least_two"),
    )

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="event_session.id", index=True, ondelete="CASCADE")
    number: int
    label: str = Field(default="", max_length=100)
    seats: int = 4
    reserved_for: str = Field(default="", max_length=200)


# ---- API schemas -------------------------------------------------------------------------


class EventBase(SQLModel):
    title_vi: str = Field(min_length=1, max_length=300)
    title_en: str = Field(default="", max_length=300)
    organiser_unit: str = Field(default="", max_length=300)
    venue: str = Field(default="", max_length=300)
    address: str = Field(default="", max_length=500)
    timezone: str = Field(default="Asia/Ho_Chi_Minh", max_length=64)
    start_date: date
    end_date: date
    languages: list[str] = Field(default_factory=lambda: ["vi", "en"], max_length=10)
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    slot_minutes: int = Field(default=20, gt=0, le=240)
    meeting_cap: int = Field(default=10, gt=0, le=100)
    booking_mode: BookingMode = BookingMode.organiser
    description_vi: str = Field(default="", max_length=20000)
    description_en: str = Field(default="", max_length=20000)

    @field_validator("title_vi", "title_en", "organiser_unit", "venue", "address")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()

    @field_validator("languages")
    @classmethod
    def _language_codes(cls, value: list[str]) -> list[str]:
        return clean_language_codes(value)


class EventCreate(EventBase):
    status: EventStatus = EventStatus.draft


class EventUpdate(SQLModel):
    title_vi: str | None = Field(default=None, min_length=1, max_length=300)
    title_en: str | None = Field(default=None, max_length=300)
    organiser_unit: str | None = Field(default=None, max_length=300)
    venue: str | None = Field(default=None, max_length=300)
    address: str | None = Field(default=None, max_length=500)
    timezone: str | None = Field(default=None, max_length=64)
    start_date: date | None = None
    end_date: date | None = None
    languages: list[str] | None = Field(default=None, max_length=10)
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    status: EventStatus | None = None
    slot_minutes: int | None = Field(default=None, gt=0, le=240)
    meeting_cap: int | None = Field(default=None, gt=0, le=100)
    booking_mode: BookingMode | None = None
    description_vi: str | None = Field(default=None, max_length=20000)
    description_en: str | None = Field(default=None, max_length=20000)

    @field_validator("languages")
    @classmethod
    def _language_codes(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else clean_language_codes(value)

    @field_validator(
        *("title_vi", "title_en", "organiser_unit", "venue", "address", "timezone"),
        *("start_date", "end_date", "languages", "status", "slot_minutes", "meeting_cap"),
        *("booking_mode", "description_vi", "description_en"),
    )
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:  # left out keeps the value; null for a column never empty is an error
            raise ValueError("must not be null; leave the field out to keep its value")
        return value


class EventPublic(SQLModel):
    id: int
    title_vi: str
    title_en: str
    organiser_unit: str
    venue: str
    address: str
    timezone: str
    start_date: date
    end_date: date
    languages: list[str]
    registration_opens_at: datetime | None
    registration_closes_at: datetime | None
    status: EventStatus
    slot_minutes: int
    meeting_cap: int
    booking_mode: BookingMode
    description_vi: str
    description_en: str
    schedule_published_at: datetime | None = None
    created_at: datetime
    updated_at: datetime


class BreakIn(SQLModel):
    starts_at: datetime
    ends_at: datetime
    label: str = Field(default="", max_length=100)


class SessionBase(SQLModel):
    kind: SessionKind = SessionKind.matchmaking
    title_vi: str = Field(min_length=1, max_length=300)
    title_en: str = Field(default="", max_length=300)
    room: str = Field(default="", max_length=200)
    starts_at: datetime
    ends_at: datetime
    slot_minutes: int | None = Field(default=None, gt=0, le=240)
    gap_minutes: int = Field(default=0, ge=0, le=120)
    breaks: list[BreakIn] = Field(default_factory=list, max_length=20)


class SessionCreate(SessionBase):
    table_count: int = Field(default=0, ge=0, le=500)


class SessionUpdate(SQLModel):
    kind: SessionKind | None = None
    title_vi: str | None = Field(default=None, min_length=1, max_length=300)
    title_en: str | None = Field(default=None, max_length=300)
    room: str | None = Field(default=None, max_length=200)
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    slot_minutes: int | None = Field(default=None, gt=0, le=240)
    gap_minutes: int | None = Field(default=None, ge=0, le=120)
    breaks: list[BreakIn] | None = Field(default=None, max_length=20)

    # Left out means "unchanged"; an explicit null for a column that is never empty is an
    # input error naming the field (it used to reach the database as a NOT NULL failure).
    @field_validator("kind", "title_vi", "title_en", "room", "starts_at", "ends_at", "gap_minutes")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("must not be null; leave the field out to keep its value")
        return value


class BreakPublic(SQLModel):
    starts_at: datetime
    ends_at: datetime
    label: str


class SlotPublic(SQLModel):
    id: int
    number: int
    starts_at: datetime
    ends_at: datetime


class TablePublic(SQLModel):
    id: int
    number: int
    label: str
    seats: int
    reserved_for: str


class SessionPublic(SQLModel):
    id: int
    event_id: int
    kind: SessionKind
    title_vi: str
    title_en: str
    room: str
    starts_at: datetime
    ends_at: datetime
    slot_minutes: int | None
    gap_minutes: int
    breaks: list[BreakPublic]
    slot_count: int
    table_count: int


class TableCreate(SQLModel):
    """Either ``count`` tables numbered after the last one, or one table with a number."""

    count: int | None = Field(default=None, ge=1, le=500)
    number: int | None = Field(default=None, ge=1, le=10000)
    label: str = Field(default="", max_length=100)
    seats: int = Field(default=4, ge=2, le=50)
    reserved_for: str = Field(default="", max_length=200)

    @field_validator("number")
    @classmethod
    def _one_of(cls, value: int | None, info: ValidationInfo) -> int | None:
        # A field validator, not a model validator, so that the problem names a field.
        if value is not None and info.data.get("count") is not None:
            raise ValueError(_l("give either count or number, not both"))
        return value


class TableUpdate(SQLModel):
    number: int | None = Field(default=None, ge=1, le=10000)
    label: str | None = Field(default=None, max_length=100)
    seats: int | None = Field(default=None, ge=2, le=50)
    reserved_for: str | None = Field(default=None, max_length=200)
