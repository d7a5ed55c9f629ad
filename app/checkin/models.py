"""Who has arrived. ``checkin`` has the participant as its primary key: a person is checked
in at most once, however many staff scan the same agenda at the same moment."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel

from app.types import UTCDateTime, one_of, utcnow


class CheckinMethod(StrEnum):
    qr = "qr"  # the QR code of the printed agenda, by camera or USB scanner
    code = "code"  # the code typed by hand
    search = "search"  # found by name in the list


class Checkin(SQLModel, table=True):
    __tablename__ = "checkin"
    __table_args__ = (CheckConstraint(one_of("method", CheckinMethod), name="method"),)

    participant_id: int = Field(foreign_key="participant.id", primary_key=True, ondelete="CASCADE")
    # Redundant with the participant's event, kept so that arrival counts need no join.
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    checked_in_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    by_user_id: int | None = Field(default=None, foreign_key="user_account.id", ondelete="SET NULL")
    method: str = Field(default=CheckinMethod.code.value, max_length=10)
