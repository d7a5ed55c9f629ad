"""Request and response bodies of the outcomes API."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.checkin.models import CheckinMethod
from app.outcomes.models import (
    AgreementKind,
    AgreementStatus,
    Currency,
    NextStep,
)

# Primary keys are 32-bit integers on PostgreSQL: a larger id cannot exist, and asking the
# database for one is an error there, not an empty result.
ID_MAX = 2_147_483_647

# ---- check-in -----------------------------------------------------------------------------


class CheckinIn(BaseModel):
    """Either the code of the printed agenda (as typed or scanned) or a participant id."""

    code: str | None = Field(default=None, max_length=200)
    participant_id: int | None = Field(default=None, ge=1, le=ID_MAX)
    method: CheckinMethod = CheckinMethod.code


class AgendaItemPublic(BaseModel):
    meeting_id: int
    status: str
    starts_at: datetime | None
    table_number: int | None
    counterpart: str


class CheckinPersonPublic(BaseModel):
    id: int
    full_name: str
    name_local: str
    position: str
    organisation_name: str
    country: str
    role: str
    status: str
    delegation_id: int | None
    delegation_name: str


class CheckinPublic(BaseModel):
    participant: CheckinPersonPublic
    checked_in_at: datetime
    method: CheckinMethod
    by_user_id: int | None
    already_checked_in: bool
    meetings: list[AgendaItemPublic]


class SearchHitPublic(BaseModel):
    participant: CheckinPersonPublic
    checked_in_at: datetime | None


class DelegationArrivalsPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    delegation_id: int | None
    name: str
    country: str
    total: int
    arrived: int


class MissingPersonPublic(BaseModel):
    participant_id: int
    full_name: str
    organisation_name: str
    delegation_id: int | None
    delegation_name: str
    meetings_today: int
    first_meeting_at: datetime | None


class ArrivalsPublic(BaseModel):
    day: date
    total: int
    arrived: int
    by_delegation: list[DelegationArrivalsPublic]
    missing_with_meetings: list[MissingPersonPublic]


# ---- on the day ---------------------------------------------------------------------------


class Outcome(StrEnum):
    held = "held"
    no_show = "no_show"


class AttendanceIn(BaseModel):
    outcome: Outcome
    absent_participant_ids: list[Annotated[int, Field(ge=1, le=ID_MAX)]] = Field(
        default_factory=list, max_length=20
    )
    revision: int | None = Field(default=None, ge=1, le=ID_MAX)


class MovedMeetingPublic(BaseModel):
    meeting_id: int
    starts_at: datetime | None
    table_number: int | None
    # Where the missed meeting was, and why it is where it is now: placed (a later slot),
    # session_over (no later slot in its session), no_common_slot (none free for everyone).
    was_at: datetime | None = None
    reason: str = "placed"


class LateArrivalPublic(BaseModel):
    participant_id: int
    replaced: list[MovedMeetingPublic]
    unplaced: list[int]
    changed: int
    run_id: int | None
    # Set when nothing had to be re-placed: nothing_started (their meetings are all still to
    # come) or no_booked_meetings (they have none still to hold).
    reason: str | None = None


# ---- feedback -----------------------------------------------------------------------------


class FeedbackIn(BaseModel):
    meeting_id: int | None = Field(default=None, ge=1, le=ID_MAX)
    participant_id: int | None = Field(default=None, ge=1, le=ID_MAX)
    held: bool = True
    rating: int | None = Field(default=None, ge=1, le=5)
    wants_to_continue: bool = False
    next_steps: list[NextStep] = Field(default_factory=list, max_length=5)
    comment: str = Field(default="", max_length=2000)

    @field_validator("next_steps")
    @classmethod
    def _unique(cls, value: list[NextStep]) -> list[NextStep]:
        return list(dict.fromkeys(value))

    @field_validator("comment")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()


class FeedbackPublic(BaseModel):
    id: int
    event_id: int
    meeting_id: int
    participant_id: int
    participant_name: str
    held: bool
    rating: int | None
    wants_to_continue: bool
    next_steps: list[NextStep]
    comment: str
    created_at: datetime
    updated_at: datetime


class FeedbackRequestsPublic(BaseModel):
    queued: int
    already_sent: int
    without_email: int


# ---- agreements ---------------------------------------------------------------------------


class PartyIn(BaseModel):
    organisation_id: int = Field(ge=1, le=ID_MAX)
    participant_id: int | None = Field(default=None, ge=1, le=ID_MAX)


class AgreementBase(BaseModel):
    kind: AgreementKind
    title_vi: str = Field(min_length=1, max_length=300)
    title_en: str = Field(default="", max_length=300)
    meeting_id: int | None = Field(default=None, ge=1, le=ID_MAX)
    signed_on: date | None = None
    value: Decimal | None = Field(default=None, ge=0, max_digits=18, decimal_places=2)
    currency: Currency | None = None
    status: AgreementStatus = AgreementStatus.planned
    at_ceremony: bool = False
    ceremony_order: int | None = Field(default=None, ge=1, le=10000)
    follow_up_status: str = Field(default="", max_length=2000)
    notes: str = Field(default="", max_length=5000)

    @field_validator("title_vi", "title_en", "follow_up_status", "notes")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()


class AgreementCreate(AgreementBase):
    parties: list[PartyIn] = Field(min_length=2, max_length=20)


class AgreementUpdate(BaseModel):
    kind: AgreementKind | None = None
    title_vi: str | None = Field(default=None, min_length=1, max_length=300)
    title_en: str | None = Field(default=None, max_length=300)
    meeting_id: int | None = Field(default=None, ge=1, le=ID_MAX)
    signed_on: date | None = None
    value: Decimal | None = Field(default=None, ge=0, max_digits=18, decimal_places=2)
    currency: Currency | None = None
    status: AgreementStatus | None = None
    at_ceremony: bool | None = None
    ceremony_order: int | None = Field(default=None, ge=1, le=10000)
    follow_up_status: str | None = Field(default=None, max_length=2000)
    notes: str | None = Field(default=None, max_length=5000)
    parties: list[PartyIn] | None = Field(default=None, min_length=2, max_length=20)

    @field_validator("title_vi", "title_en", "follow_up_status", "notes")
    @classmethod
    def _strip(cls, value: str | None) -> str | None:
        return value.strip() if value is not None else None


class PartyPublic(BaseModel):
    organisation_id: int
    organisation_name: str
    organisation_name_en: str
    country: str
    participant_id: int | None
    participant_name: str


class DocumentPublic(BaseModel):
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    created_at: datetime


class AgreementPublic(BaseModel):
    id: int
    event_id: int
    meeting_id: int | None
    kind: AgreementKind
    title_vi: str
    title_en: str
    signed_on: date | None
    value: Decimal | None
    currency: Currency | None
    status: AgreementStatus
    at_ceremony: bool
    ceremony_order: int | None
    follow_up_status: str
    notes: str
    parties: list[PartyPublic]
    documents: list[DocumentPublic]
    created_at: datetime
    updated_at: datetime


# ---- figures ------------------------------------------------------------------------------


class CountPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    key: str
    count: int


class GroupMeetingsPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    key: str
    label: str
    meetings: int
    held: int


class RequestFiguresPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    created: int
    accepted: int
    declined: int
    pending: int
    cancelled: int
    expired: int
    acceptance_rate: float | None


class MeetingFiguresPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    total: int
    from_requests: int
    by_organisers: int
    proposed: int
    confirmed: int
    booked: int
    held: int
    no_show: int
    cancelled: int


class CheckinFiguresPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    approved: int
    checked_in: int


class RatingFiguresPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    feedback: int
    rated: int
    average: float | None
    distribution: list[CountPublic]
    wants_to_continue: int
    next_steps: list[CountPublic]


class MoneyPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    currency: str
    value: Decimal


class KindFiguresPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: str
    count: int
    values: list[MoneyPublic]


class CeremonyItemPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    agreement_id: int
    order: int | None
    kind: str
    title_vi: str
    title_en: str
    status: str
    parties: list[str]


class AgreementFiguresPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    total: int
    active: int
    by_kind: list[KindFiguresPublic]
    by_status: list[CountPublic]
    values: list[MoneyPublic]
    ceremony: list[CeremonyItemPublic]


class EventStatsPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    event_id: int
    participants: int
    participants_by_country: list[CountPublic]
    participants_by_organisation_kind: list[CountPublic]
    participants_by_role: list[CountPublic]
    requests: RequestFiguresPublic
    meetings: MeetingFiguresPublic
    meetings_by_sector: list[GroupMeetingsPublic]
    meetings_by_delegation: list[GroupMeetingsPublic]
    meetings_by_country: list[GroupMeetingsPublic]
    checkins: CheckinFiguresPublic
    checkins_by_delegation: list[DelegationArrivalsPublic]
    ratings: RatingFiguresPublic
    agreements: AgreementFiguresPublic
