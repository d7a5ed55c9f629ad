"""Wishes to meet, stated by participants in the organisers' demand survey."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.types import UTCDateTime, one_of, utcnow


class WishLevel(StrEnum):
    must = "must"  # "Bắt buộc gặp"
    would = "would"  # "Muốn gặp"


class WishSurvey(SQLModel, table=True):
    """Whether an event's demand survey takes answers (the organisers open and close it)."""

    __tablename__ = "wish_survey"

    event_id: int = Field(foreign_key="event.id", primary_key=True, ondelete="CASCADE")
    open: bool = False
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class MeetingWish(SQLModel, table=True):
    """One participant's wish to meet another, at most one per ordered pair."""

    __tablename__ = "meeting_wish"
    __table_args__ = (
        UniqueConstraint("from_participant_id", "to_participant_id"),
        CheckConstraint(one_of("level", WishLevel), name="level"),
        CheckConstraint("from_participant_id <> to_participant_id", name="not_self"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    from_participant_id: int = Field(foreign_key="participant.id", ondelete="CASCADE")
    to_participant_id: int = Field(foreign_key="participant.id", index=True, ondelete="CASCADE")
    level: str = Field(max_length=10)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class MeetingTopic(SQLModel, table=True):
    """What a meeting proposed from the matching board is about, as the organisers wrote it
    (by default the title of the offer or need that matched): shown on the agendas, the PDF
    and the calendars beside the topics of a request."""

    __tablename__ = "meeting_topic"

    meeting_id: int = Field(foreign_key="meeting.id", primary_key=True, ondelete="CASCADE")
    # The suggestion's profile title in both languages; a topic the organisers wrote
    # themselves is the same text in both.
    topic_vi: str = Field(max_length=300)
    topic_en: str = Field(default="", max_length=300)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
