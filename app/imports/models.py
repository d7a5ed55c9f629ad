"""Spreadsheet imports: a file is parsed and checked into a batch the organiser previews;
nothing is written to the event until the whole batch is valid and confirmed."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column
from sqlmodel import Field, SQLModel

from app.types import UTCDateTime, utcnow


class ImportKind(StrEnum):
    participants = "participants"
    profiles = "profiles"


class ImportStatus(StrEnum):
    previewed = "previewed"
    applied = "applied"


class ImportBatch(SQLModel, table=True):
    __tablename__ = "import_batch"
    __table_args__ = (
        CheckConstraint("kind IN ('participants', 'profiles')", name="kind"),
        CheckConstraint("status IN ('previewed', 'applied')", name="status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=20)
    filename: str = Field(max_length=300)
    rows: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON))
    errors: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON))
    status: str = Field(default=ImportStatus.previewed.value, max_length=20)
    created_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    applied_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


# ---- API schemas -------------------------------------------------------------------------


class ImportIssuePublic(SQLModel):
    """A problem with the file (row and column null) or with one cell."""

    row: int | None = None
    column: str | None = None  # the column's header as the file writes it
    field: str | None = None
    message: str


class ImportRowPublic(SQLModel):
    row: int
    full_name: str
    name_local: str
    email: str | None
    phone: str
    position: str
    organisation: str | None
    organisation_id: int | None  # an existing organisation it matches; null: created on apply
    country: str | None
    sectors: list[str]
    languages: list[str]
    role: str
    delegation: str | None
    meeting_cap: int | None


class ImportPreview(SQLModel):
    batch_id: int | None  # null for a dry run: nothing is stored
    kind: ImportKind
    status: ImportStatus
    filename: str
    rows: int
    valid: bool
    errors: list[ImportIssuePublic]
    preview: list[ImportRowPublic]
    unknown_columns: list[str] = []  # not recognised, not imported
    ignored_columns: list[str] = []  # recognised as export-only (status, check-in code, STT)
    created_at: datetime | None = None
    applied_at: datetime | None = None


class ImportApplied(SQLModel):
    batch_id: int
    status: ImportStatus
    participants_created: int
    organisations_created: int
    organisations_matched: int
