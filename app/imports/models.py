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
