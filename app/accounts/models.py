"""Link tokens (confirmation, invitation, reset, sign-in) and the link-request rate limit."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, Index, String
from sqlmodel import Field, SQLModel

from app.types import UTCDateTime, one_of, utcnow


class Purpose(StrEnum):
    confirm_email = "confirm_email"
    reset_password = "reset_password"
    invitation = "invitation"
    sign_in_link = "sign_in_link"


class AccountToken(SQLModel, table=True):
    """A link sent by e-mail. Only the SHA-256 digest of the random token is stored; the row
    is spent (``used_at``) by the first use, expires, and names the password it was issued
    under (``password_stamp``), so that a password change voids every outstanding link."""

    __tablename__ = "account_token"
    __table_args__ = (
        CheckConstraint(one_of("purpose", Purpose), name="purpose"),
        CheckConstraint("user_id IS NOT NULL OR participant_id IS NOT NULL", name="owner"),
        Index("ix_account_token_participant", "participant_id", "purpose"),
    )

    id: int | None = Field(default=None, primary_key=True)
    purpose: str = Field(max_length=20)
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    user_id: int | None = Field(
        default=None, foreign_key="user_account.id", index=True, ondelete="CASCADE"
    )
    participant_id: int | None = Field(
        default=None, foreign_key="participant.id", ondelete="CASCADE"
    )
    email: str = Field(max_length=320)
    password_stamp: str = Field(default="", max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class LinkRequest(SQLModel, table=True):
    """One request for a link, counted per purpose and key (an address or a client), whether
    or not the address has an account."""

    __tablename__ = "link_request"
    __table_args__ = (Index("ix_link_request_key_at", "purpose", "key", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    purpose: str = Field(max_length=30)
    key: str = Field(max_length=320)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
