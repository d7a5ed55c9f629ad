"""API shapes of the demand survey: the survey's state, one participant's answers, the
organisers' list of wishes, the spreadsheet import, the matching board and its proposals."""

from __future__ import annotations

from datetime import datetime

from pydantic import field_validator
from sqlmodel import Field, SQLModel

from app.survey.models import WishLevel

ID_MAX = 2_147_483_647
PAIR_PATTERN = r"^[1-9][0-9]{0,9}-[1-9][0-9]{0,9}$"


class SurveyState(SQLModel):
    event_id: int
    open: bool


class SurveyUpdate(SQLModel):
    """Open the survey to answers (``true``) or close it."""

    open: bool


class WishOption(SQLModel):
    """Someone the participant may ask to meet (people of other organisations at the
    tables), best suggestion first, with the wish already stated (``null``: none)."""

    participant_id: int
    full_name: str
    name_local: str
    organisation: str
    country: str
    profiles: list[str]
    score: float
    level: WishLevel | None


class ParticipantSurvey(SQLModel):
    event_id: int
    participant_id: int
    open: bool
    options: list[WishOption]


class WishIn(SQLModel):
    participant_id: int = Field(ge=1, le=ID_MAX)
    level: WishLevel | None = Field(
        default=None, description="must, would, or null to withdraw the wish"
    )


class WishesUpdate(SQLModel):
    """The wishes to state or change; people not named keep theirs."""

    wishes: list[WishIn] = Field(min_length=1, max_length=500)

    @field_validator("wishes")
    @classmethod
    def _once_each(cls, value: list[WishIn]) -> list[WishIn]:
        seen: set[int] = set()
        for item in value:
            if item.participant_id in seen:
                raise ValueError("each person at most once")
            seen.add(item.participant_id)
        return value


class WishesSaved(SQLModel):
    participant_id: int
    count: int  # how many wishes the participant now has


class WishPublic(SQLModel):
    id: int
    from_participant_id: int
    to_participant_id: int
    level: WishLevel
    updated_at: datetime


class WishImportRow(SQLModel):
    row: int
    from_participant_id: int
    to_participant_id: int
    level: WishLevel
    from_name: str
    to_name: str


class WishImportResult(SQLModel):
    """The file's wishes; ``saved`` is null for a preview (``dry_run``)."""

    rows: list[WishImportRow]
    saved: int | None


class BoardParty(SQLModel):
    participant_id: int
    full_name: str
    name_local: str
    organisation: str
    wants: WishLevel | None  # this side's wish towards the other


class BoardPair(SQLModel):
    key: str  # "12-34": the pair to name in a proposal
    a: BoardParty
    b: BoardParty
    score: float
    priority: int
    mutual: bool
    meeting_id: int | None  # the active meeting they already have
    topic_vi: str
    topic_en: str


class ProposalItem(SQLModel):
    pair: str = Field(regex=PAIR_PATTERN, max_length=21, description='"12-34": a key of the board')
    topic: str | None = Field(
        default=None,
        max_length=300,
        description="the meeting's topic as written; null: the board's suggestion; "
        "an empty text: none",
    )


class ProposalCreate(SQLModel):
    pairs: list[ProposalItem] = Field(min_length=1, max_length=500)


class ProposedMeeting(SQLModel):
    meeting_id: int
    pair: str
    status: str
    priority: int
    topic_vi: str
    topic_en: str


class ProposalResult(SQLModel):
    meetings: list[ProposedMeeting]
    skipped: list[str]  # chosen pairs that already have a meeting
