"""The outbox: every e-mail the product sends is first a row here, written in the same unit
of work as the change it reports (so a rolled-back change never e-mails anyone); a sender
delivers the rows and records the attempts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel

from app.types import UTCDateTime, utcnow


class Outbox(SQLModel, table=True):
    __tablename__ = "outbox"
    __table_args__ = (
        # vi or en; a reminder in Vietnamese plus the delegate's own language is stored under
        # that language's code (app.i18n.documents).
        CheckConstraint("locale IN ('vi', 'en', 'ja', 'ko', 'zh_Hant', 'zh_Hans')", name="locale"),
        CheckConstraint("attempts >= 0", name="attempts_nonnegative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int | None = Field(
        default=None, foreign_key="event.id", index=True, ondelete="CASCADE"
    )
    to_email: str = Field(max_length=320)
    to_name: str = Field(default="", max_length=200)
    participant_id: int | None = Field(
        default=None, foreign_key="participant.id", ondelete="SET NULL"
    )
    locale: str = Field(default="vi", max_length=10)
    kind: str = Field(max_length=40)
    subject: str = Field(max_length=300)
    body_text: str
    body_html: str = ""
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id", ondelete="SET NULL")
    request_id: int | None = Field(
        default=None, foreign_key="meeting_request.id", ondelete="SET NULL"
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # NULL until delivered: the sender picks the unsent rows in id order.
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    attempts: int = 0
    last_error: str = Field(default="", max_length=2000)
