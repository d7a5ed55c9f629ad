"""Calendar subscription tokens: a participant's feed URL carries a random token; only its
digest is stored, and resetting it revokes the old link at once."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.types import UTCDateTime, utcnow


class CalendarToken(SQLModel, table=True):
    __tablename__ = "calendar_token"

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", index=True, ondelete="CASCADE")
    token_digest: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
