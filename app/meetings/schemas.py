"""API input and output shapes for meeting requests, meetings and meeting settings.

Outputs show people by their public fields only (never an e-mail or a phone number): the
counterpart of a meeting is another delegate.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, field_validator
from sqlmodel import Field, SQLModel

from app.errors import _l
from app.events.models import BookingMode
from app.meetings.models import MeetingRole, MeetingStatus, RequestStatus


def _stripped(value: str) -> str:
    return value.strip()


Text = Annotated[str, AfterValidator(_stripped)]


class RequestBox(StrEnum):
    inbox = "inbox"  # requests sent to the participant
    outbox = "outbox"  # requests the participant sent
    all = "all"


# ---- settings -----------------------------------------------------------------------------


class MeetingSettingsPublic(SQLModel):
    event_id: int
    booking_mode: BookingMode
    request_deadline: datetime | None
    default_meeting_cap: int


class MeetingSettingsUpdate(SQLModel):
    """Omitted fields keep their value; ``request_deadline: null`` removes the deadline."""

    booking_mode: BookingMode | None = None
    request_deadline: datetime | None = None
    default_meeting_cap: int | None = Field(default=None, gt=0, le=100)


# ---- requests -----------------------------------------------------------------------------


class MeetingRequestCreate(SQLModel):
    """``requester_id`` defaults to the caller's own registration; a delegation head or an
    organiser names the person they ask for."""

    recipient_id: int
    requester_id: int | None = None
    message: Text = Field(default="", max_length=2000)
    profile_ids: list[int] = Field(default_factory=list, max_length=20)

    @field_validator("profile_ids")
    @classmethod
    def _unique(cls, value: list[int]) -> list[int]:
        return list(dict.fromkeys(value))


class RequestDecline(SQLModel):
    reason: Text = Field(min_length=1, max_length=1000)


class PersonPublic(SQLModel):
    id: int
    full_name: str
    name_local: str
    position: str
    organisation_name: str
    organisation_name_en: str = ""
    country: str
    languages: list[str]
    delegation_id: int | None


class MeetingRequestPublic(SQLModel):
    id: int
    event_id: int
    requester: PersonPublic
    recipient: PersonPublic
    message: str
    profile_ids: list[int]
    status: RequestStatus
    decline_reason: str
    responded_at: datetime | None
    expires_at: datetime | None
    meeting_id: int | None
    created_at: datetime


# ---- meetings -----------------------------------------------------------------------------


class MeetingCreate(SQLModel):
    """An organiser's meeting: two or more parties, optionally interpreters or colleagues,
    optionally placed at once. ``needs_confirmation``: the parties confirm before it counts
    (status ``proposed``); otherwise it is confirmed at once."""

    participant_ids: list[int] = Field(min_length=2, max_length=10)
    interpreter_ids: list[int] = Field(default_factory=list, max_length=5)
    colleague_ids: list[int] = Field(default_factory=list, max_length=10)
    needs_confirmation: bool = False
    session_id: int | None = None
    slot_id: int | None = None
    table_id: int | None = None
    priority: int = Field(default=1, ge=0, le=100)
    locked: bool = False


class MeetingUpdate(SQLModel):
    """Organisers move, lock, reprioritise or cancel a meeting. Send the ``revision`` you last
    read: a stale one gets 409 instead of overwriting someone else's change. ``slot_id`` and
    ``table_id`` set to null unschedule it; a slot without a table gets a free table."""

    revision: int | None = Field(default=None, ge=1)
    slot_id: int | None = None
    table_id: int | None = None
    locked: bool | None = None
    priority: int | None = Field(default=None, ge=0, le=100)
    status: MeetingStatus | None = None
    reason: Text = Field(default="", max_length=1000)


class MeetingBook(SQLModel):
    """Without ``slot_id``, the earliest slot free for everyone in the meeting."""

    slot_id: int | None = None
    revision: int | None = Field(default=None, ge=1)


class MeetingCancel(SQLModel):
    reason: Text = Field(min_length=1, max_length=1000)
    revision: int | None = Field(default=None, ge=1)


class MeetingConfirm(SQLModel):
    revision: int | None = Field(default=None, ge=1)


class MeetingParticipantAdd(SQLModel):
    participant_id: int
    role: MeetingRole = MeetingRole.interpreter
    revision: int | None = Field(default=None, ge=1)

    @field_validator("role")
    @classmethod
    def _not_party(cls, value: MeetingRole) -> MeetingRole:
        if value == MeetingRole.party:
            raise ValueError(_l("add an interpreter or a colleague; parties come with the meeting"))
        return value


class SlotBrief(SQLModel):
    id: int
    session_id: int
    number: int
    starts_at: datetime
    ends_at: datetime


class TableBrief(SQLModel):
    id: int
    number: int
    label: str


class MeetingPersonPublic(PersonPublic):
    role: MeetingRole
    confirmed: bool
    attendance: str | None


class MeetingPublic(SQLModel):
    id: int
    event_id: int
    session_id: int | None
    status: MeetingStatus
    origin: str
    slot: SlotBrief | None
    table: TableBrief | None
    locked: bool
    revision: int
    priority: int
    request_id: int | None
    participants: list[MeetingPersonPublic]
    # The parties share no language: an interpreter for these languages is needed.
    interpreter_needed: bool
    interpreter_languages: list[str]
    has_interpreter: bool
    cancelled_reason: str
    created_at: datetime
    updated_at: datetime
