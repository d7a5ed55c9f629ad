"""API schemas for cooperation profiles (offers and requests), suggestions and vocabularies."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, ValidationError, field_validator, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError
from sqlmodel import Field, SQLModel

from app.errors import _l
from app.events.models import clean_language_codes
from app.matchmaking.models import ProfileStatus
from app.registration.schemas import ParticipantPublic, Sectors
from app.text import fold
from app.vocab import PARTNERSHIPS, BudgetRange, IpStatus, ProfileKind

MAX_KEYWORDS = 20
MAX_KEYWORD_LENGTH = 60
TITLE_FIELDS = ("title_vi", "title_en", "title_local")
NO_TITLE = "give a title in at least one language"


def clean_keywords(values: list[str]) -> list[str]:
    """Trimmed, without blanks, one of each (ignoring case and accents), in the given order."""
    out: list[str] = []
    seen: set[str] = set()
    for raw in values:
        word = " ".join(raw.split())
        if not word:
            continue
        if len(word) > MAX_KEYWORD_LENGTH:
            raise ValueError(_l("a keyword has at most {n} characters", n=MAX_KEYWORD_LENGTH))
        key = fold(word)
        if key not in seen:
            seen.add(key)
            out.append(word)
    if len(out) > MAX_KEYWORDS:
        raise ValueError(_l("at most {n} keywords", n=MAX_KEYWORDS))
    return out


def clean_partnerships(values: list[str]) -> list[str]:
    out: list[str] = []
    for raw in values:
        code = raw.strip()
        if code not in PARTNERSHIPS:
            raise ValueError(
                _l("'{raw}' is not a partnership type; see GET /api/v1/vocabularies", raw=raw)
            )
        if code not in out:
            out.append(code)
    return out


def clean_local_language(value: str) -> str:
    if not value.strip():
        return ""
    return clean_language_codes([value])[0]


# The raw list may be long (pasted keywords with repeats); the cleaned one is capped above.
Keywords = Annotated[list[str], AfterValidator(clean_keywords)]
Partnerships = Annotated[list[str], AfterValidator(clean_partnerships)]
LocalLanguage = Annotated[str, AfterValidator(clean_local_language)]


def _missing_title(model: str, value: Any) -> ValidationError:
    # Raised from a model validator, but located at title_vi so that the problem (and the
    # form) names a field a person can fill in.
    return ValidationError.from_exception_data(
        model,
        [
            InitErrorDetails(
                type=PydanticCustomError("title_missing", NO_TITLE),
                loc=("title_vi",),
                input=value,
            )
        ],
    )


class ProfileCreate(SQLModel):
    """An offer or a request. ``participant_id`` may be left out to publish for oneself."""

    participant_id: int | None = None
    kind: ProfileKind
    title_vi: str = Field(default="", max_length=300)
    title_en: str = Field(default="", max_length=300)
    title_local: str = Field(default="", max_length=300)
    description_vi: str = Field(default="", max_length=10000)
    description_en: str = Field(default="", max_length=10000)
    description_local: str = Field(default="", max_length=10000)
    local_language: LocalLanguage = Field(default="", max_length=8)
    sectors: Sectors = Field(default_factory=list, max_length=10)
    keywords: Keywords = Field(default_factory=list, max_length=200)
    trl: int | None = Field(default=None, ge=1, le=9)
    ip_status: IpStatus | None = None
    budget: BudgetRange | None = None
    partnership_types: Partnerships = Field(default_factory=list, max_length=20)
    status: ProfileStatus = ProfileStatus.published

    @field_validator(
        "title_vi",
        "title_en",
        "title_local",
        "description_vi",
        "description_en",
        "description_local",
    )
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()

    @model_validator(mode="after")
    def _some_title(self) -> ProfileCreate:
        if not (self.title_vi or self.title_en or self.title_local):
            raise _missing_title(type(self).__name__, self.title_vi)
        return self


class ProfileUpdate(SQLModel):
    """Fields left out stay as they are; the result must still have a title."""

    kind: ProfileKind | None = None
    title_vi: str | None = Field(default=None, max_length=300)
    title_en: str | None = Field(default=None, max_length=300)
    title_local: str | None = Field(default=None, max_length=300)
    description_vi: str | None = Field(default=None, max_length=10000)
    description_en: str | None = Field(default=None, max_length=10000)
    description_local: str | None = Field(default=None, max_length=10000)
    local_language: LocalLanguage | None = Field(default=None, max_length=8)
    sectors: Sectors | None = Field(default=None, max_length=10)
    keywords: Keywords | None = Field(default=None, max_length=200)
    trl: int | None = Field(default=None, ge=1, le=9)
    ip_status: IpStatus | None = None
    budget: BudgetRange | None = None
    partnership_types: Partnerships | None = Field(default=None, max_length=20)
    status: ProfileStatus | None = None

    @field_validator(
        "title_vi",
        "title_en",
        "title_local",
        "description_vi",
        "description_en",
        "description_local",
    )
    @classmethod
    def _strip(cls, value: str | None) -> str | None:
        return None if value is None else value.strip()

    @model_validator(mode="after")
    def _not_all_titles_blank(self) -> ProfileUpdate:
        given = [getattr(self, f) for f in TITLE_FIELDS if f in self.model_fields_set]
        if len(given) == len(TITLE_FIELDS) and not any(given):
            raise _missing_title(type(self).__name__, self.title_vi)
        return self


class ProfilePublic(SQLModel):
    id: int
    event_id: int
    participant_id: int
    participant_name: str
    organisation_id: int | None
    organisation_name: str
    organisation_name_en: str = ""
    country: str
    kind: ProfileKind
    title_vi: str
    title_en: str
    title_local: str
    description_vi: str
    description_en: str
    description_local: str
    local_language: str
    sectors: list[str]
    keywords: list[str]
    trl: int | None
    ip_status: IpStatus | None
    budget: BudgetRange | None
    partnership_types: list[str]
    status: ProfileStatus
    created_at: datetime
    updated_at: datetime


# ---- suggestions --------------------------------------------------------------------------


class ProfileBrief(SQLModel):
    id: int
    kind: ProfileKind
    title_vi: str
    title_en: str
    title_local: str


class ReasonPublic(SQLModel):
    """Why two profiles match, in both languages: ``code`` is sector, keywords, text or kinds."""

    code: str
    vi: str
    en: str


class SuggestionPublic(SQLModel):
    participant: ParticipantPublic
    score: float
    profile: ProfileBrief  # theirs: the best match
    matches: ProfileBrief  # mine: the profile it answers
    pair_count: int  # how many of their profiles match one of mine
    reasons: list[ReasonPublic]
    strength: str = "strong"  # "weak": score under suggest.WEAK_BELOW, shown marked


# ---- vocabularies -------------------------------------------------------------------------


class Term(SQLModel):
    code: str
    vi: str
    en: str


class KindTerm(Term):
    side: str  # offer, request or either: suggestions pair an offer with a request


class Vocabularies(SQLModel):
    sectors: list[Term]
    profile_kinds: list[KindTerm]
    profile_statuses: list[str]
    ip_statuses: list[Term]
    budgets: list[Term]
    partnership_types: list[Term]
    organisation_kinds: list[Term]
    countries: list[Term]
    languages: list[Term]
    trl: list[int]
