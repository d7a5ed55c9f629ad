"""Accounts, log-in with rate limiting, API tokens and page sessions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import bindparam, func
from sqlmodel import Session, col, delete, select
from sqlmodel.sql.expression import Select

from app.audit.service import record
from app.auth import ratelimit
from app.auth.models import ApiToken, LoginAttempt, Role, User, UserCreate, WebSession
from app.auth.security import digest, hash_password, needs_rehash, new_token, verify_password
from app.db import get_engine
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
    email_confirmed: bool = True,
) -> User:
    """A new account. ``email_confirmed=False`` for accounts whose address nobody vouched
    for (sign-up, an organiser's API call): such an account is linked to a registration only
    once its owner uses a link sent to the address."""
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
        email_confirmed_at=utcnow() if email_confirmed else None,
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
    """Failed log-ins in the window, by e-mail and by address (the audit trail; the limit
    itself is kept by app.auth.ratelimit)."""
    since = utcnow() - timedelta(seconds=settings.login_window_s)
    failed = (col(LoginAttempt.at) >= since, LoginAttempt.success == False)  # noqa: E712
    by_email = session.exec(select(func.count()).where(LoginAttempt.email == email, *failed)).one()
    by_ip = session.exec(select(func.count()).where(LoginAttempt.ip == ip, *failed)).one()
    return int(by_email), int(by_ip)


def login_limit_keys(email: str, ip: str) -> tuple[str, str, str]:
    return (f"login:account-client:{email}|{ip}", f"login:account:{email}", f"login:client:{ip}")


def _admit_login(settings: Settings, *, email: str, ip: str) -> None:
    """Count this guess against the three budgets, in a short transaction of its own that
    commits before the password is checked: concurrent guesses are counted one after the
    other, and the counter rows are not locked while Argon2 runs."""
    pair, account, client = login_limit_keys(email, ip)
    window = settings.login_window_s
    checks = (
        # Someone guessing from one address: a few tries, then exponential back-off. It
        # blocks that address for that account only, so a stranger cannot lock the owner out.
        (pair, settings.login_max_failures, settings.login_backoff_s, True),
        # Guesses from many addresses: only slowed to one check every few seconds.
        (account, settings.login_account_max, settings.login_account_delay_s, False),
        # One address guessing many accounts (or a whole venue behind one address): loose.
        (client, settings.login_client_max, settings.login_backoff_s, True),
    )
    with Session(get_engine()) as limits:
        counted: list[str] = []
        for key, limit, backoff, exponential in checks:
            decision = ratelimit.hit(
                limits,
                key,
                limit,
                window,
                backoff_s=backoff,
                exponential=exponential,
                max_backoff_s=max(window, 3600),
            )
            if not decision.allowed:
                for earlier in counted:  # the guess is not checked: take it back
                    ratelimit.refund(limits, earlier)
                limits.commit()
                raise TooManyRequests(
                    _l(
                        "too many log-in attempts; try again in {seconds} seconds",
                        seconds=decision.retry_after_s,
                    ),
                    retry_after_s=decision.retry_after_s,
                )
            counted.append(key)
        limits.commit()


def _login_succeeded(settings: Settings, *, email: str, ip: str) -> None:
    pair, account, client = login_limit_keys(email, ip)
    with Session(get_engine()) as limits:
        ratelimit.reset(limits, pair)
        ratelimit.refund(limits, account)
        ratelimit.refund(limits, client)
        limits.commit()


def authenticate(
    session: Session, settings: Settings, *, email: str, password: str, ip: str
) -> User:
    """Check a password. Every guess is first counted in the database (app.auth.ratelimit),
    shared by all processes, per account and client address with back-off, per account
    (slowed only) and per client address; refused guesses raise TooManyRequests (429 with
    Retry-After) without checking the password. A failed attempt is also recorded in
    LoginAttempt, so the caller must commit on failure too."""
    email = normalise_email(email)
    if not email:
        raise Invalid("username", "enter your e-mail address")
    if not password:
        raise Invalid("password", "enter your password")
    _admit_login(settings, email=email, ip=ip)
    user = get_user_by_email(session, email)
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.is_active:
        session.add(LoginAttempt(email=email[:320], ip=ip[:64], success=False))
        session.flush()
        raise Unauthorized("wrong e-mail or password")
    _login_succeeded(settings, email=email, ip=ip)
    session.add(LoginAttempt(email=email, ip=ip[:64], success=True))
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


# The statements reading a token or a web session with its user, by the hash of the secret
# (``lookup_params``): built once, as app.deps runs one on nearly every request (building
# and keying a statement cost more than running it).
API_TOKEN_LOOKUP: Select[ApiToken, User] = (
    select(ApiToken, User)
    .join(User, col(User.id) == col(ApiToken.user_id))
    .where(col(ApiToken.token_hash) == bindparam("secret_hash"))
)
WEB_SESSION_LOOKUP: Select[WebSession, User] = (
    select(WebSession, User)
    .join(User, col(User.id) == col(WebSession.user_id))
    .where(col(WebSession.key_hash) == bindparam("secret_hash"))
)


def lookup_params(secret: str) -> dict[str, Any]:
    """The parameters of ``API_TOKEN_LOOKUP`` or ``WEB_SESSION_LOOKUP`` for a secret."""
    return {"secret_hash": digest(secret)}


def token_user(row: ApiToken, user: User) -> User | None:
    """The user of a token read by ``API_TOKEN_LOOKUP``, unless it is revoked or expired or
    the account is disabled."""
    if row.revoked_at is not None or row.expires_at <= utcnow():
        return None
    return user if user.is_active else None


def user_for_api_token(session: Session, token: str) -> User | None:
    found = session.exec(API_TOKEN_LOOKUP, params=lookup_params(token)).first()
    return None if found is None else token_user(*found)


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


def session_user(row: WebSession, user: User) -> User | None:
    """The user of a session read by ``WEB_SESSION_LOOKUP``, unless it has expired or the
    account is disabled."""
    if row.expires_at <= utcnow():
        return None
    return user if user.is_active else None


def user_for_web_session(session: Session, key: str) -> User | None:
    found = session.exec(WEB_SESSION_LOOKUP, params=lookup_params(key)).first()
    return None if found is None else session_user(*found)


def end_web_session(session: Session, key: str) -> None:
    session.exec(delete(WebSession).where(col(WebSession.key_hash) == digest(key)))  # type: ignore[call-overload]
    session.flush()


def purge_expired(session: Session, settings: Settings) -> None:
    now = utcnow()
    session.exec(delete(WebSession).where(col(WebSession.expires_at) <= now))  # type: ignore[call-overload]
    session.exec(delete(ApiToken).where(col(ApiToken.expires_at) <= now))  # type: ignore[call-overload]
    old = now - timedelta(seconds=settings.login_window_s * 4)
    session.exec(delete(LoginAttempt).where(col(LoginAttempt.at) <= old))  # type: ignore[call-overload]
    ratelimit.purge(session, older_than_s=max(settings.login_window_s, 3600) * 4, now=now)
    session.flush()
