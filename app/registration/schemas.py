"""API schemas for organisations, delegations and participants."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, EmailStr
from sqlmodel import Field, SQLModel

from app.errors import _l
from app.events.models import clean_language_codes
from app.registration.models import ApprovalStatus, DelegationStatus, ParticipantRole
from app.vocab import SECTORS, OrganisationKind


def clean_country(value: str) -> str:
    code = value.strip().upper()
    if len(code) != 2 or not code.isascii() or not code.isalpha():
        raise ValueError(_l("use a two-letter ISO country code such as VN, TW, JP, KR, IL, NL"))
    return code


def clean_sectors(values: list[str]) -> list[str]:
    out: list[str] = []
    for raw in values:
        code = raw.strip()
        if code not in SECTORS:
            raise ValueError(
                _l("'{raw}' is not a sector code; see GET /api/v1/vocabularies", raw=raw)
            )
        if code not in out:
            out.append(code)
    return out


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


# Stripped before the length checks, so that "   " is refused as an empty name.
Text = Annotated[str, BeforeValidator(_strip)]
Country = Annotated[str, AfterValidator(clean_country)]
Sectors = Annotated[list[str], AfterValidator(clean_sectors)]
Languages = Annotated[list[str], AfterValidator(clean_language_codes)]


class OrganisationCreate(SQLModel):
    name_vi: Text = Field(min_length=1, max_length=300)
    name_en: Text = Field(default="", max_length=300)
    name_local: Text = Field(default="", max_length=300)
    kind: OrganisationKind = OrganisationKind.enterprise
    country: Country = "VN"
    province: Text = Field(default="", max_length=100)
    sectors: Sectors = Field(default_factory=list, max_length=10)
    website: Text = Field(default="", max_length=300)
    description_vi: Text = Field(default="", max_length=5000)
    description_en: Text = Field(default="", max_length=5000)


class OrganisationUpdate(SQLModel):
    name_vi: Text | None = Field(default=None, min_length=1, max_length=300)
    name_en: Text | None = Field(default=None, max_length=300)
    name_local: Text | None = Field(default=None, max_length=300)
    kind: OrganisationKind | None = None
    country: Country | None = None
    province: Text | None = Field(default=None, max_length=100)
    sectors: Sectors | None = Field(default=None, max_length=10)
    website: Text | None = Field(default=None, max_length=300)
    description_vi: Text | None = Field(default=None, max_length=5000)
    description_en: Text | None = Field(default=None, max_length=5000)


class OrganisationPublic(SQLModel):
    id: int
    name_vi: str
    name_en: str
    name_local: str
    kind: OrganisationKind
    country: str
    province: str
    sectors: list[str]
    website: str
    description_vi: str
    description_en: str


class ParticipantCreate(SQLModel):
    """Registration by the person, an organiser or a delegation head.

    ``for_self`` says whose registration this is. Omitted, it is the caller's own when
    ``email`` is absent or equals the caller's account e-mail, someone else's otherwise.
    ``for_self: false`` adds another person without an e-mail (an interpreter, say); only
    the event's organisers and the head of ``delegation_id`` may add other people.
    """

    full_name: Text = Field(min_length=1, max_length=200)
    name_local: Text = Field(default="", max_length=200)
    position: Text = Field(default="", max_length=200)
    organisation_id: int | None = None
    organisation: OrganisationCreate | None = None  # register a new organisation on the way
    email: EmailStr | None = None
    phone: Text = Field(default="", max_length=40)
    languages: Languages = Field(default_factory=lambda: ["vi"], max_length=10)
    role: ParticipantRole = ParticipantRole.delegate
    delegation_id: int | None = None
    meeting_cap: int | None = Field(default=None, ge=0, le=100)
    for_self: bool | None = None


class ParticipantUpdate(SQLModel):
    full_name: Text | None = Field(default=None, min_length=1, max_length=200)
    name_local: Text | None = Field(default=None, max_length=200)
    position: Text | None = Field(default=None, max_length=200)
    organisation_id: int | None = None
    organisation: OrganisationCreate | None = None  # move the person to a new organisation
    email: EmailStr | None = None
    phone: Text | None = Field(default=None, max_length=40)
    languages: Languages | None = Field(default=None, max_length=10)
    role: ParticipantRole | None = None
    delegation_id: int | None = None
    meeting_cap: int | None = Field(default=None, ge=0, le=100)


class ApprovalDecision(SQLModel):
    status: ApprovalStatus
    reason: Text = Field(default="", max_length=1000)


class ParticipantPublic(SQLModel):
    """What other participants and the public may see of a person."""

    id: int
    event_id: int
    full_name: str
    name_local: str
    position: str
    organisation_id: int | None
    organisation_name: str
    organisation_name_en: str = ""
    country: str
    languages: list[str]
    role: ParticipantRole
    delegation_id: int | None


class ParticipantPrivate(ParticipantPublic):
    """Adds contact data and workflow fields: for the person, their delegation head and the
    event's organisers only."""

    email: str | None
    phone: str
    meeting_cap: int | None
    status: ApprovalStatus
    rejection_reason: str
    code: str
    user_id: int | None
    unavailable_slot_ids: list[int]
    created_at: datetime


class AvailabilityUpdate(SQLModel):
    unavailable_slot_ids: list[int] = Field(default_factory=list, max_length=500)


class DelegationCreate(SQLModel):
    name: Text = Field(min_length=1, max_length=300)
    name_en: Text = Field(default="", max_length=300)
    name_local: Text = Field(default="", max_length=300)
    country: Country
    leading_organisation_id: int | None = None
    head_user_id: int | None = None
    arrival_date: date | None = None
    departure_date: date | None = None
    languages: Languages = Field(default_factory=list, max_length=10)
    needs_interpreter: bool = False
    interpreter_notes: Text = Field(default="", max_length=1000)
    status: DelegationStatus = DelegationStatus.invited
    notes: Text = Field(default="", max_length=5000)
    organisation_ids: list[int] = Field(default_factory=list, max_length=200)


class DelegationUpdate(SQLModel):
    name: Text | None = Field(default=None, min_length=1, max_length=300)
    name_en: Text | None = Field(default=None, max_length=300)
    name_local: Text | None = Field(default=None, max_length=300)
    country: Country | None = None
    leading_organisation_id: int | None = None
    head_user_id: int | None = None
    arrival_date: date | None = None
    departure_date: date | None = None
    languages: Languages | None = Field(default=None, max_length=10)
    needs_interpreter: bool | None = None
    interpreter_notes: Text | None = Field(default=None, max_length=1000)
    status: DelegationStatus | None = None
    notes: Text | None = Field(default=None, max_length=5000)
    organisation_ids: list[int] | None = Field(default=None, max_length=200)


class DelegationPublic(SQLModel):
    """What anyone who can see the event may read of a registered or confirmed delegation."""

    id: int
    event_id: int
    name: str
    name_en: str
    name_local: str
    country: str
    leading_organisation_id: int | None
    status: DelegationStatus
    organisation_ids: list[int]
    members: list[ParticipantPublic]


class DelegationPrivate(SQLModel):
    """Adds travel, interpreter needs, notes and the members' contact data and workflow
    fields: for the event's organisers and the head of the delegation."""

    id: int
    event_id: int
    name: str
    name_en: str
    name_local: str
    country: str
    leading_organisation_id: int | None
    status: DelegationStatus
    organisation_ids: list[int]
    head_user_id: int | None
    head_name: str
    arrival_date: date | None
    departure_date: date | None
    languages: list[str]
    needs_interpreter: bool
    interpreter_notes: str
    notes: str
    created_at: datetime
    members: list[ParticipantPrivate]
