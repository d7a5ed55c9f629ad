"""Cooperation profiles: what an organisation offers or seeks at an event."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, Column, Index
from sqlmodel import Field, SQLModel

from app.types import UTCDateTime, one_of, utcnow
from app.vocab import BudgetRange, IpStatus, ProfileKind


class ProfileStatus(StrEnum):
    draft = "draft"
    published = "published"
    withdrawn = "withdrawn"


class Profile(SQLModel, table=True):
    __tablename__ = "profile"
    __table_args__ = (
        CheckConstraint(one_of("kind", ProfileKind), name="kind"),
        CheckConstraint(one_of("status", ProfileStatus), name="status"),
        CheckConstraint("trl IS NULL OR (trl >= 1 AND trl <= 9)", name="trl_range"),
        CheckConstraint("ip_status IS NULL OR " + one_of("ip_status", IpStatus), name="ip_status"),
        CheckConstraint("budget IS NULL OR " + one_of("budget", BudgetRange), name="budget"),
        Index("ix_profile_event_status_kind", "event_id", "status", "kind"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    participant_id: int = Field(foreign_key="participant.id", index=True, ondelete="CASCADE")
    organisation_id: int | None = Field(
        default=None, foreign_key="organisation.id", ondelete="SET NULL"
    )
    kind: str = Field(max_length=30)
    title_vi: str = Field(default="", max_length=300)
    title_en: str = Field(default="", max_length=300)
    title_local: str = Field(default="", max_length=300)  # in the delegation's language
    description_vi: str = ""
    description_en: str = ""
    description_local: str = ""
    local_language: str = Field(default="", max_length=8)
    keywords: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    trl: int | None = None
    ip_status: str | None = Field(default=None, max_length=30)
    budget: str | None = Field(default=None, max_length=20)  # a request's budget range
    partnership_types: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    status: str = Field(default=ProfileStatus.published.value, max_length=20)
    search_text: str = ""  # folded titles, descriptions, keywords and organisation name
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ProfileSector(SQLModel, table=True):
    __tablename__ = "profile_sector"

    profile_id: int = Field(foreign_key="profile.id", primary_key=True, ondelete="CASCADE")
    sector: str = Field(primary_key=True, max_length=40, index=True)
