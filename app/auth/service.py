"""Accounts, log-in with rate limiting, API tokens and page sessions."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func
from sqlmodel import Session, col, delete, select

from app.audit.service import record
from app.auth.models import ApiToken, LoginAttempt, Role, User, UserCreate, WebSession
from app.auth.security import digest, hash_password, needs_rehash, new_token, verify_password
from app.errors import Conflict, FieldError, Invalid, TooManyRequests, Unauthorized, _l
from app.settings import Settings
from app.types import utcnow


def normalise_email(email: str) -> str:
    return email.strip().lower()


def get_user_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == normalise_email(email))).first()


def create_user(
    session: Session,
    *,
    data: UserCreate,
    is_admin: bool = False,
    actor_id: int | None = None,
) -> User:
    email = normalise_email(str(data.email))
    if get_user_by_email(session, email) is not None:
        raise Conflict(
            _l("an account for {email} already exists", email=email),
            [FieldError("email", "already registered")],
        )
    user = User(
        email=email,
        full_name=data.full_name.strip(),
        password_hash=hash_password(data.password),
        role=data.role.value,
        is_admin=is_admin,
        locale=data.locale,
    )
    session.add(user)
    session.flush()
    record(
        session,
        actor_id=actor_id,
        action="user.create",
        entity="user",
        entity_id=user.id,
        changes={"email": [None, email], "role": [None, user.role]},
    )
    return user


def ensure_organiser(
    session: Session, *, email: str, password: str, full_name: str = "Quản trị viên"
) -> tuple[User, bool]:
    """Create the organiser account if missing (start-up, CLI); return (user, created)."""
    existing = get_user_by_email(session, email)
    if existing is not None:
        return existing, False
    user = create_user(
        session,
        data=UserCreate(email=email, full_name=full_name, password=password, role=Role.organiser),
        is_admin=True,
    )
    return user, True


def _recent_failures(
    session: Session, settings: Settings, *, email: str, ip: str
) -> tuple[int, int]:
    since = utcnow() - timedelta(seconds=settings.login_window_s)
    by_email = session.exec(
        select(func.count()).where(
            LoginAttempt.email == email,
            col(LoginAttempt.at) >= since,
            LoginAttempt.success == False,  # noqa: E712
        )
    ).one()
    by_ip = session.exec(
        select(func.count()).where(
            LoginAttempt.ip == ip,
            col(LoginAttempt.at) >= since,
            LoginAttempt.success == False,  # noqa: E712
        )
    ).one()
    return int(by_email), int(by_ip)


def authenticate(
    session: Session, settings: Settings, *, email: str, password: str, ip: str
) -> User:
    """Check a password, with failures counted in the database so that every process and
    replica enforces the same limit. The attempt row is written even when the login fails,
    so the caller must commit on failure too (see ``login_failure_commits``)."""
    email = normalise_email(email)
    if not email:
        raise Invalid("username", "enter your e-mail address")
    if not password:
        raise Invalid("password", "enter your password")
    failures_email, failures_ip = _recent_failures(session, settings, email=email, ip=ip)
    if (
        failures_email >= settings.login_max_failures
        or failures_ip >= settings.login_max_failures * 4
    ):
        raise TooManyRequests(
            "too many failed log-in attempts; try again later",
            retry_after_s=settings.login_window_s,
        )
    user = get_user_by_email(session, email)
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.is_active:
        session.add(LoginAttempt(email=email, ip=ip, success=False))
        session.flush()
        raise Unauthorized("wrong e-mail or password")
    session.add(LoginAttempt(email=email, ip=ip, success=True))
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        session.add(user)
    session.flush()
    return user


def issue_api_token(session: Session, settings: Settings, *, user: User) -> str:
    token = new_token()
    session.add(
        ApiToken(
            user_id=user.id,  # type: ignore[arg-type]
            token_hash=digest(token),
            expires_at=utcnow() + timedelta(seconds=settings.token_max_age_s),
        )
    )
    session.flush()
    return token


def user_for_api_token(session: Session, token: str) -> User | None:
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == digest(token))).first()
    if row is None or row.revoked_at is not None or row.expires_at <= utcnow():
        return None
    user = session.get(User, row.user_id)
    return user if user is not None and user.is_active else None


def revoke_api_token(session: Session, token: str) -> None:
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == digest(token))).first()
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()
        session.add(row)
        session.flush()


def start_web_session(session: Session, settings: Settings, *, user: User) -> str:
    key = new_token()
    session.add(
        WebSession(
            key_hash=digest(key),
            user_id=user.id,  # type: ignore[arg-type]
            expires_at=utcnow() + timedelta(seconds=settings.session_max_age_s),
        )
    )
    session.flush()
    return key


def user_for_web_session(session: Session, key: str) -> User | None:
    row = session.exec(select(WebSession).where(WebSession.key_hash == digest(key))).first()
    if row is None or row.expires_at <= utcnow():
        return None
    user = session.get(User, row.user_id)
    return user if user is not None and user.is_active else None


def end_web_session(session: Session, key: str) -> None:
    session.exec(delete(WebSession).where(col(WebSession.key_hash) == digest(key)))  # type: ignore[call-overload]
    session.flush()


def purge_expired(session: Session, settings: Settings) -> None:
    now = utcnow()
    session.exec(delete(WebSession).where(col(WebSession.expires_at) <= now))  # type: ignore[call-overload]
    session.exec(delete(ApiToken).where(col(ApiToken.expires_at) <= now))  # type: ignore[call-overload]
    old = now - timedelta(seconds=settings.login_window_s * 4)
    session.exec(delete(LoginAttempt).where(col(LoginAttempt.at) <= old))  # type: ignore[call-overload]
    session.flush()
