"""Users, API tokens, page sessions and login attempts (all in the database: processes share
nothing but the database, so that more workers or replicas need no code change)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import EmailStr
from sqlalchemy import CheckConstraint, Column, Index, String
from sqlmodel import Field, SQLModel

from app.types import UTCDateTime, utcnow


class Role(StrEnum):
    organiser = "organiser"
    delegate = "delegate"


class User(SQLModel, table=True):
    __tablename__ = "user_account"
    __table_args__ = (CheckConstraint("role IN ('organiser', 'delegate')", name="role"),)

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(sa_column=Column(String(320), nullable=False, unique=True))
    full_name: str = Field(max_length=200)
    password_hash: str = Field(max_length=255)
    role: str = Field(default=Role.delegate.value, max_length=20)
    is_admin: bool = False
    is_active: bool = True
    locale: str = Field(default="vi", max_length=5)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Set once the person proved the address (a link sent to it was used). Until then the
    # account is never linked to a registration by e-mail (no takeover by a look-alike).
    email_confirmed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class WebSession(SQLModel, table=True):
    """A logged-in browser. The cookie holds a random key; only its digest is stored."""

    __tablename__ = "web_session"

    id: int | None = Field(default=None, primary_key=True)
    key_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    user_id: int = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)


class LoginAttempt(SQLModel, table=True):
    __tablename__ = "login_attempt"
    __table_args__ = (
        Index("ix_login_attempt_email_at", "email", "at"),
        Index("ix_login_attempt_ip_at", "ip", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=320)
    ip: str = Field(max_length=64)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    success: bool = False


class RateLimit(SQLModel, table=True):
    """One counter per limited thing (app.auth.ratelimit): log-in guesses per account and
    client address, per account, per client address; e-mailed links."""

    __tablename__ = "rate_limit"

    key: str = Field(sa_column=Column(String(400), primary_key=True))
    count: int = 0
    window_start: datetime = Field(sa_type=UTCDateTime)
    blocked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)


# ---- API schemas -------------------------------------------------------------------------


class UserPublic(SQLModel):
    id: int
    email: str
    full_name: str
    role: Role
    is_admin: bool
    locale: str


class UserCreate(SQLModel):
    email: EmailStr
    full_name: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=10, max_length=200)
    role: Role = Role.delegate
    locale: Literal["vi", "en"] = "vi"


class TokenResponse(SQLModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
