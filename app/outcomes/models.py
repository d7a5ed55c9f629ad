"""What came of an event: attendance feedback, agreements and their follow-up.

What the database guarantees:

- ``meeting_feedback`` has ``UNIQUE (meeting_id, participant_id)``: one answer per person per
  meeting, updated in place.
- ``feedback_request`` and ``agreement_reminder`` remember which e-mails went out, keyed so
  that a second run of the job (or two runs at once) cannot send the same one twice.
- ``agreement`` keeps its kind, status and currency inside fixed lists and a value only with
  a currency; ``agreement_party`` names an organisation at most once per agreement.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Index,
    LargeBinary,
    Numeric,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from app.types import UTCDateTime, one_of, utcnow


class NextStep(StrEnum):
    nda = "nda"
    visit = "visit"
    pilot = "pilot"
    contract = "contract"
    other = "other"


# what each step is called where a person reads it (English msgids, Vietnamese in the
# catalogs): the feedback form and the report's XLSX
STEP_NAMES: dict[str, str] = {
    NextStep.nda: "Non-disclosure agreement (NDA)",
    NextStep.visit: "Site visit",
    NextStep.pilot: "Pilot project",
    NextStep.contract: "Contract",
    NextStep.other: "Other",
}


class AgreementKind(StrEnum):
    mou = "mou"  # biên bản ghi nhớ
    nda = "nda"  # thoả thuận bảo mật
    cooperation = "cooperation"  # thoả thuận hợp tác
    supply_contract = "supply_contract"  # hợp đồng cung ứng
    technology_transfer = "technology_transfer"  # hợp đồng chuyển giao công nghệ (Luật CGCN 2017)


class AgreementStatus(StrEnum):
    planned = "planned"
    signed = "signed"
    in_progress = "in_progress"
    completed = "completed"
    cancelled = "cancelled"


class Currency(StrEnum):
    """ISO 4217 codes of the host and of the delegations' countries."""

    VND = "VND"
    USD = "USD"
    TWD = "TWD"
    JPY = "JPY"
    KRW = "KRW"
    ILS = "ILS"
    EUR = "EUR"


# Months after signing at which the follow-up reminders fall due.
REMINDER_MONTHS = (3, 6)


class MeetingFeedback(SQLModel, table=True):
    __tablename__ = "meeting_feedback"
    __table_args__ = (
        UniqueConstraint("meeting_id", "participant_id"),
        CheckConstraint("rating IS NULL OR (rating >= 1 AND rating <= 5)", name="rating_range"),
        Index("ix_meeting_feedback_event_id", "event_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", ondelete="CASCADE")
    meeting_id: int = Field(foreign_key="meeting.id", ondelete="CASCADE")
    participant_id: int = Field(foreign_key="participant.id", index=True, ondelete="CASCADE")
    held: bool = True
    rating: int | None = None
    wants_to_continue: bool = False
    next_steps: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    comment: str = Field(default="", max_length=2000)
    # None when given through the signed link from the e-mail (no account needed).
    submitted_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class FeedbackRequest(SQLModel, table=True):
    """The feedback e-mail a person got after a session: at most one per person and session."""

    __tablename__ = "feedback_request"

    participant_id: int = Field(foreign_key="participant.id", primary_key=True, ondelete="CASCADE")
    session_id: int = Field(foreign_key="event_session.id", primary_key=True, ondelete="CASCADE")
    meeting_count: int = 0
    sent_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Agreement(SQLModel, table=True):
    __tablename__ = "agreement"
    __table_args__ = (
        CheckConstraint(one_of("kind", AgreementKind), name="kind"),
        CheckConstraint(one_of("status", AgreementStatus), name="status"),
        CheckConstraint("currency IS NULL OR " + one_of("currency", Currency), name="currency"),
        CheckConstraint("value IS NULL OR value >= 0", name="value_nonnegative"),
        CheckConstraint("value IS NULL OR currency IS NOT NULL", name="value_with_currency"),
        CheckConstraint("ceremony_order IS NULL OR ceremony_order >= 1", name="ceremony_order"),
        Index("ix_agreement_event_id_status", "event_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", ondelete="CASCADE")
    # The meeting it came of; None for one that came of the event as a whole.
    meeting_id: int | None = Field(
        default=None, foreign_key="meeting.id", index=True, ondelete="SET NULL"
    )
    kind: str = Field(max_length=30)
    title_vi: str = Field(max_length=300)
    title_en: str = Field(default="", max_length=300)
    signed_on: date | None = None
    value: Decimal | None = Field(default=None, sa_type=Numeric(18, 2))
    currency: str | None = Field(default=None, max_length=3)
    status: str = Field(default=AgreementStatus.planned.value, max_length=20)
    at_ceremony: bool = False
    ceremony_order: int | None = None
    follow_up_status: str = Field(default="", max_length=2000)
    notes: str = Field(default="", max_length=5000)
    created_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AgreementParty(SQLModel, table=True):
    __tablename__ = "agreement_party"
    __table_args__ = (UniqueConstraint("agreement_id", "organisation_id"),)

    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = Field(foreign_key="agreement.id", index=True, ondelete="CASCADE")
    # No ON DELETE action: an organisation that signed something cannot vanish from it.
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    # The person who signs or follows it up for the organisation, when known.
    participant_id: int | None = Field(
        default=None, foreign_key="participant.id", index=True, ondelete="SET NULL"
    )
    position: int = 0  # the order in which the parties are named


class AgreementDocument(SQLModel, table=True):
    """A signed copy or annex; its bytes are the ``DocumentBlob`` of its SHA-256."""

    __tablename__ = "agreement_document"
    __table_args__ = (CheckConstraint("size > 0", name="size_positive"),)

    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = Field(foreign_key="agreement.id", index=True, ondelete="CASCADE")
    filename: str = Field(max_length=255)
    content_type: str = Field(max_length=100)
    size: int
    sha256: str = Field(max_length=64, index=True)
    uploaded_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class DocumentBlob(SQLModel, table=True):
    """The bytes of an agreement document, once per content (two uploads of the same signed
    copy share them), in the database so that every process on every machine reads them."""

    __tablename__ = "document_blob"
    __table_args__ = (CheckConstraint("size > 0", name="size_positive"),)

    sha256: str = Field(primary_key=True, max_length=64)
    size: int
    body: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AgreementReminder(SQLModel, table=True):
    """A follow-up milestone (3 or 6 months after signing) that has been dealt with."""

    __tablename__ = "agreement_reminder"
    __table_args__ = (CheckConstraint("months IN (3, 6)", name="months"),)

    agreement_id: int = Field(foreign_key="agreement.id", primary_key=True, ondelete="CASCADE")
    months: int = Field(primary_key=True)
    due_on: date
    # How many e-mails went out; 0 when a later milestone was already due (only the latest
    # is sent, so that an agreement recorded late does not trigger two reminders at once).
    recipients: int = 0
    sent_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
