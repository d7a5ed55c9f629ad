"""Calendar subscription tokens (a participant's feed URL carries a random token; only its
digest is stored, and resetting it revokes the old link at once) and print jobs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, LargeBinary
from sqlmodel import Field, SQLModel

from app.types import UTCDateTime, utcnow


class CalendarToken(SQLModel, table=True):
    __tablename__ = "calendar_token"

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", index=True, ondelete="CASCADE")
    token_digest: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class PrintJobRow(SQLModel, table=True):
    """A background print job and, when done, its PDF: kept in the database so that every
    process of the app (web workers on several machines, ``ketnoi worker``) sees the same
    jobs and files. Removed a day after its last change (``jobs.KEEP_FOR``)."""

    __tablename__ = "print_job"

    id: str = Field(primary_key=True, max_length=64)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    what: str = Field(max_length=20)
    status: str = Field(max_length=20, index=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime, index=True)
    session_id: int | None = None
    delegation_id: int | None = None
    by_delegation: bool = False
    lang: str = Field(default="vi", max_length=10)
    second: str = Field(default="en", max_length=10)
    done: int = 0
    total: int = 0
    error: str = Field(default="", max_length=500)
    filename: str = Field(default="", max_length=200)
    created_by_id: int | None = None
    size: int = 0
    body: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
