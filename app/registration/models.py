"""Organisations (a directory shared by all events), delegations, participants and their
availability. The database enforces one registration per person per event."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Protocol

from sqlalchemy import JSON, CheckConstraint, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.types import UTCDateTime, one_of, utcnow
from app.vocab import OrganisationKind


class DelegationStatus(StrEnum):
    invited = "invited"
    registered = "registered"
    confirmed = "confirmed"
    withdrawn = "withdrawn"


class ParticipantRole(StrEnum):
    delegate = "delegate"
    host = "host"
    interpreter = "interpreter"
    staff = "staff"
    attendee = "attendee"


class ApprovalStatus(StrEnum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"


class Organisation(SQLModel, table=True):
    __tablename__ = "organisation"
    __table_args__ = (
        # Duplicate detection: same name ignoring case, accents and legal-form words, same
        # country. The key is computed by app.text.organisation_key.
        UniqueConstraint("name_key", "country"),
        CheckConstraint(one_of("kind", OrganisationKind), name="kind"),
        CheckConstraint("length(country) = 2", name="country_code"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name_vi: str = Field(max_length=300)
    name_en: str = Field(default="", max_length=300)
    name_local: str = Field(default="", max_length=300)  # e.g. Chinese, Japanese, Korean name
    name_key: str = Field(max_length=300, index=True)
    kind: str = Field(default=OrganisationKind.enterprise.value, max_length=30)
    country: str = Field(default="VN", max_length=2)
    province: str = Field(default="", max_length=100)
    website: str = Field(default="", max_length=300)
    description_vi: str = ""
    description_en: str = ""
    search_text: str = ""  # folded names and description, for accent-insensitive search
    created_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class OrganisationSector(SQLModel, table=True):
    __tablename__ = "organisation_sector"

    organisation_id: int = Field(
        foreign_key="organisation.id", primary_key=True, ondelete="CASCADE"
    )
    sector: str = Field(primary_key=True, max_length=40)


class Delegation(SQLModel, table=True):
    __tablename__ = "delegation"
    __table_args__ = (
        UniqueConstraint("event_id", "name"),
        CheckConstraint(one_of("status", DelegationStatus), name="status"),
        CheckConstraint(
            "departure_date IS NULL OR arrival_date IS NULL OR departure_date >= arrival_date",
            name="dates_ordered",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=300)  # Vietnamese (official); pages pick(name, name_en)
    name_en: str = Field(default="", max_length=300)
    name_local: str = Field(default="", max_length=300)
    country: str = Field(max_length=2)
    leading_organisation_id: int | None = Field(
        default=None, foreign_key="organisation.id", ondelete="SET NULL"
    )
    head_user_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    arrival_date: date | None = None
    departure_date: date | None = None
    languages: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    needs_interpreter: bool = False
    interpreter_notes: str = Field(default="", max_length=1000)
    status: str = Field(default=DelegationStatus.invited.value, max_length=20)
    notes: str = ""
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class DelegationOrganisation(SQLModel, table=True):
    """Member organisations of a delegation."""

    __tablename__ = "delegation_organisation"

    delegation_id: int = Field(foreign_key="delegation.id", primary_key=True, ondelete="CASCADE")
    organisation_id: int = Field(
        foreign_key="organisation.id", primary_key=True, ondelete="CASCADE"
    )


class Participant(SQLModel, table=True):
    __tablename__ = "participant"
    __table_args__ = (
        # One registration per person per event, enforced by the database (NULL e-mails,
        # e.g. an interpreter added by a delegation head, do not collide).
        UniqueConstraint("event_id", "email"),
        UniqueConstraint("event_id", "user_id"),
        UniqueConstraint("code"),
        CheckConstraint(one_of("role", ParticipantRole), name="role"),
        CheckConstraint(one_of("status", ApprovalStatus), name="status"),
        CheckConstraint("meeting_cap IS NULL OR meeting_cap >= 0", name="meeting_cap_nonnegative"),
        Index("ix_participant_event_status", "event_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    user_id: int | None = Field(default=None, foreign_key="user_account.id", ondelete="SET NULL")
    full_name: str = Field(max_length=200)
    name_local: str = Field(default="", max_length=200)  # the name in its own script
    position: str = Field(default="", max_length=200)
    organisation_id: int | None = Field(
        default=None, foreign_key="organisation.id", index=True, ondelete="SET NULL"
    )
    email: str | None = Field(default=None, max_length=320)
    phone: str = Field(default="", max_length=40)
    languages: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    role: str = Field(default=ParticipantRole.delegate.value, max_length=20)
    delegation_id: int | None = Field(
        default=None, foreign_key="delegation.id", index=True, ondelete="SET NULL"
    )
    meeting_cap: int | None = None  # None: the event's cap
    status: str = Field(default=ApprovalStatus.pending.value, max_length=20)
    rejection_reason: str = Field(default="", max_length=1000)
    code: str = Field(max_length=16)  # check-in code printed as a QR code on the agenda
    search_text: str = ""
    registered_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Unavailability(SQLModel, table=True):
    """A slot in which a participant cannot meet anyone."""

    __tablename__ = "unavailability"

    participant_id: int = Field(foreign_key="participant.id", primary_key=True, ondelete="CASCADE")
    slot_id: int = Field(foreign_key="slot.id", primary_key=True, ondelete="CASCADE")


class HasCountry(Protocol):
    @property
    def country(self) -> str: ...


def person_country(
    participant: object, organisation: HasCountry | None, delegation: HasCountry | None
) -> str:
    """A person's country: their organisation's (the database requires its two-letter code),
    else their delegation's, else none. Pages, figures and documents all answer with this."""
    if organisation is not None:
        return organisation.country
    return delegation.country if delegation is not None else ""
