"""Reminder settings per event, the record of reminders queued (one per meeting revision,
kind and person: the unique key makes two workers never queue the same one), e-mail
attachments, and how a meeting is held (on-site, online, hybrid)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.types import UTCDateTime, utcnow


class MeetingMode(StrEnum):
    onsite = "onsite"
    online = "online"
    hybrid = "hybrid"


class ReminderKind(StrEnum):
    day_before = "day_before"
    soon = "soon"


DEFAULT_DAY_BEFORE_HOUR = 17
DEFAULT_MINUTES_BEFORE = 15


class ReminderSettings(SQLModel, table=True):
    __tablename__ = "reminder_settings"
    __table_args__ = (
        CheckConstraint("day_before_hour BETWEEN 0 AND 23", name="day_before_hour_range"),
        CheckConstraint("minutes_before BETWEEN 1 AND 240", name="minutes_before_range"),
    )

    event_id: int = Field(foreign_key="event.id", primary_key=True, ondelete="CASCADE")
    enabled: bool = True
    day_before_hour: int = DEFAULT_DAY_BEFORE_HOUR
    minutes_before: int = DEFAULT_MINUTES_BEFORE
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ReminderSent(SQLModel, table=True):
    __tablename__ = "reminder_sent"
    __table_args__ = (
        CheckConstraint("kind IN ('day_before', 'soon')", name="kind"),
        UniqueConstraint("meeting_id", "revision", "kind", "participant_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", ondelete="CASCADE")
    revision: int
    kind: str = Field(max_length=20)
    participant_id: int = Field(foreign_key="participant.id", index=True, ondelete="CASCADE")
    outbox_id: int | None = Field(default=None, foreign_key="outbox.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class OutboxAttachment(SQLModel, table=True):
    __tablename__ = "outbox_attachment"

    id: int | None = Field(default=None, primary_key=True)
    outbox_id: int = Field(foreign_key="outbox.id", index=True, ondelete="CASCADE")
    filename: str = Field(max_length=200)
    content_type: str = Field(default="application/pdf", max_length=100)
    data: bytes = Field(sa_type=LargeBinary)
